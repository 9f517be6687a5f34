"""Chunks <-> Chroma, through the chromadb client itself: the only module that touches chromadb (the
client, the collection of chunks, filters in Chroma's syntax, and the manifest's collection on a server).

The collection is named from a hash of the chunking and embedding settings, and always receives
vectors from our own embedder (never Chroma's default embedding function, which would download)."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

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
        # The collection itself, not langchain_chroma's wrapper: importing LangChain's vector-store layer
        # cost every cold search half a second, for calls that map one to one onto these.
        self.collection: Any = found

    def put(
        self,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float] | None],
        batch: int = 64,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """Upsert chunks with their vectors, in batches. A chunk whose vector is not computed yet (None)
        is stored with a placeholder and flagged `dense: False`: it is readable and searchable by its words
        at once, dense search drops it, and a later `put` with its vector replaces the placeholder. The
        placeholder points away from the model's vectors (`CachedEmbeddings.away`, jittered by the chunk id
        so placeholders are not one point of the HNSW graph): it ranks below every real passage, so
        dense search needs no filter (Chroma 1.5 fails filtered queries after a killed write)."""
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            given = vectors[start : start + batch]
            self.collection.upsert(
                ids=[c.chunk_id for c in part],
                documents=[passage_text(c) for c in part],
                metadatas=[
                    {**chunk_metadata(c), "dense": v is not None} for c, v in zip(part, given, strict=True)
                ],
                embeddings=np.asarray(
                    [
                        v if v is not None else self._placeholder(c.chunk_id)
                        for c, v in zip(part, given, strict=True)
                    ],
                    dtype=np.float32,
                ),
            )
            if on_batch:
                on_batch(len(part))

    def _placeholder(self, chunk_id: str) -> list[float]:
        seed = int.from_bytes(hashlib.sha256(chunk_id.encode()).digest()[:8], "big")
        away = self.embedder.away
        vector = away + 0.05 * np.random.default_rng(seed).normal(size=away.shape) / np.sqrt(away.size)
        return (vector / np.linalg.norm(vector)).tolist()  # type: ignore[no-any-return]

    def waiting(self, file: str, doc_id: str) -> list[Chunk]:
        """A document's chunks stored with a placeholder instead of their vector, in document order."""
        found = self.chunks(where={"$and": [{"file": file}, {"doc_id": doc_id}, {"dense": False}]})
        return sorted(found, key=lambda c: (c.page_start, c.part, c.chunk_id))

    def delete(self, chunk_ids: list[str]) -> None:
        chunk_ids = sorted(set(chunk_ids))
        for start in range(0, len(chunk_ids), DELETE_BATCH):
            self.collection.delete(ids=chunk_ids[start : start + DELETE_BATCH])

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
            page = self.collection.get(where=where, limit=PAGE, offset=start, include=[])["ids"]
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
                found = self.collection.get(
                    ids=order[start : start + PAGE], include=["documents", "metadatas"]
                )
            else:
                found = self.collection.get(
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
                found = self.collection.get(where=where, limit=PAGE, offset=offset, include=["metadatas"])
                records.extend(dict(m) for m in found["metadatas"])
                if len(found["ids"]) < PAGE:
                    break
        return records

    def count(self) -> int:
        return len(self._ids())

    def nearest(self, vectors: list[list[float]], k: int, filters: Filters | None = None) -> list[list[str]]:
        """For each query vector, the ids of the k nearest chunks, best first (placeholders dropped): one
        request, ids and metadata only (the hits' texts are read once, after the fusion)."""
        found = self.collection.query(
            query_embeddings=np.asarray(vectors, dtype=np.float32),
            n_results=k,
            where=chroma_where(filters),
            include=["metadatas"],
        )
        return [
            [cid for cid, meta in zip(ids, metas, strict=True) if meta and meta.get("dense", True)]
            for ids, metas in zip(found["ids"], found["metadatas"], strict=True)
        ]

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Dense search: cosine similarity of the e5 query vector to the passage vectors (chunks still
        holding a placeholder are dropped)."""
        vector = self.embedder.embed_query(query)
        where = chroma_where(filters)
        found = self.collection.query(
            query_embeddings=[vector],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        rows = zip(found["documents"][0], found["metadatas"][0], found["distances"][0], strict=True)
        # Skipped: placeholders, and records Chroma still returns after a killed write deleted them (None)
        ready = [
            (doc, meta, distance) for doc, meta, distance in rows if meta and doc and meta.get("dense", True)
        ]
        return [
            Hit(rank, round(1.0 - float(distance), 4), chunk_from_record(doc, meta))
            for rank, (doc, meta, distance) in enumerate(ready, start=1)
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
