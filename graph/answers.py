"""Relation answers with their evidence: direct edges and what transitivity and inverses infer.

    >>> from graph import KnowledgeGraph
    >>> from graph.answers import related
    >>> kg = KnowledgeGraph.open(memory=True)
    >>> [(a.concept.label, a.inferred) for a in related(kg, kg.resolve("LSTM"), "requires")][:2]

Direct answers carry their evidence (curated, or quote, question and file) and the number of
sources that state them; inferred answers (through `partOf` / `requires` transitivity) carry
the chain of direct edges that implies them. Rejected edges never appear: every edge comes
from the `relation_edges` query, which honours review decisions.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import pyoxigraph as ox

from ontology import NS, RELATIONS, TRANSITIVE

from .kg import Concept, Edge, KnowledgeGraph, _int, _text
from .store import Row

INVERSES = {"mitigatedBy": "mitigates", "causedBy": "causes", "hasPart": "partOf",
            "hasVariant": "variantOf", "requiredBy": "requires"}
DIRECTIONS = ("out", "in", "both")


@dataclass
class Evidence:
    """One reason an edge is in the graph."""

    method: str
    confidence: float | None = None
    quote: str = ""
    question: str = ""
    file: str = ""

    @property
    def curated(self) -> bool:
        return self.method == "curated"

    def as_dict(self) -> dict[str, object]:
        return {"method": self.method, "confidence": self.confidence, "quote": self.quote,
                "question": self.question, "file": self.file}


@dataclass
class Hop:
    """One direct edge of an inference chain, as asserted (source → target)."""

    source: Concept
    relation: str
    target: Concept
    curated: bool
    sources: int

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source.as_dict(), "relation": self.relation, "target": self.target.as_dict(),
                "curated": self.curated, "sources": self.sources}


@dataclass
class Answer:
    """One related concept: the relation as asked, whether it is inferred, and why it holds."""

    concept: Concept
    relation: str
    direction: str
    inferred: bool = False
    curated: bool = False
    sources: int = 0
    evidence: list[Evidence] = field(default_factory=list)
    chain: list[Hop] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"concept": self.concept.as_dict(), "relation": self.relation, "direction": self.direction,
                "inferred": self.inferred, "curated": self.curated, "sources": self.sources,
                "evidence": [e.as_dict() for e in self.evidence], "chain": [h.as_dict() for h in self.chain]}

    def chain_text(self) -> str:
        """The chain as `A → B → C` (zh labels), empty for direct answers."""
        if not self.chain:
            return ""
        return " → ".join([self.chain[0].source.label, *(h.target.label for h in self.chain)])


def normalize_relation(relation: str, direction: str = "out") -> tuple[str, str]:
    """(base relation, direction): an inverse name such as `hasPart` flips the direction."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}")
    if relation in RELATIONS:
        return relation, direction
    if relation in INVERSES:
        flipped = {"out": "in", "in": "out", "both": "both"}[direction]
        return INVERSES[relation], flipped
    names = ", ".join([*RELATIONS, *INVERSES])
    raise ValueError(f"unknown relation '{relation}' (one of {names})")


def _float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


_EvidenceRow = tuple[str, "float | None", str, str, str]


def _evidence_memo(kg: KnowledgeGraph) -> dict[tuple[str, str, str], list[_EvidenceRow]]:
    """Evidence already read, per edge (cached per store revision: a write clears it)."""
    return kg._cached("answers.evidence", dict)  # type: ignore[no-any-return]


def evidence(kg: KnowledgeGraph, source: str, relation: str, target: str,
             memo: dict[tuple[str, str, str], list[_EvidenceRow]] | None = None) -> list[Evidence]:
    """Every assertion behind one edge, most confident first (one query per edge and store revision)."""
    if memo is None:
        memo = _evidence_memo(kg)
    key = (source, relation, target)
    rows = memo.get(key)
    if rows is None:
        out = [Evidence(row["method"], _float(row["confidence"]), row["quote"], row["questionText"],
                        row["fileName"]) for row in kg.evidence(source, relation, target)]
        rows = memo[key] = _ordered(out)
    return [Evidence(*row) for row in rows]  # fresh objects: callers may change theirs


