"""Deterministic fakes shipped with the package, for tests and for trying the pipeline quickly."""

from __future__ import annotations

import hashlib
import math
import re
import socket
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant.settings import EmbeddingSettings, Settings

_WORD = re.compile(r"\w+")


def hash_settings(index_dir: Path, **overrides: Any) -> Settings:
    """Settings with the deterministic hash embedder: an index that builds in seconds, no model weights."""
    embedding = EmbeddingSettings.model_validate({"backend": "hash"})
    return Settings(index_dir=index_dir, embedding=embedding, **overrides)


def hash_environment(index_dir: Path) -> dict[str, str]:
    """The same as environment variables, for a CLI call or a child process (`assistant serve`)."""
    return {"ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_EMBEDDING__BACKEND": "hash"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HashEmbeddings(Embeddings):
    """Bag of hashed, accent-folded words: same text, same vector; shared words, closer vectors.

    Not a semantic model: it exists so tests run fast and deterministically without model weights.
    """

    model_id = "hash-bow-256"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
        for word in _WORD.findall(folded):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            vector[index] += 1.0 if digest[4] % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def count_tokens(self, text: str) -> int:
        """Roughly what a multilingual subword tokenizer gives for Spanish or French."""
        return len(text) // 3 + 2


class FakeChat(BaseChatModel):
    """A deterministic chat model for tests: replays `replies` in order (the last one repeats), streams
    each reply word by word, and records every prompt it receives in `prompts`."""

    replies: list[str]
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    model: str = "fake"

    @property
    def _llm_type(self) -> str:
        return "fake"

    def _next(self, messages: list[BaseMessage]) -> str:
        self.prompts.append(list(messages))
        index = min(len(self.prompts) - 1, len(self.replies) - 1)
        return self.replies[index]

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in re.findall(r"\S+\s*", self._next(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
