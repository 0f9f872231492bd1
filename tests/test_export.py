"""Exports re-load into rdflib, networkx and pandas with the counts the store has."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pandas as pd
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from graph import KnowledgeGraph
from graph.export import EDGE_COLUMNS, NODE_COLUMNS, export, write_csv

QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
NS = "https://w3id.org/dlkg/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


STATED = ("ASK { <https://w3id.org/dlkg/concept/relu> dlkg:mitigates "
          "<https://w3id.org/dlkg/concept/vanishing-gradient> }")


def count(kg: KnowledgeGraph, query: str) -> int:
    return int(kg.backend.select(query)[0]["n"].value)


@pytest.fixture
def reviewed(kg: KnowledgeGraph) -> KnowledgeGraph:
    """The ontology plus one rejected curated edge (ReLU mitigates 梯度消失)."""
    g = ox.NamedNode("https://w3id.org/dlkg/graph/reviews")
    r = ox.NamedNode("https://w3id.org/dlkg/review/test-export")
    n = ox.NamedNode
    kg.replace_source(g, [
        ox.Quad(r, n(RDF + "type"), n(NS + "Review"), g),
        ox.Quad(r, n(RDF + "subject"), n("https://w3id.org/dlkg/concept/relu"), g),
        ox.Quad(r, n(RDF + "predicate"), n(NS + "mitigates"), g),
        ox.Quad(r, n(RDF + "object"), n("https://w3id.org/dlkg/concept/vanishing-gradient"), g),
        ox.Quad(r, n(NS + "decision"), ox.Literal("reject"), g),
    ])
    assert kg.backend.ask(STATED), "the rejected edge is still stated in the store"
    return kg


def test_nquads_keep_every_quad(kg: KnowledgeGraph) -> None:
    ds = Dataset()
    ds.parse(data=export(kg, "nquads").decode(), format="nquads")
    assert len(list(ds.quads((None, None, None, None)))) == count(kg, QUADS)


def test_turtle_is_the_union_of_the_graphs(kg: KnowledgeGraph) -> None:
    g = Graph().parse(data=export(kg, "turtle").decode(), format="turtle")
    assert len(g) == count(kg, TRIPLES)


def test_jsonld_keeps_every_quad(kg: KnowledgeGraph) -> None:
    ds = Dataset()
    ds.parse(data=export(kg, "jsonld").decode(), format="json-ld")
    assert len(list(ds.quads((None, None, None, None)))) == count(kg, QUADS)


def test_graphml_loads_in_networkx_without_rejected_edges(reviewed: KnowledgeGraph) -> None:
    kg = reviewed
    g = nx.read_graphml(io.BytesIO(export(kg, "graphml")))
    edges = kg.edges()
    assert g.number_of_nodes() >= len(kg.all_concepts())
    assert g.number_of_edges() == len(edges)
    relu, vg = "https://w3id.org/dlkg/concept/relu", "https://w3id.org/dlkg/concept/vanishing-gradient"
    rel = {d["relation"] for u, v, d in g.edges(data=True) if (u, v) == (relu, vg)}
    assert "mitigates" not in rel
    assert g.nodes[relu]["label_en"].casefold() == "relu"
    stated = {(e.source, e.relation, e.target) for e in edges}
    assert {(u, d["relation"], v) for u, v, d in g.edges(data=True)} == stated


def test_csv_node_and_edge_lists_load_in_pandas(reviewed: KnowledgeGraph, tmp_path: Path) -> None:
    kg = reviewed
    nodes_path, edges_path = write_csv(kg, tmp_path / "out")
    nodes, edges = pd.read_csv(nodes_path), pd.read_csv(edges_path)
    assert tuple(nodes.columns) == NODE_COLUMNS and tuple(edges.columns) == EDGE_COLUMNS
    assert len(edges) == len(kg.edges())
    assert nodes["id"].is_unique and len(nodes) >= len(kg.all_concepts())
    assert set(edges["source"]) | set(edges["target"]) <= set(nodes["id"])
    assert set(edges["relation"]) <= {"mitigates", "causes", "partOf", "variantOf", "requires"}
    relu = edges[(edges["source"].str.endswith("/relu")) & (edges["target"].str.endswith("/vanishing-gradient"))]
    assert "mitigates" not in set(relu["relation"])
    assert pd.read_csv(io.BytesIO(export(kg, "csv"))).shape == edges.shape


def test_unknown_format_is_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export(kg, "xlsx")


# ---------------------------------------------------------------- the scans equal the grouped / ordered SPARQL
# The whole-graph reads as they were written before they became plain scans (GROUP BY, ORDER BY, FILTER NOT
# EXISTS in SPARQL): the reference the Python aggregation must match.
GROUPED_EDGES = """
SELECT ?s ?p ?o (COUNT(DISTINCT ?src) AS ?sources) (MAX(?isCurated) AS ?curated) WHERE {
  VALUES ?p { dlkg:mitigates dlkg:causes dlkg:partOf dlkg:variantOf dlkg:requires }
  { ?s ?p ?o . BIND(?p AS ?asserted) }
  UNION
  { ?review a dlkg:Review ; rdf:subject ?s ; rdf:predicate ?asserted ; rdf:object ?o ;
            dlkg:decision "retype" ; dlkg:newPredicate ?p .
    ?s ?asserted ?o . }
  FILTER NOT EXISTS {
    ?rejected a dlkg:Review ; rdf:subject ?s ; rdf:predicate ?asserted ; rdf:object ?o ; dlkg:decision ?d .
    FILTER(?d = "reject" || (?d = "retype" && ?asserted = ?p))
  }
  OPTIONAL {
    ?a rdf:subject ?s ; rdf:predicate ?asserted ; rdf:object ?o ; dlkg:method ?m .
    OPTIONAL { ?a dlkg:source ?src }
    BIND(IF(?m = "curated", 1, 0) AS ?isCurated)
  }
}
GROUP BY ?s ?p ?o
"""
ORDERED_QUESTIONS = """
SELECT ?question ?text ?fileName ?position WHERE {
  ?question a dlkg:Question ; dlkg:text ?text .
  OPTIONAL { ?question dlkg:source ?source . ?source dlkg:fileName ?fileName }
  OPTIONAL { ?question dlkg:position ?position }
}
ORDER BY ?fileName ?position ?question
"""


@pytest.fixture
def synthetic(kg: KnowledgeGraph, tmp_path: Path) -> KnowledgeGraph:
    """A small generated graph (sources, questions, evidenced edges) with every kind of review decision."""
    from benchmarks.generate import write

    path = tmp_path / "synthetic.nq"
    write(path, 6000, seed=3)
    kg.load_file(path)
    edges = sorted({(e.source, e.relation, e.target) for e in kg.edges()})
    by_relation = {rel: [e for e in edges if e[1] == rel] for rel in ("requires", "mitigates", "causes")}
    kg.record_review(*by_relation["requires"][0], "reject")
    kg.record_review(*by_relation["requires"][1], "retype", "partOf")
    kg.record_review(*by_relation["mitigates"][0], "retype", "requires")
    kg.record_review(*by_relation["causes"][0], "retype", "mitigates")
    kg.record_review(*by_relation["causes"][1], "accept")
    return kg


def test_edges_equal_the_grouped_query(synthetic: KnowledgeGraph) -> None:
    kg = synthetic
    expected = sorted((r["s"].value, r["p"].value[len(NS):], r["o"].value, int(r["sources"].value),
                       r.get("curated") is not None and r["curated"].value == "1")
                      for r in kg.backend.select(GROUPED_EDGES))
    got = [(e.source, e.relation, e.target, e.sources, e.curated) for e in kg.edges()]
    assert got == expected
    assert any(s > 1 for *_, s, _ in got) and any(c for *_, c in got)  # counting and curation both tested


def test_all_questions_keep_the_sparql_order(synthetic: KnowledgeGraph) -> None:
    kg = synthetic
    expected = [(r["question"].value, r["text"].value) for r in kg.backend.select(ORDERED_QUESTIONS)]
    assert len(expected) > 40
    assert kg.all_questions() == expected
