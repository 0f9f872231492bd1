"""The ingested sources: file name, title, checksum and number of questions, cached per store revision.

The number of questions is stored on the source node at ingest (`dlkg:questionCount`), so the
listing reads one value per source instead of counting every question of the store; a source
written before that property existed is counted by a query bound to it.

    >>> from graph import KnowledgeGraph
    >>> from graph.sources import sources
    >>> sources(KnowledgeGraph.open(memory=True))
    []
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from .kg import KnowledgeGraph


def _text(term: object) -> str:
    return term.value if isinstance(term, (ox.Literal, ox.NamedNode)) else ""


def _int(term: object) -> int | None:
    try:
        return int(_text(term))
    except ValueError:
        return None


def sources(kg: KnowledgeGraph) -> list[dict[str, object]]:
    """Every source in file-name order: iri, file, title, sha256, questions (cached per revision)."""
    def build() -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for r in kg.select("sources"):
            iri = _text(r["source"])
            count = _int(r.get("questions"))
            if count is None:  # a store written before dlkg:questionCount: count this one source
                rows = kg.select("source_question_count", source=ox.NamedNode(iri))
                count = (_int(rows[0].get("questions")) or 0) if rows else 0
            out.append({"iri": iri, "file": _text(r["fileName"]), "title": _text(r.get("title")),
                        "sha256": _text(r.get("sha256")), "questions": count})
        return out
    return kg._cached("sources", build)  # type: ignore[no-any-return]
