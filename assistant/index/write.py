"""paths -> index, words first and vectors after: `ingest_paths` parses each file (`ingest.parse`),
stores its chunks with the vectors the embedding cache already has (placeholders for the others),
commits the manifest and rebuilds BM25, so the document is searchable by its words within seconds;
`embed_waiting` then computes the missing vectors batch by batch, each batch searchable by dense search
as soon as it is stored. Also `remove_documents`. Writers hold the index's write lock (`embed_waiting`
only while it stores a batch, so an upload is never queued behind an hour of embedding).

Idempotent: an unchanged file (same bytes hash) is skipped; a changed file's new chunks are stored, then
the manifest names them, then the old ones are deleted, so a failure or a crash (SIGKILL included) at any
point leaves one whole version searchable; what a crash leaves behind is deleted by the next run, and the
vectors it did not compute are computed by the next `embed_waiting`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from assistant.errors import DocumentError, InvalidInputError
from assistant.index import Index
from assistant.index.manifest import DocumentEntry
from assistant.ingest.chunk import passage_text
from assistant.ingest.extract import file_digest, read_bytes
from assistant.ingest.parse import expand_paths, parse, timed
from assistant.settings import ChunkingSettings
from assistant.types import Chunk, FileReport, Status

log = logging.getLogger(__name__)
# The embedder's window minus this many tokens is the largest chunk: room for the special tokens a
# tokenizer adds around a passage, which the token counts do not include.
WINDOW_MARGIN = 8
VECTOR_BATCH = 32  # chunks embedded, then stored and committed, at a time (about 10 s with e5 here)


def ingest_paths(
    index: Index, paths: Iterable[Path], progress: bool = True, vectors: bool = True
) -> list[FileReport]:
    """Ingest every file; a bad file gets a failed report and the others go on. Each file is searchable
    by its words once its report is made; with `vectors`, every missing vector is computed before this
    returns (and the reports say so), else they wait for `embed_waiting`."""
    files = expand_paths(paths)
    reports = []
    with index.writer():
        if index.recover():
            log.warning("removed chunks left by an interrupted ingest")
            index.rebuild_lexical()
        for path in files:
            try:
                report = ingest_file(index, path, progress)
            except DocumentError as exc:
                log.info("failed: %s", exc)
                report = FileReport(path.name, "failed", error=str(exc))
            if report.status in ("ingested", "replaced"):
                with timed(report.seconds, "lexical"):
                    index.rebuild_lexical()  # searchable now, by its words
            reports.append(report)
    if not vectors:
        return reports
    embed_waiting(index, progress)
    return settled(index, reports)


def settled(index: Index, reports: list[FileReport]) -> list[FileReport]:
    """The reports with how many vectors each document still waits for now."""
    documents = index.manifest.documents
    return [replace(r, pending=documents[r.file].pending) if r.file in documents else r for r in reports]


def embed_waiting(index: Index, progress: bool = True, stop: threading.Event | None = None) -> int:
    """Compute the vectors the indexed documents still wait for, VECTOR_BATCH chunks at a time, each
    batch stored (and found by dense search) before the next is computed; returns how many. Holds the
    write lock only to store a batch; a document removed or replaced meanwhile is left alone. `stop`
    ends the work between two batches (the rest waits for the next call)."""
    waiting = list(index.waiting().values())
    if not waiting:
        return 0
    total = sum(e.pending for e in waiting)
    bar = tqdm(total=total, desc="vectors", unit="chunk", disable=not progress, leave=False)
    done = 0
    try:
        for entry in waiting:
            chunks = index.store.waiting(entry.file, entry.doc_id)
            if len(chunks) < entry.pending:  # a killed run stored vectors it did not count
                _store_vectors(index, entry, [], [], len(chunks))
            for start in range(0, len(chunks), VECTOR_BATCH):
                if stop is not None and stop.is_set():
                    return done
                part = chunks[start : start + VECTOR_BATCH]
                vectors = index.embedder.embed_documents([passage_text(c) for c in part])
                if not _store_vectors(index, entry, part, vectors, len(chunks) - start - len(part)):
                    break  # removed or replaced while this batch was computed
                done += len(part)
                bar.update(len(part))
    finally:
        bar.close()
    return done


def _store_vectors(
    index: Index, entry: DocumentEntry, chunks: list[Chunk], vectors: list[list[float]], pending: int
) -> bool:
    """Store a batch of a document's vectors and commit how many it still waits for, unless the document
    was removed or replaced since `entry` was read (then False)."""
    with index.writer():
        current = index.manifest.documents.get(entry.file)
        if current is None or current.doc_id != entry.doc_id:
            return False
        if chunks:
            index.store.put(chunks, vectors)
        index.commit(replace(current, pending=pending), entry.file)
        return True


def ingest_file(index: Index, path: Path, progress: bool = True) -> FileReport:
    seconds: dict[str, float] = {}
    with timed(seconds, "extract"):
        data = read_bytes(path)
    previous = index.manifest.documents.get(path.name)
    force = index.settings.ocr.mode == "force"  # --ocr force reads every page again
    if previous and not force and previous.doc_id == file_digest(data) and _complete(index, previous):
        return _report(previous, "unchanged", seconds)
    info, chunks = parse(
        path, data, _chunking(index), index.embedder.count_tokens, seconds, index.settings.ocr
    )
    pending = _store(index, chunks, seconds, progress)
    entry = DocumentEntry(
        doc_id=info.doc_id,
        file=info.file,
        title=info.title,
        doc_type=info.doc_type,
        language=info.language,
        pages=info.pages,
        articles=len({c.article for c in chunks if c.article}),
        chunk_ids=[c.chunk_id for c in chunks],
        source=str(path.resolve()),
        ocr_pages=info.ocr_pages,
        tables=sum(c.kind == "table" and c.part == 1 for c in chunks),
        warnings=list(info.warnings),
        pending=pending,
    )
    with timed(seconds, "store"):
        index.commit(entry, info.file)
        if previous:
            index.store.delete(sorted(set(previous.chunk_ids) - set(entry.chunk_ids)))
    return _report(entry, "replaced" if previous else "ingested", seconds)


def _chunking(index: Index) -> ChunkingSettings:
    """Chunking settings with the budget capped below the embedding model's window."""
    chunking = index.settings.chunking
    window = index.embedder.window(index.settings.embedding.max_tokens)
    return chunking.model_copy(update={"max_tokens": min(chunking.max_tokens, window - WINDOW_MARGIN)})


