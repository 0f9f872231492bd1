"""The Streamlit app through AppTest: every page and widget path, deep links, escaping.

AppTest runs no JavaScript: the graph component's click is simulated through session state
(the component sets the focus exactly like this), and the graph HTML is read from the
component's proto, where escaping is asserted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from streamlit.testing.v1 import AppTest

import ingest
from explorer import graphview
from explorer.state import RELATIONS
from explorer.uploads import UPLOAD_LIMIT, ingest_uploads, safe_name
from graph import KnowledgeGraph
from graph.review import decisions

APP = str(Path(__file__).resolve().parent.parent / "explorer" / "app.py")
C = "https://w3id.org/dlkg/concept/"
NS = "https://w3id.org/dlkg/ns#"
HOSTILE_NAME = 'evil"<b>x.md'
HOSTILE_DOC = """# 面试笔记

## 什么是 <script>alert("dlkg")</script> ReLU？

ReLU 可以缓解梯度消失。<img src=x onerror=alert(1)> [点我](javascript:alert(1))

## Dropout 有什么用？

Dropout 可以缓解过拟合。

## 梯度消失怎么解决？

残差连接可以缓解梯度消失，BatchNorm 也可以缓解梯度消失。
"""


EVIL = '<script>alert("dlkg")</script><img src=x onerror=alert(1)> [x](javascript:alert(2)) :red[y] $z$'
EVIL_FILE = '<img src=x onerror=alert(3)>.md'


def _hostile_quads() -> tuple[ox.NamedNode, list[ox.Quad]]:
    """Data as a hostile shared endpoint could hold it (the ingest would have cleaned it)."""
    g = ox.NamedNode("https://w3id.org/dlkg/source/hostile")
    q, a = ox.NamedNode(g.value + "/q/0"), ox.NamedNode(g.value + "/assertion/0")
    relu, vg = ox.NamedNode(C + "relu"), ox.NamedNode(C + "vanishing-gradient")
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (g, ox.NamedNode(rdf + "type"), ox.NamedNode(NS + "Source")),
        (g, ox.NamedNode(NS + "fileName"), ox.Literal(EVIL_FILE)),
        (q, ox.NamedNode(rdf + "type"), ox.NamedNode(NS + "Question")),
        (q, ox.NamedNode(NS + "text"), ox.Literal("ReLU " + EVIL)),
        (q, ox.NamedNode(NS + "answer"), ox.Literal(EVIL)),
        (q, ox.NamedNode(NS + "source"), g),
        (q, ox.NamedNode(NS + "asksAbout"), relu),
        (relu, ox.NamedNode(NS + "mitigates"), vg),
        (a, ox.NamedNode(rdf + "type"), ox.NamedNode(NS + "Assertion")),
        (a, ox.NamedNode(rdf + "subject"), relu),
        (a, ox.NamedNode(rdf + "predicate"), ox.NamedNode(NS + "mitigates")),
        (a, ox.NamedNode(rdf + "object"), vg),
        (a, ox.NamedNode(NS + "source"), g),
        (a, ox.NamedNode(NS + "quote"), ox.Literal(EVIL)),
        (a, ox.NamedNode(NS + "question"), q),
        (a, ox.NamedNode(NS + "confidence"), ox.Literal("0.01")),
        (a, ox.NamedNode(NS + "method"), ox.Literal("pattern")),
    ]
    return g, [ox.Quad(s, p, o, g) for s, p, o in triples]


def _store(path: Path) -> str:
    kg = KnowledgeGraph.open(store=path)
    graph, quads = ingest.to_quads(ingest.extract(HOSTILE_NAME, HOSTILE_DOC.encode()))
    kg.replace_source(graph, quads)
    kg.replace_source(*_hostile_quads())
    kg.close()
    return str(path)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store (ontology + one hostile document) that read-only tests share."""
    return _store(tmp_path_factory.mktemp("app") / "kg")


