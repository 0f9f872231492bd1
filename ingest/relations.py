"""Candidate relations from cue words, each with the sentence that states it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .mentions import Linker, norm

_SENTENCE = re.compile(r"(?<=[。！？!?；;])|\n+|(?<=\.)\s+")


@dataclass(frozen=True)
class Relation:
    subject: str
    predicate: str
    object: str
    quote: str
    confidence: float
    method: str


@lru_cache(maxsize=1)
def cues() -> dict:  # type: ignore[type-arg]
    return json.loads(resources.files("ingest.data").joinpath("cues.json").read_text(encoding="utf-8"))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _find_cue(words: list[str], sentence: str) -> tuple[int, str] | None:
    best = None
    for w in words:
        i = sentence.find(norm(w))
        if i >= 0 and (best is None or i < best[0]):
            best = (i, w)
    return best


def from_sentence(sentence: str, linker: Linker) -> list[Relation]:
    """Relations one sentence states by a cue word between two concept mentions."""
    s = norm(sentence)
    mentions = linker.find(sentence)
    if len(mentions) < 2:
        return []
    out: list[Relation] = []
    neg = cues()["negation"]
    for predicate in ("mitigates", "causes", "variantOf"):
        hit = _find_cue(cues()[predicate]["forward"], s)
        if not hit:
            continue
        pos, word = hit
        before = [m for m in mentions if m.end <= pos]
        after = [m for m in mentions if m.start >= pos + len(norm(word))]
        if not before or not after:
            continue
        if any(norm(n) in s[max(0, pos - 6):pos] for n in neg):
            continue
        subj = before[-1]
        for obj in after[:1] if predicate != "variantOf" else after[:1]:
            if subj.concept != obj.concept:
                if predicate == "variantOf" and word.startswith("的"):
                    subj, obj = before[0], after[0]
                out.append(Relation(subj.concept, predicate, obj.concept, sentence.strip(), 0.6, "pattern"))
    return out


def from_question(question: str, answer: str, linker: Linker) -> list[Relation]:
    """'如何缓解X？' answered by a list of techniques: each technique mitigates X."""
    q = norm(question)
    if not _find_cue(cues()["mitigates"]["question"], q):
        return []
    targets = linker.concepts(question)
    if not targets:
        return []
    out = []
    for sentence in sentences(answer):
        for m in linker.find(sentence):
            for target in targets:
                if m.concept != target and m.concept not in targets:
                    out.append(Relation(m.concept, "mitigates", target, sentence, 0.5, "question-answer"))
    return out


def extract(question: str, answer: str, linker: Linker) -> list[Relation]:
    """Every candidate relation of one question/answer unit, deduplicated by triple."""
    found: dict[tuple[str, str, str], Relation] = {}
    for r in [*(r for s in sentences(answer) for r in from_sentence(s, linker)),
              *from_question(question, answer, linker)]:
        key = (r.subject, r.predicate, r.object)
        if key not in found or r.confidence > found[key].confidence:
            found[key] = r
    return list(found.values())
