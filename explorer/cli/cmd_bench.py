"""dlkg bench [--size 10k|100k|1M|10M]: benchmark figures beside their baselines (see docs/benchmarks.md)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

SECTIONS = ("load", "query", "search", "export", "ingest", "app", "cli", "http")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bench", help="benchmarks against raw pyoxigraph and rdflib on a synthetic graph "
                       "(needs a source checkout: benchmarks/)")
    p.add_argument("--size", default="10k", help="10k, 100k, 1M, 10M or a number of triples (default 10k)")
    p.add_argument("--repeat", type=int, default=20, help="runs per measurement; medians are printed")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION",
                   help=f"run only these sections ({', '.join(SECTIONS)}); default: all but http")
    p.add_argument("--queries", nargs="+", metavar="NAME", help="only these named queries (default: all)")
    p.add_argument("--http", action="store_true", help="also run the queries over `oxigraph serve`")
    p.add_argument("--workdir", type=Path, help="where generated graphs are kept (default: $TMPDIR/dlkg-bench)")
    p.add_argument("--rdflib-max", type=int, default=100_000,
                   help="largest size at which rdflib's default store is measured (default 100k)")
    p.set_defaults(func=run, no_store=True)


def _runner():  # type: ignore[no-untyped-def]
    """benchmarks.run from the source checkout beside this package (not part of the wheel)."""
    root = Path(__file__).resolve().parents[2]
    if (root / "benchmarks" / "run.py").exists() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        return importlib.import_module("benchmarks.run")
    except ImportError as exc:
        raise ValueError(f"dlkg bench needs a source checkout with benchmarks/ ({exc})") from exc


def run(args: argparse.Namespace, kg: object) -> int:
    sections = list(args.only or [s for s in SECTIONS if s != "http"])
    if args.http and "http" not in sections:
        sections.append("http")
    lines = _runner().run(args.size, repeat=args.repeat, seed=args.seed, sections=sections,
                          workdir=args.workdir, rdflib_max=args.rdflib_max,
                          out=lambda s: print(s, flush=True), query_names=args.queries)
    return 0 if lines else 1
