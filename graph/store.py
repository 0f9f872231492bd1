"""Where the triples live: an embedded Oxigraph store (on disk or in memory) or a SPARQL endpoint.

Both backends speak the same small interface, so everything above this module runs
unchanged against either. Queries always see the union of all named graphs. Parameters
are bound (pyoxigraph substitutions, or a VALUES block of serialised terms for HTTP),
never formatted into query text.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]

PREFIXES = {
    "dlkg": "https://w3id.org/dlkg/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
PREFIX_HEADER = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())

META_GRAPH = ox.NamedNode("https://w3id.org/dlkg/graph/meta")
STORE_NODE = ox.NamedNode("https://w3id.org/dlkg/store")
REVISION = ox.NamedNode(PREFIXES["dlkg"] + "revision")
LABELS_REVISION = ox.NamedNode(PREFIXES["dlkg"] + "labelsRevision")
# what the `concept_labels` query reads: a write touching none of these leaves every label as it was
# what the labels revision covers: concept names, and the categories concepts are filed under
LABEL_PREDICATES = frozenset(ox.NamedNode(PREFIXES["skos"] + n) for n in ("prefLabel", "altLabel", "broader"))
LABELLED_TYPES = frozenset(ox.NamedNode(PREFIXES["dlkg"] + n) for n in ("Concept", "Category"))
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")


class StoreError(Exception):
    """The store cannot be opened or refused an operation."""


class Backend(Protocol):
    """The operations dlkg needs from a quad store."""

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]: ...
    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool: ...
    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]: ...
    def update(self, update: str) -> None: ...
    def dump(self, fmt: ox.RdfFormat) -> bytes: ...
    def load_file(self, path: str | os.PathLike[str], fmt: ox.RdfFormat | None = None) -> None: ...
    def close(self) -> None: ...
    @property
    def location(self) -> str: ...


def quads_to_insert_data(quads: Iterable[ox.Quad]) -> str:
    """An INSERT DATA block for quads; terms are serialised (escaped) by pyoxigraph.

    Each graph's quads are written by pyoxigraph's N-Quads serialiser in one call (one line per
    quad, no raw line break inside a line) and the graph term ending every line is cut off."""
    by_graph: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Quad]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(q)
    parts = []
    for g, group in by_graph.items():
        lines = (ox.serialize(group, format=ox.RdfFormat.N_QUADS) or b"").decode()
        end = f" {g} .\n"
        if isinstance(g, ox.DefaultGraph) or lines.count(end) != len(group):  # term by term
            lines = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in group)
        else:
            lines = lines.replace(end, " .\n")
        parts.append(f"GRAPH {g} {{\n" + lines + "}")
    return "INSERT DATA {\n" + "\n".join(parts) + "\n}" if parts else ""


def revision_update() -> str:
    """An update that gives the store a new revision id (caches key on it)."""
    new = ox.Literal(uuid.uuid4().hex)
    return (
        f"DELETE WHERE {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {REVISION} ?r }} }} ;\n"
        f"INSERT DATA {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {REVISION} {new} }} }}"
    )


def touches_labels(quads: Iterable[ox.Quad]) -> bool:
    """Whether the quads hold a label or alias, or make something a concept or category."""
    return any(q.predicate in LABEL_PREDICATES or (q.predicate == _RDF_TYPE and q.object in LABELLED_TYPES)
               for q in quads)


def labels_revision_update(graphs: Iterable[ox.NamedNode] = (), quads: Iterable[ox.Quad] | None = None) -> str:
    """An update giving the store a new labels revision when a write may change concept labels.

    Always when `quads` (what is written; None: unknown, e.g. a bulk load) touch labels; else
    only when one of `graphs` (about to be dropped or replaced) holds a label now, or the store
    has no labels revision yet. Run it before the graphs change, in the same update request.
    """
    new = ox.Literal(uuid.uuid4().hex)
    if quads is None or touches_labels(quads):
        return (f"DELETE WHERE {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {LABELS_REVISION} ?r }} }} ;\n"
                f"INSERT DATA {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {LABELS_REVISION} {new} }} }}")
    shapes = [f"{{ ?ls {p} ?lo }}" for p in sorted(LABEL_PREDICATES, key=str)]
    shapes += [f"{{ ?ls {_RDF_TYPE} {t} }}" for t in sorted(LABELLED_TYPES, key=str)]
    inside = " UNION ".join(f"{{ GRAPH {g} {{ {s} }} }}" for g in graphs for s in shapes)
    held = f"EXISTS {{ {inside} }} || " if inside else ""
    return (f"DELETE {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {LABELS_REVISION} ?r }} }}\n"
            f"INSERT {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {LABELS_REVISION} {new} }} }}\n"
            f"WHERE {{ OPTIONAL {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {LABELS_REVISION} ?r }} }} "
            f"FILTER({held}!BOUND(?r)) }}")


def replace_graphs_update(graphs: Iterable[ox.NamedNode], quads: Iterable[ox.Quad]) -> str:
    """One update that drops the given graphs, inserts the quads and bumps the revision."""
    drops = [f"DROP SILENT GRAPH {g}" for g in graphs]
    insert = quads_to_insert_data(quads)
    return " ;\n".join([*drops, *([insert] if insert else []), revision_update()])


class OxigraphStore:
    """Embedded Oxigraph: persistent in a directory, or in memory when `path` is None."""

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False):
        self._path = str(path) if path is not None else None
        self._read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower():  # RocksDB's LOCK file: another process has the store open
                raise StoreError(
                    f"{path}: store in use by another process (an embedded store has one user at a time); "
                    f"to share it, run `oxigraph serve --location {path} --union-default-graph` and pass "
                    "--endpoint http://127.0.0.1:7878, or work inside `dlkg explore`") from exc
            raise StoreError(f"{path}: cannot open the store ({exc})") from exc
        self.generation = 0  # bumped by every write through this object (cheap revision checks)

    @property
    def location(self) -> str:
        return self._path or ":memory:"

    @property
    def cache_dir(self) -> str | None:
        """Where per-revision caches of this store live: the sibling directory `<store>.cache`."""
        return os.path.abspath(self._path).rstrip(os.sep) + ".cache" if self._path is not None else None

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store underneath (for bulk loading and benchmarks)."""
        return self._store

    def _run(self, query: str, bindings: Mapping[str, Term] | None) -> object:
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in (bindings or {}).items()}
        return self._store.query(
            query, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs or None
        )

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("not a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: t for n, t in zip(names, s, strict=True) if t is not None} for s in result]

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self._run(query, bindings))

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        return list(self._run(query, bindings))  # type: ignore[call-overload]

    def update(self, update: str) -> None:
        self.generation += 1
        try:
            self._store.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise StoreError(f"bad update: {exc}") from exc
        except OSError as exc:  # the update failed while running; Oxigraph rolled it back
            raise StoreError(f"update failed: {exc}") from exc

    def load_file(self, path: str | os.PathLike[str], fmt: ox.RdfFormat | None = None) -> None:
        """Bulk-load an RDF file (not transactional: meant for large, fresh loads)."""
        self.generation += 1
        try:
            self._store.bulk_load(path=str(path), format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{path}: {exc}") from exc

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        data = self._store.dump(format=fmt, from_graph=None) if fmt.supports_datasets else None
        if data is None:  # triple formats: the union of every graph
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self._store}
            data = ox.serialize(triples, format=fmt)
        return data or b""

    def close(self) -> None:
        store = self.__dict__.pop("_store", None)
        if store is not None and self._path is not None and not self._read_only:
            store.flush()  # a read-only instance cannot flush (RuntimeError)


