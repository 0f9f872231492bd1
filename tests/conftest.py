"""Shared fixtures: the same tests run over every store backend.

`kg` is a fresh knowledge graph on each backend: in-memory Oxigraph, Oxigraph on disk,
and a real `oxigraph serve` on 127.0.0.1 (skipped only when the binary is missing).
`seeded_kg` is an in-memory graph with the four seed documents ingested (module scope).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import ingest
from graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPORA = SHARED / "corpora"
GOLD = SHARED / "gold" / "seeds.json"
FIXTURES = Path(__file__).parent / "fixtures"


def skip_or_fail_without_chromium() -> None:
    """Browser tests skip on a developer machine without Debian chromium, but fail in CI."""
    import os

    message = "Debian chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OxigraphServer:
    """A real `oxigraph serve` on a free loopback port, stopped at teardown."""

    def __init__(self, location: Path):
        binary = shutil.which("oxigraph")
        if binary is None:
            pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path / "served")
    yield server
    server.stop()


@pytest.fixture(params=["memory", "disk", "endpoint"])
def kg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeGraph]:
    """A fresh knowledge graph (ontology loaded) on each backend."""
    server = None
    if request.param == "memory":
        graph = KnowledgeGraph.open(memory=True)
    elif request.param == "disk":
        graph = KnowledgeGraph.open(store=tmp_path / "store")
    else:
        server = OxigraphServer(tmp_path / "served")
        graph = KnowledgeGraph.open(endpoint=server.url)
    yield graph
    graph.close()
    if server:
        server.stop()


@pytest.fixture(scope="module")
def seeded_kg() -> Iterator[KnowledgeGraph]:
    """In-memory graph with ../shared/seeds ingested (skipped when the seeds are absent)."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    graph = KnowledgeGraph.open(memory=True)
    reports = ingest.ingest_paths([SEEDS], graph.replace_source)
    assert all(r.error is None for r in reports), reports
    yield graph
    graph.close()
