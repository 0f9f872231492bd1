"""Candidate relations from cue patterns, each with the sentence that states it.

Rules (cue words in `ingest/data/cues.json`, concept types from the ontology's categories):

- sentence cues: a cue word between two mentions (A 缓解 B, A leads to B, A 是 B 的变体,
  X 由 A 和 B 组成, B 发生在使用 A 时 …); a clause with no mention before the cue takes the
  sentence's first mention, else the current topic (the answer's sub-heading or the
  question's first concept); a negation just before the cue cancels it; a mention framed as
  a setting (在 RNN 中, 对于深层网络) is not an actor;
- method sentences and enumerations: 缓解X的方法包括：A；B；C, or a line ending in a colon
  with a cue (组成 / 包括 / 引入 …) followed by list items: the head concept of each item;
- question + answer: a question asking for a relation (如何缓解过拟合？, Transformer 的组成)
  answered by a list: the head technique / part of each list item;
- arrow chains (SGD -> Momentum -> NAG): each step is a variant of the one before;
- label heads: a concept whose label is a modifier plus another concept's label
  (双向 RNN / RNN, Nadam / Adam), both mentioned in one question, is a variant of it.

Types keep directions right: `mitigates` and `causes` need a problem (category 问题与现象) as
object and `mitigates` a non-problem subject; `partOf` needs an architecture or layer as the
whole; `variantOf` needs two concepts of the same category. Categories are never endpoints.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate

import ahocorasick
import pyoxigraph as ox

import ontology
from ontology.text import to_simplified

from .mentions import Linker, Mention, label_norms, norm

_SENTENCE = re.compile(r"(?<=[。！？!?；;])|\n+|(?<=[.])\s+(?=[A-Z\u4e00-\u9fff])")
_CLAUSE_BREAK = re.compile(r"[,，:：]")
_COMMA = re.compile(r"[,，:：]")
_CLAUSE_BREAK_ALL = re.compile(r"[,，:：;；。]")
_WORDISH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_INTRO_FILLER = " :：包括有如下是为主要一般通常"
_TOPIC_BREAK = re.compile(r"[。；;，,:：]")
_ITEM_PREFIX = re.compile(r"^\s*(?:[-*+•·▪●○◦]\s*|\d{1,3}(?:\.\d{1,3})*\s*[.、)）]\s*|[(（]\d{1,3}[)）]\s*"
                          r"|[a-z][.)]\s+|[ivx]{1,4}[.)]\s*)")
_HEAD_END = re.compile(r"[,，:：;；。.!?！？]")
_ADJACENT = re.compile(r"^(?:\s|[、/,，()（）&+]|和|与|及|或|以及|或者|如|例如|比如|等|方法|技术|层|使用|采用|"
                       r"\d+|[一二三四五六七八九十两几]+|个|种|类|"
                       r"and|or|such as|e\.g\.|like|with)*$")

SKOS = "http://www.w3.org/2004/02/skos/core#"
C = ontology.CONCEPT_NS
PROBLEM, ARCH, LAYER = C + "problem", C + "architecture", C + "layer"
NOT_ACTORS = {C + "mathematics", C + "metric", C + "task"}


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
    """The cue words (ingest/data/cues.json)."""
    return json.loads(resources.files("ingest.data").joinpath("cues.json").read_text(encoding="utf-8"))


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(norm(w)) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _regexes() -> dict[str, re.Pattern[str]]:
    c = cues()

    def rx(words: Iterable[str]) -> re.Pattern[str]:
        ws = list(words)
        ascii_words = [w for w in ws if w.isascii()]
        other = [w for w in ws if not w.isascii()]
        parts = []
        if other:
            parts.append(f"(?:{_alt(other)})")
        if ascii_words:
            parts.append(rf"(?<![a-z])(?:{_alt(ascii_words)})(?![a-z])")
        return re.compile("|".join(parts))

    out = {
        "mitigates.forward": rx(c["mitigates"]["forward"]),
        "mitigates.passive": rx(c["mitigates"]["passive"]),
        "mitigates.question": rx(c["mitigates"]["question"]),
        "mitigates.method": rx(c["mitigates"]["method_words"]),
        "causes.forward": rx(c["causes"]["forward"]),
        "causes.passive": rx(c["causes"]["passive"]),
        "causes.question": rx(c["causes"]["question"]),
        "partOf.whole_first": rx(c["partOf"]["whole_first"]),
        "partOf.part_first": rx(c["partOf"]["part_first"]),
        "partOf.question": rx(c["partOf"]["question"]),
        "partOf.list_intro": rx(c["partOf"]["list_intro"]),
        "variantOf.forward": rx(c["variantOf"]["forward"]),
        "variantOf.object_first": rx(c["variantOf"]["object_first"]),
        "variantOf.examples": rx(c["variantOf"]["examples"]),
        "variantOf.heading": re.compile(rf"(?:{_alt(c['variantOf']['heading'])})\s*[:：]"),
        "negation": rx(c["negation"]),
        "yes_no": rx(c["yes_no"]),
        "how": rx(c["how"]),
        "arrow": re.compile(_alt(c["chain_arrows"])),
    }
    pairs = "|".join(f"{re.escape(norm(a))}(?!于)(.{{1,80}}?){re.escape(norm(b))}"
                     for a, b in c["partOf"]["between_pair"])
    out["partOf.pair"] = re.compile(pairs)
    return out


_CUE_KEYS = {
    "mitigates.forward": ("mitigates", "forward"), "mitigates.passive": ("mitigates", "passive"),
    "mitigates.method": ("mitigates", "method_words"), "causes.forward": ("causes", "forward"),
    "causes.passive": ("causes", "passive"), "partOf.whole_first": ("partOf", "whole_first"),
    "partOf.part_first": ("partOf", "part_first"), "partOf.introduces": ("partOf", "introduces"),
    "variantOf.forward": ("variantOf", "forward"),
    "variantOf.object_first": ("variantOf", "object_first"), "variantOf.examples": ("variantOf", "examples"),
    "variantOf.heading": ("variantOf", "heading"),
}


class _Hit:
    __slots__ = ("a", "b")

    def __init__(self, a: int, b: int):
        self.a, self.b = a, b

    def start(self) -> int:
        return self.a

    def end(self) -> int:
        return self.b


@lru_cache(maxsize=1)
def _cue_automaton() -> ahocorasick.Automaton:
    """One automaton over every cue word; a word maps to the cue kinds it belongs to."""
    c = cues()
    words: dict[str, set[str]] = {}
    for key, (pred, kind) in _CUE_KEYS.items():
        for w in c[pred][kind]:
            words.setdefault(norm(w), set()).add(key)
    for _a, b in c["partOf"]["between_pair"]:
        words.setdefault(norm(b), set()).add("partOf.pair")
    for w in c["chain_arrows"]:
        words.setdefault(norm(w), set()).add("arrow")
    auto = ahocorasick.Automaton()
    for w, keys in words.items():
        if w:
            auto.add_word(w, (w, tuple(sorted(keys))))
    auto.make_automaton()
    return auto


def _cue_words(n: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """(start, end, word, kinds) of every cue word occurring in n, word bounds not checked."""
    return [(end - len(w) + 1, end + 1, w, keys) for end, (w, keys) in _cue_automaton().iter(n)]


def cue_hits(n: str, found: list[tuple[int, int, str, tuple[str, ...]]] | None = None) -> dict[str, list[_Hit]]:
    """Cue occurrences by kind in normalised text (longest at each place, English word bounds);
    `found`: `_cue_words(n)` when already known."""
    raw: dict[str, list[tuple[int, int]]] = {}
    for a, b, w, keys in _cue_words(n) if found is None else found:
        if w[0].isascii() and w[0].isalpha() and a > 0 and n[a - 1].isascii() and n[a - 1].isalpha():
            continue
        if w[-1].isascii() and w[-1].isalpha() and b < len(n) and n[b].isascii() and n[b].isalpha():
            continue
        for k in keys:
            raw.setdefault(k, []).append((a, b))
    out: dict[str, list[_Hit]] = {}
    for k, spans in raw.items():
        spans.sort(key=lambda x: (x[0], -x[1]))
        kept: list[_Hit] = []
        for a, b in spans:
            if kept and a < kept[-1].b:
                continue
            kept.append(_Hit(a, b))
        out[k] = kept
    return out


@dataclass
class _Types:
    top: dict[str, frozenset[str]]
    categories: frozenset[str]
    broader: frozenset[tuple[str, str]]
    has_narrower: frozenset[str]
    narrower_count: dict[str, int]
    has_narrower_many: frozenset[str]
    heads: dict[str, frozenset[str]]  # concept -> concepts whose label ends its label


@lru_cache(maxsize=1)
def types() -> _Types:
    """Top categories of every concept (via skos:broader), from the ontology."""
    broader: dict[str, set[str]] = {}
    categories: set[str] = set()
    # the parsed ontology files: the curated assertions ontology_quads() adds hold neither
    for q in ontology.parsed():
        p = q.predicate.value
        if not isinstance(q.subject, ox.NamedNode) or not isinstance(q.object, ox.NamedNode):
            continue
        if p == SKOS + "broader":
            broader.setdefault(q.subject.value, set()).add(q.object.value)
        elif p.endswith("#type") and q.object.value == ontology.NS + "Category":
            categories.add(q.subject.value)
    top: dict[str, frozenset[str]] = {}

    def tops(c: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        if c in top:
            return top[c]
        if c in categories or c not in broader:
            return frozenset({c})
        out: set[str] = set()
        for b in broader[c]:
            if b not in seen:
                out |= tops(b, seen | {c})
        top[c] = frozenset(out or {c})
        return top[c]

    for c in broader:
        tops(c)
    voc = ontology.vocabulary()
    by_label: dict[str, set[str]] = {}
    norms = label_norms()
    for text, iris in voc.labels.items():
        by_label.setdefault(norms[text].replace(" ", ""), set()).update(iris)
    has_narrower = {b for bs in broader.values() for b in bs}
    narrower_count: dict[str, int] = {}
    for bs in broader.values():
        for b in bs:
            narrower_count[b] = narrower_count.get(b, 0) + 1
    heads: dict[str, set[str]] = {}
    for label, iris in by_label.items():
        for cut in range(1, len(label) - 1):
            tail = label[cut:]
            if tail not in by_label:
                continue
            # glued ASCII words: "nadam" / "adam" yes, "mobilenet" / "lenet" and "relu" / "elu" no
            glued = label[cut - 1] in _WORDISH and tail[0] in _WORDISH and (cut > 2 or len(tail) < 4)
            if len(tail) >= 2 and not label[:cut].strip("-_ ").isdigit() and not glued:
                for a in iris:
                    heads.setdefault(a, set()).update(b for b in by_label[tail] if b != a)
    return _Types(top, frozenset(categories), frozenset((s, o) for s, bs in broader.items() for o in bs),
                  frozenset(has_narrower), narrower_count, frozenset(b for b, n in narrower_count.items() if n >= 4),
                  {k: frozenset(v) for k, v in heads.items()})


def _top(c: str) -> frozenset[str]:
    found = types().top.get(c)
    return found if found is not None else frozenset({c})


@lru_cache(maxsize=1)
def _part_tops() -> frozenset[str]:
    return frozenset(C + c for c in cues()["part_categories"])


def allowed(predicate: str, s: str, o: str) -> bool:
    """Whether the ontology's types allow this triple (keeps directions right)."""
    t = types()
    if s == o or s in t.categories or o in t.categories:
        return False
    ts, to = _top(s), _top(o)
    if predicate == "mitigates":
        return PROBLEM in to and PROBLEM not in ts and not (ts & NOT_ACTORS) and s not in _generic()
    if predicate == "causes":
        return PROBLEM in to and not (ts & NOT_ACTORS) and s not in _generic()
    if predicate == "partOf":
        return bool(to & {ARCH, LAYER}) and ts <= _part_tops() and (o, s) not in t.broader \
            and (s, o) not in t.broader
    if predicate == "variantOf":
        return bool(ts & to) and PROBLEM not in ts and not (ts & NOT_ACTORS)
    return False


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