@pytest.fixture
def store(shared_store: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DLKG_STORE", shared_store)
    monkeypatch.delenv("DLKG_ENDPOINT", raising=False)
    yield shared_store


@pytest.fixture
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store of its own for tests that write (uploads, removals, reviews)."""
    path = _store(tmp_path / "kg")
    monkeypatch.setenv("DLKG_STORE", path)
    monkeypatch.delenv("DLKG_ENDPOINT", raising=False)
    return path


def app(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def graph_html(at: AppTest, index: int = 0) -> str:
    """The pyvis HTML the graph component was given."""
    comps = at.get("bidi_component")
    assert comps, "no graph component on the page"
    data = json.loads(comps[index].proto.json)
    html = data["html"]
    assert isinstance(html, str)
    return html


def datasets(html: str) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The nodes and edges vis.js is given (the template's `tojson` output)."""
    found = re.findall(r"new vis\.DataSet\((\[.*?\])\);", html, re.S)
    assert len(found) == 2, "nodes and edges"
    return json.loads(found[0]), json.loads(found[1])


def node_ids(html: str) -> set[str]:
    return {str(n["id"]) for n in datasets(html)[0]}


def edge_labels(html: str) -> set[str]:
    return {str(e["label"]) for e in datasets(html)[1]}


def node_labels(html: str) -> set[str]:
    return {str(n["label"]) for n in datasets(html)[0]}


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.label for e in at.expander] + [c.value for c in at.caption]
    parts += [s.value for s in at.subheader] + [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


# ---------------------------------------------------------------------------- Explore
def test_explore_opens_on_a_concept_with_graph_card_and_questions(store: str) -> None:
    at = app()
    assert at.session_state["focus"] == C + "vanishing-gradient"
    html = graph_html(at)
    ids = node_ids(html)
    assert {C + "vanishing-gradient", C + "relu", C + "residual-connection"} <= ids
    assert at.query_params["concept"] == "vanishing-gradient"
    shown = texts(at)
    assert "梯度消失" in shown
    assert "ReLU" in shown  # the card lists what mitigates it
    assert any("缓解" in e.label or "ReLU" in e.label for e in at.expander)


def test_graph_html_is_offline_with_csp_bridge_and_no_bootstrap(store: str) -> None:
    html = graph_html(app())
    assert graphview.remote_urls(html) == []
    assert "cdn.jsdelivr" not in html and "bootstrap" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "vis.Network" in html  # vis.js inlined from pyvis' bundled lib
    assert "dlkg-node-click" in html and "setOptions({physics: {enabled: false}})" in html


def test_search_by_alias_traditional_pinyin_and_near_miss(store: str) -> None:
    at = app()
    for text, iri in [("Rectified Linear Unit", "relu"), ("梯度彌散", "vanishing-gradient"),
                      ("batchnorm", "batch-norm"), ("tidu xiaoshi", "vanishing-gradient"),
                      ("guonihe", "overfitting"), ("梯度消逝", "vanishing-gradient")]:
        at.session_state["focus"] = C + "dropout"
        at.text_input(key="search").input(text).run()
        assert at.session_state["focus"] == C + iri, text
    at.text_input(key="search").input("qqqzzzxxx").run()
    assert at.warning and "qqqzzzxxx" in at.warning[0].value


def test_click_refocuses_through_session_state(store: str) -> None:
    at = app()
    at.session_state["focus"] = C + "relu"  # what the component's click handler does
    at.run()
    assert C + "relu" in node_ids(graph_html(at))
    assert at.subheader[0].value == "ReLU"
    assert at.query_params["concept"] == "relu"


def test_relation_button_in_card_refocuses(store: str) -> None:
    at = app()
    button = next(b for b in at.button if b.label.startswith("→") and "ReLU" in b.label)
    button.click().run()
    assert at.session_state["focus"] == C + "relu"


def test_depth_and_relation_filters_change_the_graph(store: str) -> None:
    at = app()
    one = node_ids(graph_html(at))
    at.slider(key="depth").set_value(2).run()
    two = node_ids(graph_html(at))
    assert one < two
    assert at.query_params["depth"] == "2"
    at.multiselect(key="relations").set_value(["causes"]).run()
    only_causes = graph_html(at)
    assert edge_labels(only_causes) == {"导致"}
    assert at.query_params["rel"] == "causes"
    at.multiselect(key="relations").set_value(list(RELATIONS)).run()
    at.slider(key="depth").set_value(3).run()
    assert len(node_ids(graph_html(at))) > 15
    at.selectbox(key="max_nodes").set_value(15).run()
    assert len(node_ids(graph_html(at))) == 15
    assert at.query_params["max"] == "15"


def test_deep_link_restores_focus_depth_filters_and_language(store: str) -> None:
    at = app(concept="lstm", depth="2", rel="partOf,requires", lang="en", max="30")
    assert at.session_state["focus"] == C + "lstm"
    assert at.selectbox(key="max_nodes").value == 30
    assert at.slider(key="depth").value == 2
    assert at.multiselect(key="relations").value == ["partOf", "requires"]
    assert at.title[0].value == "Explore"
    html = graph_html(at)
    assert edge_labels(html) <= {"requires", "part of"} and "requires" in edge_labels(html)


def test_language_switch_changes_interface_and_labels(store: str) -> None:
    at = app()
    assert at.title[0].value == "探索"
    assert at.query_params["lang"] == "zh"
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Explore"
    assert at.query_params["lang"] == "en"
    assert [r.key for r in at.sidebar.radio] == ["lang"]  # the entry file ran again
    assert at.subheader[0].value == "vanishing gradient"
    assert "vanishing gradient" in node_labels(graph_html(at))
    assert "mitigates" in edge_labels(graph_html(at))


def _inert(shown: str) -> None:
    assert "<script>" not in shown and "<img" not in shown and "](javascript:" not in shown
    assert ":red[" not in shown and " $z$" not in shown


def test_hostile_text_is_escaped_in_card_and_graph(store: str) -> None:
    at = app(concept="relu")
    for e in at.expander:  # open every evidence list and question
        e.proto.expanded = True
    shown = texts(at)
    _inert(shown)
    assert "&lt;script&gt;" in shown and "&lt;img src=x onerror=alert\\(3\\)&gt;" in shown
    html = graph_html(at)
    assert "<img src=x" not in html and 'alert("dlkg")' not in html


def test_graphview_escapes_hostile_labels_titles_and_href() -> None:
    spec = graphview.GraphSpec()
    evil = '</script><script>alert(1)</script><a href="javascript:x">'
    spec.nodes.append(graphview.Node("a", evil, evil + " href"))
    spec.nodes.append(graphview.Node("b", "b", "b"))
    spec.links.append(graphview.Link("a", "b", "causes", evil))
    html = graphview.render(spec)
    assert "<script>alert(1)" not in html and "</script><script>" not in html.split("vis.DataSet")[1]
    assert "\\u003cscript\\u003e" in html
    nodes, edges = datasets(html)
    assert all("href" not in str(x["title"]) for x in nodes + edges)  # no pyvis innerHTML popup
    assert "popup.innerHTML" not in html


# ---------------------------------------------------------------------------- Ask
def test_ask_sentence_gives_table_with_evidence_and_graph(store: str) -> None:
    at = app("ask")
    at.text_input(key="ask_text").input("什么可以缓解梯度消失？")
    next(b for b in at.button if b.label == "提问").click().run()  # the form's submit button
    assert not at.exception
    frame = at.dataframe[0].value
    names = set(frame.iloc[:, 0])
    assert {"ReLU", "残差连接"} <= names
    assert frame.iloc[:, -1].astype(str).str.len().gt(0).all()  # every row has evidence
    assert C + "vanishing-gradient" in node_ids(graph_html(at))


def test_ask_example_button(store: str) -> None:
    at = app("ask")
    at.button(key="ask_example_2").click().run()  # LSTM 和 GRU 有什么区别？
    assert not at.exception
    assert any("LSTM" in m.value and "GRU" in m.value for m in at.markdown)


@pytest.mark.parametrize("form,concept,expected", [
    ("mitigates", "过拟合", "Dropout"),
    ("causes", "梯度消失", "Sigmoid"),
    ("parts", "LSTM", "遗忘门"),
    ("variants", "ReLU", "Leaky ReLU"),
    ("prerequisites", "LSTM", "循环神经网络"),
    ("unlocks", "循环神经网络", "LSTM"),
])
def test_ask_canned_forms(store: str, form: str, concept: str, expected: str) -> None:
    at = app("ask")
    at.selectbox(key="ask_kind").set_value(form).run()
    at.text_input(key="ask_a").input(concept)
    at.button(key="ask_form_go").click().run()
    assert not at.exception
    assert expected in set(at.dataframe[0].value.iloc[:, 0])


def test_ask_compare_and_unknown(store: str) -> None:
    at = app("ask")
    at.selectbox(key="ask_kind").set_value("compare").run()
    at.text_input(key="ask_a").input("LSTM")
    at.text_input(key="ask_b").input("GRU")
    at.button(key="ask_form_go").click().run()
    assert not at.exception
    assert any("LSTM" in m.value and "GRU" in m.value for m in at.markdown)
    at.text_input(key="ask_a").input("<b>qqqzzz</b>")
    at.button(key="ask_form_go").click().run()
    assert at.warning and "<b>" not in at.warning[0].value


# ---------------------------------------------------------------------------- SPARQL
def test_sparql_examples_run_with_labels_and_csv(store: str) -> None:
    at = app("sparql")
    assert str(at.text_area(key="sparql_text").value).startswith("PREFIX dlkg:")
    at.selectbox(key="sparql_example").set_value("01_mitigates").run()
    assert "dlkg:mitigates" in str(at.text_area(key="sparql_text").value)
    at.button(key="sparql_run").click().run()
    frame = at.dataframe[0].value
    assert "technique" in frame.columns and any("(" in c for c in frame.columns)  # a label column
    assert "ReLU" in set(frame.iloc[:, 1])
    assert at.get("download_button")


def test_sparql_refuses_updates_and_reports_syntax_errors(store: str) -> None:
    at = app("sparql")
    at.text_area(key="sparql_text").input("DELETE WHERE { ?s ?p ?o }")
    at.button(key="sparql_run").click().run()
    assert at.error and "read-only" in at.error[0].value
    at.text_area(key="sparql_text").input("SELECT ?x WHERE { ?x ")
    at.button(key="sparql_run").click().run()
    assert at.error
    at.text_area(key="sparql_text").input("ASK { ?s a dlkg:Concept }")
    at.button(key="sparql_run").click().run()
    assert not at.error and at.metric[0].value in ("是", "yes")


# ---------------------------------------------------------------------------- Study path
def test_path_reports_missing_and_violations_and_downloads(store: str) -> None:
    at = app("path")
    at.button(key="path_example").click().run()
    assert C + "lstm" in at.multiselect(key="path_plan").value
    shown = texts(at)
    assert "LSTM" in shown and "循环神经网络" in shown
    assert at.get("download_button")
    html = graph_html(at)
    assert graphview.MISSING_COLOUR in html  # missing prerequisites highlighted
    assert "study-plan" not in html
    assert at.query_params["plan"].startswith("gru")


def test_path_paste_list_and_deep_link(store: str) -> None:
    at = app("path")
    at.text_area(key="path_paste").input("- [ ] LSTM\n1. 循环神经网络\nnosuchthing")
    at.button(key="path_use_paste").click().run()
    assert at.multiselect(key="path_plan").value == [C + "lstm", C + "rnn"]
    assert at.warning and "nosuchthing" in at.warning[0].value
    assert any("循环神经网络" in m.value and "LSTM" in m.value for m in at.markdown)
    again = app("path", plan="lstm,rnn", known="backpropagation")
    assert again.multiselect(key="path_known").value == [C + "backpropagation"]


# ---------------------------------------------------------------------------- Questions
def test_questions_filters_chart_and_escaping(store: str) -> None:
    at = app("questions")
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    labels = [e.label for e in at.expander]
    assert any("Dropout" in x for x in labels)
    assert not any("<script>" in x for x in labels)
    at.multiselect(key="q_concepts").set_value([C + "dropout"]).run()
    assert [e.label for e in at.expander] and all("Dropout" in e.label for e in at.expander)
    at.multiselect(key="q_concepts").set_value([]).run()
    at.text_input(key="q_text").input("dropout").run()
    assert len(at.expander) == 1
    at.multiselect(key="q_files").set_value([ingest.source_iri(HOSTILE_NAME).value]).run()
    assert len(at.expander) == 1
    at.text_input(key="q_text").input("").run()
    assert len(at.expander) == 3  # the three questions of that file
    at.multiselect(key="q_categories").set_value([C + "regularization"]).run()
    assert [e.label for e in at.expander] and all("Dropout" in e.label for e in at.expander)


def test_questions_page_through_a_long_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kg = KnowledgeGraph.open(store=tmp_path / "long")
    stems = "甲乙丙丁戊己庚辛壬癸"
    doc = "".join(f"## Q{i:03d} {stems[i % 10]}{i * 7919 % 1000}？\n\n答 {i}。\n\n" for i in range(120))
    extracted = ingest.extract("long.md", doc.encode())
    assert len(extracted.questions) == 120 and not any(q.duplicate_of is not None for q in extracted.questions)
    kg.replace_source(*ingest.to_quads(extracted))
    kg.close()
    monkeypatch.setenv("DLKG_STORE", str(tmp_path / "long"))
    monkeypatch.delenv("DLKG_ENDPOINT", raising=False)
    at = app("questions")
    first = [e.label for e in at.expander]
    assert len(first) == 50 and "000" in first[0]
    assert at.button(key="q_prev").disabled
    at.button(key="q_next").click().run()
    second = [e.label for e in at.expander]
    assert len(second) == 50 and "050" in second[0] and not set(first) & set(second)
    at.button(key="q_next").click().run()
    assert len(at.expander) == 20 and at.button(key="q_next").disabled
    at.text_input(key="q_text").input("q07").run()  # a filter goes back to the first page
    assert sorted(e.label for e in at.expander) == sorted(x for x in first + second if x.startswith("Q07"))
    assert len(at.expander) == 10 and not [b for b in at.button if b.key == "q_prev"]  # one page: no paging


# ---------------------------------------------------------------------------- Sources
def test_upload_ingests_with_report_and_refuses_binary(own_store: str) -> None:
    at = app("sources")
    at.file_uploader(key="uploads").set_value([
        ("../../etc/notes.md", "## 什么是 GRU？\n\nGRU 是 LSTM 的变体。\n".encode(), "text/markdown"),
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "text/plain"),
    ])
    at.button[0].click().run()
    assert not at.exception
    report = at.dataframe[0].value
    assert list(report.iloc[:, 0]) == ["notes.md", "binary.txt"]
    assert report.iloc[0, 1] == 1 and report.iloc[1, -1] != "成功"
    assert at.warning  # one file refused
    sources = at.dataframe[1].value
    assert "notes.md" in set(sources.iloc[:, 0])


