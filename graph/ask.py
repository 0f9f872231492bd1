"""A sentence in Chinese or English becomes a graph query: `ask(kg, "什么可以缓解过拟合？")`.

    >>> from graph import KnowledgeGraph
    >>> from graph.ask import ask
    >>> kg = KnowledgeGraph.open(memory=True)
    >>> result = ask(kg, "how to fix overfitting")
    >>> result.kind, result.relation, result.direction
    ('related', 'mitigates', 'in')

The parser finds the concept mentions first (longest label match over the store's label
index, with word boundaries for Latin labels), then reads the rest of the sentence for the
cue words listed in `graph/data/ask_patterns.json`: which relation is asked about, and from
where the concept stands relative to the cue, in which direction. Nothing about wording is
in this module. An unknown concept gets the closest known ones (pinyin-aware); a sentence
without a concept or cue gets the list of supported forms. `parse` and `ask` never raise
for any string input.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick

from ontology import RELATIONS
from ontology.text import clean, fold, to_simplified

from .answers import Answer, neighbours, related
from .kg import Concept, KnowledgeGraph

MAX_CHARS = 1000
_INFLECTIONS = ("", "s", "es", "d", "ed", "ing")


# ---------------------------------------------------------------------------- pattern data
@dataclass(frozen=True)
class Cue:
    word: str  # folded
    intent: str
    relation: str | None
    priority: int
    directions: dict[str, str]


@dataclass(frozen=True)
class Patterns:
    cues: tuple[Cue, ...]
    question_words: tuple[str, ...]
    copula_words: tuple[str, ...]
    stop_words: tuple[str, ...]
    forms: tuple[str, ...]


def _directions(spec: dict[str, Any]) -> dict[str, str]:
    before, after = spec.get("before", ""), spec.get("after", "")
    topic = spec.get("topic", after)
    return {"before": before, "after": after, "topic": topic, "copula": spec.get("copula", topic)}


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """The cue words shipped in `graph/data/ask_patterns.json`."""
    raw = json.loads(resources.files("graph.data").joinpath("ask_patterns.json").read_text(encoding="utf-8"))
    cues: list[Cue] = []
    for intent in raw["intents"]:
        for spec in intent["cues"]:
            for word in spec["words"]:
                cues.append(Cue(fold(word), intent["name"], intent.get("relation"), int(intent["priority"]),
                                _directions(spec)))
    return Patterns(tuple(cues), tuple(fold(w) for w in raw["question_words"]),
                    tuple(fold(w) for w in raw["copula_words"]),
                    tuple(sorted({fold(w) for w in raw["stop_words"]}, key=len, reverse=True)),
                    tuple(raw["forms"]))


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    return frozenset(c.word for c in patterns().cues)


def supported_forms() -> list[str]:
    """The sentence forms `ask` understands (for help and for unparsable sentences)."""
    return list(patterns().forms)


# ---------------------------------------------------------------------------- text
def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass
class _Text:
    """A sentence folded for matching: `compact` has no spaces; `pos[i]` maps back to `norm`."""

    norm: str
    compact: str
    pos: list[int]

    @classmethod
    def of(cls, text: str) -> _Text:
        norm = to_simplified(clean(text[:MAX_CHARS])).casefold()
        keep = [(i, ch) for i, ch in enumerate(norm) if not ch.isspace()]
        return cls(norm, "".join(ch for _, ch in keep), [i for i, _ in keep])

    def _latin(self, i: int) -> bool:
        return 0 <= i < len(self.norm) and self.norm[i].isascii() and self.norm[i].isalnum()

    def bounded(self, start: int, end: int, inflect: bool = False) -> int | None:
        """End of the match [start, end) if it stands on word boundaries (Latin text), else None.

        A Latin match may take an inflection (`s`; with `inflect`, also `es`, `d`, `ed`, `ing`).
        """
        word = self.compact[start:end]
        if not word:
            return None
        if _is_latin(word[0]) and self._latin(self.pos[start] - 1):
            return None
        if not _is_latin(word[-1]):
            return end
        for suffix in (_INFLECTIONS if inflect else ("", "s")):
            stop = end + len(suffix)
            if stop > len(self.compact) or self.compact[end:stop] != suffix:
                continue
            if suffix and self.pos[stop - 1] - self.pos[end - 1] != len(suffix):
                continue  # the suffix must be written on to the word, not after a space
            if not self._latin(self.pos[stop - 1] + 1):
                return stop
        return None

    def find_all(self, word: str, inflect: bool = False) -> list[tuple[int, int]]:
        out = []
        start = self.compact.find(word)
        while start >= 0 and word:
            end = self.bounded(start, start + len(word), inflect)
            if end is not None:
                out.append((start, end))
            start = self.compact.find(word, start + 1)
        return out


# ---------------------------------------------------------------------------- concept mentions
@dataclass
class Mention:
    """A concept named in the sentence: its span in the folded text and the label matched."""

    start: int
    end: int
    key: str
    concept: Concept


def _automaton(kg: KnowledgeGraph) -> Any:
    """An Aho-Corasick automaton over every folded label (cached per labels revision)."""
    def build() -> Any:
        auto = ahocorasick.Automaton()
        for key in kg._labels()[0].keys:
            auto.add_word(key, key)
        if len(auto):
            auto.make_automaton()
        return auto
    return kg._cached("ask.automaton", build, labels=True)


def find_mentions(kg: KnowledgeGraph, text: _Text) -> list[Mention]:
    """Longest non-overlapping concept labels in the sentence, left to right, one per concept."""
    auto = _automaton(kg)
    found: list[tuple[int, int, str]] = []
    if len(auto) and text.compact:
        for last, key in auto.iter(text.compact):
            start = last - len(key) + 1
            end = text.bounded(start, last + 1)
            if end is not None:
                found.append((start, end, key))
    found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    taken: list[tuple[int, int, str]] = []
    for m in found:
        if all(m[1] <= t[0] or m[0] >= t[1] for t in taken):
            taken.append(m)
    taken.sort()
    cue_words = _cue_words()
    if len(taken) > 1:  # a label that is also a cue word ("architecture") counts as the cue
        taken = [m for m in taken if m[2] not in cue_words] or taken
    out: list[Mention] = []
    for start, end, key in taken:
        concept = kg.resolve(key)
        if all(m.concept.iri != concept.iri for m in out):
            out.append(Mention(start, end, key, concept))
    return out


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def _repair(kg: KnowledgeGraph, text: _Text, mentions: list[Mention]) -> list[Mention]:
    """A mention that is the start or end of a homophone typo (梯度 in 梯度消逝) becomes the whole word."""
    out: list[Mention] = []
    tops: dict[str, Concept | None] = kg._cached("ask.top", dict, labels=True) if mentions else {}  # per labels rev
    for n, m in enumerate(mentions):
        lo = mentions[n - 1].end if n else 0
        hi = mentions[n + 1].start if n + 1 < len(mentions) else len(text.compact)
        best: tuple[int, int, Concept] | None = None
        for left in range(0, min(4, m.start - lo) + 1):
            for right in range(0, min(4, hi - m.end) + 1):
                if not left and not right:
                    continue
                word = text.compact[m.start - left:m.end + right]
                if not _has_cjk(word) or (best and len(word) <= best[1] - best[0]):
                    continue
                if word not in tops:  # a repair needs the same sound: close spellings are not asked for
                    tops[word] = next(iter(kg.search(word, 1, spelling=False)), None)
                top = tops[word]
                if top is not None and top.iri != m.concept.iri and _sound(top.label) == _sound(word):
                    best = (m.start - left, m.end + right, top)
        if best is not None:
            out.append(Mention(best[0], best[1], text.compact[best[0]:best[1]], best[2]))
        else:
            out.append(m)
    return out


# ---------------------------------------------------------------------------- intent
@dataclass
class Parse:
    """What the sentence asks: intent, relation, direction, and the concepts it names."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    intent: str | None = None
    relation: str | None = None
    direction: str | None = None
    cue: str | None = None
    residues: list[str] = field(default_factory=list)

    @property
    def residue(self) -> str:
        """The longest run of words that are neither concept, cue, question nor stop word."""
        return self.residues[-1] if self.residues else ""


