"""The read-only SPARQL console: refusals, row limit, time limit, on every backend."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import KnowledgeGraph
from graph.console import QueryRefused, QueryTimeout, check_read_only, run_query

COUNT_CONCEPTS = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a dlkg:Concept }"
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("query", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "delete { ?s ?p ?o } where { ?s ?p ?o }",
    "DROP ALL",
    "CLEAR GRAPH <urn:g>",
    "LOAD <http://example.org/data.ttl>",
    "CREATE GRAPH <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
])
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        check_read_only(query)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:1/> { ?s ?p ?o } }",
])
def test_fetches_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="not allowed"):
        check_read_only(query)


@pytest.mark.parametrize("query", [
    'SELECT ?from WHERE { ?from rdfs:label "DELETE this; DROP ALL" }',
    "SELECT ?insert WHERE { ?insert dlkg:clear ?x }  # LOAD in a comment",
    "ASK { <http://example.org/service> ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE <https://w3id.org/dlkg/concept/relu>",
])
def test_keywords_inside_names_strings_and_comments_are_not_clauses(query: str) -> None:
    assert check_read_only(query) in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def test_nonsense_is_not_a_query() -> None:
    with pytest.raises(QueryRefused, match="not a SPARQL query"):
        check_read_only("hello")


def test_refused_update_changes_nothing(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryRefused):
        run_query(kg.backend, "INSERT DATA { <urn:x> <urn:y> <urn:z> }")
    assert run_query(kg.backend, "ASK { <urn:x> <urn:y> <urn:z> }").boolean is False


def test_select_with_row_limit(kg: KnowledgeGraph) -> None:
    total = int(run_query(kg.backend, COUNT_CONCEPTS).rows[0][0].value)  # type: ignore[union-attr]
    assert total > 5
    few = run_query(kg.backend, "SELECT DISTINCT ?c WHERE { ?c a dlkg:Concept }", limit=5)
    assert few.kind == "select" and few.columns == ["c"] and len(few.rows) == 5 and few.truncated
    every = run_query(kg.backend, "SELECT DISTINCT ?c WHERE { ?c a dlkg:Concept }", limit=None)
    assert len(every.rows) == total and not every.truncated
    assert all(isinstance(r[0], ox.NamedNode) for r in every.rows)


def test_ask_and_construct(kg: KnowledgeGraph) -> None:
    relu = "<https://w3id.org/dlkg/concept/relu>"
    assert run_query(kg.backend, f"ASK {{ {relu} a dlkg:Concept }}").boolean is True
    graph = run_query(kg.backend, f"CONSTRUCT {{ {relu} ?p ?o }} WHERE {{ {relu} ?p ?o }}", limit=2)
    assert graph.kind == "graph" and len(graph.rows) == 2 and graph.truncated


def test_bad_syntax_is_a_refusal(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryRefused, match="bad query"):
        run_query(kg.backend, "SELECT ?x WHERE { ?x ")


def test_a_runaway_query_stops_at_the_time_limit(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryTimeout, match="--timeout"):
        run_query(kg.backend, CROSS_JOIN, timeout=1)
    # the store is untouched and still answers (and still takes writes); an HTTP server may
    # still be busy with the abandoned query, so the checks get time to spare
    assert run_query(kg.backend, COUNT_CONCEPTS, timeout=120).rows
    kg.backend.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    assert run_query(kg.backend, "ASK { <urn:a> <urn:b> <urn:c> }", timeout=120).boolean is True


def test_negative_limits_are_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryRefused):
        run_query(kg.backend, COUNT_CONCEPTS, limit=-1)
    with pytest.raises(QueryRefused):
        run_query(kg.backend, COUNT_CONCEPTS, timeout=-1)


@pytest.fixture
def strict_server(tmp_path):  # type: ignore[no-untyped-def]
    """`oxigraph serve --timeout-s 1`: a server that cuts long answers short on its own."""
    import shutil
    import socket
    import subprocess
    import time
    import urllib.request

    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "srv"), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph", "--timeout-s", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_an_answer_the_endpoint_cuts_short_is_a_timeout(strict_server: str) -> None:
    kg = KnowledgeGraph.open(endpoint=strict_server)
    pairs = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    first = run_query(kg.backend, pairs, limit=5, timeout=60)  # only five rows are read
    assert len(first.rows) == 5 and first.truncated
    with pytest.raises(QueryTimeout, match="cut its answer short"):
        run_query(kg.backend, pairs, limit=None, timeout=60)
