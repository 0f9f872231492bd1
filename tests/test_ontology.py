"""The shipped ontology: parses, is complete enough, and every curated edge has its assertion."""

from __future__ import annotations

import pyoxigraph as ox

import ontology
from graph import KnowledgeGraph


def test_shipped_ontology_has_no_authoring_problems() -> None:
    problems = ontology.check()
    assert problems == [], "\n".join(problems[:50])


def test_schema_declares_every_public_term() -> None:
    schema = {t.subject.value for t in ox.parse(path=str(ontology.schema_file()))}
    for term in ("Concept", "Question", "Source", "Assertion", *ontology.RELATIONS, "mitigatedBy", "causedBy",
                 "hasPart", "hasVariant", "requiredBy", "text", "answer", "source", "asksAbout", "mentions",
                 "duplicateOf", "fileName", "sha256", "quote", "question", "confidence", "method"):
        assert ontology.NS + term in schema, term


def test_at_least_forty_concepts_with_both_labels() -> None:
    kg = KnowledgeGraph.open(memory=True)
    rows = kg.backend.select("""
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?c a dlkg:Concept ; skos:prefLabel ?zh, ?en .
          FILTER(lang(?zh) = "zh" && lang(?en) = "en")
        }""")
    assert int(rows[0]["n"].value) >= 40


def test_every_curated_relation_triple_has_a_curated_assertion() -> None:
    kg = KnowledgeGraph.open(memory=True)
    missing = kg.backend.select("""
        SELECT ?s ?p ?o WHERE {
          GRAPH <https://w3id.org/dlkg/graph/ontology> {
            VALUES ?p { dlkg:mitigates dlkg:causes dlkg:partOf dlkg:variantOf dlkg:requires }
            ?s ?p ?o .
            FILTER NOT EXISTS { ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; dlkg:method "curated" }
          }
        }""")
    assert missing == []
    edges = kg.backend.select("""SELECT (COUNT(*) AS ?n) WHERE { ?a a dlkg:Assertion ; dlkg:method "curated" }""")
    assert int(edges[0]["n"].value) > 0


def test_ontology_is_reloaded_only_when_files_change(tmp_path) -> None:  # type: ignore[no-untyped-def]
    kg = KnowledgeGraph.open(store=tmp_path / "s")
    assert kg.ensure_ontology() is False
    kg.close()
    again = KnowledgeGraph.open(store=tmp_path / "s")
    assert again.ensure_ontology() is False
    again.close()


def test_cycle_finder_reports_a_cycle() -> None:
    assert ontology._find_cycle([("a", "b"), ("b", "c"), ("c", "a")]) != []
    assert ontology._find_cycle([("a", "b"), ("b", "c"), ("a", "c")]) == []
