"""SPARQL: a read-only console with the prefixes predeclared, example queries, labels and CSV."""

from __future__ import annotations

import pandas as pd
import pyoxigraph as ox
import streamlit as st

from explorer.examples import examples
from explorer.state import get_kg, label, lang, t
from graph.console import QueryRefused, QueryResult, run_query
from graph.store import PREFIX_HEADER, StoreError

ROW_LIMIT = 1000
TIME_LIMIT = 10.0

kg = get_kg()
st.title(t("page_sparql"))
st.caption(t("sparql_intro"))

EXAMPLES = {e.name: e for e in examples()}
if "sparql_text" not in st.session_state:
    first = next(iter(EXAMPLES.values()), None)
    st.session_state["sparql_text"] = PREFIX_HEADER + "\n" + (first.text if first else "")


def load_example() -> None:
    """Put the chosen example (after the prefixes) into the editor."""
    chosen = EXAMPLES.get(st.session_state.get("sparql_example", ""))
    if chosen:
        st.session_state["sparql_text"] = PREFIX_HEADER + "\n" + chosen.text
        st.session_state.pop("sparql_result", None)


st.selectbox(t("examples"), list(EXAMPLES), key="sparql_example", index=None,
             format_func=lambda n: EXAMPLES[n].title(lang()), on_change=load_example,
             placeholder=t("load_example"))
st.text_area(t("query"), key="sparql_text", height=300)
if st.button(t("run"), type="primary", key="sparql_run"):
    try:
        st.session_state["sparql_result"] = run_query(kg.backend, st.session_state["sparql_text"],
                                                      limit=ROW_LIMIT, timeout=TIME_LIMIT)
        st.session_state.pop("sparql_error", None)
    except (QueryRefused, StoreError) as exc:
        st.session_state["sparql_error"] = str(exc)
        st.session_state.pop("sparql_result", None)

if st.session_state.get("sparql_error"):
    st.error(f"{t('query_error')} {st.session_state['sparql_error']}")


def cell(term: object) -> str:
    """A result term as plain text (IRIs in full, literals by value)."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return ""


def table(result: QueryResult) -> pd.DataFrame:
    """The result with a label column after every column that holds concept IRIs."""
    data: dict[str, list[str]] = {}
    for i, col in enumerate(result.columns):
        values = [cell(row[i]) for row in result.rows]
        data[col] = values
        iris = [row[i] for row in result.rows]
        known = [kg.concept(x.value) for x in iris if isinstance(x, ox.NamedNode)]
        if any(c.label != c.iri.rsplit("/", 1)[-1] for c in known):
            data[f"{col} ({t('labels')})"] = [
                label(kg.concept(x.value)) if isinstance(x, ox.NamedNode) else "" for x in iris]
    return pd.DataFrame(data)


result: QueryResult | None = st.session_state.get("sparql_result")
if result is not None:
    if result.kind == "ask":
        st.metric(t("query"), t("ask_true") if result.boolean else t("ask_false"))
    else:
        frame = table(result)
        st.caption(t("rows", n=len(frame)))
        if result.truncated:
            st.warning(t("truncated", n=ROW_LIMIT))
        st.dataframe(frame, hide_index=True, width="stretch")
        safe = frame.map(lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "@") else v)
        st.download_button(t("download_csv"), safe.to_csv(index=False).encode("utf-8"),
                           file_name="dlkg-query.csv", mime="text/csv", key="sparql_csv")
