"""Chunks <-> Chroma through `langchain_chroma.Chroma`: the only module that touches chromadb (the
client, the collection of chunks, filters in Chroma's syntax, and the manifest's collection on a server).

The collection is named from a hash of the chunking and embedding settings, and always receives
vectors from our own embedder (never Chroma's default embedding function, which would download)."""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import StoreUnavailableError
from assistant.index.embed import CachedEmbeddings
from assistant.index.manifest import DocumentEntry, Manifest
from assistant.ingest.chunk import passage_text
from assistant.types import Chunk, Filters, Hit

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
PAGE = 5000  # records per Chroma request
DELETE_BATCH = 500  # ids per delete request


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """Flat metadata (Chroma accepts no None and no lists): lists become JSON strings."""
    return {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "file": chunk.file,
        "title": chunk.title,
        "doc_type": chunk.doc_type,
        "language": chunk.language,
        "page_start": chunk.page_start,
        "page_end": chunk.page_end,
        "article": chunk.article or "",
        "heading": chunk.heading,
        "reform_notes": json.dumps(chunk.reform_notes, ensure_ascii=False),
        "concordances": json.dumps(chunk.concordances, ensure_ascii=False),
        "part": chunk.part,
        "parts": chunk.parts,
        "ocr": chunk.ocr,
        "kind": chunk.kind,
    }


def chunk_from_record(document: str, meta: dict[str, Any]) -> Chunk:
    """Inverse of `chunk_metadata` + `passage_text` (the stored document starts with the header line)."""
    return Chunk(
        chunk_id=str(meta["chunk_id"]),
        doc_id=str(meta["doc_id"]),
        file=str(meta["file"]),
        title=str(meta["title"]),
        doc_type=meta["doc_type"],
        language=str(meta["language"]),
        page_start=int(meta["page_start"]),
        page_end=int(meta["page_end"]),
        article=str(meta["article"]) or None,
        heading=str(meta["heading"]),
        text=document.split("\n", 1)[1] if "\n" in document else document,
        reform_notes=tuple(json.loads(str(meta.get("reform_notes") or "[]"))),
        concordances=tuple(json.loads(str(meta.get("concordances") or "[]"))),
        part=int(meta.get("part", 1)),
        parts=int(meta.get("parts", 1)),
        ocr=bool(meta.get("ocr", False)),  # indexes written before OCR existed lack these two
        kind=meta.get("kind", "text"),
    )


