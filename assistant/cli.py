"""The `assistant` command: the only module that prints or exits."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
        "eval",
        parents=[common],
        help="evaluate retrieval (and answers) on reference Q&A, beside the LangChain tutorial baseline",
        description="Run every question of a reference Q&A file (JSONL, format in DESIGN.md) through the "
        "product and the plain LangChain tutorial pipeline over the same PDFs; write records.jsonl, "
        "summary.json, report.md and a hit@k chart to --out. With --compare, diff two such folders.",
    )
    p.add_argument("qa", nargs="?", type=Path, metavar="QA.jsonl", help="reference questions")
    p.add_argument("--out", type=Path, help="run folder (default: eval-runs/<QA name>-<date-time>)")
    p.add_argument("--k", type=int, default=10, help="chunks retrieved per question (default 10)")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    p.add_argument("--no-baseline", action="store_true", help="skip the tutorial baseline")
    p.add_argument(
        "--baseline-corpus",
        type=Path,
        metavar="DIR",
        help="PDFs for the baseline (default: the indexed documents' source files)",
    )
    p.add_argument(
        "--gate", type=Path, metavar="FILE", help="fail (exit 1) if a metric is below this file's minimums"
    )
    p.add_argument("--compare", nargs=2, type=Path, metavar=("RUN_A", "RUN_B"), help="diff two run folders")
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


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.compare:
        return _compare(args.compare[0], args.compare[1], as_json=args.json)
    if args.qa is None:
        raise AssistantError("Give a question file (assistant eval QA.jsonl) or --compare RUN_A RUN_B.")
    from datetime import datetime

    from assistant.evaluate.compare import check_gate, load_thresholds
    from assistant.evaluate.dataset import load_questions
    from assistant.evaluate.report import write_run
    from assistant.evaluate.run import product_searcher, run_eval

    questions = load_questions(args.qa)[: args.limit or None]
    thresholds = load_thresholds(args.gate) if args.gate else {}
    index = _index(settings)
    if not index.exists():
        raise AssistantError(f"No index at {settings.index_dir}; run 'assistant ingest' on the corpus first.")
    baseline, notes = _baseline(args, index)
    meta = {
        "dataset": str(args.qa),
        "dataset_name": args.qa.name,
        "index": str(settings.index_dir),
        "collection": settings.collection_name(),
        "documents": sorted(index.manifest.documents),
        "notes": notes,
    }
    run = run_eval(
        questions, product_searcher(index), baseline=baseline, k=args.k, meta=meta, progress=not args.json
    )
    out = args.out or Path("eval-runs") / f"{args.qa.stem}-{datetime.now():%Y-%m-%d-%H%M%S}"
    paths = write_run(run, out)
    failures = check_gate(run.summary, thresholds)
    if args.json:
        print(
            json.dumps(
                {"out": str(out), "summary": run.summary, "gate": failures}, ensure_ascii=False, indent=1
            )
        )
    else:
        _print_headline(run.summary)
        print("\n".join(f"note: {n}" for n in notes))
        print(f"wrote {', '.join(str(p) for p in paths)}")
        for failure in failures:
            print(f"gate: {failure}", file=sys.stderr)
        if args.gate and not failures:
            print(f"gate: every minimum in {args.gate} holds")
    return 1 if failures else 0


def _baseline(
    args: argparse.Namespace, index: Index
) -> tuple[Callable[[str, int], list[dict[str, Any]]] | None, list[str]]:
    """The tutorial baseline's searcher over the same PDFs, or None and a note saying why not."""
    from assistant.evaluate.run import baseline_searcher, indexed_pdfs

    if args.no_baseline:
        return None, ["baseline not run (--no-baseline)"]
    notes: list[str] = []
    if args.baseline_corpus:
        pdfs = sorted(args.baseline_corpus.glob("*.pdf"))
    else:
        pdfs, missing = indexed_pdfs(index)
        if missing:
            notes.append(f"baseline built without {', '.join(missing)}: source file no longer on disk")
    if not pdfs:
        return None, [*notes, "baseline not run: none of the indexed PDFs is on disk (use --baseline-corpus)"]
    try:
        search, facts = baseline_searcher(pdfs, progress=not args.json)
    except AssistantError as exc:
        return None, [*notes, f"baseline not run: {exc}"]
    notes.append(
        f"baseline: LangChain tutorial pipeline (PyPDFLoader, RecursiveCharacterTextSplitter(1000, 200), "
        f"all-MiniLM-L6-v2, Chroma) over {facts['files']} PDFs, {facts['chunks']} chunks, "
        f"built in {facts['build_seconds']} s"
    )
    return search, notes


def _print_headline(summary: dict[str, Any]) -> None:
    systems = summary["systems"]
    print(
        f"{'':22} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'MRR@10':>7} {'nDCG@10':>7} {'art@1':>6}"
    )
    for name, result in systems.items():
        groups = {"all": result["retrieval"]["all"], **result["retrieval"]["by_lang"]}
        for group, m in groups.items():
            art = "–" if m["article_acc"] is None else f"{m['article_acc']:.0%}"
            print(
                f"{name + ' · ' + group:22} {m['n']:3} {m['hit@1']:6.0%} {m['hit@5']:6.0%} "
                f"{m['hit@10']:6.0%} {m['mrr@10']:7.3f} {m['ndcg@10']:7.3f} {art:>6}"
            )


def _compare(run_a: Path, run_b: Path, as_json: bool) -> int:
    from assistant.evaluate.compare import load_run, metric_diff, regressions

    summary_a, records_a = load_run(run_a)
    summary_b, records_b = load_run(run_b)
    diff = metric_diff(summary_a, summary_b)
    worse = regressions(records_a, records_b)
    if as_json:
        rows = [{"metric": m, "a": a, "b": b, "delta": b - a} for m, a, b in diff]
        print(
            json.dumps({"metrics": rows, "worse": [asdict(r) for r in worse]}, ensure_ascii=False, indent=1)
        )
        return 0
    print(f"{'metric (product)':52} {'A':>9} {'B':>9} {'B - A':>9}")
    for metric, a, b in diff:
        mark = "" if abs(b - a) < 1e-9 else " *"
        print(f"{metric:52} {a:9.3f} {b:9.3f} {b - a:+9.3f}{mark}")
    print(f"\n{len(worse)} question(s) worse in B ({run_b}) than in A ({run_a}):")
    for r in worse:
        print(f"  {r.id}: {r.what} — {r.question}")
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "remove": cmd_remove,
    "docs": cmd_docs,
    "search": cmd_search,
    "run": cmd_run,
    "eval": cmd_eval,
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