def test_remove_source_needs_confirmation(own_store: str) -> None:
    at = app("sources")
    assert at.button(key="remove_button").disabled
    evil = ingest.source_iri(HOSTILE_NAME).value
    at.selectbox(key="remove_pick").set_value(evil).run()
    at.checkbox(key="remove_confirm").check().run()
    at.button(key="remove_button").click().run()
    assert not at.exception
    assert list(at.dataframe[0].value.iloc[:, 0]) == [EVIL_FILE]
    assert at.success and "evil" in at.success[0].value and "<b>" not in at.success[0].value


def test_upload_helpers_refuse_big_and_strange_files() -> None:
    kg = KnowledgeGraph.open(memory=True)
    reports = ingest_uploads(kg, [("big.md", b"a" * (UPLOAD_LIMIT + 1)), ("x.exe", b"MZ"),
                                  ("ok.txt", "问：什么是 ReLU？\n答：一种激活函数。".encode())])
    assert [r.error is None for r in reports] == [False, False, True]
    assert safe_name("C:\\Users\\me\\..\\notes.md") == "notes.md"
    assert safe_name("/etc/passwd\n") == "passwd"
    assert [s["file"] for s in kg.sources()] == ["ok.txt"]


# ---------------------------------------------------------------------------- Review
def test_review_accept_reject_retype_persist(own_store: str) -> None:
    at = app("review")
    # the first file in file-name order is picked by default ("<img..." sorts before "evil..."), never the whole queue
    assert at.selectbox(key="rv_source").value == "https://w3id.org/dlkg/source/hostile"
    assert len([r for r in at.radio if str(r.key).endswith("-dec")]) == 1  # its one extracted relation
    at.selectbox(key="rv_source").set_value(ingest.source_iri(HOSTILE_NAME).value).run()
    keys = [str(r.key)[:-4] for r in at.radio if str(r.key).endswith("-dec")]
    assert len(keys) >= 2, "extracted relations to review"
    first, second = keys[0], keys[1]
    at.radio(key=f"{first}-dec").set_value("reject").run()
    at.button(key=f"{first}-save").click().run()
    assert at.success
    kg_decisions = _decisions(own_store, at)
    assert list(kg_decisions.values()) == [("reject", None)]
    at.radio(key=f"{second}-dec").set_value("retype").run()
    at.selectbox(key=f"{second}-new").set_value("causes").run()
    at.button(key=f"{second}-save").click().run()
    assert sorted(v for v in _decisions(own_store, at).values()) == [("reject", None), ("retype", "causes")]
    at.toggle(key="rv_undecided").set_value(True).run()
    assert all("未审核" in m.value for m in at.markdown if "置信度" in m.value)
    at.selectbox(key="rv_source").select_index(0).run()  # neither file nor concept: no whole-graph queue
    assert not [r for r in at.radio if str(r.key).endswith("-dec")] and at.info
    at.selectbox(key="rv_concept").set_value(C + "vanishing-gradient").run()
    shown = [m.value for m in at.markdown if "置信度" in m.value]
    assert shown and all("梯度消失" in m for m in shown)


