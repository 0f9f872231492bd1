"""User-typed SPARQL, read-only: the CLI `sparql` command and the app's console both use this."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from .store import Backend

_COMMENT = re.compile(r"#[^\n]*")
_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.S)
_IRI = re.compile(r"<[^<>\s]*>")
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)
_FETCH = re.compile(r"\b(SERVICE|FROM)\b", re.I)


class QueryRefused(ValueError):
    """A query the read-only console will not run."""


@dataclass
class QueryResult:
    kind: str  # "select", "ask" or "graph"
    columns: list[str] = field(default_factory=list)
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False


def _skeleton(query: str) -> str:
    """The query without strings, IRIs and comments (so keywords inside them do not count)."""
    return _COMMENT.sub(" ", _IRI.sub("<>", _STRING.sub('""', query)))


def check_read_only(query: str) -> str:
    """The query form (SELECT/ASK/CONSTRUCT/DESCRIBE); QueryRefused for updates and fetches."""
    skel = _skeleton(query)
    m = _UPDATE.search(skel)
    if m:
        raise QueryRefused(f"updates are not allowed here ({m.group(1).upper()}); this console is read-only")
    m = _FETCH.search(skel)
    if m:
        raise QueryRefused(f"{m.group(1).upper()} is not allowed: queries run over the local store only")
    form = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", skel, re.I)
    if not form:
        raise QueryRefused("not a SPARQL query (expected SELECT, ASK, CONSTRUCT or DESCRIBE)")
    return form.group(1).upper()


def run_query(backend: Backend, query: str, limit: int = 1000) -> QueryResult:
    """Run a read-only user query over the union of all graphs; at most `limit` rows."""
    form = check_read_only(query)
    try:
        if form == "SELECT":
            rows = backend.select(query)
            columns: list[str] = []
            for r in rows:
                for k in r:
                    if k not in columns:
                        columns.append(k)
            table = [[r.get(c) for c in columns] for r in rows[:limit]]
            return QueryResult("select", columns, table, truncated=len(rows) > limit)
        if form == "ASK":
            return QueryResult("ask", ["result"], [], boolean=backend.ask(query))
        triples = backend.construct(query)
        return QueryResult("graph", ["subject", "predicate", "object"],
                           [[t.subject, t.predicate, t.object] for t in triples[:limit]],  # type: ignore[misc]
                           truncated=len(triples) > limit)
    except SyntaxError as exc:
        raise QueryRefused(f"bad query: {' '.join(str(exc).split())}") from exc
