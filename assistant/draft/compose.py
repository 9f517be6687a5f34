"""Plan + index -> `Draft`: for every sub-heading, its questions go through `ask` (extractive) and the
quoted evidence becomes bullets with draft-wide citation numbers, or, with a chat model, the model writes
a checked paragraph from the same evidence (`write.py`); a sub-heading without evidence is marked as a
gap instead of being written."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from assistant.answer.ask import ask
from assistant.answer.facts import asked_kinds
from assistant.answer.lead import fact_line
from assistant.answer.messages import source_label
from assistant.draft.plans import Plan, Subheading, load_plan
from assistant.draft.registry import Registry
from assistant.draft.subject import SubjectTest, head_of
from assistant.draft.tables import Gist, meetings, tables
from assistant.types import Bullet, Citation, Draft, DraftPart, DraftSection

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index

MAX_BULLETS = 4  # per sub-heading: an evidence brief, not a dump
QUOTE_UNITS = 2  # sentences or items kept of an answer's quote: the draft cites, the source has the rest
TABLES_IN = ("concept-note", "context")
MEETINGS_IN = ("mission-report", "meetings")  # targets that carry the meetings table from field notes
OVERVIEW = {
    "es": "Las fuentes indexadas tratan este punto en: ",
    "fr": "Les sources indexées traitent ce point : ",
    "en": "The indexed sources treat this point in: ",
}  # targets that carry the legal-framework and key-actors tables


def wanted(sub: Subheading, axis: str) -> bool:
    """Axis A (trafficking) or B (environment) keeps its own sub-headings and the shared ones."""
    return axis == "both" or sub.axis in (axis, "both")


def draft_part(
    index: Index, sub: Subheading, registry: Registry, language: str = "es", test: SubjectTest | None = None
) -> DraftPart:
    """A sub-heading without a model: the legal facts of the kind its questions ask for (a penalty for
    "what penalty…?") that its answers state, as sentences in the draft's language (each cited), or a
    sentence naming the sources that treat it; then up to MAX_BULLETS verbatim quotes with their gists.
    A passage off the sub-heading's subject (`test`), or already quoted under an earlier sub-heading, is
    not quoted. No evidence: a gap."""
    facts: list[Bullet] = []
    quotes: list[Bullet] = []
    seen: set[str] = set()
    gist = _gist(index, language)
    for i, question in enumerate(sub.questions):
        answer = ask(index, question)
        if answer.abstained:
            continue
        hits = {h.chunk.chunk_id: h for h in answer.hits}
        kept = []
        for citation in answer.citations:
            quote = " … ".join(citation.quote.split(" … ")[:QUOTE_UNITS])
            if citation.chunk_id in registry.quoted:
                continue  # one home per passage: quoted under the sub-heading that retrieved it first
            if test is None or test.keeps(
                sub.id, i, head_of(index, citation.chunk_id, hits.get(citation.chunk_id)), quote
            ):
                kept.append((citation, quote))
        on_subject = {c.chunk_id for c, _ in kept}
        asked = asked_kinds(question)
        for fact in (f for f in answer.facts if f.kind in asked and f.chunk_id in on_subject):
            n = registry.number(next(c for c, _ in kept if c.chunk_id == fact.chunk_id))
            line = fact_line(fact, n, language, gist)
            if all(line != f.text for f in facts):
                facts.append(Bullet(line, (n,), quoted=False))
        for citation, quote in kept:
            if citation.chunk_id in seen or len(quotes) >= MAX_BULLETS:
                continue
            seen.add(citation.chunk_id)
            translated = (gist(quote) or "") if gist and quote != citation.quote else citation.gist
            quotes.append(Bullet(quote, (registry.number(citation),), gist=translated))
    registry.quoted |= seen
    if not quotes:
        return DraftPart(sub.title, (), gap=True)
    cited = sorted((registry.citations[c] for c in seen), key=lambda c: c.n)  # in citation order, every run
    return DraftPart(sub.title, (*(facts or [overview(cited, language)]), *quotes), gap=False)


def overview(citations: Sequence[Citation], language: str) -> Bullet:
    """'Les sources indexées traitent ce point : “…”, Art. 91 [1] ; …' — the draft's own sentence."""
    places = [
        f"{source_label(c.title, c.article, c.page_start, c.page_end, language)} [{c.n}]" for c in citations
    ]
    return Bullet(OVERVIEW[language] + " ; ".join(places) + ".", tuple(c.n for c in citations), quoted=False)


def build_draft(
    index: Index, target: str, language: str = "es", axis: str = "both", chat: BaseChatModel | None = None
) -> Draft:
    """One section or a whole deliverable (`concept-note`, `mission-report`): an evidence brief without a
    chat model, checked paragraphs with one."""
    from assistant.answer.models import model_name
    from assistant.draft.write import written_part

    folder = index.settings.prompts_dir
    plan: Plan = load_plan(folder, language)
    test = SubjectTest.load(folder)
    registry = Registry()
    sections, notes = [], []
    for section_id in plan.section_ids(target):
        section = plan.sections[section_id]
        parts = []
        for sub in (s for s in section.subheadings if wanted(s, axis)):
            if chat is None:
                part = draft_part(index, sub, registry, language, test)
            else:
                part, checks = written_part(
                    index, section.title, sub, registry, chat, language, plan.gap, test
                )
                notes += checks
            note = plan.missing_note(sub) if part.gap else ""
            parts.append(dataclasses.replace(part, missing="" if note == plan.gap else note))
        sections.append(DraftSection(section.title, tuple(parts)))
    title = plan.deliverables[target].title if target in plan.deliverables else plan.sections[target].title
    found = tables(index, language, registry, _gist(index, language)) if target in TABLES_IN else ()
    if target in MEETINGS_IN:
        found = tuple(t for t in (meetings(index, language, registry),) if t is not None)
    ordered = tuple(sorted(registry.citations.values(), key=lambda c: c.n))
    return Draft(
        f"{title} — {date.today().isoformat()}", language, "extractive" if chat is None else "llm",
        tuple(sections), ordered, plan.gap, index.repealed_files() & {c.file for c in ordered},
        model_name(chat) if chat else "", tuple(notes), found,
    )  # fmt: skip


def _gist(index: Index, language: str) -> Gist | None:
    """Spanish -> the draft's language for the tables' conditions (None: Spanish, or gists off)."""
    from assistant.search.translate import gist

    if language == "es" or not index.settings.answer.gist:
        return None
    return lambda text: gist(text, "es", language)
