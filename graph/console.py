"""User-typed SPARQL, read-only: the CLI `sparql` command and the app's console both use this.

    >>> from graph import KnowledgeGraph
    >>> from graph.console import run_query
    >>> kg = KnowledgeGraph.open(memory=True)
    >>> run_query(kg.backend, "SELECT (COUNT(*) AS ?n) WHERE { ?s a dlkg:Concept }").rows

Refused before anything runs: updates (INSERT, DELETE, LOAD, CLEAR ...), `SERVICE` (an
outbound call), `FROM` / `FROM NAMED` (a fetch, or a dataset other than the union of all
graphs). Neither pyoxigraph nor rdflib can cancel a query, so the query runs in a worker
process that is killed at the time limit; rows past the row limit are never read.

- on-disk store: a fresh `python -m graph.console` process opens the directory read-only
  (it sees every committed write) — forking a process whose RocksDB threads may hold a lock
  can leave the child stuck;
- in-memory store: a forked child inherits the store and only reads it;
- HTTP endpoint: a forked child streams the answer with a socket timeout.

Where `fork` is not available an in-memory or endpoint query runs in-process, unlimited in time.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import pickle
import re
import subprocess
import sys
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .store import PREFIX_HEADER, PREFIXES, Backend, EndpointStore, OxigraphStore, StoreError

DEFAULT_TIMEOUT = 10.0
DEFAULT_LIMIT = 1000

_COMMENT = re.compile(r"#[^\n]*")
_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.S)
_IRI = re.compile(r"<[^<>\s]*>")
_VARIABLE = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+")
_PNAME = re.compile(r"[\w.-]*:[\w.:%\\-]*")
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)
_FETCH = re.compile(r"\b(SERVICE|FROM)\b", re.I)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class QueryRefused(ValueError):
    """A query the read-only console will not run (update, fetch, or bad syntax)."""


class QueryTimeout(QueryRefused):
    """The query ran past its time limit and was stopped."""


@dataclass
class QueryResult:
    kind: str  # "select", "ask" or "graph"
    columns: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False


def _skeleton(query: str) -> str:
    """The query without strings, IRIs, comments, variables and prefixed names.

    What is left are keywords and punctuation, so `?from`, `dlkg:delete` or a literal
    "DROP" never look like a clause.
    """
    text = _STRING.sub('""', query)
    text = _IRI.sub("<>", text)
    text = _COMMENT.sub(" ", text)
    text = _VARIABLE.sub("?v", text)
    return _PNAME.sub("p:x", text)


def check_read_only(query: str) -> str:
    """The query form (SELECT/ASK/CONSTRUCT/DESCRIBE); QueryRefused for updates and fetches."""
    skel = _skeleton(query)
    m = _UPDATE.search(skel)
    if m:
        raise QueryRefused(f"updates are not allowed here ({m.group(1).upper()}); this console is read-only")
    m = _FETCH.search(skel)
    if m:
        word = m.group(1).upper()
        raise QueryRefused(f"{word} is not allowed: queries run over the local store only "
                           "(the default graph is already the union of all named graphs)")
    form = _FORM.search(skel)
    if not form:
        raise QueryRefused("not a SPARQL query (expected SELECT, ASK, CONSTRUCT or DESCRIBE)")
    return form.group(1).upper()


def _syntax(exc: BaseException) -> QueryRefused:
    return QueryRefused(f"bad query: {' '.join(str(exc).split())}")


def _execute(backend: Backend, query: str, form: str, limit: int | None) -> QueryResult:
    """Run the query here and now; at most `limit` rows are read (one more tells truncation)."""
    cap = None if limit is None else limit + 1
    if isinstance(backend, OxigraphStore):
        try:
            result = backend.raw.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise _syntax(exc) from exc
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            rows: list[list[Term | None]] = []
            for solution in result:
                if cap is not None and len(rows) >= cap:
                    break
                rows.append([solution[c] for c in columns])
            return _finish(QueryResult("select", columns, rows), limit)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", ["result"], boolean=bool(result))
        triples: list[list[Term | None]] = []
        for t in result:
            if cap is not None and len(triples) >= cap:
                break
            triples.append([t.subject, t.predicate, t.object])
        return _finish(QueryResult("graph", ["subject", "predicate", "object"], triples), limit)
    if isinstance(backend, EndpointStore):
        return _execute_http(backend, query, form, limit)
    try:
        if form == "SELECT":
            found = backend.select(query)
            columns = []
            for r in found:
                for k in r:
                    if k not in columns:
                        columns.append(k)
            table: list[list[Term | None]] = [[r.get(c) for c in columns] for r in found[:cap]]
            return _finish(QueryResult("select", columns, table), limit)
        if form == "ASK":
            return QueryResult("ask", ["result"], boolean=backend.ask(query))
        graph: list[list[Term | None]] = [[t.subject, t.predicate, t.object]  # type: ignore[list-item]
                                          for t in backend.construct(query)[:cap]]
        return _finish(QueryResult("graph", ["subject", "predicate", "object"], graph), limit)
    except SyntaxError as exc:
        raise _syntax(exc) from exc


def _execute_http(backend: EndpointStore, query: str, form: str, limit: int | None) -> QueryResult:
    """Stream the endpoint's answer and stop reading after `limit` rows.

    A body that stops parsing part-way is an answer the server cut short (`oxigraph serve
    --timeout-s` does that with status 200): reported as a timeout, not as a bad query.
    """
    accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
    req = urllib.request.Request(backend.query_url, data=(PREFIX_HEADER + query).encode(),
                                 headers={"Content-Type": "application/sparql-query", "Accept": accept})
    cap = None if limit is None else limit + 1
    try:
        with urllib.request.urlopen(req, timeout=backend.timeout) as resp:  # noqa: S310
            if form in ("CONSTRUCT", "DESCRIBE"):
                rows: list[list[Term | None]] = []
                for q in ox.parse(resp, format=ox.RdfFormat.N_TRIPLES):
                    if cap is not None and len(rows) >= cap:
                        break
                    rows.append([q.subject, q.predicate, q.object])  # type: ignore[list-item]
                return _finish(QueryResult("graph", ["subject", "predicate", "object"], rows), limit)
            result = ox.parse_query_results(resp, format=ox.QueryResultsFormat.JSON)
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ask", ["result"], boolean=bool(result))
            columns = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if cap is not None and len(rows) >= cap:
                    break
                rows.append([solution[c] for c in columns])
            return _finish(QueryResult("select", columns, rows), limit)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        reason = detail[0] if detail else exc.reason
        if exc.code == 400:
            raise QueryRefused(f"bad query: {reason}") from exc
        raise StoreError(f"{backend.query_url}: HTTP {exc.code} {reason}") from exc
    except (SyntaxError, http.client.HTTPException) as exc:  # a body that stops part-way or mid-chunk
        raise QueryTimeout("the endpoint cut its answer short (its own time limit?); "
                           "narrow the query or lower --limit") from exc
    except TimeoutError as exc:
        raise QueryTimeout(f"the endpoint did not answer within {backend.timeout:g} s") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(f"{backend.query_url}: endpoint unreachable ({exc})") from exc


def _finish(result: QueryResult, limit: int | None) -> QueryResult:
    if limit is not None and len(result.rows) > limit:
        result.rows = result.rows[:limit]
        result.truncated = True
    return result


def _worker(conn: Any, backend: Backend, query: str, form: str, limit: int | None) -> None:
    """In the forked child: run, send the result (or the error) back, exit."""
    try:
        conn.send(("ok", _execute(backend, query, form, limit)))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        conn.send(_status(exc))
    finally:
        conn.close()


def _can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def run_query(backend: Backend, query: str, limit: int | None = DEFAULT_LIMIT,
              timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
    """Run a read-only user query over the union of all graphs, within `timeout` seconds.

    At most `limit` rows come back (`truncated` says there were more); `None` lifts either
    limit. QueryRefused for updates, fetches and bad syntax; QueryTimeout past the limit.
    """
    form = check_read_only(query)
    if limit is not None and limit < 0:
        raise QueryRefused("the row limit cannot be negative")
    if timeout is not None and timeout <= 0:
        raise QueryRefused("the time limit must be positive")
    if isinstance(backend, OxigraphStore) and backend.location != ":memory:":
        return _spawned(backend.location, query, form, limit, timeout)
    if timeout is None or not _can_fork():
        return _execute(backend, query, form, limit)
    if isinstance(backend, EndpointStore):  # the socket gives up too, and the child is killed anyway
        backend = EndpointStore(backend.query_url, backend.update_url, timeout=timeout)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded process: the child only reads
        proc = ctx.Process(target=_worker, args=(child, backend, query, form, limit), daemon=True)
        proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise _timeout(timeout)
        try:
            status, payload = parent.recv()
        except EOFError as exc:
            raise StoreError(f"the query worker died (exit code {proc.exitcode})") from exc
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    return _unpack(status, payload)


def _timeout(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped "
                        "(raise the limit with --timeout, or narrow the query)")


def _unpack(status: str, payload: Any) -> QueryResult:
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    if status == "timeout":
        raise QueryTimeout(payload)
    if status == "refused":
        raise QueryRefused(payload)
    raise StoreError(payload)


def _status(exc: BaseException) -> tuple[str, str]:
    kind = ("timeout" if isinstance(exc, QueryTimeout) else "refused" if isinstance(exc, QueryRefused)
            else "store" if isinstance(exc, StoreError) else "error")
    return kind, " ".join(str(exc).split()) or type(exc).__name__


def _spawned(path: str, query: str, form: str, limit: int | None, timeout: float | None) -> QueryResult:
    """Run the query in a new process that opens the on-disk store read-only; kill it at the limit."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen([sys.executable, "-m", "graph.console"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = proc.communicate(pickle.dumps((path, query, form, limit)), timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise _timeout(timeout or 0) from exc
    try:
        status, payload = pickle.loads(out)
    except Exception as exc:  # noqa: BLE001 - the worker died before answering
        tail = err.decode("utf-8", "replace").strip().splitlines()
        raise StoreError(f"the query worker failed: {tail[-1] if tail else f'exit code {proc.returncode}'}") from exc
    return _unpack(status, payload)


def _serve_one() -> None:
    """The worker side of `_spawned`: one pickled request on stdin, one pickled answer on stdout."""
    path, query, form, limit = pickle.loads(sys.stdin.buffer.read())
    try:
        answer: tuple[str, Any] = ("ok", _execute(OxigraphStore(path, read_only=True), query, form, limit))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        answer = _status(exc)
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.buffer.flush()


if __name__ == "__main__":  # run as graph.console, so the answer pickles under its real module name
    from graph.console import _serve_one as serve

    serve()
