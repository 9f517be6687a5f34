"""The JSON shapes other tools rely on (README, "Command line" and "The app"): hits, answers, ingest
reports and documents. The CLI's `--json`, the app's JSON API and evaluation records all use these."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from assistant.types import Answer, FileReport, Hit

if TYPE_CHECKING:
    from assistant.index.manifest import DocumentEntry


def hit_json(hit: Hit) -> dict[str, Any]:
    """`assistant search --json`: rank, score, chunk_id, file, title, page_start, page_end, article,
    heading, text, ocr (the text was read by OCR) and kind ("text" or "table")."""
    c = hit.chunk
    return {
        "rank": hit.rank,
        "score": hit.score,
        "chunk_id": c.chunk_id,
        "file": c.file,
        "title": c.title,
        "page_start": c.page_start,
        "page_end": c.page_end,
        "article": c.article,
        "heading": c.heading,
        "text": c.text,
        "ocr": c.ocr,
        "kind": c.kind,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    """`assistant ask --json`: answer, language, abstained, mode, citations, hits, and the checker's
    sentences and notes."""
    data = asdict(answer)
    data["hits"] = [hit_json(h) for h in answer.hits]
    return data


def report_json(report: FileReport) -> dict[str, Any]:
    """One file's ingest outcome, as `assistant ingest --json` prints it."""
    return asdict(report)


def document_json(entry: DocumentEntry) -> dict[str, Any]:
    """One indexed document, as `assistant docs --json` lists it (chunk ids counted, not listed)."""
    return {k: v for k, v in asdict(entry).items() if k != "chunk_ids"} | {"chunks": len(entry.chunk_ids)}


def upload_json(report: FileReport) -> dict[str, Any]:
    """One file's outcome as the JSON API's `POST /api/ingest` returns it."""
    return {"file": report.file, "status": report.status, "chunks": report.chunks, "error": report.error}


def listing_json(entry: DocumentEntry) -> dict[str, Any]:
    """One indexed document as the JSON API's `GET /api/documents` lists it."""
    return {"file": entry.file, "title": entry.title, "type": entry.doc_type, "chunks": len(entry.chunk_ids)}
