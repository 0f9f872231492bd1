"""Questions: every question, filtered by source, concept and category; duplicates merged; chart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import views
from explorer.state import get_kg, label, t
from graph import KnowledgeGraph
from graph.questions import Cluster, most_asked, question_clusters

kg = get_kg()
st.title(t("page_questions"))


@st.cache_data(show_spinner=False)
def _clusters(_kg: KnowledgeGraph, revision: str) -> list[Cluster]:
    return question_clusters(_kg)


clusters = _clusters(kg, kg.revision())
files = sorted({f for c in clusters for f in c.files})
concepts = sorted({i for c in clusters for i in c.concepts}, key=lambda i: label(kg.concept(i)).casefold())
categories: dict[str, str] = {}
concept_cats: dict[str, str | None] = {}
for iri in concepts:
    found = views.category_of(kg, kg.concept(iri))
    concept_cats[iri] = found[0] if found else None
    if found:
        categories[found[0]] = found[1]

c1, c2, c3, c4 = st.columns(4)
pick_files = c1.multiselect(t("filter_source"), files, key="q_files", placeholder=t("all"))
pick_concepts = c2.multiselect(t("filter_concept"), concepts, key="q_concepts",
                               format_func=lambda i: label(kg.concept(i)), placeholder=t("all"))
pick_cats = c3.multiselect(t("filter_category"), sorted(categories, key=lambda i: categories[i]),
                           key="q_categories", format_func=lambda i: categories.get(i, i), placeholder=t("all"))
needle = c4.text_input(t("filter_text"), key="q_text").strip().casefold()


def keep(c: Cluster) -> bool:
    """Does a cluster pass every filter?"""
    if pick_files and not set(pick_files) & set(c.files):
        return False
    if pick_concepts and not set(pick_concepts) & set(c.concepts):
        return False
    if pick_cats and not {concept_cats.get(i) for i in c.concepts} & set(pick_cats):
        return False
    texts = [c.canonical.text, *(m.text for m in c.members)]
    return not needle or any(needle in x.casefold() for x in texts)


shown = [c for c in clusters if keep(c)]
total = sum(1 + len(c.members) for c in shown)
st.caption(t("n_questions", n=total, c=len(shown)))

top = most_asked(shown, 15)
if top:
    st.markdown(f"#### {t('most_asked')}")
    chart = pd.DataFrame({t("concept"): [label(kg.concept(i)) for i, _ in top], t("count"): [n for _, n in top]})
    st.bar_chart(chart, x=t("concept"), y=t("count"), horizontal=True, sort=f"-{t('count')}", x_label="",
                 y_label=t("count"))

limit = st.session_state.get("q_limit", 50)
for i, c in enumerate(shown[:limit]):
    extra = f" · {t('duplicates', n=len(c.members))}" if c.members else ""
    with st.expander(views.md(c.canonical.text) + extra):
        st.markdown(views.md(c.canonical.answer) if c.canonical.answer else f"*{t('no_answer')}*")
        for m in c.members:
            st.markdown(f"- {views.md(m.text)} — {views.md(m.file)}")
        st.caption(t("asked_in") + " " + ", ".join(views.md(f) for f in c.files))
        names = [kg.concept(x) for x in c.concepts]
        if names:
            cols = st.columns(min(len(names), 6))
            for j, concept in enumerate(names[:6]):
                if cols[j].button(views.md(label(concept)), key=f"qc-{i}-{j}"):
                    views.set_focus(concept.iri)
                    st.switch_page("app_pages/explore.py")
if len(shown) > limit:
    st.caption(t("showing", shown=limit, total=len(shown)))
    if st.button(t("show_more"), key="q_more"):
        st.session_state["q_limit"] = limit + 50
        st.rerun()
