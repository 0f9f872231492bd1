"""Hostile text in the app: nothing from a user's notes runs as script.

A store is loaded (through the CLI) with a document whose questions, answers and evidence
sentences carry script payloads, under a file name with markup. The real app
(`dlkg --store DIR explore --headless`) is started in a child process and Debian Chromium
(Playwright, never `playwright install`) visits every page: each payload would set
`window.__pwned` or open a dialog; the test checks the flag in the page and in every frame
(the graph iframe included) and listens for dialogs. The payload text must still be shown
(as text), so the test knows the hostile strings did reach the page.
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

import pyoxigraph as ox
import pytest

from graph import KnowledgeGraph
from graph.store import OxigraphStore
from ontology import CONCEPT_NS, NS

from .conftest import free_port, skip_or_fail_without_chromium
from .reliability_report import CLI, child_env, dlkg

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
FLAG = "window.__pwned=1"
PAYLOADS = [
    f"<script>{FLAG}</script>",
    f"<img src=x onerror=\"{FLAG}\">",
    f"\" onmouseover=\"{FLAG}\" x=\"",
    f"<a href=\"javascript:{FLAG}\">点我</a>",
    f"[链接](javascript:{FLAG})",
    f"<svg onload=\"{FLAG}\"></svg>",
    "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
    f"</script><script>{FLAG}</script>",
    f"{{{{{FLAG}}}}} ${{{FLAG}}}",
    "<script>alert('xss')</script>",
]
HOSTILE_NAME = "notes\"><img src=x onerror=alert(1)>.md"


def hostile_document() -> bytes:
    lines = [f"# 笔记 {PAYLOADS[0]}", ""]
    for i, p in enumerate(PAYLOADS):
        lines += [f"## ReLU {p} 如何缓解梯度消失？",
                  f"ReLU可以缓解梯度消失{p}。Dropout 可以缓解过拟合 {p}。",
                  f"BatchNorm 导致训练更稳定 {p}；残差连接缓解梯度消失。{i}", ""]
    return "\n".join(lines).encode()


def raw_payload_source() -> tuple[ox.NamedNode, list[ox.Quad]]:
    """A source graph as another tool (or a shared endpoint) might hold it: raw markup in a
    question, an answer, a title, a file name, an evidence quote and a concept's labels; the
    hostile concept is linked to 梯度消失 so it is drawn as a node in the explore graph."""
    g = ox.NamedNode("https://w3id.org/dlkg/source/raw-payloads")
    q = ox.NamedNode(g.value + "/q/0")
    evil = ox.NamedNode(CONCEPT_NS + "evil-node")
    target = ox.NamedNode(CONCEPT_NS + "vanishing-gradient")
    a = ox.NamedNode(g.value + "/assertion/0")
    mitigates = ox.NamedNode(NS + "mitigates")
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    skos = "http://www.w3.org/2004/02/skos/core#"

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(NS + local)

    payload = " ".join(PAYLOADS)
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (g, ox.NamedNode(rdf + "type"), n("Source")),
        (g, n("fileName"), ox.Literal(HOSTILE_NAME)),
        (g, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal(payload)),
        (q, ox.NamedNode(rdf + "type"), n("Question")),
        (q, n("text"), ox.Literal(f"梯度消失 {PAYLOADS[1]} 怎么办？")),
        (q, n("answer"), ox.Literal(payload)),
        (q, n("source"), g),
        (q, n("asksAbout"), target),
        (q, n("mentions"), evil),
        (evil, ox.NamedNode(rdf + "type"), n("Concept")),
        (evil, ox.NamedNode(skos + "prefLabel"), ox.Literal(PAYLOADS[1], language="zh")),
        (evil, ox.NamedNode(skos + "prefLabel"), ox.Literal(PAYLOADS[0], language="en")),
        (evil, ox.NamedNode(skos + "altLabel"), ox.Literal(PAYLOADS[3], language="en")),
        (evil, ox.NamedNode(skos + "definition"), ox.Literal(payload, language="zh")),
        (evil, mitigates, target),
        (a, ox.NamedNode(rdf + "type"), n("Assertion")),
        (a, ox.NamedNode(rdf + "subject"), evil),
        (a, ox.NamedNode(rdf + "predicate"), mitigates),
        (a, ox.NamedNode(rdf + "object"), target),
        (a, n("source"), g),
        (a, n("quote"), ox.Literal(payload)),
        (a, n("question"), q),
        (a, n("confidence"), ox.Literal("0.9", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))),
        (a, n("method"), ox.Literal("pattern")),
    ]
    return g, [ox.Quad(s, p, o, g) for s, p, o in triples]



@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        skip_or_fail_without_chromium()
    pytest.importorskip("playwright.sync_api")
    work = tmp_path_factory.mktemp("hostile-app")
    doc = work / HOSTILE_NAME
    doc.write_bytes(hostile_document())
    store = work / "store"
    run = dlkg(store, "ingest", "-q", str(doc))
    assert run.returncode == 0, run.stderr
    kg = KnowledgeGraph.open(store=store)  # raw payloads past the segmenter (which strips tags)
    graph, quads = raw_payload_source()
    kg.replace_source(graph, quads)
    kg.close()
    backend = OxigraphStore(store, read_only=True)
    stored = "\n".join(str(q) for q in backend.raw)
    backend.close()
    assert "__pwned" in stored and "<img src=x" in stored  # the app has the payloads to show
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", CLI, "--store", str(store), "explore", "--headless",
                             "--port", str(port)], env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail("the app did not start")
            time.sleep(0.3)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    shutil.rmtree(work, ignore_errors=True)


PAGES = [
    "explore?concept=evil-node",
    "explore?concept=relu",
    "explore?concept=vanishing-gradient&depth=2",
    "questions",
    "sources",
    "review",
    "ask",
    "sparql",
]


def test_no_script_from_the_notes_runs_in_the_app(app: str) -> None:
    from playwright.sync_api import Dialog, sync_playwright

    dialogs: list[str] = []
    shown: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            def on_dialog(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            for path in PAGES:
                page.goto(f"{app}/{path}", wait_until="domcontentloaded")
                page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
                _settle(page)
                _hover_everything(page)
                for frame in page.frames:
                    try:
                        flag = frame.evaluate("() => window.__pwned || (window.parent && window.parent.__pwned)")
                    except Exception:  # noqa: BLE001 - a frame navigated away meanwhile
                        continue
                    assert not flag, f"{path}: a payload ran in frame {frame.url[:80]}"
                if "pwned" in page.content() or any("pwned" in f.content() for f in page.frames[1:]):
                    shown.append(path)
                assert not dialogs, f"{path}: dialog opened: {dialogs}"
            page.goto(f"{app}/sparql", wait_until="domcontentloaded")
            page.wait_for_selector("textarea", timeout=30_000)
            page.fill("textarea", "SELECT ?text WHERE { ?q dlkg:text ?text } LIMIT 50")
            page.get_by_role("button", name="运行").or_(page.get_by_role("button", name="Run")).first.click()
            _settle(page)
            assert not page.evaluate("() => window.__pwned"), "sparql: a payload ran"
            assert not dialogs, dialogs
        finally:
            browser.close()
    print(f"\nhostile text shown (inert) on: {', '.join(shown)}")
    assert shown, "no page showed the hostile text: the test did not exercise escaping"


def _settle(page: object) -> None:
    """Wait until Streamlit has finished running the script (no visible 'running' widget)."""
    for _ in range(60):
        running = page.evaluate(  # type: ignore[attr-defined]
            "() => !!document.querySelector('[data-testid=\"stStatusWidget\"]')")
        if not running:
            break
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]  # iframes, tooltips, late renders


def _hover_everything(page: object) -> None:
    """Hover links and table cells so mouse-event payloads would fire."""
    for selector in ("a", "td", "canvas"):
        for el in page.query_selector_all(selector)[:30]:  # type: ignore[attr-defined]
            try:
                el.hover(timeout=500)
            except Exception:  # noqa: BLE001 - hidden or detached elements
                continue


def test_graph_html_carries_hostile_strings_only_escaped() -> None:
    """pyvis does not autoescape: every label and title handed to it must come out inert."""
    from explorer import graphview as gv

    spec = gv.GraphSpec(
        nodes=[gv.Node(id=f"urn:n{i}", label=p, title=f"{p} href=javascript:{FLAG}") for i, p in enumerate(PAYLOADS)],
        links=[gv.Link(source="urn:n0", target=f"urn:n{i}", relation="mitigates", label=p, title=p)
               for i, p in enumerate(PAYLOADS)])
    page = gv.render(spec)
    for payload in PAYLOADS:
        if any(ch in payload for ch in "<>\"'"):  # markup or a quote: must not survive verbatim
            assert payload not in page, payload
    assert "<script>window" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert not gv.remote_urls(page)


def test_markdown_helper_makes_text_inert() -> None:
    pytest.importorskip("streamlit")
    from explorer.views import md

    for payload in [*PAYLOADS, HOSTILE_NAME]:
        out = md(payload)
        assert "<" not in out and ">" not in out, out
        assert "](" not in out.replace("\\]\\(", "")
