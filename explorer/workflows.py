"""Workflows shared by the command line and the app (no Streamlit here).

`ingest_files` is the one way documents enter a store: each file is extracted and written
to its own named graph (atomically, one update per document; a refused file leaves the
store as it was and does not stop the others), then duplicate questions are re-clustered
over every source in the store and the duplicates graph is replaced in one update.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import ingest
from graph import KnowledgeGraph
from ingest.duplicates import cluster

Progress = Callable[[int, int, ingest.FileReport], None]


def recluster(kg: KnowledgeGraph) -> int:
    """Cluster duplicate questions across all sources; returns the number of duplicates."""
    duplicate_of = cluster(kg.all_questions())
    kg.replace_duplicates(duplicate_of)
    return len(duplicate_of)


def ingest_files(kg: KnowledgeGraph, paths: Iterable[str | os.PathLike[str]],
                 progress: Progress | None = None, workers: int = 1) -> list[ingest.FileReport]:
    """Ingest files and folders into the store, then re-cluster duplicate questions.

    `workers` > 1 extracts files in that many forked processes (see `ingest.ingest_paths`)."""
    reports = ingest.ingest_paths(paths, kg.replace_source, progress, workers)
    if any(r.error is None for r in reports):
        recluster(kg)
    return reports
