"""Study paths: missing prerequisites, order violations, the repaired plan, the fringe, cycles."""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import KnowledgeGraph
from graph.paths import analyse, check_path, find_cycles, prerequisite_graph

NS = "https://w3id.org/dlkg/ns#"


def labels(concepts: list) -> list[str]:  # type: ignore[type-arg]
    return [c.label for c in concepts]


def test_transformer_from_scratch_misses_attention(kg: KnowledgeGraph) -> None:
    report = check_path(kg, [kg.resolve("Transformer")])
    assert "注意力机制" in labels(report.missing)
    assert report.plan[-1] == kg.resolve("Transformer")
    assert set(labels(report.plan)) == set(labels(report.missing)) | {"Transformer"}
    g = prerequisite_graph(kg)
    assert {c.iri for c in report.missing} == nx.ancestors(g, kg.resolve("Transformer").iri)
    assert report.as_dict()["missing"][0]["needed_by"][0]["label"] == "Transformer"  # type: ignore[index]


def test_lstm_before_rnn_is_an_order_violation(kg: KnowledgeGraph) -> None:
    lstm, rnn = kg.resolve("LSTM"), kg.resolve("循环神经网络")
    report = check_path(kg, [lstm, rnn])
    assert (lstm, rnn) in report.order_violations
    assert report.plan.index(rnn) < report.plan.index(lstm)
    assert report.order == [rnn, lstm]
    assert rnn not in report.missing and lstm not in report.missing
    data = report.as_dict()
    assert {"concept": lstm.as_dict(), "prerequisite": rnn.as_dict()} in data["order_violations"]  # type: ignore[operator]
    consistent = check_path(kg, [rnn, lstm])
    assert consistent.order_violations == []


def test_known_concepts_and_their_prerequisites_are_not_missing(kg: KnowledgeGraph) -> None:
    lstm, rnn = kg.resolve("LSTM"), kg.resolve("RNN")
    alone = check_path(kg, [lstm])
    knowing = check_path(kg, [lstm], [rnn])
    g = prerequisite_graph(kg)
    covered = nx.ancestors(g, rnn.iri) | {rnn.iri}
    assert {c.iri for c in knowing.missing} == {c.iri for c in alone.missing} - covered
    assert rnn not in knowing.plan and lstm in knowing.plan


def test_fringe_is_what_the_known_set_unlocks(kg: KnowledgeGraph) -> None:
    g = prerequisite_graph(kg)
    rnn = kg.resolve("RNN")
    known = [kg.concept(i) for i in nx.ancestors(g, rnn.iri)]
    report = check_path(kg, [kg.resolve("LSTM")], known)
    assert rnn in report.fringe
    known_iris = {c.iri for c in known}
    for c in report.fringe:
        assert c.iri not in known_iris
        assert set(g.predecessors(c.iri)) - {c.iri} <= known_iris


def _add_requires(kg: KnowledgeGraph, pairs: list[tuple[str, str]]) -> None:
    g = ox.NamedNode("https://w3id.org/dlkg/source/test-cycle")
    quads = [ox.Quad(ox.NamedNode(kg.resolve(a).iri), ox.NamedNode(NS + "requires"),
                     ox.NamedNode(kg.resolve(b).iri), g) for a, b in pairs]
    kg.replace_source(g, quads)


def test_a_cycle_is_reported_and_not_looped_on(kg: KnowledgeGraph) -> None:
    _add_requires(kg, [("反向传播", "LSTM")])  # LSTM requires RNN requires ... 反向传播: now a cycle
    report = check_path(kg, [kg.resolve("LSTM")])
    assert report.cycles and not report.ok
    assert any({"LSTM", "反向传播"} <= set(labels(cycle)) for cycle in report.cycles)
    assert all(cycle[0] == cycle[-1] for cycle in report.cycles)
    assert kg.resolve("LSTM") in report.plan and len(set(report.plan)) == len(report.plan)


def test_unrelated_concepts_keep_the_users_order(kg: KnowledgeGraph) -> None:
    plan = [kg.resolve(x) for x in ("Transformer", "LSTM")]
    report = check_path(kg, plan)
    assert report.plan.index(plan[0]) < report.plan.index(plan[1])


# ---------------------------------------------------------------- properties on random graphs
@st.composite
def dags(draw: st.DrawFn) -> tuple[nx.DiGraph, list[str], list[str]]:
    size = draw(st.integers(1, 12))
    nodes = [f"n{i}" for i in range(size)]
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    for j in range(size):  # edges only from lower to higher index: acyclic
        for i in draw(st.lists(st.integers(0, max(j - 1, 0)), max_size=3)):
            if i < j:
                g.add_edge(nodes[i], nodes[j])
    plan = draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=6, unique=True))
    known = draw(st.lists(st.sampled_from(nodes), max_size=4, unique=True))
    return g, plan, known


@settings(max_examples=200, deadline=None)
@given(dags())
def test_plan_is_a_topological_permutation(case: tuple[nx.DiGraph, list[str], list[str]]) -> None:
    g, plan, known = case
    known = [k for k in known if k not in plan]
    result = analyse(g, plan, known)
    assert result.cycles == []
    assert sorted(result.plan) == sorted(set(plan) | set(result.missing))
    pos = {n: i for i, n in enumerate(result.plan)}
    for node in result.plan:
        for pre in nx.ancestors(g, node):
            if pre in pos:
                assert pos[pre] < pos[node]
    known_closure = set(known).union(*(nx.ancestors(g, k) for k in known)) - set(plan)
    needed = set().union(*(nx.ancestors(g, p) for p in plan)) - set(plan) - known_closure
    assert set(result.missing) == needed
    violations = {(a, b) for i, a in enumerate(plan) for b in plan[i + 1:] if b in nx.ancestors(g, a)}
    assert set(result.order_violations) == violations
    if not violations:  # a consistent order is kept as it is
        assert [n for n in result.plan if n in plan] == plan


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=15),
       st.lists(st.integers(0, 6), min_size=1, max_size=5, unique=True))
