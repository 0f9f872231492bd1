"""The `dlkg` command line: ask, related, path, sparql, export, validate (stdout, stderr, exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main

from .conftest import ROOT, SEEDS


class Run:
    """Runs `dlkg --store DIR ...` in-process and keeps what it printed."""

    def __init__(self, store: Path, capsys: pytest.CaptureFixture[str]):
        self.store, self.capsys = store, capsys
        self.out = self.err = ""

    def __call__(self, *args: str) -> int:
        code = main(["--store", str(self.store), *args])
        captured = self.capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        return code

    def json(self, *args: str) -> dict:  # type: ignore[type-arg]
        assert self(*args, "--format", "json") == 0, self.err
        return json.loads(self.out)  # type: ignore[no-any-return]

    def one_line_error(self) -> str:
        lines = self.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("dlkg: error: "), self.err
        return lines[0]


@pytest.fixture
def dlkg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(tmp_path / "store", capsys)


def concept_objects(data: object) -> list[dict]:  # type: ignore[type-arg]
    """Every dict with an `iri` key anywhere in a JSON answer."""
    found = []
    if isinstance(data, dict):
        if "iri" in data and "label" in data:
            found.append(data)
        for v in data.values():
            found += concept_objects(v)
    elif isinstance(data, list):
        for v in data:
            found += concept_objects(v)
    return found


def test_ask_json(dlkg: Run) -> None:
    data = dlkg.json("ask", "什么可以缓解过拟合？")
    assert data["kind"] == "related" and data["relation"] == "mitigates" and data["direction"] == "in"
    assert data["concepts"][0]["label"] == "过拟合"
    answers = {a["concept"]["label_en"].casefold() for s in data["sections"] for a in s["answers"]}
    assert {"dropout", "data augmentation"} <= answers
    objects = concept_objects(data)
    assert objects and all({"iri", "label", "label_en"} <= set(c) for c in objects)


def test_ask_table_and_words_without_quotes(dlkg: Run) -> None:
    assert dlkg("ask", "how", "to", "fix", "overfitting") == 0
    assert "Dropout" in dlkg.out and "curated" in dlkg.out and dlkg.err == ""


def test_ask_unknown_concept(dlkg: Run) -> None:
    assert dlkg("ask", "xyzzyq怎么解决") == 1
    assert "xyzzyq" in dlkg.one_line_error()


def test_ask_suggests_close_concepts(dlkg: Run) -> None:
    assert dlkg("ask", "如何缓解dropuot") == 1
    assert "Dropout" in dlkg.out and "Dropout" in dlkg.one_line_error()


def test_ask_corrects_pinyin(dlkg: Run) -> None:
    assert dlkg("ask", "guonihe怎么解决") == 0
    assert "过拟合" in dlkg.out and "Dropout" in dlkg.out


def test_ask_unparsable_lists_the_forms(dlkg: Run) -> None:
    assert dlkg("ask", "hello world") == 1
    assert "supported forms" in dlkg.out and "什么可以缓解X" in dlkg.out
    dlkg.one_line_error()


def test_related_tells_direct_from_inferred(dlkg: Run) -> None:
    data = dlkg.json("related", "LSTM", "--relation", "requires")
    results = {r["concept"]["label"]: r for r in data["results"]}
    assert results["循环神经网络"]["inferred"] is False and results["循环神经网络"]["curated"] is True
    bp = results["反向传播"]
    assert bp["inferred"] is True and bp["chain"][0]["source"]["label"] == "LSTM"
    assert bp["chain"][-1]["target"]["label"] == "反向传播"
    assert dlkg("related", "LSTM", "--relation", "requires") == 0
    assert "inferred" in dlkg.out and "via LSTM → " in dlkg.out
    assert dlkg("related", "LSTM", "--relation", "requires", "--direct") == 0
    assert "inferred" not in dlkg.out


def test_related_inverse_relation(dlkg: Run) -> None:
    data = dlkg.json("related", "LSTM", "--relation", "hasPart")
    assert data["results"] and {r["direction"] for r in data["results"]} == {"in"}
    assert "遗忘门" in {r["concept"]["label"] for r in data["results"]}


def test_related_unknown_concept_is_one_line(dlkg: Run) -> None:
    assert dlkg("related", "NoSuchThing") == 1
    assert "unknown concept" in dlkg.one_line_error()


def test_path_json(dlkg: Run) -> None:
    data = dlkg.json("path", "Transformer")
    assert "注意力机制" in [m["label"] for m in data["missing"]]
    assert {"missing", "order_violations", "plan", "fringe", "cycles"} <= set(data)
    data = dlkg.json("path", "LSTM", "RNN")
    assert [(v["concept"]["label"], v["prerequisite"]["label"]) for v in data["order_violations"]] == [
        ("LSTM", "循环神经网络")]
    plan = [c["label"] for c in data["plan"]]
    assert plan.index("循环神经网络") < plan.index("LSTM")
    assert [c["label"] for c in data["order"]] == ["循环神经网络", "LSTM"]


def test_path_table_with_known(dlkg: Run) -> None:
    assert dlkg("path", "LSTM", "RNN", "--known", "反向传播") == 0
    assert "order problems" in dlkg.out and "plan:" in dlkg.out
    assert "反向传播" not in dlkg.out.split("plan:")[1].split("\n")[0]
    assert dlkg("path", "LSTM", "--known", "Nope-not-a-concept") == 1
    dlkg.one_line_error()


def test_sparql_refuses_updates(dlkg: Run) -> None:
    assert dlkg("sparql", "DELETE WHERE { ?s ?p ?o }") == 1
    assert "read-only" in dlkg.one_line_error()
    assert dlkg("sparql", "ASK { ?s a dlkg:Concept }") == 0 and dlkg.out.strip() == "true", dlkg.err


def test_sparql_formats_and_limits(dlkg: Run, tmp_path: Path) -> None:
    query = "SELECT ?c ?label WHERE { ?c a dlkg:Concept ; skos:prefLabel ?label } ORDER BY ?c"
    assert dlkg("sparql", query, "--format", "csv", "--limit", "3") == 0
    lines = dlkg.out.strip().splitlines()
    assert lines[0] == "c,label" and len(lines) == 4
    data = dlkg.json("sparql", query, "--limit", "2")
    assert len(data["rows"]) == 2 and data["truncated"] is True
    assert dlkg("sparql", query, "--limit", "1") == 0 and "raise --limit" in dlkg.out
    path = tmp_path / "q.rq"
    path.write_text(query, encoding="utf-8")
    assert len(dlkg.json("sparql", str(path), "--limit", "0")["rows"]) > 100


def test_sparql_time_limit(dlkg: Run) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    assert dlkg("sparql", slow, "--timeout", "1") == 1
    assert "--timeout" in dlkg.one_line_error()


def test_export_formats(dlkg: Run, tmp_path: Path) -> None:
    assert dlkg("export", "--format", "nquads", "-o", str(tmp_path / "all.nq")) == 0
    assert (tmp_path / "all.nq").stat().st_size > 10_000
    assert dlkg("export", "--format", "csv", "-o", str(tmp_path / "csv")) == 0
    nodes = (tmp_path / "csv" / "nodes.csv").read_text(encoding="utf-8").splitlines()
    edges = (tmp_path / "csv" / "edges.csv").read_text(encoding="utf-8").splitlines()
    assert nodes[0] == "id,label,label_en" and edges[0].startswith("source,source_label,relation")
    assert dlkg("export", "--format", "graphml") == 0 and dlkg.out.startswith("<?xml")
    assert dlkg("export", "-o", str(tmp_path / "missing-dir" / "x" / "out.ttl")) == 1
    dlkg.one_line_error()


def test_validate(dlkg: Run, tmp_path: Path) -> None:
    assert dlkg("validate") == 0
    assert "0 violation(s)" in dlkg.out
    assert dlkg("validate", "--shapes", str(tmp_path / "none.ttl")) == 1
    dlkg.one_line_error()


def test_answers_after_ingest_carry_file_evidence(dlkg: Run) -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    assert dlkg("ingest", "-q", str(SEEDS)) == 0
    data = dlkg.json("ask", "过拟合怎么解决")
    dropout = next(a for s in data["sections"] for a in s["answers"] if a["concept"]["label_en"] == "dropout")
    assert dropout["sources"] >= 2
    assert any(e["file"].endswith(".txt") and e["quote"] for e in dropout["evidence"])


def test_cli_never_imports_the_app_libraries(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from explorer.cli import main\n"
        f"store = {str(tmp_path / 's')!r}\n"
        "for args in (['ask', 'guonihe怎么解决'], ['related', 'ReLU'], ['path', 'LSTM'],\n"
        "             ['sparql', 'ASK {}'], ['export', '-f', 'csv'], ['validate']):\n"
        "    main(['--store', store, *args])\n"
        "bad = [m for m in ('streamlit', 'pandas', 'pyvis') if m in sys.modules]\n"
        "sys.stderr.write('LOADED:' + ','.join(bad) + '\\n')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "LOADED:\n" in proc.stderr, proc.stderr[-2000:]
