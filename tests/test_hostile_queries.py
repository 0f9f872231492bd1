"""Hostile queries on the read-only paths: the CLI `sparql` command and graph/console.run_query
(the app's SPARQL page calls it with the store it shows).

Updates are refused and the store is unchanged; SERVICE, FROM and FROM NAMED are refused and
no request leaves the process (a local HTTP server records any that would); a query that would
run for minutes is stopped at the time limit with a clear message, and the store still answers;
results are capped at the row limit.
"""

from __future__ import annotations

import http.server
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import KnowledgeGraph
from graph.console import QueryRefused, QueryTimeout, run_query
from graph.store import OxigraphStore

from .conftest import OxigraphServer
from .reliability_report import dlkg, graphs_of, run_child

UPDATES = [
    "INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "drop  all",
    "CLEAR DEFAULT",
    "CREATE GRAPH <urn:g>",
    "LOAD <http://127.0.0.1:{port}/data.ttl>",
    "LOAD <file:///etc/passwd> INTO GRAPH <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "MOVE <urn:a> TO <urn:b>",
    "ADD <urn:a> TO <urn:b>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "PREFIX x: <urn:x#>\n# SELECT * WHERE {}\nDELETE DATA { x:a x:b x:c }",
    "ASK {} ;\nINSERT DATA { <urn:x> <urn:y> \"} ; SELECT * {\" }",
]
FETCHES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "DESCRIBE <urn:x> FROM <http://127.0.0.1:{port}/data.ttl>",
    "ASK FROM <http://127.0.0.1:{port}/data.ttl> { ?s ?p ?o }",
]
# thousands of triples cubed: would run for hours
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def _any(self) -> None:
        _Recorder.hits.append(self.path)
        body = b"<urn:a> <urn:b> <urn:c> ."
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def trap() -> Iterator[int]:
    """A local HTTP server that records every request (none must arrive)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()


@pytest.fixture(scope="module", params=["memory", "endpoint"])
def graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """One graph per backend for the whole module (refusals happen before the backend is asked,
    but the endpoint path is checked too)."""
    server = None
    if request.param == "memory":
        kg = KnowledgeGraph.open(memory=True)
    else:
        server = OxigraphServer(tmp_path_factory.mktemp("served"))
        kg = KnowledgeGraph.open(endpoint=server.url)
    yield kg
    kg.close()
    if server:
        server.stop()


def _dump(kg: KnowledgeGraph) -> dict[str, frozenset[str]]:
    rows = kg.backend.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return graphs_of(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)  # type: ignore[arg-type]


@pytest.mark.parametrize("template", UPDATES)
def test_updates_are_refused_by_the_console(graph: KnowledgeGraph, trap: int, template: str) -> None:
    kg = graph
    before = _dump(kg)
    with pytest.raises(QueryRefused) as err:
        run_query(kg.backend, template.replace("{port}", str(trap)))
    assert "\n" not in str(err.value)
    assert _dump(kg) == before
    assert not _Recorder.hits


@pytest.mark.parametrize("template", FETCHES)
def test_fetches_are_refused_by_the_console(graph: KnowledgeGraph, trap: int, template: str) -> None:
    kg = graph
    with pytest.raises(QueryRefused) as err:
        run_query(kg.backend, template.replace("{port}", str(trap)))
    assert any(w in str(err.value) for w in ("SERVICE", "FROM")), err.value
    assert not _Recorder.hits, _Recorder.hits


def test_keywords_inside_strings_iris_and_names_are_not_refused(graph: KnowledgeGraph) -> None:
    kg = graph
    """The refusal is by syntax, not by substring: otherwise the console would be useless."""
    q = ('SELECT ?from ?service WHERE { BIND("DROP ALL; SERVICE <x>" AS ?from) '
         'BIND(<urn:insert:delete> AS ?service) } # LOAD <http://x>')
    result = run_query(kg.backend, q)
    assert result.kind == "select" and len(result.rows) == 1


def test_cli_refuses_updates_and_fetches_with_one_line(tmp_path: Path, trap: int) -> None:
    store = tmp_path / "store"
    assert dlkg(store, "sparql", "ASK {}").returncode == 0
    before = _snapshot(store)
    for text in [UPDATES[2], UPDATES[12], FETCHES[0], FETCHES[3]]:
        run = dlkg(store, "sparql", text.replace("{port}", str(trap)))
        assert run.returncode == 1, (text, run.stdout)
        assert len(run.stderr.strip().splitlines()) == 1 and run.stderr.startswith("dlkg: error:"), run.stderr
    assert _snapshot(store) == before
    assert not _Recorder.hits


def _snapshot(store: Path) -> dict[str, frozenset[str]]:
    s = OxigraphStore(store, read_only=True)
    try:
        return graphs_of(s.raw)
    finally:
        s.close()


def test_a_runaway_query_is_stopped_and_the_store_still_answers(graph: KnowledgeGraph) -> None:
    kg = graph
    with pytest.raises(QueryTimeout) as err:
        run_query(kg.backend, SLOW, timeout=1.5)
    message = str(err.value)
    assert "\n" not in message and "1.5 s" in message, message  # a clear message names the limit
    after = run_query(kg.backend, "SELECT (COUNT(*) AS ?n) WHERE { ?s a dlkg:Concept }", timeout=30)
    assert int(after.rows[0][0].value) > 100  # type: ignore[union-attr]


@pytest.mark.slow
def test_cli_stops_a_runaway_query(tmp_path: Path) -> None:
    store = tmp_path / "store"
    run = dlkg(store, "sparql", "--timeout", "2", SLOW, timeout=120)
    assert not run.timed_out, "the CLI query was not stopped by its own limit"
    assert run.returncode == 1
    assert len(run.stderr.strip().splitlines()) == 1 and "2 s" in run.stderr, run.stderr


def test_results_are_capped(graph: KnowledgeGraph) -> None:
    kg = graph
    result = run_query(kg.backend, "SELECT * WHERE { ?s ?p ?o }", limit=50)
    assert len(result.rows) == 50 and result.truncated
    constructed = run_query(kg.backend, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", limit=7)
    assert len(constructed.rows) == 7 and constructed.truncated
    small = run_query(kg.backend, "SELECT * WHERE { ?s a dlkg:Concept } LIMIT 3", limit=50)
    assert len(small.rows) == 3 and not small.truncated


def test_cli_caps_rows_by_default(tmp_path: Path) -> None:
    run = dlkg(tmp_path / "store", "sparql", "--format", "json", "SELECT * WHERE { ?s ?p ?o }")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert len(data["rows"]) == 1000 and data["truncated"] is True


def test_the_app_console_uses_the_guarded_runner() -> None:
    """The SPARQL page must go through run_query with both limits (no direct store access)."""
    root = Path(__file__).resolve().parent.parent / "explorer"
    pages = [p for p in (root / "app_pages" / "sparql.py", root / "pages" / "sparql.py") if p.exists()]
    assert pages, "the app has no SPARQL page"
    text = pages[0].read_text(encoding="utf-8")
    assert "run_query(" in text and "timeout=" in text and "limit=" in text
    for direct in (".query(", ".update(", "backend.select(", "raw."):
        assert direct not in text, direct


HOSTILE_ARGS = ['"} ; DROP ALL ; {" <http://x>', '"""<script>alert(1)</script> ?x } INSERT DATA {',
                "\u202e梯度消失\u200b"]


