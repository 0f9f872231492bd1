"""Ingest uploaded files from their bytes: the upload name is only a label, never a path."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ingest
from graph import KnowledgeGraph
from ingest.read import MAX_BYTES, SUFFIXES

from .workflows import recluster

UPLOAD_LIMIT = min(MAX_BYTES, 10 * 1024 * 1024)
UPLOAD_TYPES = [s.lstrip(".") for s in SUFFIXES]


@dataclass
class UploadReport:
    name: str
    questions: int = 0
    mentions: int = 0
    relations: int = 0
    error: str | None = None


def safe_name(name: str) -> str:
    """A display/file name for an upload: base name only, control characters dropped, bounded."""
    base = os.path.basename(name.replace("\\", "/")) or "upload.txt"
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "upload.txt"
    return base[:120]


def ingest_uploads(kg: KnowledgeGraph, files: Iterable[tuple[str, bytes]],
                   progress: Callable[[int, int, UploadReport], None] | None = None) -> list[UploadReport]:
    """Extract each (name, data) upload and replace its source graph; refused files are reported.

    Like `workflows.ingest_files` (which takes paths), duplicate questions are re-clustered over
    every source once something was ingested.
    """
    items = list(files)
    reports: list[UploadReport] = []
    for i, (raw_name, data) in enumerate(items):
        name = safe_name(raw_name)
        report = UploadReport(name)
        try:
            if not name.lower().endswith(SUFFIXES):
                raise ingest.RefusedFile(f"unsupported file type (use {', '.join(SUFFIXES)})")
            if len(data) > UPLOAD_LIMIT:
                raise ingest.RefusedFile(f"file too large ({len(data) // 1024} KB > {UPLOAD_LIMIT // 1024} KB)")
            doc = ingest.extract(name, data)
            graph, quads = ingest.to_quads(doc)
            kg.replace_source(graph, quads)
            report.questions, report.mentions, report.relations = (
                len(doc.questions), doc.mention_count, len(doc.relations))
        except ingest.RefusedFile as exc:
            report.error = str(exc)
        reports.append(report)
        if progress:
            progress(i + 1, len(items), report)
    if any(r.error is None for r in reports):
        recluster(kg)
    return reports
