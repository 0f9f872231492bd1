"""Smoke test of the benchmark runner and the generator at 10k (figures are printed, never asserted)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from benchmarks.generate import parse_size, write
from benchmarks.run import _child_load, run
from explorer.cli import main
from ontology import NS, RELATIONS


def test_generator_is_deterministic_and_shaped_like_dlkg(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.nq", tmp_path / "b.nq", tmp_path / "c.nq"
    n = write(a, 10_000, seed=1)
    write(b, 10_000, seed=1)
    write(c, 10_000, seed=2)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert 10_000 <= n < 11_000
    quads = list(ox.parse(path=str(a), format=ox.RdfFormat.N_QUADS))
    preds = {q.predicate.value for q in quads}
    assert {NS + r for r in RELATIONS} <= preds
    assert {NS + k for k in ("asksAbout", "mentions", "text", "answer", "quote", "confidence")} <= preds
    requires = nx.DiGraph((q.subject.value, q.object.value) for q in quads if q.predicate.value == NS + "requires")
    assert nx.is_directed_acyclic_graph(requires)
    assert len({q.graph_name for q in quads}) > 3  # sources are named graphs
    assert parse_size("1M") == 1_000_000 and parse_size("250k") == 250_000


def test_runner_prints_one_line_per_measurement(tmp_path: Path) -> None:
    printed: list[str] = []
    lines = run("10k", repeat=1, sections=("query", "search"), workdir=tmp_path, rdflib_max=0,
                out=printed.append, query_names=["related_in", "concept_labels", "meta"])
    names = {(ln.section, ln.name) for ln in lines}
    assert ("query", "related_in") in names and ("bulk", "concept_labels") in names
    assert any(s == "search" for s, _ in names)
    assert all(ln.baseline is not None for ln in lines if ln.section in ("query", "bulk"))
    bulk = next(ln for ln in lines if ln.name == "concept_labels")
    assert bulk.target == "<=2x" and "label" in bulk.note  # held to the raw engine only; says what it feeds
    assert printed[0].startswith("# dlkg bench") and printed[-1].startswith("# targets")
    assert all(" dlkg " in p for p in printed if not p.startswith("#"))


def test_load_measures_time_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "g.nq"
    write(path, 2_000, seed=1)
    for kind in ("dlkg", "raw"):
        got = _child_load(kind, str(path), None)
        assert got["triples"] >= 2_000 and got["seconds"] > 0


def test_cli_bench_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--size", "10k", "--repeat", "1", "--only", "search", "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "search" in out and "raw CONTAINS scan" in out


def test_every_interactive_query_is_benchmarked_bound() -> None:
    """An interactive query the runner ran unbound would be timed over the whole graph."""
    import re

    from benchmarks.run import PARAMS
    from graph import queries

    small_graphs = {"review_decisions"}  # reads only the reviews graph: a handful of decisions
    for name in queries.names():
        assert name in PARAMS or name in small_graphs, f"{name}: no parameters in benchmarks/run.py PARAMS"
        head = re.search(r"SELECT(.*?)WHERE", queries.load(name), re.S)
        assert head is not None
        projected = set(re.findall(r"\?(\w+)", head.group(1)))
        assert set(PARAMS.get(name, ())) <= projected, name  # pyoxigraph binds only projected variables
