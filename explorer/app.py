"""dlkg explorer: the Streamlit entry point. It only sets up the page and routes (st.navigation)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.state import sidebar_language, t

ASSETS = Path(__file__).parent / "assets"

st.set_page_config(page_title="dlkg", page_icon=str(ASSETS / "favicon.png"), layout="wide")
sidebar_language()
PAGES = [
    st.Page("app_pages/explore.py", title=t("page_explore"), url_path="explore", icon=":material/hub:",
            default=True),
    st.Page("app_pages/ask.py", title=t("page_ask"), url_path="ask", icon=":material/help:"),
    st.Page("app_pages/path.py", title=t("page_path"), url_path="path", icon=":material/route:"),
    st.Page("app_pages/questions.py", title=t("page_questions"), url_path="questions", icon=":material/quiz:"),
    st.Page("app_pages/sparql.py", title=t("page_sparql"), url_path="sparql", icon=":material/code:"),
    st.Page("app_pages/sources.py", title=t("page_sources"), url_path="sources", icon=":material/upload_file:"),
    st.Page("app_pages/review.py", title=t("page_review"), url_path="review", icon=":material/fact_check:"),
]
st.navigation(PAGES).run()
