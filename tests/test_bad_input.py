"""Bad input: every kind of hostile file either ingests or is refused with a one-line reason.

The inputs are generated here (nothing large is committed). They go through the real CLI in a
child process (`dlkg --store DIR ingest ...`) with a generous time limit, so a crash, a hang or
runaway memory shows up as such; the peak RSS of each heavy child is measured with wait4.
The store is compared before and after: every earlier document is still there quad for quad,
each accepted file's graph is exactly what an in-process reference ingest yields, and a
refused file leaves nothing behind.

Decided limits (ingest/): files over `ingest.read.MAX_BYTES` (20 MB) are refused before they
are read; documents with more than `ingest.MAX_QUESTIONS` questions are refused (one SPARQL
update holds a whole document, and Oxigraph needs ~2.4 KB per quad to apply it).
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

import ingest
from graph import KnowledgeGraph
from graph.kg import DUPLICATES_GRAPH
from graph.store import OxigraphStore
from ingest.rdf import source_iri, to_quads

from .conftest import SEEDS
from .reliability_report import (
    Run,
    Snapshot,
    dlkg,
    graphs_of,
    lost_items,
    parse_quads,
    record,
    snapshot,
    summary,
)

SUITE = "bad input"
RSS_LIMIT = 1.5 * 1024**3
DUPLICATES = str(DUPLICATES_GRAPH)
HEAVY_TIMEOUT = 300.0

# hostile strings for labels, questions and answers
SPARQL_BITS = ['"} ; DROP ALL ; {"', "<http://x>", '"""', "'''", "} } INSERT DATA { <a> <b> <c> }",
               "\\u0022 \\\" \\", "${x} {{x}} %s {0}", "?x ; CLEAR ALL #"]
MARKUP_BITS = ["<script>window.__pwned=1</script>", "<img src=x onerror=\"window.__pwned=1\">",
               '" onmouseover="window.__pwned=1', "[link](javascript:window.__pwned=1)",
               "<a href=\"javascript:alert(1)\">x</a>", "</textarea><svg onload=alert(1)>"]


def png_bytes(width: int = 48, height: int = 32) -> bytes:
    """A real, valid PNG image (RGB gradient)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + b"".join(bytes((x * 5 % 256, y * 7 % 256, 128)) for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def hostile_text_doc() -> bytes:
    lines = ["# 敌意文本 <script>alert('title')</script>", ""]
    for i, bit in enumerate(SPARQL_BITS + MARKUP_BITS):
        lines += [f"## Q{i}: ReLU {bit} 能缓解梯度消失吗？",
                  f"ReLU可以缓解梯度消失 {bit}。BatchNorm {bit} 缓解过拟合。", ""]
    return "\n".join(lines).encode()


def html_doc() -> bytes:
    return """<!doctype html><html><head><title>t</title><script>window.__pwned=1</script>
