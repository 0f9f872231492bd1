"""The label index behind the search box and concept resolution."""

from __future__ import annotations

import marshal
from pathlib import Path

import pyoxigraph as ox

import ontology
from graph import KnowledgeGraph
from graph.search import LabelIndex, load_cached, save_cached

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKOS_PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")

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


# ---------------------------------------------------------------------------- on-disk cache
def test_state_round_trip_answers_the_same() -> None:
    idx = index()
    again = LabelIndex.from_state(marshal.loads(marshal.dumps(idx.state())))
    for probe in ("relu", "梯度", "归一化", "titu xiaoshi", "梯度消逝", "batchnrom", "Leaky"):
        assert again.search(probe) == idx.search(probe)


def test_cache_is_keyed_by_revision_and_survives_nothing_odd(tmp_path: Path) -> None:
    save_cached(tmp_path, "labels", "rev1", ["a", {"b": 1}])
    assert load_cached(tmp_path, "labels", "rev1") == ["a", {"b": 1}]
    assert load_cached(tmp_path, "labels", "rev2") is None  # stale
    assert load_cached(tmp_path, "labels", "") is None
    assert load_cached(tmp_path, "other", "rev1") is None  # missing
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    (tmp_path / "labels.marshal").write_bytes(b"\x00garbage")  # corrupt
    assert load_cached(tmp_path, "labels", "rev1") is None
    (tmp_path / "labels.marshal").write_bytes(marshal.dumps(("no", "revision", "rev1")))
    assert load_cached(tmp_path, "labels", "rev1") is None
    (tmp_path / "file").write_text("")
    save_cached(tmp_path / "file" / "below", "labels", "rev1", 1)  # unwritable place: ignored
    assert load_cached(tmp_path / "file" / "below", "labels", "rev1") is None


def test_store_reuses_its_label_cache_until_a_write(tmp_path: Path) -> None:
    store = tmp_path / "store"
    kg = KnowledgeGraph.open(store=store)
    first = [(c.iri, c.label, c.label_en) for c in kg.all_concepts()]
    found = [c.iri for c in kg.search("titu xiaoshi")]
    rev = kg.labels_revision()
    kg.close()
    cache = tmp_path / "store.cache" / "labels.marshal"
    assert cache.exists() and load_cached(cache.parent, "labels", rev) is not None

    kg = KnowledgeGraph.open(store=store)  # pyoxigraph opens the store beside the cache; same answers
    assert [(c.iri, c.label, c.label_en) for c in kg.all_concepts()] == first
    assert [c.iri for c in kg.search("titu xiaoshi")] == found
    kg.close()

    cache.write_bytes(b"corrupt")  # a damaged cache is rebuilt, never trusted
    kg = KnowledgeGraph.open(store=store)
    assert [(c.iri, c.label, c.label_en) for c in kg.all_concepts()] == first
    kg.close()
    assert load_cached(cache.parent, "labels", rev) is not None

    kg = KnowledgeGraph.open(store=store)  # a write gives a new revision: the old cache is stale
    g = ox.NamedNode("https://example.org/src")
    new = ox.NamedNode(ontology.CONCEPT_NS + "zz_new")
    kg.replace_source(g, [ox.Quad(new, RDF_TYPE, ox.NamedNode(ontology.NS + "Concept"), g),
                          ox.Quad(new, SKOS_PREF, ox.Literal("全新概念", language="zh"), g)])
    assert load_cached(cache.parent, "labels", kg.labels_revision()) is None
    assert [c.label for c in kg.search("全新概念")] == ["全新概念"]
    kg.close()
    kg = KnowledgeGraph.open(store=store)
    assert [c.label for c in kg.search("全新概念")] == ["全新概念"]
    kg.close()


# ---------------------------------------------------------------------------- labels revision
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
TEXT = ox.NamedNode(ontology.NS + "text")


def _source(name: str) -> ox.NamedNode:
    return ox.NamedNode("https://example.org/src/" + name)


def _plain(g: ox.NamedNode) -> list[ox.Quad]:
    """A source without any label: what an ingest of a note usually writes."""
    return [ox.Quad(ox.NamedNode(g.value + "#q1"), TEXT, ox.Literal("什么是过拟合？"), g)]


def _labelled(g: ox.NamedNode, label: str) -> list[ox.Quad]:
    new = ox.NamedNode(ontology.CONCEPT_NS + "zz_" + g.value.rsplit("/", 1)[-1])
    return [ox.Quad(new, RDF_TYPE, ox.NamedNode(ontology.NS + "Concept"), g),
            ox.Quad(new, SKOS_PREF, ox.Literal(label, language="zh"), g)]


