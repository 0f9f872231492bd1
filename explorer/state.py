"""Shared app state: the store (opened once per process), language, strings and URL parameters."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import streamlit as st

import ontology
from graph import Concept, KnowledgeGraph, UnknownConcept

from .samples import ensure_samples

LANGS = ("zh", "en")
RELATIONS: tuple[str, ...] = tuple(ontology.RELATIONS)


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """The interface strings table (explorer/i18n.json)."""
    data: dict[str, dict[str, str]] = json.loads(
        (Path(__file__).parent / "i18n.json").read_text(encoding="utf-8")
    )
    return data


@st.cache_resource(show_spinner=False)
def _open_store(store: str | None, endpoint: str | None) -> KnowledgeGraph:
    kg = KnowledgeGraph.open(store=store, endpoint=endpoint)
    if not store and not endpoint:
        ensure_samples(kg)
    return kg


def get_kg() -> KnowledgeGraph:
    """The knowledge graph of this process (DLKG_STORE / DLKG_ENDPOINT, else the default store)."""
    return _open_store(
        os.environ.get("DLKG_STORE") or None, os.environ.get("DLKG_ENDPOINT") or None
    )


def lang() -> str:
    """The interface language chosen in the sidebar ("zh" or "en")."""
    value = st.session_state.get("lang")
    if value not in LANGS:
        value = st.query_params.get("lang", "zh")
    return value if value in LANGS else "zh"


def t(key: str, **fmt: object) -> str:
    """The interface string `key` in the current language."""
    entry = strings().get(key)
    text = entry.get(lang(), entry.get("en", key)) if entry else key
    return text.format(**fmt) if fmt else text


def label(concept: Concept) -> str:
    """The concept's label in the chosen language."""
    return concept.label if lang() == "zh" else concept.label_en


def both_labels(concept: Concept) -> str:
    """`中文 (English)` or `English (中文)`, one label if they are equal."""
    first, second = (
        (concept.label, concept.label_en) if lang() == "zh" else (concept.label_en, concept.label)
    )
    return first if first == second else f"{first} ({second})"


def rel_label(relation: str, direction: str = "out") -> str:
    """A relation type's name in the chosen language, e.g. mitigates / mitigated by."""
    return t(f"rel_{relation}" if direction == "out" else f"rel_{relation}_in")


def find_concept(kg: KnowledgeGraph, text: str) -> tuple[Concept | None, list[Concept]]:
    """Resolve text to a concept; else (None, suggestions)."""
    text = text.strip()
    if not text:
        return None, []
    try:
        return kg.resolve(text), []
    except UnknownConcept as exc:
        return None, exc.suggestions or kg.search(text, 8)


def param_list(name: str) -> list[str]:
    """A comma-separated URL parameter as a list."""
    raw = st.query_params.get(name, "")
    return [p for p in raw.split(",") if p]


def sidebar_language() -> None:
    """The 中文 / English switch, kept in the URL."""
    current = lang()
    st.session_state.setdefault("lang", current)
    st.sidebar.radio(
        t("language"),
        LANGS,
        key="lang",
        horizontal=True,
        format_func=lambda c: "中文" if c == "zh" else "English",
    )
    if st.query_params.get("lang") != st.session_state["lang"]:
        st.query_params["lang"] = st.session_state["lang"]
