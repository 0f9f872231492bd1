"""Method lists read only the lines holding a method word: the same relations as reading every line."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from ingest.mentions import default_linker, norm
from ingest.relations import _method_lists, _method_words, _Out, _rows_of, cues


@given(st.lists(st.text(alphabet="ab\u4e00 ", max_size=6), min_size=1, max_size=8), st.data())
def test_rows_of_is_the_line_of_each_offset(lines: list[str], data: st.DataObject) -> None:
    text = "\n".join(lines)
    offsets = sorted(data.draw(st.lists(st.integers(0, max(0, len(text) - 1)), max_size=10)))
    expected = list(dict.fromkeys(text.count("\n", 0, o) for o in offsets))
    assert _rows_of(lines, offsets) == expected


def test_method_lists_on_method_word_rows_only() -> None:
    lk = default_linker()
    c = cues()
    rng = random.Random(3)
    words = c["mitigates"]["method_words"] + c["mitigates"]["forward"] + c["mitigates"]["question"]
    concepts = ["过拟合", "梯度消失", "Dropout", "正则化", "数据增强", "BatchNorm", "残差连接", "早停"]
    fillers = ["的", "包括", "：", "；", "。", "有", "主要", "- ", "1. ", ""]
    hits = 0
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.4:  # 缓解过拟合的方法包括：Dropout；数据增强
                items = "；".join(rng.sample(concepts, rng.randint(1, 3)))
                lines.append(f"{rng.choice(c['mitigates']['forward'])}{rng.choice(concepts)}的"
                             f"{rng.choice(c['mitigates']['method_words'])}包括：{items}")
            else:
                lines.append("".join(rng.choice(words + concepts + fillers) for _ in range(rng.randint(0, 9))))
        nlines = norm("\n".join(lines)).split("\n")
        if len(nlines) != len(lines):
            continue
        everything, some = _Out(), _Out()
        _method_lists(lines, nlines, ["过拟合"], lk, everything)
        rows = _rows_of(nlines, [m.start() for m in _method_words().finditer("\n".join(nlines))])
        _method_lists(lines, nlines, ["过拟合"], lk, some, rows)
        assert some.found == everything.found, lines
        hits += bool(everything.found)
    assert hits  # the generated lists do state relations