def _complete(index: Index, entry: DocumentEntry) -> bool:
    """The store holds every chunk the manifest lists for this document."""
    return index.store.ids_of(entry.file, entry.doc_id) >= set(entry.chunk_ids)


def _store(index: Index, chunks: list[Chunk], seconds: dict[str, float], progress: bool) -> int:
    """Store the chunks with the vectors the embedding cache holds, placeholders for the others (see
    `Store.put`); returns how many wait for their vector. On failure, remove what this version added:
    the manifest still names the previous chunks."""
    bar = tqdm(total=len(chunks), desc=chunks[0].file[:40], unit="chunk", disable=not progress, leave=False)
    try:
        with timed(seconds, "store"):
            cached = index.embedder.cached([passage_text(c) for c in chunks])
            index.store.put(chunks, cached, on_batch=bar.update)
    except BaseException:
        keep = index.known_ids()
        index.store.delete([c.chunk_id for c in chunks if c.chunk_id not in keep])
        raise
    finally:
        bar.close()
    return sum(vector is None for vector in cached)


def remove_documents(index: Index, files: Iterable[str]) -> list[FileReport]:
    """Remove documents by file name (as listed by `assistant docs`)."""
    reports = []
    with index.writer():
        for name in files:
            entry = index.manifest.documents.get(Path(name).name)
            if entry is None:
                known = ", ".join(sorted(index.manifest.documents)) or "none"
                raise InvalidInputError(f"{name}: not in the index (indexed: {known}); see `assistant docs`")
            index.commit(None, entry.file)  # out of the index first; a crash leaves only orphans
            index.store.delete(sorted(index.store.ids_of(entry.file) | set(entry.chunk_ids)))
            reports.append(_report(entry, "removed", {}))
        index.rebuild_lexical()
    return reports


def _report(entry: DocumentEntry, status: Status, seconds: dict[str, float]) -> FileReport:
    return FileReport(
        file=entry.file,
        status=status,
        pages=entry.pages,
        chunks=len(entry.chunk_ids),
        articles=entry.articles,
        doc_type=entry.doc_type,
        language=entry.language,
        title=entry.title,
        ocr_pages=entry.ocr_pages,
        tables=entry.tables,
        warnings=tuple(entry.warnings),
        pending=entry.pending,
        seconds=seconds,
    )
