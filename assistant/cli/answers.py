"""ask (a cited answer, streamed; `--session FILE` keeps the conversation for follow-up questions) and
run (the main job: ingest the bundled corpus when the index is empty, then answer sample questions)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answer.messages import citation_label
from assistant.cli.common import open_index, print_reports
from assistant.cli.corpus import add_filter_arguments
from assistant.contract import answer_json
from assistant.types import Answer, Filters

if TYPE_CHECKING:
    from assistant.settings import Settings

SAMPLE_QUERIES = (
    "¿Qué pena tiene la trata de personas?",
    "Quelle peine pour l'activité minière illégale ?",
)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "ask",
        parents=[common],
        help="answer a question with numbered citations (document, article, page), or say it is not there",
        description="Answer in the question's language (es/fr/en). Without a chat model the answer is "
        "extractive: the relevant sentences quoted with their sources. With ASSISTANT_LLM__BACKEND set "
        "(or Ollama running on 127.0.0.1), a model writes the answer and every citation is checked.",
    )
    p.add_argument("question", metavar="QUESTION")
    p.add_argument("--session", type=Path, metavar="FILE", help="conversation file: follow-ups use it")
    p.add_argument("--extractive", action="store_true", help="never use a chat model")
    add_filter_arguments(p, "use")
    p.set_defaults(run=cmd_ask)
    p = sub.add_parser(
        "run",
        parents=[common],
        help="the main job: ingest the bundled corpus if the index is empty, then answer sample questions",
    )
    p.add_argument("--query", action="append", help="question to answer (repeatable)")
    p.set_defaults(run=cmd_run)


def _history(path: Path | None) -> list[tuple[str, str]]:
    if path is None or not path.exists():
        return []
    turns = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(t["query"], t["answer"]) for t in turns]


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.ask import ask_stream
    from assistant.answer.models import chat_model

    index = open_index(settings).require()
    chat = None if args.extractive else chat_model(settings.llm)
    filters = Filters.of(args.file, args.doc_type)
    answer: Answer | None = None
    streamed = []
    for part in ask_stream(index, args.question, _history(args.session), chat, filters):
        if isinstance(part, Answer):
            answer = part
        elif not args.json:
            streamed.append(part)
            print(part, end="", flush=True)
    assert answer is not None
    if args.session:
        with args.session.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"question": answer.question, "query": answer.query,
                                     "answer": answer.answer}, ensure_ascii=False) + "\n")  # fmt: skip
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=1))
        return 0
    print()
    if answer.mode == "llm":
        _print_checked(answer, "".join(streamed))
    return 0


def _print_checked(answer: Answer, streamed: str) -> None:
    """After a model's streamed answer: the checked text when it differs, the sources and the notes."""
    if answer.answer.strip() != streamed.strip():
        print(f"\n— checked ({answer.model}):\n{answer.answer}", file=sys.stdout)
    if answer.citations:
        print()
    for c in answer.citations:
        print(f"[{c.n}] {citation_label(c, answer.language)}")
        print(f"    «{c.quote}»")
    for note in answer.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"({answer.model})")


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.ask import ask
    from assistant.answer.models import chat_model
    from assistant.search.situations import ingest_and_warm

    index = open_index(settings)
    status = 0
    if not index.exists():
        print(f"Index {settings.index_dir} is empty: ingesting {settings.corpus_dir}/ (first run only).")
        reports = ingest_and_warm(index, [settings.corpus_dir], progress=not args.json)
        print_reports(reports, args.json)
        status = 1 if any(r.status == "failed" for r in reports) else 0
    chat = chat_model(settings.llm)
    for query in args.query or SAMPLE_QUERIES:
        answer = ask(index, query, chat=chat)
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False))
        else:
            print(f"\n> {query}\n{answer.answer}")
    return status
