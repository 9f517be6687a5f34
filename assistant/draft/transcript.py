"""A conversation exported like a draft: each question and its answer as shown, the answer's references
resolved to document, article and page, then the sources annex over the whole conversation — Markdown,
or DOCX from that Markdown. A turn is plain data (JSON in the browser's storage), so a conversation
restored after a page reload exports the same."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assistant.answer.messages import citation_label
from assistant.draft.export import annex_markdown, markdown_to_docx
from assistant.types import Answer, Citation

TITLE = {"es": "Conversación", "fr": "Conversation", "en": "Conversation"}
REFERENCES = {"es": "Referencias", "fr": "Références", "en": "References"}


def turn(answer: Answer, shown: str) -> dict[str, Any]:
    """One turn as JSON-ready data: the question, the answer as the chat shows it, its citations."""
    return {
        "question": answer.question,
        "answer": shown,
        "citations": [dataclasses.asdict(c) for c in answer.citations],
    }


def _citations(record: Mapping[str, Any]) -> list[Citation]:
    return [Citation(**c) for c in record.get("citations", [])]


def transcript_markdown(turns: Sequence[Mapping[str, Any]], language: str) -> str:
    """The conversation as Markdown: a heading per question, the answer, its references, the annex."""
    out = [f"# {TITLE[language]} — {date.today().isoformat()}", ""]
    everything: list[Citation] = []
    for number, record in enumerate(turns, 1):
        citations = _citations(record)
        everything += citations
        question = " ".join(str(record["question"]).split())
        out += [f"## {number}. {question}", "", str(record["answer"]).strip(), ""]
        if citations:
            out += [f"**{REFERENCES[language]}**", ""]
            out += [f"- [{c.n}] {citation_label(c, language)} — {c.file}" for c in citations] + [""]
    if everything:
        out += annex_markdown(everything, language)
    return "\n".join(out) + "\n"


def transcript_file(turns: Sequence[Mapping[str, Any]], language: str, path: Path) -> Path:
    """The conversation written to `path`: Markdown for '.md', a Word document for '.docx'."""
    text = transcript_markdown(turns, language)
    if path.suffix == ".docx":
        return markdown_to_docx(text, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
