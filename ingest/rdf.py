"""An extracted document as RDF quads in its own named graph."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pyoxigraph as ox

from ontology import NS, RDF, XSD

from .model import Extracted

SOURCE_NS = "https://w3id.org/dlkg/source/"
DCTERMS = "http://purl.org/dc/terms/"


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(NS + local)


def source_iri(file_name: str) -> ox.NamedNode:
    """The IRI of a source (and of its named graph): one per file name, so re-ingest replaces it."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", file_name).strip("-").lower()[:40] or "doc"
    digest = hashlib.sha256(file_name.encode()).hexdigest()[:12]
    return ox.NamedNode(f"{SOURCE_NS}{slug}-{digest}")


def to_quads(doc: Extracted) -> tuple[ox.NamedNode, list[ox.Quad]]:
    g = source_iri(doc.file_name)
    return g, list(_quads(doc, g))


def _quads(doc: Extracted, g: ox.NamedNode) -> Iterator[ox.Quad]:
    a = ox.NamedNode(RDF + "type")
    yield ox.Quad(g, a, _n("Source"), g)
    yield ox.Quad(g, _n("fileName"), ox.Literal(doc.file_name), g)
    yield ox.Quad(g, ox.NamedNode(DCTERMS + "title"), ox.Literal(doc.title), g)
    yield ox.Quad(g, _n("sha256"), ox.Literal(doc.sha256), g)
    count = ox.Literal(str(len(doc.questions)), datatype=ox.NamedNode(XSD + "integer"))
    yield ox.Quad(g, _n("questionCount"), count, g)
    questions: list[ox.NamedNode] = []
    for q in doc.questions:
        node = ox.NamedNode(f"{g.value}/q/{q.position}")
        questions.append(node)
        yield ox.Quad(node, a, _n("Question"), g)
        yield ox.Quad(node, _n("text"), ox.Literal(q.text), g)
        yield ox.Quad(node, _n("answer"), ox.Literal(q.answer), g)
        yield ox.Quad(node, _n("source"), g, g)
        yield ox.Quad(node, _n("position"), ox.Literal(str(q.position), datatype=ox.NamedNode(XSD + "integer")), g)
        for c in q.asks_about:
            yield ox.Quad(node, _n("asksAbout"), ox.NamedNode(c), g)
        for c in q.mentions:
            yield ox.Quad(node, _n("mentions"), ox.NamedNode(c), g)
    for q in doc.questions:
        if q.duplicate_of is not None:
            yield ox.Quad(questions[q.position], _n("duplicateOf"), questions[q.duplicate_of], g)
    for i, r in enumerate(doc.relations):
        s, p, o = ox.NamedNode(r.subject), _n(r.predicate), ox.NamedNode(r.object)
        node = ox.NamedNode(f"{g.value}/assertion/{i}")
        yield ox.Quad(s, p, o, g)
        yield ox.Quad(node, a, _n("Assertion"), g)
        yield ox.Quad(node, ox.NamedNode(RDF + "subject"), s, g)
        yield ox.Quad(node, ox.NamedNode(RDF + "predicate"), p, g)
        yield ox.Quad(node, ox.NamedNode(RDF + "object"), o, g)
        yield ox.Quad(node, _n("source"), g, g)
        yield ox.Quad(node, _n("quote"), ox.Literal(r.quote), g)
        yield ox.Quad(node, _n("question"), questions[r.question], g)
        confidence = ox.Literal(f"{r.confidence:.2f}", datatype=ox.NamedNode(XSD + "decimal"))
        yield ox.Quad(node, _n("confidence"), confidence, g)
        yield ox.Quad(node, _n("method"), ox.Literal(r.method), g)
