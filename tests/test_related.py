"""`related`: direct and inferred edges, inverses, evidence, and review decisions honoured."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import KnowledgeGraph
from graph.answers import Answer, normalize_relation, related

NS = "https://w3id.org/dlkg/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
C = "https://w3id.org/dlkg/concept/test-"
REVIEWS = ox.NamedNode("https://w3id.org/dlkg/graph/reviews")


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def concept_quads(g: ox.NamedNode, slug: str, zh: str, en: str) -> list[ox.Quad]:
    s = n(C + slug)
    return [ox.Quad(s, n(RDF + "type"), n(NS + "Concept"), g),
            ox.Quad(s, n(SKOS + "prefLabel"), ox.Literal(zh, language="zh"), g),
            ox.Quad(s, n(SKOS + "prefLabel"), ox.Literal(en, language="en"), g)]


def edge_quads(g: ox.NamedNode, s: str, rel: str, o: str, quote: str, k: int) -> list[ox.Quad]:
    a = n(f"{g.value}/assertion/{k}")
    q = n(f"{g.value}/q/{k}")
    return [ox.Quad(n(s), n(NS + rel), n(o), g),
            ox.Quad(a, n(RDF + "type"), n(NS + "Assertion"), g),
            ox.Quad(a, n(RDF + "subject"), n(s), g), ox.Quad(a, n(RDF + "predicate"), n(NS + rel), g),
            ox.Quad(a, n(RDF + "object"), n(o), g), ox.Quad(a, n(NS + "method"), ox.Literal("pattern"), g),
            ox.Quad(a, n(NS + "source"), g, g), ox.Quad(a, n(NS + "quote"), ox.Literal(quote), g),
            ox.Quad(a, n(NS + "question"), q, g), ox.Quad(q, n(NS + "text"), ox.Literal(f"问题{k}?"), g)]


def source(kg: KnowledgeGraph, name: str, edges: list[tuple[str, str, str, str]],
           concepts: bool = False) -> None:
    """A small source graph `name` stating the edges (and, if asked, the test concepts)."""
    g = n("https://w3id.org/dlkg/source/test-" + name)
    quads = [ox.Quad(g, n(RDF + "type"), n(NS + "Source"), g), ox.Quad(g, n(NS + "fileName"), ox.Literal(name), g)]
    if concepts:
        for slug, zh, en in (("wheel", "测试轮子", "test wheel"), ("axle", "测试车轴", "test axle"),
                             ("car", "测试汽车", "test car"), ("rust", "测试生锈", "test rust"),
                             ("paint", "测试油漆", "test paint")):
            quads += concept_quads(g, slug, zh, en)
    for k, (s, rel, o, quote) in enumerate(edges):
        quads += edge_quads(g, C + s, rel, C + o, quote, k)
    kg.replace_source(g, quads)


def review(kg: KnowledgeGraph, s: str, rel: str, o: str, decision: str, new: str | None = None) -> None:
    node = n(f"https://w3id.org/dlkg/review/test-{s}-{rel}-{o}")
    quads = [ox.Quad(node, n(RDF + "type"), n(NS + "Review"), REVIEWS),
             ox.Quad(node, n(RDF + "subject"), n(C + s), REVIEWS),
             ox.Quad(node, n(RDF + "predicate"), n(NS + rel), REVIEWS),
             ox.Quad(node, n(RDF + "object"), n(C + o), REVIEWS),
             ox.Quad(node, n(NS + "decision"), ox.Literal(decision), REVIEWS)]
    if new:
        quads.append(ox.Quad(node, n(NS + "newPredicate"), n(NS + new), REVIEWS))
    kg.replace_source(REVIEWS, quads)


@pytest.fixture
def toy(kg: KnowledgeGraph) -> KnowledgeGraph:
    """wheel partOf axle partOf car (stated in two files); paint mitigates rust."""
    source(kg, "a.md", [("wheel", "partOf", "axle", "轮子是车轴的一部分"),
                        ("axle", "partOf", "car", "车轴是汽车的一部分"),
                        ("paint", "mitigates", "rust", "油漆可以防止生锈")], concepts=True)
    source(kg, "b.md", [("axle", "partOf", "car", "汽车包括车轴")])
    return kg


def labels(answers: list[Answer], inferred: bool | None = None) -> set[str]:
    return {a.concept.label for a in answers if inferred is None or a.inferred == inferred}


def test_lstm_requires_rnn_directly_and_backprop_through_a_chain(kg: KnowledgeGraph) -> None:
    lstm, rnn, bp = kg.resolve("LSTM"), kg.resolve("RNN"), kg.resolve("反向传播")
    answers = {a.concept.iri: a for a in related(kg, lstm, "requires")}
    assert not answers[rnn.iri].inferred and answers[rnn.iri].curated
    inferred = answers[bp.iri]
    assert inferred.inferred and len(inferred.chain) >= 2
    assert inferred.chain[0].source == lstm and inferred.chain[-1].target == bp
    direct = {(e.source, e.target) for e in kg.edges() if e.relation == "requires"}
    for hop, nxt in zip(inferred.chain, inferred.chain[1:], strict=False):
        assert hop.target == nxt.source
    assert all((h.source.iri, h.target.iri) in direct for h in inferred.chain)
    assert inferred.chain_text().startswith("LSTM → ")


def test_inverse_names_flip_the_direction(kg: KnowledgeGraph) -> None:
    bp = kg.resolve("反向传播")
    by_inverse = [(a.concept.iri, a.inferred) for a in related(kg, bp, "requiredBy", "out")]
    by_direction = [(a.concept.iri, a.inferred) for a in related(kg, bp, "requires", "in")]
    assert by_inverse == by_direction
    assert (kg.resolve("LSTM").iri, True) in by_inverse
    assert normalize_relation("hasPart", "in") == ("partOf", "out")
    with pytest.raises(ValueError):
        normalize_relation("eats")
    with pytest.raises(ValueError):
        related(kg, bp, "requires", "sideways")


def test_part_of_is_transitive_both_ways(toy: KnowledgeGraph) -> None:
    car, wheel = toy.resolve("测试汽车"), toy.resolve("test wheel")
    parts = related(toy, car, "partOf", "in")
    assert labels(parts, inferred=False) == {"测试车轴"}
    assert labels(parts, inferred=True) == {"测试轮子"}
    chain = next(a for a in parts if a.inferred).chain
    assert [(h.source.label, h.target.label) for h in chain] == [("测试轮子", "测试车轴"), ("测试车轴", "测试汽车")]
    wholes = related(toy, wheel, "hasPart", "in")  # hasPart in = partOf out
    assert labels(wholes, inferred=False) == {"测试车轴"} and labels(wholes, inferred=True) == {"测试汽车"}
    assert labels(related(toy, car, "partOf", "in", inferred=False)) == {"测试车轴"}


def test_direct_answers_carry_quotes_files_and_source_counts(toy: KnowledgeGraph) -> None:
    axle = next(a for a in related(toy, toy.resolve("测试汽车"), "partOf", "in") if not a.inferred)
    assert axle.sources == 2 and not axle.curated
    assert {(e.file, e.quote) for e in axle.evidence} == {("a.md", "车轴是汽车的一部分"), ("b.md", "汽车包括车轴")}
    assert all(e.question.startswith("问题") and e.method == "pattern" for e in axle.evidence)
    d = axle.as_dict()
    assert d["concept"]["label_en"] == "test axle" and len(d["evidence"]) == 2  # type: ignore[index]


def test_non_transitive_relations_infer_nothing(toy: KnowledgeGraph) -> None:
    answers = related(toy, toy.resolve("测试生锈"), "mitigatedBy")
    assert [(a.concept.label, a.inferred) for a in answers] == [("测试油漆", False)]
    both = related(toy, toy.resolve("测试车轴"), "partOf", "both")
    assert {(a.concept.label, a.direction) for a in both} == {("测试汽车", "out"), ("测试轮子", "in")}


def test_rejected_edges_disappear_from_every_answer(toy: KnowledgeGraph) -> None:
    review(toy, "axle", "partOf", "car", "reject")
    car, axle, wheel = toy.resolve("测试汽车"), toy.resolve("测试车轴"), toy.resolve("测试轮子")
    assert related(toy, car, "partOf", "in") == []
    assert labels(related(toy, wheel, "partOf", "out")) == {"测试车轴"}  # the chain through the rejected edge is gone
    assert not any(e.source == axle.iri and e.target == car.iri for e in toy.edges())
    assert toy.evidence(axle.iri, "partOf", car.iri) == []
    assert toy.related(car, "partOf", "in") == []
    assert [r.concept.label for r in toy.related(wheel, "partOf", "out")] == ["测试车轴"]


def test_retyped_edges_move_to_their_new_relation(toy: KnowledgeGraph) -> None:
    review(toy, "paint", "mitigates", "rust", "retype", "causes")
    rust = toy.resolve("测试生锈")
    assert related(toy, rust, "mitigates", "in") == []
    moved = related(toy, rust, "causes", "in")
    assert [a.concept.label for a in moved] == ["测试油漆"]
    assert [e.quote for e in moved[0].evidence] == ["油漆可以防止生锈"]


def test_accepted_edges_stay(toy: KnowledgeGraph) -> None:
    review(toy, "paint", "mitigates", "rust", "accept")
    assert labels(related(toy, toy.resolve("测试生锈"), "mitigates", "in")) == {"测试油漆"}


def test_seed_evidence_names_the_file_and_the_sentence(seeded_kg: KnowledgeGraph) -> None:
    answers = {a.concept.label_en.casefold(): a for a in related(seeded_kg, seeded_kg.resolve("过拟合"),
                                                                 "mitigates", "in")}
    dropout = answers["dropout"]
    assert dropout.curated and dropout.sources >= 2
    found = [e for e in dropout.evidence if e.file]
    assert found and all(e.file.endswith(".txt") and e.quote for e in found)
    assert any("dropout" in e.quote.casefold() or "过拟合" in e.quote for e in found)
    assert len({e.file for e in found}) == dropout.sources
