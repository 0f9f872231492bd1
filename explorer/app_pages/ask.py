"""Ask: a plain sentence (the `dlkg ask` parser) or a canned form; a table and a small graph."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import graphview, views
from explorer.components.graph_click import graph_view
from explorer.state import find_concept, get_kg, label, rel_label, t
from graph import Concept, Edge, KnowledgeGraph
from graph.answers import Answer, related
from graph.ask import AskResult, Section, ask, compare

kg = get_kg()
st.title(t("page_ask"))

# form name -> (relation, direction): "what <relation> X" reads the relation towards X
FORMS: dict[str, tuple[str, str] | None] = {
    "mitigates": ("mitigates", "in"),
    "causes": ("causes", "in"),
    "parts": ("partOf", "in"),
    "variants": ("variantOf", "in"),
    "prerequisites": ("requires", "out"),
    "unlocks": ("requires", "in"),
    "compare": None,
}

EXAMPLES = ("什么可以缓解过拟合？", "what causes vanishing gradients?", "LSTM 和 GRU 有什么区别？",
            "学 Transformer 之前要学什么？")


def use_example(sentence: str) -> None:
    """Ask one of the example sentences."""
    st.session_state["ask_text"] = sentence
    st.session_state["ask_mode"] = "sentence"


tab_sentence, tab_form = st.tabs([t("ask_sentence_tab"), t("ask_form_tab")])
with tab_sentence:
    cols = st.columns(len(EXAMPLES))
    for i, example in enumerate(EXAMPLES):
        cols[i].button(example, key=f"ask_example_{i}", on_click=use_example, args=(example,),
                       type="tertiary")
    with st.form("ask_form"):
        st.text_input(t("ask_sentence"), key="ask_text", placeholder=t("ask_placeholder"))
        if st.form_submit_button(t("ask_button"), type="primary"):
            st.session_state["ask_mode"] = "sentence"
with tab_form:
    c1, c2, c3 = st.columns([2, 2, 2])
    c1.selectbox(t("ask_form"), list(FORMS), key="ask_kind", format_func=lambda f: t(f"form_{f}"))
    c2.text_input(t("concept"), key="ask_a", placeholder=t("search_placeholder"))
    if st.session_state.get("ask_kind") == "compare":
        c3.text_input(t("ask_other"), key="ask_b")
    if st.button(t("ask_button"), key="ask_form_go", type="primary"):
        st.session_state["ask_mode"] = "form"


def form_result() -> AskResult:
    """The canned form as an AskResult (same shape as a parsed sentence)."""
    kind = st.session_state.get("ask_kind", "mitigates")
    a, sugg_a = find_concept(kg, st.session_state.get("ask_a", ""))
    question = f"{t('form_' + kind)}: {st.session_state.get('ask_a', '')}"
    if a is None:
        return AskResult(question, "unknown_concept", suggestions=sugg_a,
                         message=t("no_match") + " " + st.session_state.get("ask_a", ""))
    spec = FORMS[kind]
    if spec is None:
        b, sugg_b = find_concept(kg, st.session_state.get("ask_b", ""))
        if b is None:
            return AskResult(question, "unknown_concept", suggestions=sugg_b,
                             message=t("no_match") + " " + st.session_state.get("ask_b", ""))
        return AskResult(question, "compare", "compare", concepts=[a, b], comparison=compare(kg, a, b))
    relation, direction = spec
    return AskResult(question, "related", kind, relation, direction, [a],
                     [Section(a, relation, direction, related(kg, a, relation, direction))])


def evidence_text(answer: Answer) -> str:
    """One line of evidence for a table row: the chain, the best quote and file, or curated."""
    if answer.chain:
        return " → ".join([label(answer.chain[0].source), *(label(h.target) for h in answer.chain)])
    parts = []
    for ev in answer.evidence[:1]:
        if ev.curated:
            parts.append(t("curated"))
        else:
            parts.append(" · ".join(x for x in (f"「{ev.quote}」" if ev.quote else "", ev.file) if x))
    extra = len(answer.evidence) - 1
    return "; ".join(parts) + (f" (+{extra})" if extra > 0 else "")


def section_graph(kg: KnowledgeGraph, sections: list[Section]) -> str:
    """A small graph of the asked concepts and their answers (direct edges and inference chains)."""
    nodes: dict[str, Concept] = {}
    edges: dict[tuple[str, str, str], Edge] = {}
    for s in sections:
        nodes[s.concept.iri] = s.concept
        for a in s.answers:
            nodes[a.concept.iri] = a.concept
            if a.chain:
                for h in a.chain:
                    nodes[h.source.iri], nodes[h.target.iri] = h.source, h.target
                    edges[(h.source.iri, h.relation, h.target.iri)] = Edge(
                        h.source.iri, h.relation, h.target.iri, h.sources, h.curated)
            else:
                src, dst = (s.concept, a.concept) if a.direction == "out" else (a.concept, s.concept)
                edges[(src.iri, a.relation, dst.iri)] = Edge(src.iri, a.relation, dst.iri, a.sources, a.curated)
    spec = views.concept_graph(kg, list(nodes.values()), list(edges.values()),
                               focus=sections[0].concept.iri if sections else None, height=380)
    return graphview.render(spec)


def row_relation(answer: Answer) -> str:
    """The relation read from the answer's side: Dropout 缓解 (过拟合); 循环神经网络 是……的前置 (LSTM)."""
    return rel_label(answer.relation, "in" if answer.direction == "out" else "out")


