"""Server mode: the command line against a real `oxigraph serve --union-default-graph` on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from explorer.cli import main
from graph import KnowledgeGraph

from .conftest import SEEDS, OxigraphServer


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server holding the ingested seed notes (ingested through `dlkg --endpoint ... ingest`)."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    server = OxigraphServer(tmp_path_factory.mktemp("served") / "store")
    try:
        assert main(["--endpoint", server.url, "ingest", "--quiet", str(SEEDS)]) == 0
        yield server.url
    finally:
        server.stop()


def test_ingest_wrote_sources_to_the_server(served: str) -> None:
    kg = KnowledgeGraph.open(endpoint=served)
    files = {s["file"] for s in kg.sources()}
    assert files == {p.name for p in SEEDS.iterdir() if p.suffix in (".md", ".txt", ".html")}
    assert all(s["questions"] for s in kg.sources())


def test_related_over_http(served: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--endpoint", served, "related", "梯度消失", "--relation", "mitigates",
                           "--direction", "in", "--format", "json")
    assert status == 0, err
    labels = {r["concept"]["label_en"].casefold() for r in json.loads(out)["results"]}
    assert "relu" in labels


def test_sparql_over_http(served: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--endpoint", served, "sparql", "--format", "json",
                           "SELECT (COUNT(*) AS ?n) WHERE { ?q a dlkg:Question }")
    assert status == 0, err
    assert "n" in out
    status, _, err = run(capsys, "--endpoint", served, "sparql", "INSERT DATA { <x:a> <x:b> <x:c> }")
    assert status == 1 and err.strip()


def test_export_over_http(served: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "all.nq"
    status, _, err = run(capsys, "--endpoint", served, "export", "--format", "nquads", "-o", str(target))
    assert status == 0, err
    quads = list(ox.parse(path=str(target), format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert any("/source/" in g for g in graphs)
    assert "https://w3id.org/dlkg/graph/ontology" in graphs
    status, out, err = run(capsys, "--endpoint", served, "export", "--format", "turtle")
    assert status == 0, err
    assert "mitigates" in out


def test_unknown_concept_and_unreachable_server(served: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--endpoint", served, "related", "不存在的概念xyz")
    assert status == 1 and "unknown concept" in err
    status, _, err = run(capsys, "--endpoint", "http://127.0.0.1:9", "related", "ReLU")
    assert status == 1 and "unreachable" in err
