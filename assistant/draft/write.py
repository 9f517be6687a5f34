"""LLM mode of a draft: for each sub-heading, the passages its questions retrieve (only questions the
sources cover, by the same abstention rules as answers) go to the chat model, which writes one paragraph;
the paragraph is checked like an answer (citations to sources not given removed, each sentence scored
against its cited passages, unsupported ones flagged) and its citations become draft-wide numbers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.answer.ask import abstention, cited_source, prepare, similarity_for, spanish_of
from assistant.answer.budget import fit_prompt
from assistant.answer.models import model_errors
from assistant.answer.prompts import draft_messages
from assistant.answer.support import check_answer
from assistant.answer.text import strip_citations
from assistant.draft.registry import Registry
from assistant.draft.subject import head_of
from assistant.types import Bullet, DraftPart, Hit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.draft.plans import Subheading
    from assistant.draft.subject import SubjectTest
    from assistant.index import Index

PER_QUESTION = 3  # passages each covered question brings
MAX_SOURCES = 8  # passages given to the model for one sub-heading


def evidence(index: Index, sub: Subheading, test: SubjectTest | None = None) -> list[Hit]:
    """The best passages of the sub-heading's questions the indexed sources cover, without repeats or
    passages off its subject (`test.about`)."""
    found: dict[str, Hit] = {}
    for question in sub.questions:
        prepared = prepare(index, question, (), None, None)
        if abstention(index, prepared):
            continue
        for hit in prepared.hits[:PER_QUESTION]:
            if test is None or test.about(sub.id, head_of(index, hit.chunk.chunk_id, hit)):
                found.setdefault(hit.chunk.chunk_id, hit)
    return list(found.values())[:MAX_SOURCES]


def written_part(
    index: Index,
    section: str,
    sub: Subheading,
    registry: Registry,
    chat: BaseChatModel,
    language: str,
    gap: str,
    test: SubjectTest | None = None,
) -> tuple[DraftPart, list[str]]:
    """One sub-heading written by the model and checked, or a gap (no model call when nothing is covered);
    also the checker's notes."""
    hits = evidence(index, sub, test)
    if not hits:
        return DraftPart(sub.title, (), gap=True), []
    folder, llm = index.settings.prompts_dir, index.settings.llm
    fitted = fit_prompt(
        lambda kept: draft_messages(folder, language, section, sub.title, sub.questions, kept, gap),
        hits, llm.context_tokens, llm.max_tokens,
    )  # fmt: skip
    hits = fitted.hits  # the sources the model was given: its [n] number these
    with model_errors(chat):
        text = str(chat.invoke(fitted.messages).content)
    checked = check_answer(text, hits, spanish_of(language), similarity_for(index))
    notes = [f"{sub.title}: {note}" for note in fitted.notes]
    notes += [f"{sub.title}: removed citation [{n}], no such source was given" for n in checked.removed]
    if not checked.cited or gap.strip("[]") in text:
        return DraftPart(sub.title, (), gap=True), notes
    numbers = {n: registry.number(cited_source(n, hits[n - 1], checked)) for n in checked.cited}
    bullets = tuple(
        Bullet(_clean(s.text), tuple(numbers[n] for n in s.citations), s.supported) for s in checked.sentences
    )
    unsupported = sum(not b.supported for b in bullets)
    if unsupported:
        notes.append(f"{sub.title}: {unsupported} sentence(s) not supported by their cited source")
    return DraftPart(sub.title, bullets, gap=False), notes


def _clean(sentence: str) -> str:
    """The sentence without its [n] markers (the draft numbers them again), punctuation closed up."""
    return re.sub(r"\s+([.,;:!?])", r"\1", strip_citations(sentence))
