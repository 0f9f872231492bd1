"""How much of a pile of notes the concept base covers: share of linked questions, top unlinked terms."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .mentions import Linker, default_linker, norm
from .read import RefusedFile

_ASCII_TERM = re.compile(r"[a-z][a-z0-9+\-]*[a-z0-9+]|[a-z]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_FILLER = set("的了是在和与及或有为么什怎如何哪些吗呢把被对从到中上下个一这那其就也都还要会能可以用于")
_STOP_EN = {"what", "why", "how", "is", "are", "the", "a", "an", "of", "in", "on", "for", "to", "and", "or",
            "do", "does", "you", "your", "with", "which", "between", "difference", "explain", "can", "when",
            "it", "we", "be", "use", "used", "using", "vs", "that", "this", "its", "by", "from", "as", "s", "i"}


@dataclass
class FileCoverage:
    path: str
    questions: int = 0
    linked: int = 0  # question text names a concept
    linked_any: int = 0  # question or its answer names a concept
    error: str | None = None


@dataclass
class Coverage:
    files: list[FileCoverage] = field(default_factory=list)
    unlinked_terms: Counter[str] = field(default_factory=Counter)
    unlinked_examples: list[str] = field(default_factory=list)

    def share(self, any_text: bool = False) -> float:
        total = sum(f.questions for f in self.files)
        linked = sum(f.linked_any if any_text else f.linked for f in self.files)
        return linked / total if total else 0.0


def candidate_terms(question: str) -> set[str]:
    """Words an unlinked question is about: English words and Chinese 2-4 character runs."""
    text = norm(question)
    terms = {w for w in _ASCII_TERM.findall(text) if w not in _STOP_EN and len(w) > 1}
    for run in _HAN_RUN.findall(text):
        for n in (2, 3, 4):
            for i in range(len(run) - n + 1):
                gram = run[i:i + n]
                if gram[0] not in _FILLER and gram[-1] not in _FILLER:
                    terms.add(gram)
    return terms


def measure(paths: Iterable[Path], linker: Linker | None = None) -> Coverage:
    """Extract every file and count which questions link to at least one concept."""
    from . import extract, files_under

    linker = linker or default_linker()
    cov = Coverage()
    for path in files_under(paths):
        fc = FileCoverage(str(path))
        cov.files.append(fc)
        try:
            doc = extract(path.name, path.read_bytes(), linker)
        except (RefusedFile, OSError) as exc:
            fc.error = str(exc)
            continue
        for q in doc.questions:
            fc.questions += 1
            fc.linked += bool(q.asks_about)
            fc.linked_any += bool(q.asks_about or q.mentions)
            if not q.asks_about:
                cov.unlinked_terms.update(candidate_terms(q.text))
                if len(cov.unlinked_examples) < 40:
                    cov.unlinked_examples.append(q.text)
    return cov


def frequent_unlinked(cov: Coverage, limit: int = 40) -> list[tuple[str, int]]:
    """The most frequent unlinked terms, dropping n-grams subsumed by an equally frequent longer one."""
    common = [(t, n) for t, n in cov.unlinked_terms.most_common() if n >= 2]
    kept: list[tuple[str, int]] = []
    for term, n in common:
        if any(term in longer and n <= m for longer, m in kept):
            continue
        kept = [(t, m) for t, m in kept if not (t in term and m <= n)]
        kept.append((term, n))
        if len(kept) >= limit:
            break
    return kept
