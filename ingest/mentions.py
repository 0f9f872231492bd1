"""Find concept mentions in text: longest match over every label and alias of the ontology."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

import ontology
from ontology.text import clean, to_simplified

_SPACE = re.compile(r"\s+")
_COORD_CHARS = frozenset("/、,，和与及或 ")
_LEAD_TOKEN = re.compile(r"[a-z0-9][a-z0-9.+-]*")
_COORD_BEFORE = re.compile(r"(?<![a-z0-9])([a-z0-9][a-z0-9.+-]*)\s*[/、,，和与及或]\s*")


def norm(text: str) -> str:
    """Text as matched: cleaned, simplified, case-folded, white space collapsed."""
    if text.isascii() and "\0" not in text:  # NFKC and the Chinese conversion leave ASCII as it is (OpenCC ends at NUL)
        return _SPACE.sub(" ", text.casefold())
    return _SPACE.sub(" ", to_simplified(clean(text)).casefold())


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_FREQUENT = "etaoinsrhldcumfpgwybvkxjqz0123456789 -"  # letters of normalised text, most frequent first


def _is_word(ch: str) -> bool:
    return ch in _WORD_CHARS


def _tilings(t: str, glued: list[tuple[int, int, str, tuple[str, ...]]]
             ) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Labels glued together without a separator ("LSTMGRU", "AdamSGD") when the labels
    tile the whole ASCII word exactly: lost punctuation, not a longer word."""
    by_start: dict[int, list[tuple[int, int, str, tuple[str, ...]]]] = {}
    for h in glued:
        by_start.setdefault(h[0], []).append(h)
    out: list[tuple[int, int, str, tuple[str, ...]]] = []
    done: set[int] = set()
    for h in glued:
        a = h[0]
        while a > 0 and _is_word(t[a - 1]):
            a -= 1
        if a in done:
            continue
        done.add(a)
        b = h[1]
        while b < len(t) and _is_word(t[b]):
            b += 1
        best: dict[int, list[tuple[int, int, str, tuple[str, ...]]]] = {a: []}
        for pos in range(a, b):
            if pos not in best:
                continue
            for piece in by_start.get(pos, []):
                if piece[1] <= b and piece[1] not in best:
                    best[piece[1]] = best[pos] + [piece]
        if b in best and len(best[b]) >= 2:
            out.extend(best[b])
    return out


@dataclass(frozen=True)
class Mention:
    concept: str
    start: int
    end: int
    surface: str


@lru_cache(maxsize=1)
def label_norms() -> dict[str, str]:
    """norm() of every label and alias of the ontology (one pass, shared by the linker and typing)."""
    return {text: norm(text) for text in ontology.vocabulary().labels}


