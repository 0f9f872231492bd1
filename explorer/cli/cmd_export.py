"""dlkg export: the whole store as Turtle, N-Quads, JSON-LD, GraphML or CSV node and edge lists."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph import KnowledgeGraph
from graph.export import FORMATS, export, write_csv

from . import BadInput


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="export the store (csv: -o DIR writes nodes.csv and edges.csv)")
    p.add_argument("--format", "-f", choices=sorted(FORMATS), default="turtle")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write here instead of standard output (csv: a directory for nodes.csv and edges.csv; "
                        "without it the edge list goes to standard output)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    try:
        if args.format == "csv" and args.output:
            nodes, edges = write_csv(kg, args.output)
            print(f"wrote {nodes} and {edges}", file=sys.stderr)
            return 0
        data = export(kg, args.format)
        if args.output:
            Path(args.output).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except OSError as exc:
        raise BadInput(f"{args.output}: cannot write ({exc.strerror or exc})") from exc
    return 0
