"""Score an ingest against a gold file (the format of ../shared/gold/seeds.json).

Store-agnostic: the caller hands over what the store holds after ingest (`Observed`);
`score` compares it with the gold file. Gold concept keys are resolved through their
labels (folded: case, 繁/简, width, spaces) against the ontology's labels and aliases; a
gold triple counts as found when the store holds it with evidence from that file, or, for
`broader`, when the ontology states it (skos:broader, transitively).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import pyoxigraph as ox

import ontology
from ontology.text import fold

NS = ontology.NS
SKOS_BROADER = ontology.SKOS + "broader"


@dataclass
class Observed:
    """What the store holds after ingest."""

    questions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # file -> [(iri, text)]
    relations: dict[str, set[tuple[str, str, str]]] = field(default_factory=dict)  # file -> {(s, p, o)}
    duplicate_of: dict[str, str] = field(default_factory=dict)  # question iri -> canonical iri


@dataclass
class FileScore:
    file: str
    questions: int = 0
    expected: tuple[int, int] | None = None
    must_missing: list[str] = field(default_factory=list)
    must_not_found: list[str] = field(default_factory=list)
    relations_gold: int = 0
    relations_found: int = 0
    relations_missing: list[list[str]] = field(default_factory=list)
    extracted: int = 0

    @property
    def count_ok(self) -> bool:
        return self.expected is None or self.expected[0] <= self.questions <= self.expected[1]


@dataclass
class Score:
    files: list[FileScore]
    duplicates_gold: int = 0
    duplicates_found: int = 0
    duplicates_missing: list[list[str]] = field(default_factory=list)
    min_recall: float = 0.85

    @property
    def recall(self) -> float:
        gold = sum(f.relations_gold for f in self.files)
        return sum(f.relations_found for f in self.files) / gold if gold else 1.0

    @property
    def ok(self) -> bool:
        return (all(f.count_ok and not f.must_missing and not f.must_not_found for f in self.files)
                and self.recall >= self.min_recall and self.duplicates_found == self.duplicates_gold)

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["recall"] = round(self.recall, 4)
        d["ok"] = self.ok
        for f, fd in zip(self.files, d["files"], strict=True):  # type: ignore[call-overload]
            fd["count_ok"] = f.count_ok
        return d


@lru_cache(maxsize=1)
def _label_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for text, iris in ontology.vocabulary().labels.items():
        index[fold(text)].update(iris)
    return {k: frozenset(v) for k, v in index.items()}


def concept_iris(labels: Iterable[str]) -> set[str]:
    """Concepts any of these labels names (folded comparison against labels and aliases)."""
    out: set[str] = set()
    for label in labels:
        out |= _label_index().get(fold(label), frozenset())
    return out


@lru_cache(maxsize=1)
def broader_closure() -> frozenset[tuple[str, str]]:
    """(narrower, broader) pairs the ontology states, transitively."""
    direct: dict[str, set[str]] = defaultdict(set)
    for q in ontology.ontology_quads():
        if q.predicate.value == SKOS_BROADER and isinstance(q.subject, ox.NamedNode) \
                and isinstance(q.object, ox.NamedNode):
            direct[q.subject.value].add(q.object.value)
    pairs: set[tuple[str, str]] = set()
    for start in list(direct):
        stack, seen = list(direct[start]), set()
        while stack:
            b = stack.pop()
            if b not in seen:
                seen.add(b)
                pairs.add((start, b))
                stack.extend(direct.get(b, ()))
    return frozenset(pairs)


def _contains(texts: Iterable[tuple[str, str]], needle: str) -> list[str]:
    n = fold(needle)
    return [iri for iri, text in texts if n in fold(text)]


def score(gold: dict, observed: Observed, min_recall: float = 0.85) -> Score:  # type: ignore[type-arg]
    """Compare what the store holds with the gold file."""
    concepts = {k: concept_iris(v) for k, v in gold.get("concepts", {}).items()}
    files = sorted(set(gold.get("questions", {})) | set(gold.get("relations", {})))
    result = Score([], min_recall=min_recall)
    broader = broader_closure()
    for name in files:
        spec = gold.get("questions", {}).get(name, {})
        qs = observed.questions.get(name, [])
        fs = FileScore(name, len(qs), tuple(spec["count"]) if "count" in spec else None)  # type: ignore[arg-type]
        fs.must_missing = [m for m in spec.get("must", []) if not _contains(qs, m)]
        fs.must_not_found = [m for m in spec.get("must_not", []) if _contains(qs, m)]
        found = observed.relations.get(name, set())
        fs.extracted = len(found)
        for s, p, o in gold.get("relations", {}).get(name, []):
            fs.relations_gold += 1
            subj, obj = concepts.get(s, set()), concepts.get(o, set())
            if p == "broader":
                hit = any((a, b) in broader for a in subj for b in obj)
            else:
                hit = any((a, NS + p, b) in found for a in subj for b in obj)
            if hit:
                fs.relations_found += 1
            else:
                fs.relations_missing.append([s, p, o])
        result.files.append(fs)
    every = [q for qs in observed.questions.values() for q in qs]

    def head(iri: str) -> str:
        return observed.duplicate_of.get(iri, iri)

    for a, b in gold.get("duplicates", []):
        result.duplicates_gold += 1
        xs, ys = _contains(every, a), _contains(every, b)
        if any(x != y and head(x) == head(y) for x in xs for y in ys):
            result.duplicates_found += 1
        else:
            result.duplicates_missing.append([a, b])
    return result


def load_gold(path: str) -> dict:  # type: ignore[type-arg]
    """The gold file as a dict (a one-line ValueError if it is not one)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read gold file {path}: {exc}") from exc
    if not isinstance(data, dict) or not ({"questions", "relations", "duplicates"} & set(data)):
        raise ValueError(f"{path}: not a gold file (needs questions, relations or duplicates)")
    return data


def render(result: Score) -> str:
    """Per-file and overall figures as text."""
    lines = []
    for f in result.files:
        exp = f"{f.expected[0]}-{f.expected[1]}" if f.expected else "-"
        rec = f"{f.relations_found}/{f.relations_gold}" if f.relations_gold else "-"
        flag = "ok" if f.count_ok and not f.must_missing and not f.must_not_found else "FAIL"
        lines.append(f"{f.file}: questions {f.questions} (expected {exp}) "
                     f"must missing {len(f.must_missing)}, must-not found {len(f.must_not_found)}, "
                     f"relations {rec} (extracted {f.extracted}) [{flag}]")
        lines += [f"  missing must: {m}" for m in f.must_missing]
        lines += [f"  must-not found: {m}" for m in f.must_not_found]
        lines += [f"  missing relation: {' '.join(t)}" for t in f.relations_missing]
    gold = sum(f.relations_gold for f in result.files)
    found = sum(f.relations_found for f in result.files)
    lines.append(f"overall: relation recall {found}/{gold} = {result.recall:.3f} (floor {result.min_recall}), "
                 f"duplicate pairs {result.duplicates_found}/{result.duplicates_gold}, "
                 f"{'all floors hold' if result.ok else 'FLOORS NOT MET'}")
    lines += [f"  missing duplicate pair: {a} | {b}" for a, b in result.duplicates_missing]
    return "\n".join(lines)
