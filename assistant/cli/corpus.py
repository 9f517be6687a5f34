"""ingest, remove, docs, search: the corpus and search verbs, and how hits are printed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.cli.common import open_index, print_reports
from assistant.contract import document_json, hit_json
from assistant.types import DOC_TYPES, SEARCH_MODES, FileReport, Filters, Hit

if TYPE_CHECKING:
    from assistant.settings import Settings


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("ingest", parents=[common], help="add or update PDFs (files or folders)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument(
        "--wait",
        action="store_true",
        help="report only when every vector is computed (default: report as soon as the files are "
        "searchable by their words, then compute the vectors with a progress bar; Ctrl-C then loses "
        "nothing, and the next ingest finishes them)",
    )
    p.add_argument(
        "--ocr",
        choices=("auto", "off", "force"),
        help="auto: OCR scanned pages and pages with garbled text when Tesseract is installed; off: never; "
        "force: OCR every page (default: $ASSISTANT_OCR__MODE, else auto)",
    )
    p.set_defaults(run=cmd_ingest)
    p = sub.add_parser("remove", parents=[common], help="remove documents by file name")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=cmd_remove)
    sub.add_parser("docs", parents=[common], help="list the indexed documents").set_defaults(run=cmd_docs)
    p = sub.add_parser("search", parents=[common], help="find the passages that answer a question")
    p.add_argument("query", metavar="QUESTION")
    p.add_argument("--k", type=int, default=10, help="number of hits (default 10)")
    p.add_argument(
        "--mode",
        choices=SEARCH_MODES,
        default="hybrid",
        help="hybrid (default): dense + BM25 + article references, fused; or one channel alone",
    )
    add_filter_arguments(p, "search")
    p.add_argument(
        "--include-repealed",
        action="store_true",
        help="do not rank repealed law (e.g. the 1971 penal code) below current law",
    )
    p.set_defaults(run=cmd_search)  # fmt: skip


def add_filter_arguments(p: argparse.ArgumentParser, verb: str) -> None:
    """--file and --type, as `search` and `ask` take them."""
    p.add_argument("--file", action="append", metavar="FILE", help=f"{verb} only this document (repeatable)")
    p.add_argument("--type", action="append", metavar="TYPE", dest="doc_type", choices=DOC_TYPES,
                   help=f"{verb} only this document type (repeatable): {', '.join(DOC_TYPES)}")  # fmt: skip


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.search.situations import ingest_and_warm

    if args.ocr:
        settings.ocr.mode = args.ocr
    progress = not (args.no_progress or args.json)
    index = open_index(settings)
    if args.wait:
        reports = ingest_and_warm(index, args.paths, progress=progress)
        print_reports(reports, args.json)
        return 1 if any(r.status == "failed" for r in reports) else 0
    shown: list[FileReport] = []

    def searchable(reports: list[FileReport]) -> None:
        shown.extend(reports)
        print_reports(reports, args.json)
        pending = sum(d.pending for d in index.waiting().values())
        if pending:
            print(f"Searchable now by their words; computing {pending} vectors for dense search "
                  "(each batch is searchable as it is stored). Ctrl-C stops safely: the next "
                  "'assistant ingest' finishes them.", file=sys.stderr, flush=True)  # fmt: skip

    try:
        final = ingest_and_warm(index, args.paths, progress=progress, searchable=searchable)
        if any(r.pending for r in shown) and not args.json:
            done = sum(r.pending for r in shown) - sum(r.pending for r in final)
            print(f"{done} vectors computed: dense search sees every document.", file=sys.stderr)
    except KeyboardInterrupt:
        if not shown:
            raise
        left = sum(d.pending for d in index.waiting().values())
        print(f"stopped: {left} vectors still to compute; the documents are searchable by their words, "
              "and the next 'assistant ingest' finishes them", file=sys.stderr)  # fmt: skip
    return 1 if any(r.status == "failed" for r in shown) else 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.index.write import remove_documents

    print_reports(remove_documents(open_index(settings), args.files), args.json)
    return 0


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    docs = list(open_index(settings).manifest.documents.values())
    if args.json:
        print(json.dumps([document_json(d) for d in docs], ensure_ascii=False, indent=1))
        return 0
    if not docs:
        print(f"No documents in {settings.index_dir}; run 'assistant ingest corpus/'.")
    for d in docs:
        dense = f"  dense {d.embedded}/{len(d.chunk_ids)}" if d.pending else ""
        print(
            f"{d.file:44} {d.doc_type:12} {d.language:3} {d.pages:4} p. "
            f"{len(d.chunk_ids):5} chunks  {d.title[:50]}{dense}"
        )
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.search import search, vector_notes

    index = open_index(settings).require()
    if args.include_repealed:
        settings.retrieval.prefer_current = False
    hits = search(index, args.query, k=args.k, mode=args.mode, filters=Filters.of(args.file, args.doc_type))
    notes = vector_notes(index)
    if args.json:
        found = {"query": args.query, "hits": [hit_json(h) for h in hits]}
        print(json.dumps(found | ({"notes": notes} if notes else {}), ensure_ascii=False, indent=1))
    else:
        _print_hits(args.query, hits)
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    return 0


def _pages(hit: Hit) -> str:
    c = hit.chunk
    return f"p. {c.page_start}" if c.page_start == c.page_end else f"pp. {c.page_start}-{c.page_end}"


def _print_hits(query: str, hits: list[Hit]) -> None:
    print(f"\n{query}")
    if not hits:
        print("  (no hits)")
    for hit in hits:
        c = hit.chunk
        where = " · ".join(x for x in (c.title, c.article or "", _pages(hit)) if x)
        print(f"  {hit.rank}. [{hit.score:.3f}] {where}  ({c.file})")
        if c.heading:
            print(f"     {c.heading[-100:]}")
        preview = " ".join(c.text.split())
        print(f"     {preview[:220]}{'…' if len(preview) > 220 else ''}")
