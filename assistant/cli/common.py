"""What every command group shares: opening the index lazily, and printing ingest reports."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from assistant.contract import report_json
from assistant.types import FileReport

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.settings import Settings


def open_index(settings: Settings) -> Index:
    from assistant.index import Index  # imported late: `--help` stays fast

    return Index(settings)


def print_reports(reports: list[FileReport], as_json: bool) -> None:
    """The per-file table (and one error line per failed file on stderr), or the JSON list."""
    if as_json:
        print(json.dumps([report_json(r) for r in reports], ensure_ascii=False, indent=1))
        return
    print(
        f"{'file':44} {'status':10} {'type':12} {'lang':4} {'pages':>5} {'chunks':>6} {'articles':>8} "
        f"{'ocr':>4} {'tables':>6}"
    )
    for r in reports:
        print(
            f"{r.file[:44]:44} {r.status:10} {r.doc_type:12} {r.language:4} "
            f"{r.pages:5} {r.chunks:6} {r.articles:8} {r.ocr_pages:4} {r.tables:6}"
        )
    for r in reports:
        for warning in r.warnings:
            print(f"warning: {r.file}: {warning}", file=sys.stderr)
    failed = [r for r in reports if r.status == "failed"]
    for r in failed:
        print(f"error: {r.error}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} of {len(reports)} files failed; the others were ingested.", file=sys.stderr)
