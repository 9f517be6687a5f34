"""The document manifest: which files are indexed, by which hash, with which chunk ids.

Written after the store has been updated, so a crash leaves either the old or the new state: a JSON file
replaced atomically (temp file + rename) beside an embedded store, or, in server mode, a small collection
on the Chroma server itself (`store.ServerManifest`: one record per document, written in one request),
so that every process using the server shares it."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path

_REPEALED = re.compile(r"derogad|abrog|repealed", re.IGNORECASE)


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
    ocr_pages: int = 0  # pages read by OCR
    tables: int = 0  # tables kept as their own chunks
    warnings: list[str] = field(default_factory=list)  # caveats of this version's ingest
    pending: int = 0  # chunks still waiting for their vector: searchable by their words only

    @property
    def embedded(self) -> int:
        """Chunks with their vector stored (dense search finds them)."""
        return len(self.chunk_ids) - self.pending


def is_repealed(file: str, title: str, listed: Collection[str] = ()) -> bool:
    """Repealed law: listed in the settings, or its file name or title says so ('derogado', 'abrogé')."""
    return file in listed or bool(_REPEALED.search(file) or _REPEALED.search(title))


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
