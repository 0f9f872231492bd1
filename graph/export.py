"""Exports: RDF serialisations of the store, and the concept graph for Gephi and pandas.

    >>> from graph import KnowledgeGraph
    >>> from graph.export import export, write_csv
    >>> kg = KnowledgeGraph.open(memory=True)
    >>> turtle = export(kg, "turtle")          # the union of all graphs
    >>> nquads = export(kg, "nquads")          # every quad, named graphs kept
    >>> write_csv(kg, "out/")                  # out/nodes.csv and out/edges.csv

`turtle`, `nquads` and `jsonld` dump the store itself (triples, questions, evidence,
reviews). `graphml` and `csv` export the concept graph as the answers see it: every concept
as a node, every relation edge (rejected edges left out) with its source count.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
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
        return edges_csv(kg)  # one stream: the edge list; `write_csv` writes nodes and edges
    raise ValueError(f"unknown export format '{fmt}' (one of {', '.join(sorted(FORMATS))})")


def _nodes(kg: KnowledgeGraph) -> list[tuple[str, str, str]]:
    """(iri, zh label, en label) of every concept, plus any edge end the label index lacks."""
    nodes = {c.iri: (c.iri, c.label, c.label_en) for c in kg.all_concepts()}
    for e in kg.edges():
        for iri in (e.source, e.target):
            if iri not in nodes:
                c = kg.concept(iri)
                nodes[iri] = (iri, c.label, c.label_en)
    return sorted(nodes.values())


def graphml(kg: KnowledgeGraph) -> bytes:
    """Concepts as nodes (zh/en labels), relations as typed directed edges (Gephi, networkx)."""
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
              '<key id="label" for="node" attr.name="label" attr.type="string"/>\n'
              '<key id="label_en" for="node" attr.name="label_en" attr.type="string"/>\n'
              '<key id="relation" for="edge" attr.name="relation" attr.type="string"/>\n'
              '<key id="sources" for="edge" attr.name="sources" attr.type="int"/>\n'
              '<key id="curated" for="edge" attr.name="curated" attr.type="boolean"/>\n'
              '<graph id="dlkg" edgedefault="directed">\n')
    for iri, label, label_en in _nodes(kg):
        out.write(f'<node id={quoteattr(iri)}><data key="label">{escape(label)}</data>'
                  f'<data key="label_en">{escape(label_en)}</data></node>\n')
    for n, e in enumerate(kg.edges()):
        out.write(f'<edge id="e{n}" source={quoteattr(e.source)} target={quoteattr(e.target)}>'
                  f'<data key="relation">{e.relation}</data><data key="sources">{e.sources}</data>'
                  f'<data key="curated">{str(e.curated).lower()}</data></edge>\n')
    out.write("</graph>\n</graphml>\n")
    return out.getvalue().encode()


NODE_COLUMNS = ("id", "label", "label_en")
EDGE_COLUMNS = ("source", "source_label", "relation", "target", "target_label", "sources", "curated")


def nodes_csv(kg: KnowledgeGraph) -> bytes:
    """One row per concept: id (IRI), zh label, en label."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(NODE_COLUMNS)
    w.writerows(_nodes(kg))
    return out.getvalue().encode()


def edges_csv(kg: KnowledgeGraph) -> bytes:
    """One row per relation edge, with both endpoints' labels (source/target are node ids)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(EDGE_COLUMNS)
    for e in kg.edges():
        w.writerow([e.source, kg.concept(e.source).label, e.relation, e.target, kg.concept(e.target).label,
                    e.sources, str(e.curated).lower()])
    return out.getvalue().encode()


def write_csv(kg: KnowledgeGraph, directory: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write `nodes.csv` and `edges.csv` into `directory` (created); their paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    nodes, edges = folder / "nodes.csv", folder / "edges.csv"
    nodes.write_bytes(nodes_csv(kg))
    edges.write_bytes(edges_csv(kg))
    return nodes, edges
