"""Helpers of the reliability suite: run the CLI in a child process, snapshot a store, tally figures.

Every hostile input the suite throws is recorded with what became of it (ingested, refused,
crashed, hung) and how many items of the store were lost; `summary()` is printed by the last
test of each suite, so CI logs carry the figures.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.store import META_GRAPH

ROOT = Path(__file__).resolve().parent.parent
OUTCOMES = ("ingested", "refused", "crashed", "hung", "rolled back", "complete")  # the last two: kills
CLI = "import sys; from explorer.cli import main; sys.argv[0] = 'dlkg'; sys.exit(main())"


@dataclass
class Run:
    """One finished child process: exit status, output, and its own peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    max_rss_bytes: int
    timed_out: bool


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("DLKG_ENDPOINT", None)
    env["DLKG_STORE"] = ""
    return env


def run_child(args: list[str], timeout: float, cwd: Path | None = None) -> Run:
    """Run a command; kill it at `timeout`. Peak RSS comes from wait4, i.e. this child only
    (the per-child form of getrusage(RUSAGE_CHILDREN))."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"dlkg-child-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "wb") as out, open(f"{out_path}.err", "wb") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=child_env(), cwd=cwd or ROOT,
                                start_new_session=True)
        deadline = time.monotonic() + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen consistent
    stdout = Path(f"{out_path}.out").read_text("utf-8", "replace")
    stderr = Path(f"{out_path}.err").read_text("utf-8", "replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink()
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Run(proc.returncode, stdout, stderr, usage.ru_maxrss * scale, timed_out)


def dlkg(store: Path, *args: str, timeout: float = 240.0) -> Run:
    """`dlkg --store STORE ARGS...` in a child process."""
    return run_child([sys.executable, "-c", CLI, "--store", str(store), *args], timeout)


Snapshot = dict[str, frozenset[str]]


def graphs_of(quads: object) -> Snapshot:
    """Quads (N-Quads lines) per named graph, the store's revision bookkeeping left out."""
    by_graph: dict[str, set[str]] = {}
    for q in quads:  # type: ignore[attr-defined]
        if q.graph_name == META_GRAPH:
            continue
        by_graph.setdefault(str(q.graph_name), set()).add(str(q))
    return {g: frozenset(v) for g, v in by_graph.items()}


def parse_quads(lines: Iterable[str]) -> list[ox.Quad]:
    """Quads back from the N-Quads lines of a snapshot."""
    return list(ox.parse("".join(f"{line} .\n" for line in lines), format=ox.RdfFormat.N_QUADS))


def snapshot(store_dir: Path) -> Snapshot:
    """Every quad of an on-disk store (opened read-only, so a crashed writer's lock does not matter)."""
    store = ox.Store.read_only(str(store_dir))
    try:
        return graphs_of(store)
    finally:
        del store


def lost_items(before: Snapshot, after: Snapshot) -> int:
    """Quads of graphs that existed before and are missing or changed after."""
    lost = 0
    for g, quads in before.items():
        lost += len(quads - after.get(g, frozenset()))
    return lost


@dataclass
class Outcome:
    suite: str
    name: str
    outcome: str  # one of OUTCOMES
    detail: str = ""
    lost: int = 0
    peak_rss_mb: float | None = None


RECORDS: list[Outcome] = []


def record(suite: str, name: str, outcome: str, detail: str = "", lost: int = 0,
           peak_rss_mb: float | None = None) -> None:
    assert outcome in OUTCOMES, outcome
    RECORDS.append(Outcome(suite, name, outcome, detail, lost, peak_rss_mb))


def summary(suite: str) -> str:
    """The figures of one suite, a line per input and a total line."""
    rows = [r for r in RECORDS if r.suite == suite]
    counts = Counter(r.outcome for r in rows)
    lines = [f"== reliability figures: {suite} =="]
    for r in rows:
        rss = f" peak {r.peak_rss_mb:.0f} MB" if r.peak_rss_mb is not None else ""
        lines.append(f"  {r.name:<34} {r.outcome:<12}{rss} {r.detail[:90]}")
    kills = "".join(f", {k} {counts[k]}" for k in ("rolled back", "complete") if counts[k])
    lines.append(f"  inputs tried {len(rows)}, ingested {counts['ingested']}, refused {counts['refused']}"
                 f"{kills}, crashed {counts['crashed']}, hung {counts['hung']}, "
                 f"items lost {sum(r.lost for r in rows)}")
    return "\n".join(lines)