@dataclass
class _Hit:
    cue: Cue
    start: int
    end: int


def _mask(text: _Text, spans: list[tuple[int, int]]) -> str:
    chars = list(text.compact)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = "\x00"
    return "".join(chars)


def _hits(text: _Text, masked: str) -> list[_Hit]:
    probe = _Text(text.norm, masked, text.pos)
    hits = [_Hit(c, s, e) for c in patterns().cues if c.word in masked  # find_all matches within `masked`
            for s, e in probe.find_all(c.word, inflect=True)]
    # a cue inside a longer cue of another hit does not count on its own
    return [h for h in hits if not any(o is not h and o.start <= h.start and h.end <= o.end
                                       and (o.end - o.start) > (h.end - h.start) for o in hits)]


def _mode(text: _Text, masked: str, mention: Mention, hit: _Hit) -> str:
    """Where the concept stands relative to the cue: before, after, topic or copula."""
    if hit.end <= mention.start:
        return "after"
    between = _Text(text.norm, masked[mention.end:hit.start], text.pos[mention.end:hit.start])
    pat = patterns()
    qwords = sorted(s for w in pat.question_words for s, _ in between.find_all(w))
    if not qwords:
        return "before"
    head = _Text(text.norm, between.compact[:qwords[0]], between.pos[:qwords[0]])
    if any(head.find_all(w) for w in pat.copula_words):
        return "copula"
    return "topic"