@lru_cache(maxsize=1)
def _locative_rx() -> tuple[re.Pattern[str], re.Pattern[str]]:
    loc = cues()["locative"]
    return (re.compile(rf"(?:(?<!相)对|对于|(?:{_alt(loc['before'])}))\s*$"),
            re.compile(rf"\s*(?:{_alt(loc['after'])})"))


def locative(n: str, m: Mention) -> bool:
    """A mention framed as a setting (在 RNN 中, 对于深层网络), not an actor."""
    if m.start == 0:
        return False
    before_rx, after_rx = _locative_rx()
    found = before_rx.search(n, max(0, m.start - 4), m.start)
    if not found:
        return False
    word = found.group(0).strip()
    if word in ("对", "对于"):
        return True
    return bool(after_rx.match(n, m.end))


@lru_cache(maxsize=1)
def _negated_prefix() -> tuple[str, ...]:
    return tuple(norm(w) for w in cues()["negated_prefix"])


@lru_cache(maxsize=1)
def _negated_suffix() -> tuple[str, ...]:
    return tuple(norm(w) for w in cues()["negated_suffix"])


@lru_cache(maxsize=1)
def _negated_words() -> re.Pattern[str]:
    return re.compile(_alt(w for w in _negated_prefix() if len(w) > 1))