def chroma_where(filters: Filters | None) -> dict[str, Any] | None:
    """Filters in Chroma's metadata syntax; None when nothing is restricted."""
    if filters is None:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.files is not None:
        clauses.append({"file": {"$in": sorted(filters.files)}})
    if filters.doc_types is not None:
        clauses.append({"doc_type": {"$in": sorted(filters.doc_types)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def chroma_client(index_dir: Path, host: str = "", port: int = 8000) -> ClientAPI:
    """The embedded store in `<index>/chroma`, or a Chroma server when `host` is set (an unreachable
    server is an error that says how to start one)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not host:
        return chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=settings)
    try:
        client = chromadb.HttpClient(host=host, port=port, settings=settings)
        client.heartbeat()
    except Exception as exc:  # chromadb raises ValueError or httpx errors depending on the failure
        raise StoreUnavailableError(
            f"no Chroma server answers at {host}:{port} ({type(exc).__name__}); start one with "
            f"'chroma run --path DIR --host {host} --port {port}', or unset ASSISTANT_CHROMA_HOST to use "
            "the embedded store"
        ) from exc
    return client


class Store:
    """A Chroma collection of chunks (embedded in `<index>/chroma`, or on a Chroma server), reached
    through LangChain."""

    def __init__(
        self,
        index_dir: Path,
        collection: str,
        embedder: CachedEmbeddings,
        ef_search: int = 1000,
        host: str = "",
        port: int = 8000,
    ) -> None:
        from langchain_chroma import Chroma

        self.embedder = embedder
        self.client = client = chroma_client(index_dir, host, port)
        hnsw = {"space": "cosine", "ef_search": ef_search}
        # embedding_function=None: Chroma's default would be recorded in the collection (and download a model)
        found = client.get_or_create_collection(
            collection,
            configuration={"hnsw": hnsw},  # type: ignore[arg-type]
            embedding_function=None,
        )
        if (found.configuration.get("hnsw") or {}).get("ef_search") != ef_search:
            found.modify(configuration={"hnsw": {"ef_search": ef_search}})
        self.vectors = Chroma(client=client, collection_name=collection, embedding_function=embedder)

    def add(
        self, chunks: list[Chunk], batch: int = 64, on_batch: Callable[[int], None] | None = None
    ) -> None:
        """Embed (through the cache) and upsert, in batches so progress can be shown."""
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            self.vectors.add_texts(
                texts=[passage_text(c) for c in part],
                metadatas=[chunk_metadata(c) for c in part],
                ids=[c.chunk_id for c in part],
            )
            if on_batch:
                on_batch(len(part))

    def delete(self, chunk_ids: list[str]) -> None:
        chunk_ids = sorted(set(chunk_ids))
        for start in range(0, len(chunk_ids), DELETE_BATCH):
            self.vectors.delete(ids=chunk_ids[start : start + DELETE_BATCH])

    def ids_of(self, file: str, doc_id: str | None = None) -> set[str]:
        """Chunk ids stored for a file (and one version of it, when `doc_id` is given)."""
        where: dict[str, Any] = {"file": file}
        if doc_id:
            where = {"$and": [where, {"doc_id": doc_id}]}
        return set(self._ids(where))

    def all_ids(self) -> list[str]:
        return self._ids()

    def _ids(self, where: dict[str, Any] | None = None) -> list[str]:
        ids: list[str] = []
        for start in itertools.count(0, PAGE):
            page = self.vectors.get(where=where, limit=PAGE, offset=start, include=[])["ids"]
            ids.extend(page)
            if len(page) < PAGE:
                return ids
        return ids

    def chunks(self, ids: list[str] | None = None, where: dict[str, Any] | None = None) -> list[Chunk]:
        """Chunks by id (in the order asked) or by metadata filter; all of them when neither is given."""
        by_id: dict[str, Chunk] = {}
        order: list[str] = list(ids) if ids is not None else []
        # Pages of PAGE records: Chroma (SQLite underneath) refuses too many variables in one query.
        for start in range(0, len(order), PAGE) if ids is not None else itertools.count(0, PAGE):
            if ids is not None:
                found = self.vectors.get(ids=order[start : start + PAGE], include=["documents", "metadatas"])
            else:
                found = self.vectors.get(
                    where=where, limit=PAGE, offset=start, include=["documents", "metadatas"]
                )
                order.extend(found["ids"])
            for cid, doc, meta in zip(found["ids"], found["documents"], found["metadatas"], strict=True):
                by_id[cid] = chunk_from_record(doc, meta)
            if ids is None and len(found["ids"]) < PAGE:
                break
        return [by_id[cid] for cid in order if cid in by_id]

    def article_chunks(self, article: str, filters: Filters | None = None) -> list[Chunk]:
        """Every stored chunk of an article ('Art. 92') in the filtered documents."""
        clause: dict[str, Any] = {"article": article}
        where = chroma_where(filters)
        return self.chunks(where={"$and": [clause, where]} if where else clause)

    def article_records(self, articles: list[str]) -> list[dict[str, Any]]:
        """Metadata of every stored chunk of these articles ('Art. 91', ...), in any document."""
        records: list[dict[str, Any]] = []
        for start in range(0, len(articles), 500):  # SQLite caps the variables of one query
            where: dict[str, Any] = {"article": {"$in": articles[start : start + 500]}}
            for offset in itertools.count(0, PAGE):
                found = self.vectors.get(where=where, limit=PAGE, offset=offset, include=["metadatas"])
                records.extend(dict(m) for m in found["metadatas"])
                if len(found["ids"]) < PAGE:
                    break
        return records

    def count(self) -> int:
        return len(self._ids())

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Dense search: cosine similarity of the e5 query vector to the passage vectors."""
        vector = self.embedder.embed_query(query)
        where = chroma_where(filters)
        found = self.vectors.similarity_search_by_vector_with_relevance_scores(vector, k=k, filter=where)
        return [
            Hit(rank, round(1.0 - float(distance), 4), chunk_from_record(doc.page_content, doc.metadata))
            for rank, (doc, distance) in enumerate(found, start=1)
        ]


class ServerManifest(Manifest):
    """The manifest as a Chroma collection next to the chunks' (records carry a one-number placeholder
    vector: Chroma stores no record without one). A version record changes with every save, so a
    process can tell cheaply that another one changed the documents."""

    VERSION = "__version__"

    def __init__(self, client: Any, name: str) -> None:
        self.path = Path(name)
        self.collection = client.get_or_create_collection(name, embedding_function=None)
        found = self.collection.get(include=["metadatas"])
        records = dict(zip(found["ids"], found["metadatas"] or [], strict=True))
        self.version = str((records.pop(self.VERSION, None) or {}).get("version", ""))
        self.documents = {
            file: DocumentEntry(**json.loads(str(meta["entry"]))) for file, meta in records.items()
        }
        self._saved = set(self.documents)

    def current_version(self) -> str:
        """The version on the server now (one small request)."""
        found = self.collection.get(ids=[self.VERSION], include=["metadatas"])
        return str(found["metadatas"][0].get("version", "")) if found["ids"] else ""

    def save(self) -> None:
        files = sorted(self.documents)
        self.version = uuid.uuid4().hex
        entries = [json.dumps(asdict(self.documents[f]), ensure_ascii=False) for f in files]
        self.collection.upsert(  # the documents and the new version in one request
            ids=[*files, self.VERSION],
            embeddings=[[1.0]] * (len(files) + 1),
            metadatas=[*({"entry": e} for e in entries), {"version": self.version}],
        )
        gone = sorted(self._saved - set(files))
        if gone:
            self.collection.delete(ids=gone)
        self._saved = set(files)
