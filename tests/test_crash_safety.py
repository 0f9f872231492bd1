"""Crash safety: SIGKILL in the middle of a write leaves the on-disk store whole.

A large document (2,500 questions, ~100k quads: the write takes seconds) is ingested
by a child process that is killed at several points: through the real CLI at fractions of a
full run, and through instrumented children that say when `replace_source` starts, so some
kills land inside the write. The same for the app's upload action (explorer.uploads) and its
review action (KnowledgeGraph.record_review). After each kill the store is opened read-write
(recovery runs) and compared with the state before: every earlier document is quad for quad
the same, and the killed document's graph is either absent or exactly the reference ingest.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

import ingest
from graph.kg import DUPLICATES_GRAPH
from graph.review import REVIEWS_GRAPH
from graph.store import OxigraphStore
from ingest.rdf import source_iri, to_quads

from .reliability_report import CLI, Snapshot, child_env, dlkg, graphs_of, lost_items, record, summary

SUITE = "crash safety"
pytestmark = pytest.mark.slow
DERIVED = {str(DUPLICATES_GRAPH), str(REVIEWS_GRAPH)}
DOC_NAME = "large-notes.md"

WRITER = """
import sys
from graph import KnowledgeGraph
kg = KnowledgeGraph.open(store=sys.argv[1])
real = kg.replace_source
def write(graph, quads):
    print("writing", flush=True)
    real(graph, quads)
    print("written", flush=True)
kg.replace_source = write
if sys.argv[3] == "cli-path":
    import ingest
    ingest.ingest_paths([sys.argv[2]], kg.replace_source)
else:
    from pathlib import Path
    from explorer.uploads import ingest_uploads
    path = Path(sys.argv[2])
    print([r.error for r in ingest_uploads(kg, [(path.name, path.read_bytes())])], flush=True)
kg.close()
print("done", flush=True)
"""

REVIEWER = """
import sys
from graph import KnowledgeGraph
kg = KnowledgeGraph.open(store=sys.argv[1])
edges = [e for e in kg.edges()][:400]
print("reviewing", len(edges), flush=True)
for i in range(100000):
    e = edges[i % len(edges)]
    kg.record_review(e.source, e.relation, e.target, ("accept", "reject")[i % 2])
    print("reviewed", i, flush=True)
"""


def large_document() -> bytes:
    parts = []
    for i in range(2500):
        parts.append(f"## 问题 {i}：梯度消失第{i}种情况怎么缓解？\n"
                     f"ReLU可以缓解梯度消失，BatchNorm 缓解内部协变量偏移（例 {i}）。残差连接也能缓解梯度消失。\n")
    return "".join(parts).encode()


@dataclass
class Base:
    store: Path
    before: Snapshot
    doc: Path
    reference: Snapshot  # the large document's graph, ingested in this process
    full_run: float  # seconds a complete CLI ingest of the document took (to pick kill points)


def open_and_snapshot(store: Path) -> Snapshot:
    """Open read-write (RocksDB recovery runs), read every quad, close."""
    backend = OxigraphStore(store)
    try:
        return graphs_of(backend.raw)
    finally:
        backend.close()


def canonical(quads: list[ox.Quad]) -> Snapshot:
    store = ox.Store()
    store.extend(quads)
    return graphs_of(store)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    work = tmp_path_factory.mktemp("crash")
    store = work / "base"
    samples = sorted(str(p) for p in (Path(ingest.__file__).parent / "samples").glob("*.md"))
    run = dlkg(store, "ingest", "-q", *samples)
    assert run.returncode == 0, run.stderr
    doc = work / DOC_NAME
    doc.write_bytes(large_document())
    _, quads = to_quads(ingest.extract(doc.name, doc.read_bytes()))
    reference = canonical(quads)
    trial = work / "trial"
    shutil.copytree(store, trial)
    start = time.monotonic()
    full = dlkg(trial, "ingest", "-q", str(doc))
    full_run = time.monotonic() - start
    assert full.returncode == 0, full.stderr
    complete = open_and_snapshot(trial)
    assert complete[str(source_iri(DOC_NAME))] == reference[str(source_iri(DOC_NAME))]
    yield Base(store, open_and_snapshot(store), doc, reference, full_run)


def check_after_kill(base: Base, store: Path, label: str) -> str:
    """The store opens; earlier graphs intact; the killed document absent or complete. Returns
    'absent' or 'complete'."""
    after = open_and_snapshot(store)
    graph = str(source_iri(DOC_NAME))
    before = {g: q for g, q in base.before.items() if g not in DERIVED}
    lost = lost_items(before, after)
    state = "absent" if graph not in after else "complete" if after[graph] == base.reference[graph] else "partial"
    record(SUITE, label, "crashed" if lost or state == "partial" else "complete" if state == "complete"
           else "rolled back", f"document {state} after the kill", lost=lost)
    assert lost == 0, f"{label}: {lost} quads of earlier documents lost"
    for g, quads in before.items():
        assert after.get(g) == quads, f"{label}: earlier graph {g} changed"
    assert state != "partial", f"{label}: half-written document ({len(after[graph])} quads)"
    extra = set(after) - set(before) - DERIVED - {graph}
    assert not extra, f"{label}: unexpected graphs {extra}"
    return state


def kill_after(args: list[str], marker: str | None, delay: float) -> subprocess.Popen[str]:
    """Start a child; once it prints `marker` (or at once), wait `delay` s and SIGKILL it."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=child_env(), start_new_session=True)
    assert proc.stdout is not None
    if marker:
        for line in proc.stdout:
            if line.startswith(marker):
                break
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    return proc