def negated_mention(n: str, m: Mention) -> bool:
    """非线性模型 is not 线性模型; 没有足够的训练数据 is not training data acting; 输入层不作为网络结构."""
    start = max(0, m.start - 8)
    if n[start:m.start].endswith(_negated_prefix()) or _negated_words().search(n, start, m.start):
        return True
    return n[m.end:m.end + 12].lstrip(" )）").startswith(_negated_suffix())


def actors(linker: Linker, n: str) -> list[Mention]:
    """Mentions in normalised text that are not settings and not negated (非线性模型)."""
    return [m for m in linker.find_normalized(n) if not locative(n, m) and not negated_mention(n, m)]


class _Ctx:
    """One sentence, normalised, with its mentions."""

    def __init__(self, sentence: str, linker: Linker, normalized: str | None = None,
                 mentions: list[Mention] | None = None):
        self.quote = sentence.strip()
        self.n = norm(sentence) if normalized is None else normalized
        found = linker.find_normalized(self.n) if mentions is None else mentions
        self.cues: dict[str, list[_Hit]] = cue_hits(self.n) if found else {}
        # settings and negated mentions only matter where a cue can relate them
        self.mentions = [m for m in found if not locative(self.n, m) and not negated_mention(self.n, m)] \
            if self.cues else found

    def hits(self, kind: str) -> list[_Hit]:
        return self.cues.get(kind, [])

    def negated(self, pos: int) -> bool:
        window = self.n[max(0, pos - 12):pos]
        return bool(_regexes()["negation"].search(window[-6:] if not window.isascii() else window))

    def clause_start(self, pos: int) -> int:
        starts = [m.end() for m in _CLAUSE_BREAK.finditer(self.n, 0, pos)]
        return starts[-1] if starts else 0

    def clause_end(self, pos: int) -> int:
        m = _CLAUSE_BREAK.search(self.n, pos)
        return m.start() if m else len(self.n)

    def between(self, a: int, b: int) -> list[Mention]:
        return [m for m in self.mentions if m.start >= a and m.end <= b]


def group(ctx_text: str, mentions: list[Mention], first: int = 0) -> list[Mention]:
    """The mention at `first` and those joined to it by 和 / 、 / or / such as …"""
    if not mentions:
        return []
    out = [mentions[first]]
    for m in mentions[first + 1:]:
        if _ADJACENT.match(ctx_text[out[-1].end:m.start]):
            out.append(m)
        else:
            break
    return out


