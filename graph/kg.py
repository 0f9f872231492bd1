"""The knowledge graph API that the CLI and the app share.

`KnowledgeGraph` wraps a store backend: it loads the ontology on first use, writes one
named graph per source document, resolves concept names, and answers the named queries.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

import ontology
from ontology.text import fold

from . import queries
from .review import ReviewMixin
from .search import LabelIndex, load_cached, save_cached
from .store import (
    LABELS_REVISION,
    META_GRAPH,
    REVISION,
    STORE_NODE,
    Backend,
    Row,
    labels_revision_update,
    open_backend,
    replace_graphs_update,
    revision_update,
)

NS = ontology.NS
RELATIONS = ontology.RELATIONS
ONTOLOGY_VERSION = ox.NamedNode(NS + "ontologyVersion")
DUPLICATES_GRAPH = ox.NamedNode("https://w3id.org/dlkg/graph/duplicates")


class UnknownConcept(LookupError):
    """No concept has this label or alias."""

    def __init__(self, text: str, suggestions: list[Concept] | None = None):
        self.text = text
        self.suggestions = suggestions or []
        hint = f" (did you mean {', '.join(c.label for c in self.suggestions[:5])}?)" if self.suggestions else ""
        super().__init__(f"unknown concept '{text}'{hint}")


@dataclass(frozen=True)
class Concept:
    iri: str
    label: str
    label_en: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Related:
    """One answer of `related`: the other concept and the evidence for the edge."""

    concept: Concept
    relation: str
    direction: str
    sources: int = 0
    curated: bool = False
    quote: str | None = None
    inferred: bool = False

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["concept"] = self.concept.as_dict()
        return d


@dataclass
class Edge:
    source: str
    relation: str
    target: str
    sources: int
    curated: bool


@dataclass
class ConceptCard:
    concept: Concept
    alt_labels: list[str] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=dict)
    categories: list[Concept] = field(default_factory=list)


def _text(term: object) -> str:
    return term.value if isinstance(term, (ox.Literal, ox.NamedNode)) else ""


def _int(term: object) -> int:
    try:
        return int(_text(term) or 0)
    except ValueError:
        return 0


class _LazyAdjacency(dict[str, list[Edge]]):
    """Adjacency lists fetched on first access."""

    def __init__(self, fetch: Callable[[str], list[Edge]]):
        super().__init__()
        self._fetch = fetch

    def __missing__(self, iri: str) -> list[Edge]:
        self[iri] = edges = self._fetch(iri)
        return edges


class KnowledgeGraph(ReviewMixin):
    """dlkg's knowledge graph over any backend."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self._cache_rev: str | None = None
        self._cache: dict[str, object] = {}
        self._labels_rev: str | None = None  # the labels revision the label-keyed entries were built for
        self._label_keys: set[str] = set()  # entries of `_cache` that depend on concept labels only
        self._rev: tuple[object, str, str] | None = None  # (generation, revision, labels revision) in-process

    @classmethod
    def open(cls, store: str | os.PathLike[str] | None = None, endpoint: str | None = None,
             memory: bool = False) -> KnowledgeGraph:
        """Open a store (directory, endpoint, in-memory or the default) with the ontology loaded."""
        kg = cls(open_backend(store=store, endpoint=endpoint, memory=memory))
        kg.ensure_ontology()
        return kg

    def close(self) -> None:
        self.backend.close()

    # ------------------------------------------------------------------ store state
    def _meta(self, key: ox.NamedNode) -> str | None:
        rows = self.select("meta", key=key)
        return _text(rows[0]["value"]) if rows else None

    def _revisions(self) -> tuple[str, str]:
        """(store revision, labels revision), both from one read of the meta graph.

        An embedded store counts its own writes, so the meta graph is read only after one;
        an endpoint may be written by others and is asked every time. A store written before
        labels had their own revision falls back to the store revision.
        """
        gen = getattr(self.backend, "generation", None)
        if gen is not None and self._rev is not None and self._rev[0] == gen:
            return self._rev[1], self._rev[2]
        meta = {_text(r["key"]): _text(r["value"]) for r in self.select("meta")}
        rev = meta.get(REVISION.value, "")
        labels = meta.get(LABELS_REVISION.value) or (rev and "store:" + rev)
        self._rev = (gen, rev, labels) if gen is not None else None
        return rev, labels

    def revision(self) -> str:
        """Changes whenever the store's content changes (cache key)."""
        return self._revisions()[0]

    def labels_revision(self) -> str:
        """Changes whenever concept labels may have changed (the label index's cache key)."""
        return self._revisions()[1]

    def load_file(self, path: str | os.PathLike[str], format: ox.RdfFormat | None = None) -> None:
        """Bulk-load an RDF file (N-Quads, TriG, ...) as it is: fast, but not atomic."""
        self.backend.load_file(path, format)
        self.backend.update(labels_revision_update() + " ;\n" + revision_update())

    def ensure_ontology(self) -> bool:
        """Load or refresh the ontology graph when the shipped files changed. True if loaded."""
        version = ontology.fingerprint()
        if self._meta(ONTOLOGY_VERSION) == version:
            return False
        quads = ontology.ontology_quads()
        quads.append(ox.Quad(STORE_NODE, ONTOLOGY_VERSION, ox.Literal(version), META_GRAPH))
        self.backend.update(
            f"DELETE WHERE {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {ONTOLOGY_VERSION} ?v }} }} ;\n"
            + labels_revision_update([ontology.ONTOLOGY_GRAPH], quads) + " ;\n"
            + replace_graphs_update([ontology.ONTOLOGY_GRAPH], quads)
        )
        return True

    def replace_source(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Atomically replace one source's named graph with new quads (ingest entry point)."""
        quads = list(quads)
        if any(q.graph_name != graph for q in quads):
            raise ValueError("every quad of a source must be in its own named graph")
        self.backend.update(labels_revision_update([graph], quads) + " ;\n" + replace_graphs_update([graph], quads))

    def remove_source(self, graph: ox.NamedNode) -> None:
        """Drop one source's named graph."""
        self.backend.update(labels_revision_update([graph], []) + " ;\n" + replace_graphs_update([graph], []))

    def all_questions(self) -> list[tuple[str, str]]:
        """(IRI, text) of every question, ordered by source file and position (then IRI).

        One scan of questions and of file names; joined and sorted here, as SPARQL's ORDER BY would
        (an unbound file or position first, positions by number).
        """
        rows: list[Row] = []
        files: dict[object, list[object]] = {}
        for r in self.select("question_texts"):
            if "question" in r:
                rows.append(r)
            else:
                files.setdefault(r["source"], []).append(r["fileName"])

        def key(term: object) -> tuple[int, float, str]:
            if term is None:
                return (0, 0.0, "")
            try:
                return (1, float(_text(term)), "")
            except ValueError:
                return (2, 0.0, _text(term))
        out = [(_text(f) if f is not None else None, key(r.get("position")), _text(r["question"]), _text(r["text"]))
               for r in rows for f in files.get(r.get("source"), [None])]
        out.sort(key=lambda x: (x[0] is not None, x[0] or "", x[1], x[2]))
        return [(q, text) for _, _, q, text in out]

    def replace_duplicates(self, duplicate_of: dict[str, str]) -> None:
        """Atomically replace the duplicates graph: `question dlkg:duplicateOf canonical`."""
        g = DUPLICATES_GRAPH
        p = ox.NamedNode(NS + "duplicateOf")
        quads = [ox.Quad(ox.NamedNode(q), p, ox.NamedNode(c), g) for q, c in sorted(duplicate_of.items())]
        self.backend.update(labels_revision_update([g], quads) + " ;\n" + replace_graphs_update([g], quads))

    def _cached(self, key: str, build, labels: bool = False):  # type: ignore[no-untyped-def]
        """`build()` once per store revision, or with `labels` once per labels revision."""
        if labels:
            rev = self.labels_revision()
            if rev != self._labels_rev:
                for k in list(self._label_keys):  # list(): other threads may add keys meanwhile
                    self._cache.pop(k, None)
                self._labels_rev = rev
            self._label_keys.add(key)
        else:
            rev = self.revision()
            if rev != self._cache_rev:  # label entries stay: they are never missing for a moment
                for k in [k for k in list(self._cache) if k not in self._label_keys]:
                    self._cache.pop(k, None)
                self._cache_rev = rev
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def select(self, name: str, **bindings: ox.NamedNode | ox.Literal) -> list[Row]:
        """Run the named query `name.rq` with bound parameters."""
        return self.backend.select(queries.load(name), bindings)

    # ------------------------------------------------------------------ concepts
    def _labels(self) -> tuple[LabelIndex, dict[str, Concept]]:
        def build() -> tuple[LabelIndex, dict[str, Concept]]:
            cache_dir: str | None = getattr(self.backend, "cache_dir", None)  # embedded on disk only
            rev = self.labels_revision()
            if cache_dir is not None:  # the last process's index, if built from this very revision
                cached = load_cached(cache_dir, "labels", rev)
                try:
                    if cached is not None:
                        index = LabelIndex.from_state(cached[0])
                        index.cache_dir = cache_dir
                        return index, {i: Concept(i, z, e) for i, z, e in cached[1]}
                except (TypeError, ValueError, IndexError, KeyError):
                    pass  # malformed: rebuild
            index, concepts = read()
            index.cache_dir = cache_dir
            index.build()  # every lookup structure now: no search after a write pays a lazy build
            if cache_dir is not None:
                save_cached(cache_dir, "labels", rev,
                            (index.state(), [(c.iri, c.label, c.label_en) for c in concepts.values()]))
            return index, concepts

        def read() -> tuple[LabelIndex, dict[str, Concept]]:
            labels: list[tuple[str, str]] = []
            pref: dict[str, dict[str, str]] = defaultdict(dict)
            for row in self.select("concept_labels"):
                iri, lit = _text(row["concept"]), row["label"]
                labels.append((iri, _text(lit)))
                if _text(row["kind"]) == "pref" and isinstance(lit, ox.Literal):
                    pref[iri][(lit.language or "en").split("-")[0]] = lit.value
            concepts = {
                iri: Concept(iri, names.get("zh") or names.get("en", iri), names.get("en") or names.get("zh", iri))
                for iri, names in pref.items()
            }
            return LabelIndex(labels), concepts
        return self._cached("labels", build, labels=True)  # type: ignore[no-any-return]

    def concept(self, iri: str) -> Concept:
        """The concept with this IRI (labels from the store)."""
        found = self._labels()[1].get(iri)
        return found or Concept(iri, iri.rsplit("/", 1)[-1], iri.rsplit("/", 1)[-1])

    def all_concepts(self) -> list[Concept]:
        return sorted(self._labels()[1].values(), key=lambda c: c.label_en.casefold())

    def search(self, text: str, limit: int = 10, spelling: bool = True) -> list[Concept]:
        """Concepts whose label or alias equals, starts with, or contains the text (then near misses).

        `spelling=False`: near misses by sound (pinyin) only, not by close spelling.
        """
        index, concepts = self._labels()  # once: over an endpoint each cache check is a round trip
        ranked = index.search(text, limit=limit + 5,
                              length=lambda i: len(concepts[i].label) if i in concepts else len(i),
                              spelling=spelling)
        return [concepts[i] for i in ranked if i in concepts][:limit]

    def resolve(self, text: str) -> Concept:
        """The concept named by any label or alias (case-insensitive, 繁/简); else UnknownConcept."""
        text = text.strip()
        if text.startswith(ontology.CONCEPT_NS):
            if text in self._labels()[1]:
                return self.concept(text)
            raise UnknownConcept(text)
        iris = self._labels()[0].lookup(text)
        if len(iris) == 1:
            return self.concept(next(iter(iris)))
        if len(iris) > 1:
            voc = ontology.vocabulary()
            default = next((d for t, (d, _) in voc.ambiguous.items() if fold(t) == fold(text)), None)
            if default in iris:
                return self.concept(default)
            return self.concept(sorted(iris)[0])
        raise UnknownConcept(text, self.search(text, 5))

    def card(self, concept: Concept) -> ConceptCard:
        card = ConceptCard(concept)
        for row in self.select("concept_card", concept=ox.NamedNode(concept.iri)):
            p, v = _text(row["p"]), row["value"]
            if p.endswith("altLabel"):
                card.alt_labels.append(_text(v))
            elif p.endswith("definition") and isinstance(v, ox.Literal):
                card.definitions[(v.language or "en").split("-")[0]] = v.value
            elif p.endswith("broader"):
                card.categories.append(self.concept(_text(v)))
        card.alt_labels.sort(key=str.casefold)
        return card

    # ------------------------------------------------------------------ relations
    def related(self, concept: Concept, relation: str, direction: str = "out") -> list[Related]:
        """Direct edges of one relation type; `out`: concept → other, `in`: other → concept."""
        if relation not in RELATIONS:
            raise ValueError(f"unknown relation '{relation}' (one of {', '.join(RELATIONS)})")
        if direction not in ("in", "out"):
            raise ValueError("direction must be 'in' or 'out'")
        rows = self.select(f"related_{direction}", concept=ox.NamedNode(concept.iri),
                           relation=ox.NamedNode(NS + relation))
        out = [
            Related(self.concept(_text(r["other"])), relation, direction, _int(r.get("sources")),
                    _int(r.get("curated")) == 1, _text(r.get("quote")) or None)
            for r in rows
        ]
        return sorted(out, key=lambda r: (not r.curated, -r.sources, r.concept.label_en.casefold()))

    def edges(self) -> list[Edge]:
        """Every relation edge between concepts (cached per store revision), review decisions applied.

        A triple rejected or retyped away is left out; a retyped one counts under its new predicate with
        its own evidence. Sources are counted and curation found here, over one scan of the assertions.
        """
        def build() -> list[Edge]:
            asserted: list[tuple[object, object, object]] = []
            reviews: list[tuple[object, object, object, str, object]] = []
            parts: dict[str, dict[object, list[object]]] = {
                k: defaultdict(list) for k in ("s", "asserted", "o", "m", "src")}
            for r in self.select("relation_edges"):
                if "a" in r:  # one part of one assertion
                    k, v = next((k, v) for k, v in r.items() if k != "a")
                    parts[k][r["a"]].append(v)
                elif "d" in r:
                    reviews.append((r["s"], r["asserted"], r["o"], _text(r["d"]), r.get("new")))
                else:
                    asserted.append((r["s"], r["p"], r["o"]))
            evidence: dict[tuple[object, object, object], tuple[set[object], list[bool]]] = {}
            for node, methods in parts["m"].items():  # an assertion counts when it has a method
                for s, a, o in ((s, a, o) for s in parts["s"][node] for a in parts["asserted"][node]
                                for o in parts["o"][node]):
                    srcs, cur = evidence.setdefault((s, a, o), (set(), [False]))
                    srcs.update(parts["src"].get(node, ()))
                    cur[0] = cur[0] or any(_text(m) == "curated" for m in methods)
            out_of = {(s, a, o, d == "reject" or None) for s, a, o, d, _ in reviews if d in ("reject", "retype")}
            kinds = {ox.NamedNode(NS + rel) for rel in RELATIONS}

            def left_out(s: object, a: object, o: object, p: object) -> bool:  # rejected, or retyped and a == p
                return (s, a, o, True) in out_of or (a == p and (s, a, o, None) in out_of)
            behind: dict[tuple[object, object, object], set[object]] = defaultdict(set)  # edge -> asserted predicates
            for s, p, o in asserted:
                if not left_out(s, p, o, p):
                    behind[(s, p, o)].add(p)
            for s, a, o, d, new in reviews:
                if d == "retype" and new in kinds and not left_out(s, a, o, new):
                    behind[(s, new, o)].add(a)
            edges = []
            for (s, p, o), preds in behind.items():
                ev = [evidence[(s, a, o)] for a in preds if (s, a, o) in evidence]
                edges.append(Edge(_text(s), _text(p)[len(NS):], _text(o), len(set().union(*(e[0] for e in ev))),
                                  any(e[1][0] for e in ev)))
            return sorted(edges, key=lambda e: (e.source, e.relation, e.target))
        return self._cached("edges", build)  # type: ignore[no-any-return]

    def _touching(self, iri: str) -> list[Edge]:
        """Edges with `iri` at either end (one bound query, cached per store revision)."""
        def build() -> list[Edge]:
            return [
                Edge(_text(r["s"]), _text(r["p"])[len(NS):], _text(r["o"]), _int(r.get("sources")),
                     _int(r.get("curated")) == 1)
                for r in self.select("concept_edges", concept=ox.NamedNode(iri))
            ]
        return self._cached("touching " + iri, build)  # type: ignore[no-any-return]

    def neighbourhood(self, concept: Concept, depth: int = 1, relations: Iterable[str] = RELATIONS,
                      max_nodes: int = 80) -> tuple[list[Concept], list[Edge]]:
        """Concepts within `depth` hops (either direction) and the edges among them, capped."""
        wanted = set(relations)
        adj: dict[str, list[Edge]] = {}
        if self._cache_rev == self.revision() and "edges" in self._cache:  # every edge already at hand
            adj = defaultdict(list)
            for e in self.edges():
                if e.relation in wanted:
                    adj[e.source].append(e)
                    adj[e.target].append(e)
        else:  # one bound query per concept reached, not every edge of a large graph
            adj = _LazyAdjacency(lambda iri: [e for e in self._touching(iri) if e.relation in wanted])
        seen = {concept.iri: 0}
        frontier = [concept.iri]
        for d in range(1, depth + 1):
            nxt = []
            for iri in frontier:
                for e in sorted(adj[iri], key=lambda e: (not e.curated, -e.sources)):
                    other = e.target if e.source == iri else e.source
                    if other not in seen and len(seen) < max_nodes:
                        seen[other] = d
                        nxt.append(other)
            frontier = nxt
        edges = [e for iri in seen for e in adj[iri] if e.source == iri and e.target in seen]
        return [self.concept(i) for i in seen], edges

    def evidence(self, subject: str, relation: str, obj: str) -> list[dict[str, str]]:
        """Where one edge comes from: curated, or quote, question and file."""
        rows = self.select("evidence", s=ox.NamedNode(subject), p=ox.NamedNode(NS + relation),
                           o=ox.NamedNode(obj))
        keys = ("method", "confidence", "quote", "questionText", "fileName")
        return [{k: _text(r.get(k)) for k in keys} for r in rows]

    # ------------------------------------------------------------------ questions and sources
    def questions_about(self, concept: Concept) -> list[dict[str, str]]:
        rows = self.select("questions_about", concept=ox.NamedNode(concept.iri))
        return [{"iri": _text(r["question"]), "text": _text(r["text"]), "answer": _text(r.get("answer")),
                 "file": _text(r.get("fileName"))} for r in rows]

    def sources(self) -> list[dict[str, object]]:
        """Every source in file-name order with its number of questions (cached per store revision)."""
        from .sources import sources

        return sources(self)