<style>body{}</style></head><body onload="window.__pwned=1">
<h2>什么是ReLU？<script>alert(1)</script></h2>
<p>ReLU可以缓解梯度消失。<a href="javascript:window.__pwned=1">点我</a>
<img src=x onerror="window.__pwned=1"><iframe src="javascript:alert(1)"></iframe></p>
<h2 onclick="alert(1)">BatchNorm 的作用是什么？</h2><p>BatchNorm 缓解内部协变量偏移。</p>
<svg><script>alert(2)</script></svg><!-- <script>alert(3)</script> -->
</body></html>""".encode()


def deep_html() -> bytes:
    return ("<html><body>" + "<div>" * 10_000 + "<h2>什么是Dropout？</h2><p>Dropout缓解过拟合。</p>"
            + "</div>" * 10_000 + "<ul>" * 5_000 + "<li>什么是ReLU？" + "</ul>" * 5_000
            + "</body></html>").encode()


def zero_width_doc() -> bytes:
    return ("# 什么是Re\u200bLU？\nRe\u200dLU可以缓解\u202e梯度消失\u202c。\n\n"
            "## \u2067过拟合\u2069 怎么办？\n\ufeffDropout\u200b 缓解 \u200e过拟合\u200f。\u2028下一行\u2029\n"
            "## \u202eevil\u202c \u061c 问题？\n\u00ad软连字符\u2060 \u180e\n").encode()


def mixed_encodings() -> bytes:
    return ("# 什么是梯度消失？\n".encode() + "梯度消失是指。\n".encode("gbk")
            + "## 什么是ReLU？\nReLU缓解梯度消失。\n".encode())


@dataclass
class Input:
    name: str
    make: Callable[[Path], object]  # writes the file
    heavy: bool = False


def _bytes(data: bytes) -> Callable[[Path], object]:
    return lambda p: p.write_bytes(data)


def _write_50mb(path: Path) -> None:
    block = "".join(f"## 问题 {i}：什么是梯度消失？\nReLU可以缓解梯度消失，BatchNorm缓解过拟合。\n"
                    for i in range(1000)).encode()
    with path.open("wb") as f:
        written = 0
        while written < 50 * 1024 * 1024:
            f.write(block)
            written += len(block)


def _write_long_lines(path: Path) -> None:
    line = ("ReLU缓解梯度消失，" * (1024 * 1024 // 27))[: 1024 * 1024 // 3]  # ~1 MB of UTF-8
    path.write_text(f"# 什么是ReLU？\n{line}\n## 为什么会梯度消失？\n{line}\n{'x' * 1024 * 1024}\n"
                    f"# {line}？\n{line}\n{line}？\n", encoding="utf-8")  # a 1 MB heading, a 1 MB question


def _write_headings(path: Path) -> None:
    path.write_text("".join(f"# 问题 {i}：什么是ReLU？\nReLU缓解梯度消失。\n" for i in range(100_000)),
                    encoding="utf-8")


def _write_deep_markdown(path: Path) -> None:
    quote = "> " * 10_000 + "什么是过拟合？\n" + "> " * 10_000 + "Dropout缓解过拟合。\n\n"
    dashes = "- " * 10_000 + "什么是ReLU？\n"
    stairs = "".join("  " * i + f"- 第{i}层 ReLU缓解梯度消失\n" for i in range(2_000))
    brackets = "[" * 10_000 + "x" + "](" * 10_000 + "\n" + "*" * 10_000 + "强调" + "*" * 10_000 + "\n"
    fences = "```\n" * 5_001 + "\n"
    path.write_text(f"# 深层嵌套？\n{quote}{dashes}{stairs}{brackets}{fences}", encoding="utf-8")


INPUTS = [
    Input("empty.md", _bytes(b"")),
    Input("only-newlines.txt", _bytes(b"\n" * 100_000 + b"\r\n" * 1000 + b"\r" * 1000)),
    Input("nul-bytes.md", _bytes(b"\x00" * 65_536)),
    Input("nul-after-text.md", _bytes("# 什么是ReLU？\nReLU缓解梯度消失。\n".encode() * 400 + b"\x00" * 100)),
    Input("image-renamed.md", _bytes(png_bytes())),
    Input("bad-utf8-middle.md", _bytes("# 什么是ReLU？\nReLU缓解梯度".encode() + b"\xff\xfe\xc3\x28\xed\xa0\x80"
                                        + "消失。\n## 什么是过拟合？\nDropout缓解过拟合。\n".encode())),
    Input("mixed-encodings.md", _bytes(mixed_encodings())),
    Input("gb18030.txt", _bytes("# 什么是批归一化？\n批归一化缓解内部协变量偏移。\n".encode("gb18030"))),
    Input("utf16-bom.md", _bytes("# 什么是ReLU？\nReLU缓解梯度消失。\n".encode("utf-16"))),
    Input("utf16-truncated.md", _bytes("# 什么是ReLU？".encode("utf-16") + b"\x00")),
    Input("control-chars.txt", _bytes(bytes(range(1, 32)) * 50 + "# 什么是ReLU？\n".encode())),
    Input("deep-markdown.md", _write_deep_markdown, heavy=True),
    Input("deep.html", _bytes(deep_html())),
    Input("scripts.html", _bytes(html_doc())),
    Input("zero-width-bidi.md", _bytes(zero_width_doc())),
    Input("hostile-text.md", _bytes(hostile_text_doc())),
    Input('evil"<img src=x onerror=alert(1)>{} ; DROP ALL.md', _bytes(b"# What is ReLU?\nReLU mitigates "
                                                                     b"vanishing gradients.\n")),
    Input("notes.pdf", _bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")),
    Input("long-lines.md", _write_long_lines, heavy=True),
    Input("headings-100k.md", _write_headings, heavy=True),
    Input("big-50mb.txt", _write_50mb, heavy=True),
]


@dataclass
class Result:
    before: Snapshot
    after: Snapshot
    accepted: dict[str, Snapshot]  # file name -> its reference graph
    refused: dict[str, str]  # file name -> the error line
    runs: dict[str, Run]  # the run that ingested each input
    stderr_lines: dict[str, list[str]]  # run label -> its stderr lines


def _reference(path: Path) -> Snapshot:
    """What ingesting this file must add: computed in this process, independently of the store."""
    graph, quads = to_quads(ingest.extract(path.name, path.read_bytes()))
    store = ox.Store()  # a store keeps literals in canonical form ("0.70"^^xsd:decimal is "0.7")
    store.extend(quads)
    return graphs_of(store)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Result]:
    work = tmp_path_factory.mktemp("bad-input")
    store = work / "store"
    seed_docs = [str(p) for p in sorted(SEEDS.glob("*"))] if SEEDS.is_dir() else []
    samples = [str(p) for p in sorted((Path(ingest.__file__).parent / "samples").glob("*.md"))]
    base = dlkg(store, "ingest", "-q", *samples, *seed_docs)
    assert base.returncode == 0, base.stderr
    before = snapshot(store)
    files = work / "inputs"
    files.mkdir()
    paths: dict[str, Path] = {}
    for inp in INPUTS:
        paths[inp.name] = files / inp.name
        inp.make(paths[inp.name])
    runs: dict[str, Run] = {}
    stderr_lines: dict[str, list[str]] = {}
    light = [inp.name for inp in INPUTS if not inp.heavy]
    batch = dlkg(store, "ingest", "-q", *(str(paths[n]) for n in light), timeout=HEAVY_TIMEOUT)
    stderr_lines["batch"] = batch.stderr.splitlines()
    for n in light:
        runs[n] = batch
    for inp in INPUTS:
        if inp.heavy:
            run = dlkg(store, "ingest", "-q", str(paths[inp.name]), timeout=HEAVY_TIMEOUT)
            runs[inp.name] = run
            stderr_lines[inp.name] = run.stderr.splitlines()
    after = snapshot(store)
    accepted: dict[str, Snapshot] = {}
    refused: dict[str, str] = {}
    for inp in INPUTS:
        run = runs[inp.name]
        path = paths[inp.name]
        lines = [ln for ln in run.stderr.splitlines() if str(path) in ln]
        graph = str(source_iri(inp.name))
        rss = run.max_rss_bytes / 1024**2 if inp.heavy else None
        if run.timed_out:
            record(SUITE, inp.name, "hung", f"killed after {HEAVY_TIMEOUT:.0f} s", peak_rss_mb=rss)
        elif run.returncode not in (0, 1) or "Traceback" in run.stderr:
            record(SUITE, inp.name, "crashed", (run.stderr.strip().splitlines() or ["?"])[-1], peak_rss_mb=rss)
        elif lines:
            refused[inp.name] = lines[0]
            record(SUITE, inp.name, "refused", lines[0].split(str(path) + ":", 1)[-1].strip(),
                   lost=len(after.get(graph, ())), peak_rss_mb=rss)
        elif graph in after:
            accepted[inp.name] = _reference(path)
            missing = sum(len(q - after.get(g, frozenset())) for g, q in accepted[inp.name].items())
            record(SUITE, inp.name, "ingested", f"{len(after[graph])} quads", lost=missing, peak_rss_mb=rss)
        else:
            record(SUITE, inp.name, "crashed", "neither ingested nor refused", peak_rss_mb=rss)
    yield Result(before, after, accepted, refused, runs, stderr_lines)


def test_every_input_is_ingested_or_refused(result: Result) -> None:
    for inp in INPUTS:
        run = result.runs[inp.name]
        assert not run.timed_out, f"{inp.name}: hung"
        assert "Traceback" not in run.stderr, f"{inp.name}: {run.stderr[-2000:]}"
        assert run.returncode in (0, 1), f"{inp.name}: exit {run.returncode}"
        assert (inp.name in result.accepted) != (inp.name in result.refused), inp.name


def test_refusals_are_one_line_each_naming_the_file(result: Result) -> None:
    assert result.refused, "nothing was refused: the suite did not reach the limits"
    for label, lines in result.stderr_lines.items():
        names = [inp.name for inp in INPUTS if not inp.heavy] if label == "batch" else [label]
        named = [n for n in names if n in result.refused]
        assert len(lines) == len(named), (label, lines)  # one line per refused file, nothing else
        for line in lines:
            assert line.startswith("dlkg: error: ") and line.count("\n") == 0
    for name, line in result.refused.items():
        reason = line.rsplit(":", 1)[-1].strip()
        assert name in line and reason, line
        assert result.runs[name].returncode == 1, name


def test_refusals_name_the_reason(result: Result) -> None:
    expected = {"nul-bytes.md": "binary", "image-renamed.md": "binary", "big-50mb.txt": "too large",
                "notes.pdf": "unsupported", "headings-100k.md": "too many questions"}
    for name, word in expected.items():
        assert name in result.refused, f"{name} was not refused"
        assert word in result.refused[name], result.refused[name]


def test_the_rest_of_the_batch_is_still_ingested(result: Result) -> None:
    batch = [inp.name for inp in INPUTS if not inp.heavy]
    assert result.runs[batch[0]].returncode == 1  # some were refused ...
    for name in ("gb18030.txt", "utf16-bom.md", "scripts.html", "hostile-text.md", "zero-width-bidi.md",
                 'evil"<img src=x onerror=alert(1)>{} ; DROP ALL.md'):
        assert name in result.accepted, f"{name}: {result.refused.get(name)}"  # ... and these ingested


def test_store_holds_exactly_before_plus_accepted(result: Result) -> None:
    before = {g: q for g, q in result.before.items() if g != DUPLICATES}
    after = {g: q for g, q in result.after.items() if g != DUPLICATES}
    assert lost_items(before, after) == 0
    for g, quads in before.items():
        assert after.get(g) == quads, f"earlier graph {g} changed"
    expected = dict(before)
    for ref in result.accepted.values():
        expected.update(ref)
    assert set(after) == set(expected)
    for g in expected:
        assert after[g] == expected[g], g
    for name in result.refused:
        assert str(source_iri(name)) not in result.after, f"refused {name} left a graph"


def test_duplicates_graph_is_recomputed_from_what_is_stored(result: Result) -> None:
    """The one cross-document graph (duplicate questions) is derived: it must match a fresh
    clustering of the questions now in the store, and point only at stored questions."""
    from ingest.duplicates import cluster

    backend = OxigraphStore(None)
    kg = KnowledgeGraph(backend)
    backend.raw.extend(parse_quads(q for g, quads in result.after.items() if g != DUPLICATES for q in quads))
    questions = {iri for iri, _ in kg.all_questions()}
    expected = cluster(kg.all_questions())
    stored = {str(q.subject): str(q.object) for q in parse_quads(result.after.get(DUPLICATES, ()))}
    stored = {k.strip("<>"): v.strip("<>") for k, v in stored.items()}
    assert stored == expected
    assert set(stored) | set(stored.values()) <= set(questions)


def test_hostile_strings_survive_as_literals(result: Result) -> None:
    """Quotes, braces and SPARQL syntax in questions end up as text, not as query structure."""
    quads = parse_quads(result.after[str(source_iri("hostile-text.md"))])
    text = "\n".join(q.object.value for q in quads if isinstance(q.object, ox.Literal))
    for bit in SPARQL_BITS:
        if "<" not in bit:  # `<...>` reads as a tag, which the segmenter strips from questions
            assert bit in text, bit
    assert len(result.after) > 3  # DROP ALL did not run


def test_html_scripts_are_not_text(result: Result) -> None:
    quads = "\n".join(result.after[str(source_iri("scripts.html"))])
    assert "window.__pwned" not in quads and "alert(" not in quads
    assert "ReLU" in quads


def test_memory_stays_bounded(result: Result) -> None:
    for inp in INPUTS:
        if inp.heavy:
            run = result.runs[inp.name]
            assert run.max_rss_bytes < RSS_LIMIT, f"{inp.name}: peak RSS {run.max_rss_bytes / 1e6:.0f} MB"


def test_a_locked_store_is_refused_with_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    keep = ox.Store(str(store))  # this process holds the lock now
    try:
        run = dlkg(store, "ingest", str(Path(ingest.__file__).parent / "samples"))
    finally:
        del keep
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "store in use" in lines[0] and "--endpoint" in lines[0], run.stderr


# ------------------------------------------------------------------ uploads (the app's entry point)

WATCH: list[bool] = []  # the audit hook below records opens only while this is non-empty


def test_upload_names_never_reach_the_file_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ingest.extract(name, data)` must not open `name`; only its base name is recorded."""
    ingest.extract("warm.md", "# 什么是ReLU？\nReLU缓解梯度消失。".encode())  # load data files first
    opened: list[str] = []

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and WATCH:
            opened.append(str(args[0]))

    WATCH.append(True)
    sys.addaudithook(hook)
    names = {"../../etc/passwd.md": "passwd.md", "C:\\x.md": "x.md", "/etc/shadow.md": "shadow.md",
             "..\\..\\boot.ini.md": "boot.ini.md", "a/b/../../../c.md": "c.md"}
    try:
        docs = {n: ingest.extract(n, "# 什么是ReLU？\nReLU缓解梯度消失。".encode()) for n in names}
    finally:
        WATCH.clear()
    assert not [p for p in opened if any(part in p for part in ("passwd", "x.md", "shadow", "boot", "c.md"))]
    for raw, base in names.items():
        assert docs[raw].file_name == base, (raw, docs[raw].file_name)
        assert "/" not in docs[raw].file_name and "\\" not in docs[raw].file_name