def _decisions(store: str, at: AppTest) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    """Decisions as the app's own store handle sees them (the embedded store has one writer)."""
    from explorer.state import _open_store

    return decisions(_open_store(store, None))


def test_uploads_cluster_duplicate_questions_across_files() -> None:
    from graph.questions import question_clusters

    kg = KnowledgeGraph.open(memory=True)
    note = "## 什么是梯度消失？\n\n反向传播时梯度越来越小。\n".encode()
    ingest_uploads(kg, [("a.md", note), ("b.md", note)])
    clusters = question_clusters(kg)
    assert len(clusters) == 1 and clusters[0].files == ["a.md", "b.md"]


def test_every_example_query_runs_and_answers(store: str) -> None:
    from explorer.examples import examples
    from explorer.state import _open_store
    from graph.console import run_query

    kg = _open_store(store, None)
    item = kg.review_queue()[0]
    kg.record_review(*item.key, "accept")  # so that the reviews example has something to show
    found = examples()
    assert len(found) >= 8 and all(e.title_en != e.name and e.title_zh != e.name for e in found)
    for e in found:
        result = run_query(kg.backend, e.text, limit=1000, timeout=None)
        assert result.boolean if result.kind == "ask" else result.rows, e.name
        if e.text.lstrip("#").find("SELECT DISTINCT") >= 0:
            rows = [tuple(map(str, r)) for r in result.rows]
            assert len(rows) == len(set(rows)), e.name
    kg.clear_review(*item.key)