def test_any_graph_terminates_and_reports_its_cycles(edges: list[tuple[int, int]], plan: list[int]) -> None:
    g = nx.DiGraph()
    g.add_edges_from((f"n{a}", f"n{b}") for a, b in edges)
    result = analyse(g, [f"n{p}" for p in plan])
    assert bool(result.cycles) == (not nx.is_directed_acyclic_graph(g))
    assert len(result.plan) == len(set(result.plan))
    assert {f"n{p}" for p in plan} <= set(result.plan)
    for cycle in find_cycles(g):
        assert all(g.has_edge(a, b) for a, b in zip(cycle, cycle[1:], strict=False))


# ---------------------------------------------------------------- the closure read equals the whole-graph read
_TOY: list[KnowledgeGraph] = []
_KINDS = ("requires", "causes", "partOf")
_SOURCE = ox.NamedNode("https://w3id.org/dlkg/source/test-closure")


def _toy() -> KnowledgeGraph:
    """One in-memory store for every example (hypothesis runs many; each rewrites it)."""
    if not _TOY:
        _TOY.append(KnowledgeGraph.open(memory=True))
    return _TOY[0]


@st.composite
def reviewed_graphs(draw: st.DrawFn) -> tuple[list[tuple[int, str, int]], list[tuple[int, str, int, str, str | None]],
                                              list[int], list[int]]:
    size = draw(st.integers(2, 9))
    node = st.integers(0, size - 1)
    triples = draw(st.lists(st.tuples(node, st.sampled_from(_KINDS), node), max_size=20, unique=True))
    reviewed = st.sampled_from(triples) if triples else st.nothing()
    targets = draw(st.lists(reviewed | st.tuples(node, st.sampled_from(_KINDS), node), max_size=8,
                            unique=True))
    reviews: list[tuple[int, str, int, str, str | None]] = []
    for s, p, o in targets:
        decision = draw(st.sampled_from(("accept", "reject", "retype")))
        new = draw(st.sampled_from([k for k in _KINDS if k != p])) if decision == "retype" else None
        reviews.append((s, p, o, decision, new))
    plan = draw(st.lists(node, min_size=1, max_size=5, unique=True))
    known = draw(st.lists(node, max_size=4, unique=True))
    return triples, reviews, plan, known


def _iri(i: int) -> str:
    return f"https://w3id.org/dlkg/concept/closure-test-{i}"


@settings(max_examples=150, deadline=None)
@given(reviewed_graphs())
def test_closure_analysis_equals_the_whole_graph_analysis(
        case: tuple[list[tuple[int, str, int]], list[tuple[int, str, int, str, str | None]], list[int], list[int]]
) -> None:
    from graph.paths import _analyse
    from graph.review import REVIEWS_GRAPH

    triples, reviews, plan_ids, known_ids = case
    kg = _toy()
    kg.backend.update(f"DROP SILENT GRAPH {REVIEWS_GRAPH}")
    kg.replace_source(_SOURCE, [ox.Quad(ox.NamedNode(_iri(s)), ox.NamedNode(NS + p), ox.NamedNode(_iri(o)), _SOURCE)
                                for s, p, o in triples])
    for s, p, o, decision, new in reviews:
        kg.record_review(_iri(s), p, _iri(o), decision, new)

    # the review rules on their own: rejected or retyped-away edges go, retyped-in edges (of a held triple) count
    decided = {(s, p, o): (d, n) for s, p, o, d, n in reviews}
    kept = {(s, o) for s, p, o in triples
            if p == "requires" and decided.get((s, p, o), ("",))[0] not in ("reject", "retype")}
    kept |= {(s, o) for s, p, o in triples if decided.get((s, p, o)) == ("retype", "requires")}
    whole = prerequisite_graph(kg)  # the bulk read of every requires pair (the ontology's own among them)
    assert {e for e in whole.edges if "closure-test" in e[0]} == {(_iri(o), _iri(s)) for s, o in kept}

    plan, known = [_iri(i) for i in plan_ids], [_iri(i) for i in known_ids]
    order = {iri: kg.concept(iri).label_en.casefold() for iri in whole.nodes}
    old = _analyse(whole.pred, whole.succ, find_cycles(whole), plan, known, order)
    new = check_path(kg, [kg.concept(i) for i in plan], [kg.concept(i) for i in known])
    iris = lambda cs: [c.iri for c in cs]  # noqa: E731
    assert iris(new.missing) == old.missing
    assert [(a.iri, b.iri) for a, b in new.order_violations] == old.order_violations
    assert iris(new.plan) == old.plan
    assert iris(new.fringe) == old.fringe
    assert {k: iris(v) for k, v in new.needed_by.items()} == old.needed_by
    # cycles: one per cyclic strongly connected component the plan or the known concepts reach
    reached = set().union(*(nx.ancestors(whole, i) | {i} for i in plan + known if i in whole))
    cyclic = [c for c in nx.strongly_connected_components(whole)
              if (len(c) > 1 or any(whole.has_edge(n, n) for n in c)) and c & reached]
    assert len(new.cycles) == len(cyclic)
    for cycle in new.cycles:
        assert all(whole.has_edge(a.iri, b.iri) for a, b in zip(cycle, cycle[1:], strict=False))
    # the plan's drawn edges are exactly the kept requires edges among its concepts
    in_plan = set(iris(new.plan))
    assert set(new.edges) == {(d, p) for p, d in whole.edges if d in in_plan and p in in_plan}
