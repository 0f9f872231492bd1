"""Documents in, RDF out: read, segment, link mentions, extract relations.

The ingest knows nothing of the store: `ingest_paths` hands each document's quads to a
`write(graph, quads)` callable (the graph room's entry point, `KnowledgeGraph.replace_source`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import relations as rel
from .mentions import Linker, default_linker
from .model import Extracted, FoundRelation, Question
from .rdf import source_iri, to_quads
from .read import MAX_BYTES, SUFFIXES, RefusedFile, read_text, too_large
from .segment import segment

__all__ = ["Extracted", "FileReport", "RefusedFile", "extract", "files_under", "ingest_paths", "source_iri",
           "to_quads"]


MAX_QUESTIONS = 10_000  # a document with more is refused (real notes: a few hundred)


def extract(file_name: str, data: bytes, linker: Linker | None = None) -> Extracted:
    """Everything one document says: questions, mentions and evidenced relations."""
    linker = linker or default_linker()
    decoded = read_text(file_name, data)
    text = decoded.text
    title = next((ln.strip(" #") for ln in text.splitlines() if ln.strip()), file_name)[:200]
    base = os.path.basename(file_name.replace("\\", "/"))  # an upload name is a label, never a path
    doc = Extracted(base, title, hashlib.sha256(data).hexdigest(), decoded.encoding)
    generic = rel.generic_concepts()
    units = segment(text, lambda t: any(m.concept not in generic for m in linker.find(t)))
    if len(units) > MAX_QUESTIONS:  # bounds the write: one update holds the whole document
        raise RefusedFile(f"too many questions ({len(units)}, limit {MAX_QUESTIONS} per document): split the file")
    for unit in units:
        relations, asked, mentioned = rel.analyse(unit.question, unit.answer, linker)
        q = Question(unit.position, unit.question, unit.answer, asked, mentioned)
        doc.questions.append(q)
        for r in sorted(relations, key=lambda r: (r.subject, r.predicate, r.object, r.quote)):  # stable IRIs
            doc.relations.append(FoundRelation(r.subject, r.predicate, r.object, r.quote[:1000], q.position,
                                               r.confidence, r.method))
    return doc


def files_under(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The files named, and the document files inside folders named, in a stable order."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            yield p


@dataclass
class FileReport:
    path: str
    questions: int = 0
    mentions: int = 0
    relations: int = 0
    error: str | None = None


Prepared = tuple[ox.NamedNode, list[ox.Quad], tuple[int, int, int]]


def prepare(path: Path) -> Prepared | str:
    """Read, extract and convert one file: (graph, quads, counts), or why it is refused."""
    try:
        if path.suffix.lower() not in SUFFIXES:
            raise RefusedFile(f"unsupported file type '{path.suffix}' (use {', '.join(SUFFIXES)})")
        try:
            if path.stat().st_size > MAX_BYTES:  # refused before it is read into memory
                raise RefusedFile(too_large(path.stat().st_size))
            data = path.read_bytes()
        except OSError as exc:
            raise RefusedFile(f"cannot read ({exc.strerror or exc})") from exc
        doc = extract(path.name, data)
        graph, quads = to_quads(doc)
        return graph, quads, (len(doc.questions), doc.mention_count, len(doc.relations))
    except RefusedFile as exc:
        return str(exc)


def _prepared(files: list[Path], workers: int) -> Iterator[Prepared | str]:
    """`prepare` over the files, in order; with `workers` > 1 in forked worker processes.

    Extraction is pure CPU work on one file at a time, so a pile of notes extracts in parallel
    while the caller writes each document, in order, as it arrives. Workers are forked (they
    inherit the linker built here, and never touch the store); where fork is unavailable, or
    there is one file, extraction stays in this process.
    """
    import multiprocessing as mp

    workers = min(workers, len(files))
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        yield from map(prepare, files)
        return
    import gc
    from concurrent.futures import ProcessPoolExecutor

    default_linker()  # built once, before the fork
    rel.generic_concepts()
    gc.freeze()  # what exists now is shared with the workers: their collector leaves it (and its pages) alone
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
            yield from pool.map(prepare, files, chunksize=1)
    finally:
        gc.unfreeze()


def ingest_paths(paths: Iterable[str | os.PathLike[str]],
                 write: Callable[[ox.NamedNode, list[ox.Quad]], None],
                 progress: Callable[[int, int, FileReport], None] | None = None,
                 workers: int = 1) -> list[FileReport]:
    """Extract each file and hand its quads to `write`, in order; a refused file does not stop the
    others. `workers` > 1 extracts files in that many forked processes (the writes stay here)."""
    files = list(files_under(paths))
    reports = []
    for i, (path, got) in enumerate(zip(files, _prepared(files, workers), strict=True)):
        report = FileReport(str(path))
        if isinstance(got, str):
            report.error = got
        else:
            graph, quads, counts = got
            try:
                write(graph, quads)
                report.questions, report.mentions, report.relations = counts
            except RefusedFile as exc:
                report.error = str(exc)
        reports.append(report)
        if progress:
            progress(i + 1, len(files), report)
    return reports
