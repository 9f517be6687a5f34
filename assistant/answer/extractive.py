"""Hits -> an extractive `Answer`: a lead in the question's language, then the selected sentences quoted
verbatim and grouped by source with numbered citations, each with an optional labelled gist translation.
No generative model is involved; abstains when the sources do not cover the question."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answer.evidence import LEAD_GAP, Quote, Terms, coverage, missing_years, select_quotes
from assistant.answer.facts import asked_kinds, extract
from assistant.answer.lead import lead_lines
from assistant.answer.messages import ABSTAIN, GIST, LEAD, NO_MODEL, citation_label
from assistant.answer.support import verify_quotes
from assistant.types import Answer, Citation, Hit, LegalFact

Translator = Callable[[str, str, str], str | None]  # (text, source language, target language)


def extractive_answer(
    question: str,
    language: str,
    hits: Sequence[Hit],
    terms: Terms,
    *,
    reason: str,
    max_quotes: int = 8,
    gist: Translator | None = None,
    query: str = "",
    repealed: frozenset[str] = frozenset(),
) -> Answer:
    """Quote the evidence, or abstain for `reason` (the abstention decision, '' to answer)."""
    strength = coverage(hits, terms)  # tokenises the first passages: once per answer
    quotes = [] if reason else select_quotes(hits, terms, max_quotes, asked=asked_kinds(question))
    if not quotes:
        why = reason or "no sentence matches the question"
        return Answer(question, ABSTAIN[language], language, True, "extractive", hits=tuple(hits),
                      query=query or question, notes=(why,))  # fmt: skip
    citations = _citations(quotes, language, gist)
    lead, facts = _lead(question, language, citations, hits, repealed, gist)
    lines = [*lead, "", LEAD[language], ""] if lead else [LEAD[language], ""]
    for c in citations:
        label = citation_label(c, language, c.file in repealed)
        lines.append(f"[{c.n}] {label}")
        lines.append(f"«{c.quote}»")
        if c.gist:
            lines.append(f"{GIST[language]}: {c.gist}")
        lines.append("")
    lines.append(NO_MODEL[language])
    return Answer(
        question,
        "\n".join(lines),
        language,
        False,
        "extractive",
        citations=tuple(citations),
        sentences=tuple(verify_quotes(citations, hits)),
        hits=tuple(hits),
        query=query or question,
        notes=(f"coverage {strength:.2f}",),
        facts=tuple(facts),
    )


def _lead(
    question: str,
    language: str,
    citations: Sequence[Citation],
    hits: Sequence[Hit],
    repealed: frozenset[str],
    gist: Translator | None,
) -> tuple[list[str], list[LegalFact]]:
    """The answer's opening lines: the legal facts its quotes state, in the question's language."""
    by_id = {h.chunk.chunk_id: h for h in hits}
    found = [
        (fact, c.n, c.quote)
        for c in citations
        for fact in extract(c.quote, by_id[c.chunk_id], c.file in repealed)
    ]
    to_language = (lambda text: gist(text, "es", language)) if gist and language != "es" else None
    return lead_lines(found, question, language, to_language)


def abstention_reason(
    question: str, hits: Sequence[Hit], terms: Terms, threshold: float, strength: float | None = None
) -> str:
    """Why the sources do not answer the question ('' when they may): a domain word of the question that
    no indexed document contains, too little of the question in the best passages, or a year the
    question names that none of them mentions."""
    if terms.absent:
        return f"no indexed document contains {', '.join(t + '*' for t in terms.absent)}"
    strength = coverage(hits, terms) if strength is None else strength
    if strength < threshold:
        return f"coverage {strength:.2f} below the abstention threshold {threshold:.2f}"
    years = missing_years(question, hits)
    if years:
        return f"no retrieved passage mentions {', '.join(years)}"
    return ""


def join_quotes(texts: Sequence[str]) -> str:
    """Quotes from one passage in reading order, joined by ' … '; a lead-in shared by several numbered
    items ("La trata de personas será sancionada:") is written once."""
    out: list[str] = []
    lead = ""
    for text in texts:
        head, sep, item = text.partition(f" {LEAD_GAP} ") if LEAD_GAP in text else ("", "", text)
        if not sep and text.split(":", 1)[0] + ":" == lead:
            head, item = lead, text[len(lead) :].strip()
        if head and head == lead:
            out.append(item)
        else:
            out.append(text)
            lead = head or (text.split(":", 1)[0] + ":" if ":" in text else "")
    return " … ".join(out)


def _citations(quotes: Sequence[Quote], language: str, gist: Translator | None) -> list[Citation]:
    """One citation per source chunk, numbered in order of first use; its quotes joined in reading order."""
    by_chunk: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_chunk.setdefault(quote.hit.chunk.chunk_id, []).append(quote)
    citations = []
    for n, group in enumerate(by_chunk.values(), start=1):
        chunk = group[0].hit.chunk
        text = join_quotes([q.text for q in sorted(group, key=lambda q: q.position)])
        translated = gist(text, chunk.language, language) if gist and chunk.language != language else None
        citations.append(
            Citation(
                n,
                chunk.chunk_id,
                chunk.file,
                chunk.title,
                chunk.page_start,
                chunk.page_end,
                chunk.article,
                text,
                translated or "",
                chunk.ocr,
            )
        )
    return citations
