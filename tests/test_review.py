"""Review decisions: dlkg:Review nodes keyed by the triple, in their own graph, surviving re-ingest."""

from __future__ import annotations

import pytest

import ingest
from graph import KnowledgeGraph
from graph.review import (
    REVIEWS_GRAPH,
    clear_review,
    decisions,
    record_review,
    rejected,
    review_node,
    review_queue,
)

DOC = "## Dropout 有什么用？\n\nDropout 可以缓解过拟合。\n\n## 什么是 ReLU？\n\nReLU 可以缓解梯度消失。\n"


def _ingest(kg: KnowledgeGraph, text: str = DOC) -> None:
    graph, quads = ingest.to_quads(ingest.extract("notes.md", text.encode()))
    kg.replace_source(graph, quads)


@pytest.fixture
def small_kg() -> KnowledgeGraph:
    kg = KnowledgeGraph.open(memory=True)
    _ingest(kg)
    return kg


def test_queue_lists_extracted_relations_lowest_confidence_first(small_kg: KnowledgeGraph) -> None:
    queue = review_queue(small_kg)
    assert queue, "the document states relations"
    confidences = [i.confidence if i.confidence is not None else -1.0 for i in queue]
    assert confidences == sorted(confidences)
    assert all(i.evidence and all(e.method != "curated" for e in i.evidence) for i in queue)
    assert any(e.quote and e.file == "notes.md" for i in queue for e in i.evidence)


def test_decisions_are_keyed_by_triple_and_replace_each_other(small_kg: KnowledgeGraph) -> None:
    item = review_queue(small_kg)[0]
    before = small_kg.revision()
    record_review(small_kg, *item.key, "reject")
    assert small_kg.revision() != before
    assert decisions(small_kg) == {item.key: ("reject", None)}
    record_review(small_kg, *item.key, "retype", "causes")
    assert decisions(small_kg) == {item.key: ("retype", "causes")}
    assert item.key in rejected(small_kg)
    assert review_queue(small_kg, undecided_only=True) == [
        i for i in review_queue(small_kg) if i.key != item.key]
    node = review_node(*item.key)
    rows = small_kg.backend.select(
        f"SELECT ?p WHERE {{ GRAPH {REVIEWS_GRAPH} {{ {node} ?p ?o }} }}")
    assert len(rows) == 7  # type, subject, predicate, object, decision, modified, newPredicate


def test_decisions_survive_reingest_and_can_be_cleared(small_kg: KnowledgeGraph) -> None:
    item = review_queue(small_kg)[0]
    record_review(small_kg, *item.key, "accept")
    _ingest(small_kg)
    assert decisions(small_kg) == {item.key: ("accept", None)}
    assert next(i for i in review_queue(small_kg) if i.key == item.key).decision == "accept"
    clear_review(small_kg, *item.key)
    assert decisions(small_kg) == {}


@pytest.mark.parametrize("args", [
    ("maybe", None), ("retype", None), ("retype", "SAME"), ("reject", "causes"), ("retype", "likes"),
])
def test_bad_decisions_are_refused(small_kg: KnowledgeGraph, args: tuple[str, str | None]) -> None:
    item = review_queue(small_kg)[0]
    decision, new = args
    with pytest.raises(ValueError):
        record_review(small_kg, *item.key, decision, item.relation if new == "SAME" else new)
    assert decisions(small_kg) == {}


def test_rejected_and_retyped_edges_leave_every_answer(small_kg: KnowledgeGraph) -> None:
    from graph.answers import related

    item = review_queue(small_kg)[0]
    s, p, o = item.key
    subject = small_kg.concept(s)

    def edges() -> set[tuple[str, str, str]]:
        return {(e.source, e.relation, e.target) for e in small_kg.edges()}

    assert item.key in edges()
    record_review(small_kg, s, p, o, "reject")
    assert item.key not in edges()
    assert o not in {r.concept.iri for r in small_kg.related(subject, p, "out")}
    assert o not in {a.concept.iri for a in related(small_kg, subject, p, "out")}
    assert not [e for e in small_kg.neighbourhood(subject)[1] if (e.source, e.relation, e.target) == item.key]
    new = "causes" if p != "causes" else "mitigates"
    record_review(small_kg, s, p, o, "retype", new)
    assert item.key not in edges() and (s, new, o) in edges()
    clear_review(small_kg, s, p, o)
    assert item.key in edges()


def test_review_api_as_knowledge_graph_methods(small_kg: KnowledgeGraph) -> None:
    item = small_kg.review_queue()[0]
    small_kg.record_review(*item.key, "accept")
    assert small_kg.review_decisions() == {item.key: ("accept", None)}
    assert small_kg.review_queue(undecided_only=True) == review_queue(small_kg, undecided_only=True)
    small_kg.clear_review(*item.key)
    assert small_kg.review_decisions() == {}
