"""Precision from hand labels: tests/fixtures/relation_labels.json (triple, file, quote prefix,
verdict) over relations found in ../shared/seeds and ../shared/corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest
from ingest.mentions import default_linker

from .conftest import CORPORA, FIXTURES, SEEDS

C = "https://w3id.org/dlkg/concept/"


def test_labelled_precision() -> None:
    if not SEEDS.is_dir() or not CORPORA.is_dir():
        pytest.skip("../shared not present")
    labels = json.loads((FIXTURES / "relation_labels.json").read_text(encoding="utf-8"))["labels"]
    files = {p.name: p for p in [*SEEDS.iterdir(), *CORPORA.rglob("*")] if p.is_file()}
    found: set[tuple[str, str, str, str]] = set()
    linker = default_linker()
    for name in sorted({label["file"] for label in labels}):
        doc = ingest.extract(name, Path(files[name]).read_bytes(), linker)
        found |= {(name, r.subject, r.predicate, r.object) for r in doc.relations}
    still = [x for x in labels if (x["file"], C + x["subject"], x["predicate"], C + x["object"]) in found]
    correct = sum(x["correct"] for x in still)
    precision = correct / len(still)
    print(f"\nrelation precision on {len(still)} labelled triples still extracted "
          f"(of {len(labels)} labelled): {precision:.3f}")
    assert len(still) >= 0.8 * len(labels), "most labelled triples should still be extracted: relabel"
    assert precision >= 0.85
    assert all(len(x["quote_prefix"]) <= 40 for x in labels)
