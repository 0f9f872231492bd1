"""dlkg related CONCEPT --relation R --direction in|out."""

from __future__ import annotations

import argparse

from graph import KnowledgeGraph
from graph.kg import RELATIONS

from .output import print_json, table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("related", help="concepts linked to CONCEPT by one relation")
    p.add_argument("concept")
    p.add_argument("--relation", "-r", choices=RELATIONS, default="mitigates")
    p.add_argument("--direction", "-d", choices=("in", "out"), default="out",
                   help="out: CONCEPT → other (what X mitigates); in: other → CONCEPT (what mitigates X)")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    concept = kg.resolve(args.concept)
    answers = kg.related(concept, args.relation, args.direction)
    if args.format == "json":
        print_json({"concept": concept.as_dict(), "relation": args.relation, "direction": args.direction,
                    "results": [a.as_dict() for a in answers]})
        return 0
    rows = [(a.concept.label, a.concept.label_en, "curated" if a.curated else "", a.sources, a.quote or "")
            for a in answers]
    print(table(rows, ("concept", "english", "curated", "sources", "evidence")))
    return 0
