"""dlkg sparql QUERY-OR-FILE: read-only SPARQL over the union of all graphs, time- and row-limited."""

from __future__ import annotations

import argparse
from pathlib import Path

from graph import KnowledgeGraph
from graph.console import DEFAULT_LIMIT, DEFAULT_TIMEOUT, QueryRefused, run_query

from . import BadInput
from .output import print_csv, print_json, table


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("sparql", help="run a read-only SPARQL query (prefixes dlkg, skos, rdf, rdfs, owl, "
                       "prov, dcterms, xsd are predeclared)")
    p.add_argument("query", help="the query text, or a file holding it")
    p.add_argument("--format", "-f", choices=("table", "csv", "json"), default="table")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                   help=f"row limit (default {DEFAULT_LIMIT}; 0 for none)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"time limit in seconds (default {DEFAULT_TIMEOUT:g}; 0 for none)")
    p.set_defaults(func=run)


def _value(term: object) -> str:
    return "" if term is None else getattr(term, "value", str(term))


def read_query(text: str) -> str:
    """The query itself, or the text of the file it names."""
    if not any(ch in text for ch in "{}") and Path(text).is_file():
        try:
            return Path(text).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"{text}: cannot read query file ({exc})") from exc
    return text


def run(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    if args.limit < 0 or args.timeout < 0:
        raise BadInput("--limit and --timeout cannot be negative")
    text = read_query(args.query)
    try:
        result = run_query(kg.backend, text, limit=args.limit or None, timeout=args.timeout or None)
    except QueryRefused as exc:
        raise BadInput(str(exc)) from exc
    if result.kind == "ask":
        print_json({"boolean": result.boolean}) if args.format == "json" else print(str(result.boolean).lower())
        return 0
    rows = [[_value(v) for v in row] for row in result.rows]
    if args.format == "json":
        print_json({"columns": result.columns, "rows": [dict(zip(result.columns, r, strict=True)) for r in rows],
                    "truncated": result.truncated})
    elif args.format == "csv":
        print_csv(rows, result.columns)
    else:
        print(table(rows, result.columns))
        if result.truncated:
            print(f"(first {args.limit} rows; raise --limit for more)")
    return 0