@pytest.mark.parametrize("page", ["questions", "review", "sources"])
def test_hostile_text_is_inert_on_every_page(store: str, page: str) -> None:
    at = app(page)
    if page == "questions":
        at.text_input(key="q_text").input("ReLU").run()
    shown = texts(at) + "\n".join(str(x.value) for x in [*at.success, *at.warning, *at.info])
    _inert(shown)
    if page != "sources":  # the sources page shows file names in tables (plain text cells)
        assert "&lt;script&gt;" in shown or "&lt;img" in shown
    else:
        files = set(at.dataframe[0].value.iloc[:, 0])
        assert EVIL_FILE in files  # shown as text in a grid cell, never as HTML


def test_ask_definition_of_two_concepts(store: str) -> None:
    at = app("ask")
    at.text_input(key="ask_text").input("什么是 ReLU 和 Sigmoid？")
    next(b for b in at.button if b.label == "提问").click().run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["ReLU", "Sigmoid"]


def test_app_over_a_sparql_endpoint(oxigraph_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`dlkg --endpoint URL explore`: the same pages over a real `oxigraph serve`."""
    kg = KnowledgeGraph.open(endpoint=oxigraph_server.url)
    graph, quads = ingest.to_quads(ingest.extract("notes.md", HOSTILE_DOC.encode()))
    kg.replace_source(graph, quads)
    monkeypatch.delenv("DLKG_STORE", raising=False)
    monkeypatch.setenv("DLKG_ENDPOINT", oxigraph_server.url)
    at = app(concept="relu")
    assert at.subheader[0].value == "ReLU"
    assert C + "vanishing-gradient" in node_ids(graph_html(at))
    at = app("questions")
    assert any("Dropout" in e.label for e in at.expander)
