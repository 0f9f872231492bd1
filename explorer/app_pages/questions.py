"""Questions: browse by source file (paged, file-name order) or by concept / category; duplicates merged.

Every read is bound to the sources, concepts or questions on screen (graph.questions.browse_*);
only text typed with no file picked scans every question text (at most the first matches).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import views
from explorer.state import get_kg, label, t
from graph.questions import (
    QuestionRow,
    browse_list,
    browse_sources,
    categories,
    category_concepts,
    concept_questions,
    most_asked_in,
    search_sources,
    source_questions,
)

PAGE = 50
kg = get_kg()
st.title(t("page_questions"))

sources = kg.sources()
files = {str(s["iri"]): str(s["file"]) for s in sources}
concepts = [c.iri for c in kg.all_concepts()]
cats = categories(kg)

c1, c2, c3, c4 = st.columns(4)
pick_files = c1.multiselect(t("filter_source"), list(files), key="q_files", format_func=lambda i: files.get(i, i),
                            placeholder=t("all"))
pick_concepts = c2.multiselect(t("filter_concept"), concepts, key="q_concepts",
                               format_func=lambda i: label(kg.concept(i)), placeholder=t("all"))
pick_cats = c3.multiselect(t("filter_category"), cats, key="q_categories",
                           format_func=lambda i: label(kg.concept(i)), placeholder=t("all"))
needle = c4.text_input(t("filter_text"), key="q_text").strip().casefold()

selection = (tuple(pick_files), tuple(pick_concepts), tuple(pick_cats), needle)
if st.session_state.get("q_selection") != selection:  # new filters: back to the first page
    st.session_state["q_selection"] = selection
    st.session_state["q_page"] = 0
page_no = int(st.session_state.get("q_page", 0))

wanted = list(dict.fromkeys([*pick_concepts, *(c for cat in pick_cats for c in category_concepts(kg, cat))]))
whole_selection: list[QuestionRow] | None = None  # the questions the chart counts, when all are at hand
if wanted:  # by concept / category (and, if picked, within those files)
    seen: dict[str, QuestionRow] = {}
    for iri in wanted:
        for q in concept_questions(kg, iri):
            seen.setdefault(q.iri, q)
    rows = sorted((q for q in seen.values() if not pick_files or q.source in pick_files), key=lambda q: q.order)
    page = browse_list(kg, rows, page_no, PAGE, needle)
    whole_selection = page.questions
elif needle:
    page = search_sources(kg, pick_files or None, needle, page_no, PAGE)
    whole_selection = page.questions
    if not pick_files:
        st.caption(t("text_all_limit", n=200))
else:  # by file, in file-name order: only the files overlapping this page are read
    page = browse_sources(kg, pick_files or None, page_no, PAGE)
    if pick_files:
        whole_selection = [q for i in pick_files for q in source_questions(kg, i)]

pages = max(1, -(-page.total // PAGE))
st.caption(t("q_page", page=page_no + 1, pages=pages, n=page.total))

top = most_asked_in(whole_selection if whole_selection is not None else page.questions, 15)
if top:
    st.markdown(f"#### {t('most_asked_selection' if whole_selection is not None else 'most_asked_page')}")
    chart = pd.DataFrame({t("concept"): [label(kg.concept(i)) for i, _ in top], t("count"): [n for _, n in top]})
    st.bar_chart(chart, x=t("concept"), y=t("count"), horizontal=True, sort=f"-{t('count')}", x_label="",
                 y_label=t("count"))

for i, c in enumerate(page.clusters):
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

if pages > 1:
    b1, b2, _ = st.columns([1, 1, 4])
    if b1.button(t("prev_page"), key="q_prev", disabled=page_no == 0):
        st.session_state["q_page"] = page_no - 1
        st.rerun()
    if b2.button(t("next_page"), key="q_next", disabled=not page.more):
        st.session_state["q_page"] = page_no + 1
        st.rerun()
