"""Ingest into a store: idempotent, per-document atomic, refused files reported, duplicates
re-clustered across sources; the seeds meet the gold floors; every corpus file ingests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ingest
from explorer.cli import main
from explorer.cli.cmd_evaluate import observe
from explorer.workflows import ingest_files
from graph import KnowledgeGraph
from graph.kg import DUPLICATES_GRAPH
from ingest.evaluate import load_gold, render, score

from .conftest import CORPORA, FIXTURES, GOLD, SEEDS

DOCS = FIXTURES / "ingest"


def count(kg: KnowledgeGraph, graph: str | None = None) -> int:
    return len(kg.all_questions()) if graph is None else len(kg.backend.select(
        f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", {}))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "notes"
    d.mkdir()
    shutil.copy(DOCS / "zh_notes.md", d / "a.md")
    (d / "b.txt").write_text("问：什么是梯度消失\n答：见上文。\n", encoding="utf-8")
    (d / "c.html").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    (d / "ignored.pdf").write_bytes(b"%PDF-1.4")
    return d


def test_ingest_reports_refuses_and_clusters(kg: KnowledgeGraph, folder: Path) -> None:
    reports = ingest_files(kg, [folder])
    by_name = {Path(r.path).name: r for r in reports}
    assert set(by_name) == {"a.md", "b.txt", "c.html"}
    assert by_name["c.html"].error and "binary" in by_name["c.html"].error
    assert by_name["a.md"].questions == 3 and by_name["a.md"].relations >= 5 and by_name["a.md"].mentions >= 5
    rows = kg.select("duplicate_links")
    assert [(r["question"].value.split("/q/")[1], r["canonical"].value.split("/q/")[1]) for r in rows] == [("0", "0")]
    assert rows[0]["question"].value != rows[0]["canonical"].value


def test_reingest_is_idempotent_and_replaces(kg: KnowledgeGraph, folder: Path) -> None:
    ingest_files(kg, [folder])
    before = (count(kg), count(kg, DUPLICATES_GRAPH.value), len(kg.edges()))
    ingest_files(kg, [folder])
    assert (count(kg), count(kg, DUPLICATES_GRAPH.value), len(kg.edges())) == before
    (folder / "b.txt").write_text("问：什么是过拟合？\n答：Dropout 可以缓解过拟合。\n", encoding="utf-8")
    ingest_files(kg, [folder / "b.txt"])
    texts = [t for _, t in kg.all_questions()]
    assert "什么是过拟合?" in texts and "什么是梯度消失" not in texts
    assert count(kg, DUPLICATES_GRAPH.value) == 0


def test_refused_file_leaves_store_as_it_was(folder: Path) -> None:
    kg = KnowledgeGraph.open(memory=True)
    ingest_files(kg, [folder / "a.md"])
    before = kg.backend.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {})[0]["n"].value
    (folder / "a.md").write_bytes(b"\x00" * 100)
    reports = ingest_files(kg, [folder / "a.md"])
    assert reports[0].error
    after = kg.backend.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {})[0]["n"].value
    assert after == before


def test_cli_ingest_names_refused_files(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--store", str(tmp_path / "store"), "ingest", str(folder)])
    out, err = capsys.readouterr()
    assert status == 1
    assert "c.html" in err and len([ln for ln in err.splitlines() if "c.html" in ln]) == 1
    assert "2 file(s) ingested, 4 questions" in out


def test_seeds_meet_the_gold_floors() -> None:
    if not SEEDS.is_dir() or not GOLD.is_file():
        pytest.skip("../shared seeds or gold not present")
    kg = KnowledgeGraph.open(memory=True)
    reports = ingest_files(kg, [SEEDS])
    assert all(r.error is None for r in reports)
    result = score(load_gold(str(GOLD)), observe(kg))  # type: ignore[arg-type]
    print("\n" + render(result))
    for f in result.files:
        assert f.count_ok, (f.file, f.questions, f.expected)
        assert not f.must_missing and not f.must_not_found, f.file
    assert result.recall >= 0.85
    assert result.duplicates_found == result.duplicates_gold


def test_every_corpus_file_ingests() -> None:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora not present")
    files = list(ingest.files_under([CORPORA]))
    assert files
    total = 0
    for path in files:
        doc = ingest.extract(path.name, path.read_bytes())  # raises RefusedFile on refusal
        total += len(doc.questions)
        for q in doc.questions:
            assert q.text.strip() and len(q.text) <= 400 and "\n" not in q.text
            assert not q.text.startswith(("|", "![", "$$", "```"))
    assert total >= 10 * len([f for f in files if f.name != "SOURCE.md"])


def test_evaluate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text('{"questions": {"toc.txt": {"count": [3, 3], "must": ["卷积层的作用"], "must_not": ["目录"]}},'
                    ' "relations": {"toc.txt": [["clip", "mitigates", "exploding"]]},'
                    ' "concepts": {"clip": ["梯度裁剪"], "exploding": ["梯度爆炸"]}, "duplicates": []}',
                    encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "toc.txt", docs)
    assert main(["evaluate", str(gold), "--docs", str(docs)]) == 0
    assert "relation recall 1/1" in capsys.readouterr().out
    gold.write_text(gold.read_text(encoding="utf-8").replace("[3, 3]", "[5, 9]"), encoding="utf-8")
    assert main(["evaluate", str(gold), "--docs", str(docs), "--format", "json"]) == 1
    assert '"count_ok": false' in capsys.readouterr().out
    (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
    assert main(["evaluate", str(tmp_path / "bad.json"), "--docs", str(docs)]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_parallel_extraction_writes_the_same_documents_in_the_same_order(tmp_path: Path) -> None:
    for p in sorted(SEEDS.iterdir()):
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "broken.md").write_bytes(b"\x00\x01\x02" * 400)  # refused: binary
    (tmp_path / "empty.txt").write_bytes(b"")

    def run(workers: int) -> tuple[list[tuple[str, list[str]]], list[tuple[str, int, int, int, str | None]],
                                   list[tuple[int, int, str]]]:
        written: list[tuple[str, list[str]]] = []
        ticks: list[tuple[int, int, str]] = []
        reports = ingest.ingest_paths(
            [tmp_path], lambda g, quads: written.append((g.value, sorted(map(str, quads)))),
            lambda done, total, r: ticks.append((done, total, Path(r.path).name)), workers=workers)
        return written, [(Path(r.path).name, r.questions, r.mentions, r.relations, r.error) for r in reports], ticks

    one, two = run(1), run(2)
    assert one == two
    names = [name for name, *_ in one[1]]
    assert names == sorted(names) and "broken.md" in names
    assert dict((n, e) for n, *_, e in one[1])["broken.md"]  # refused, with its reason, in both
    assert len(one[0]) == len([r for r in one[1] if r[4] is None]) >= 4
