"""Review: the extracted relations of one file and/or one concept, lowest confidence first; accept,
reject, retype. Bound queries only (graph.review.review_items); the whole queue is for the CLI."""

from __future__ import annotations

import streamlit as st

from explorer import views
from explorer.state import RELATIONS, get_kg, label, rel_label, t
from graph.review import ReviewItem

kg = get_kg()
st.title(t("page_review"))
st.caption(t("review_intro"))
CHOICES = ("none", "accept", "reject", "retype")
PAGE = 25

sources = kg.sources()
if not sources:
    st.info(t("nothing_to_review"))
    st.stop()
files = {str(s["iri"]): str(s["file"]) for s in sources}
c1, c2, c3 = st.columns([2, 2, 1])
pick_source = c1.selectbox(t("review_source"), [None, *files], key="rv_source", index=1,
                           format_func=lambda i: files.get(i, t("all")) if i else t("all"))
concepts = [c.iri for c in kg.all_concepts()]
pick_concept = c2.selectbox(t("review_concept"), [None, *concepts], key="rv_concept",
                            format_func=lambda i: label(kg.concept(i)) if i else t("all"))
undecided = c3.toggle(t("undecided_only"), key="rv_undecided")
if pick_source is None and pick_concept is None:  # the whole queue is a whole-graph read: one file or concept
    st.info(t("review_pick"))
    st.stop()
queue = kg.review_items(source=pick_source, concept=pick_concept, undecided_only=undecided)
if (pick_source, pick_concept, undecided) != st.session_state.get("rv_selection"):
    st.session_state["rv_selection"] = (pick_source, pick_concept, undecided)
    st.session_state["rv_limit"] = PAGE
st.caption(t("review_scope", n=len(queue)))
if not queue:
    st.info(t("nothing_to_review"))
    st.stop()


def save(item: ReviewItem, key: str) -> None:
    """Store the decision chosen in the widgets of one item."""
    choice = st.session_state.get(f"{key}-dec", "none")
    if choice == "none":
        kg.clear_review(*item.key)
    elif choice == "retype":
        new = st.session_state.get(f"{key}-new")
        if new and new != item.relation:
            kg.record_review(*item.key, "retype", new)
    else:
        kg.record_review(*item.key, choice)
    st.session_state["rv_saved"] = key


limit = st.session_state.get("rv_limit", PAGE)
for n, item in enumerate(queue[:limit]):
    key = f"rv-{n}-{abs(hash(item.key)) % 10**8}"
    conf = f"{item.confidence:.2f}" if item.confidence is not None else "?"
    status = t(f"dec_{item.decision}") if item.decision else t("dec_none")
    if item.decision == "retype" and item.new_relation:
        status += f" → {rel_label(item.new_relation)}"
    head = (f"{views.md(label(item.subject))} **{views.md(rel_label(item.relation))}** "
            f"{views.md(label(item.object))} · {t('confidence')} {conf} · {views.md(status)}")
    with st.container(border=True):
        st.markdown(head)
        if item.curated:
            st.caption(t("also_curated"))
        for ev in item.evidence[:5]:
            bits = [f"「{views.md(ev.quote)}」" if ev.quote else views.md(ev.method)]
            if ev.question:
                bits.append(f"{t('question')}: {views.md(ev.question)}")
            if ev.file:
                bits.append(f"{t('file')}: {views.md(ev.file)}")
            st.markdown("- " + " · ".join(bits))
        c1, c2, c3 = st.columns([3, 2, 1])
        c1.radio(t("decision"), CHOICES, key=f"{key}-dec", horizontal=True,
                 index=CHOICES.index(item.decision or "none"), format_func=lambda c: t(f"dec_{c}"))
        others = [r for r in RELATIONS if r != item.relation]
        default_new = others.index(item.new_relation) if item.new_relation in others else 0
        c2.selectbox(t("new_type"), others, key=f"{key}-new", index=default_new, format_func=rel_label,
                     disabled=st.session_state.get(f"{key}-dec") != "retype")
        c3.button(t("save"), key=f"{key}-save", on_click=save, args=(item, key), type="primary")
        if st.session_state.get("rv_saved") == key:
            st.success(t("saved"))
st.caption(t("showing", shown=min(limit, len(queue)), total=len(queue)))
if len(queue) > limit and st.button(t("show_more"), key="rv_more"):
    st.session_state["rv_limit"] = limit + PAGE
    st.rerun()
