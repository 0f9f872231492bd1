"""Explore: find a concept, see its neighbourhood as a graph, click to refocus, read its card."""

from __future__ import annotations

import streamlit as st

from explorer import views
from explorer.components.graph_click import graph_view
from explorer.state import RELATIONS, get_kg, label, t

kg = get_kg()
views.init_focus(kg)

st.title(t("page_explore"))
left, right = st.columns([3, 2], gap="large")
with left:
    st.text_input(
        t("search"),
        key="search",
        placeholder=t("search_placeholder"),
        on_change=views.on_search,
        args=(kg,),
    )
    if st.session_state.get("search_miss"):
        text, suggestions, nearest = st.session_state["search_miss"]
        if nearest:
            st.info(t("nearest", text=views.md(text)))
        else:
            st.warning(f"{t('no_match')} {views.md(text)}")
        if suggestions:
            st.caption(t("did_you_mean"))
            cols = st.columns(min(len(suggestions), 4))
            for i, c in enumerate(suggestions[:8]):
                cols[i % len(cols)].button(
                    views.md(label(c)), key=f"suggest-{i}", on_click=views.set_focus, args=(c.iri,)
                )
    focus = views.focused(kg)
    if focus is None:
        st.info(t("empty_store"))
        st.stop()
    c1, c2, c3 = st.columns([2, 5, 2])
    c1.slider(t("depth"), 1, 3, key="depth")
    c2.multiselect(t("relations_filter"), RELATIONS, key="relations", format_func=views.rel_name)
    c3.selectbox(t("max_nodes"), views.MAX_CHOICES, key="max_nodes")
    views.sync_url()
    page, shown, shown_edges = views.neighbourhood_html(
        kg, focus, st.session_state["depth"], st.session_state["relations"], st.session_state["max_nodes"]
    )
    clicked = graph_view(page, key="graph", title=label(focus))
    if clicked and clicked != focus.iri:
        views.set_focus(clicked)
        st.rerun()
    st.caption(t("graph_caption") + " · " + t("nodes_edges", nodes=len(shown), edges=shown_edges))
    views.legend(kg, shown, st.session_state["relations"])
with right:
    views.concept_card(kg, focus)
