"""A `st.components.v2` component that shows a pyvis graph and reports node clicks to Python.

The component's JS creates an iframe with `sandbox="allow-scripts"` only, puts the graph HTML
in its `srcdoc`, and accepts `postMessage` events only from that iframe's window.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

_JS = (Path(__file__).parent / "graph_click.js").read_text(encoding="utf-8")
_CSS = ":host { display: block; width: 100%; }"

_mount = st.components.v2.component("dlkg_graph", js=_JS, css=_CSS)


def _ignore() -> None:
    """Clicks are read from the component's result (a trigger value), not in a callback."""


def graph_view(page: str, *, key: str, height: int = 560, title: str = "graph") -> str | None:
    """Show the graph page; the id of the node clicked in this run, else None."""
    digest = hashlib.sha256(page.encode("utf-8")).hexdigest()[:16]
    result = _mount(
        key=key,
        data={"html": page, "height": height, "digest": digest, "title": title},
        height=height + 8,
        on_click_change=_ignore,
    )
    clicked = getattr(result, "click", None)
    return clicked if isinstance(clicked, str) and clicked else None
