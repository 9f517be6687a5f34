"""ingest, remove, docs, search, run: the corpus and search verbs, and how hits are printed."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.types import FileReport, Hit

if TYPE_CHECKING:
    from assistant.index import Index

SAMPLE_QUERIES = (
    "¿Qué pena tiene la trata de personas?",
    "Quelle peine pour l'activité minière illégale ?",
)


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
    from assistant.answer.ask import ask
    from assistant.answer.models import chat_model
    from assistant.cli.answers import answer_json

    chat = chat_model(settings.llm)
    for query in args.query or SAMPLE_QUERIES:
        answer = ask(index, query, chat=chat)
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False))
        else:
            print(f"\n> {query}\n{answer.answer}")
    return status


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
