"""Plan + index -> `Draft`: for every sub-heading, its questions go through `ask` (extractive) and the
quoted evidence becomes bullets with draft-wide citation numbers, or, with a chat model, the model writes
a checked paragraph from the same evidence (`write.py`); a sub-heading without evidence is marked as a
gap instead of being written."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from assistant.answer.ask import ask
from assistant.draft.plans import Plan, Subheading, load_plan
from assistant.draft.registry import Registry
from assistant.types import Bullet, Draft, DraftPart, DraftSection

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index

MAX_BULLETS = 4  # per sub-heading: an evidence brief, not a dump


def wanted(sub: Subheading, axis: str) -> bool:
    """Axis A (trafficking) or B (environment) keeps its own sub-headings and the shared ones."""
    return axis == "both" or sub.axis in (axis, "both")


def draft_part(index: Index, sub: Subheading, registry: Registry) -> DraftPart:
    bullets: list[Bullet] = []
    seen: set[str] = set()
    for question in sub.questions:
        answer = ask(index, question)
        for citation in [] if answer.abstained else answer.citations:
            if citation.chunk_id in seen or len(bullets) >= MAX_BULLETS:
                continue
            seen.add(citation.chunk_id)
            bullets.append(Bullet(citation.quote, (registry.number(citation),)))
    return DraftPart(sub.title, tuple(bullets), gap=not bullets)


def build_draft(
    index: Index, target: str, language: str = "es", axis: str = "both", chat: BaseChatModel | None = None
) -> Draft:
    """One section or a whole deliverable (`concept-note`, `mission-report`): an evidence brief without a
    chat model, checked paragraphs with one."""
    from assistant.answer.models import model_name
    from assistant.draft.write import written_part

    plan: Plan = load_plan(index.settings.prompts_dir, language)
    registry = Registry()
    sections, notes = [], []
    for section_id in plan.section_ids(target):
        section = plan.sections[section_id]
        parts = []
        for sub in (s for s in section.subheadings if wanted(s, axis)):
            if chat is None:
                parts.append(draft_part(index, sub, registry))
                continue
            part, checks = written_part(index, section.title, sub, registry, chat, language, plan.gap)
            parts.append(part)
            notes += checks
        sections.append(DraftSection(section.title, tuple(parts)))
    title = plan.deliverables[target].title if target in plan.deliverables else plan.sections[target].title
    ordered = tuple(sorted(registry.citations.values(), key=lambda c: c.n))
    return Draft(
        f"{title} — {date.today().isoformat()}", language, "extractive" if chat is None else "llm",
        tuple(sections), ordered, plan.gap, index.repealed_files() & {c.file for c in ordered},
        model_name(chat) if chat else "", tuple(notes),
    )  # fmt: skip
