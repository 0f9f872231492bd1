"""Property tests: the segmenter never fails on any text, and what it returns is well formed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import ingest
from ingest.read import RefusedFile
from ingest.segment import segment

PIECES = ["# ", "## ", "### 3.4.6 ", "1. ", "1.2 ", "一、", "Q1：", "问：", "答：", "【问题】", "【回答】", "- ", "* ",
          "**", "?", "？", "---", "```", "$$", "|", "<!--", "-->", "[a](#b)", "![i](x.png)", "\n", "\n\n", "  ",
          "什么是梯度消失", "如何缓解过拟合", "ReLU", "Dropout", "导致", "缓解", "由", "组成", "的变体", "->",
          "what is", "overfitting", "\u200b", "\ufeff", "目录"]

documents = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_segment_never_fails(text: str) -> None:
    units = segment(text, lambda t: "ReLU" in t or "Dropout" in t)
    assert [u.position for u in units] == list(range(len(units)))
    for u in units:
        assert u.question.strip() and "\n" not in u.question


@settings(max_examples=150, deadline=None)
@given(documents)
def test_extract_never_fails_except_refusal(text: str) -> None:
    try:
        doc = ingest.extract("x.md", text.encode("utf-8", "surrogatepass"))
    except RefusedFile:
        return
    for r in doc.relations:
        assert 0 <= r.question < len(doc.questions)
