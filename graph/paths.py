"""Study paths on the prerequisite DAG (`requires` only): what is missing, what comes too late.

    >>> from graph import KnowledgeGraph
    >>> from graph.paths import check_path
    >>> kg = KnowledgeGraph.open(memory=True)
    >>> report = check_path(kg, [kg.resolve("LSTM"), kg.resolve("RNN")])
    >>> [(a.label, b.label) for a, b in report.order_violations]
    [('LSTM', '循环神经网络')]

The graph has an edge prerequisite → dependant for every `A requires B` (B → A), review
decisions applied: a rejected edge is left out, an edge retyped away from `requires` too, an edge
retyped into `requires` counts. `check_path` reads only the prerequisite closure of the concepts
involved (`prerequisite_closure`, one bound query per planned or known concept, and
`prerequisite_dependants` for what the known concepts unlock), never the whole graph; a cycle
inside that closure is reported in `cycles` and never looped on: every walk keeps a visited set.
`relation_pairs` / `prerequisite_graph` read a whole relation (`dlkg validate`'s cycle check).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from .kg import NS, Concept, Edge, KnowledgeGraph


def relation_pairs(kg: KnowledgeGraph, relation: str) -> list[tuple[str, str]]:
    """(subject, object) IRIs of one relation, review decisions applied (cached per store revision).

    A pair is left out when a review of its triple rejects it or retypes it away; a triple of another
    predicate retyped into `relation` adds its pair (unless a review of it rejects it).
    """
    def build() -> list[tuple[str, str]]:
        rel = NS + relation
        asserted: list[tuple[str, str]] = []
        reviews: list[tuple[str, str, str, str, str]] = []  # (s, asserted predicate, o, decision, new)
        for r in kg.select("relation_pairs", relation=ox.NamedNode(rel)):
            s, o = r.get("s"), r.get("o")
            if not (isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)):
                continue
            d = r.get("d")
            if d is None:
                asserted.append((s.value, o.value))
            else:
                new = r.get("new")
                reviews.append((s.value, _value(r.get("asserted")), o.value, d.value, _value(new)))
        out_of = {(s, p, o) for s, p, o, d, _ in reviews if d == "reject" or (d == "retype" and p == rel)}
        pairs = {(s, o) for s, o in asserted if (s, rel, o) not in out_of}
        pairs |= {(s, o) for s, p, o, d, new in reviews
                  if d == "retype" and new == rel and p != rel and (s, p, o) not in out_of}
        return sorted(pairs)
    return kg._cached("pairs " + relation, build)  # type: ignore[no-any-return]


def _value(term: object) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else ""


def prerequisite_graph(kg: KnowledgeGraph) -> nx.DiGraph:
    """The whole requires-only graph with edges prerequisite → dependant (cached per store revision)."""
    def build() -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_edges_from((o, s) for s, o in relation_pairs(kg, "requires"))
        return g
    return kg._cached("paths.prerequisites", build)  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the closure of a plan, query by query
def review_changes(kg: KnowledgeGraph, relation: str = "requires") -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    """(asserted pairs left out, pairs added by subject) of one relation from the review decisions.

    Left out: the triple is rejected or retyped to another relation. Added: a triple the store holds
    was retyped into `relation`. Reviews are few: read once per store revision.
    """
    def build() -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
        dropped: set[tuple[str, str]] = set()
        added: dict[str, set[str]] = {}
        for (s, p, o), (decision, new) in kg.review_decisions().items():
            if p == relation and decision in ("reject", "retype"):
                dropped.add((s, o))
            elif decision == "retype" and new == relation and kg.select(
                    "edge_asserted", s=ox.NamedNode(s), p=ox.NamedNode(NS + p), o=ox.NamedNode(o)):
                added.setdefault(s, set()).add(o)
        return dropped, added
    return kg._cached("paths.reviews " + relation, build)  # type: ignore[no-any-return]


class PrerequisiteReader:
    """The kept `requires` edges around some concepts, read with bound queries (cached per revision).

    `asserted[x]` holds every asserted direct prerequisite of x once x is covered: x was reached
    by a `prerequisite_closure` query (which returns each reached concept with its edges) or is a dependant
    returned by `prerequisite_dependants` (which returns all its prerequisites).
    """

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.dropped, self.added = review_changes(kg)
        self.asserted: dict[str, set[str]] = {}

    def _closure_rows(self, iri: str) -> list[tuple[str, str | None]]:
        def build() -> list[tuple[str, str | None]]:
            rows = self.kg.select("prerequisite_closure", concept=ox.NamedNode(iri))
            return [(r["x"].value, r["y"].value if isinstance(r.get("y"), ox.NamedNode) else None)
                    for r in rows if isinstance(r.get("x"), ox.NamedNode)]
        return self.kg._cached("paths.closure " + iri, build)  # type: ignore[no-any-return]

    def _dependant_rows(self, iri: str) -> list[tuple[str, str]]:
        def build() -> list[tuple[str, str]]:
            rows = self.kg.select("prerequisite_dependants", concept=ox.NamedNode(iri))
            return [(r["d"].value, r["p"].value) for r in rows
                    if isinstance(r.get("d"), ox.NamedNode) and isinstance(r.get("p"), ox.NamedNode)]
        return self.kg._cached("paths.dependants " + iri, build)  # type: ignore[no-any-return]

    def prerequisites(self, iri: str) -> set[str]:
        """The direct prerequisites of `iri` over kept edges."""
        if iri not in self.asserted:
            rows = self._closure_rows(iri)
            reached: dict[str, set[str]] = {iri: set()}
            for x, y in rows:
                pres = reached.setdefault(x, set())
                if y is not None:
                    pres.add(y)
                    reached.setdefault(y, set())
            for x, ys in reached.items():
                self.asserted.setdefault(x, ys)
        kept = {y for y in self.asserted[iri] if (iri, y) not in self.dropped}
        return kept | self.added.get(iri, set())

    def dependants(self, iri: str) -> set[str]:
        """The concepts that directly require `iri` over kept edges."""
        found: dict[str, set[str]] = {}
        for d, p in self._dependant_rows(iri):
            found.setdefault(d, set()).add(p)
        for d, ps in found.items():
            self.asserted.setdefault(d, ps)
        out = {d for d in found if (d, iri) not in self.dropped}
        return out | {s for s, os in self.added.items() if iri in os}

    def closure(self, roots: Iterable[str]) -> dict[str, set[str]]:
        """dependant → kept direct prerequisites, for every concept reachable from `roots`."""
        pred: dict[str, set[str]] = {}
        stack = list(dict.fromkeys(roots))
        seen = set(stack)
        while stack:
            node = stack.pop()
            pred[node] = pres = self.prerequisites(node)
            for p in pres:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return pred


def plan_subgraph(reader: PrerequisiteReader, plan: list[str], known: list[str]
                  ) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """(closure, pred, succ): all that `_analyse` reads for this plan, and nothing more.

    closure: dependant → prerequisites for everything reachable from the planned and known
    concepts; pred adds the prerequisites of each concept that the known ones unlock; succ maps
    each known concept (and its prerequisites, unless planned) to its dependants.
    """
    closure = reader.closure([*plan, *known])
    known_closure = set(known)
    for iri in known:
        known_closure |= _ancestors(closure, iri)
    known_closure -= set(plan)
    pred = dict(closure)
    succ: dict[str, set[str]] = {}
    for iri in sorted(known_closure):
        succ[iri] = deps = reader.dependants(iri)
        for d in deps:
            if d not in pred:
                pred[d] = reader.prerequisites(d)
    return closure, pred, succ


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
    return _ancestors(g.pred, iri)


def _ancestors(pred: Mapping[str, Iterable[str]], iri: str) -> set[str]:
    """Breadth-first over the prerequisites of `iri` only (a visited set: cycles end the walk)."""
    if iri not in pred:
        return set()
    seen = {iri}
    frontier = [iri]
    while frontier:
        nxt = []
        for node in frontier:
            for pre in pred[node]:
                if pre not in seen:
                    seen.add(pre)
                    nxt.append(pre)
        frontier = nxt
    seen.discard(iri)
    return seen


@dataclass
class PathPlan:
    """The analysis of a study plan over IRIs (see `analyse`)."""

    missing: list[str] = field(default_factory=list)
    order_violations: list[tuple[str, str]] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    fringe: list[str] = field(default_factory=list)
    cycles: list[list[str]] = field(default_factory=list)
    needed_by: dict[str, list[str]] = field(default_factory=dict)


def analyse(g: nx.DiGraph, plan: list[str], known: list[str] | None = None,
            order: dict[str, str] | None = None) -> PathPlan:
    """Missing prerequisites, order violations, a repaired plan and the fringe, on IRIs.

    `g` has edges prerequisite → dependant. `order` gives a sort key for concepts that are
    not in the plan (labels; the IRI otherwise), so results are deterministic.

    - missing: every transitive prerequisite of a planned concept that is neither planned
      nor known (the prerequisites of a known concept count as known);
    - order_violations: (concept, prerequisite) where the prerequisite is planned later;
    - plan: the user's order wherever it is consistent, each missing or late prerequisite
      inserted just before the first concept that needs it (a stable topological order);
    - fringe: what can be learned next: not known, every prerequisite known, and either
      unlocked by something known or part of the plan.
    """
    return _analyse(g.pred, g.succ, find_cycles(g), plan, known, order)


def _analyse(pred: Mapping[str, Iterable[str]], succ: Mapping[str, Iterable[str]], cycles: list[list[str]],
             plan: list[str], known: list[str] | None = None, order: dict[str, str] | None = None) -> PathPlan:
    """`analyse` over adjacency maps (dependant → prerequisites, prerequisite → dependants).

    Only the ancestors of the planned and known concepts and the dependants of the known ones
    are visited, so the cost follows the plan, not the size of the graph.
    """
    key = order or {}
    planned = list(dict.fromkeys(plan))
    position = {iri: n for n, iri in enumerate(planned)}
    out = PathPlan(cycles=[list(c) for c in cycles])
    known_closure = set(known or [])
    for iri in list(known_closure):
        known_closure |= _ancestors(pred, iri)
    known_closure -= set(position)  # what the user plans to learn is not yet known

    needed_by: dict[str, list[str]] = {}
    ancestors = {iri: _ancestors(pred, iri) for iri in planned}
    for iri in planned:
        for pre in ancestors[iri]:
            if pre != iri:
                needed_by.setdefault(pre, []).append(iri)
    missing = [i for i in needed_by if i not in position and i not in known_closure]
    out.missing = sorted(missing, key=lambda i: (min(position[d] for d in needed_by[i]), key.get(i, i), i))
    out.needed_by = {i: needed_by[i] for i in missing}

    for iri in planned:
        for pre in sorted(ancestors[iri] & set(position), key=position.__getitem__):
            if position[pre] > position[iri] and pre != iri:
                out.order_violations.append((iri, pre))

    wanted = (set(position) | set(missing)) - known_closure
    walk = wanted | set(needed_by)  # through known concepts too: a planned one may sit behind them
    emitted: list[str] = []
    done: set[str] = set()

    def rank(iri: str) -> tuple[int, int, str, str]:
        return (0, position[iri], "", iri) if iri in position else (1, 0, key.get(iri, iri), iri)

    for root in planned:  # iterative depth-first walk: prerequisites first, each node once
        stack: list[tuple[str, list[str]]] = []
        if root in done:
            continue
        on_stack = {root}
        stack.append((root, _pres(pred, root, walk, rank)))
        while stack:
            node, todo = stack[-1]
            while todo and (todo[0] in done or todo[0] in on_stack):  # a cycle is cut here, never looped on
                todo.pop(0)
            if todo:
                nxt = todo.pop(0)
                on_stack.add(nxt)
                stack.append((nxt, _pres(pred, nxt, walk, rank)))
                continue
            stack.pop()
            on_stack.discard(node)
            done.add(node)
            if node in wanted:
                emitted.append(node)
    out.plan = emitted

    # a fringe concept is planned, wanted, or a dependant of something known: nothing else can qualify
    candidates = set(position) | wanted
    for iri in known_closure:
        candidates.update(succ.get(iri, ()))
    fringe = []
    for iri in candidates:
        if iri in known_closure:
            continue
        pres = set(pred.get(iri, ())) - {iri}
        if pres <= known_closure and (pres & known_closure or iri in wanted):
            fringe.append(iri)
    out.fringe = sorted(fringe, key=lambda i: (i not in position, position.get(i, 0), key.get(i, i), i))
    return out


def _pres(pred: Mapping[str, Iterable[str]], iri: str, walk: set[str], rank) -> list[str]:  # type: ignore[no-untyped-def]
    """Direct prerequisites of `iri` worth visiting, in the order they are visited."""
    return sorted((p for p in pred.get(iri, ()) if p in walk and p != iri), key=rank)


@dataclass
class PathReport:
    """The analysis of one study plan, with concepts (see `check_path`)."""

    requested: list[Concept]
    known: list[Concept]
    missing: list[Concept] = field(default_factory=list)
    order_violations: list[tuple[Concept, Concept]] = field(default_factory=list)
    plan: list[Concept] = field(default_factory=list)
    fringe: list[Concept] = field(default_factory=list)
    cycles: list[list[Concept]] = field(default_factory=list)
    needed_by: dict[str, list[Concept]] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (dependant, prerequisite) within the plan

    @property
    def ok(self) -> bool:
        """Nothing missing, nothing out of order, no cycle."""
        return not (self.missing or self.order_violations or self.cycles)

    @property
    def order(self) -> list[Concept]:
        """The requested concepts alone, in the repaired order (the plan without what was added)."""
        asked = {c.iri for c in self.requested}
        return [c for c in self.plan if c.iri in asked]

    def as_dict(self) -> dict[str, object]:
        return {
            "requested": [c.as_dict() for c in self.requested],
            "order": [c.as_dict() for c in self.order],
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


def check_path(kg: KnowledgeGraph, plan: list[Concept], known: list[Concept] | None = None) -> PathReport:
    """`analyse` on the prerequisite closure of the planned and known concepts, with concepts in and out."""
    plan_iris, known_iris = [c.iri for c in plan], [c.iri for c in known or []]
    closure, pred, succ = plan_subgraph(PrerequisiteReader(kg), plan_iris, known_iris)
    g = nx.DiGraph()
    g.add_nodes_from(closure)
    g.add_edges_from((p, d) for d, ps in closure.items() for p in ps)
    nodes = set(pred).union(*pred.values(), *succ.values())
    order = {iri: kg.concept(iri).label_en.casefold() for iri in nodes}
    result = _analyse(pred, succ, find_cycles(g), plan_iris, known_iris, order)
    c = kg.concept
    report = PathReport(list({x.iri: x for x in plan}.values()), list({x.iri: x for x in known or []}.values()))
    report.missing = [c(i) for i in result.missing]
    report.order_violations = [(c(a), c(b)) for a, b in result.order_violations]
    report.plan = [c(i) for i in result.plan]
    report.fringe = [c(i) for i in result.fringe]
    report.cycles = [[c(i) for i in cycle] for cycle in result.cycles]
    report.needed_by = {i: [c(d) for d in ds] for i, ds in result.needed_by.items()}
    in_plan = set(result.plan)
    report.edges = sorted((d, p) for d in in_plan for p in closure.get(d, ()) if p in in_plan)
    return report


def plan_edges(kg: KnowledgeGraph, report: PathReport) -> list[Edge]:
    """The report's `requires` edges among the plan's concepts, with their evidence counts.

    One bound `related_out` query per dependant (cached per store revision), never every edge.
    """
    out = []
    for s, o in report.edges:
        related = kg._cached("paths.requires_out " + s, lambda s=s: kg.related(kg.concept(s), "requires", "out"))
        found = next((r for r in related if r.concept.iri == o), None)
        out.append(Edge(s, "requires", o, found.sources if found else 0, found.curated if found else False))
    return out
