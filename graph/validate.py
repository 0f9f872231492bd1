"""`dlkg validate`: SHACL shapes over the whole store, and no cycle in `requires` or `partOf`.

    >>> from graph import KnowledgeGraph
    >>> from graph.validate import validate
    >>> report = validate(KnowledgeGraph.open(memory=True))
    >>> report.ok, len(report.violations), report.cycles

The store is dumped as N-Quads, loaded into rdflib and validated as one graph (the union of
every named graph) with pyshacl against `ontology/shapes.ttl`. Cycles are looked for on the
relation edges as the answers see them (review decisions applied).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

import ontology

from .kg import Concept, KnowledgeGraph
from .paths import find_cycles, relation_pairs

SH = "http://www.w3.org/ns/shacl#"
ACYCLIC = ("requires", "partOf")


@dataclass
class Violation:
    """One SHACL result."""

    severity: str  # Violation, Warning or Info
    focus: str
    path: str
    message: str
    value: str = ""
    shape: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "focus": self.focus, "path": self.path, "message": self.message,
                "value": self.value, "shape": self.shape}


@dataclass
class ValidationReport:
    """SHACL results and relation cycles; `ok` when there is no violation and no cycle."""

    triples: int = 0
    violations: list[Violation] = field(default_factory=list)
    cycles: dict[str, list[list[Concept]]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "Violation"]

    @property
    def ok(self) -> bool:
        return not self.errors and not any(self.cycles.values())

    def lines(self) -> list[str]:
        """One line per problem (empty when all is well)."""
        out = [f"{v.severity}: {v.focus} {v.path}: {v.message}" + (f" (value {v.value})" if v.value else "")
               for v in self.violations]
        for relation, cycles in self.cycles.items():
            out.extend(f"cycle in {relation}: " + " -> ".join(c.label for c in cycle) for cycle in cycles)
        return out

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "triples": self.triples, "violations": [v.as_dict() for v in self.violations],
                "cycles": {r: [[c.as_dict() for c in cycle] for cycle in cs] for r, cs in self.cycles.items()}}


def union_graph(kg: KnowledgeGraph):  # type: ignore[no-untyped-def]
    """The whole store as one rdflib Graph: N-Quads dump, every named graph merged."""
    from rdflib import Dataset, Graph

    data = kg.backend.dump(ox.RdfFormat.N_QUADS)
    ds = Dataset()
    ds.parse(data=data.decode("utf-8"), format="nquads")
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _short(term: object) -> str:
    text = str(term) if term is not None else ""
    for prefix, ns in (("dlkg:", ontology.NS), ("concept/", ontology.CONCEPT_NS),
                       ("skos:", ontology.SKOS), ("rdf:", ontology.RDF)):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


def shacl(kg: KnowledgeGraph, shapes: str | os.PathLike[str] | None = None) -> tuple[int, list[Violation]]:
    """(number of triples checked, SHACL results) for the whole store."""
    from pyshacl import validate as run_shacl
    from rdflib import Graph, Namespace

    path = Path(shapes) if shapes is not None else ontology.shapes_file()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no SHACL shapes file")
    shapes_graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    data = union_graph(kg)
    _, results, _ = run_shacl(data, shacl_graph=shapes_graph, inference="none", allow_warnings=True)
    sh = Namespace(SH)
    out = []
    for r in results.subjects(predicate=sh.focusNode):
        severity = str(results.value(r, sh.resultSeverity) or SH + "Violation").rsplit("#", 1)[-1]
        messages = sorted(str(m) for m in results.objects(r, sh.resultMessage))
        out.append(Violation(severity, _short(results.value(r, sh.focusNode)),
                             _short(results.value(r, sh.resultPath)), "; ".join(messages) or "constraint not met",
                             _short(results.value(r, sh.value)), _short(results.value(r, sh.sourceShape))))
    out.sort(key=lambda v: (v.severity != "Violation", v.focus, v.path, v.message))
    return len(data), out


def relation_cycles(kg: KnowledgeGraph, relations: tuple[str, ...] = ACYCLIC) -> dict[str, list[list[Concept]]]:
    """For each relation, one cycle per strongly connected component (empty lists when acyclic)."""
    out: dict[str, list[list[Concept]]] = {}
    for rel in relations:
        g = nx.DiGraph()
        g.add_edges_from(relation_pairs(kg, rel))
        out[rel] = [[kg.concept(i) for i in cycle] for cycle in find_cycles(g)]
    return out


def validate(kg: KnowledgeGraph, shapes: str | os.PathLike[str] | None = None) -> ValidationReport:
    """SHACL over the whole store plus the acyclicity of `requires` and `partOf`."""
    triples, violations = shacl(kg, shapes)
    return ValidationReport(triples, violations, relation_cycles(kg))
