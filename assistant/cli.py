"""The `assistant` command: the only module that prints or exits."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.types import FileReport, Hit

if TYPE_CHECKING:
    from assistant.index import Index

SAMPLE_QUERIES = (
    "¿Qué pena tiene la trata de personas?",
    "Quelle peine pour l'activité minière illégale ?",
)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--index", type=Path, help="index directory (default: $ASSISTANT_INDEX_DIR or index/)"
    )
    common.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    common.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Local, cited search over legislation, plans, reports and field notes "
        "(Spanish, French, English). Nothing leaves this machine.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("ingest", parents=[common], help="add or update PDFs (files or folders)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p = sub.add_parser("remove", parents=[common], help="remove documents by file name")
    p.add_argument("files", nargs="+", metavar="FILE")
    sub.add_parser("docs", parents=[common], help="list the indexed documents")
    p = sub.add_parser("search", parents=[common], help="find the passages that answer a question")
    p.add_argument("query", metavar="QUESTION")
    p.add_argument("--k", type=int, default=10, help="number of hits (default 10)")
    p.add_argument(
        "--mode",
        choices=["hybrid", "dense", "lexical"],
        default="hybrid",
        help="hybrid (default): dense + BM25 + article references, fused; or one channel alone",
    )
    p.add_argument("--file", action="append", metavar="FILE", help="search only this document (repeatable)")
    p.add_argument(
        "--type",
        action="append",
        metavar="TYPE",
        dest="doc_type",
        choices=["constitution", "law", "regulation", "plan", "report", "notes"],
        help="search only this document type (repeatable)",
    )
    p.add_argument(
        "--include-repealed",
        action="store_true",
        help="do not rank repealed law (e.g. the 1971 penal code) below current law",
    )
    p = sub.add_parser(
        "run",
        parents=[common],
        help="the main job: ingest the bundled corpus if the index is empty, then run sample searches",
    )
    p.add_argument("--query", action="append", help="question to search (repeatable)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        settings = Settings() if args.index is None else Settings(index_dir=args.index)  # type: ignore[call-arg]
    except ValidationError as exc:
        print(f"error: invalid setting: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    try:
        return int(COMMANDS[args.command](args, settings))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; what was indexed before is unchanged", file=sys.stderr)
        return 130


def _index(settings: Settings) -> Index:
    from assistant.index import Index  # imported late: `--help` stays fast

    return Index(settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.ingest.pipeline import ingest_paths

    reports = ingest_paths(_index(settings), args.paths, progress=not (args.no_progress or args.json))
    _print_reports(reports, args.json)
    return 1 if any(r.status == "failed" for r in reports) else 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.ingest.pipeline import remove_documents

    _print_reports(remove_documents(_index(settings), args.files), args.json)
    return 0


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    docs = list(_index(settings).manifest.documents.values())
    if args.json:
        print(
            json.dumps(
                [
                    {k: v for k, v in asdict(d).items() if k != "chunk_ids"} | {"chunks": len(d.chunk_ids)}
                    for d in docs
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    if not docs:
        print(f"No documents in {settings.index_dir}; run 'assistant ingest corpus/'.")
    for d in docs:
        print(
            f"{d.file:44} {d.doc_type:12} {d.language:3} {d.pages:4} p. "
            f"{len(d.chunk_ids):5} chunks  {d.title[:50]}"
        )
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    index = _index(settings)
    if not index.exists():
        raise AssistantError(f"No index at {settings.index_dir}; run 'assistant ingest corpus/' first.")
    if not args.query.strip():
        raise AssistantError("The question is empty; write what you are looking for.")
    from assistant.retrieve import Filters, search

    if args.include_repealed:
        settings.retrieval.prefer_current = False
    filters = Filters(
        frozenset(args.file) if args.file else None, frozenset(args.doc_type) if args.doc_type else None
    )
    hits = search(index, args.query, k=args.k, mode=args.mode, filters=filters)
    if args.json:
        print(
            json.dumps(
                {"query": args.query, "hits": [hit_json(h) for h in hits]}, ensure_ascii=False, indent=1
            )
        )
    else:
        _print_hits(args.query, hits)
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.ingest.pipeline import ingest_paths

    index = _index(settings)
    status = 0
    if not index.exists():
        print(f"Index {settings.index_dir} is empty: ingesting {settings.corpus_dir}/ (first run only).")
        reports = ingest_paths(index, [settings.corpus_dir], progress=not args.json)
        _print_reports(reports, args.json)
        status = 1 if any(r.status == "failed" for r in reports) else 0
    from assistant.retrieve import search

    for query in args.query or SAMPLE_QUERIES:
        hits = search(index, query, k=3)
        if args.json:
            print(json.dumps({"query": query, "hits": [hit_json(h) for h in hits]}, ensure_ascii=False))
        else:
            _print_hits(query, hits)
    return status


COMMANDS = {
    "ingest": cmd_ingest,
    "remove": cmd_remove,
    "docs": cmd_docs,
    "search": cmd_search,
    "run": cmd_run,
}


def hit_json(hit: Hit) -> dict[str, object]:
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
    }


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


def _print_reports(reports: list[FileReport], as_json: bool) -> None:
    if as_json:
        print(json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=1))
        return
    print(f"{'file':44} {'status':10} {'type':12} {'lang':4} {'pages':>5} {'chunks':>6} {'articles':>8}")
    for r in reports:
        print(
            f"{r.file[:44]:44} {r.status:10} {r.doc_type:12} {r.language:4} "
            f"{r.pages:5} {r.chunks:6} {r.articles:8}"
        )
    failed = [r for r in reports if r.status == "failed"]
    for r in failed:
        print(f"error: {r.error}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} of {len(reports)} files failed; the others were ingested.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