class Linker:
    """Aho-Corasick automaton over normalised labels, longest match, ASCII word boundaries."""

    def __init__(self, vocabulary: ontology.Vocabulary):
        self.automaton = ahocorasick.Automaton()
        entries: dict[str, set[str]] = {}
        norms = label_norms() if vocabulary is ontology.vocabulary() else {}
        for text, iris in vocabulary.labels.items():
            n = (norms.get(text) or norm(text)).strip()
            for key in {n, n.replace(" ", "")}:
                if key:
                    entries.setdefault(key, set()).update(iris)
        self.ambiguous = {norm(t).strip(): (d, [(x.concept, [norm(w) for w in x.context_words]) for x in senses])
                          for t, (d, senses) in vocabulary.ambiguous.items()}
        self.exact = {key: tuple(sorted(iris)) for key, iris in entries.items()}
        words: list[tuple[str, tuple[str, ...]]] = list(self.exact.items())
        words += [(key, ()) for key in self.ambiguous if key not in entries]
        # a node's children are searched in the order they were added: frequent letters first
        rank = {ch: i for i, ch in enumerate(_FREQUENT)}
        for key, senses in sorted(words, key=lambda w: [rank.get(ch, len(rank)) for ch in w[0]]):
            # the one concept a key names when no context can change it (None: choose by context)
            sole = senses[0] if len(senses) == 1 and key not in self.ambiguous else None
            self.automaton.add_word(key, (key, senses, _is_word(key[0]), _is_word(key[-1]), len(key) - 1, sole,
                                          self._suffix(key)))
        self.automaton.make_automaton()

    def _choose(self, key: str, iris: tuple[str, ...], context: str) -> str | None:
        if key in self.ambiguous:
            default, senses = self.ambiguous[key]
            for concept, words in senses:
                if any(w in context for w in words):
                    return concept
            return default or None
        return iris[0] if len(iris) == 1 else (iris[0] if iris else None)

    def find(self, text: str) -> list[Mention]:
        """Mentions in document order (offsets into the normalised text)."""
        return self.find_normalized(norm(text))

    def find_normalized(self, t: str) -> list[Mention]:
        """Leftmost-longest matches that respect English word boundaries.

        When the longest match at a position is rejected by a word boundary (``BNN`` is not
        ``BN``), a shorter label at that position, or one starting later, still counts.
        """
        hits: list[tuple[int, int, str, tuple[str, ...]]] = []
        glued: list[tuple[int, int, str, tuple[str, ...]]] = []
        rejected: list[tuple[int, int]] = []
        n = len(t)
        word = _WORD_CHARS
        coord = _COORD_CHARS
        found: list[Mention] = []
        pos = 0
        plain = True  # every match so far bounded: mentions are built as they come
        chosen: dict[str, str | None] = {}  # ambiguous key -> its sense in t
        for end, (key, iris, w0, w1, size, sole, suffix) in self.automaton.iter_long(t):  # the common case, in C
            start = end - size
            if (w0 and start > 0 and t[start - 1] in word) or (w1 and end + 1 < n and t[end + 1] in word):
                # not bounded (see _bounded): part of a longer English word
                if key.isalnum() and key.isascii():  # one word: shorter labels inside fail too
                    glued.append((start, end + 1, key, iris))
                else:
                    rejected.append((start, end + 1))
                plain = False
                continue
            hits.append((start, end + 1, key, iris))
            if plain:  # iter_long's matches are ordered and disjoint: nothing to sort or skip
                if sole:
                    concept: str | None = sole
                elif key in chosen:
                    concept = chosen[key]
                else:
                    concept = chosen[key] = self._choose(key, iris, t)
                if concept:
                    if suffix and start > 1 and t[start - 1] in coord:
                        shared = self._shared_suffix(t, start, suffix, pos)
                        if shared:
                            found.append(shared)
                    found.append(Mention(concept, start, end + 1, t[start:end + 1]))
                    pos = end + 1
        if plain:
            return found
        for a, b in rejected:  # fall back to shorter labels inside a rejected match
            for end, (key, iris, _, _, _, _, _) in self.automaton.iter(t, a, b):
                start = end - len(key) + 1
                if self._bounded(t, n, start, end, key):
                    hits.append((start, end + 1, key, iris))
                elif len(key) >= 2 and key.isascii():
                    glued.append((start, end + 1, key, iris))
        if len(glued) > 1:
            hits.extend(_tilings(t, glued))
        hits.sort(key=lambda h: (h[0], h[0] - h[1]))
        found = []
        pos = 0
        ambiguous = self.ambiguous
        for start, end, key, iris in hits:
            if start < pos:
                continue
            if len(iris) == 1 and key not in ambiguous:
                concept = iris[0]
            elif key in chosen:
                concept = chosen[key]
            else:
                concept = chosen[key] = self._choose(key, iris, t)
            if concept:
                suffix = self._suffix(key)
                if suffix and start > 1 and t[start - 1] in _COORD_CHARS:
                    shared = self._shared_suffix(t, start, suffix, pos)
                    if shared:
                        found.append(shared)
                found.append(Mention(concept, start, end, t[start:end]))
                pos = end
        return found

    @staticmethod
    def _bounded(t: str, n: int, start: int, end: int, key: str) -> bool:
        """English labels only match whole words (offsets: first and last character)."""
        if start > 0 and key[0] in _WORD_CHARS and t[start - 1] in _WORD_CHARS:
            return False
        return not (end + 1 < n and key[-1] in _WORD_CHARS and t[end + 1] in _WORD_CHARS)

    @staticmethod
    def _suffix(key: str) -> str | None:
        """What follows the leading ASCII token of key ("l2 正则化" -> " 正则化"; None: nothing or no token)."""
        m = _LEAD_TOKEN.match(key)
        return key[m.end():] if m and m.end() < len(key) else None

    def _shared_suffix(self, t: str, start: int, suffix: str, pos: int) -> Mention | None:
        """"L1/L2 正则化": the first term shares the second's suffix (`suffix`: `_suffix` of the second)."""
        p = _COORD_BEFORE.search(t, max(pos, start - 16), start)
        if not p or p.end() != start:
            return None
        other = p.group(1) + suffix
        iris = self.exact.get(other)
        if not iris:
            return None
        concept = self._choose(other, iris, t)
        return Mention(concept, p.start(1), p.end(1), t[p.start(1):p.end(1)]) if concept else None

    def concepts(self, text: str) -> list[str]:
        """Distinct concepts mentioned, in order of first mention."""
        return list(dict.fromkeys(m.concept for m in self.find(text)))


@lru_cache(maxsize=1)
def default_linker() -> Linker:
    return Linker(ontology.vocabulary())