def show_sections(sections: list[Section]) -> None:
    """Each asked concept's answers as a table with evidence, then one graph of them all."""
    for s in sections:
        st.markdown(f"#### {views.md(label(s.concept))} · {views.md(rel_label(s.relation, s.direction))}"
                    if s.direction != "both" else f"#### {views.md(label(s.concept))}")
        if not s.answers:
            st.info(t("no_answers"))
            continue
        st.dataframe(pd.DataFrame([{
            t("concept"): label(a.concept), t("relations"): row_relation(a),
            t("inferred"): "✓" if a.inferred else "", t("curated"): "✓" if a.curated else "",
            t("sources_col"): a.sources, t("evidence"): evidence_text(a)} for a in s.answers]),
            hide_index=True, width="stretch")
    if any(s.answers for s in sections):
        clicked = graph_view(section_graph(kg, sections), key="ask_graph", height=380)
        if clicked:
            views.set_focus(clicked)
            st.switch_page("app_pages/explore.py")


def show_compare(result: AskResult) -> None:
    """Two concepts side by side: shared and differing relations, edges between, common questions."""
    comp = result.comparison or {}
    a, b = result.concepts[0], result.concepts[1]
    st.markdown(f"#### {views.md(label(a))} ⇄ {views.md(label(b))}")

    def names(items: list[dict[str, object]]) -> list[str]:
        out = []
        for item in items:
            concepts = item.get("concepts", [])
            assert isinstance(concepts, list)
            who = ", ".join(label(kg.concept(str(c["iri"]))) for c in concepts)
            out.append(f"{rel_label(str(item['relation']), str(item['direction']))}: {who}")
        return out

    rows = []
    for key, head in (("shared", t("cmp_shared")), ("only_a", label(a)), ("only_b", label(b))):
        for line in names(comp.get(key, [])):
            rows.append({t("cmp_side"): head, t("relations"): line})
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    for x in comp.get("between", []):
        st.markdown(f"- {views.md(label(kg.concept(x['from']['iri'])))} **{views.md(rel_label(x['relation']))}** "
                    f"{views.md(label(kg.concept(x['to']['iri'])))}")
    for q in comp.get("questions", [])[:10]:
        with st.expander(views.md(q["text"])):
            st.markdown(views.md(q["answer"]) if q.get("answer") else f"*{t('no_answer')}*")


def show(result: AskResult) -> None:
    """Render any kind of answer."""
    for typo, fixed in result.corrected.items():
        st.info(t("corrected", typo=views.md(typo), fixed=views.md(label(fixed))))
    if result.kind in ("related", "check"):
        if result.kind == "check" and result.sections and result.sections[0].answers:
            st.success(t("ask_true"))
        elif result.kind == "check":
            st.warning(t("ask_false"))
        show_sections(result.sections)
    elif result.kind == "compare":
        show_compare(result)
    elif result.kind == "define":
        for n, c in enumerate(result.concepts):
            views.concept_card(kg, c, prefix=f"ask{n}-")
    else:
        st.warning(views.md(result.message) if result.message else t("no_match"))
        if result.suggestions:
            st.caption(t("did_you_mean") + " " + ", ".join(views.md(label(c)) for c in result.suggestions))
        for form in result.forms[:8]:
            st.markdown(f"- {views.md(form)}")


mode = st.session_state.get("ask_mode")
if mode == "sentence" and st.session_state.get("ask_text", "").strip():
    show(ask(kg, st.session_state["ask_text"]))
elif mode == "form":
    show(form_result())
