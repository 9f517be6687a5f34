"""The `assistant` command: the only package that prints or exits. One module per group of verbs."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from assistant.cli.answers import add_ask_parser, cmd_ask
from assistant.cli.app import add_serve_parser, cmd_serve
from assistant.cli.corpus import cmd_docs, cmd_ingest, cmd_remove, cmd_run, cmd_search
from assistant.cli.drafts import add_draft_parser, cmd_draft
from assistant.cli.evaluation import cmd_eval
from assistant.errors import AssistantError
from assistant.settings import Settings

COMMANDS = {
    "ingest": cmd_ingest,
    "remove": cmd_remove,
    "docs": cmd_docs,
    "search": cmd_search,
    "ask": cmd_ask,
    "eval": cmd_eval,
    "run": cmd_run,
    "serve": cmd_serve,
    "draft": cmd_draft,
}


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
    add_ask_parser(sub, common)
    add_serve_parser(sub, common)
    add_draft_parser(sub, common)
    p = sub.add_parser(
        "eval",
        parents=[common],
        help="evaluate retrieval (and answers) on reference Q&A, beside the LangChain tutorial baseline",
        description="Run every question of a reference Q&A file (JSONL, format in DESIGN.md) through the "
        "product (search and ask) and the plain LangChain tutorial pipeline over the same PDFs; write "
        "records.jsonl, "
        "summary.json, report.md and a hit@k chart to --out. With --compare, diff two such folders.",
    )
    p.add_argument("qa", nargs="?", type=Path, metavar="QA.jsonl", help="reference questions")
    p.add_argument("--out", type=Path, help="run folder (default: eval-runs/<QA name>-<date-time>)")
    p.add_argument("--k", type=int, default=10, help="chunks retrieved per question (default 10)")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    p.add_argument("--no-baseline", action="store_true", help="skip the tutorial baseline")
    p.add_argument("--no-answers", action="store_true", help="evaluate retrieval only (no `ask`)")
    p.add_argument("--extractive", action="store_true", help="extractive answers even if a model is set")
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
        help="the main job: ingest the bundled corpus if the index is empty, then answer sample questions",
    )
    p.add_argument("--query", action="append", help="question to answer (repeatable)")
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


if __name__ == "__main__":
    sys.exit(main())
