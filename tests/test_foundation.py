"""Issue 2 end to end: from the seed documents to answers through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.samples import sample_files

from .conftest import SEEDS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    store = tmp_path_factory.mktemp("kg") / "store"
    assert main(["--store", str(store), "ingest", "--quiet", str(SEEDS)]) == 0
    return store


def test_related_lists_what_mitigates_vanishing_gradients(seeded_store: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--store", str(seeded_store), "related", "梯度消失", "--relation", "mitigates",
                         "--direction", "in", "--format", "json")
    assert status == 0
    labels = {lab.casefold() for r in json.loads(out)["results"]
              for lab in (r["concept"]["label"], r["concept"]["label_en"])}
    assert "relu" in labels
    assert labels & {"batchnorm", "batch normalization", "批量归一化", "批归一化"}
    assert labels & {"残差连接", "residual connection"}


def test_questions_from_every_seed_are_counted(seeded_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--store", str(seeded_store), "sparql", "--format", "json",
                         "SELECT ?f (COUNT(?q) AS ?n) WHERE { ?q a dlkg:Question ; dlkg:source/dlkg:fileName ?f } "
                         "GROUP BY ?f")
    assert status == 0
    per_file = {r["f"]: int(r["n"]) for r in json.loads(out)["rows"]}
    assert set(per_file) == {p.name for p in SEEDS.iterdir()}
    assert all(n > 0 for n in per_file.values())


def test_reingest_replaces_the_source_graph(seeded_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?q a dlkg:Question }"
    run(capsys, "--store", str(seeded_store), "sparql", "-f", "json", query)
    before = capsys.readouterr()
    status, out1, _ = run(capsys, "--store", str(seeded_store), "sparql", "-f", "json", query)
    assert main(["--store", str(seeded_store), "ingest", "-q", str(SEEDS)]) == 0
    status, out2, _ = run(capsys, "--store", str(seeded_store), "sparql", "-f", "json", query)
    assert json.loads(out1)["rows"] == json.loads(out2)["rows"]
    del before


def test_unknown_concept_is_a_one_line_error(seeded_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--store", str(seeded_store), "related", "完全不存在的概念xyz")
    assert status == 1
    assert err.count("\n") == 1 and "unknown concept" in err


def test_export_turtle_parses(seeded_store: Path, tmp_path: Path) -> None:
    import rdflib

    target = tmp_path / "kg.ttl"
    assert main(["--store", str(seeded_store), "export", "--format", "turtle", "-o", str(target)]) == 0
    g = rdflib.Graph().parse(target, format="turtle")
    assert len(g) > 1000


def test_default_store_gets_the_sample_notes_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DLKG_STORE", raising=False)
    monkeypatch.delenv("DLKG_ENDPOINT", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert len(sample_files()) >= 3
    status, out, _ = run(capsys, "sparql", "-f", "json", "SELECT (COUNT(*) AS ?n) WHERE { ?q a dlkg:Question }")
    assert status == 0
    first = int(json.loads(out)["rows"][0]["n"])
    assert first >= 20
    status, out, _ = run(capsys, "sparql", "-f", "json", "SELECT (COUNT(*) AS ?n) WHERE { ?q a dlkg:Question }")
    assert int(json.loads(out)["rows"][0]["n"]) == first
    assert (tmp_path / "dlkg" / "store").is_dir()
