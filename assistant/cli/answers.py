"""ask: a cited answer, streamed; `--session FILE` keeps the conversation for follow-up questions."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.answer.messages import source_label
from assistant.cli.corpus import _index, hit_json
from assistant.errors import AssistantError
from assistant.retrieve import Filters
from assistant.settings import Settings
from assistant.types import Answer

DOC_TYPES = ["constitution", "law", "regulation", "plan", "report", "notes"]


def add_ask_parser(sub: Any, common: argparse.ArgumentParser) -> None:
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
    p.add_argument("--file", action="append", metavar="FILE", help="use only this document (repeatable)")
    p.add_argument("--type", action="append", dest="doc_type", choices=DOC_TYPES, metavar="TYPE",
                   help="use only this document type (repeatable)")  # fmt: skip


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `ask --json` document (DESIGN.md): answer, language, abstained, mode, citations, hits, and
    the checker's sentences and notes."""
    data = asdict(answer)
    data["hits"] = [hit_json(h) for h in answer.hits]
    return data


def _history(path: Path | None) -> list[tuple[str, str]]:
    if path is None or not path.exists():
        return []
    turns = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(t["query"], t["answer"]) for t in turns]


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.ask import ask_stream
    from assistant.answer.models import chat_model

    index = _index(settings)
    if not index.exists():
        raise AssistantError(f"No index at {settings.index_dir}; run 'assistant ingest corpus/' first.")
    chat = None if args.extractive else chat_model(settings.llm)
    filters = Filters(
        frozenset(args.file) if args.file else None, frozenset(args.doc_type) if args.doc_type else None
    )
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
        print(f"[{c.n}] {source_label(c.title, c.article, c.page_start, c.page_end, answer.language)}")
        print(f"    «{c.quote}»")
    for note in answer.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"({answer.model})")