@pytest.mark.parametrize("fraction", [0.4, 0.8])
def test_cli_ingest_killed(base: Base, tmp_path: Path, fraction: float) -> None:
    store = tmp_path / "store"
    shutil.copytree(base.store, store)
    kill_after([sys.executable, "-c", CLI, "--store", str(store), "ingest", "-q", str(base.doc)],
               None, base.full_run * fraction)
    check_after_kill(base, store, f"CLI ingest, kill at {fraction:.0%}")


@pytest.mark.parametrize("delay", [0.0, 1.0])
@pytest.mark.parametrize("path", ["cli-path", "upload"])
def test_write_killed_inside_replace_source(base: Base, tmp_path: Path, delay: float, path: str) -> None:
    store = tmp_path / "store"
    shutil.copytree(base.store, store)
    kill_after([sys.executable, "-c", WRITER, str(store), str(base.doc), path], "writing", delay)
    check_after_kill(base, store, f"{path} write, kill +{delay}s")


@pytest.mark.parametrize("delay", [0.5, 2.0])
def test_review_killed(base: Base, tmp_path: Path, delay: float) -> None:
    store = tmp_path / "store"
    shutil.copytree(base.store, store)
    kill_after([sys.executable, "-c", REVIEWER, str(store)], "reviewed", delay)
    after = open_and_snapshot(store)
    before = {g: q for g, q in base.before.items() if g not in DERIVED}
    lost = lost_items(before, after)
    reviews = after.get(str(REVIEWS_GRAPH), frozenset())
    by_node: dict[str, set[str]] = {}
    for line in reviews:
        subject, predicate = line.split(" ", 2)[:2]
        by_node.setdefault(subject, set()).add(predicate)
    shapes = {frozenset(p) for p in by_node.values()}
    record(SUITE, f"review, kill +{delay}s", "crashed" if lost or len(shapes) > 1 else "complete",
           f"{len(by_node)} whole reviews stored, none partial", lost=lost)
    assert lost == 0
    assert by_node, "no review was written before the kill: the test did not exercise anything"
    assert len(shapes) == 1, "some review is half-written"  # every review has the same properties
    assert all(any(p.endswith("#decision>") for p in props) for props in by_node.values())


def test_zz_print_figures(capsys: pytest.CaptureFixture[str]) -> None:
    text = summary(SUITE)
    with capsys.disabled():
        print("\n" + text)
    assert "crashed 0" in text and "items lost 0" in text
