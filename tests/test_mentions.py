"""The linker's fast paths (mentions built during the scan, ASCII text not converted) find
exactly what the plain algorithm finds: every match bounded-checked, sorted, then chosen."""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.mentions import _COORD_CHARS, _WORD_CHARS, Linker, Mention, _tilings, default_linker, norm
from ontology.text import clean, to_simplified

_SPACE = re.compile(r"\s+")
_LEAD = re.compile(r"[a-z0-9][a-z0-9.+-]*")
_BEFORE = re.compile(r"(?<![a-z0-9])([a-z0-9][a-z0-9.+-]*)\s*[/、,，和与及或]\s*")


def _choose(lk: Linker, key: str, iris: tuple[str, ...], context: str) -> str | None:
    if key in lk.ambiguous:
        default, senses = lk.ambiguous[key]
        for concept, words in senses:
            if any(w in context for w in words):
                return concept
        return default or None
    return iris[0] if iris else None


def _bounded(t: str, start: int, end: int, key: str) -> bool:
    if start > 0 and key[0] in _WORD_CHARS and t[start - 1] in _WORD_CHARS:
        return False
    return not (end + 1 < len(t) and key[-1] in _WORD_CHARS and t[end + 1] in _WORD_CHARS)


def reference(lk: Linker, t: str) -> list[Mention]:
    """Every longest match checked, the rejected ones searched again, all sorted, then chosen."""
    hits: list[tuple[int, int, str, tuple[str, ...]]] = []
    glued: list[tuple[int, int, str, tuple[str, ...]]] = []
    rejected: list[tuple[int, int]] = []
    for end, value in lk.automaton.iter_long(t):
        key, iris = value[0], value[1]
        start = end - len(key) + 1
        if _bounded(t, start, end, key):
            hits.append((start, end + 1, key, iris))
        elif key.isalnum() and key.isascii():
            glued.append((start, end + 1, key, iris))
        else:
            rejected.append((start, end + 1))
    for a, b in rejected:
        for end, value in lk.automaton.iter(t, a, b):
            key, iris = value[0], value[1]
            start = end - len(key) + 1
            if _bounded(t, start, end, key):
                hits.append((start, end + 1, key, iris))
            elif len(key) >= 2 and key.isascii():
                glued.append((start, end + 1, key, iris))
    if len(glued) > 1:
        hits.extend(_tilings(t, glued))
    hits.sort(key=lambda h: (h[0], h[0] - h[1]))
    found: list[Mention] = []
    pos = 0
    for start, end, key, iris in hits:
        if start < pos:
            continue
        concept = _choose(lk, key, iris, t)
        if not concept:
            continue
        if start > 1 and t[start - 1] in _COORD_CHARS and key[0] in _WORD_CHARS:
            m = _LEAD.match(key)
            p = _BEFORE.search(t, max(pos, start - 16), start)
            if m and m.end() < len(key) and p and p.end() == start:
                other = p.group(1) + key[m.end():]
                shared = _choose(lk, other, lk.exact[other], t) if other in lk.exact else None
                if shared:
                    found.append(Mention(shared, p.start(1), p.end(1), t[p.start(1):p.end(1)]))
        found.append(Mention(concept, start, end, t[start:end]))
        pos = end
    return found


def _labels() -> list[str]:
    lk = default_linker()
    return sorted(lk.exact) + sorted(lk.ambiguous)


SAMPLES = sorted((Path(__file__).parent.parent / "ingest" / "samples").glob("*.md"))


def test_samples_match_reference() -> None:
    lk = default_linker()
    for path in SAMPLES:
        text = norm(path.read_text(encoding="utf-8"))
        for part in [text, *text.split("\n\n")]:
            assert lk.find_normalized(part) == reference(lk, part)


def test_label_soup_matches_reference() -> None:
    """Labels glued, coordinated (l1/l2 正则化), inside longer words, ambiguous, with context."""
    lk = default_linker()
    labels = _labels()
    rng = random.Random(7)
    seps = ["", "", " ", "/", "、", "和", "，", "x", "1", "-", "的", "\n"]
    assert SAMPLES and labels
    for _ in range(400):
        t = "".join(rng.choice(labels) + rng.choice(seps) for _ in range(rng.randint(1, 12)))
        assert lk.find_normalized(t) == reference(lk, t), t


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_norm_of_ascii_is_the_full_norm(text: str) -> None:
    assert norm(text) == _SPACE.sub(" ", to_simplified(clean(text)).casefold())


def test_norm_keeps_the_nul_behaviour() -> None:
    for text in ["a\x00b", "ReLU\x00", "\x00"]:
        assert norm(text) == _SPACE.sub(" ", to_simplified(clean(text)).casefold())


def test_shared_suffixes_match_reference() -> None:
    """"l1/l2 正则化" for every pair of labels that differ only in their leading ASCII token."""
    lk = default_linker()
    by_suffix: dict[str, list[str]] = {}
    for key in _labels():
        m = _LEAD.match(key)
        if m and m.end() < len(key):
            by_suffix.setdefault(key[m.end():], []).append(key[:m.end()])
    pairs = [(a, b + s) for s, leads in by_suffix.items() for a in leads for b in leads if a != b]
    assert pairs
    shared = 0
    for lead, key in pairs:
        for sep in ("/", "、", " 和 ", ", "):
            t = f"比较 {lead}{sep}{key} 的区别"
            found = lk.find_normalized(t)
            assert found == reference(lk, t), t
            shared += any(m.surface == lead for m in found)
    assert shared  # the coordinated form is read as two mentions
