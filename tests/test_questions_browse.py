"""Bound reads behind the Questions, Review and Sources pages agree with the whole-graph reads."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import KnowledgeGraph
from graph.questions import (
    browse_list,
    browse_sources,
    category_concepts,
    concept_questions,
    question_clusters,
    search_sources,
    source_questions,
)
from graph.review import review_items, review_queue

NS = "https://w3id.org/dlkg/ns#"


def _members(c: object) -> frozenset[str]:
    return frozenset(q.iri for q in [c.canonical, *c.members])  # type: ignore[attr-defined]


def test_sources_read_the_stored_count_and_count_old_sources(seeded_kg: KnowledgeGraph) -> None:
    listing = seeded_kg.sources()
    assert listing and [s["file"] for s in listing] == sorted(str(s["file"]) for s in listing)
    for s in listing:
        assert s["questions"] == len(source_questions(seeded_kg, str(s["iri"]))) > 0
    kg = KnowledgeGraph.open(memory=True)  # a store written before dlkg:questionCount
    for s in listing:
        quads = [q for q in seeded_kg.backend.raw.quads_for_pattern(None, None, None, ox.NamedNode(str(s["iri"])))
                 if q.predicate.value != NS + "questionCount"]
        kg.replace_source(ox.NamedNode(str(s["iri"])), quads)
    assert [(s["file"], s["questions"]) for s in kg.sources()] == [(s["file"], s["questions"]) for s in listing]


def test_paging_through_every_source_shows_each_cluster_once(seeded_kg: KnowledgeGraph) -> None:
    everything = {_members(c) for c in question_clusters(seeded_kg)}
    seen: list[frozenset[str]] = []
    shown = 0
    for n in range(1000):
        page = browse_sources(seeded_kg, None, n, size=7)
        seen += [_members(c) for c in page.clusters]
        shown += len(page.questions)
        assert len(page.clusters) <= 7
        if not page.more:
            break
    assert len(seen) == len(set(seen)), "a cluster shown twice"
    assert set(seen) == everything
    assert shown == page.total == sum(int(str(s["questions"])) for s in seeded_kg.sources())


def test_picked_sources_and_text_filter(seeded_kg: KnowledgeGraph) -> None:
    src = seeded_kg.sources()[1]
    page = browse_sources(seeded_kg, [str(src["iri"])], 0, size=1000)
    assert page.total == src["questions"] and not page.more
    assert all(str(src["file"]) in c.files for c in page.clusters)
    word = page.questions[0].text[:2].casefold()
    within = search_sources(seeded_kg, [str(src["iri"])], word, 0, size=1000)
    assert within.questions and all(word in q.text.casefold() and q.source == src["iri"] for q in within.questions)
    everywhere = search_sources(seeded_kg, None, word, 0, size=1000)
    assert {q.iri for q in within.questions} <= {q.iri for q in everywhere.questions}
    assert all(word in q.text.casefold() for q in everywhere.questions)


def test_concept_and_category_browse(seeded_kg: KnowledgeGraph) -> None:
    dropout = seeded_kg.resolve("Dropout")
    rows = concept_questions(seeded_kg, dropout.iri)
    assert rows and {r.iri for r in rows} == {q["iri"] for q in seeded_kg.questions_about(dropout)}
    page = browse_list(seeded_kg, rows, 0, size=1000)
    expected = {_members(c) for c in question_clusters(seeded_kg) if dropout.iri in c.concepts}
    assert {_members(c) for c in page.clusters} <= expected
    assert all(dropout.iri in c.concepts or any(m.iri in {r.iri for r in rows} for m in [c.canonical, *c.members])
               for c in page.clusters)
    card = seeded_kg.card(dropout)
    assert card.categories and dropout.iri in category_concepts(seeded_kg, card.categories[0].iri)


def test_review_items_match_the_global_queue(seeded_kg: KnowledgeGraph) -> None:
    queue = review_queue(seeded_kg)
    src = next(s for s in seeded_kg.sources() if any(e.file == s["file"] for i in queue for e in i.evidence))
    mine = review_items(seeded_kg, source=str(src["iri"]))
    expected = {i.key for i in queue if any(e.file == src["file"] for e in i.evidence)}
    assert mine and {i.key for i in mine} == expected
    conf = [i.confidence if i.confidence is not None else -1.0 for i in mine]
    assert conf == sorted(conf)
    by_key = {i.key: i for i in queue}
    assert all(i.curated == by_key[i.key].curated for i in mine)
    assert any(i.curated for i in mine) and not all(i.curated for i in mine)  # the seeds have both kinds
    concept = mine[0].subject.iri
    touching = review_items(seeded_kg, concept=concept)
    assert {i.key for i in touching} == {i.key for i in queue if concept in (i.key[0], i.key[2])}
    both = review_items(seeded_kg, source=str(src["iri"]), concept=concept)
    assert {i.key for i in both} == {i.key for i in mine if concept in (i.key[0], i.key[2])}
    with pytest.raises(ValueError):
        review_items(seeded_kg)


def test_review_items_show_decisions(seeded_kg: KnowledgeGraph) -> None:
    item = review_queue(seeded_kg)[0]
    seeded_kg.record_review(*item.key, "retype", "causes" if item.relation != "causes" else "mitigates")
    try:
        got = {i.key: i for i in review_items(seeded_kg, concept=item.key[0])}
        assert got[item.key].decision == "retype" and got[item.key].new_relation
        assert item.key not in {i.key for i in review_items(seeded_kg, concept=item.key[0], undecided_only=True)}
    finally:
        seeded_kg.clear_review(*item.key)


def test_bound_reads_on_every_backend(kg: KnowledgeGraph) -> None:
    """The same answers in memory, on disk and over a real `oxigraph serve` (LATERAL, EXISTS, paths)."""
    import ingest
    from explorer.workflows import recluster

    note = "## Dropout 有什么用？\n\nDropout 可以缓解过拟合。\n\n## 什么是 ReLU？\n\nReLU 可以缓解梯度消失。\n"
    for name in ("a.md", "b.md"):
        kg.replace_source(*ingest.to_quads(ingest.extract(name, note.encode())))
    recluster(kg)  # the same two questions in two files: two clusters across files
    assert [(s["file"], s["questions"]) for s in kg.sources()] == [("a.md", 2), ("b.md", 2)]
    page = browse_sources(kg, None, 0)
    assert page.total == 4 and len(page.clusters) == 2
    assert all(c.files == ["a.md", "b.md"] and len(c.members) == 1 for c in page.clusters)
    assert {_members(c) for c in page.clusters} == {_members(c) for c in question_clusters(kg)}
    queue = review_queue(kg)
    a = str(kg.sources()[0]["iri"])
    assert {i.key for i in review_items(kg, source=a)} == {i.key for i in queue} != set()
    item = queue[0]
    kg.record_review(*item.key, "reject")
    assert {i.key: i.decision for i in review_items(kg, concept=item.key[0])}[item.key] == "reject"