class _Out:
    def __init__(self) -> None:
        self.found: dict[tuple[str, str, str], Relation] = {}

    def add(self, s: str, p: str, o: str, quote: str, conf: float, method: str) -> None:
        if not allowed(p, s, o):
            return
        key = (s, p, o)
        if key not in self.found or conf > self.found[key].confidence:
            self.found[key] = Relation(s, p, o, quote[:1000], conf, method)


@lru_cache(maxsize=1)
def _connectives() -> tuple[str, ...]:
    return tuple(norm(w) for w in cues()["subject_connectives"])


_NEW_THOUGHT = re.compile(r"^\s*(?:但是|但|而是|然而|不过|however|but)")


def _any_cue(n: str, a: int, b: int) -> bool:
    """A (not negated) cue between a and b: the mention before it is another verb's subject."""
    rx = _regexes()
    for k in ("mitigates.forward", "causes.forward", "variantOf.forward", "partOf.whole_first"):
        for m in rx[k].finditer(n, a, b):
            if not rx["negation"].search(n[max(0, m.start() - 6):m.start()]):
                return True
    return False


def _subject_before(ctx: _Ctx, pos: int, topic: str | None, walk: bool = True,
                    actor_only: bool = False) -> list[str]:
    """Who does it: mentions before the cue in its clause; else the subject of the clause
    before (not across 但/however, not past another cue); else the topic. `actor_only`:
    problems are never the subject (过拟合可以用 Dropout 来缓解)."""
    cs = ctx.clause_start(pos)
    before = [m for m in ctx.between(cs, pos) if not _any_cue(ctx.n, m.end, pos)
              and not (actor_only and PROBLEM in _top(m.concept))]
    if before:
        used = [m for m in before if ctx.n[max(cs, m.start - 4):m.start].rstrip().endswith(_instruments())]
        return [m.concept for m in group(ctx.n, before, before.index(used[0]) if used else 0)]
    if walk:
        end = cs
        for _ in range(1):
            if end <= 0 or _NEW_THOUGHT.match(ctx.n[end:pos]):
                break
            start = ctx.clause_start(max(0, end - 1))
            ms = ctx.between(start, end)
            if ms:
                lead = ctx.n[start:ms[0].start].strip(" -*•·()（）[]【】")
                if (not lead or lead in _connectives() or (len(lead) <= 12 and lead.startswith(_connectives()))) \
                        and not _any_cue(ctx.n, ms[0].end, pos):
                    return [ms[0].concept]
            break
    opening = _ITEM_PREFIX.sub("", ctx.n[:pos]).strip(" -*•·()（）[]【】0123456789.、")
    if topic and len(opening) <= 4:  # a subjectless item: "避免梯度消失问题。" under its topic
        return [topic]
    return []


def from_sentence(ctx: _Ctx, topic: str | None, out: _Out, problems: list[str] | None = None) -> None:
    """Relations one sentence states by a cue word between mentions (or the topic)."""
    if not ctx.mentions or not ctx.cues:
        return
    _effects(ctx, topic, out, problems or [])
    _parts(ctx, topic, out)
    _variants(ctx, topic, out)
    if ctx.hits("arrow"):
        _chain(ctx, out)


def _effects(ctx: _Ctx, topic: str | None, out: _Out, problems: list[str]) -> None:
    """mitigates / causes, forward (A 缓解 B) and passive (B 发生在使用 A 时)."""
    n = ctx.n
    for pred in ("mitigates", "causes"):
        for h in ctx.hits(f"{pred}.forward"):
            if ctx.negated(h.start()):
                continue
            objs = group(n, ctx.between(h.end(), ctx.clause_end(h.end())))
            if not objs and pred == "mitigates":  # 过拟合可以用 Dropout 来缓解
                objs = [m for m in ctx.between(ctx.clause_start(h.start()), h.start()) if m.concept in problems
                        or PROBLEM in _top(m.concept)][:1]
            if not objs:
                continue
            mitigating = pred == "mitigates"
            subjects = _subject_before(ctx, h.start(), topic if mitigating else None, actor_only=mitigating)
            if mitigating and objs:
                tail = ctx.n[objs[-1].end:ctx.clause_end(objs[-1].end)]
                prep = _instrument_prep().search(tail)
                if prep:
                    after = ctx.between(objs[-1].end + prep.end(), ctx.clause_end(objs[-1].end))
                    if after and PROBLEM not in _top(after[0].concept):
                        subjects = [after[0].concept]
            for sc in subjects:
                for om in objs:
                    out.add(sc, pred, om.concept, ctx.quote, 0.7, "pattern")
        for h in ctx.hits(f"{pred}.passive"):
            if ctx.negated(h.start()):
                continue
            subj = ctx.between(h.end(), ctx.clause_end(h.end()))
            targets = [x.concept for x in ctx.between(ctx.clause_start(h.start()), h.start())]
            targets = targets or [x.concept for x in ctx.between(0, h.start())[:1]] or problems
            for sm in group(n, subj):
                for oc in targets:
                    out.add(sm.concept, pred, oc, ctx.quote, 0.65, "pattern")


