"""The index directory: Chroma store, embedding cache, manifest and BM25 index, opened together from
settings. `Index` is the front door: search, answers, drafts and the app reach the stored chunks through
it, and `index.write` (ingest, remove) changes them under its write lock.

    embed.py (text -> vectors, cached) · store.py (Chroma) · manifest.py (which documents) ·
    lexical.py (BM25) · write.py (ingest_paths, remove_documents)

The manifest is the truth: a chunk is part of the index when the manifest lists it. Writers (ingest,
remove) take `writing`, store chunks first and commit the manifest after, so a crash leaves at worst
chunks no manifest lists ("orphans"): searches never return them, and the next writer deletes them."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TextIO

from assistant.errors import IndexMissingError, WriterBusyError
from assistant.index.embed import CachedEmbeddings, make_embedder
from assistant.index.lexical import LexicalIndex, fingerprint
from assistant.index.manifest import DocumentEntry, Manifest, is_repealed
from assistant.index.store import ServerManifest, Store
from assistant.ingest.chunk import passage_text
from assistant.settings import Settings

REFRESH_SECONDS = 1.0  # server mode: how often a search may ask whether the shared manifest changed


class Index:
    """Everything under `settings.index_dir`; parts are opened on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.collection = settings.collection_name()
        self.root = settings.index_dir
        self._lexical: LexicalIndex | None = None
        self._known: frozenset[str] | None = None
        self.writing = threading.RLock()  # one writer at a time in this process (app uploads, CLI)
        self._checked = 0.0  # when the shared manifest's version was last compared (server mode)
        self._lock_file: TextIO | None = None

    @cached_property
    def embedder(self) -> CachedEmbeddings:
        return make_embedder(self.settings.embedding, self.root / "cache")

    @cached_property
    def store(self) -> Store:
        s = self.settings
        ef_search = s.retrieval.ef_search
        return Store(self.root, self.collection, self.embedder, ef_search, s.chroma_host, s.chroma_port)

    @cached_property
    def manifest(self) -> Manifest:
        if self.settings.chroma_host:  # shared by every process that uses the server
            return ServerManifest(self.store.client, f"manifest-{self.collection}")
        return Manifest(self.root / "manifests" / f"{self.collection}.json")

    @contextmanager
    def writer(self) -> Iterator[None]:
        """One writer at a time: threads of this process wait for each other, and another process
        writing the same index is an error that says so (two processes writing one embedded Chroma store
        could corrupt it). The lock is `<index>/.write.lock`, released by the system if a writer dies."""
        with self.writing:
            if self._lock_file is not None:  # this thread already holds it
                yield
                return
            self.root.mkdir(parents=True, exist_ok=True)
            handle = (self.root / ".write.lock").open("a+", encoding="utf-8")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                owner = handle.read().strip() or "another process"
                handle.close()
                raise WriterBusyError(
                    f"{owner} is writing to the index at {self.root}; wait until it finishes, then run "
                    "this again"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
            self._lock_file = handle
            try:
                yield
            finally:
                self._lock_file = None
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()

    def refresh(self) -> None:
        """Server mode: when another process changed the shared manifest, read it again (and let BM25
        rebuild to match). Checked at most every REFRESH_SECONDS; nothing to do for an embedded store,
        which one process writes."""
        manifest = self.__dict__.get("manifest")
        now = time.monotonic()
        if not isinstance(manifest, ServerManifest) or now - self._checked < REFRESH_SECONDS:
            return
        self._checked = now
        if manifest.current_version() != manifest.version:
            with self.writing:
                self.__dict__.pop("manifest", None)
                self._known = None
                self._lexical = None

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index, rebuilt from the store when it no longer matches the manifest.

        Checked once per Index: the manifest only changes through this Index's own ingest and remove,
        which rebuild it, or, with a Chroma server, through another process, which `refresh` notices
        (hashing 100,000 chunk ids on every search cost ~50 ms)."""
        if self._lexical is None:
            with self.writing:  # not while this process's writer rebuilds it (both would save it)
                if self._lexical is None:
                    wanted = fingerprint(self.known_ids())
                    folder = self.root / "lexical" / self.collection
                    loaded = LexicalIndex.load(folder)
                    if loaded is None or loaded.fingerprint != wanted:
                        loaded = self.rebuild_lexical()
                    self._lexical = loaded
        return self._lexical

    def rebuild_lexical(self) -> LexicalIndex:
        """Re-index every stored chunk with BM25 (a fraction of a second for the COIP) and save it."""
        known = self.known_ids()
        rows = [
            (c.chunk_id, passage_text(c), c.file, c.doc_type)
            for c in self.store.chunks()
            if c.chunk_id in known
        ]
        lexical = LexicalIndex.build(rows)
        lexical.save(self.root / "lexical" / self.collection)
        self._lexical = lexical
        return lexical

    def exists(self) -> bool:
        return bool(self.manifest.documents)

    def require(self) -> Index:
        """This index, or IndexMissingError when no document is indexed yet."""
        if not self.exists():
            raise IndexMissingError(self.root)
        return self

    def repealed_files(self) -> frozenset[str]:
        """Indexed documents that are repealed law (by title or file name, or listed in the settings)."""
        listed = set(self.settings.retrieval.repealed_files)
        documents = self.manifest.documents.values()
        return frozenset(d.file for d in documents if is_repealed(d.file, d.title, listed))

    def repealed_chunk_ids(self) -> set[str]:
        repealed = self.repealed_files()
        return {cid for d in self.manifest.documents.values() if d.file in repealed for cid in d.chunk_ids}

    def waiting(self) -> dict[str, DocumentEntry]:
        """Documents some of whose chunks wait for their vector, by file: dense search skips those
        chunks; the lexical channels and named articles find them."""
        return {d.file: d for d in self.manifest.documents.values() if d.pending}

    def report_chunk_ids(self) -> set[str]:
        """Chunks of the documents of type 'report' (NGO and research reports, field notes)."""
        reports = {d.file for d in self.manifest.documents.values() if d.doc_type == "report"}
        return {cid for d in self.manifest.documents.values() if d.file in reports for cid in d.chunk_ids}

    def known_ids(self) -> frozenset[str]:
        """Chunk ids the manifest lists: the chunks searches may return."""
        known = self._known
        if known is None:
            documents = list(self.manifest.documents.values())
            known = frozenset(cid for doc in documents for cid in doc.chunk_ids)
            self._known = known
        return known

    def commit(self, entry: DocumentEntry | None, file: str) -> None:
        """Record a document's new version (or its removal, with None) and save the manifest atomically.
        The dict is replaced, not changed in place, so readers iterating it in other threads are safe."""
        documents = dict(self.manifest.documents)
        if entry is None:
            documents.pop(file, None)
        else:
            documents[file] = entry
        self.manifest.documents = documents
        self.manifest.save()
        self._known = None

    def recover(self) -> int:
        """Delete stored chunks no manifest entry lists (left by a crash mid-ingest); how many."""
        with self.writer():
            orphans = set(self.store.all_ids()) - self.known_ids()
            self.store.delete(sorted(orphans))
            return len(orphans)