def test_upload_checks_type_by_content_and_size() -> None:
    uploads = pytest.importorskip("explorer.uploads")
    from graph import KnowledgeGraph

    kg = KnowledgeGraph.open(memory=True)
    reports = uploads.ingest_uploads(kg, [
        ("photo.md", png_bytes()),  # an image named .md: refused by content
        ("notes.txt", "# 什么是ReLU？\nReLU缓解梯度消失。".encode()),
        ("../../etc/evil.md", "# 什么是Dropout？\nDropout缓解过拟合。".encode()),
        ("huge.md", b"# q?\n" + b"a" * (uploads.UPLOAD_LIMIT + 1)),
    ])
    by_name = {r.name: r for r in reports}
    assert by_name["photo.md"].error and "binary" in by_name["photo.md"].error
    assert by_name["notes.txt"].error is None and by_name["notes.txt"].questions == 1
    assert by_name["evil.md"].error is None
    assert by_name["huge.md"].error and "large" in by_name["huge.md"].error
    files = {str(s["file"]) for s in kg.sources()}
    assert {"notes.txt", "evil.md"} <= files and not {"photo.md", "huge.md"} & files
    assert not any("/" in f or "\\" in f for f in files)


def test_zz_print_figures(result: Result, capsys: pytest.CaptureFixture[str]) -> None:
    """Runs last in this module: prints the figures the issue asks for."""
    text = summary(SUITE)
    with capsys.disabled():
        print("\n" + text)
    assert f"inputs tried {len(INPUTS)}," in text
    assert "crashed 0, hung 0, items lost 0" in text
