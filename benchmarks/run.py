"""`dlkg bench`: one line of figures per measurement, each beside a baseline measured in the same run.

Sections: load and memory (child processes), named queries and API answers (dlkg vs raw
pyoxigraph on the same store vs rdflib's default in-memory store up to --rdflib-max triples),
search, export, ingest stages on ../shared/corpora, app rerun and pyvis build, CLI cold start,
and optionally the same queries over HTTP against `oxigraph serve`. Medians over --repeat runs.
Targets are printed beside the figures (`ok` / `MISS`); nothing here asserts on time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from benchmarks.generate import _concept_names, parse_size, write
from graph import KnowledgeGraph, queries
from graph.store import PREFIXES, EndpointStore, OxigraphStore, inline_bindings
from ontology import CONCEPT_NS, NS

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
RDFLIB_MAX = 100_000
# Parameters of the named queries that take some (anything else runs unbound, over the whole graph).
PARAMS: dict[str, tuple[str, ...]] = {
    "concept_card": ("concept",), "concept_edges": ("concept",), "evidence": ("s", "p", "o"),
    "meta": ("key",), "questions_about": ("concept",), "related_in": ("concept", "relation"),
    "related_out": ("concept", "relation"), "relation_pairs": ("relation",),
    "source_questions": ("source",), "source_question_count": ("source",), "question_cluster": ("question",),
    "concept_questions": ("concept",), "review_items": ("source",), "review_concept": ("concept",),
    "prerequisite_closure": ("concept",), "prerequisite_dependants": ("concept",), "edge_asserted": ("s", "p", "o"),
    "related_evidence_in": ("concept", "relation"), "related_evidence_out": ("concept", "relation"),
    "category_concepts": ("category",), "questions_matching": ("needle",),
}


# ---------------------------------------------------------------------------- figures
@dataclass
class Line:
    """One measurement: dlkg's figure, its baseline, and the target it is held to."""

    section: str
    name: str
    value: float
    unit: str = "ms"
    baseline: float | None = None
    baseline_name: str = "raw"
    extra: dict[str, float | None] = field(default_factory=dict)
    target: str = ""
    ok: bool | None = None
    note: str = ""

    def render(self) -> str:
        def fmt(v: float | None) -> str:
            if v is None:
                return "-"
            return f"{v:.3g}" if v < 100 else f"{v:.0f}"
        parts = [f"{self.section:<7} {self.name:<34} dlkg {fmt(self.value):>7} {self.unit:<5}"]
        if self.baseline is not None:
            ratio = f"x{self.value / self.baseline:.2f}" if self.baseline else "x-"
            parts.append(f"{self.baseline_name} {fmt(self.baseline):>7} {ratio:>6}")
        for k, v in self.extra.items():
            parts.append(f"{k} {fmt(v):>7}")
        if self.target:
            parts.append(f"target {self.target} {'ok' if self.ok else 'MISS' if self.ok is False else ''}".rstrip())
        if self.note:
            parts.append(f"({self.note})")
        return "  ".join(parts)


BUDGET_S = 3.0  # per measurement: slow calls are repeated fewer times (at least once)


