"""dlkg explorer: the Streamlit entry point. It only sets up the page and routes (st.navigation)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.state import sidebar_language, t

ASSETS = Path(__file__).parent / "assets"

st.set_page_config(page_title="dlkg", page_icon=str(ASSETS / "favicon.png"), layout="wide")
sidebar_language()
PAGES = [
    st.Page(
        "pages/explore.py",
        title=t("page_explore"),
        url_path="explore",
        icon=":material/hub:",
        default=True,
    ),
]
st.navigation(PAGES).run()
