"""Concurrency: readers see a document's old or new state, never a mix; two ingests of one file
leave one copy.

- Threads on one embedded store: a writer swaps a document between two versions while readers
  run the app's queries (sources, questions) and user SPARQL.
- Processes over a real `oxigraph serve`: a writer process re-ingests the file through the CLI
  while reader processes query; then two CLI ingests of the same file at once.
- Two CLI ingests of one file on one embedded store at once: one writes, the other stops with a
  one-line 'store in use' error, and the store holds one copy.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

import ingest
from graph import KnowledgeGraph
from graph.store import EndpointStore, OxigraphStore
from ingest.rdf import source_iri, to_quads

from .conftest import OxigraphServer
from .reliability_report import CLI, child_env, dlkg, graphs_of, run_child

NAME = "shared-notes.md"
SIZES = {"A": 240, "B": 160}


def version(tag: str) -> bytes:
    return "".join(f"## {tag}{i}：ReLU 如何缓解梯度消失？\nReLU缓解梯度消失（{tag}{i}）。\n"
                   for i in range(SIZES[tag])).encode()


TEXTS_QUERY = ("SELECT ?t WHERE { ?q dlkg:source ?s ; dlkg:text ?t . ?s dlkg:fileName \"" + NAME + "\" }")


def classify(texts: list[str]) -> str:
    """'A' or 'B' when every question text is from one whole version, else 'mixed' (or 'empty')."""
    if not texts:
        return "empty"
    tags = {t[0] for t in texts}
    if len(tags) == 1 and len(texts) == SIZES[next(iter(tags))]:
        return next(iter(tags))
    return "mixed"


def test_threads_on_one_embedded_store_never_see_a_mix(tmp_path: Path) -> None:
    kg = KnowledgeGraph.open(store=tmp_path / "store")
    docs = {tag: to_quads(ingest.extract(NAME, version(tag))) for tag in SIZES}
    kg.replace_source(*docs["A"])
    stop = threading.Event()
    seen: dict[str, int] = {}
    counts: set[int] = set()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(6):
                kg.replace_source(*docs["B" if i % 2 == 0 else "A"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            stop.set()

    def reader() -> None:
        try:
            while not stop.is_set():
                rows = kg.backend.select(TEXTS_QUERY)
                state = classify([r["t"].value for r in rows])  # type: ignore[union-attr]
                seen[state] = seen.get(state, 0) + 1
                for s in kg.sources():  # the app's Sources page
                    if s["file"] == NAME:
                        counts.add(int(s["questions"]))  # type: ignore[call-overload]
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    kg.close()
    assert not errors, errors
    assert "mixed" not in seen and "empty" not in seen, seen
    assert counts <= set(SIZES.values()), counts
    assert {"A", "B"} <= set(seen), seen  # the reads did overlap the writes


READER = """
import json, sys, time
from graph.store import EndpointStore
sys.path.insert(0, sys.argv[3])
from tests.test_concurrency import TEXTS_QUERY, classify
store = EndpointStore(sys.argv[1])
seen = {}
deadline = time.monotonic() + 300
stop = __import__("pathlib").Path(sys.argv[2])
while not stop.exists() and time.monotonic() < deadline:
    if sys.argv[4] == "cli":  # the `dlkg sparql` command, run in this process (no start-up cost)
        import contextlib, io
        from explorer.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["--endpoint", sys.argv[1], "sparql", "--format", "json", TEXTS_QUERY]) == 0
        texts = [r["t"] for r in json.loads(out.getvalue())["rows"]]
    else:
        texts = [r["t"].value for r in store.select(TEXTS_QUERY)]
    state = classify(texts)
    seen[state] = seen.get(state, 0) + 1
print(json.dumps(seen))
"""


@pytest.mark.server
def test_processes_over_the_endpoint_never_see_a_mix(tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "served")
    try:
        files = {}
        for tag in SIZES:
            (tmp_path / tag).mkdir()
            files[tag] = tmp_path / tag / NAME
            files[tag].write_bytes(version(tag))
        first = run_child([sys.executable, "-c", CLI, "--endpoint", server.url, "ingest", "-q",
                           str(files["A"])], timeout=240)
        assert first.returncode == 0, first.stderr
        stop = tmp_path / "stop"
        root = str(Path(__file__).resolve().parent.parent)
        readers = [subprocess.Popen([sys.executable, "-c", READER, server.url, str(stop), root, mode],
                                    stdout=subprocess.PIPE, text=True, env=child_env())
                   for mode in ("store", "store", "cli")]
        try:
            for i in range(4):
                run = run_child([sys.executable, "-c", CLI, "--endpoint", server.url, "ingest", "-q",
                                 str(files["B" if i % 2 == 0 else "A"])], timeout=240)
                assert run.returncode == 0, run.stderr
            sparql = run_child([sys.executable, "-c", CLI, "--endpoint", server.url, "sparql", "--format",
                                "json", TEXTS_QUERY], timeout=120)
            assert sparql.returncode == 0, sparql.stderr
            assert classify([r["t"] for r in json.loads(sparql.stdout)["rows"]]) == "A"
        finally:
            stop.touch()
        results = [json.loads(p.communicate(timeout=120)[0]) for p in readers]
        for seen in results:
            assert seen and "mixed" not in seen and "empty" not in seen, seen

        # two ingests of the same file at once: one copy
        procs = [subprocess.Popen([sys.executable, "-c", CLI, "--endpoint", server.url, "ingest", "-q",
                                   str(files["B"])], env=child_env(), stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        for p in procs:
            _, err = p.communicate(timeout=240)
            assert p.returncode == 0, err
        store = EndpointStore(server.url)
        rows = store.select(TEXTS_QUERY)
        assert classify([r["t"].value for r in rows]) == "B"  # type: ignore[union-attr]
        assert sorted(r["t"].value for r in rows) == sorted(  # type: ignore[union-attr]
            q.text for q in ingest.extract(NAME, version("B")).questions)
        sources = store.select('SELECT ?s WHERE { ?s dlkg:fileName "' + NAME + '" }')
        assert len(sources) == 1
    finally:
        server.stop()


def test_two_ingests_of_one_file_on_an_embedded_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert dlkg(store, "sparql", "ASK {}").returncode == 0  # ontology loaded once
    doc = tmp_path / NAME
    doc.write_bytes(version("A"))
    procs = [subprocess.Popen([sys.executable, "-c", CLI, "--store", str(store), "ingest", "-q", str(doc)],
                              env=child_env(), stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = []
    for p in procs:
        _, err = p.communicate(timeout=240)
        outcomes.append((p.returncode, err.strip()))
    assert any(rc == 0 for rc, _ in outcomes), outcomes
    for rc, err in outcomes:
        if rc != 0:
            assert rc == 1 and len(err.splitlines()) == 1 and "store in use" in err, err
    backend = OxigraphStore(store, read_only=True)
    after = graphs_of(backend.raw)
    backend.close()
    reference = ox.Store()
    reference.extend(to_quads(ingest.extract(NAME, version("A")))[1])
    graph = str(source_iri(NAME))
    assert after[graph] == graphs_of(reference)[graph]
    files = [q for q in after[graph] if "#fileName>" in q]
    assert len(files) == 1
