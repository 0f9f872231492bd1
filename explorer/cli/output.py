"""Printing answers: aligned tables (CJK-width aware), JSON and CSV."""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any


def fail(message: str, status: int = 1) -> int:
    """Print a one-line error on stderr and return the exit status."""
    line = " ".join(str(message).split())
    print(f"dlkg: error: {line}", file=sys.stderr)
    return status


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any, limit: int = 60) -> str:
    text = " ".join(str(value if value is not None else "").split())
    return text if _width(text) <= limit else text[: limit - 1] + "…"


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    cells = [[_cell(h) for h in header]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_csv(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> None:
    w = csv.writer(sys.stdout)
    w.writerow(header)
    w.writerows(rows)
