"""The document manifest: which files are indexed, by which hash, with which chunk ids.

Written after the store has been updated, so a crash leaves either the old or the new state: a JSON file
replaced atomically (temp file + rename) beside an embedded store, or, in server mode, a small collection
on the Chroma server itself (one record per document, written in one request), so that every process
using the server shares it."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class DocumentEntry:
    doc_id: str
    file: str
    title: str
    doc_type: str
    language: str
    pages: int
    articles: int
    chunk_ids: list[str] = field(default_factory=list)
    source: str = ""  # where the file was ingested from


class Manifest:
    """Documents of one collection, keyed by file name (a file name is a document's identity)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.documents: dict[str, DocumentEntry] = {}
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            self.documents = {k: DocumentEntry(**v) for k, v in data["documents"].items()}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"documents": {k: asdict(v) for k, v in sorted(self.documents.items())}}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".manifest-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


class ServerManifest(Manifest):
    """The manifest as a Chroma collection next to the chunks' (records carry a one-number placeholder
    vector: Chroma stores no record without one)."""

    def __init__(self, client: Any, name: str) -> None:
        self.path = Path(name)
        self.collection = client.get_or_create_collection(name, embedding_function=None)
        found = self.collection.get(include=["metadatas"])
        self.documents = {
            file: DocumentEntry(**json.loads(str(meta["entry"])))
            for file, meta in zip(found["ids"], found["metadatas"] or [], strict=True)
        }
        self._saved = set(self.documents)

    def save(self) -> None:
        files = sorted(self.documents)
        if files:
            entries = [json.dumps(asdict(self.documents[f]), ensure_ascii=False) for f in files]
            self.collection.upsert(
                ids=files, embeddings=[[1.0]] * len(files), metadatas=[{"entry": e} for e in entries]
            )
        gone = sorted(self._saved - set(files))
        if gone:
            self.collection.delete(ids=gone)
        self._saved = set(files)
