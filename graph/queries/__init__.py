"""Named SPARQL queries, one `.rq` file each; parameters are bound, never formatted in."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    """The text of the named query `<name>.rq`."""
    return resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


def names() -> list[str]:
    """Every named query shipped with dlkg."""
    return sorted(p.name[:-3] for p in resources.files(__name__).iterdir() if p.name.endswith(".rq"))