def test_cli_questions_and_concepts_with_sparql_syntax(tmp_path: Path) -> None:
    """`ask`, `related` and `path` take hostile text as data: a one-line answer or refusal,
    never a traceback, and the store is unchanged."""
    store = tmp_path / "store"
    assert dlkg(store, "sparql", "ASK {}").returncode == 0
    before = _snapshot(store)
    script = ("import sys\nfrom explorer.cli import main\nargs = sys.argv[1:]\ncodes = []\n"
              "for text in args[1:]:\n"
              "    for argv in (['ask', f'什么可以缓解{text}？'], ['ask', text], ['related', text],\n"
              "                 ['path', text, '--known', text]):\n"
              "        try:\n            codes.append(main(['--store', args[0], *argv]))\n"
              "        except SystemExit as exc:\n            codes.append(exc.code)\n"
              "print(codes)\n")
    run = run_child([sys.executable, "-c", script, str(store), *HOSTILE_ARGS], timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    codes = [int(c) for c in run.stdout.strip().splitlines()[-1].strip("[]").split(",")]
    assert len(codes) == 4 * len(HOSTILE_ARGS) and set(codes) <= {0, 1}, codes
    for line in run.stderr.splitlines():
        assert line.startswith("dlkg: error: "), line
    assert _snapshot(store) == before