def _parts(ctx: _Ctx, topic: str | None, out: _Out) -> None:
    """partOf: X 由 A 和 B 组成, X 包括 A、B, A 是 X 的组成部分."""
    n = ctx.n
    if ctx.hits("partOf.pair"):
        for mt in _regexes()["partOf.pair"].finditer(n):
            if ctx.negated(mt.start()):
                continue
            inner = next(g for g in mt.groups() if g is not None)
            start = n.index(inner, mt.start())
            for wc in _subject_before(ctx, mt.start(), None):
                for pm in ctx.between(start, start + len(inner)):
                    out.add(pm.concept, "partOf", wc, ctx.quote, 0.7, "pattern")
    for h in ctx.hits("partOf.whole_first"):
        if ctx.negated(h.start()):
            continue
        parts = ctx.between(h.end(), ctx.clause_end(h.end()))
        for wc in _subject_before(ctx, h.start(), None)[:1]:
            for pm in group(n, parts):
                out.add(pm.concept, "partOf", wc, ctx.quote, 0.6, "pattern")
    if topic and ARCH in _top(topic):
        for h in ctx.hits("partOf.introduces"):  # "- 简化 LSTM 的结构，并引入重置门" under GRU
            opening = _ITEM_PREFIX.sub("", n[ctx.clause_start(h.start()):h.start()]).strip(" -*•并且而和,，")
            end = ctx.clause_end(h.end())
            parts = group(n, ctx.between(h.end(), end))
            rest = re.sub(r"[(（][^)）]*[)）]", "", n[parts[-1].end:end]).strip(" 。.;；)）") if parts else "x"
            if not opening and not rest and not ctx.negated(h.start()):  # the clause is just "引入 X"
                for pm in parts:
                    out.add(pm.concept, "partOf", topic, ctx.quote, 0.55, "pattern")
    for h in ctx.hits("partOf.part_first"):
        before = ctx.between(0, h.start())
        if len(before) >= 2 and not ctx.negated(h.start()):
            for pm in group(n, before[:-1], 0):
                out.add(pm.concept, "partOf", before[-1].concept, ctx.quote, 0.7, "pattern")


def _variants(ctx: _Ctx, topic: str | None, out: _Out) -> None:
    """variantOf: A 改进了 B, A 是 B 的变体, B 的变体如 A, 改进版本：A (under topic B)."""
    n = ctx.n
    for h in ctx.hits("variantOf.forward"):
        if ctx.negated(h.start()):
            continue
        objs = ctx.between(h.end(), ctx.clause_end(h.end()))
        if objs:
            for sc in _subject_before(ctx, h.start(), topic):
                out.add(sc, "variantOf", objs[0].concept, ctx.quote, 0.7, "pattern")
    for h in ctx.hits("variantOf.examples"):
        base = ctx.between(0, h.start())
        subs = ctx.between(h.end(), ctx.clause_end(h.end()))
        if base and subs:
            for sm in group(n, subs):
                out.add(sm.concept, "variantOf", base[-1].concept, ctx.quote, 0.6, "pattern")
    examples = {h.start() for h in ctx.hits("variantOf.examples")}
    for h in ctx.hits("variantOf.object_first"):
        if ctx.negated(h.start()) or h.start() in examples:
            continue
        before = ctx.between(0, h.start())
        if not before or not re.fullmatch(r"[\s()（）]*", n[before[-1].end:h.start()]):
            continue
        subjects = [x.concept for x in before[:-1][:1]] or ([topic] if topic else [])
        for sc in subjects:
            out.add(sc, "variantOf", before[-1].concept, ctx.quote, 0.7, "pattern")
    if topic and ctx.hits("variantOf.heading"):
        for mt in _regexes()["variantOf.heading"].finditer(n):
            if mt.start() <= 4:
                for sm in group(n, ctx.between(mt.end(), len(n))):
                    out.add(sm.concept, "variantOf", topic, ctx.quote, 0.6, "pattern")


def _chain(ctx: _Ctx, out: _Out) -> None:
    """SGD -> Momentum -> NAG: each step a variant of the step before."""
    rx = _regexes()["arrow"]
    pieces, pos = [], 0
    for m in rx.finditer(ctx.n):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(ctx.n)))
    steps: list[list[str]] = []
    for a, b in pieces:
        ms = ctx.between(a, b)
        if not ms:
            steps.append([])
            continue
        first = group(ctx.n, ms)
        steps.append([x.concept for x in first if "/" in ctx.n[a:b] or x is first[0]])
    if sum(1 for st in steps if st) < 3:  # "输入层 --> 输出层" is a flow, not a lineage
        return
    for prev, cur in zip(steps, steps[1:], strict=False):
        for s in cur:
            for o in prev:
                out.add(s, "variantOf", o, ctx.quote, 0.5, "chain")


def _item_head(text: str) -> str:
    text = _ITEM_PREFIX.sub("", text, count=1)
    m = _HEAD_END.search(text)
    return text[:m.start()] if m else text


def _is_item(line: str) -> bool:
    return bool(_ITEM_PREFIX.match(line))


def _items(answer_lines: list[str]) -> list[str]:
    """List items of an answer: bullet/numbered lines, else short lines when several."""
    items = [ln for ln in answer_lines if _is_item(ln)]
    if len(items) >= 2:
        return items
    short = [ln for ln in answer_lines if 0 < len(ln.strip()) <= 30 and "。" not in ln and "http" not in ln]
    return short if len(short) >= 2 else items


def _targets(text: str, linker: Linker) -> list[str]:
    return [c for c in linker.concepts(text) if PROBLEM in _top(c) and c not in types().categories]


@lru_cache(maxsize=1)
def _technique_tops() -> frozenset[str]:
    return frozenset(C + c for c in cues()["technique_categories"])


