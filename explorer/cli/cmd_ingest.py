"""dlkg ingest PATH...: files or folders of notes into the store, one named graph per file,
then duplicate questions re-clustered across all sources (explorer.workflows.ingest_files)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from graph import KnowledgeGraph

from .output import fail, table

if TYPE_CHECKING:
    import ingest


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ingest", help="ingest .md/.markdown/.txt/.html files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no per-file table")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="extract files in N processes (default: one per CPU core); writes stay in order")
    p.set_defaults(func=run)


def _progress(done: int, total: int, report: ingest.FileReport) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * done / max(total, 1))
    name = report.path.rsplit("/", 1)[-1][:40]
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    from ..workflows import ingest_files  # here: the extractor stays off other commands' start

    if args.jobs < 1:
        return fail(f"--jobs must be at least 1 (got {args.jobs})")
    reports = ingest_files(kg, args.paths, None if args.quiet else _progress, workers=args.jobs)
    if not reports:
        return fail("no .md, .markdown, .txt or .html files under " + ", ".join(args.paths))
    ok = [r for r in reports if r.error is None]
    if not args.quiet:
        rows = [(r.path, r.questions, r.mentions, r.relations) for r in ok]
        print(table(rows, ("file", "questions", "mentions", "relations")))
        print(f"{len(ok)} file(s) ingested, {sum(r.questions for r in ok)} questions, "
              f"{sum(r.relations for r in ok)} relations")
    for r in reports:
        if r.error is not None:
            fail(f"{r.path}: {r.error}")
    return 0 if len(ok) == len(reports) else 1
