"""Page building blocks: focus handling, the neighbourhood graph, the concept card."""

from __future__ import annotations

import html

import streamlit as st

import ontology
from graph import Concept, KnowledgeGraph

from . import graphview
from .state import RELATIONS, both_labels, find_concept, label, param_list, rel_label, t

DEFAULT_FOCUS = ("梯度消失", "vanishing gradient")
MAX_CHOICES = (15, 30, 60, 100, 150)
DEFAULT_MAX = 60


# ---------------------------------------------------------------------------- focus and URL
def slug(iri: str) -> str:
    """The URL form of a concept IRI (its slug)."""
    return iri[len(ontology.CONCEPT_NS) :] if iri.startswith(ontology.CONCEPT_NS) else iri


def set_focus(iri: str) -> None:
    """Make a concept the focus (button and click callbacks)."""
    st.session_state["focus"] = iri
    st.session_state.pop("search_miss", None)


def on_search(kg: KnowledgeGraph) -> None:
    """The search box changed: focus the concept it names, else keep suggestions."""
    text = st.session_state.get("search", "").strip()
    concept, suggestions = find_concept(kg, text)
    if concept is not None:
        set_focus(concept.iri)
    elif suggestions:  # pinyin or a near miss: show the closest, offer the others
        set_focus(suggestions[0].iri)
        st.session_state["search_miss"] = (text, suggestions[1:], True)
    elif text:
        st.session_state["search_miss"] = (text, [], False)


def init_focus(kg: KnowledgeGraph) -> None:
    """Seed focus, depth and filters from the URL (deep link) the first time a session sees them."""
    if "focus" not in st.session_state:
        wanted = st.query_params.get("concept")
        concept = None
        if wanted:
            concept, _ = find_concept(kg, wanted if "/" in wanted else ontology.CONCEPT_NS + wanted)
            if concept is None:
                concept, _ = find_concept(kg, wanted)
        for name in DEFAULT_FOCUS:
            if concept is None:
                concept, _ = find_concept(kg, name)
        if concept is None:
            everything = kg.all_concepts()
            concept = everything[0] if everything else None
        if concept is not None:
            st.session_state["focus"] = concept.iri
    # widget values are dropped when another page runs: the URL, else the last values seen, win
    if "depth" not in st.session_state:
        try:
            depth = int(st.query_params.get("depth", st.session_state.get("kept_depth", 1)))
        except ValueError:
            depth = 1
        st.session_state["depth"] = min(3, max(1, depth))
    if "max_nodes" not in st.session_state:
        try:
            wanted_max = int(st.query_params.get("max", st.session_state.get("kept_max", DEFAULT_MAX)))
        except ValueError:
            wanted_max = DEFAULT_MAX
        st.session_state["max_nodes"] = min(MAX_CHOICES, key=lambda m: abs(m - wanted_max))
    if "relations" not in st.session_state:
        chosen = [r for r in param_list("rel") if r in RELATIONS]
        kept = st.session_state.get("kept_relations")
        st.session_state["relations"] = chosen or (list(kept) if kept else list(RELATIONS))


def focused(kg: KnowledgeGraph) -> Concept | None:
    """The focused concept, if any."""
    iri = st.session_state.get("focus")
    if not iri:
        return None
    concept, _ = find_concept(kg, iri)
    return concept


def sync_url() -> None:
    """Write focus, depth and relation filters into the URL so the view can be shared."""
    st.session_state["kept_depth"] = st.session_state.get("depth", 1)
    st.session_state["kept_relations"] = list(st.session_state.get("relations", RELATIONS))
    st.session_state["kept_max"] = st.session_state.get("max_nodes", DEFAULT_MAX)
    wanted = {
        "concept": slug(st.session_state.get("focus", "")),
        "depth": str(st.session_state.get("depth", 1)),
        "rel": ",".join(st.session_state.get("relations", RELATIONS)),
        "max": str(st.session_state.get("max_nodes", DEFAULT_MAX)),
    }
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def rel_name(relation: str) -> str:
    """format_func for relation pickers."""
    return rel_label(relation)


# ---------------------------------------------------------------------------- graph
@st.cache_data(show_spinner=False, max_entries=2000)
def _category(_kg: KnowledgeGraph, iri: str, revision: str) -> tuple[str, str] | None:
    card = _kg.card(_kg.concept(iri))
    if not card.categories:
        return None
    cat = card.categories[0]
    return cat.iri, label(cat)


def category_of(kg: KnowledgeGraph, concept: Concept) -> tuple[str, str] | None:
    """(category IRI, label in the chosen language) of a concept, cached per store revision."""
    found = _category(kg, concept.iri, kg.revision())
    if found is None:
        return None
    return found[0], label(kg.concept(found[0]))


def concept_graph(
    kg: KnowledgeGraph,
    concepts: list[Concept],
    edges: list,
    *,
    focus: str | None = None,
    missing: set[str] | None = None,
    hierarchical: bool = False,
    height: int = 560,
) -> graphview.GraphSpec:
    """A graph spec with labels in the chosen language, category colours and relation colours."""
    spec = graphview.GraphSpec(height=height, hierarchical=hierarchical)
    for c in concepts:
        cat = category_of(kg, c)
        title = both_labels(c) + (f"\n{t('category')}: {cat[1]}" if cat else "")
        spec.nodes.append(
            graphview.Node(
                c.iri,
                label(c),
                title,
                cat[0] if cat else None,
                focus=c.iri == focus,
                missing=c.iri in (missing or set()),
            )
        )
    for e in edges:
        name = t(f"edge_{e.relation}")
        detail = t("curated") if e.curated else t("sources_count", n=e.sources)
        spec.links.append(
            graphview.Link(e.source, e.target, e.relation, name, f"{name} · {detail}")
        )
    return spec


