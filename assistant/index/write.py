"""paths -> index: parse each file (`ingest.parse`), embed, store, commit the manifest; one report per
file. Also `remove_documents`. Both hold the index's write lock.

Idempotent: an unchanged file (same bytes hash) is skipped; a changed file's new chunks are stored, then
the manifest names them, then the old ones are deleted, so a failure or a crash (SIGKILL included) at any
point leaves one whole version searchable; what a crash leaves behind is deleted by the next run."""

from __future__ import annotations

import logging
from collections.abc import Iterable
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


def ingest_paths(index: Index, paths: Iterable[Path], progress: bool = True) -> list[FileReport]:
    """Ingest every file; a bad file gets a failed report and the others go on."""
    files = expand_paths(paths)
    reports = []
    with index.writer():
        if index.recover():
            log.warning("removed chunks left by an interrupted ingest")
            index.rebuild_lexical()
        for path in files:
            try:
                reports.append(ingest_file(index, path, progress))
            except DocumentError as exc:
                log.info("failed: %s", exc)
                reports.append(FileReport(path.name, "failed", error=str(exc)))
        if any(r.status in ("ingested", "replaced") for r in reports):
            index.rebuild_lexical()  # keep BM25 in step with the vectors
    return reports


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
    _store(index, chunks, seconds, progress)
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


def _store(index: Index, chunks: list[Chunk], seconds: dict[str, float], progress: bool) -> None:
    """Embed into the cache (the slow, visible step), then upsert (LangChain re-reads the cache).

    On failure, remove what this version added and the manifest still names the previous chunks."""
    embedder = index.embedder
    bar = tqdm(total=len(chunks), desc=chunks[0].file[:40], unit="chunk", disable=not progress, leave=False)
    embedder.on_batch = bar.update
    try:
        with timed(seconds, "embed"):
            embedder.embed_documents([passage_text(c) for c in chunks])
        with timed(seconds, "store"):
            index.store.add(chunks)
    except BaseException:
        keep = index.known_ids()
        index.store.delete([c.chunk_id for c in chunks if c.chunk_id not in keep])
        raise
    finally:
        embedder.on_batch = None
        bar.close()


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
        seconds=seconds,
    )