def _ordered(found: list[Evidence]) -> list[_EvidenceRow]:
    found.sort(key=lambda e: (not e.curated, -(e.confidence or 0.0), e.file, e.quote, e.question, e.method))
    return [(e.method, e.confidence, e.quote, e.question, e.file) for e in found]


def _touching(kg: KnowledgeGraph, iri: str) -> list[Edge]:
    """Edges with `iri` at either end: from the whole-graph cache when it is warm, else one bound query."""
    cache = getattr(kg, "_cache", {})
    if "edges" in cache and getattr(kg, "_cache_rev", None) == kg.revision():
        return [e for e in kg.edges() if iri in (e.source, e.target)]
    return kg._touching(iri)


def _direct(kg: KnowledgeGraph, iri: str, relation: str, direction: str,
            memo: dict[tuple[str, str, str], list[_EvidenceRow]] | None) -> list[Edge] | None:
    """Edges of one relation at `iri` in one direction, from one bound query (cached per revision).

    With a `memo`, the query also reads every edge's evidence into it (`related_evidence_in`/
    `_out`), so no per-edge evidence query follows; without, `related_in`/`related_out`.
    None when every edge is already at hand (the whole-graph cache is warm).
    """
    if "edges" in getattr(kg, "_cache", {}) and getattr(kg, "_cache_rev", None) == kg.revision():
        return None
    bound = {"concept": ox.NamedNode(iri), "relation": ox.NamedNode(NS + relation)}

    def ends(other: str) -> tuple[str, str]:
        return (iri, other) if direction == "out" else (other, iri)

    def plain() -> list[Edge]:
        edges: list[Edge] = []
        for r in kg.select(f"related_{direction}", **bound):
            source, target = ends(_text(r["other"]))
            edges.append(Edge(source, relation, target, _int(r.get("sources")), _int(r.get("curated")) == 1))
        return edges

    def with_evidence() -> list[Edge]:
        assert memo is not None
        by_other: dict[str, list[Row]] = {}
        for r in kg.select(f"related_evidence_{direction}", **bound):
            by_other.setdefault(_text(r["other"]), []).append(r)
        edges: list[Edge] = []
        for other, rows in by_other.items():
            srcs = {str(r["src"]) for r in rows if "src" in r}
            curated = any(_text(r.get("method")) == "curated" for r in rows if "a" in r)
            source, target = ends(other)
            edges.append(Edge(source, relation, target, len(srcs), curated))
            per_assertion: dict[str, list[Row]] = {}
            for r in rows:
                if "a" in r:
                    per_assertion.setdefault(str(r["a"]), []).append(r)
            found: list[Evidence] = []
            for group in per_assertion.values():  # ?src multiplies the rows: keep one source's
                first = min((str(r["src"]) for r in group if "src" in r), default=None)
                found.extend(
                    Evidence(_text(r.get("method")), _float(_text(r.get("confidence"))), _text(r.get("quote")),
                             _text(r.get("questionText")), _text(r.get("fileName")))
                    for r in group if (str(r["src"]) if "src" in r else None) == first)
            memo[(source, relation, target)] = _ordered(found)
        return edges

    if memo is None:
        return kg._cached(f"direct {direction} {relation} {iri}", plain)  # type: ignore[no-any-return]
    return kg._cached(f"direct+evidence {direction} {relation} {iri}", with_evidence)  # type: ignore[no-any-return]


