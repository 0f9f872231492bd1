"""Fuzzing with hypothesis: the reader, segmenter, linker, whole-document extraction and the
question parser take any input; no exception escapes except the documented ones
(`RefusedFile` from the reader; `ask`/`parse` never raise, an unknown concept is part of the answer).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest
from graph import KnowledgeGraph
from ingest.mentions import default_linker
from ingest.read import MAX_BYTES, RefusedFile, decode, read_text
from ingest.segment import segment

# CI runs a modest number of examples; DLKG_FUZZ_EXAMPLES=5000 digs deeper
FUZZ = settings(max_examples=int(os.environ.get("DLKG_FUZZ_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# pieces that steer generated text into the interesting corners
PIECES = ["#", "## ", "> ", "- ", "1. ", "Q1:", "问：", "答：", "？", "?", "\n", "\r\n", "\r", "```", "$$",
          "---", "<h2>", "</h2>", "<script>", "</script>", "<!--", "-->", "[", "](", ")", "**", "`",
          "ReLU", "梯度消失", "过拟合", "缓解", "导致", "不能", "批归一化", "BN", "\u200b", "\u202e", "\ufeff",
          "\x00", "\x85", "\u2028", '"} ; DROP ALL ; {"', "<http://x>", '"""', "é", "\U0001f600", "\ud7ff"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map("".join)
blobs = st.one_of(
    st.binary(max_size=400),
    texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    texts.map(lambda t: t.encode("gb18030", "replace")),
    texts.map(lambda t: t.encode("utf-16")),
    st.tuples(texts, st.binary(max_size=8), texts).map(lambda p: p[0].encode("utf-8", "replace") + p[1]
                                                        + p[2].encode("utf-8", "replace")),
)
names = st.one_of(st.sampled_from(["a.md", "b.txt", "c.html", "../../etc/passwd.md", "C:\\x.md", ".md"]),
                  st.text(max_size=30).map(lambda s: s + ".md"))


@FUZZ
@given(blobs)
def test_decode_returns_text_or_refuses(data: bytes) -> None:
    try:
        decoded = decode(data)
    except RefusedFile as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(decoded.text, str) and decoded.encoding


@FUZZ
@given(names, blobs)
def test_read_text_returns_text_or_refuses(name: str, data: bytes) -> None:
    try:
        decoded = read_text(name, data)
    except RefusedFile:
        return
    assert "\x00" not in decoded.text


def test_decode_refuses_over_the_limit() -> None:
    with pytest.raises(RefusedFile, match="too large"):
        decode(b"a" * (MAX_BYTES + 1))


@FUZZ
@given(texts)
def test_segment_takes_any_text(text: str) -> None:
    linker = default_linker()
    units = segment(text, lambda t: bool(linker.find(t)))
    assert [u.position for u in units] == list(range(len(units)))
    for u in units:
        assert u.question.strip() and isinstance(u.answer, str)


@FUZZ
@given(texts)
def test_linker_takes_any_text(text: str) -> None:
    linker = default_linker()
    mentions = linker.find(text)
    for m in mentions:
        assert 0 <= m.start < m.end and m.concept.startswith("https://w3id.org/dlkg/concept/")
    assert set(linker.concepts(text)) == {m.concept for m in mentions}


@FUZZ
@given(names, blobs)
def test_extract_takes_any_document(name: str, data: bytes) -> None:
    try:
        doc = ingest.extract(name, data)
    except RefusedFile:
        return
    assert "/" not in doc.file_name and "\\" not in doc.file_name
    graph, quads = ingest.to_quads(doc)
    assert all(q.graph_name == graph for q in quads)


@pytest.fixture(scope="module")
def kg() -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph.open(memory=True)
    yield graph
    graph.close()


QUESTION_PIECES = ["什么", "可以", "缓解", "导致", "过拟合", "梯度消失", "ReLU", "LSTM", "的", "变体", "是", "？",
                   "what", "mitigates", "causes", "is part of", "Dropout", "和", "区别", "\u200b", "<script>",
                   '"} ; DROP ALL ; {"', "?x", "SELECT * WHERE {", "}"]
questions = st.lists(st.one_of(st.sampled_from(QUESTION_PIECES), st.text(max_size=8)), max_size=14).map("".join)


@FUZZ
@given(questions)
def test_question_parser_never_raises(kg: KnowledgeGraph, sentence: str) -> None:
    ask = pytest.importorskip("graph.ask")
    parsed = ask.parse(kg, sentence)
    assert parsed is not None
    result = ask.ask(kg, sentence)
    assert isinstance(result.as_dict(), dict)
