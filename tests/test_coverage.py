"""Issue 3 floors: the concept base covers the questions of the seeds and the corpora."""

from __future__ import annotations

import pytest

from ingest.coverage import candidate_terms, frequent_unlinked, measure

from .conftest import CORPORA, SEEDS


def test_candidate_terms_skip_filler_and_keep_words() -> None:
    terms = candidate_terms("What is a Siamese network? 孪生网络是什么")
    assert "siamese" in terms and "孪生网络" in terms
    assert "what" not in terms and "是什" not in terms


@pytest.mark.parametrize(("folder", "floor"), [(SEEDS, 0.95), (CORPORA, 0.90)], ids=["seeds", "corpora"])
def test_questions_link_to_a_concept(folder, floor) -> None:  # type: ignore[no-untyped-def]
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    cov = measure([folder])
    assert all(f.error is None for f in cov.files), [f for f in cov.files if f.error]
    top = ", ".join(f"{t}({n})" for t, n in frequent_unlinked(cov, 20))
    print(f"\n{folder.name}: {cov.share():.1%} of {sum(f.questions for f in cov.files)} questions linked; "
          f"top unlinked: {top}")
    assert cov.share() >= floor, f"coverage {cov.share():.1%} < {floor:.0%}; unlinked terms: {top}"
