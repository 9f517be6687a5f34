"""The document manifest: which files are indexed, by which hash, with which chunk ids.

Written after the store has been updated, so a crash leaves either the old or the new state: a JSON file
replaced atomically (temp file + rename) beside an embedded store, or, in server mode, a small collection
on the Chroma server itself (one record per document, written in one request), so that every process
using the server shares it."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
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
