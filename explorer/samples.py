"""The bundled sample notes, ingested once into the default store so a fresh install has questions."""

from __future__ import annotations

from importlib import resources

import pyoxigraph as ox

import ingest
from graph import KnowledgeGraph
from graph.store import META_GRAPH, STORE_NODE

_FLAG = ox.NamedNode("https://w3id.org/dlkg/ns#samplesLoaded")


def sample_files() -> list[str]:
    root = resources.files("ingest.samples")
    return sorted(str(p) for p in root.iterdir() if p.name.endswith(".md"))


def ensure_samples(kg: KnowledgeGraph) -> bool:
    """Ingest the samples unless this store has had them once already (removal is respected)."""
    if kg.select("meta", key=_FLAG):
        return False
    ingest.ingest_paths(sample_files(), kg.replace_source)
    kg.backend.update(f"INSERT DATA {{ GRAPH {META_GRAPH} {{ {STORE_NODE} {_FLAG} true }} }}")
    return True
