"""The explorer in headless Debian Chromium against a real `dlkg --store DIR explore` process.

Checks what AppTest cannot: the graph is drawn (vis.js positions inside the sandboxed
iframe), a click on a node comes back to Python and refocuses, a deep link restores the
view, an upload ingests, and no request leaves 127.0.0.1. Screenshots go to
artifacts/screenshots/ (kept by CI).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ingest
from graph import KnowledgeGraph

from .conftest import free_port, skip_or_fail_without_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
C = "https://w3id.org/dlkg/concept/"
NOTES = """# 面试笔记

## 梯度消失怎么解决？

ReLU 可以缓解梯度消失，残差连接和 BatchNorm 也可以缓解梯度消失。

## 为什么 LSTM 能缓解梯度消失？

LSTM 的门控结构可以缓解梯度消失。

## Dropout 有什么用？

Dropout 可以缓解过拟合。
"""
UPLOAD = "## 什么是 GRU？\n\nGRU 是 LSTM 的变体，可以缓解梯度消失。\n".encode()
LOCAL_PREFIXES = ("http://127.0.0.1:", "ws://127.0.0.1:", "about:", "data:", "blob:")



class ExploreServer:
    """A `dlkg --store DIR explore --headless --port N` process, stopped with `stop()`."""

    def __init__(self, store: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        beside = Path(sys.executable).parent / "dlkg"  # the console script of this environment
        dlkg = str(beside) if beside.exists() else shutil.which("dlkg")
        cmd = [dlkg] if dlkg else [sys.executable, "-c", "import sys; from explorer.cli import main; sys.exit(main())"]
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
        # a session of its own: `dlkg explore` runs streamlit as a child, and both must be stopped
        self.proc = subprocess.Popen([*cmd, "--store", str(store), "explore", "--headless", "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("dlkg explore did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop dlkg and the streamlit server it started (the whole process group)."""
        group = self.proc.pid
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                self.proc.poll()
                try:
                    os.killpg(group, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.2)
            else:
                continue
            break
        self.proc.wait(10)


