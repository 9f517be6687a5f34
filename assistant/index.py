"""The index directory: Chroma store, embedding cache and manifest, opened together from settings."""

from __future__ import annotations

from functools import cached_property

from assistant.embed import CachedEmbeddings, make_embedder
from assistant.manifest import Manifest
from assistant.settings import Settings
from assistant.store import Store


class Index:
    """Everything under `settings.index_dir`; parts are opened on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.collection = settings.collection_name()
        self.root = settings.index_dir

    @cached_property
    def embedder(self) -> CachedEmbeddings:
        return make_embedder(self.settings.embedding, self.root / "cache")

    @cached_property
    def store(self) -> Store:
        return Store(self.root, self.collection, self.embedder)

    @cached_property
    def manifest(self) -> Manifest:
        return Manifest(self.root / "manifests" / f"{self.collection}.json")

    def exists(self) -> bool:
        return bool(self.manifest.documents)

    def known_ids(self) -> set[str]:
        return {cid for doc in self.manifest.documents.values() for cid in doc.chunk_ids}
