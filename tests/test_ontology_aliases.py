"""Label hygiene of the curated concept base, read straight from the Turtle files.

1. After normalisation (NFKC, case-folded, whitespace removed) no label may name two
   concepts, unless the text is declared as a dlkg:AmbiguousLabel with a sense for each
   of those concepts.
2. Every concept key of the gold file (../shared/gold/seeds.json) has at least one of its
   labels as a prefLabel/altLabel of exactly one concept.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONCEPTS_DIR = ROOT / "ontology" / "concepts"
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"

DLKG = "https://w3id.org/dlkg/ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CONCEPT_CLASSES = {DLKG + "Concept", DLKG + "Category"}
LABEL_PREDICATES = {SKOS + "prefLabel", SKOS + "altLabel"}


def norm(text: str) -> str:
    """NFKC, case-folded, every whitespace character removed."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _triples() -> list[ox.Triple]:
    files = sorted(CONCEPTS_DIR.glob("*.ttl"))
    assert files, f"no Turtle files in {CONCEPTS_DIR}"
    triples: list[ox.Triple] = []
    for path in files:
        # each parse gets fresh blank-node ids, so [] nodes of different files stay apart
        triples.extend(ox.parse(path=str(path)))
    return triples


def _index() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, list[str]]]:
    """(normalised label -> concept IRIs, normalised ambiguous text -> sense IRIs,
    normalised label -> the raw spellings seen)."""
    triples = _triples()
    concepts = {
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value in CONCEPT_CLASSES
    }
    labels: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, list[str]] = defaultdict(list)
    for t in triples:
        if (
            t.subject.value in concepts
            and t.predicate.value in LABEL_PREDICATES
            and isinstance(t.object, ox.Literal)
        ):
            key = norm(t.object.value)
            labels[key].add(t.subject.value)
            if t.object.value not in spellings[key]:
                spellings[key].append(t.object.value)

    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject].append(t)
    ambiguous: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == RDF_TYPE and t.object.value == DLKG + "AmbiguousLabel":
            node = by_subject[t.subject]
            texts = [x.object.value for x in node if x.predicate.value == DLKG + "labelText"]
            sense_nodes = [x.object for x in node if x.predicate.value == DLKG + "sense"]
            senses = {
                x.object.value
                for s in sense_nodes
                for x in by_subject[s]
                if x.predicate.value == DLKG + "concept"
            }
            for text in texts:
                ambiguous[norm(text)] |= senses
    return labels, ambiguous, spellings


def test_no_normalised_label_names_two_concepts() -> None:
    labels, ambiguous, spellings = _index()
    offending = []
    for key, iris in sorted(labels.items()):
        if len(iris) < 2:
            continue
        if key in ambiguous and iris <= ambiguous[key]:
            continue
        short = sorted(i.rsplit("/", 1)[-1] for i in iris)
        offending.append(f"{' / '.join(spellings[key])!r} -> {', '.join(short)}")
    for line in offending:
        print(line)
    assert not offending, (
        f"{len(offending)} label(s) name more than one concept "
        "(declare a dlkg:AmbiguousLabel or drop the alias):\n" + "\n".join(offending)
    )


def test_every_gold_concept_has_an_unambiguous_label() -> None:
    if not GOLD.exists():
        pytest.skip(f"gold file absent: {GOLD}")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["concepts"]
    labels, _, _ = _index()
    missing = []
    for key, names in sorted(gold.items()):
        hits = [n for n in names if len(labels.get(norm(n), ())) == 1]
        if not hits:
            found = {n: sorted(i.rsplit("/", 1)[-1] for i in labels.get(norm(n), ())) for n in names}
            missing.append(f"{key}: {found}")
    for line in missing:
        print(line)
    assert not missing, "gold concepts without a label naming exactly one concept:\n" + "\n".join(missing)


def test_ambiguous_texts_are_not_also_altlabels() -> None:
    """docs/ontology-authoring.md: the text of a declared ambiguity is not repeated as an
    altLabel of any concept (it would bypass the context-word disambiguation)."""
    triples = _triples()
    declared = {norm(t.object.value) for t in triples if t.predicate.value == DLKG + "labelText"}
    offending = sorted(
        f"{t.object.value!r} on {t.subject.value.rsplit('/', 1)[-1]}"
        for t in triples
        if t.predicate.value == SKOS + "altLabel"
        and isinstance(t.object, ox.Literal)
        and norm(t.object.value) in declared
    )
    for line in offending:
        print(line)
    assert not offending, "declared ambiguous texts repeated as altLabel:\n" + "\n".join(offending)
