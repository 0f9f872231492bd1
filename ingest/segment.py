"""Split a document into question/answer units."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_QMARK = re.compile(r"^\s*(?:Q\s*\d+\s*[:：.]|问\s*[:：]|【问题?】)\s*(.+)$", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.、)）]?|[一二三四五六七八九十]+[、.])\s*(\S.*)$")
_EMPH = re.compile(r"[*_]{1,3}")
_QUESTION_END = re.compile(r"[?？]\s*$")


@dataclass
class Unit:
    question: str
    answer: str
    position: int


def _clean_question(text: str) -> str:
    text = _EMPH.sub("", text).strip()
    return text.strip(" :：")


def question_of(line: str) -> str | None:
    """The question text if this line opens a question, else None."""
    for pattern in (_QMARK, _HEADING):
        m = pattern.match(line)
        if m:
            return _clean_question(m.group(1)) or None
    m = _NUMBERED.match(line)
    if m and len(m.group(1)) <= 120:
        return _clean_question(m.group(1)) or None
    stripped = _clean_question(line)
    if _QUESTION_END.search(stripped) and len(stripped) <= 120:
        return stripped
    return None


def segment(text: str) -> list[Unit]:
    """Questions in document order, each with the text up to the next question as its answer."""
    units: list[Unit] = []
    current: str | None = None
    answer: list[str] = []
    for line in text.splitlines():
        q = question_of(line)
        if q is not None:
            if current is not None:
                units.append(Unit(current, "\n".join(answer).strip(), len(units)))
            current, answer = q, []
        elif current is not None:
            answer.append(line)
    if current is not None:
        units.append(Unit(current, "\n".join(answer).strip(), len(units)))
    seen: dict[str, Unit] = {}
    for u in units:  # a table of contents repeats later headings: keep one, with the longer answer
        key = re.sub(r"\W", "", u.question.casefold())
        if key in seen:
            if len(u.answer) > len(seen[key].answer):
                seen[key].answer = u.answer
        else:
            seen[key] = u
    return [Unit(u.question, u.answer, i) for i, u in enumerate(seen.values())]
