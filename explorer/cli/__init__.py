"""The `dlkg` command: a thin argparse shell over graph/ and ingest/.

Each module `explorer/cli/cmd_*.py` adds one or more subcommands through `register(sub)`;
its handler takes `(args, kg)` and returns an exit status. Exceptions become one-line
messages and exit codes here, and only here. Streamlit, pandas and pyvis are never
imported on this path (cold start matters).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from graph import KnowledgeGraph, StoreError, UnknownConcept

from .output import fail


class BadInput(Exception):
    """Bad input from the user: printed as one line, exit status 1."""


def _command_named(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` runs (after the global options), or None (help, or no command)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--store", "--endpoint"):
            i += 2
        elif arg.startswith(("--store=", "--endpoint=")):
            i += 1
        else:
            return None if arg.startswith("-") else arg
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command`, only the module `cmd_<command>` is imported and registered
    (cold start: the other commands' imports are not paid), falling back to every module."""
    parser = argparse.ArgumentParser(prog="dlkg", description="Deep-learning interview knowledge graph.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--store", metavar="DIR", help="embedded Oxigraph store directory (default: $DLKG_STORE "
                       "or the per-user data directory)")
    where.add_argument("--endpoint", metavar="URL", help="a SPARQL 1.1 query+update endpoint "
                       "(e.g. http://127.0.0.1:7878 for `oxigraph serve --union-default-graph`)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("cmd_"))
    if command is not None and f"cmd_{command}" in names:
        importlib.import_module(f"{__name__}.cmd_{command}").register(sub)
        if command in sub.choices:
            return parser
        return build_parser()
    for name in names:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def open_graph(args: argparse.Namespace) -> KnowledgeGraph:
    """The knowledge graph the global options name; the default store gets the sample notes once."""
    endpoint = args.endpoint or os.environ.get("DLKG_ENDPOINT")
    kg = KnowledgeGraph.open(store=args.store, endpoint=endpoint)
    if not args.store and not endpoint and not os.environ.get("DLKG_STORE"):
        from ..samples import ensure_samples

        ensure_samples(kg)
    return kg


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_named(argv))
    args = parser.parse_args(argv)
    if getattr(args, "no_store", False):
        return int(args.func(args, None))
    try:
        kg = open_graph(args)
    except StoreError as exc:
        return fail(str(exc))
    try:
        return int(args.func(args, kg))
    except (BadInput, UnknownConcept, StoreError, ValueError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    finally:
        kg.close()


if __name__ == "__main__":
    sys.exit(main())