class _Adjacency:
    """Edges of one relation leaving each node in one direction, fetched as the walk reaches it."""

    def __init__(self, kg: KnowledgeGraph, relation: str, direction: str):
        self.kg, self.relation, self.direction = kg, relation, direction
        self.seen: dict[str, list[Edge]] = {}

    def get(self, iri: str) -> list[Edge]:
        if iri not in self.seen:
            key = (lambda e: e.source) if self.direction == "out" else (lambda e: e.target)
            self.seen[iri] = [e for e in _touching(self.kg, iri) if e.relation == self.relation and key(e) == iri]
        return self.seen[iri]


def _one_way(kg: KnowledgeGraph, concept: Concept, relation: str, direction: str, inferred: bool,
             with_evidence: bool) -> list[Answer]:
    adj = _Adjacency(kg, relation, direction)
    memo = _evidence_memo(kg) if with_evidence else None
    if not inferred or relation not in TRANSITIVE:  # one hop: the bound query of this relation only
        one_hop = _direct(kg, concept.iri, relation, direction, memo)
        if one_hop is not None:
            adj.seen[concept.iri] = one_hop
    far = (lambda e: e.target) if direction == "out" else (lambda e: e.source)
    answers: list[Answer] = []
    for e in adj.get(concept.iri):
        if far(e) == concept.iri:
            continue
        ev = evidence(kg, e.source, relation, e.target, memo) if with_evidence else []
        answers.append(Answer(kg.concept(far(e)), relation, direction, False, e.curated, e.sources, ev))
    answers.sort(key=lambda a: (not a.curated, -a.sources, a.concept.label_en.casefold()))
    if not inferred or relation not in TRANSITIVE:
        return answers
    # breadth-first over direct edges: the shortest chain to every concept reachable in 2+ hops
    parent: dict[str, Edge | None] = {concept.iri: None}
    queue = deque([concept.iri])
    while queue:
        node = queue.popleft()
        for e in sorted(adj.get(node), key=lambda e: (not e.curated, -e.sources, far(e))):
            nxt = far(e)
            if nxt not in parent:
                parent[nxt] = e
                queue.append(nxt)
    direct = {a.concept.iri for a in answers}
    extra: list[Answer] = []
    for iri, via in parent.items():
        if via is None or iri in direct or iri == concept.iri:
            continue
        path: list[Edge] = []
        node = iri
        while (step := parent[node]) is not None:
            path.append(step)
            node = step.source if direction == "out" else step.target
        if direction == "out":
            path.reverse()  # concept → ... → iri, in asserted order
        hops = [Hop(kg.concept(h.source), relation, kg.concept(h.target), h.curated, h.sources) for h in path]
        extra.append(Answer(kg.concept(iri), relation, direction, True, all(h.curated for h in path),
                            min(h.sources for h in path), [], hops))
    extra.sort(key=lambda a: (len(a.chain), a.concept.label_en.casefold()))
    return answers + extra


def related(kg: KnowledgeGraph, concept: Concept, relation: str, direction: str = "out",
            inferred: bool = True, with_evidence: bool = True) -> list[Answer]:
    """Concepts linked to `concept` by `relation` (or an inverse name such as `hasPart`).

    `out`: concept → other (what X mitigates; what X requires); `in`: other → concept (what
    mitigates X); `both`: out, then in. For `partOf` and `requires` the transitive closure
    is added (`inferred=True`), each inferred answer with its chain of direct edges.
    """
    relation, direction = normalize_relation(relation, direction)
    ways = ("out", "in") if direction == "both" else (direction,)
    out: list[Answer] = []
    for way in ways:
        out.extend(_one_way(kg, concept, relation, way, inferred, with_evidence))
    return out


def neighbours(kg: KnowledgeGraph, concept: Concept) -> dict[tuple[str, str], set[str]]:
    """(relation, direction) → IRIs of directly linked concepts (for comparisons)."""
    out: dict[tuple[str, str], set[str]] = {}
    for e in _touching(kg, concept.iri):
        if e.source == concept.iri:
            out.setdefault((e.relation, "out"), set()).add(e.target)
        if e.target == concept.iri:
            out.setdefault((e.relation, "in"), set()).add(e.source)
    return out
