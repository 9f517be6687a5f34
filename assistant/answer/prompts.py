"""Prompt files (prompts/<lang>/<task>.txt: system, '---', user) -> LangChain messages; sources are
quoted data in the user message, with '<' and '>' escaped so a document cannot close its own tag."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.answer.messages import ABSTAIN
from assistant.errors import SettingsError
from assistant.types import Hit

TAG = {"es": "fuente", "fr": "source", "en": "source"}
SOURCE_ATTRS = {
    "es": ("documento", "articulo", "paginas"),
    "fr": ("document", "article", "pages"),
    "en": ("document", "article", "pages"),
}


@lru_cache(maxsize=32)
def load_prompt(folder: Path, language: str, task: str) -> tuple[str, str]:
    """(system template, user template) of prompts/<language>/<task>.txt."""
    path = folder / language / f"{task}.txt"
    if not path.is_file():
        raise SettingsError(
            f"{path}: prompt file missing; restore it from the repository or set ASSISTANT_PROMPTS_DIR."
        )
    system, sep, user = path.read_text(encoding="utf-8").partition("\n---\n")
    if not sep:
        raise SettingsError(f"{path}: no '---' line between the system and the user message.")
    return system.strip(), user.strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def format_sources(hits: Sequence[Hit], language: str) -> str:
    """Numbered source blocks: <fuente n="1" documento=".." articulo=".." paginas="..">text</fuente>."""
    tag = TAG[language]
    doc, art, pages = SOURCE_ATTRS[language]
    blocks = []
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        span = str(c.page_start) if c.page_start == c.page_end else f"{c.page_start}-{c.page_end}"
        attrs = f'n="{n}" {doc}="{_escape(c.title)}" {art}="{_escape(c.article or "")}" {pages}="{span}"'
        blocks.append(f"<{tag} {attrs}>\n{_escape(c.text)}\n</{tag}>")
    return "\n\n".join(blocks)


def answer_messages(folder: Path, language: str, question: str, hits: Sequence[Hit]) -> list[BaseMessage]:
    system, user = load_prompt(folder, language, "answer")
    return [
        SystemMessage(system.replace("{abstain}", ABSTAIN[language])),
        HumanMessage(
            user.replace("{sources}", format_sources(hits, language)).replace("{question}", question)
        ),
    ]


def condense_messages(
    folder: Path, language: str, question: str, history: Sequence[tuple[str, str]]
) -> list[BaseMessage]:
    """history: (question, answer) turns, oldest first; answers cut short (their citations add nothing)."""
    system, user = load_prompt(folder, language, "condense")
    lines = [f"- {q}\n  → {a[:300]}" for q, a in history[-4:]]
    text = user.replace("{history}", "\n".join(lines)).replace("{question}", question)
    return [SystemMessage(system), HumanMessage(text)]


def translate_messages(folder: Path, language: str, question: str) -> list[BaseMessage]:
    system, user = load_prompt(folder, language, "translate")
    return [SystemMessage(system), HumanMessage(user.replace("{question}", question))]


def draft_messages(
    folder: Path, language: str, section: str, heading: str, questions: Sequence[str], hits: Sequence[Hit],
    gap: str,
) -> list[BaseMessage]:  # fmt: skip
    """The paragraph of one sub-heading of a draft, written from numbered sources."""
    system, user = load_prompt(folder, language, "draft")
    text = (
        user.replace("{sources}", format_sources(hits, language))
        .replace("{heading}", heading)
        .replace("{questions}", "\n".join(f"- {q}" for q in questions))
    )
    return [SystemMessage(system.replace("{section}", section).replace("{gap}", gap)), HumanMessage(text)]
