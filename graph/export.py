"""Exports: RDF serialisations of the store, and the concept graph for Gephi and pandas."""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .kg import KnowledgeGraph

FORMATS = {"turtle", "nquads", "jsonld", "graphml", "csv"}
_RDF = {"turtle": ox.RdfFormat.TURTLE, "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}


def export(kg: KnowledgeGraph, fmt: str) -> bytes:
    """The store in one format (turtle: union of graphs; nquads/jsonld keep named graphs)."""
    if fmt in _RDF:
        return kg.backend.dump(_RDF[fmt])
    if fmt == "graphml":
        return graphml(kg)
    if fmt == "csv":
        return edges_csv(kg)
    raise ValueError(f"unknown export format '{fmt}' (one of {', '.join(sorted(FORMATS))})")


def graphml(kg: KnowledgeGraph) -> bytes:
    """Concepts as nodes (zh/en labels), relations as typed directed edges."""
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
              '<key id="label" for="node" attr.name="label" attr.type="string"/>\n'
              '<key id="label_en" for="node" attr.name="label_en" attr.type="string"/>\n'
              '<key id="relation" for="edge" attr.name="relation" attr.type="string"/>\n'
              '<key id="sources" for="edge" attr.name="sources" attr.type="int"/>\n'
              '<key id="curated" for="edge" attr.name="curated" attr.type="boolean"/>\n'
              '<graph id="dlkg" edgedefault="directed">\n')
    for c in kg.all_concepts():
        out.write(f'<node id={quoteattr(c.iri)}><data key="label">{escape(c.label)}</data>'
                  f'<data key="label_en">{escape(c.label_en)}</data></node>\n')
    for e in kg.edges():
        out.write(f'<edge source={quoteattr(e.source)} target={quoteattr(e.target)}>'
                  f'<data key="relation">{e.relation}</data><data key="sources">{e.sources}</data>'
                  f'<data key="curated">{str(e.curated).lower()}</data></edge>\n')
    out.write("</graph>\n</graphml>\n")
    return out.getvalue().encode()


def edges_csv(kg: KnowledgeGraph) -> bytes:
    """One row per relation edge, with both endpoints' labels."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["source", "source_label", "relation", "target", "target_label", "sources", "curated"])
    for e in kg.edges():
        w.writerow([e.source, kg.concept(e.source).label, e.relation, e.target, kg.concept(e.target).label,
                    e.sources, e.curated])
    return out.getvalue().encode()
