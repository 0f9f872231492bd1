"""dlkg coverage PATH...: share of questions that link to a concept, and the top unlinked terms."""

from __future__ import annotations

import argparse
from pathlib import Path

from .output import print_json, table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("coverage", help="how well the concept base covers some notes (no store needed)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--top", type=int, default=30, help="how many unlinked terms to list")
    p.add_argument("--min-share", type=float, default=0.0,
                   help="exit 1 when the linked share of questions is below this (0-1)")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table")
    p.set_defaults(func=run, no_store=True)


def run(args: argparse.Namespace, kg: object) -> int:
    from ingest.coverage import frequent_unlinked, measure  # here: keeps the ingest off other commands' start

    cov = measure([Path(p) for p in args.paths])
    top = frequent_unlinked(cov, args.top)
    if args.format == "json":
        print_json({"questions": sum(f.questions for f in cov.files), "linked_share": cov.share(),
                    "linked_share_with_answers": cov.share(any_text=True),
                    "files": [vars(f) for f in cov.files], "unlinked_terms": top})
    else:
        rows = [(Path(f.path).name, f.questions, f.linked,
                 f"{f.linked / f.questions:.1%}" if f.questions else "-", f.error or "") for f in cov.files]
        print(table(rows, ("file", "questions", "linked", "share", "error")))
        total = sum(f.questions for f in cov.files)
        print(f"\n{total} questions; {cov.share():.1%} name a concept in the question, "
              f"{cov.share(any_text=True):.1%} in the question or its answer")
        if top:
            print("\nmost frequent terms in unlinked questions:")
            print(table([(t, n) for t, n in top], ("term", "questions")))
    return 0 if cov.share() >= args.min_share else 1