def test_writes_without_labels_keep_the_label_index(kg: KnowledgeGraph) -> None:
    index = kg._labels()[0]
    labels_rev, rev = kg.labels_revision(), kg.revision()
    a = _source("a")
    kg.replace_source(a, _plain(a))
    kg.replace_source(a, _plain(a))
    kg.replace_duplicates({a.value + "#q1": a.value + "#q1"})
    edge = next(e for e in kg.edges())
    kg.record_review(edge.source, edge.relation, edge.target, "reject")
    kg.remove_source(a)
    assert kg.revision() != rev  # every write is still a new store revision
    assert kg.labels_revision() == labels_rev
    assert kg._labels()[0] is index  # not rebuilt
    assert [c.label for c in kg.search("过拟合")][:1] == ["过拟合"]


def test_writes_that_add_or_drop_labels_invalidate(kg: KnowledgeGraph) -> None:
    assert kg.search("全新概念甲") == []
    a, b = _source("a"), _source("b")
    rev = kg.labels_revision()
    kg.replace_source(a, _labelled(a, "全新概念甲"))  # an ingest that adds a label
    assert kg.labels_revision() != rev
    assert [c.label for c in kg.search("全新概念甲")] == ["全新概念甲"]
    assert kg.resolve("全新概念甲").iri.endswith("zz_a")
    rev = kg.labels_revision()
    kg.replace_source(a, _plain(a))  # the new version of the source no longer has it
    assert kg.labels_revision() != rev
    assert kg.search("全新概念甲") == []
    kg.replace_source(b, [ox.Quad(ox.NamedNode(ontology.CONCEPT_NS + "relu"), SKOS_ALT, ox.Literal("整流甲"), b)])
    assert [c.iri for c in kg.search("整流甲")] == [ontology.CONCEPT_NS + "relu"]
    rev = kg.labels_revision()
    kg.remove_source(b)  # dropping a graph that held an alias
    assert kg.labels_revision() != rev
    assert kg.search("整流甲") == []


def test_filing_a_concept_under_a_category_invalidates_category_members(kg: KnowledgeGraph) -> None:
    from graph.questions import categories, category_concepts

    cat = categories(kg)[0]
    before = category_concepts(kg, cat)
    relu = ontology.CONCEPT_NS + "relu"
    other = next(c for c in categories(kg) if relu not in category_concepts(kg, c))
    a = _source("a")
    kg.replace_source(a, [ox.Quad(ox.NamedNode(relu), ox.NamedNode(ontology.SKOS + "broader"), ox.NamedNode(other), a)])
    assert relu in category_concepts(kg, other)
    kg.remove_source(a)
    assert relu not in category_concepts(kg, other)
    assert category_concepts(kg, cat) == before


def test_store_without_labels_revision_falls_back_to_the_store_revision(kg: KnowledgeGraph) -> None:
    from graph.store import LABELS_REVISION, META_GRAPH, STORE_NODE

    kg.backend.update(f"DELETE WHERE {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {LABELS_REVISION} ?r }} }}")
    assert kg.labels_revision() == "store:" + kg.revision()
    assert [c.label for c in kg.search("过拟合")][:1] == ["过拟合"]
    a = _source("a")
    kg.replace_source(a, _plain(a))  # the first write of any kind gives the store its labels revision
    rev = kg.labels_revision()
    assert rev and not rev.startswith("store:")
    kg.replace_source(a, _plain(a))
    assert kg.labels_revision() == rev


def test_label_cache_on_disk_survives_an_ingest(tmp_path: Path) -> None:
    store = tmp_path / "store"
    kg = KnowledgeGraph.open(store=store)
    found = [c.iri for c in kg.search("titu xiaoshi")]
    labels_rev = kg.labels_revision()
    a = _source("a")
    kg.replace_source(a, _plain(a))
    kg.close()
    assert load_cached(tmp_path / "store.cache", "labels", labels_rev) is not None
    kg = KnowledgeGraph.open(store=store)
    assert kg.labels_revision() == labels_rev
    assert [c.iri for c in kg.search("titu xiaoshi")] == found
    kg.close()


def test_index_is_built_whole() -> None:
    idx = index().build()
    assert idx._postings is not None and idx._pinyin is not None
