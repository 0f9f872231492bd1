"""Human review of extracted relations: the queue (lowest confidence first) and the decisions.

A decision is a `dlkg:Review` node in the named graph `<https://w3id.org/dlkg/graph/reviews>`:
`rdf:subject`, `rdf:predicate`, `rdf:object` (the triple), `dlkg:decision` ("accept",
"reject" or "retype") and, for a retype, `dlkg:newPredicate`. The node's IRI is derived from
the triple, so deciding again replaces the earlier decision, and since the reviews live outside
every source graph they survive re-ingesting the document. The named queries that answer users
leave rejected (and retyped-away) edges out.

    >>> from graph import KnowledgeGraph
    >>> from graph.review import review_queue
    >>> kg = KnowledgeGraph.open(memory=True)
    >>> review_queue(kg)
    []
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox

import ontology

from .store import Row, quads_to_insert_data, revision_update

if TYPE_CHECKING:
    from .kg import Concept, KnowledgeGraph

NS = ontology.NS
REVIEWS_GRAPH = ox.NamedNode("https://w3id.org/dlkg/graph/reviews")
REVIEW_NS = "https://w3id.org/dlkg/review/"
DECISIONS = ("accept", "reject", "retype")
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = ox.NamedNode(_RDF + "type")
_REVIEW = ox.NamedNode(NS + "Review")
_DECISION = ox.NamedNode(NS + "decision")
_NEW_PREDICATE = ox.NamedNode(NS + "newPredicate")
_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


@dataclass
class ReviewEvidence:
    """One extracted assertion of a reviewed triple."""

    method: str
    confidence: float | None
    quote: str
    question: str
    file: str


@dataclass
class ReviewItem:
    """One extracted relation triple with its evidence and the decision taken on it, if any."""

    subject: Concept
    relation: str
    object: Concept
    confidence: float | None
    curated: bool
    evidence: list[ReviewEvidence] = field(default_factory=list)
    decision: str | None = None
    new_relation: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.subject.iri, self.relation, self.object.iri


def _text(term: object) -> str:
    return term.value if isinstance(term, (ox.Literal, ox.NamedNode)) else ""


def _float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def review_node(subject: str, relation: str, obj: str) -> ox.NamedNode:
    """The IRI of the review of one triple (stable: derived from the triple)."""
    digest = hashlib.sha256(f"{subject}\n{NS + relation}\n{obj}".encode()).hexdigest()[:32]
    return ox.NamedNode(REVIEW_NS + digest)


def _check_relation(relation: str) -> None:
    if relation not in ontology.RELATIONS:
        raise ValueError(f"unknown relation '{relation}' (one of {', '.join(ontology.RELATIONS)})")


def review_queue(kg: KnowledgeGraph, undecided_only: bool = False) -> list[ReviewItem]:
    """Every extracted relation triple with its evidence, lowest confidence first (a whole-graph read)."""
    return _items(kg, kg.select("review_queue"), undecided_only)


def review_items(kg: KnowledgeGraph, source: str | None = None, concept: str | None = None,
                 undecided_only: bool = False) -> list[ReviewItem]:
    """The review queue of one source and/or one concept (subject or object), lowest confidence first.

    One bound query: the assertions of the source, or those touching the concept; with both, the
    source's assertions that touch the concept. The evidence shown is that of the selection.
    """
    if source is None and concept is None:
        raise ValueError("pick a source or a concept (review_queue reads every assertion)")
    if source is not None:
        rows = kg.select("review_items", source=ox.NamedNode(source))
        if concept is not None:
            rows = [r for r in rows if concept in (_text(r["s"]), _text(r["o"]))]
    else:
        rows = kg.select("review_concept", concept=ox.NamedNode(str(concept)))
    return _items(kg, rows, undecided_only)


def _items(kg: KnowledgeGraph, rows: list[Row], undecided_only: bool) -> list[ReviewItem]:
    """Review items from rows of review_queue / review_items / review_concept."""
    items: dict[tuple[str, str, str], ReviewItem] = {}
    seen: set[tuple[tuple[str, str, str], str]] = set()
    curated = {(_text(r["s"]), _text(r["p"])[len(NS):], _text(r["o"])) for r in rows  # rows of a curated triple
               if "c" in r and "assertion" not in r}
    for row in rows:
        if "assertion" not in row:
            continue
        s, p, o = _text(row["s"]), _text(row["p"])[len(NS):], _text(row["o"])
        key = (s, p, o)
        item = items.get(key)
        if item is None:
            new = _text(row.get("newPredicate"))
            item = items[key] = ReviewItem(
                kg.concept(s), p, kg.concept(o), None, _text(row.get("curated")) == "true" or key in curated,
                decision=_text(row.get("decision")) or None,
                new_relation=new[len(NS):] if new.startswith(NS) else None)
        assertion = _text(row.get("assertion")) or str(row.get("assertion"))
        if (key, assertion) in seen:
            continue
        seen.add((key, assertion))
        conf = _float(_text(row.get("confidence")))
        item.evidence.append(ReviewEvidence(_text(row.get("method")), conf, _text(row.get("quote")),
                                            _text(row.get("questionText")), _text(row.get("fileName"))))
        if conf is not None and (item.confidence is None or conf > item.confidence):
            item.confidence = conf
    out = [i for i in items.values() if not (undecided_only and i.decision)]
    for i in out:
        i.evidence.sort(key=lambda e: -(e.confidence or 0.0))
    out.sort(key=lambda i: (i.confidence if i.confidence is not None else -1.0,
                            i.subject.label_en.casefold(), i.relation, i.object.label_en.casefold()))
    return out


def record_review(kg: KnowledgeGraph, subject: str, relation: str, obj: str, decision: str,
                  new_relation: str | None = None) -> None:
    """Store (or replace) the decision on the triple subject-relation-object."""
    _check_relation(relation)
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    if decision == "retype":
        if new_relation is None:
            raise ValueError("a retype needs the new relation type")
        _check_relation(new_relation)
        if new_relation == relation:
            raise ValueError("a retype must change the relation type")
    elif new_relation is not None:
        raise ValueError("only a retype takes a new relation type")
    node = review_node(subject, relation, obj)
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    triples: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (_TYPE, _REVIEW),
        (ox.NamedNode(_RDF + "subject"), ox.NamedNode(subject)),
        (ox.NamedNode(_RDF + "predicate"), ox.NamedNode(NS + relation)),
        (ox.NamedNode(_RDF + "object"), ox.NamedNode(obj)),
        (_DECISION, ox.Literal(decision)),
        (_MODIFIED, ox.Literal(now, datatype=_XSD_DATETIME)),
    ]
    if new_relation:
        triples.append((_NEW_PREDICATE, ox.NamedNode(NS + new_relation)))
    quads = [ox.Quad(node, p, v, REVIEWS_GRAPH) for p, v in triples]
    kg.backend.update(" ;\n".join([_delete(node), quads_to_insert_data(quads), revision_update()]))


def clear_review(kg: KnowledgeGraph, subject: str, relation: str, obj: str) -> None:
    """Forget the decision on one triple (it is back in the queue, and in answers)."""
    _check_relation(relation)
    kg.backend.update(_delete(review_node(subject, relation, obj)) + " ;\n" + revision_update())


def _delete(node: ox.NamedNode) -> str:
    return f"DELETE WHERE {{ GRAPH {REVIEWS_GRAPH} {{ {node} ?p ?o }} }}"


def decisions(kg: KnowledgeGraph) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    """(subject, relation, object) → (decision, new relation or None), newest first."""
    out: dict[tuple[str, str, str], tuple[str, str | None]] = {}
    for row in kg.select("review_decisions"):
        key = (_text(row["s"]), _text(row["p"])[len(NS):], _text(row["o"]))
        new = _text(row.get("newPredicate"))
        out.setdefault(key, (_text(row["decision"]), new[len(NS):] if new.startswith(NS) else None))
    return out


def rejected(kg: KnowledgeGraph) -> set[tuple[str, str, str]]:
    """Triples that must not appear in answers: rejected, or retyped to another relation."""
    return {k for k, (d, _) in decisions(kg).items() if d in ("reject", "retype")}



class ReviewMixin:
    """The review API as `KnowledgeGraph` methods (kg.review_queue(), kg.record_review(...), ...)."""

    def review_queue(self, undecided_only: bool = False) -> list[ReviewItem]:
        """Every extracted relation triple with its evidence, lowest confidence first (whole graph)."""
        return review_queue(cast("KnowledgeGraph", self), undecided_only)

    def review_items(self, source: str | None = None, concept: str | None = None,
                     undecided_only: bool = False) -> list[ReviewItem]:
        """The review queue of one source and/or one concept (bound queries)."""
        return review_items(cast("KnowledgeGraph", self), source, concept, undecided_only)

    def record_review(self, subject: str, relation: str, obj: str, decision: str,
                      new_relation: str | None = None) -> None:
        """Accept, reject or retype one triple (replaces an earlier decision)."""
        record_review(cast("KnowledgeGraph", self), subject, relation, obj, decision, new_relation)

    def clear_review(self, subject: str, relation: str, obj: str) -> None:
        """Forget the decision on one triple."""
        clear_review(cast("KnowledgeGraph", self), subject, relation, obj)

    def review_decisions(self) -> dict[tuple[str, str, str], tuple[str, str | None]]:
        """Every decision: triple → (decision, new relation or None)."""
        return decisions(cast("KnowledgeGraph", self))
