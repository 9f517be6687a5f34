"""The document manifest: which files are indexed, by which hash, with which chunk ids.

Written atomically (temp file + rename) after the store has been updated, so a crash leaves either the
old or the new state, never a half-written file."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path


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
