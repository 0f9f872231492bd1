"""How text is folded before labels are compared: one rule for ingest, search and the CLI."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


def to_simplified(text: str) -> str:
    """Traditional / Taiwanese Chinese to simplified (other scripts untouched)."""
    return _t2s().convert(text)


def clean(text: str) -> str:
    """NFKC, without zero-width and bidi control characters (case and spaces kept)."""
    return unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))


def fold(text: str) -> str:
    """The comparison key of a label: clean, simplified, case-folded, no white space."""
    return "".join(to_simplified(clean(text)).casefold().split())
