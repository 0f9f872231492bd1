"""Named SPARQL queries, one `.rq` file each; parameters are bound, never formatted in.

Two kinds:

- `queries/*.rq`: the queries behind a click or an answer. Each is bound to one concept, edge,
  source or question, so it reads a few index entries whatever the size of the store.
- `queries/bulk/*.rq`: whole-graph reads (every label, every edge, every source, ...). They feed
  an index or cache kept per store revision, an export, validation or evaluation; no click waits on
  one of them except the first after a write.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    """The text of the named query `<name>.rq` (interactive or bulk)."""
    root = resources.files(__name__)
    for path in (root.joinpath(f"{name}.rq"), root.joinpath("bulk", f"{name}.rq")):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise KeyError(f"no named query '{name}'")


def names() -> list[str]:
    """The interactive named queries (bound to one concept, edge, source or question)."""
    return sorted(p.name[:-3] for p in resources.files(__name__).iterdir() if p.name.endswith(".rq"))


def bulk_names() -> list[str]:
    """The whole-graph reads behind indexes, caches, exports and evaluation."""
    bulk = resources.files(__name__).joinpath("bulk")
    return sorted(p.name[:-3] for p in bulk.iterdir() if p.name.endswith(".rq"))
