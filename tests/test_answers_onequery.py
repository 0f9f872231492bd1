"""One-hop answers read edges and evidence in one bound query: the same answers as edge by edge."""

from __future__ import annotations

import pyoxigraph as ox

from graph import KnowledgeGraph
from graph.answers import related
from ontology import RELATIONS
from tests.test_related import NS, RDF, n, review, source


def _answers(kg: KnowledgeGraph, warm: bool, only: str = "") -> dict[tuple[str, str, str], list[dict[str, object]]]:
    """One-hop answers of every concept whose IRI holds `only`; `warm`: through the whole-graph edge
    cache and per-edge evidence queries (the path taken before), else one bound query per answer list."""
    fresh = KnowledgeGraph(kg.backend)
    if warm:
        fresh.edges()
    out = {}
    for c in fresh.all_concepts():
        if only not in c.iri:
            continue
        for rel in RELATIONS:
            for way in ("in", "out"):
                out[(c.iri, rel, way)] = [a.as_dict() for a in related(fresh, c, rel, way, inferred=False)]
    return out


def test_one_query_answers_equal_edge_by_edge_answers(kg: KnowledgeGraph) -> None:
    source(kg, "a.md", [("wheel", "partOf", "axle", "轮子是车轴的一部分"),
                        ("paint", "mitigates", "rust", "油漆可以防止生锈"),
                        ("paint", "mitigates", "rust", "刷漆防锈"),
                        ("wheel", "causes", "rust", "轮子会生锈"),
                        ("car", "causes", "rust", "汽车生锈")], concepts=True)
    source(kg, "b.md", [("paint", "mitigates", "rust", "油漆防锈"), ("axle", "mitigates", "rust", "车轴")])
    g = n("https://w3id.org/dlkg/source/test-c.md")  # an assertion with two sources, one without a file name
    a = n(g.value + "/assertion/x")
    s, o = n("https://w3id.org/dlkg/concept/test-paint"), n("https://w3id.org/dlkg/concept/test-car")
    kg.replace_source(g, [
        ox.Quad(s, n(NS + "mitigates"), o, g), ox.Quad(a, n(RDF + "subject"), s, g),
        ox.Quad(a, n(RDF + "predicate"), n(NS + "mitigates"), g), ox.Quad(a, n(RDF + "object"), o, g),
        ox.Quad(a, n(NS + "method"), ox.Literal("curated"), g), ox.Quad(a, n(NS + "confidence"), ox.Literal("0.9"), g),
        ox.Quad(a, n(NS + "source"), g, g), ox.Quad(a, n(NS + "source"), n(g.value + "/other"), g),
        ox.Quad(g, n(NS + "fileName"), ox.Literal("c.md"), g)])
    review(kg, "car", "causes", "rust", "reject")
    review(kg, "wheel", "causes", "rust", "retype", "mitigates")
    cold, warm = _answers(kg, warm=False, only="/test-"), _answers(kg, warm=True, only="/test-")
    assert len(cold) >= 5 * len(RELATIONS) * 2  # the five test concepts (and any ontology "test-" one)
    assert cold == warm
    paint = cold[("https://w3id.org/dlkg/concept/test-rust", "mitigates", "in")]
    assert any(len(x["evidence"]) >= 3 for x in paint)  # type: ignore[arg-type]
    assert cold[("https://w3id.org/dlkg/concept/test-car", "mitigates", "in")][0]["sources"] == 2


def test_one_query_answers_on_the_seeds(seeded_kg: KnowledgeGraph) -> None:
    cold, warm = _answers(seeded_kg, warm=False), _answers(seeded_kg, warm=True)
    assert cold == warm
    assert sum(len(v) for v in cold.values()) > 50
