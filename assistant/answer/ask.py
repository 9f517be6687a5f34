"""question (+ conversation) -> `Answer`: plan, retrieve, then quote (no model) or generate and check.

The entry points are `ask` (the whole answer) and `ask_stream` (text as it is produced, then the
`Answer`). Both abstain when the retrieved passages do not cover the question, before any model runs."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.answer.abstain import Signals, bundled_model, decide, signals
from assistant.answer.budget import fit_prompt
from assistant.answer.evidence import Described, Terms, absent_domain_terms, question_terms
from assistant.answer.extractive import abstention_reason, extractive_answer
from assistant.answer.followup import Turn, carry_context, condense
from assistant.answer.messages import ABSTAIN, UNSUPPORTED
from assistant.answer.models import model_errors
from assistant.answer.prompts import answer_messages, translate_messages
from assistant.answer.support import Checked, Similarity, ToSpanish, best_unit, check_answer
from assistant.errors import InvalidQuestionError
from assistant.language import detect_language, tokenize
from assistant.search import search, vector_notes
from assistant.search.plan import QueryPlan, plan_query
from assistant.search.situations import described
from assistant.search.translate import gist, translate
from assistant.settings import MAX_QUESTION_CHARS
from assistant.types import Answer, Citation, Filters, Hit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index

log = logging.getLogger(__name__)
# The "domain word no document contains" rule needs a collection this large: absence from a small one
# says little (the demo corpus has 74 passages; the smallest real law alone has 241).
ABSENCE_MIN_PASSAGES = 1000


def validate(question: str) -> str:
    """The question with its whitespace collapsed; InvalidQuestionError when empty or too long."""
    question = " ".join(question.split())
    if not question:
        raise InvalidQuestionError("The question is empty; write what you want to know.")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(
            f"The question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS} "
            "(ask about one point at a time)."
        )
    return question


@dataclass(frozen=True, slots=True)
class Prepared:
    """What every answer (extractive or written, and a draft's paragraphs) starts from."""

    language: str  # of the question as asked
    standalone: str  # the question searched: a follow-up rewritten with its context
    plan: QueryPlan
    terms: Terms  # the question's weighted content words, and domain words no document contains
    hits: list[Hit]  # the retrieved sources, best first
    signals: Signals  # what the abstention model weighs


def prepare(
    index: Index, question: str, history: Sequence[Turn], chat: BaseChatModel | None, filters: Filters | None
) -> Prepared:
    """Language, standalone question, plan, weighted question terms and the retrieved sources."""
    settings = index.settings
    question = validate(question)
    language = detect_language(question)
    if chat is not None:
        standalone = condense(chat, settings.prompts_dir, language, question, history)
    else:
        standalone = carry_context(question, history)
    plan = plan_query(standalone, use_translation=settings.retrieval.translate)
    if chat is not None and plan.language != "es":
        with model_errors(chat):
            reply = chat.invoke(translate_messages(settings.prompts_dir, plan.language, standalone))
        spanish = " ".join(str(reply.content).split())
        if spanish:
            plan = dataclasses.replace(plan, spanish=spanish, translated=True, unknown=())
    index.require()
    hits = search(index, standalone, k=settings.answer.sources, plan=plan, filters=filters)
    words = tokenize(" ".join((plan.question, plan.spanish, *plan.expansions)))
    terms = question_terms(plan, index.lexical.idf(words))
    big = len(index.lexical.ids) >= ABSENCE_MIN_PASSAGES
    absent = absent_domain_terms(terms, index.lexical.document_frequency) if big else []
    terms = dataclasses.replace(terms, absent=tuple(absent))
    found = signals(standalone, plan.language, hits, terms, plan.spanish, descriptions(index))
    return Prepared(language, standalone, plan, terms, hits, found)


def descriptions(index: Index) -> Described:
    """The situation lexicon's descriptions of a chunk's article (none when the lexicon is off)."""
    if not index.settings.retrieval.situations:
        return lambda chunk_id: ""
    return described(index)


def abstention(index: Index, prepared: Prepared) -> str:
    """Why the documents do not answer the prepared question ('' when they may), by the configured rule."""
    settings = index.settings.answer
    if settings.abstention == "model":
        return decide(bundled_model(), prepared.signals, settings.abstain_above)
    return abstention_reason(prepared.standalone, prepared.hits, prepared.terms, settings.abstain_below)


def ask(
    index: Index,
    question: str,
    history: Sequence[Turn] = (),
    chat: BaseChatModel | None = None,
    filters: Filters | None = None,
) -> Answer:
    """The cited answer to a question, extractive when `chat` is None."""
    answer: Answer | None = None
    for part in ask_stream(index, question, history, chat, filters):
        if isinstance(part, Answer):
            answer = part
    assert answer is not None
    return answer


def ask_stream(
    index: Index,
    question: str,
    history: Sequence[Turn] = (),
    chat: BaseChatModel | None = None,
    filters: Filters | None = None,
) -> Iterator[str | Answer]:
    """Text pieces as they are produced, then the checked `Answer` (its text may differ from the
    streamed one: invalid citations removed, unsupported sentences marked; its notes say which
    documents dense search could not see whole yet)."""
    notes = tuple(vector_notes(index))
    for part in _ask_stream(index, question, history, chat, filters):
        yield (
            dataclasses.replace(part, notes=(*part.notes, *notes))
            if notes and isinstance(part, Answer)
            else part
        )


def _ask_stream(
    index: Index,
    question: str,
    history: Sequence[Turn],
    chat: BaseChatModel | None,
    filters: Filters | None,
) -> Iterator[str | Answer]:
    prepared = prepare(index, question, history, chat, filters)
    language, standalone, terms, hits = prepared.language, prepared.standalone, prepared.terms, prepared.hits
    settings = index.settings.answer
    if chat is None:
        reason = abstention(index, prepared)
        answer = extractive_answer(
            question, language, hits, terms, reason=reason, max_quotes=settings.max_quotes,
            gist=gist if settings.gist else None, query=standalone, repealed=index.repealed_files(),
        )  # fmt: skip
        yield answer.answer
        yield answer
        return
    reason = abstention(index, prepared)
    if reason:
        yield ABSTAIN[language]
        yield _abstain(question, language, hits, standalone, chat, (reason,))
        return
    llm = index.settings.llm
    fitted = fit_prompt(
        lambda kept: answer_messages(index.settings.prompts_dir, language, question, kept),
        hits, llm.context_tokens, llm.max_tokens,
    )  # fmt: skip
    pieces: list[str] = []
    with model_errors(chat):
        for chunk in chat.stream(fitted.messages):
            text = str(chunk.content)
            pieces.append(text)
            yield text
    yield llm_answer(question, language, "".join(pieces), fitted.hits, standalone, chat, index, fitted.notes)


def _abstain(
    question: str, language: str, hits: Sequence[Hit], query: str, chat: BaseChatModel, notes: tuple[str, ...]
) -> Answer:
    from assistant.answer.models import model_name

    model = model_name(chat)
    return Answer(question, ABSTAIN[language], language, True, "llm", hits=tuple(hits), model=model,
                  query=query, notes=notes)  # fmt: skip


def llm_answer(
    question: str,
    language: str,
    text: str,
    hits: Sequence[Hit],
    query: str,
    chat: BaseChatModel,
    index: Index,
    budget: Sequence[str] = (),
) -> Answer:
    """Check a generated answer: drop citations to sources not given, score each sentence against its
    cited passages, mark unsupported ones; no valid citation (or the abstention sentence) -> abstain.
    `hits` are the sources the model was given; `budget`, the notes on those left out to fit its window."""
    from assistant.answer.models import model_name

    checked = check_answer(text, hits, spanish_of(language), similarity_for(index))
    notes = [*budget]
    notes += [f"removed citation [{n}]: no such source was given to the model" for n in checked.removed]
    if not checked.cited or ABSTAIN[language].rstrip(".") in text:
        notes.append(
            "no valid citation in the model's answer" if not checked.cited else "the model abstained"
        )
        return _abstain(question, language, hits, query, chat, tuple(notes))
    citations = [cited_source(n, hits[n - 1], checked) for n in checked.cited]
    shown = " ".join(
        s.text if s.supported else f"{s.text} {UNSUPPORTED[language]}" for s in checked.sentences
    )
    unsupported = sum(not s.supported for s in checked.sentences)
    if unsupported:
        notes.append(f"{unsupported} sentence(s) not supported by their cited source")
    return Answer(question, shown, language, False, "llm", tuple(citations), checked.sentences, tuple(hits),
                  model=model_name(chat), query=query, notes=tuple(notes))  # fmt: skip


def cited_source(n: int, hit: Hit, checked: Checked) -> Citation:
    c = hit.chunk
    citing = [s.text for s in checked.sentences if n in s.citations]
    quote = best_unit(c.text, citing)
    return Citation(n, c.chunk_id, c.file, c.title, c.page_start, c.page_end, c.article, quote, ocr=c.ocr)


def spanish_of(language: str) -> ToSpanish:
    """Apertium's Spanish version of a sentence in `language` ('' for Spanish or without the pair)."""

    def to_spanish(sentence: str) -> str:
        found = translate(sentence, language) if language != "es" else None
        return found[0] if found else ""

    return to_spanish


def similarity_for(index: Index) -> Similarity:
    """Cosine similarity of e5 vectors (query-side for the sentence, passage-side for the source); each
    passage is embedded once however many sentences cite it."""
    import numpy as np

    passages: dict[str, Any] = {}

    def similarity(sentence: str, passage: str) -> float:
        a = np.asarray(index.embedder.embed_query(sentence))
        if passage not in passages:
            passages[passage] = np.asarray(index.embedder.embed_documents([passage])[0])
        b = passages[passage]
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) or 1.0))

    return similarity
