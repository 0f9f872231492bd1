"""Study paths on the prerequisite DAG (`requires` only): what is missing, what comes too late.

    >>> from graph import KnowledgeGraph
    >>> from graph.paths import check_path
    >>> kg = KnowledgeGraph.open(memory=True)
    >>> report = check_path(kg, [kg.resolve("LSTM"), kg.resolve("RNN")])
    >>> [(a.label, b.label) for a, b in report.order_violations]
    [('LSTM', '循环神经网络')]

The graph has an edge prerequisite → dependant for every `A requires B` (B → A), taken from
the `relation_edges` query, so rejected edges are left out. A cycle in the data is reported
in `cycles` and never looped on: every walk keeps a visited set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .kg import Concept, KnowledgeGraph


def prerequisite_graph(kg: KnowledgeGraph) -> nx.DiGraph:
    """The requires-only graph with edges prerequisite → dependant (cached per store revision)."""
    def build() -> nx.DiGraph:
        g = nx.DiGraph()
        for e in kg.edges():
            if e.relation == "requires" and e.source != e.target:
                g.add_edge(e.target, e.source)
            elif e.relation == "requires":
                g.add_edge(e.source, e.source)  # a self-loop is a cycle of one
        return g
    return kg._cached("paths.prerequisites", build)  # type: ignore[no-any-return]


def find_cycles(g: nx.DiGraph, limit: int = 20) -> list[list[str]]:
    """One cycle (IRIs, first repeated at the end) per strongly connected component that has one."""
    cycles: list[list[str]] = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1:
            node = next(iter(comp))
            if not g.has_edge(node, node):
                continue
        sub = g.subgraph(comp)
        edges = nx.find_cycle(sub)
        cycle = [u for u, _ in edges]
        cycles.append([*cycle, cycle[0]])
        if len(cycles) >= limit:
            break
    return sorted(cycles)


def prerequisites(g: nx.DiGraph, iri: str) -> set[str]:
    """Every concept that must come before `iri` (transitively)."""
    return nx.ancestors(g, iri) if iri in g else set()


@dataclass
class PathReport:
    """The analysis of one study plan."""

    requested: list[Concept]
    known: list[Concept]
    missing: list[Concept] = field(default_factory=list)
    order_violations: list[tuple[Concept, Concept]] = field(default_factory=list)
    plan: list[Concept] = field(default_factory=list)
    fringe: list[Concept] = field(default_factory=list)
    cycles: list[list[Concept]] = field(default_factory=list)
    needed_by: dict[str, list[Concept]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Nothing missing, nothing out of order, no cycle."""
        return not (self.missing or self.order_violations or self.cycles)

    def as_dict(self) -> dict[str, object]:
        return {
            "requested": [c.as_dict() for c in self.requested],
            "known": [c.as_dict() for c in self.known],
            "missing": [{**c.as_dict(), "needed_by": [d.as_dict() for d in self.needed_by.get(c.iri, [])]}
                        for c in self.missing],
            "order_violations": [{"concept": a.as_dict(), "prerequisite": b.as_dict()}
                                 for a, b in self.order_violations],
            "plan": [c.as_dict() for c in self.plan],
            "fringe": [c.as_dict() for c in self.fringe],
            "cycles": [[c.as_dict() for c in cycle] for cycle in self.cycles],
            "ok": self.ok,
        }


def _dedupe(concepts: list[Concept]) -> list[Concept]:
    seen: set[str] = set()
    out = []
    for c in concepts:
        if c.iri not in seen:
            seen.add(c.iri)
            out.append(c)
    return out


def check_path(kg: KnowledgeGraph, plan: list[Concept], known: list[Concept] | None = None) -> PathReport:
    """Missing prerequisites, order violations, a repaired plan and the fringe for a study plan.

    - missing: every transitive prerequisite of a planned concept that is neither planned
      nor known (the prerequisites of a known concept count as known);
    - order_violations: (concept, prerequisite) where the prerequisite is planned later;
    - plan: the user's order wherever it is consistent, each missing or late prerequisite
      inserted just before the first concept that needs it (a stable topological order);
    - fringe: what can be learned next: not known, every prerequisite known, and either
      unlocked by something known or part of the plan.
    """
    g = prerequisite_graph(kg)
    planned = _dedupe(plan)
    known_list = _dedupe(known or [])
    report = PathReport(planned, known_list)
    report.cycles = [[kg.concept(i) for i in cycle] for cycle in find_cycles(g)]
    known_set = {c.iri for c in known_list}
    known_closure = set(known_set)
    for iri in known_set:
        known_closure |= prerequisites(g, iri)
    known_closure -= {c.iri for c in planned}  # what the user plans to learn is not yet known
    position = {c.iri: n for n, c in enumerate(planned)}

    needed_by: dict[str, list[str]] = {}
    for c in planned:
        for pre in prerequisites(g, c.iri):
            if pre != c.iri:
                needed_by.setdefault(pre, []).append(c.iri)
    missing = [i for i in needed_by if i not in position and i not in known_closure]
    report.missing = sorted((kg.concept(i) for i in missing),
                            key=lambda c: (min(position[d] for d in needed_by[c.iri]), c.label_en.casefold()))
    report.needed_by = {i: [kg.concept(d) for d in needed_by[i]] for i in missing}

    for c in planned:
        for pre in sorted(prerequisites(g, c.iri) & set(position), key=position.__getitem__):
            if position[pre] > position[c.iri]:
                report.order_violations.append((c, kg.concept(pre)))

    wanted = set(position) | set(missing)
    emitted: list[str] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def rank(iri: str) -> tuple[int, int, str]:
        return (0, position[iri], "") if iri in position else (1, 0, kg.concept(iri).label_en.casefold())

    def visit(iri: str) -> None:
        if iri in done or iri in visiting:  # `visiting`: a cycle is cut here, never looped on
            return
        visiting.add(iri)
        if iri in g:
            for pre in sorted((p for p in g.predecessors(iri) if p in wanted or p in needed_by), key=rank):
                visit(pre)
        visiting.discard(iri)
        done.add(iri)
        if iri in wanted:
            emitted.append(iri)

    for c in planned:
        visit(c.iri)
    report.plan = [kg.concept(i) for i in emitted if i not in known_closure]

    learned = known_closure
    fringe = []
    for iri in sorted(set(g.nodes) | set(position)):
        if iri in learned:
            continue
        pres = set(g.predecessors(iri)) - {iri} if iri in g else set()
        if pres <= learned and (pres & learned or iri in wanted):
            fringe.append(kg.concept(iri))
    report.fringe = sorted(fringe, key=lambda c: (c.iri not in position, c.label_en.casefold()))
    return report
