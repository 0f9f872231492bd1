"""The label index behind the search box and concept resolution."""

from __future__ import annotations

from graph.search import LabelIndex

LABELS = [
    ("c:vg", "梯度消失"), ("c:vg", "vanishing gradient"), ("c:vg", "梯度消失問題"),
    ("c:eg", "梯度爆炸"), ("c:eg", "exploding gradient"),
    ("c:relu", "ReLU"), ("c:relu", "修正线性单元"), ("c:lrelu", "Leaky ReLU"),
    ("c:bn", "批量归一化"), ("c:bn", "BatchNorm"), ("c:ln", "层归一化"),
]


def index() -> LabelIndex:
    return LabelIndex(LABELS)


def test_exact_lookup_is_folded() -> None:
    idx = index()
    assert idx.lookup("RELU") == {"c:relu"}
    assert idx.lookup(" Vanishing  Gradient ") == {"c:vg"}
    assert idx.lookup("梯度消失问题") == {"c:vg"}  # traditional label, simplified query
    assert idx.lookup("nothing") == frozenset()


def test_ranking_exact_then_prefix_then_substring() -> None:
    idx = index()
    assert idx.search("relu") == ["c:relu", "c:lrelu"]  # exact before substring
    assert idx.search("梯度")[:2] == ["c:eg", "c:vg"]  # both prefixes; ties by IRI without lengths
    assert idx.search("归一化") == ["c:bn", "c:ln"]
    assert idx.search("gradient") == ["c:eg", "c:vg"]


def test_length_breaks_ties() -> None:
    sizes = {"c:eg": 9, "c:vg": 4}
    assert index().search("梯度", length=lambda iri: sizes.get(iri, 0))[:2] == ["c:vg", "c:eg"]


def test_prefix_and_substring_helpers() -> None:
    idx = index()
    assert idx.prefix("梯度") == ["梯度消失", "梯度消失问题", "梯度爆炸"]
    assert sorted(idx.substring("norm")) == ["batchnorm"]
    assert "leakyrelu" in idx.substring("y")  # one character goes through the character postings
    assert idx.substring("zzz") == []


def test_near_misses_by_pinyin_and_spelling() -> None:
    idx = index()
    assert idx.search("tiduxiaoshi") == ["c:vg"]  # typed pinyin
    assert idx.search("梯度消逝")[:1] == ["c:vg"]  # a homophone typo
    assert "c:eg" in idx.search("exploding gradeint")  # a spelling slip
    assert idx.search("") == []
    assert idx.search("完全无关的词") == []


def test_limit() -> None:
    assert len(index().search("梯度", limit=1)) == 1
