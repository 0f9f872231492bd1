"""Ingest speed: `python -m ingest.bench DIR...` extracts every document (no store) and prints MB/s.

Wall-clock and CPU figures are both printed: on a busy machine the CPU figure is the one
that says what the code does. The first pass warms the ontology, automata and regexes."""

from __future__ import annotations

import sys
import time

from . import extract, files_under
from .mentions import default_linker


def bench(paths: list[str], rounds: int = 3) -> dict[str, float]:
    """Best-of-`rounds` throughput over the documents under `paths`."""
    linker = default_linker()
    docs = [(p.name, p.read_bytes()) for p in files_under(paths)]
    size = sum(len(d) for _, d in docs)
    for name, data in docs[:3]:
        extract(name, data, linker)
    wall, cpu, questions, relations = float("inf"), float("inf"), 0, 0
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        questions = relations = 0
        for name, data in docs:
            doc = extract(name, data, linker)
            questions += len(doc.questions)
            relations += len(doc.relations)
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return {"files": len(docs), "mb": size / 1e6, "wall_mb_s": size / 1e6 / wall, "cpu_mb_s": size / 1e6 / cpu,
            "questions": questions, "relations": relations}


if __name__ == "__main__":
    r = bench(sys.argv[1:] or ["."])
    print(f"{r['files']:.0f} files, {r['mb']:.2f} MB: {r['wall_mb_s']:.2f} MB/s wall, {r['cpu_mb_s']:.2f} MB/s CPU "
          f"({r['questions']:.0f} questions, {r['relations']:.0f} relations)")