def _residue(text: _Text, masked: str, hits: list[_Hit]) -> list[str]:
    """What is left once concepts, cues and question words are gone: before and after stop words."""
    chars = list(masked)
    for h in hits:
        for i in range(h.start, h.end):
            chars[i] = "\x00"
    rest = "".join(chars)
    pat = patterns()
    found: list[str] = []
    for group in (pat.question_words, pat.stop_words):
        for w in group:
            if w not in rest:  # find_all would find nothing
                continue
            probe = _Text(text.norm, rest, text.pos)
            for s, e in reversed(probe.find_all(w)):
                rest = rest[:s] + "\x00" * (e - s) + rest[e:]
        words = ["".join(ch for ch in w if unicodedata.category(ch)[0] in "LN") for w in re.split(r"\x00+", rest)]
        found.append(max((w for w in words if w), key=len, default=""))
    return found


def parse(kg: KnowledgeGraph, sentence: str) -> Parse:
    """Read a sentence: concept mentions, then the intent and direction from the cue words."""
    text = _Text.of(sentence)
    result = Parse(sentence)
    result.mentions = _repair(kg, text, find_mentions(kg, text))
    masked = _mask(text, [(m.start, m.end) for m in result.mentions])
    hits = _hits(text, masked)
    result.residues = _residue(text, masked, hits)
    n = len(result.mentions)
    usable = [h for h in hits if not (n < 2 and h.cue.intent == "compare")]
    if not usable:
        if n >= 2:
            result.intent = "compare"
        elif n == 1:
            result.intent = "define"
        return result

    def distance(h: _Hit) -> int:
        return min((abs(h.start - m.end) if m.end <= h.start else abs(m.start - h.end)
                    for m in result.mentions), default=0)

    best = min(usable, key=lambda h: (h.cue.priority, -(h.end - h.start), distance(h), h.start))
    result.intent, result.relation, result.cue = best.cue.intent, best.cue.relation, best.cue.word
    if best.cue.relation and result.mentions:
        near = min(result.mentions, key=lambda m: abs(m.start - best.start))
        mode = _mode(text, masked, near, best)
        result.direction = best.cue.directions.get(mode) or best.cue.directions["after"] or "in"
    return result


