"""Study path: concepts in order and what you know; missing prerequisites, repaired plan, fringe."""

from __future__ import annotations

import re

import streamlit as st

from explorer import graphview, views
from explorer.components.graph_click import graph_view
from explorer.state import both_labels, find_concept, get_kg, label, t
from graph.paths import PathReport, check_path, plan_edges

kg = get_kg()
st.title(t("page_path"))
st.caption(t("path_intro"))

everything = {c.iri: c for c in kg.all_concepts()}


def concept_name(iri: str) -> str:
    return both_labels(everything[iri]) if iri in everything else iri


def pasted(text: str) -> tuple[list[str], list[str]]:
    """IRIs named in a pasted list (one per line, or separated by commas / 、 / ;), and unknown names."""
    found, unknown = [], []
    for part in re.split(r"[\n,，、;；]+", text):
        name = re.sub(r"^\s*(?:[-*+]\s*(?:\[[ xX]\]\s*)?|\d+[.)]\s*)", "", part).strip()
        if not name:
            continue
        concept, _ = find_concept(kg, name)
        if concept is None:
            unknown.append(name)
        elif concept.iri not in found:
            found.append(concept.iri)
    return found, unknown


def use_pasted() -> None:
    """Replace the picked plan with the pasted list."""
    found, unknown = pasted(st.session_state.get("path_paste", ""))
    st.session_state["path_plan"] = [i for i in found if i in everything]
    st.session_state["path_unknown"] = unknown


if "path_plan" not in st.session_state:
    wanted = [p for p in st.query_params.get("plan", "").split(",") if p]
    st.session_state["path_plan"] = [i for i in (views.iri_of(w) for w in wanted) if i in everything]
if "path_known" not in st.session_state:
    wanted = [p for p in st.query_params.get("known", "").split(",") if p]
    st.session_state["path_known"] = [i for i in (views.iri_of(w) for w in wanted) if i in everything]

left, right = st.columns(2)
left.multiselect(t("path_plan"), list(everything), key="path_plan", format_func=concept_name,
                 placeholder=t("path_plan_hint"))
right.multiselect(t("path_known"), list(everything), key="path_known", format_func=concept_name,
                  placeholder=t("path_known_hint"))
with st.expander(t("path_paste")):
    st.text_area(t("path_paste_hint"), key="path_paste", height=120)
    st.button(t("path_use_paste"), key="path_use_paste", on_click=use_pasted)
if st.session_state.get("path_unknown"):
    st.warning(t("no_match") + " " + ", ".join(views.md(u) for u in st.session_state["path_unknown"]))

plan = [everything[i] for i in st.session_state["path_plan"]]
known = [everything[i] for i in st.session_state["path_known"]]
st.query_params["plan"] = ",".join(views.slug(c.iri) for c in plan)
st.query_params["known"] = ",".join(views.slug(c.iri) for c in known)
EXAMPLE_PLAN = ("GRU", "LSTM", "循环神经网络")
EXAMPLE_KNOWN = ("多层感知机",)


def use_example() -> None:
    """Fill in a small plan with problems to show what the page does."""
    for key, names in (("path_plan", EXAMPLE_PLAN), ("path_known", EXAMPLE_KNOWN)):
        found = [find_concept(kg, n)[0] for n in names]
        st.session_state[key] = [c.iri for c in found if c is not None and c.iri in everything]


if not plan:
    st.info(t("path_empty"))
    st.button(t("path_try_example"), key="path_example", on_click=use_example)
    st.stop()

report: PathReport = check_path(kg, plan, known)
missing = {c.iri for c in report.missing}
late = {b.iri for _, b in report.order_violations}
if report.ok:
    st.success(t("path_ok"))

c1, c2, c3 = st.columns(3)
with c1:
    st.markdown(f"#### {t('path_missing')} ({len(report.missing)})")
    for c in report.missing:
        needers = ", ".join(label(d) for d in report.needed_by.get(c.iri, []))
        st.markdown(f"- **{views.md(label(c))}**" + (f" ← {views.md(needers)}" if needers else ""))
    if not report.missing:
        st.caption("—")
with c2:
    st.markdown(f"#### {t('path_violations')} ({len(report.order_violations)})")
    for a, b in report.order_violations:
        st.markdown("- " + t("path_violation", concept=views.md(label(a)), prereq=views.md(label(b))))
    if not report.order_violations:
        st.caption("—")
with c3:
    st.markdown(f"#### {t('path_fringe')}")
    for c in report.fringe[:20]:
        st.markdown(f"- {views.md(label(c))}")
    if not report.fringe:
        st.caption("—")
for cycle in report.cycles:
    st.error(t("path_cycle") + " " + " → ".join(views.md(label(c)) for c in cycle))

st.markdown(f"#### {t('path_repaired')}")
st.markdown("\n".join(
    f"{n}. {views.md(label(c))}" + (f" — *{t('path_added')}*" if c.iri in missing else "")
    + (f" — *{t('path_moved')}*" if c.iri in late else "") for n, c in enumerate(report.plan, 1)))


def plan_markdown(report: PathReport) -> str:
    """The repaired plan as a Markdown checklist (known concepts ticked)."""
    known_iris = {c.iri for c in report.known}
    lines = [f"# {t('path_repaired')}", ""]
    for c in report.plan:
        mark = "x" if c.iri in known_iris else " "
        note = f" ({t('path_added')})" if c.iri in missing else ""
        lines.append(f"- [{mark}] {both_labels(c)}{note}")
    return "\n".join(lines) + "\n"


st.download_button(t("path_download"), plan_markdown(report).encode("utf-8"), file_name="study-plan.md",
                   mime="text/markdown", key="path_download")

# the plan as a graph: requires edges among the plan's concepts (from its closure), in plan order, missing ones in red
edges = plan_edges(kg, report)
spec = views.concept_graph(kg, report.plan, edges, missing=missing, hierarchical=True, height=420)
order = {c.iri: n for n, c in enumerate(report.plan)}
level: dict[str, int] = {}
for c in report.plan:  # the repaired plan is a topological order: prerequisites come first
    level[c.iri] = max((level[e.target] + 1 for e in edges if e.source == c.iri and e.target in level),
                       default=0)
for node in spec.nodes:
    node.level = level[node.id]
    node.label = f"{order[node.id] + 1}. {node.label}"
clicked = graph_view(graphview.render(spec), key="path_graph", height=420)
if clicked:
    views.set_focus(clicked)
    st.switch_page("app_pages/explore.py")
st.caption(t("path_graph_caption"))
