"""What the ingest extracts from one document (plain data, no RDF, no store)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Question:
    position: int
    text: str
    answer: str
    asks_about: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    duplicate_of: int | None = None  # position of the canonical question in the same document


@dataclass
class FoundRelation:
    subject: str
    predicate: str
    object: str
    quote: str
    question: int  # position of the question it was found in
    confidence: float
    method: str


@dataclass
class Extracted:
    file_name: str
    title: str
    sha256: str
    encoding: str
    questions: list[Question] = field(default_factory=list)
    relations: list[FoundRelation] = field(default_factory=list)

    @property
    def mention_count(self) -> int:
        return sum(len(q.asks_about) + len(q.mentions) for q in self.questions)