_WHERE = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)


def _group_end(query: str, start: int) -> int:
    """Index of the `}` closing the group opened at `query[start]` (strings, IRIs, comments skipped)."""
    depth, i = 0, start
    while i < len(query):
        ch = query[i]
        if ch in "\"'":
            i += 1
            while i < len(query) and query[i] != ch:
                i += 2 if query[i] == "\\" else 1
        elif ch == "#":
            i = query.find("\n", i)
            if i < 0:
                break
        elif ch == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", query[i:]):
            i = query.index(">", i)
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise StoreError("unbalanced braces in a named query")


def inline_bindings(query: str, bindings: Mapping[str, Term] | None) -> str:
    """Bind variables for an HTTP endpoint, as pyoxigraph's substitutions do in process.

    A VALUES block opens the top-level WHERE group (so projected and grouped variables keep
    their value) and, unless the group holds a subquery, each bound variable inside the group
    is replaced by its term, so the server's planner sees constants (a VALUES join alone can
    make it scan). Only used for dlkg's own named queries; the values are pyoxigraph-serialised
    terms, so no user text can change the query's shape.
    """
    if not bindings:
        return query
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    block = f"VALUES ({names}) {{ ({values}) }}\n"
    m = _WHERE.search(query)
    if not m:
        raise StoreError("named query without WHERE cannot take bindings")
    end = _group_end(query, m.end() - 1)
    body = query[m.end():end]
    if not re.search(r"\bSELECT\b", body, re.IGNORECASE):
        for k, v in bindings.items():
            term = str(v)
            body = re.sub(rf"[?$]{re.escape(k)}\b", lambda _m, t=term: t, body)  # type: ignore[misc]
    return query[: m.end()] + "\n" + block + body + query[end:]


