"""dlkg validate: SHACL shapes over the whole store and no cycle in requires / partOf."""

from __future__ import annotations

import argparse

from graph import KnowledgeGraph

from . import BadInput
from .output import fail, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("validate", help="check the store against the SHACL shapes; exit 1 on any violation")
    p.add_argument("--shapes", metavar="FILE", help="a SHACL shapes file (default: the shipped ontology/shapes.ttl)")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    try:
        from graph.validate import validate  # here: networkx stays off other commands' start

        report = validate(kg, args.shapes)
    except (OSError, SyntaxError) as exc:
        raise BadInput(str(exc)) from exc
    if args.format == "json":
        print_json(report.as_dict())
    else:
        for line in report.lines():
            print(line)
        cycles = sum(len(c) for c in report.cycles.values())
        print(f"{report.triples} triples checked: {len(report.errors)} violation(s), "
              f"{len(report.violations) - len(report.errors)} warning(s), {cycles} cycle(s)")
    if report.ok:
        return 0
    return fail(f"{len(report.errors)} SHACL violation(s) and "
                f"{sum(len(c) for c in report.cycles.values())} cycle(s)")
