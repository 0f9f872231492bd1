"""The dlkg vocabulary as data: schema, curated concepts, shapes, and a small loader.

Everything dlkg knows about deep learning lives in the Turtle files beside this module.
`ontology_quads()` turns them into quads for the store (adding one curated
`dlkg:Assertion` per relation triple); `vocabulary()` gives the labels and aliases the
ingest links against; `check()` reports authoring mistakes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).parent
NS = "https://w3id.org/dlkg/ns#"
CONCEPT_NS = "https://w3id.org/dlkg/concept/"
ONTOLOGY_GRAPH = ox.NamedNode("https://w3id.org/dlkg/graph/ontology")
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"

RELATIONS = ("mitigates", "causes", "partOf", "variantOf", "requires")
TRANSITIVE = ("partOf", "requires")

_TYPE = ox.NamedNode(RDF + "type")
_PREF = ox.NamedNode(SKOS + "prefLabel")
_ALT = ox.NamedNode(SKOS + "altLabel")
_DEF = ox.NamedNode(SKOS + "definition")
_BROADER = ox.NamedNode(SKOS + "broader")
_CONCEPT = ox.NamedNode(NS + "Concept")
_CATEGORY = ox.NamedNode(NS + "Category")


def _v(term: object) -> str:
    """The lexical value of an RDF term (IRI, literal or blank node id)."""
    return str(getattr(term, "value", term))


def dlkg(local: str) -> ox.NamedNode:
    """The IRI `dlkg:<local>`."""
    return ox.NamedNode(NS + local)


def schema_file() -> Path:
    return HERE / "schema.ttl"


def shapes_file() -> Path:
    return HERE / "shapes.ttl"


def concept_files() -> list[Path]:
    return sorted((HERE / "concepts").glob("*.ttl"))


@lru_cache(maxsize=1)
def parsed() -> tuple[ox.Triple, ...]:
    """The triples of the shipped Turtle files (schema and concepts), parsed once."""
    triples: list[ox.Triple] = []
    for path in [schema_file(), *concept_files()]:
        try:
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        except SyntaxError as exc:  # a broken data file is a packaging bug: name it
            raise ValueError(f"{path.name}: {exc}") from exc
    return tuple(triples)


def _assertion_quads(t: ox.Triple) -> Iterator[ox.Quad]:
    key = f"{_v(t.subject)} {_v(t.predicate)} {_v(t.object)}".encode()
    node = ox.NamedNode("https://w3id.org/dlkg/assertion/curated/" + hashlib.sha1(key).hexdigest()[:20])
    g = ONTOLOGY_GRAPH
    yield ox.Quad(node, _TYPE, dlkg("Assertion"), g)
    yield ox.Quad(node, ox.NamedNode(RDF + "subject"), t.subject, g)
    yield ox.Quad(node, ox.NamedNode(RDF + "predicate"), t.predicate, g)
    yield ox.Quad(node, ox.NamedNode(RDF + "object"), t.object, g)
    yield ox.Quad(node, dlkg("method"), ox.Literal("curated"), g)
    yield ox.Quad(node, dlkg("confidence"), ox.Literal("1.0", datatype=ox.NamedNode(XSD + "decimal")), g)


def ontology_quads() -> list[ox.Quad]:
    """Every triple of the schema and concept files, plus curated assertions, in the ontology graph."""
    relation_iris = {NS + r for r in RELATIONS}
    quads: list[ox.Quad] = []
    for t in parsed():
        quads.append(ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH))
        if _v(t.predicate) in relation_iris and isinstance(t.object, ox.NamedNode):
            quads.extend(_assertion_quads(t))
    return quads


def fingerprint() -> str:
    """A hash of the shipped ontology files: the store reloads the ontology when it changes."""
    h = hashlib.sha256()
    for path in [schema_file(), *concept_files()]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def normalize_label(text: str) -> str:
    """The form labels are compared in: NFKC, case-folded, inner spaces removed."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class Sense:
    concept: str
    context_words: list[str]


