"""dlkg export: the whole store as Turtle, N-Quads, JSON-LD, GraphML or CSV."""

from __future__ import annotations

import argparse
import sys

from graph import KnowledgeGraph
from graph.export import FORMATS, export


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="export the store")
    p.add_argument("--format", "-f", choices=sorted(FORMATS), default="turtle")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    data = export(kg, args.format)
    if args.output:
        with open(args.output, "wb") as fh:
            fh.write(data)
    else:
        sys.stdout.buffer.write(data)
    return 0