# ---------------------------------------------------------------------------- answers
@dataclass
class Section:
    """The answers for one asked concept."""

    concept: Concept
    relation: str
    direction: str
    answers: list[Answer]

    def as_dict(self) -> dict[str, object]:
        return {"concept": self.concept.as_dict(), "relation": self.relation, "direction": self.direction,
                "answers": [a.as_dict() for a in self.answers]}


@dataclass
class AskResult:
    """The answer to one sentence. `kind`: related, check, compare, define, unknown_concept, unparsed."""

    question: str
    kind: str
    intent: str | None = None
    relation: str | None = None
    direction: str | None = None
    concepts: list[Concept] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    comparison: dict[str, Any] | None = None
    definitions: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[Concept] = field(default_factory=list)
    corrected: dict[str, Concept] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.kind not in ("unknown_concept", "unparsed")

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question, "kind": self.kind, "intent": self.intent, "relation": self.relation,
            "direction": self.direction, "concepts": [c.as_dict() for c in self.concepts],
            "sections": [s.as_dict() for s in self.sections], "comparison": self.comparison,
            "definitions": self.definitions, "suggestions": [c.as_dict() for c in self.suggestions],
            "corrected": {k: v.as_dict() for k, v in self.corrected.items()}, "forms": self.forms,
            "message": self.message,
        }