@lru_cache(maxsize=1)
def _method_words() -> re.Pattern[str]:
    return re.compile(_alt(cues()["mitigates"]["method_words"]))


@lru_cache(maxsize=1)
def _purpose() -> re.Pattern[str]:
    return re.compile(_alt(cues()["purpose_markers"]))


@lru_cache(maxsize=1)
def _instrument_prep() -> re.Pattern[str]:
    words = [norm(w) for w in cues()["instrument_prepositions"]]
    return re.compile(r"^[^,，。]{0,12}?(?<![a-z])(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z])")


@lru_cache(maxsize=1)
def _quantities() -> tuple[str, ...]:
    return tuple(norm(w) for w in cues()["quantity_verbs"])


@lru_cache(maxsize=1)
def _instruments() -> tuple[str, ...]:
    return tuple(norm(w) for w in cues()["instrument_verbs"])


def techniques(head: str, linker: Linker, exclude: Iterable[str] = (), strict: bool = False) -> list[str]:
    """The techniques a list item names: its head (up to a cue, a purpose word or a comma),
    the first mention and those joined to it, plus any mention of a technique category.
    `strict` (a bare answer list): the item must open with the technique or a verb of use
    (使用 / 采用 / add …), and a model or layer counts only when it is the whole item."""
    rx = _regexes()
    n = norm(head)
    if rx["mitigates.forward"].match(n.lstrip()):  # "减少模型复杂度": what is reduced, not a technique
        return []
    cut = [x.start() for x in (rx["mitigates.forward"].search(n), _purpose().search(n, 1), _COMMA.search(n)) if x]
    if cut and min(cut) > 0:
        n = n[:min(cut)]
    skip = set(exclude)
    ms = [m for m in actors(linker, n) if m.concept not in skip]
    if not ms:
        return []
    first = group(n, ms)
    if n.lstrip(" *_").startswith(_quantities()):  # 增加训练数据: a quantity, not a technique
        first = []
    if strict and first:
        opening = n[:ms[0].start].strip(" *_()（）[]")
        if opening and not opening.startswith(_instruments()):
            return []
        if not (_top(ms[0].concept) & _technique_tops() - {ARCH, LAYER}) and len(n[first[-1].end:].strip()) > 4:
            return []
    out = [m.concept for m in first]
    out += [m.concept for m in ms if _top(m.concept) & (_technique_tops() - {C + "training-practice", ARCH, LAYER})]
    return list(dict.fromkeys(out))


def from_question(question: str, answer_lines: list[str], linker: Linker, out: _Out,
                  qconcepts: list[str] | None = None, normalized: str | None = None) -> None:
    """A question asking for a relation, answered by a list: each item's head concept."""
    rx = _regexes()
    q = norm(question) if normalized is None else normalized
    qconcepts = linker.concepts(question) if qconcepts is None else qconcepts
    asks_fix, asks_parts = rx["mitigates.question"].search(q), rx["partOf.question"].search(q)
    items = _items(answer_lines) if asks_fix or asks_parts else []
    if asks_fix:
        targets = _targets(question, linker)
        if len(targets) != 1:  # which item fixes which problem is not stated
            targets = []
        for item in items if targets else ():
            head = _item_head(item)
            if set(linker.concepts(head)) & set(qconcepts):
                continue  # the item describes the problem itself
            for sc in techniques(head, linker, qconcepts, strict=True):
                for t in targets:
                    out.add(sc, "mitigates", t, item.strip(), 0.6, "question-answer")
    if asks_parts:
        wholes = [c for c in qconcepts if _top(c) & {ARCH, LAYER}][:1]
        for whole in wholes:
            for item in items:
                head = norm(_item_head(item))
                ms = [m for m in actors(linker, head) if m.concept not in qconcepts]
                if ms and ms[0].start <= 3:
                    for p in group(head, ms):
                        out.add(p.concept, "partOf", whole, item.strip(), 0.6, "question-answer")


def _method_lists(lines: list[str], nlines: list[str], question_targets: list[str], linker: Linker,
                  out: _Out, rows: Iterable[int] | None = None) -> None:
    """缓解X的方法包括：A；B；C — or the same intro ending with a colon, then list items
    (`rows`: the lines worth reading, when known; every line otherwise)."""
    rx = _regexes()
    for i in range(len(lines)) if rows is None else rows:
        line, n = lines[i], nlines[i]
        if not _method_words().search(n) or "mitigates.method" not in cue_hits(n):
            continue
        for m in rx["mitigates.method"].finditer(n):
            intro = n[:m.start()]
            intro = intro[max(intro.rfind("。"), intro.rfind(";"), intro.rfind("；")) + 1:]
            if not rx["mitigates.forward"].search(intro) and not rx["mitigates.question"].search(intro):
                continue
            if rx["negation"].search(intro[-8:]):
                continue
            targets = _targets(intro, linker) or question_targets
            cue = rx["mitigates.forward"].search(intro) or rx["mitigates.question"].search(intro)
            start = _CLAUSE_BREAK_ALL.split(intro[:cue.start()])[-1] if cue else ""
            named = [x.concept for x in actors(linker, start) if PROBLEM not in _top(x.concept)]
            if named:  # "降维是缓解维数灾难的方法": the technique is named before
                for sc in named[:1]:
                    for t in targets:
                        out.add(sc, "mitigates", t, line.strip(), 0.65, "pattern")
                break
            rest = n[m.end():]
            end = re.search(r"[。!?！？]", rest)
            rest = rest[:end.start()] if end else rest
            chunks = [(c, line) for c in re.split(r"[；;]|(?<=[a-z)])\.\s", rest)]
            if not rest.strip(_INTRO_FILLER):
                chunks = [(norm(x), x) for x in lines[i + 1:] if _is_item(x)]
            for chunk, quote in chunks:
                head = _ITEM_PREFIX.sub("", chunk).strip(_INTRO_FILLER)
                for sc in techniques(head, linker, targets):
                    for t in targets:
                        out.add(sc, "mitigates", t, quote.strip(), 0.65, "enumeration")
            break


