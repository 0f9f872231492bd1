"""Duplicate questions: pure clustering over (question IRI, text) pairs, store-agnostic.

Two questions are duplicates when (see docs/ingest.md):

1. their folded texts are equal (NFKC, 繁→简, case, punctuation, question filler words
   such as 请/简要/如何/什么是/哪些 removed), or equal once each concept mention is replaced
   by its concept (BN 的作用 ≡ 批量归一化的作用); or
2. they link the same concepts (ignoring setting concepts such as 神经网络 / 深度学习)
   and their unit bigrams overlap: at least two shared, the shorter has three or more,
   overlap coefficient >= 0.6 and Jaccard >= 0.2 (a unit is a concept mention, an ASCII word or one other character,
   so shared concept names alone do not make two questions alike); or
3. both ask how to fix a problem (如何解决 / 解决方案 / how to prevent …), about the same
   set of problems, and name no technique
   (如何解决梯度消失和梯度爆炸 ≡ 梯度消失和梯度爆炸的解决方案); or
4. neither links a concept and their bigram Jaccard is >= 0.75.

Questions linking different concepts are never duplicates (梯度消失 ≠ 梯度爆炸). Clusters are
the connected components; the canonical question of a cluster is its first in input order.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import relations as rel
from .mentions import Linker, default_linker, norm

_UNITS = re.compile(r"[a-z0-9]+(?:[.+#-][a-z0-9]+)*|[^\W\d_a-z]", re.UNICODE)


@lru_cache(maxsize=1)
def _forms() -> dict[str, list[str]]:
    data = resources.files("ingest.data").joinpath("questions.json").read_text(encoding="utf-8")
    return json.loads(data)  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _filler() -> re.Pattern[str]:
    words = sorted({norm(w) for w in _forms()["filler"]}, key=len, reverse=True)
    zh = [w for w in words if not w.isascii()]
    en = [w for w in words if w.isascii()]
    return re.compile("|".join([*(re.escape(w) for w in zh), *(rf"\b{re.escape(w)}\b" for w in en)]))


@lru_cache(maxsize=1)
def _generic(linker: Linker) -> frozenset[str]:
    out: set[str] = set()
    for w in _forms()["generic_concepts"]:
        out.update(linker.concepts(w))
    return frozenset(out)


def units(text: str, linker: Linker | None = None) -> list[str]:
    """The comparison units of a question: each concept mention as one unit, ASCII words and
    single other characters, after folding and removing filler words."""
    n = norm(text)
    if linker is not None:
        parts, pos = [], 0
        for m in linker.find_normalized(n):
            parts += [n[pos:m.start], f" \x00{m.concept} "]
            pos = m.end
        n = "".join(parts) + n[pos:]
    out: list[str] = []
    for i, piece in enumerate(n.split("\x00")):
        if i:  # every piece after the first starts with a concept IRI
            iri, _, piece = piece.partition(" ")
            out.append(iri)
        out += _UNITS.findall(_filler().sub(" ", piece))
    return out


def bigrams(us: Sequence[str]) -> frozenset[str]:
    if len(us) < 2:
        return frozenset(us)
    return frozenset(a + "\x1f" + b for a, b in zip(us, us[1:], strict=False))


@dataclass
class _Q:
    iri: str
    key: str
    units: tuple[str, ...]
    grams: frozenset[str]
    concepts: frozenset[str]
    problems: frozenset[str]
    fixes: bool  # asks how to fix its problems, naming no technique


def _profile(iri: str, text: str, linker: Linker) -> _Q:
    us = units(text, linker)
    key = "".join(units(text))
    generic = _generic(linker)
    found = [c for c in linker.concepts(text) if c not in generic]
    problems = frozenset(c for c in found if rel.PROBLEM in rel._top(c))
    n = norm(text)
    asks_fix = bool(rel.cue_hits(n).get("mitigates.method")) or bool(rel._regexes()["mitigates.question"].search(n))
    fixes = asks_fix and bool(problems) and len(problems) == len(found)
    return _Q(iri, key, tuple(us), bigrams(us), frozenset(found), problems, fixes)


def similar(a: _Q, b: _Q) -> bool:
    """Whether two profiled questions ask the same thing (rules in the module docstring)."""
    if (a.key and a.key == b.key) or (a.units and a.units == b.units):
        return True
    if a.fixes and b.fixes and a.problems == b.problems:
        return True
    if a.concepts != b.concepts:
        return False
    inter = len(a.grams & b.grams)
    if not inter:
        return False
    union = len(a.grams | b.grams)
    if a.concepts:
        shorter = min(len(a.grams), len(b.grams))
        if inter == shorter and union - inter <= 1:  # one extra unit: 介绍下 Dropout 的原理
            return True
        return inter >= 2 and shorter >= 3 and inter / shorter >= 0.6 and inter / union >= 0.2
    return inter / union >= 0.75


def cluster(questions: Iterable[tuple[str, str]], linker: Linker | None = None) -> dict[str, str]:
    """Map every duplicate question IRI to the canonical IRI of its cluster (canonicals and
    questions without duplicates are not keys)."""
    linker = linker or default_linker()
    qs = [_profile(iri, text, linker) for iri, text in questions if text and text.strip()]
    parent = list(range(len(qs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    blocks: dict[object, list[int]] = defaultdict(list)
    for i, q in enumerate(qs):
        blocks[("key", q.key)].append(i)
        if q.fixes:
            blocks[("fix", q.problems)].append(i)
        if q.concepts:
            blocks[("concepts", q.concepts)].append(i)
        else:
            for g in q.grams:
                blocks[("gram", g)].append(i)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > 2000:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if (i, j) in seen or find(i) == find(j):
                    continue
                seen.add((i, j))
                if similar(qs[i], qs[j]):
                    union(i, j)
    return {q.iri: qs[find(i)].iri for i, q in enumerate(qs) if find(i) != i}