def median_ms(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    """Median wall time of `fn` in milliseconds, after `warmup` untimed calls.

    A call slower than BUDGET_S / repeat is repeated only as often as the budget allows.
    """
    first = 0.0
    for _ in range(warmup):
        t = time.perf_counter()
        fn()
        first = time.perf_counter() - t
    if first * repeat > BUDGET_S:
        repeat = max(1, int(BUDGET_S / first))
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def paired_median_ms(fa: Callable[[], object], fb: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Medians of `fa` and `fb` timed alternately (a, b, a, b, ...), so that drift in the machine's load
    falls on both sides of a ratio; slow pairs are repeated as often as BUDGET_S allows."""
    fa()
    fb()
    ta: list[float] = []
    tb: list[float] = []
    spent = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        fa()
        t2 = time.perf_counter()
        fb()
        t3 = time.perf_counter()
        ta.append(t2 - t)
        tb.append(t3 - t2)
        spent += t3 - t
        if spent > 2 * BUDGET_S:
            break
    return statistics.median(ta) * 1000, statistics.median(tb) * 1000


def rss_kb() -> int:
    """Resident set size of this process in KB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


# ---------------------------------------------------------------------------- inputs
def graph_file(size: int, seed: int, workdir: Path) -> Path:
    """The generated graph of `size` triples (made once, kept in `workdir`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    import hashlib

    from benchmarks import generate

    version = hashlib.sha256(Path(generate.__file__).read_bytes()).hexdigest()[:8]  # a changed generator: new file
    path = workdir / f"dlkg-{size}-seed{seed}-{version}.nq"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        write(tmp, size, seed)
        tmp.replace(path)
    return path


def concepts_in(size: int) -> int:
    from benchmarks.generate import Shape

    return Shape(size).concepts


def typical_concept(size: int) -> tuple[str, str, str]:
    """IRI, zh label and first alias of a concept of ordinary popularity (not the hub)."""
    i = concepts_in(size) // 3
    slug, zh, _en, aliases = _concept_names(i)
    return CONCEPT_NS + slug, zh, aliases[0]


def raw_select(store: ox.Store, text: str, bindings: dict[str, Any]) -> list[list[Any]]:
    """The same SPARQL straight on pyoxigraph, terms read out of every solution."""
    subs = {ox.Variable(k): v for k, v in bindings.items()} or None
    result = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs)
    return [list(s) for s in result]  # type: ignore[union-attr]


# ---------------------------------------------------------------------------- load (child process)
def _child_load(kind: str, path: str, where: str | None) -> dict[str, float]:
    """Load `path` the dlkg way or the raw way; time, triples and resident KB added."""
    before = rss_kb()
    if kind == "dlkg":
        kg = KnowledgeGraph(OxigraphStore(where))
        kg.ensure_ontology()  # opening a store: counted in memory, not in load time
    t = time.perf_counter()
    if kind == "dlkg":
        kg.load_file(path)
        store = kg.backend.raw  # type: ignore[attr-defined]
    else:
        store = ox.Store(where) if where else ox.Store()
        store.bulk_load(path=path)
    seconds = time.perf_counter() - t
    after = rss_kb()
    n = len(store)
    return {"seconds": seconds, "triples": n, "kb": after - before}


def load_in_child(kind: str, path: Path, disk: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="dlkg-bench-") as tmp:
        where = str(Path(tmp) / "store") if disk else ""
        code = ("import json,sys; from benchmarks.run import _child_load; "
                "print(json.dumps(_child_load(sys.argv[1], sys.argv[2], sys.argv[3] or None)))")
        out = subprocess.run([sys.executable, "-c", code, kind, str(path), where], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_load(path: Path, size: int, repeat: int) -> Iterator[Line]:
    runs = max(1, repeat if size < 5_000_000 else 1)
    for disk in (False, True) if size < 5_000_000 else (False,):  # 10M on disk: see docs/benchmarks.md
        got: dict[str, list[dict[str, float]]] = {"dlkg": [], "raw": []}
        for _ in range(runs if not disk else max(1, runs // 3)):
            for kind in ("dlkg", "raw"):
                got[kind].append(load_in_child(kind, path, disk))
        d = statistics.median(r["seconds"] for r in got["dlkg"])
        r = statistics.median(r["seconds"] for r in got["raw"])
        triples = got["dlkg"][0]["triples"]
        where = "disk" if disk else "memory"
        yield Line("load", f"bulk load N-Quads ({where})", d, "s", r, "raw", target="<=1.3x" if not disk else "",
                   ok=(d <= 1.3 * r) if not disk else None,
                   note=f"{triples / d / 1e6:.2f} M triples/s, median of {len(got['dlkg'])}")
        if not disk:
            kb_d = statistics.median(x["kb"] / x["triples"] for x in got["dlkg"]) * 1024
            kb_r = statistics.median(x["kb"] / x["triples"] for x in got["raw"]) * 1024
            yield Line("memory", "resident bytes per triple", kb_d, "B", kb_r, "raw", target="<=512 B",
                       ok=kb_d <= 512, note="RSS after load minus before, in a child process")


# ---------------------------------------------------------------------------- rdflib baseline
class RdflibBaseline:
    """rdflib's default in-memory store (a Dataset with a union default graph)."""

    def __init__(self, path: Path):
        import rdflib
        from rdflib.plugins.sparql import prepareQuery

        self.rdflib, self.prepare = rdflib, prepareQuery
        t = time.perf_counter()
        self.ds = rdflib.Dataset(default_union=True)
        self.ds.parse(str(path), format="nquads")
        self.load_seconds = time.perf_counter() - t

    def term(self, t: Any) -> Any:
        if isinstance(t, ox.NamedNode):
            return self.rdflib.URIRef(t.value)
        if isinstance(t, ox.Literal):
            return self.rdflib.Literal(t.value, lang=t.language)
        raise TypeError(t)

    def query(self, text: str, bindings: dict[str, Any]) -> list[Any]:
        init = {k: self.term(v) for k, v in bindings.items()}
        return list(self.ds.query(text, initNs=PREFIXES, initBindings=init))


# ---------------------------------------------------------------------------- queries and answers
def bench_values(select: ox.Store | Callable[[str, dict[str, Any]], list[dict[str, Any]]],
                 size: int) -> dict[str, Any]:
    """One value for every parameter name a named query takes: a concept of ordinary popularity, one of
    its edges, a source and a question of the generated graph (a duplicated one when there is one)."""
    if isinstance(select, ox.Store):
        store = select

        def select(text: str, b: dict[str, Any]) -> list[dict[str, Any]]:
            subs = {ox.Variable(k): v for k, v in b.items()} or None
            res = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs)
            return [{v.value: sol[v] for v in res.variables} for sol in res]  # type: ignore[union-attr]
    iri, _zh, _alias = typical_concept(size)
    concept = ox.NamedNode(iri)
    mit = ox.NamedNode(NS + "mitigates")
    edge = select("SELECT ?s ?p ?o WHERE { ?s ?p ?o VALUES ?p { dlkg:mitigates dlkg:causes "
                  "dlkg:partOf dlkg:variantOf dlkg:requires } } LIMIT 1", {"s": concept})
    p, o = (edge[0]["p"], edge[0]["o"]) if edge else (mit, concept)
    about = select("SELECT ?c ?q ?src WHERE { ?q dlkg:asksAbout ?c ; dlkg:source ?src } LIMIT 1", {"c": concept})
    dup = select("SELECT ?q ?h WHERE { ?q dlkg:duplicateOf ?h } LIMIT 1", {})
    question = dup[0]["h"] if dup else (about[0]["q"] if about else concept)
    source = about[0]["src"] if about else concept
    cat = select("SELECT ?c ?cat WHERE { ?c skos:broader ?cat } LIMIT 1", {"c": concept})
    category = cat[0]["cat"] if cat else concept
    # a text found in no question: the capped scan reads every question text (its worst case)
    return {"needle": ox.Literal("no question says this"), "category": category,
            "concept": concept, "relation": mit, "s": concept, "p": p, "o": o,
            "key": ox.NamedNode(NS + "revision"),
            "source": source, "question": question}


def _purpose(name: str) -> str:
    """The first comment line of a named query (what it is for)."""
    first = queries.load(name).lstrip().splitlines()[0]
    return first.lstrip("# ").rstrip(".")[:70] if first.startswith("#") else ""


def query_lines(kg: KnowledgeGraph, size: int, repeat: int, rdf: RdflibBaseline | None,
                names: Sequence[str] | None = None) -> Iterator[Line]:
    """Every interactive named query (held to <=2x raw and < 5 ms), then every bulk read (<=2x raw)."""
    raw: ox.Store = kg.backend.raw  # type: ignore[attr-defined]
    values = bench_values(raw, size)
    bulk = set(queries.bulk_names())
    chosen = list(names) if names else [*queries.names(), *queries.bulk_names()]
    for name in chosen:
        text = queries.load(name)
        b = {k: values[k] for k in PARAMS.get(name, ())}
        section, target = ("bulk", "<=2x") if name in bulk else ("query", "<=2x & <5ms")

        def measure(b: dict[str, Any] = b, name: str = name, text: str = text) -> tuple[int, float, float]:
            rows = len(kg.select(name, **b))
            d, r = paired_median_ms(lambda: kg.select(name, **b), lambda: raw_select(raw, text, b), repeat)
            return rows, d, r
        got = in_fork(measure, QUERY_TIMEOUT_S)
        scope = "bound" if b else "whole graph"
        if got is None:
            yield Line(section, name, float("nan"), "ms", target=target, ok=False,
                       note=f"{scope}; stopped after {QUERY_TIMEOUT_S:.0f} s")
            continue
        rows, d, r = got
        extra: dict[str, float | None] = {}
        cached = CACHED_API.get(name)
        if cached is not None:  # the API keeps what a bulk read returns per store revision
            extra["api cached"] = median_ms(lambda: cached(kg), repeat)  # noqa: B023
        if rdf is not None:
            try:
                extra["rdflib"] = median_ms(lambda: rdf.query(text, b), max(1, repeat // 5))  # noqa: B023
            except Exception:  # noqa: BLE001 - an engine that cannot run the query is a figure too
                extra["rdflib"] = None
        ok = d <= 2 * r and (d < 5 or name in bulk)
        note = f"{scope}, {rows} rows" + (f"; {_purpose(name)}" if name in bulk else "")
        yield Line(section, name, d, "ms", r, "raw", extra, target=target, ok=ok, note=note)
    yield from api_lines(kg, size, repeat, rdf)


QUERY_TIMEOUT_S = 120.0
CACHED_API: dict[str, Callable[[KnowledgeGraph], object]] = {
    "concept_labels": lambda kg: kg.all_concepts(), "relation_edges": lambda kg: kg.edges()}


def in_fork(fn: Callable[[], Any], timeout: float) -> Any:
    """`fn()` in a forked child (sharing the loaded store), or None when it runs past `timeout`.

    Neither pyoxigraph nor rdflib can stop a running query; a child process can be killed.
    """
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def target() -> None:
        child.send(fn())

    proc = ctx.Process(target=target, daemon=True)
    proc.start()
    try:
        if parent.poll(timeout):
            return parent.recv()
        return None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


TWO_HOP = """SELECT DISTINCT ?c ?n WHERE {
  VALUES ?p1 { dlkg:mitigates dlkg:causes dlkg:partOf dlkg:variantOf dlkg:requires }
  VALUES ?p2 { dlkg:mitigates dlkg:causes dlkg:partOf dlkg:variantOf dlkg:requires }
  { ?c ?p1 ?x } UNION { ?x ?p1 ?c }
  { ?x ?p2 ?n } UNION { ?n ?p2 ?x }
}"""


def _fresh_cache(kg: KnowledgeGraph, labels: bool = False) -> None:
    """Forget what the API cached per store revision (as a write does); with `labels` also the label index."""
    # noqa: SLF001 below - the benchmark measures first calls after a revision change
    label_keys = kg._label_keys  # noqa: SLF001
    for k in list(kg._cache):  # noqa: SLF001
        if labels or k not in label_keys:
            kg._cache.pop(k, None)  # noqa: SLF001
    kg._cache_rev = None  # noqa: SLF001
    if labels:
        kg._labels_rev = None  # noqa: SLF001


def api_lines(kg: KnowledgeGraph, size: int, repeat: int, rdf: RdflibBaseline | None) -> Iterator[Line]:
    raw: ox.Store = kg.backend.raw  # type: ignore[attr-defined]
    iri, zh, _alias = typical_concept(size)
    c = kg.concept(iri)
    concept = ox.NamedNode(iri)
    b = {"concept": concept, "relation": ox.NamedNode(NS + "mitigates")}
    rel_in = queries.load("related_in")
    base = median_ms(lambda: raw_select(raw, rel_in, b), repeat)
    rd = {"rdflib": median_ms(lambda: rdf.query(rel_in, b), max(1, repeat // 5))} if rdf else {}
    d = median_ms(lambda: kg.related(c, "mitigates", "in"), repeat)
    yield Line("api", "related(X, mitigates, in)", d, "ms", base, "raw", dict(rd), target="<=2x & <5ms",
               ok=d <= 2 * base and d < 5)
    try:
        from graph.ask import ask
    except ImportError:
        ask = None  # type: ignore[assignment]
    if ask is not None:
        sentence = f"什么可以缓解{zh}？"
        ask(kg, "what causes overfitting?")  # the parser's tables exist, as in a running app
        _fresh_cache(kg)
        t = time.perf_counter()
        ask(kg, sentence)
        first = (time.perf_counter() - t) * 1000
        d = median_ms(lambda: ask(kg, sentence), repeat)
        yield Line("api", f"ask('{sentence[:14]}…'), repeated", d, "ms", base, "raw related_in", dict(rd),
                   target="<=2x & <5ms", ok=d <= 2 * base and d < 5,
                   note=f"first call after a write {first:.1f} ms (the label index kept)")
        yield from first_ask_lines(kg, size, repeat, ask)
    yield from path_lines(kg, size, repeat)
    two = median_ms(lambda: raw_select(raw, TWO_HOP, {"c": concept}), repeat)
    rd2 = {"rdflib": median_ms(lambda: rdf.query(TWO_HOP, {"c": concept}), max(1, repeat // 5))} if rdf else {}
    _fresh_cache(kg)
    kg.concept(iri)  # the label index is built once per revision; not part of a click
    t = time.perf_counter()
    kg.neighbourhood(c, depth=2)
    cold = (time.perf_counter() - t) * 1000
    d = median_ms(lambda: kg.neighbourhood(c, depth=2), repeat)
    yield Line("api", "neighbourhood(X, depth 2, <=80)", d, "ms", two, "raw 2-hop SELECT", dict(rd2),
               note=f"first call {cold:.1f} ms (bound per-concept queries, cached per revision)")


def first_ask_lines(kg: KnowledgeGraph, size: int, repeat: int, ask: Callable[..., Any]) -> Iterator[Line]:
    """`ask` about concepts never asked before, then the first search and ask after an ingest."""
    raw: ox.Store = kg.backend.raw  # type: ignore[attr-defined]
    rel_in = queries.load("related_in")
    mit = ox.NamedNode(NS + "mitigates")
    n = concepts_in(size)
    kg.search("x")  # the label index exists; answers of these concepts do not

    def ask_new(i: int) -> tuple[float, float]:
        """ms of the raw related_in query, then of `ask`, about concept i (asked once)."""
        slug, zh, _en, _aliases = _concept_names(i % n)
        b = {"concept": ox.NamedNode(CONCEPT_NS + slug), "relation": mit}
        t = time.perf_counter()
        raw_select(raw, rel_in, b)
        t2 = time.perf_counter()
        ask(kg, f"什么可以缓解{zh}？")
        return (t2 - t) * 1000, (time.perf_counter() - t2) * 1000

    base, asked = map(list, zip(*(ask_new(n // 3 + 11 * k + 1) for k in range(max(10, repeat))), strict=True))
    d, r = statistics.median(asked), statistics.median(base)
    yield Line("api", "ask about a concept not asked before", d, "ms", r, "raw related_in (first)",
               target="<=2x & <5ms", ok=d <= 2 * r and d < 5,
               note=f"median over {len(asked)} concepts, one call each, label index built")
    # writes that add no concept (an ingested note), each followed by a first typo search and a first ask
    import ingest
    from ingest.mentions import default_linker

    linker = default_linker()
    searched, asked, base = [], [], []
    for k in range(max(5, repeat // 2)):
        doc = ingest.extract(f"bench-note-{k}.md", "## 什么是过拟合？\n\nDropout 可以缓解过拟合。\n".encode(), linker)
        graph, quads = ingest.to_quads(doc)
        kg.replace_source(graph, quads)
        _en = _concept_names((n // 3 + 13 * k + 3) % n)[2]
        typo = _en.title().replace("a", "", 1)
        t = time.perf_counter()
        kg.search(typo)
        searched.append((time.perf_counter() - t) * 1000)
        raw_ms, ask_ms = ask_new(n // 3 + 13 * k + 5)
        base.append(raw_ms)
        asked.append(ask_ms)
        kg.remove_source(graph)
    d, r, sd = statistics.median(asked), statistics.median(base), statistics.median(searched)
    yield Line("search", "typo, first call after an ingest", sd, "ms", target="<20ms", ok=sd < 20,
               note=f"median over {len(searched)} ingests; an ingest adds no concept, the label index stays")
    yield Line("api", "ask, first call after an ingest", d, "ms", r, "raw related_in (first)",
               target="<=2x & <5ms", ok=d <= 2 * r and d < 5,
               note=f"median over {len(asked)} ingests, each then asked about a concept not asked before")


def path_lines(kg: KnowledgeGraph, size: int, repeat: int) -> Iterator[Line]:
    """The study-path check through graph/paths.py, when that module exists."""
    try:
        from graph import paths
    except ImportError:
        return
    fn = getattr(paths, "check_path", None) or getattr(paths, "analyse", None) or getattr(paths, "path", None)
    if fn is None:
        return
    n = concepts_in(size)
    picks = [kg.concept(CONCEPT_NS + _concept_names(i)[0]) for i in (n // 2, n // 3, n // 5)]
    raw: ox.Store = kg.backend.raw  # type: ignore[attr-defined]
    q = "SELECT ?a ?b WHERE { ?a dlkg:requires+ ?b }"
    base = median_ms(lambda: [raw_select(raw, q, {"a": ox.NamedNode(c.iri)}) for c in picks], repeat)
    _fresh_cache(kg)
    t = time.perf_counter()
    fn(kg, picks)
    first = (time.perf_counter() - t) * 1000
    d = median_ms(lambda: fn(kg, picks), repeat)
    yield Line("api", "path(3 concepts), repeated", d, "ms", base, "raw requires+ x3", target="<=2x & <5ms",
               ok=d <= 2 * base and d < 5, note=f"first call after a write {first:.1f} ms")
    firsts, bases = [], []
    for k in range(max(5, repeat // 2)):  # three concepts never planned before, each time
        trio = [kg.concept(CONCEPT_NS + _concept_names((n // 7 + 17 * k + j) % n)[0]) for j in (0, 5, 9)]
        t = time.perf_counter()
        for c in trio:
            raw_select(raw, q, {"a": ox.NamedNode(c.iri)})
        bases.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        fn(kg, trio)
        firsts.append((time.perf_counter() - t) * 1000)
    d, r = statistics.median(firsts), statistics.median(bases)
    yield Line("api", "path(3 concepts not planned before)", d, "ms", r, "raw requires+ x3 (first)",
               target="<=2x & <5ms", ok=d <= 2 * r and d < 5, note=f"median over {len(firsts)} trios")


# ---------------------------------------------------------------------------- search
def search_lines(kg: KnowledgeGraph, size: int, repeat: int) -> Iterator[Line]:
    raw: ox.Store = kg.backend.raw  # type: ignore[attr-defined]
    iri, zh, alias = typical_concept(size)
    _fresh_cache(kg, labels=True)
    t = time.perf_counter()
    kg.search("x")
    build = (time.perf_counter() - t) * 1000
    scan = ("SELECT ?q ?c WHERE { ?c skos:prefLabel|skos:altLabel ?l "
            "FILTER(CONTAINS(LCASE(STR(?l)), LCASE(STR(?q)))) }")
    en = kg.concept(iri).label_en
    probes = [("exact zh label", zh), ("exact alias", alias), ("prefix (3 chars)", zh[:3]),
              ("substring", zh[2:]), ("english prefix", en[:10].lower()),
              ("typo (fuzzy)", en.replace("a", "", 1)), ("pinyin near miss", "xishu")]
    for what, text in probes:
        t = time.perf_counter()
        hits = kg.search(text)
        first = (time.perf_counter() - t) * 1000  # near misses are memoised per revision after this
        d = median_ms(lambda: kg.search(text), repeat)  # noqa: B023
        r = median_ms(lambda: raw_select(raw, scan, {"q": ox.Literal(text)}), max(1, repeat // 3))  # noqa: B023
        yield Line("search", f"{what} '{text[:12]}'", d, "ms", r, "raw CONTAINS scan", target="<20ms",
                   ok=d < 20 and first < 20, note=f"{len(hits)} hits, first call {first:.2f} ms")
    yield Line("search", "label index build (once per revision)", build, "ms",
               note=f"{len(kg._labels()[0])} folded labels")  # noqa: SLF001


# ---------------------------------------------------------------------------- export
def export_lines(kg: KnowledgeGraph, repeat: int) -> Iterator[Line]:
    from graph.export import export

    raw: ox.Store = kg.backend.raw  # type: ignore[attr-defined]
    runs = max(1, repeat // 3)
    d = median_ms(lambda: export(kg, "nquads"), runs, warmup=0)
    r = median_ms(lambda: raw.dump(format=ox.RdfFormat.N_QUADS), runs, warmup=0)
    yield Line("export", "export nquads", d, "ms", r, "raw dump", target="", note=f"median of {runs}")


# ---------------------------------------------------------------------------- ingest stages
class StageClock:
    """Exclusive time per stage, nested calls subtracted from the caller."""

    def __init__(self) -> None:
        self.total: dict[str, float] = {}
        self._stack: list[list[float]] = []

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append([time.perf_counter(), 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                start, inner = self._stack.pop()
                spent = time.perf_counter() - start
                self.total[stage] = self.total.get(stage, 0.0) + spent - inner
                if self._stack:
                    self._stack[-1][1] += spent
        return timed


@contextmanager
def _patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def ingest_lines(corpora: Path, repeat: int) -> Iterator[Line]:
    import ingest
    from ingest.mentions import default_linker

    files = [p for p in ingest.files_under([corpora]) if p.suffix.lower() in (".md", ".markdown", ".txt")]
    if not files:
        return
    data = [(p.name, p.read_bytes()) for p in files]
    mb = sum(len(b) for _, b in data) / 1e6
    linker = default_linker()
    best: dict[str, float] | None = None
    questions = 0
    for _ in range(max(1, repeat // 5)):
        clock = StageClock()
        kg = KnowledgeGraph.open(memory=True)
        questions = 0
        t0 = time.perf_counter()
        mod: Any = ingest
        hooks = [(mod, "read_text", "read"), (mod, "decode", "read"), (mod, "segment", "segment"),
                 (linker, "find", "link"), (linker, "concepts", "link"), (mod.rel, "analyse", "relations"),
                 (mod.rel, "extract", "relations")]
        with ExitStack() as stack:  # time each stage where the current ingest code calls it
            for obj, attr, stage in hooks:
                if hasattr(obj, attr):
                    stack.enter_context(_patched(obj, attr, clock.wrap(stage, getattr(obj, attr))))
            for name, b in data:
                try:
                    doc = ingest.extract(name, b, linker)
                except ingest.RefusedFile:  # refused files count in the bytes read, as in a real ingest
                    continue
                graph, quads = clock.wrap("rdf", ingest.to_quads)(doc)
                clock.wrap("store", kg.replace_source)(graph, quads)
                questions += len(doc.questions)
        clock.total["total"] = time.perf_counter() - t0
        kg.close()
        if best is None or clock.total["total"] < best["total"]:
            best = dict(clock.total)
    assert best is not None
    workers = os.cpu_count() or 1
    parallel: list[float] = []
    for _ in range(max(1, repeat // 5)):  # what `dlkg ingest` does: files extracted in parallel, written in order
        kg = KnowledgeGraph.open(memory=True)
        t0 = time.perf_counter()
        ingest.ingest_paths(files, kg.replace_source, workers=workers)
        parallel.append(time.perf_counter() - t0)
        kg.close()
    for stage in ("read", "segment", "link", "relations", "rdf", "store", "total"):
        s = best.get(stage, 0.0)
        mbps = mb / s if s else float("inf")
        yield Line("ingest", "total, one process" if stage == "total" else stage, mbps, "MB/s", None,
                   target=">=2 MB/s" if stage == "total" else "",
                   ok=(mbps >= 2) if stage == "total" else None,
                   note=f"{s:.2f} s, {questions / s if s else 0:.0f} questions/s, {mb:.2f} MB markdown, "
                        f"{questions} questions")
    s = min(parallel)
    yield Line("ingest", f"total, {workers} extraction workers (dlkg ingest)", mb / s, "MB/s", target=">=2 MB/s",
               ok=mb / s >= 2, note=f"{s:.2f} s, {questions / s:.0f} questions/s; the line above: one process, "
                                    "by stage; both without duplicate re-clustering")


def ingest_in_child(corpora: Path, repeat: int) -> Iterator[Line]:
    """`ingest_lines` in a fresh process, as `dlkg ingest` runs: not in this one, whose heap holds a
    loaded graph and its caches (Python's garbage collector walks them, and forked workers copy them)."""
    code = ("import dataclasses, json, sys; from pathlib import Path; from benchmarks.run import ingest_lines; "
            "print(json.dumps({'lines': [dataclasses.asdict(x) for x in ingest_lines(Path(sys.argv[1]), "
            "int(sys.argv[2]))]}))")
    got = _child_json(code, [str(corpora), str(repeat)], dict(os.environ))
    if "error" in got:
        yield Line("ingest", "total", float("nan"), "MB/s", note=f"could not run: {got['error']}")
        return
    for d in got["lines"]:
        yield Line(**d)


# ---------------------------------------------------------------------------- CLI cold start
def _run_ms(cmd: Sequence[str], repeat: int, env: dict[str, str] | None = None) -> float:
    def once() -> None:
        subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    return median_ms(once, repeat)


def cli_lines(repeat: int, workdir: Path) -> Iterator[Line]:
    py = sys.executable
    store = workdir / "cli-store"
    env = {**os.environ, "DLKG_STORE": str(store)}
    dlkg = [py, "-c", "import sys; from explorer.cli import main; sys.exit(main())"]
    subprocess.run([*dlkg, "sparql", "ASK {}"], cwd=ROOT, env=env, capture_output=True, check=False)
    n = max(5, repeat)
    base = _run_ms([py, "-c", "import rdflib"], n)
    question = ["ask", "什么可以缓解梯度消失？"]
    for what, args in (("dlkg --help", ["--help"]), ("dlkg ask '什么可以缓解梯度消失？'", question)):
        d = _run_ms([*dlkg, *args], n, env)
        yield Line("cli", what, d, "ms", base, "import rdflib", target="<=2x", ok=d <= 2 * base,
                   note="cold process start, median")
    out = subprocess.run([py, "-X", "importtime", *dlkg[1:], *question], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    heavy = sorted({m for m in ("streamlit", "pandas", "pyvis", "rdflib")
                    if re.search(rf"\|\s+{m}$", out.stderr, re.M)})
    yield Line("cli", "heavy imports on `dlkg ask`", float(len(heavy)), "mods", target="0", ok=not heavy,
               note=", ".join(heavy) or "no streamlit, pandas, pyvis or rdflib (python -X importtime)")


# ---------------------------------------------------------------------------- app and pyvis (child process)
APP_SCRIPT = r"""
import json, statistics, sys, time
from streamlit.testing.v1 import AppTest
concepts = sys.argv[1].split(",")
at = AppTest.from_file("explorer/app.py", default_timeout=300)
at.run()
times = []
for iri in concepts:  # each click focuses a concept not shown before, as a user's click does
    at.session_state["focus"] = iri
    t = time.perf_counter()
    at.run()
    times.append(time.perf_counter() - t)
print(json.dumps({"ms": statistics.median(times[1:]) * 1000, "first": times[0] * 1000,
                  "exceptions": [str(e.value)[:200] for e in at.exception]}))
"""

PAGES_SCRIPT = r"""
import json, sys, time
from streamlit.testing.v1 import AppTest
out = {}
warm = AppTest.from_file("explorer/app.py", default_timeout=600)  # imports each page's modules once per
warm.run()                                                          # process, as a running server has
for page in sys.argv[1].split(","):
    warm.switch_page(f"app_pages/{page}.py"); warm.run()
for page in sys.argv[1].split(","):  # a fresh session per page: its first visit, then a rerun
    at = AppTest.from_file("explorer/app.py", default_timeout=600)
    at.run()
    t = time.perf_counter(); at.switch_page(f"app_pages/{page}.py"); at.run(); first = time.perf_counter() - t
    t = time.perf_counter(); at.run(); again = time.perf_counter() - t
    out[page] = {"first": first * 1000, "again": again * 1000, "exceptions": [str(e.value)[:160] for e in at.exception]}
print(json.dumps(out))
"""
PAGES = ("ask", "path", "questions", "sources", "review", "sparql")

VIEW_SCRIPT = r"""
import json, os, statistics, sys, time
from graph import KnowledgeGraph
from graph.kg import RELATIONS
from explorer import graphview, views
kg = KnowledgeGraph.open(store=os.environ["DLKG_STORE"])
hub = kg.concept(sys.argv[1])
t = time.perf_counter()
concepts, edges = kg.neighbourhood(hub, depth=3, relations=RELATIONS)
data = (time.perf_counter() - t) * 1000
spec = views.concept_graph(kg, concepts, edges, focus=hub.iri)
graphview.render(spec)
specs, pyvis = [], []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); spec = views.concept_graph(kg, concepts, edges, focus=hub.iri)
    t2 = time.perf_counter(); graphview.render(spec); t3 = time.perf_counter()
    specs.append(t2 - t); pyvis.append(t3 - t2)
print(json.dumps({"ms": statistics.median(pyvis) * 1000, "spec": statistics.median(specs) * 1000,
                  "data": data, "nodes": len(concepts), "edges": len(edges)}))
"""


def _child_json(script: str, args: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=False, timeout=900)
    lines = out.stdout.strip().splitlines()
    if out.returncode or not lines:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail[:160]}
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def app_lines(size: int, repeat: int, seed: int, workdir: Path) -> Iterator[Line]:
    """A concept click in the app (AppTest, server side) and the largest view, at 100k triples at most."""
    if not (ROOT / "explorer" / "app.py").exists():
        return
    app_size = min(size, 100_000)
    path = graph_file(app_size, seed, workdir)
    store = workdir / f"app-store-{path.stem}"
    if not store.exists():
        kg = KnowledgeGraph.open(store=store)
        kg.load_file(path)
        kg.close()
    n = concepts_in(app_size)
    clicks = [CONCEPT_NS + _concept_names(n // 3 + 7 * k)[0] for k in range(max(4, repeat // 2) + 1)]
    env = {**os.environ, "DLKG_STORE": str(store)}
    got = _child_json(APP_SCRIPT, [",".join(clicks)], env)
    label = f"concept click rerun ({app_size // 1000}k)"
    if "error" in got:
        yield Line("app", label, float("nan"), "ms", note=f"could not run: {got['error']}")
    else:
        note = f"server side, AppTest, median of {len(clicks) - 1} clicks on new concepts"
        if got["exceptions"]:
            note += f"; app exceptions: {got['exceptions']}"
        yield Line("app", label, got["ms"], "ms", target="<200ms", ok=got["ms"] < 200 and not got["exceptions"],
                   note=note)
    pages = _child_json(PAGES_SCRIPT, [",".join(PAGES)], env)
    for page in PAGES:
        got_page = pages.get(page)
        if not isinstance(got_page, dict):
            yield Line("app", f"page {page}: first visit", float("nan"), "ms",
                       note=f"could not run: {pages.get('error', 'no figure')}")
            continue
        note = f"server side, AppTest, a new session, modules imported; rerun {got_page['again']:.0f} ms"
        if got_page["exceptions"]:
            note += f"; app exceptions: {got_page['exceptions']}"
        yield Line("app", f"page {page}: first visit ({app_size // 1000}k)", got_page["first"], "ms",
                   target="<200ms", ok=got_page["first"] < 200 and not got_page["exceptions"], note=note)
    hub = CONCEPT_NS + _concept_names(0)[0]  # the most connected concept: the largest view
    got = _child_json(VIEW_SCRIPT, [hub, str(max(3, repeat // 3))], env)
    if "error" in got:
        yield Line("app", "largest view: pyvis build + HTML", float("nan"), "ms", note=f"could not run: {got['error']}")
    else:
        yield Line("app", f"largest view: pyvis build + HTML ({got['nodes']} nodes, {got['edges']} edges)",
                   got["ms"], "ms", target="<100ms", ok=got["ms"] < 100,
                   note="hub concept, depth 3, all relations (graphview.render)")
        total = got["ms"] + got["spec"]
        yield Line("app", "largest view: labels + spec + pyvis + HTML", total, "ms", target="<100ms",
                   ok=total < 100, note=f"views.concept_graph {got['spec']:.0f} ms in bare mode; "
                   f"neighbourhood data first call {got['data']:.0f} ms")


# ---------------------------------------------------------------------------- HTTP (oxigraph serve)
@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise RuntimeError("the oxigraph server binary is not installed (pip install oxigraph)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def http_lines(path: Path, size: int, repeat: int, workdir: Path) -> Iterator[Line]:
    with tempfile.TemporaryDirectory(prefix="dlkg-served-", dir=workdir) as tmp, oxigraph_server(Path(tmp)) as url:
        kg = KnowledgeGraph.open(endpoint=url)
        t = time.perf_counter()
        kg.load_file(path)
        yield Line("http", "load (POST /store)", time.perf_counter() - t, "s", note="oxigraph serve, one request")
        endpoint: EndpointStore = kg.backend  # type: ignore[assignment]
        iri, _zh, _alias = typical_concept(size)

        values = bench_values(lambda text, b: [dict(r) for r in endpoint.select(text, b)], size)

        def raw_http(text: str) -> Any:
            req = urllib.request.Request(endpoint.query_url, data=text.encode(), headers={
                "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(req) as resp:  # noqa: S310
                return json.loads(resp.read())

        from graph.store import PREFIX_HEADER

        for name in [*queries.names(), *CACHED_API]:  # interactive queries; bulk reads behind the API's caches
            b = {k: values[k] for k in PARAMS.get(name, ())}
            text = PREFIX_HEADER + inline_bindings(queries.load(name), b)
            d = median_ms(lambda: kg.select(name, **b), repeat)  # noqa: B023
            r = median_ms(lambda: raw_http(text), repeat)  # noqa: B023
            scope = "bound" if b else "whole graph (bulk)" if name in CACHED_API else "the reviews graph"
            yield Line("http", name, d, "ms", r, "raw HTTP+json", note=scope)
        c = kg.concept(iri)
        d = median_ms(lambda: kg.related(c, "mitigates", "in"), repeat)
        yield Line("http", "related(X, mitigates, in)", d, "ms")
        d = median_ms(lambda: kg.search(c.label[:3]), repeat)
        yield Line("http", "search prefix", d, "ms", note="index in the client process")
        kg.close()


# ---------------------------------------------------------------------------- the runner
SECTIONS = ("load", "query", "search", "export", "ingest", "app", "cli", "http")


def run(size_text: str = "10k", repeat: int = 20, seed: int = 7, sections: Sequence[str] = SECTIONS,
        workdir: Path | None = None, rdflib_max: int = RDFLIB_MAX,
        out: Callable[[str], None] = print, query_names: Sequence[str] | None = None) -> list[Line]:
    """Generate (or reuse) the graph, run the sections, print and return every line."""
    size = parse_size(size_text)
    work = workdir or Path(tempfile.gettempdir()) / "dlkg-bench"
    lines: list[Line] = []

    def emit(items: Iterator[Line]) -> None:
        for line in items:
            lines.append(line)
            out(line.render())

    t = time.perf_counter()
    path = graph_file(size, seed, work)
    out(f"# dlkg bench: {size_text} ({size} triples requested, seed {seed}), {path.stat().st_size / 1e6:.0f} MB "
        f"N-Quads ready in {time.perf_counter() - t:.1f} s; {os.cpu_count()} cores; median of {repeat}")
    if "load" in sections:
        emit(bench_load(path, size, repeat))
    needs_kg = {"query", "search", "export"} & set(sections)
    if needs_kg:
        kg = KnowledgeGraph(OxigraphStore(None))
        kg.ensure_ontology()
        kg.load_file(path)
        rdf = None
        if "query" in sections and size <= rdflib_max:
            rdf = RdflibBaseline(path)
            out(f"# rdflib Dataset (default in-memory store) loaded in {rdf.load_seconds:.1f} s")
        elif "query" in sections:
            out(f"# rdflib skipped above {rdflib_max} triples (its default store takes too long)")
        if "query" in sections:
            emit(query_lines(kg, size, repeat, rdf, query_names))
        if "search" in sections:
            emit(search_lines(kg, size, repeat))
        if "export" in sections:
            emit(export_lines(kg, repeat))
        kg.close()
    if "ingest" in sections and CORPORA.is_dir():
        emit(ingest_in_child(CORPORA, repeat))
    if "app" in sections:
        emit(app_lines(size, repeat, seed, work))
    if "cli" in sections:
        emit(cli_lines(repeat, work))
    if "http" in sections:
        emit(http_lines(path, size, repeat, work))
    misses = [ln for ln in lines if ln.ok is False]
    out(f"# targets: {sum(1 for ln in lines if ln.ok)} met, {len(misses)} missed"
        + (": " + "; ".join(f"{ln.section} {ln.name}" for ln in misses) if misses else ""))
    return lines