def _enumerations(lines: list[str], nlines: list[str], topic_of: list[str | None], linker: Linker,
                  out: _Out) -> None:
    """A cue line ending with a colon (or a bare cue such as 组成) and the list items after it."""
    rx = _regexes()
    for i, _line in enumerate(lines):
        n = _ITEM_PREFIX.sub("", nlines[i]).strip()
        if not n or not (n.endswith((":", "：")) or len(n) <= 6):
            continue
        cue = rx["partOf.list_intro"].search(n)
        if not cue:
            continue
        before = [m for m in linker.find_normalized(n[:cue.start()])]
        whole = before[0].concept if before else topic_of[i]
        if not whole or ARCH not in _top(whole):
            continue
        for item in lines[i + 1:]:
            if not item.strip():
                continue
            head = norm(_item_head(item))
            ms = actors(linker, head)
            if not ms or head[:ms[0].start].strip(" *_"):
                break
            out.add(ms[0].concept, "partOf", whole, item.strip(), 0.6, "enumeration")


@lru_cache(maxsize=1)
def _list_intro_words() -> tuple[str, ...]:
    """The words `partOf.list_intro` matches (one of them occurs wherever it matches)."""
    return tuple(dict.fromkeys(norm(w) for w in cues()["partOf"]["list_intro"]))


def generic_concepts() -> frozenset[str]:
    """Concepts too generic to make a text about something (神经网络, 模型, 深度学习)."""
    return _generic()


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    voc = ontology.vocabulary()
    words = {norm(w) for w in cues()["generic_heads"]}
    out: set[str] = set()
    norms = label_norms()
    for text, iris in voc.labels.items():
        if text.casefold() in words or norms[text] in words:
            out |= iris
    return frozenset(out)


def _label_heads(concepts: list[str], quote_of: dict[str, str], out: _Out) -> None:
    """双向 RNN and RNN both mentioned: the modified label names a variant."""
    t = types()
    present = set(concepts)
    allowed_tops = {C + c for c in cues()["variant_categories"]}
    for a in concepts:
        for b in t.heads.get(a, ()):
            if b in present and b not in _generic() and (a, b) not in t.broader and _top(b) & allowed_tops \
                    and t.narrower_count.get(b, 0) < 4:
                out.add(a, "variantOf", b, quote_of.get(a, ""), 0.4, "label-head")


_SENT_END = re.compile(r"[。！？!?；;]+|(?<=[.])[^\S\n]+(?=[A-Z\u4e00-\u9fff])")  # never spans a line break


MAX_SENTENCE = 2000  # longer runs without a sentence end are cut (the per-sentence work is quadratic)


def _spans(text: str) -> list[tuple[int, int, int]]:
    """(line number, start, end) of every sentence, as offsets into text."""
    out: list[tuple[int, int, int]] = []
    breaks = [m.end() for m in _SENT_END.finditer(text)]  # one pass; each falls inside one line
    k = 0
    pos = 0
    for i, line in enumerate(text.split("\n")):
        a = pos
        stop = pos + len(line)
        j = k
        while j < len(breaks) and breaks[j] <= stop:
            j += 1
        for end in (*breaks[k:j], stop):
            while end - a > MAX_SENTENCE:
                out.append((i, a, a + MAX_SENTENCE))
                a += MAX_SENTENCE
            if end > a:
                out.append((i, a, end))
                a = end
        k = j
        pos = stop + 1
    return out


def _rows_of(lines: list[str], offsets: list[int]) -> list[int]:
    """The line numbers (in order, once each) of offsets into "\\n".join(lines)."""
    if not offsets:
        return []
    starts = list(accumulate((len(ln) + 1 for ln in lines[:-1]), initial=0))
    return list(dict.fromkeys(bisect_right(starts, o) - 1 for o in offsets))


def _label_topic(ctx: _Ctx) -> str | None:
    """"Dropout: 在训练时…": a sentence opening with a concept and a colon is about it."""
    if ctx.mentions:
        first = ctx.mentions[0]
        lead = _ITEM_PREFIX.sub("", ctx.n[:first.start]).strip(" -*•·#")
        if not lead and ctx.n[first.end:first.end + 3].lstrip().startswith((":", "：")):
            return first.concept
    return None


