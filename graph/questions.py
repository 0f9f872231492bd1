"""Questions grouped into duplicate clusters (one canonical question each).

`question_clusters` reads every question of the store (CLI, export, tests). The app browses with
bound queries instead: `browse_sources` pages through the questions of some (or all) files in
file-name order, `browse_list` through an ordered list such as the questions about a concept;
either looks up the duplicate cluster of a question only when it has one.

    >>> from graph import KnowledgeGraph
    >>> from graph.questions import question_clusters
    >>> question_clusters(KnowledgeGraph.open(memory=True))
    []
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from .kg import KnowledgeGraph
    from .store import Row


@dataclass
class QuestionRow:
    iri: str
    text: str
    answer: str
    file: str
    source: str
    concepts: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    position: int | None = None
    clustered: bool = False  # has a duplicate link, or another question points to it

    @property
    def order(self) -> tuple[str, int, str]:
        """File, position, IRI: the order questions are listed in."""
        return self.file, self.position if self.position is not None else -1, self.iri


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


# ---------------------------------------------------------------------------- bound reads (the app)
def _int(term: object) -> int | None:
    try:
        return int(_text(term))
    except ValueError:
        return None


def _rows(rows: Iterable[Row], concept_key: str) -> list[QuestionRow]:
    """Question rows of source_questions / concept_questions, one per question, in result order."""
    out: dict[str, QuestionRow] = {}
    for r in rows:
        iri = _text(r["question"])
        q = out.get(iri)
        if q is None:
            q = out[iri] = QuestionRow(iri, _text(r.get("text")), _text(r.get("answer")), _text(r.get("fileName")),
                                       _text(r.get("source")), position=_int(r.get("position")))
        concept = _text(r.get(concept_key))
        if concept and concept not in q.concepts:
            q.concepts.append(concept)
        dup = _text(r.get("duplicateOf"))
        if dup and dup != iri:
            q.duplicate_of = dup
        if dup or _text(r.get("canonical")) == "true":
            q.clustered = True
    return list(out.values())


def source_questions(kg: KnowledgeGraph, source: str) -> list[QuestionRow]:
    """The questions of one source in order (one bound query, cached per store revision)."""
    def build() -> list[QuestionRow]:
        rows = _rows(kg.select("source_questions", source=ox.NamedNode(source)), "concept")
        for q in rows:
            q.source = source
        return rows
    return kg._cached("source_questions " + source, build)  # type: ignore[no-any-return]


def concept_questions(kg: KnowledgeGraph, concept: str) -> list[QuestionRow]:
    """The questions that ask about one concept, in file and position order (cached per revision)."""
    def build() -> list[QuestionRow]:
        return _rows(kg.select("concept_questions", concept=ox.NamedNode(concept)), "asks")
    return kg._cached("concept_questions " + concept, build)  # type: ignore[no-any-return]


def category_concepts(kg: KnowledgeGraph, category: str) -> list[str]:
    """The concepts filed under one category (skos:broader; a bulk read, cached per labels revision:
    ingested notes never file concepts)."""
    def build() -> list[str]:
        return [_text(r["concept"]) for r in kg.select("category_concepts", category=ox.NamedNode(category))]
    return kg._cached("category_concepts " + category, build, labels=True)  # type: ignore[no-any-return]


def categories(kg: KnowledgeGraph) -> list[str]:
    """Every category IRI (cached per store revision)."""
    def build() -> list[str]:
        return sorted(_text(r["category"]) for r in kg.select("categories"))
    return kg._cached("categories", build)  # type: ignore[no-any-return]


def cluster_of(kg: KnowledgeGraph, q: QuestionRow) -> Cluster:
    """The duplicate cluster of one question (a bound query only when it has one)."""
    if not q.clustered:
        return Cluster(q)
    members: dict[str, QuestionRow] = {}
    for r in kg.select("question_cluster", question=ox.NamedNode(q.iri)):
        iri = _text(r["member"])
        m = members.get(iri)
        if m is None:
            m = members[iri] = QuestionRow(iri, _text(r.get("text")), _text(r.get("answer")), _text(r.get("fileName")),
                                           _text(r.get("source")), position=_int(r.get("position")), clustered=True)
        dup = _text(r.get("duplicateOf"))
        if dup and dup != iri:
            m.duplicate_of = dup
    members.setdefault(q.iri, q)
    head = members[q.iri]
    seen = {head.iri}
    while head.duplicate_of in members and head.duplicate_of not in seen:
        head = members[head.duplicate_of]
        seen.add(head.iri)
    if q.iri in members and members[q.iri] is not q:  # keep the caller's row (it knows the concepts)
        members[q.iri].concepts = q.concepts
    rest = sorted((m for m in members.values() if m.iri != head.iri), key=lambda m: m.order)
    return Cluster(head, rest)


@dataclass
class Page:
    """One page of clusters, the number of questions it was drawn from, and whether more follow."""

    clusters: list[Cluster]
    questions: list[QuestionRow]  # the questions of the selection read for this page
    total: int  # questions in the selection (before merging duplicates)
    more: bool


def _merged(kg: KnowledgeGraph, window: Sequence[QuestionRow],
            key: Callable[[QuestionRow], tuple[object, ...] | None]) -> list[Cluster]:
    """The clusters of the questions in `window`, each shown once: at its first member in the selection."""
    out: list[Cluster] = []
    for q in window:
        c = cluster_of(kg, q)
        mine = key(q)
        earlier = [k for m in [c.canonical, *c.members] if m.iri != q.iri and (k := key(m)) is not None]
        if mine is not None and any(k < mine for k in earlier):  # type: ignore[operator]
            continue
        out.append(c)
    return out


def _matches(q: QuestionRow, needle: str) -> bool:
    return not needle or needle in q.text.casefold()


def browse_list(kg: KnowledgeGraph, questions: Sequence[QuestionRow], page: int, size: int = 50,
                needle: str = "") -> Page:
    """Page `page` (0-based, `size` questions) of an ordered list, duplicates merged, text filtered."""
    chosen = [q for q in questions if _matches(q, needle)]
    index = {q.iri: i for i, q in enumerate(chosen)}
    window = chosen[page * size:(page + 1) * size]
    clusters = _merged(kg, window, lambda m: (index[m.iri],) if m.iri in index else None)
    return Page(clusters, chosen, len(chosen), (page + 1) * size < len(chosen))


def browse_sources(kg: KnowledgeGraph, picked: Sequence[str] | None, page: int, size: int = 50) -> Page:
    """Page `page` of the questions of the picked sources (None: every source) in file-name order.

    Only the sources that overlap the page are read (one bound query each): the stored question
    counts tell where each source starts.
    """
    listing = kg.sources()
    wanted = set(picked) if picked else None
    chosen = [s for s in listing if wanted is None or s["iri"] in wanted]
    total = sum(int(str(s["questions"])) for s in chosen)
    start, end = page * size, (page + 1) * size
    window: list[QuestionRow] = []
    offset = 0
    for s in chosen:
        n = int(str(s["questions"]))
        if offset + n > start and offset < end:
            rows = source_questions(kg, str(s["iri"]))
            window += rows[max(0, start - offset):max(0, end - offset)]
        offset += n
        if offset >= end:
            break
    files = {str(s["iri"]): str(s["file"]) for s in chosen}
    clusters = _merged(kg, window, lambda m: (files[m.source], m.position or 0) if m.source in files else None)
    return Page(clusters, window, total, end < total)


def search_sources(kg: KnowledgeGraph, picked: Sequence[str] | None, needle: str, page: int,
                   size: int = 50) -> Page:
    """Questions whose text contains `needle`: within the picked sources (all of them read), or,
    with none picked, the first matches of one scan of every question text (a bulk read)."""
    if picked:
        order = {str(s["iri"]): str(s["file"]) for s in kg.sources()}
        rows = [q for src in sorted(picked, key=lambda i: order.get(i, i)) for q in source_questions(kg, src)]
        return browse_list(kg, rows, page, size, needle)
    hits = kg.select("questions_matching", needle=ox.Literal(needle.lower()))
    by_source: dict[str, set[str]] = {}
    for r in hits:
        by_source.setdefault(_text(r.get("source")), set()).add(_text(r["question"]))
    rows = [q for src, iris in by_source.items() if src for q in source_questions(kg, src) if q.iri in iris]
    rows.sort(key=lambda q: q.order)
    return browse_list(kg, rows, page, size)


def most_asked_in(questions: Iterable[QuestionRow], limit: int = 20) -> list[tuple[str, int]]:
    """Concept IRIs by how many questions ask about them, a duplicate counted once when its
    canonical question is among `questions`."""
    qs = list(questions)
    present = {q.iri for q in qs}
    counts: Counter[str] = Counter()
    for q in qs:
        if q.duplicate_of and q.duplicate_of in present:
            continue
        counts.update(set(q.concepts))
    return counts.most_common(limit)
