"""The index directory: Chroma store, embedding cache and manifest, opened together from settings."""

from __future__ import annotations

from functools import cached_property

from assistant.embed import CachedEmbeddings, make_embedder
from assistant.ingest.chunk import passage_text
from assistant.lexical import LexicalIndex, fingerprint
from assistant.manifest import Manifest
from assistant.settings import Settings
from assistant.store import Store


class Index:
    """Everything under `settings.index_dir`; parts are opened on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.collection = settings.collection_name()
        self.root = settings.index_dir
        self._lexical: LexicalIndex | None = None

    @cached_property
    def embedder(self) -> CachedEmbeddings:
        return make_embedder(self.settings.embedding, self.root / "cache")

    @cached_property
    def store(self) -> Store:
        return Store(self.root, self.collection, self.embedder, self.settings.retrieval.ef_search)

    @cached_property
    def manifest(self) -> Manifest:
        return Manifest(self.root / "manifests" / f"{self.collection}.json")

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index, rebuilt from the store when it no longer matches the manifest.

        Checked once per Index: the manifest only changes through this Index's own ingest and remove,
        which rebuild it (hashing 100,000 chunk ids on every search cost ~50 ms)."""
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

    def known_ids(self) -> set[str]:
        return {cid for doc in self.manifest.documents.values() for cid in doc.chunk_ids}
