"""dlkg evaluate GOLD.json --docs DIR: ingest DIR into a fresh in-memory store and score it
against a gold file (question counts, must / must-not, relation recall, duplicate pairs).

Exit status 0 when every floor holds, 1 otherwise (or on bad input)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from graph import KnowledgeGraph

from .output import fail


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("evaluate", help="score ingest against a gold file (in a fresh in-memory store)")
    p.add_argument("gold", metavar="GOLD.json")
    p.add_argument("--docs", required=True, metavar="DIR", help="the documents the gold file describes")
    p.add_argument("--min-recall", type=float, default=0.85, help="relation recall floor (default 0.85)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run, no_store=True)


def observe(kg: KnowledgeGraph) -> object:
    """What the store holds, as ingest.evaluate.Observed."""
    from ingest.evaluate import Observed

    obs = Observed()
    rows = kg.select("question_texts")  # question rows (with ?source) and file-name rows (?source ?fileName)
    files = {row["source"]: row["fileName"].value for row in rows if "question" not in row}
    for row in rows:
        name = files.get(row.get("source")) if "question" in row else None  # type: ignore[arg-type]
        if name is not None:
            obs.questions.setdefault(name, []).append((row["question"].value, row["text"].value))
    for row in kg.select("source_assertions"):
        triple = (row["s"].value, row["p"].value, row["o"].value)
        obs.relations.setdefault(row["fileName"].value, set()).add(triple)
    for row in kg.select("duplicate_links"):
        obs.duplicate_of[row["question"].value] = row["canonical"].value
    return obs


def run(args: argparse.Namespace, _kg: KnowledgeGraph | None) -> int:
    from ingest.evaluate import load_gold, render, score

    from ..workflows import ingest_files

    try:
        gold = load_gold(args.gold)
    except ValueError as exc:
        return fail(str(exc))
    if not Path(args.docs).is_dir():
        return fail(f"{args.docs}: not a folder")
    kg = KnowledgeGraph.open(memory=True)
    try:
        reports = ingest_files(kg, [args.docs])
        for r in reports:
            if r.error is not None:
                fail(f"{r.path}: {r.error}")
        result = score(gold, observe(kg), args.min_recall)  # type: ignore[arg-type]
    finally:
        kg.close()
    if args.format == "json":
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(result))
    return 0 if result.ok else 1