class EndpointStore:
    """Any SPARQL 1.1 query+update endpoint over HTTP (e.g. `oxigraph serve --union-default-graph`)."""

    def __init__(self, url: str, update_url: str | None = None, timeout: float = 60.0):
        base = url.rstrip("/")
        if urllib.parse.urlparse(base).path in ("", "/"):
            self.query_url, self.update_url = base + "/query", base + "/update"
        else:
            self.query_url, self.update_url = base, update_url or base
        self.timeout = timeout

    @property
    def location(self) -> str:
        return self.query_url

    def _send(self, url: str, data: bytes | None, headers: dict[str, str], method: str = "POST",
              timeout: float | None = None, absent: tuple[int, ...] = ()) -> bytes | None:
        """One HTTP exchange; None when the status is one of `absent` (the feature is missing)."""
        import urllib.error
        import urllib.request  # imported here: the embedded path never pays for http.client

        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:  # noqa: S310
                return bytes(resp.read())
        except urllib.error.HTTPError as exc:
            if exc.code in absent:
                return None
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError(f"{url}: HTTP {exc.code} {detail[0][:300] if detail else ''}".strip()) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"{url}: endpoint unreachable ({exc})") from exc

    def _post(self, url: str, body: str, content_type: str, accept: str) -> bytes:
        got = self._send(url, body.encode(), {"Content-Type": content_type, "Accept": accept})
        return got or b""

    def _query(self, query: str, bindings: Mapping[str, Term] | None, accept: str) -> bytes:
        text = PREFIX_HEADER + inline_bindings(query, bindings)
        return self._post(self.query_url, text, "application/sparql-query", accept)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        data = self._query(query, bindings, "application/sparql-results+json")
        try:
            result = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:  # e.g. a body truncated by a server timeout
            raise StoreError(f"{self.query_url}: unreadable results ({exc})") from exc
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("not a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: t for n, t in zip(names, s, strict=True) if t is not None} for s in result]

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        data = self._query(query, bindings, "application/sparql-results+json")
        try:
            return bool(json.loads(data)["boolean"])
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.query_url}: not an ASK result") from exc

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        data = self._query(query, bindings, "application/n-triples")
        try:
            return [ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise StoreError(f"{self.query_url}: unreadable graph ({exc})") from exc

    def update(self, update: str) -> None:
        self._post(self.update_url, PREFIX_HEADER + update, "application/sparql-update", "*/*")

    def _graph_store_url(self) -> str | None:
        """The Graph Store Protocol URL of an Oxigraph-style server (`/store` beside `/query`)."""
        if self.query_url.endswith("/query"):
            return self.query_url[: -len("/query")] + "/store"
        return None

    def load_file(self, path: str | os.PathLike[str], fmt: ox.RdfFormat | None = None) -> None:
        """Load an RDF file: one POST to the Graph Store endpoint, else INSERT DATA in chunks."""
        fmt = fmt or ox.RdfFormat.from_extension(Path(path).suffix.lstrip(".")) or ox.RdfFormat.N_QUADS
        store_url = self._graph_store_url()
        if store_url and fmt.supports_datasets:
            done = self._send(store_url, Path(path).read_bytes(), {"Content-Type": fmt.media_type},
                              timeout=max(self.timeout, 600), absent=(404, 405, 415))
            if done is not None:
                return
        chunk: list[ox.Quad] = []
        try:
            for q in ox.parse(path=str(path), format=fmt):
                chunk.append(q)
                if len(chunk) >= 20_000:
                    self.update(quads_to_insert_data(chunk))
                    chunk.clear()
        except SyntaxError as exc:
            raise StoreError(f"{path}: {exc}") from exc
        if chunk:
            self.update(quads_to_insert_data(chunk))

    def _get(self, url: str, accept: str) -> bytes | None:
        return self._send(url, None, {"Accept": accept}, "GET", max(self.timeout, 600), absent=(404, 405, 406))

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        """Every quad: the whole dataset from the Graph Store endpoint, else a SELECT over all graphs."""
        store_url = self._graph_store_url()
        data = self._get(store_url, "application/n-quads") if store_url else None
        if data is not None:
            quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
            quads = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)] or quads
        else:
            rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]  # type: ignore[arg-type]
        if fmt.supports_datasets:
            return ox.serialize(quads, format=fmt) or b""
        return ox.serialize({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, format=fmt) or b""

    def close(self) -> None:
        pass


def default_store_dir() -> Path:
    """`DLKG_STORE`, else the per-user data directory."""
    env = os.environ.get("DLKG_STORE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "dlkg" / "store"


def open_backend(store: str | os.PathLike[str] | None = None, endpoint: str | None = None,
                 memory: bool = False) -> Backend:
    """Open the backend named by the arguments (in-memory, endpoint, directory, or default)."""
    if memory:
        return OxigraphStore(None)
    if endpoint:
        return EndpointStore(endpoint)
    return OxigraphStore(store if store is not None else default_store_dir())
