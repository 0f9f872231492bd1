"""Find concept mentions in text: longest match over every label and alias of the ontology."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

import ontology
from ontology.text import clean, to_simplified

_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Text as matched: cleaned, simplified, case-folded, white space collapsed."""
    return _SPACE.sub(" ", to_simplified(clean(text)).casefold())


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class Mention:
    concept: str
    start: int
    end: int
    surface: str


class Linker:
    """Aho-Corasick automaton over normalised labels, longest match, ASCII word boundaries."""

    def __init__(self, vocabulary: ontology.Vocabulary):
        self.automaton = ahocorasick.Automaton()
        entries: dict[str, set[str]] = {}
        for text, iris in vocabulary.labels.items():
            n = norm(text).strip()
            for key in {n, n.replace(" ", "")}:
                if key:
                    entries.setdefault(key, set()).update(iris)
        self.ambiguous = {norm(t).strip(): v for t, v in vocabulary.ambiguous.items()}
        for key, iris in entries.items():
            self.automaton.add_word(key, (key, tuple(sorted(iris))))
        for key in self.ambiguous:
            if key not in entries:
                self.automaton.add_word(key, (key, ()))
        self.automaton.make_automaton()

    def _choose(self, key: str, iris: tuple[str, ...], context: str) -> str | None:
        if key in self.ambiguous:
            default, senses = self.ambiguous[key]
            for sense in senses:
                if any(norm(w) in context for w in sense.context_words):
                    return sense.concept
            return default or None
        return iris[0] if len(iris) == 1 else (iris[0] if iris else None)

    def find(self, text: str) -> list[Mention]:
        """Mentions in document order (offsets into the normalised text)."""
        t = norm(text)
        found: list[Mention] = []
        for end, (key, iris) in self.automaton.iter_long(t):
            start = end - len(key) + 1
            if _is_word(key[0]) and start > 0 and _is_word(t[start - 1]):
                continue
            if _is_word(key[-1]) and end + 1 < len(t) and _is_word(t[end + 1]):
                continue
            concept = self._choose(key, iris, t)
            if concept:
                found.append(Mention(concept, start, end + 1, t[start:end + 1]))
        return found

    def concepts(self, text: str) -> list[str]:
        """Distinct concepts mentioned, in order of first mention."""
        return list(dict.fromkeys(m.concept for m in self.find(text)))


@lru_cache(maxsize=1)
def default_linker() -> Linker:
    return Linker(ontology.vocabulary())