@dataclass
class Vocabulary:
    """Labels and aliases of every concept, for linking mentions in text."""

    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # text -> IRIs
    pref: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI -> lang -> label
    ambiguous: dict[str, tuple[str, list[Sense]]] = field(default_factory=dict)  # text -> default, senses

    def label(self, iri: str, lang: str = "zh") -> str:
        names = self.pref.get(iri, {})
        return names.get(lang) or names.get("en") or iri.rsplit("/", 1)[-1]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Every prefLabel and altLabel of every concept, and the declared ambiguous labels."""
    voc = Vocabulary()
    concepts = {_v(t.subject) for t in parsed() if t.predicate == _TYPE and t.object in (_CONCEPT, _CATEGORY)}
    senses: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in parsed():
        by_subject[_v(t.subject)].append(t)
    for t in parsed():
        s = _v(t.subject)
        if s in concepts and t.predicate in (_PREF, _ALT) and isinstance(t.object, ox.Literal):
            voc.labels[_v(t.object)].add(s)
            if t.predicate == _PREF:
                voc.pref.setdefault(s, {})[(t.object.language or "en").split("-")[0]] = _v(t.object)
    for t in parsed():
        if t.predicate == _TYPE and t.object == dlkg("AmbiguousLabel"):
            props = by_subject[_v(t.subject)]
            text = next((_v(p.object) for p in props if p.predicate == dlkg("labelText")), None)
            default = next((_v(p.object) for p in props if p.predicate == dlkg("defaultSense")), "")
            if text is None:
                continue
            for p in props:
                if p.predicate == dlkg("sense"):
                    sp = by_subject[_v(p.object)]
                    concept = next((_v(x.object) for x in sp if x.predicate == dlkg("concept")), None)
                    words = [_v(x.object) for x in sp if x.predicate == dlkg("contextWord")]
                    if concept:
                        senses[text].append((concept, words))
            voc.ambiguous[text] = (default, [Sense(c, w) for c, w in senses[text]])
    return voc


def check() -> list[str]:
    """Authoring problems in the concept files, one line each (empty when all is well)."""
    triples = parsed()
    problems: list[str] = []
    concepts = {_v(t.subject) for t in triples if t.predicate == _TYPE and t.object in (_CONCEPT, _CATEGORY)}
    categories = {_v(t.subject) for t in triples if t.predicate == _TYPE and t.object == _CATEGORY}
    props: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        props[_v(t.subject)][_v(t.predicate)].append(t.object)
    relation_iris = {NS + r for r in RELATIONS}
    for t in triples:
        if _v(t.predicate) in relation_iris | {SKOS + "broader"} and _v(t.object) not in concepts:
            problems.append(f"undefined concept {_v(t.object)} (object of {_v(t.subject)})")
    for c in sorted(concepts):
        p = props[c]
        langs = [lit.language for lit in p[SKOS + "prefLabel"] if isinstance(lit, ox.Literal)]
        for lang in ("zh", "en"):
            if langs.count(lang) != 1:
                problems.append(f"{c}: needs exactly one prefLabel @{lang} (has {langs.count(lang)})")
            if not any(isinstance(d, ox.Literal) and d.language == lang for d in p[SKOS + "definition"]):
                problems.append(f"{c}: no definition @{lang}")
        if c not in categories and not p[SKOS + "broader"]:
            problems.append(f"{c}: no skos:broader (category)")
    voc = vocabulary()
    norm: dict[str, set[str]] = defaultdict(set)
    for text, iris in voc.labels.items():
        norm[normalize_label(text)] |= iris
    declared = {normalize_label(t) for t in voc.ambiguous}
    for text, iris in sorted(norm.items()):
        if len(iris) > 1 and text not in declared:
            problems.append(f"label '{text}' names {len(iris)} concepts: {', '.join(sorted(iris))}")
    for rel in TRANSITIVE:
        cycle = _find_cycle([(_v(t.subject), _v(t.object)) for t in triples if _v(t.predicate) == NS + rel])
        if cycle:
            problems.append(f"{rel} cycle: {' -> '.join(cycle)}")
    return problems


def _find_cycle(edges: list[tuple[str, str]]) -> list[str]:
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
    state: dict[str, int] = {}
    for root in list(succ):
        if state.get(root):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(succ[root]))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
                path.append(nxt)
    return []


if __name__ == "__main__":
    found = check()
    print("\n".join(found) or "ontology ok")
    raise SystemExit(1 if found else 0)
