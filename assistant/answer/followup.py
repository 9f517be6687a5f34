"""A follow-up question + the conversation -> a standalone question to search with.

With a chat model, the model rewrites it (prompts/<lang>/condense.txt). Without one, a question that
reads as a follow-up ("¿y si la víctima es menor de edad?", "et pour les mineurs ?", "what about
minors?") carries the previous standalone question, whose offence, article and document it refers to."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from assistant.answer.evidence import QUESTION_WORDS
from assistant.answer.prompts import condense_messages
from assistant.language import tokenize

Turn = tuple[str, str]  # (standalone question, answer text)
_OPENERS = re.compile(
    r"^\s*[¿¡]?\s*(?:y|e|o|et|ou|and|or|but|pero|mais|también|aussi|also|entonces|alors|so)\b"
    r"|^\s*[¿¡]?\s*(?:what|how) about\b|^\s*[¿¡]?\s*(?:qu'en est-il|y qué pasa|y en el caso)",
    re.IGNORECASE,
)
_REFERRING = re.compile(
    r"\b(?:eso|esto|esa|ese|ello|dicho|dicha|mismo|misma|ce|cela|ça|celle|celui|même|it|that|this|"
    r"those|these|they|them|same)\b",
    re.IGNORECASE,
)
SHORT = 3  # a question with at most this many content words is read as a follow-up


def is_follow_up(question: str) -> bool:
    content = [t for t in tokenize(question) if t not in QUESTION_WORDS]
    return bool(_OPENERS.search(question) or _REFERRING.search(question) or len(content) <= SHORT)


def carry_context(question: str, history: Sequence[Turn]) -> str:
    """The question, preceded by the previous standalone question when it reads as a follow-up."""
    if not history or not is_follow_up(question):
        return question
    return f"{history[-1][0]} {question}"


def condense(
    chat: BaseChatModel, prompts: Path, language: str, question: str, history: Sequence[Turn]
) -> str:
    """The chat model's standalone version; the carried context if it returns nothing usable."""
    if not history:
        return question
    from assistant.answer.models import model_errors

    with model_errors(chat):
        reply = chat.invoke(condense_messages(prompts, language, question, history))
    text = " ".join(str(reply.content).split())
    return text if 3 <= len(text) <= 1000 else carry_context(question, history)
