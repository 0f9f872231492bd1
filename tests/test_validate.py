"""`validate`: SHACL over the whole store (every named graph) and acyclic requires / partOf."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import KnowledgeGraph
from graph.validate import relation_cycles, validate

NS = "https://w3id.org/dlkg/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CONCEPT = "https://w3id.org/dlkg/concept/"
n = ox.NamedNode

MINIMAL_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dlkg: <https://w3id.org/dlkg/ns#> .
<urn:shape:question> a sh:NodeShape ; sh:targetClass dlkg:Question ;
    sh:property [ sh:path dlkg:text ; sh:minCount 1 ; sh:message "a question needs its text" ] .
"""


def add(kg: KnowledgeGraph, name: str, quads: list[tuple[ox.NamedNode, ox.NamedNode, ox.Term]]) -> None:
    g = n("https://w3id.org/dlkg/source/test-" + name)
    kg.replace_source(g, [ox.Quad(s, p, o, g) for s, p, o in quads])  # type: ignore[arg-type]


def test_the_shipped_ontology_conforms(kg: KnowledgeGraph) -> None:
    report = validate(kg)
    assert report.ok, report.lines()[:10]
    assert report.triples > 1000 and report.cycles == {"requires": [], "partOf": []}


def test_a_concept_without_an_english_label_is_a_violation(kg: KnowledgeGraph) -> None:
    bad = n(CONCEPT + "test-half-labelled")
    add(kg, "bad.md", [(bad, n(RDF + "type"), n(NS + "Concept")),
                       (bad, n(SKOS + "prefLabel"), ox.Literal("半标签", language="zh"))])
    report = validate(kg)
    assert not report.ok
    assert any(v.focus.endswith("test-half-labelled") and v.severity == "Violation" for v in report.errors)


def test_cycles_in_requires_and_part_of_are_reported(kg: KnowledgeGraph) -> None:
    lstm, rnn = n(CONCEPT + "lstm"), n(CONCEPT + "rnn")
    assert kg.backend.ask(f"ASK {{ {lstm} dlkg:requires {rnn} }}")
    add(kg, "cycle.md", [(rnn, n(NS + "requires"), lstm), (rnn, n(NS + "partOf"), lstm),
                         (lstm, n(NS + "partOf"), rnn)])
    cycles = relation_cycles(kg)
    assert {c.iri for c in cycles["requires"][0]} == {lstm.value, rnn.value}
    assert {c.iri for c in cycles["partOf"][0]} == {lstm.value, rnn.value}
    report = validate(kg)
    assert not report.ok and any(line.startswith("cycle in requires") for line in report.lines())


def test_a_custom_shapes_file(kg: KnowledgeGraph, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(MINIMAL_SHAPES, encoding="utf-8")
    assert validate(kg, shapes).ok
    q = n("https://w3id.org/dlkg/source/test-q/q/0")
    add(kg, "q.md", [(q, n(RDF + "type"), n(NS + "Question"))])
    report = validate(kg, shapes)
    assert [(v.focus, v.message) for v in report.errors] == [(q.value, "a question needs its text")]


def test_a_missing_shapes_file_is_an_error(kg: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        validate(kg, tmp_path / "nope.ttl")