def neighbourhood_html(
    kg: KnowledgeGraph, focus: Concept, depth: int, relations: list[str], max_nodes: int = DEFAULT_MAX
) -> tuple[str, list[Concept], int]:
    """The HTML of the focus's neighbourhood, the concepts it shows and how many edges."""
    concepts, edges = kg.neighbourhood(
        focus, depth=depth, relations=relations or RELATIONS, max_nodes=max_nodes
    )
    spec = concept_graph(kg, concepts, edges, focus=focus.iri)
    return graphview.render(spec), concepts, len(edges)


def swatch(colour: str, text: str, line: bool = False) -> str:
    """One legend entry as HTML (text escaped)."""
    shape = (
        "display:inline-block;width:18px;height:4px;vertical-align:middle;"
        if line
        else "display:inline-block;width:12px;height:12px;border-radius:6px;vertical-align:middle;"
    )
    return (
        f'<span style="margin-right:14px;white-space:nowrap"><span style="{shape}'
        f'background:{html.escape(colour)}"></span> {html.escape(text)}</span>'
    )


def legend(kg: KnowledgeGraph, concepts: list[Concept], relations: list[str]) -> None:
    """Colour legend: relation types (edges) and categories (nodes)."""
    rels = " ".join(
        swatch(c, rel_label(r), line=True)
        for r, c in graphview.legend_items(relations or RELATIONS)
    )
    cats = [found for c in concepts if (found := category_of(kg, c))]
    nodes = " ".join(swatch(c, name) for name, c in graphview.category_items(cats))
    st.markdown(f"**{html.escape(t('legend'))}** &nbsp; {rels}<br>{nodes}", unsafe_allow_html=True)


# ---------------------------------------------------------------------------- concept card
def evidence_lines(kg: KnowledgeGraph, subject: str, relation: str, obj: str) -> list[str]:
    """Markdown-safe lines describing the evidence of one edge."""
    lines = []
    for ev in kg.evidence(subject, relation, obj):
        if ev.get("method") == "curated":
            lines.append(f"- *{t('curated')}*")
            continue
        parts = []
        if ev.get("quote"):
            parts.append(f"「{md(ev['quote'])}」")
        if ev.get("questionText"):
            parts.append(f"{t('question')}: {md(ev['questionText'])}")
        if ev.get("fileName"):
            parts.append(f"{t('file')}: {md(ev['fileName'])}")
        if ev.get("confidence"):
            parts.append(f"{t('confidence')}: {md(ev['confidence'][:4])}")
        lines.append("- " + " · ".join(parts or [md(ev.get("method", ""))]))
    return lines


def concept_card(kg: KnowledgeGraph, concept: Concept, prefix: str = "") -> None:
    """The side panel: labels, definition, category, relations with evidence, questions."""
    card = kg.card(concept)
    st.subheader(f"{label(concept)}")
    st.caption(md(both_labels(concept)))
    if card.alt_labels:
        st.markdown(f"**{t('aliases')}:** " + ", ".join(md(a) for a in card.alt_labels))
    definition = card.definitions.get("zh" if label(concept) == concept.label else "en") or next(
        iter(card.definitions.values()), ""
    )
    if definition:
        st.markdown(f"**{t('definition')}:** {md(definition)}")
    if card.categories:
        cols = st.columns(len(card.categories) + 1)
        cols[0].markdown(f"**{t('category')}:**")
        for i, cat in enumerate(card.categories):
            cols[i + 1].button(md(label(cat)), key=f"{prefix}cat-{i}", on_click=set_focus, args=(cat.iri,))
    st.markdown(f"#### {t('relations')}")
    any_rel = False
    for relation in RELATIONS:
        for direction in ("out", "in"):
            rows = kg.related(concept, relation, direction)
            if not rows:
                continue
            any_rel = True
            st.markdown(f"**{rel_label(relation, direction)}**")
            for i, r in enumerate(rows):
                badge = t("curated") if r.curated else ""
                count = t("sources_count", n=r.sources) if r.sources else ""
                head = (
                    f"{md(label(r.concept))} — {' · '.join(x for x in (badge, count) if x) or '—'}"
                )
                with st.expander(head):
                    subject, obj = (
                        (concept.iri, r.concept.iri)
                        if direction == "out"
                        else (r.concept.iri, concept.iri)
                    )
                    st.markdown("\n".join(evidence_lines(kg, subject, relation, obj)) or "—")
                    st.button(
                        f"→ {label(r.concept)}",
                        key=f"{prefix}go-{relation}-{direction}-{i}",
                        on_click=set_focus,
                        args=(r.concept.iri,),
                    )
    if not any_rel:
        st.caption(t("no_relations"))
    st.markdown(f"#### {t('questions_about')}")
    questions = kg.questions_about(concept)
    if not questions:
        st.caption(t("no_questions"))
    for q in questions[:30]:
        with st.expander(md(q["text"])):
            st.markdown(md(q["answer"]) if q["answer"] else f"*{t('no_answer')}*")
            if q["file"]:
                st.caption(f"{t('file')}: {md(q['file'])}")


# ---------------------------------------------------------------------------- escaping
_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>&~$:"


def md(text: str) -> str:
    """Text made inert for st.markdown: HTML escaped, markdown syntax backslash-escaped."""
    escaped = html.escape(" ".join(str(text).split()), quote=True)
    return "".join("\\" + ch if ch in _MD_SPECIAL and ch not in "<>&" else ch for ch in escaped)



def iri_of(name: str) -> str:
    """A concept IRI from a URL slug or a full IRI."""
    return name if "/" in name else ontology.CONCEPT_NS + name
