"""Store behaviours, the same over in-memory Oxigraph, Oxigraph on disk and `oxigraph serve` (the `kg` fixture)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.generate import write
from graph import KnowledgeGraph, StoreError, UnknownConcept
from graph.store import inline_bindings, quads_to_insert_data, replace_graphs_update
from ontology import CONCEPT_NS, NS

SRC = ox.NamedNode("https://w3id.org/dlkg/source/test-notes")
VG = ox.NamedNode(CONCEPT_NS + "vanishing-gradient")
RELU = ox.NamedNode(CONCEPT_NS + "relu")


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(NS + local)


def source_quads(quote: str = "ReLU 可以缓解梯度消失。") -> list[ox.Quad]:
    """A tiny source: one question and one evidenced `ReLU mitigates 梯度消失`."""
    g, a = SRC, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    q, node = ox.NamedNode(g.value + "/q/0"), ox.NamedNode(g.value + "/assertion/0")
    return [
        ox.Quad(g, a, _n("Source"), g), ox.Quad(g, _n("fileName"), ox.Literal("notes.md"), g),
        ox.Quad(q, a, _n("Question"), g), ox.Quad(q, _n("text"), ox.Literal("什么可以缓解梯度消失？"), g),
        ox.Quad(q, _n("source"), g, g), ox.Quad(q, _n("asksAbout"), VG, g),
        ox.Quad(RELU, _n("mitigates"), VG, g),
        ox.Quad(node, a, _n("Assertion"), g), ox.Quad(node, ox.NamedNode(rdf + "subject"), RELU, g),
        ox.Quad(node, ox.NamedNode(rdf + "predicate"), _n("mitigates"), g),
        ox.Quad(node, ox.NamedNode(rdf + "object"), VG, g), ox.Quad(node, _n("source"), g, g),
        ox.Quad(node, _n("quote"), ox.Literal(quote), g), ox.Quad(node, _n("question"), q, g),
        ox.Quad(node, _n("method"), ox.Literal("pattern"), g),
    ]


def snapshot(kg: KnowledgeGraph) -> set[str]:
    rows = kg.backend.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {" ".join(str(r[k]) for k in ("s", "p", "o", "g")) for r in rows}


def test_ontology_is_loaded_once(kg: KnowledgeGraph) -> None:
    assert kg.resolve("梯度消失").iri == VG.value
    assert len(kg.all_concepts()) > 40
    assert kg.ensure_ontology() is False  # same fingerprint: nothing to do
    assert kg.revision()


def test_replace_source_and_revision(kg: KnowledgeGraph) -> None:
    before = kg.revision()
    kg.replace_source(SRC, source_quads())
    after = kg.revision()
    assert after != before
    quotes = [r.quote for r in kg.related(kg.resolve("梯度消失"), "mitigates", "in") if r.sources]
    assert quotes == ["ReLU 可以缓解梯度消失。"]
    kg.replace_source(SRC, source_quads("ReLU 能缓解梯度消失。"))  # re-ingest replaces, never adds
    quotes = [r.quote for r in kg.related(kg.resolve("梯度消失"), "mitigates", "in") if r.sources]
    assert quotes == ["ReLU 能缓解梯度消失。"]
    assert kg.revision() not in (before, after)


def test_a_failing_update_leaves_the_store_as_it_was(kg: KnowledgeGraph) -> None:
    kg.replace_source(SRC, source_quads())
    state, rev = snapshot(kg), kg.revision()
    broken = replace_graphs_update([SRC], source_quads("changed")) + " ;\nINSERT DATA { GRAPH <x:g> { <x:s> <x:p> "
    with pytest.raises(StoreError):
        kg.backend.update(broken)
    with pytest.raises(ValueError):  # a quad outside the source's graph is refused before writing
        kg.replace_source(SRC, [*source_quads("changed"), ox.Quad(RELU, _n("causes"), VG, ox.NamedNode("x:other"))])
    assert snapshot(kg) == state
    assert kg.revision() == rev


def test_remove_source(kg: KnowledgeGraph) -> None:
    kg.replace_source(SRC, source_quads())
    assert [s["file"] for s in kg.sources()] == ["notes.md"]
    rev = kg.revision()
    kg.remove_source(SRC)
    assert kg.sources() == []
    assert kg.revision() != rev
    assert not [r for r in kg.related(kg.resolve("梯度消失"), "mitigates", "in") if r.sources]
    assert kg.resolve("ReLU").iri == RELU.value  # the ontology stays


def test_search_and_resolve(kg: KnowledgeGraph) -> None:
    assert kg.resolve("梯度消失") == kg.resolve("梯度消失 ") == kg.resolve("Vanishing Gradient")
    assert kg.resolve("relu").iri == RELU.value
    assert VG.value in [c.iri for c in kg.search("梯度")]
    assert kg.search("relu")[0].iri == RELU.value
    with pytest.raises(UnknownConcept) as err:
        kg.resolve("梯度消")
    assert VG.value in [c.iri for c in err.value.suggestions]


def test_named_queries_take_bindings(kg: KnowledgeGraph) -> None:
    kg.replace_source(SRC, source_quads())
    rows = kg.select("related_in", concept=VG, relation=_n("mitigates"))
    assert RELU in [r["other"] for r in rows]
    assert all(r["concept"] == VG for r in rows)
    ev = kg.select("evidence", s=RELU, p=_n("mitigates"), o=VG)
    assert {r["method"].value for r in ev} >= {"pattern"}
    assert [r["value"] for r in kg.select("meta", key=_n("revision"))] == [ox.Literal(kg.revision())]
    assert [q["text"] for q in kg.questions_about(kg.resolve("梯度消失"))] == ["什么可以缓解梯度消失？"]
    assert kg.backend.ask("ASK { ?s ?p ?o }", {"s": RELU})


def test_neighbourhood_is_the_same_with_and_without_the_edge_cache(kg: KnowledgeGraph) -> None:
    kg.replace_source(SRC, source_quads())
    vg = kg.resolve("梯度消失")
    lazy_nodes, lazy_edges = kg.neighbourhood(vg, depth=2, max_nodes=100_000)
    kg.edges()  # now every edge is at hand
    nodes, edges = kg.neighbourhood(vg, depth=2, max_nodes=100_000)
    assert {c.iri for c in lazy_nodes} == {c.iri for c in nodes}
    key = lambda e: (e.source, e.relation, e.target, e.sources, e.curated)  # noqa: E731
    assert sorted(map(key, lazy_edges)) == sorted(map(key, edges))
    assert RELU.value in {c.iri for c in nodes}


def test_dump_and_load_file(kg: KnowledgeGraph, tmp_path: Path) -> None:
    kg.replace_source(SRC, source_quads())
    nquads = kg.backend.dump(ox.RdfFormat.N_QUADS)
    graphs = {q.graph_name for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    assert SRC in graphs
    turtle = kg.backend.dump(ox.RdfFormat.TURTLE)
    assert any(t.predicate == _n("mitigates") for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    path = tmp_path / "small.nq"
    write(path, 1_000, seed=3)
    rev = kg.revision()
    kg.load_file(path)
    assert kg.revision() != rev
    hits = kg.search("稀疏注意力0")
    assert hits and hits[0].iri == CONCEPT_NS + "sparse-attention-0"


def test_inline_bindings_put_constants_in_the_top_group() -> None:
    q = "SELECT ?concept ?x WHERE { ?concept <p:q> ?x . FILTER(?x != \"?concept}\") } GROUP BY ?concept ?x"
    out = inline_bindings(q, {"concept": ox.NamedNode("http://e/c")})
    assert "<http://e/c> <p:q> ?x" in out
    assert out.endswith("GROUP BY ?concept ?x")
    assert "VALUES (?concept) { (<http://e/c>) }" in out
    sub = "SELECT ?c WHERE { { SELECT ?c WHERE { ?c ?p ?o } } }"
    assert "SELECT ?c WHERE { ?c" in inline_bindings(sub, {"c": ox.NamedNode("http://e/c")})  # subquery: VALUES only


def test_named_queries_are_split_into_interactive_and_bulk() -> None:
    from graph import queries

    interactive, bulk = set(queries.names()), set(queries.bulk_names())
    assert interactive and bulk and not interactive & bulk
    for name in interactive | bulk:
        assert "SELECT" in queries.load(name)
    with pytest.raises(KeyError):
        queries.load("no_such_query")


# literals whose serialisation must not be mistaken for a line end or a graph term
AWKWARD = ["two\nlines", 'a "quote"', f"ends like a line {SRC} .\n", f"{SRC} .", "tab\t back\\slash\r",
           "中文 \u2028 \x00 \x7f 😀", ""]


def _awkward_quads(g: ox.NamedNode | ox.BlankNode) -> list[ox.Quad]:
    s, p = ox.NamedNode(SRC.value + "/q/0"), _n("text")
    quads = [ox.Quad(s, p, ox.Literal(t), g) for t in AWKWARD]
    quads.append(ox.Quad(s, p, ox.Literal("hi", language="en"), g))
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    quads.append(ox.Quad(s, p, ox.Literal("0.5", datatype=decimal), g))
    quads.append(ox.Quad(ox.BlankNode("b0"), p, g, g))
    return quads


def test_insert_data_text_is_each_quad_term_by_term_in_its_graph() -> None:
    other = ox.BlankNode("g2")
    quads = _awkward_quads(SRC) + _awkward_quads(other) + source_quads()
    expected = "INSERT DATA {\n" + "\n".join(
        f"GRAPH {g} {{\n" + "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads if q.graph_name == g)
        + "}" for g in (SRC, other)) + "\n}"
    assert quads_to_insert_data(quads) == expected
    assert quads_to_insert_data([]) == ""


def test_awkward_literals_are_stored_unchanged(kg: KnowledgeGraph) -> None:
    quads = [q for q in _awkward_quads(SRC) if not isinstance(q.subject, ox.BlankNode)]
    kg.replace_source(SRC, quads)
    stored = {q for q in ox.parse(kg.backend.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
              if q.graph_name == SRC}
    assert stored == set(quads)