def analyse(question: str, answer: str, linker: Linker) -> tuple[list[Relation], list[str], list[str]]:
    """Every candidate relation of one question/answer unit (deduplicated by triple), the
    concepts its question asks about and those its answer mentions (one pass each)."""
    question = question[:MAX_SENTENCE]  # bounds the quadratic per-sentence work (a 1 MB heading)
    out = _Out()
    rx = _regexes()
    nq = norm(question)
    qconcepts = list(dict.fromkeys(m.concept for m in linker.find_normalized(nq)))  # linker.concepts, one norm
    problems = [c for c in qconcepts if PROBLEM in _top(c) and c not in types().categories]
    default_topic = next((c for c in qconcepts if PROBLEM not in _top(c) and c not in types().categories),
                         None)
    for qs in sentences(question) if len(qconcepts) > 1 and cue_hits(nq) else ():
        nqs = norm(qs)
        if not rx["yes_no"].search(nqs) and not rx["how"].search(nqs):
            from_sentence(_Ctx(qs, linker), None, out)
    plain = answer.isascii() and "\0" not in answer  # nothing to convert (OpenCC would end the text at NUL)
    na = answer.lower() if plain else to_simplified(answer).lower()
    aligned = len(na) == len(answer)
    every = linker.find_normalized(na) if aligned else linker.find(answer)
    starts = [m.start for m in every]
    lines = answer.split("\n")
    topic = default_topic
    topic_of: list[str | None] = []
    quote_of: dict[str, str] = {}
    line_no = -1
    line_start = [0]
    for ln in lines:
        line_start.append(line_start[-1] + len(ln) + 1)
    categories = types().categories
    found_cues = _cue_words(na) if aligned else []
    if not (cue_hits(na, found_cues) if aligned else cue_hits(norm(answer))):  # no cue: no relation stated
        spans: list[tuple[int, int, int]] = []
        for m in every:
            i = bisect_left(line_start, m.start + 1) - 1
            quote_of.setdefault(m.concept, lines[min(i, len(lines) - 1)].strip())
    else:
        spans = _spans(answer)
    # where cue words occur (any, before word bounds): a sentence holding none states no relation
    cue_at = sorted((a, b) for a, b, _w, _k in found_cues) if spans else []
    cue_starts = [c[0] for c in cue_at]
    for i, a, b in spans:
        while line_no < i:
            line_no += 1
            line = lines[line_no]
            stripped = _ITEM_PREFIX.sub("", line).strip() if 0 < len(line) <= 60 else ""
            if 0 < len(stripped) <= 40 and not _TOPIC_BREAK.search(stripped):
                if aligned:
                    lo = bisect_left(starts, line_start[line_no])
                    hi = bisect_left(starts, line_start[line_no + 1])
                    cs = {m.concept for m in every[lo:hi]} - categories
                else:
                    cs = set(linker.concepts(stripped)) - categories
                if len(cs) == 1:
                    topic = next(iter(cs))
            topic_of.append(topic)
        if not answer[a:b].strip() or lines[i].lstrip().startswith("|"):  # table rows: cells, not sentences
            continue
        if aligned:
            lo, hi = bisect_left(starts, a), bisect_left(starts, b)
            k = bisect_left(cue_starts, a)
            while k < len(cue_at) and cue_at[k][0] < b and cue_at[k][1] > b:
                k += 1
            if k == len(cue_at) or cue_at[k][0] >= b:  # no cue inside: only the mentions' quotes
                inside = [m for m in every[lo:hi] if m.end <= b]
                if inside:
                    quote = answer[a:b].strip()
                    for m in inside:
                        quote_of.setdefault(m.concept, quote)
                continue
            ms = [Mention(m.concept, m.start - a, m.end - a, m.surface) for m in every[lo:hi] if m.end <= b]
            if not ms:
                continue
            ctx = _Ctx(answer[a:b], linker, na[a:b], ms)
        else:
            ctx = _Ctx(answer[a:b], linker)
        for m in ctx.mentions:
            quote_of.setdefault(m.concept, ctx.quote)
        from_sentence(ctx, _label_topic(ctx) or topic, out, problems)
    # a list intro (组成 / 包括 …) anywhere in the answer; its words are a cheap test first
    has_intro = any(w in na for w in _list_intro_words()) and bool(rx["partOf.list_intro"].search(na))
    intro = has_intro if not spans else False
    while len(topic_of) < len(lines):  # topics of the remaining lines (all of them without cues)
        line_no = len(topic_of)
        stripped = _ITEM_PREFIX.sub("", lines[line_no]).strip() if intro and len(lines[line_no]) <= 60 else ""
        if spans == [] and intro and 0 < len(stripped) <= 40 and not _TOPIC_BREAK.search(stripped):
            cs = set(linker.concepts(stripped)) - categories
            if len(cs) == 1:
                topic = next(iter(cs))
        topic_of.append(topic)
    from_question(question, lines, linker, out, qconcepts, nq)
    nlines = na.split("\n") if aligned else [norm(x) for x in lines]
    # a line can only hold a method word or a list intro the whole (aligned) answer holds
    if not aligned:
        _method_lists(lines, nlines, problems, linker, out)
    else:  # only the lines holding a method word (no method word spans a line break)
        rows = _rows_of(nlines, [m.start() for m in _method_words().finditer(na)])
        if rows:
            _method_lists(lines, nlines, problems, linker, out, rows)
    if not aligned or has_intro:
        _enumerations(lines, nlines, topic_of, linker, out)
    _label_heads(list(dict.fromkeys(qconcepts + list(quote_of))), {**{c: question for c in qconcepts}, **quote_of},
                 out)
    return list(out.found.values()), qconcepts, list(dict.fromkeys(m.concept for m in every))


def extract(question: str, answer: str, linker: Linker) -> list[Relation]:
    """Every candidate relation of one question/answer unit, deduplicated by triple."""
    return analyse(question, answer, linker)[0]