@lru_cache(maxsize=8192)
def _sound(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return fold("".join(lazy_pinyin(text, style=Style.NORMAL, errors="default")))


def definition(kg: KnowledgeGraph, concept: Concept) -> dict[str, Any]:
    """Labels, aliases, definitions and categories of one concept."""
    card = kg.card(concept)
    return {"concept": concept.as_dict(), "alt_labels": card.alt_labels, "definitions": card.definitions,
            "categories": [c.as_dict() for c in card.categories]}


def compare(kg: KnowledgeGraph, a: Concept, b: Concept) -> dict[str, Any]:
    """Two concepts side by side: shared and differing relations, edges between them, common questions."""
    na, nb = neighbours(kg, a), neighbours(kg, b)
    shared: list[dict[str, Any]] = []
    only_a: list[dict[str, Any]] = []
    only_b: list[dict[str, Any]] = []
    for key in sorted(set(na) | set(nb)):
        sa, sb = na.get(key, set()) - {a.iri, b.iri}, nb.get(key, set()) - {a.iri, b.iri}
        rel, way = key
        for bucket, iris in ((shared, sa & sb), (only_a, sa - sb), (only_b, sb - sa)):
            if iris:
                concepts = sorted((kg.concept(i) for i in iris), key=lambda c: c.label_en.casefold())
                bucket.append({"relation": rel, "direction": way, "concepts": [c.as_dict() for c in concepts]})
    ca, cb = kg.card(a), kg.card(b)
    cats_a, cats_b = {c.iri for c in ca.categories}, {c.iri for c in cb.categories}
    between = [x for r in RELATIONS for x in related(kg, a, r, "both", inferred=False) if x.concept.iri == b.iri]
    qa = {q["iri"]: q for q in kg.questions_about(a)}
    questions = [{"iri": q["iri"], "text": q["text"], "file": q["file"]} for q in kg.questions_about(b)
                 if q["iri"] in qa]
    return {
        "a": definition(kg, a), "b": definition(kg, b),
        "shared_categories": [kg.concept(i).as_dict() for i in sorted(cats_a & cats_b)],
        "shared": shared, "only_a": only_a, "only_b": only_b,
        "between": [{"from": a.as_dict() if x.direction == "out" else b.as_dict(), "relation": x.relation,
                     "to": b.as_dict() if x.direction == "out" else a.as_dict(), "curated": x.curated,
                     "sources": x.sources, "evidence": [e.as_dict() for e in x.evidence]} for x in between],
        "questions": questions,
    }


def _correct(kg: KnowledgeGraph, residues: list[str]) -> tuple[str, Concept | None, list[Concept]]:
    """Near concepts for an unknown word; the first is used when it sounds exactly the same.

    Every residue may be corrected (stop words can be part of a typo: 过拟和); suggestions
    come from the residue without stop words only.
    """
    for residue in dict.fromkeys(r for r in residues if r):
        suggestions = kg.search(residue, 5)
        if not suggestions:
            continue
        sound, top = _sound(residue), suggestions[0]
        names = [top.label, top.label_en, *kg.card(top).alt_labels]
        if len(sound) >= 2 and any(_sound(n) == sound for n in names):
            return residue, top, suggestions
    last = residues[-1] if residues else ""
    return last, None, kg.search(last, 5) if last else []


def ask(kg: KnowledgeGraph, sentence: str) -> AskResult:
    """Answer a sentence: relation answers with evidence, a comparison, a definition, or help."""
    p = parse(kg, sentence)
    result = AskResult(sentence, "unparsed", p.intent, p.relation, p.direction)
    mentions = [m.concept for m in p.mentions]
    if not mentions:
        typo, fixed, suggestions = _correct(kg, p.residues)
        if fixed is not None:
            retry = re.sub(re.escape(typo), f" {fixed.label} ", sentence, count=1, flags=re.I)
            again = parse(kg, retry) if retry != sentence else p
            if again.mentions:
                p = again
                mentions = [m.concept for m in p.mentions]
            else:
                mentions = [fixed]
            result = AskResult(sentence, "unparsed", p.intent, p.relation, p.direction)
            result.corrected[typo] = fixed
            if result.relation and result.direction is None:
                result.direction = "in"
        elif typo and (p.intent or suggestions):
            result.kind, result.suggestions = "unknown_concept", suggestions
            names = ", ".join(c.label for c in suggestions)
            result.message = f"unknown concept '{typo}'" + (f" (did you mean {names}?)" if names else "")
            result.forms = [] if suggestions else supported_forms()
            return result
        else:
            result.forms = supported_forms()
            result.message = "could not read a concept or a question form in this sentence"
            return result
    result.concepts = mentions
    index = kg._labels()[0]
    for m in p.mentions:
        if m.key not in index.exact:  # a homophone typo read as the concept it sounds like
            result.corrected[m.key] = m.concept
    intent = result.intent or "define"
    result.intent = intent
    if intent == "compare" and len(mentions) < 2:
        intent = result.intent = "define"
    if intent == "compare":
        result.kind = "compare"
        result.comparison = compare(kg, mentions[0], mentions[1])
    elif intent == "define":
        result.kind = "define"
        result.definitions = [definition(kg, c) for c in mentions]
    else:
        assert result.relation is not None
        direction = result.direction or "in"
        result.direction = direction
        if len(mentions) >= 2 and _straddles(p):
            subject, obj = (mentions[0], mentions[1])
            result.kind = "check"
            answers = [a for a in related(kg, subject, result.relation, "both") if a.concept.iri == obj.iri]
            result.sections = [Section(subject, result.relation, "both", answers)]
        else:
            result.kind = "related"
            result.sections = [Section(c, result.relation, direction, related(kg, c, result.relation, direction))
                               for c in mentions]
    return result


def _straddles(p: Parse) -> bool:
    """Two concepts on either side of the cue (ReLU能缓解梯度消失吗): a yes/no check."""
    if p.cue is None or len(p.mentions) < 2:
        return False
    text = _Text.of(p.text)
    spans = [s for s, _ in text.find_all(p.cue, inflect=True)]
    if not spans:
        return False
    cue = spans[0]
    return p.mentions[0].end <= cue <= p.mentions[1].start
