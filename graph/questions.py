"""Every question in the graph, grouped into duplicate clusters (one canonical question each).

    >>> from graph import KnowledgeGraph
    >>> from graph.questions import question_clusters
    >>> question_clusters(KnowledgeGraph.open(memory=True))
    []
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from .kg import KnowledgeGraph


@dataclass
class QuestionRow:
    iri: str
    text: str
    answer: str
    file: str
    source: str
    concepts: list[str] = field(default_factory=list)
    duplicate_of: str | None = None


@dataclass
class Cluster:
    """A canonical question and the duplicates that ask the same thing (possibly in other files)."""

    canonical: QuestionRow
    members: list[QuestionRow] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return sorted({q.file for q in [self.canonical, *self.members] if q.file})

    @property
    def sources(self) -> list[str]:
        return sorted({q.source for q in [self.canonical, *self.members] if q.source})

    @property
    def concepts(self) -> list[str]:
        seen: dict[str, None] = {}
        for q in [self.canonical, *self.members]:
            seen.update(dict.fromkeys(q.concepts))
        return list(seen)


def _text(term: object) -> str:
    return term.value if isinstance(term, (ox.Literal, ox.NamedNode)) else ""


def all_questions(kg: KnowledgeGraph) -> list[QuestionRow]:
    """Every question, in file and position order."""
    rows: dict[str, QuestionRow] = {}
    for r in kg.select("questions_all"):
        iri = _text(r["question"])
        q = rows.get(iri)
        if q is None:
            q = rows[iri] = QuestionRow(iri, _text(r["text"]), _text(r.get("answer")), _text(r.get("fileName")),
                                        _text(r.get("source")))
        concept = _text(r.get("concept"))
        if concept and concept not in q.concepts:
            q.concepts.append(concept)
        dup = _text(r.get("duplicateOf"))
        if dup and dup != iri:
            q.duplicate_of = dup
    return list(rows.values())


def question_clusters(kg: KnowledgeGraph) -> list[Cluster]:
    """Questions grouped by `dlkg:duplicateOf` (followed to its end), canonical first."""
    questions = all_questions(kg)
    by_iri = {q.iri: q for q in questions}

    def head(q: QuestionRow) -> QuestionRow:
        seen = {q.iri}
        while q.duplicate_of and q.duplicate_of in by_iri and q.duplicate_of not in seen:
            q = by_iri[q.duplicate_of]
            seen.add(q.iri)
        return q

    clusters: dict[str, Cluster] = {}
    for q in questions:
        h = head(q)
        cluster = clusters.setdefault(h.iri, Cluster(h))
        if q is not h:
            cluster.members.append(q)
    return list(clusters.values())


def most_asked(clusters: list[Cluster], limit: int = 20) -> list[tuple[str, int]]:
    """Concept IRIs by how many distinct questions (clusters) ask about them."""
    counts: Counter[str] = Counter()
    for c in clusters:
        counts.update(set(c.concepts))
    return counts.most_common(limit)
