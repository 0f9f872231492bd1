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
