"""Small documents beside what they must yield (tests/fixtures/ingest/NAME.* + NAME.expect.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest
import ontology
from ingest.evaluate import concept_iris

HERE = Path(__file__).parent / "fixtures" / "ingest"
CASES = sorted(p for p in HERE.iterdir() if p.suffix != ".json")


def _triples(doc: ingest.Extracted) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in doc.relations}


def _has(found: set[tuple[str, str, str]], s: str, p: str, o: str) -> bool:
    subj, obj = concept_iris([s]), concept_iris([o])
    assert subj and obj, f"fixture names an unknown concept: {s} / {o}"
    return any((a, p, b) in found for a in subj for b in obj)


@pytest.fixture(scope="module", params=CASES, ids=lambda p: p.name)
def case(request: pytest.FixtureRequest) -> tuple[ingest.Extracted, dict]:  # type: ignore[type-arg]
    path: Path = request.param
    expect = json.loads(path.with_name(path.stem + ".expect.json").read_text(encoding="utf-8"))
    return ingest.extract(path.name, path.read_bytes()), expect


def test_questions_exactly(case: tuple[ingest.Extracted, dict]) -> None:  # type: ignore[type-arg]
    doc, expect = case
    assert [q.text for q in doc.questions] == expect["questions"]


def test_nothing_unwanted_becomes_a_question(case: tuple[ingest.Extracted, dict]) -> None:  # type: ignore[type-arg]
    doc, expect = case
    for bad in expect.get("must_not", []):
        assert not [q.text for q in doc.questions if bad in q.text], bad


def test_answers(case: tuple[ingest.Extracted, dict]) -> None:  # type: ignore[type-arg]
    doc, expect = case
    answers = {q.text: q.answer for q in doc.questions}
    for question, text in expect.get("answers_contain", {}).items():
        assert text in answers[question]
    for text in expect.get("answers_not_contain", []):
        assert not [q for q, a in answers.items() if text in a], text


def test_relations_found(case: tuple[ingest.Extracted, dict]) -> None:  # type: ignore[type-arg]
    doc, expect = case
    found = _triples(doc)
    missing = [t for t in expect["relations"] if not _has(found, *t)]
    assert not missing


def test_wrong_relations_not_found(case: tuple[ingest.Extracted, dict]) -> None:  # type: ignore[type-arg]
    doc, expect = case
    found = _triples(doc)
    wrong = [t for t in expect["not_relations"] if _has(found, *t)]
    assert not wrong


def test_every_relation_has_its_evidence(case: tuple[ingest.Extracted, dict]) -> None:  # type: ignore[type-arg]
    doc, _ = case
    for r in doc.relations:
        assert r.quote.strip() and 0 < r.confidence <= 1 and r.method
        assert r.predicate in ontology.RELATIONS
        assert 0 <= r.question < len(doc.questions)


def test_stored_traditional_spellings_are_those_opencc_gives() -> None:
    """ingest/data/questions_traditional.json spares loading OpenCC's s2t tables: it must hold every
    question form and agree with OpenCC (regenerate it from questions.json when this fails)."""
    import json
    from importlib import resources

    import opencc

    from ingest.segment import _SPELLED, traditional

    data = resources.files("ingest.data")
    forms = json.loads(data.joinpath("questions.json").read_text(encoding="utf-8"))
    stored = json.loads(data.joinpath("questions_traditional.json").read_text(encoding="utf-8"))
    s2t = opencc.OpenCC("s2t")
    assert {w for key in _SPELLED for w in forms[key]} <= set(stored)
    assert {w: s2t.convert(w) for w in stored} == stored
    assert traditional(["为什么", "数据集"]) == {**stored, "数据集": s2t.convert("数据集")}  # not stored: converted
