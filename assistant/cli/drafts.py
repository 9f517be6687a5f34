"""draft: a concept-note or mission-report section as an evidence brief, to Markdown or DOCX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.cli.common import open_index
from assistant.errors import AssistantError, InvalidInputError
from assistant.language import LANGUAGES

if TYPE_CHECKING:
    from assistant.settings import Settings

MAX_REPORT_PAGES = 5


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "draft",
        parents=[common],
        help="draft a concept-note or mission-report section with citations (Markdown or DOCX)",
    )
    # The section list is read from the plan only when this help is shown: `assistant --help` stays fast.
    p.format_help = lambda: _with_description(p)
    p.add_argument("section", metavar="SECTION")
    p.add_argument("--lang", choices=LANGUAGES, default="es", help="language of the draft (default es)")
    p.add_argument(
        "--axis",
        choices=["A", "B", "both"],
        default="both",
        help="A: trafficking; B: restoration and socio-environmental risk (default both)",
    )
    p.add_argument("--extractive", action="store_true", help="quote the evidence; never use a chat model")
    p.add_argument(
        "--out", type=Path, metavar="FILE", help="write FILE.docx or FILE.md (default: Markdown on stdout)"
    )
    p.add_argument(
        "--max-pages",
        type=float,
        metavar="N",
        help="leave out the lowest-ranked quotes until the draft fits N pages (a mission report: 5)",
    )
    p.set_defaults(run=cmd_draft)


def _with_description(parser: argparse.ArgumentParser) -> str:
    parser.description = (
        f"SECTION: {_targets()}. Each sub-heading of the plan in prompts/sections/<lang>.json is filled with "
        "quoted evidence (no chat model) or a paragraph the chat model writes from the same evidence, every "
        "citation checked; a sub-heading without evidence is marked as such."
    )
    return argparse.ArgumentParser.format_help(parser)


def _targets() -> str:
    """The section and deliverable ids of the default English plan, for --help."""
    from assistant.draft.plans import load_plan

    try:
        from assistant.settings import Settings

        plan = load_plan(Settings.model_fields["prompts_dir"].default, "en")
    except AssistantError as exc:
        return f"a section or deliverable id of prompts/sections/<lang>.json ({exc})"
    return ", ".join(
        f"{t} ({' + '.join(plan.deliverables[t].sections)})" if t in plan.deliverables else t
        for t in plan.targets()
    )


def cmd_draft(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.models import chat_model
    from assistant.draft.compose import build_draft
    from assistant.draft.export import estimate_pages, to_docx, to_markdown
    from assistant.draft.trim import trim

    index = open_index(settings).require()
    if args.out and args.out.suffix.lower() not in (".md", ".docx"):
        raise InvalidInputError(f"{args.out}: the draft is written as .md or .docx; change the extension.")
    chat = None if args.extractive else chat_model(settings.llm)
    draft = build_draft(index, args.section, args.lang, args.axis, chat)
    for note in draft.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.max_pages is not None:
        if args.max_pages <= 0:
            raise InvalidInputError(f"--max-pages {args.max_pages:g}: give a number of pages above 0.")
        draft, dropped = trim(draft, args.max_pages)
        if dropped:
            print(
                f"note: left out {dropped} lowest-ranked quote(s) to fit {args.max_pages:g} page(s)",
                file=sys.stderr,
            )
    pages = estimate_pages(draft)
    limit = args.max_pages or (MAX_REPORT_PAGES if args.section == "mission-report" else None)
    if limit is not None and pages > limit:
        if args.max_pages:
            print(f"warning: about {pages} pages, over --max-pages {limit:g} even with one quote per "
                  "covered sub-heading; shorten it by hand before sending", file=sys.stderr)  # fmt: skip
        else:
            print(f"warning: about {pages} pages, over the {limit:g}-page limit of a mission report; "
                  f"shorten it before sending or use --max-pages {limit:g}", file=sys.stderr)  # fmt: skip
    if args.out is None:
        print(to_markdown(draft))
    elif args.out.suffix.lower() == ".docx":
        to_docx(draft, args.out)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(to_markdown(draft), encoding="utf-8")
    gaps = sum(p.gap for s in draft.sections for p in s.parts)
    parts = sum(len(s.parts) for s in draft.sections)
    where = f"wrote {args.out}: " if args.out else ""
    cited = len(draft.citations)
    print(f"{where}{parts - gaps} of {parts} sub-headings with evidence, {cited} sources cited, "
          f"about {pages} pages", file=sys.stderr)  # fmt: skip
    return 0