def _make_store(path: Path) -> Path:
    if not Path(CHROMIUM).exists():
        skip_or_fail_without_chromium()
    kg = KnowledgeGraph.open(store=path)
    graph, quads = ingest.to_quads(ingest.extract("notes.md", NOTES.encode()))
    kg.replace_source(graph, quads)
    kg.close()
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dlkg --store DIR explore --headless --port N` on a store with a small document."""
    running = ExploreServer(_make_store(tmp_path_factory.mktemp("browser") / "kg"))
    yield running.url
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records every request URL; asserts at the end that all stayed local."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.requests = requests
    yield pg
    context.close()
    outside = sorted({u for u in requests if not u.startswith(LOCAL_PREFIXES)})
    assert not outside, f"requests left the machine: {outside}"
    assert requests, "the page made no request at all"


def shot(pg: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


SETTLED = ("typeof network !== 'undefined' && network && network.physics.options.enabled === false ? "
           "Object.keys(network.getPositions()).length : 0")


def graph_frame(pg: Any, min_nodes: int = 2) -> Any:
    """The sandboxed graph iframe once vis.js has laid out `min_nodes` nodes and stopped the physics."""
    pg.wait_for_selector("iframe.dlkg-graph", timeout=60_000)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for frame in pg.frames:
            if frame.url == "about:srcdoc":
                try:
                    n = frame.evaluate(SETTLED)
                except Exception:  # the frame is being replaced by a new graph
                    n = 0
                if n >= min_nodes:
                    return frame
        pg.wait_for_timeout(200)
    raise AssertionError("no graph drawn")


def node_ids(frame: Any) -> set[str]:
    return set(frame.evaluate("Object.keys(network.getPositions())"))


def click_node(pg: Any, frame: Any, iri: str) -> None:
    """Click a node where vis.js drew it."""
    pos = frame.evaluate("(id) => network.canvasToDOM(network.getPositions([id])[id])", iri)
    box = pg.locator("iframe.dlkg-graph").bounding_box()
    pg.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])


def heading(pg: Any) -> str:
    return str(pg.locator("[data-testid='stHeading'] h3").first.inner_text())


def test_explore_draws_the_graph_offline(server: str, page: Any) -> None:
    page.goto(server + "/")
    frame = graph_frame(page, 4)
    ids = node_ids(frame)
    assert {C + "vanishing-gradient", C + "relu", C + "residual-connection"} <= ids
    assert page.locator("iframe.dlkg-graph").get_attribute("sandbox") == "allow-scripts"
    page.wait_for_timeout(1500)
    shot(page, "explore")
    if os.environ.get("DLKG_UPDATE_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))


def test_first_request_to_a_page_url_runs_the_entry_file(tmp_path: Path, page: Any) -> None:
    """A fresh server's first session opening /path directly gets the app's navigation and layout
    (a `pages/` folder beside app.py would make Streamlit run the page alone, v1 style)."""
    fresh = ExploreServer(_make_store(tmp_path / "kg"))
    try:
        page.goto(fresh.url + "/path?plan=gru,lstm,rnn&known=mlp")
        graph_frame(page, 3)
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "学习路径" in nav and "探索" in nav and "app" not in nav.split()
        assert page.get_by_text("English").count() == 1  # the language switch of the entry file
    finally:
        fresh.stop()


def test_click_on_a_node_refocuses(server: str, page: Any) -> None:
    page.goto(server + "/?concept=vanishing-gradient")
    frame = graph_frame(page, 4)
    click_node(page, frame, C + "relu")
    page.wait_for_url("**concept=relu**", timeout=30_000)
    page.wait_for_function("() => document.querySelector('[data-testid=stHeading] h3')"
                           " && document.querySelector('[data-testid=stHeading] h3').innerText === 'ReLU'",
                           timeout=30_000)
    assert C + "relu" in node_ids(graph_frame(page))
    shot(page, "explore-after-click")


def test_deep_link_restores_the_view(server: str, page: Any) -> None:
    page.goto(server + "/?concept=lstm&depth=2&rel=mitigates&lang=en")
    frame = graph_frame(page, 2)
    assert heading(page) == "long short-term memory"  # the English label
    assert C + "vanishing-gradient" in node_ids(frame)
    assert page.get_by_role("heading", name="Explore").count() == 1
    assert page.locator("[data-testid='stSliderThumbValue']").first.inner_text() == "2"
    edges = frame.evaluate("network.body.data.edges.get().map(e => e.label)")
    assert edges and set(edges) == {"mitigates"}
    shot(page, "deep-link")


def test_explore_view_survives_a_visit_to_another_page(server: str, page: Any) -> None:
    page.goto(server + "/?concept=lstm&depth=2&rel=requires")
    graph_frame(page, 2)
    page.locator("[data-testid='stSidebarNav'] a", has_text="面试题").click()
    page.wait_for_selector("h1:has-text('面试题')", timeout=30_000)
    page.locator("[data-testid='stSidebarNav'] a", has_text="探索").click()
    frame = graph_frame(page, 2)
    assert heading(page) == "LSTM"
    assert page.locator("[data-testid='stSliderThumbValue']").first.inner_text() == "2"
    assert set(frame.evaluate("network.body.data.edges.get().map(e => e.label)")) == {"需要"}
    page.wait_for_url("**depth=2**", timeout=10_000)


def test_upload_ingests(server: str, page: Any) -> None:
    page.goto(server + "/sources")
    page.wait_for_selector("input[type=file]", state="attached", timeout=60_000)
    page.set_input_files("input[type=file]", files=[
        {"name": "gru.md", "mimeType": "text/markdown", "buffer": UPLOAD}])
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="导入").click()
    page.wait_for_selector("text=导入完成", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('[data-testid=stDataFrame]').length >= 2", timeout=30_000)
    page.wait_for_timeout(500)
    shot(page, "sources-after-upload")
    page.goto(server + "/?concept=gru")
    graph_frame(page, 2)
    page.locator("summary", has_text="什么是 GRU").first.wait_for(state="visible", timeout=30_000)


def test_ask_answers_with_table_and_graph(server: str, page: Any) -> None:
    page.goto(server + "/ask")
    page.get_by_role("button", name="什么可以缓解过拟合？").click()
    frame = graph_frame(page, 2)
    assert C + "overfitting" in node_ids(frame) and C + "dropout" in node_ids(frame)
    assert page.locator("[data-testid='stDataFrame']").count() >= 1
    shot(page, "ask-answer")


def test_study_path_example_highlights_missing(server: str, page: Any) -> None:
    page.goto(server + "/path")
    page.get_by_role("button", name="试试示例计划").click()
    frame = graph_frame(page, 3)
    colours = frame.evaluate("network.body.data.nodes.get().map(n => n.color.background)")
    assert "#FF4B4B" in colours  # a missing prerequisite
    assert "plan=gru" in page.url
    shot(page, "path-example")


def test_sparql_example_runs(server: str, page: Any) -> None:
    page.goto(server + "/sparql")
    page.get_by_role("button", name="运行").click()
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
    page.wait_for_timeout(500)
    shot(page, "sparql-result")


@pytest.mark.parametrize("name", ["ask", "path", "questions", "sparql", "review"])
def test_every_page_opens(server: str, page: Any, name: str) -> None:
    page.goto(f"{server}/{name}")
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_timeout(1500)
    if name == "questions":
        page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                               timeout=30_000)
    assert not page.locator("[data-testid='stException']").count()
    shot(page, f"page-{name}")
