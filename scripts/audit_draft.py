"""Audit aid (not a test): every quote of a draft, with what its passage is about and the sub-heading term
that let it stand there, as a Markdown table for a person to read and judge ("on the sub-heading's
subject?"). The judgement is the reader's; this only lays out what the subject test saw.

    python scripts/audit_draft.py concept-note --lang fr --index DIR [--out FILE.md]

Columns: quote number in the draft, sub-heading, source (document, article, page), the passage's subject
(`subject_text`: an article's rubric or first sentence and its chapter; a report passage's section
heading), the term of `prompts/sections/subjects.json` it names, and an empty "reading" column.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from assistant.answer.messages import source_label
from assistant.draft.compose import build_draft
from assistant.draft.plans import load_plan
from assistant.draft.subject import SubjectTest, head_of, subject_text
from assistant.index import Index
from assistant.settings import Settings


def _cell(text: str, width: int = 110) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target")
    parser.add_argument("--lang", default="fr")
    parser.add_argument("--index", required=True)
    parser.add_argument("--out")
    args = parser.parse_args()
    os.environ["ASSISTANT_INDEX_DIR"] = args.index
    os.environ.setdefault("ASSISTANT_LLM__BACKEND", "none")
    settings = Settings()
    index = Index(settings)
    test = SubjectTest.load(settings.prompts_dir)
    plan = load_plan(settings.prompts_dir, args.lang)
    ids = {s.title: s.id for section in plan.sections.values() for s in section.subheadings}
    draft = build_draft(index, args.target, args.lang)
    by_number = {c.n: c for c in draft.citations}
    lines = [
        "| # | sub-heading | source | what the passage is about | term | reading |",
        "|---|---|---|---|---|---|",
    ]
    count = 0
    for section in draft.sections:
        for part in section.parts:
            for bullet in (b for b in part.bullets if b.quoted):
                count += 1
                citation = by_number[bullet.citations[0]]
                hit = head_of(index, citation.chunk_id)
                where = source_label(
                    citation.title, citation.article, citation.page_start, citation.page_end, "en"
                )
                about = subject_text(hit) if hit.chunk.article else hit.chunk.heading
                term = test.term(ids[part.title], hit) or "—"
                lines.append(
                    f"| {count} | {_cell(part.title, 50)} | {_cell(where, 60)} | {_cell(about)} | {term} |  |"
                )
    text = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}: {count} quotes")
    else:
        print(text)


if __name__ == "__main__":
    main()
