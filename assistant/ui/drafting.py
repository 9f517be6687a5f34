"""The draft tab: a section of a concept note or mission report, written from the indexed sources, edited
in place — the text as Markdown, its extracted tables also cell by cell — and exported as DOCX or
Markdown under <index>/drafts/."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.draft.plans import load_plan
from assistant.errors import AssistantError
from assistant.ui.labels import Label
from assistant.ui.text import UI

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index

LANGUAGE_NAMES = {"es": "Español", "fr": "Français", "en": "English"}  # each in its own language
MAX_TABLES = 3  # legal framework, key actors, meetings: the most a deliverable carries


def section_choices(index: Index, code: str) -> list[tuple[str, str]]:
    """What the section list offers, titled in the interface language: (title, target id)."""
    plan = load_plan(index.settings.prompts_dir, code)
    titles = {
        **{k: s.title for k, s in plan.sections.items()},
        **{k: d.title for k, d in plan.deliverables.items()},
    }
    return [(titles.get(t, t), t) for t in plan.targets()]


def axis_choices(code: str) -> list[tuple[str, str]]:
    return [(UI[code]["both"], "both"), (UI[code]["axis_a"], "A"), (UI[code]["axis_b"], "B")]


def draft_tab(index: Index, chat: BaseChatModel | None, lang: gr.State) -> list[Label]:
    """The tab's components and events; its labels that follow the interface language."""
    with gr.Tab(UI["es"]["draft"], id="draft") as tab:
        with gr.Row():
            target = gr.Dropdown(
                section_choices(index, "es"),
                value="context",
                label=UI["es"]["section"],
                elem_id="draft-section",
            )
            draft_lang = gr.Radio(
                [(name, code) for code, name in LANGUAGE_NAMES.items()], value="es",
                label=UI["es"]["draft_language"], elem_id="draft-lang",
            )  # fmt: skip
            axis = gr.Radio(axis_choices("es"), value="both", label=UI["es"]["axis"], elem_id="draft-axis")
        generate = gr.Button(UI["es"]["generate"], variant="primary", elem_id="draft-generate")
        draft_text = gr.Textbox(
            lines=18, max_lines=40, label="Markdown", elem_id="draft-text", interactive=True
        )
        grids = [
            gr.Dataframe(visible=False, interactive=True, type="array", wrap=True, elem_id=f"draft-table-{i}")
            for i in range(MAX_TABLES)
        ]
        headers = gr.State([])  # each shown table's header, in order
        with gr.Row():
            export_docx = gr.Button("DOCX", elem_id="draft-docx")
            export_md = gr.Button("Markdown", elem_id="draft-md")
        draft_file = gr.File(label="↓", elem_id="draft-file", interactive=False)
    generate.click(
        lambda section, code, which: write_draft(index, chat, section, code, which),
        [target, draft_lang, axis],
        draft_text,
    ).then(table_views, draft_text, [headers, *grids])
    draft_text.input(table_views, draft_text, [headers, *grids])  # the text edited: the grids follow
    for i, grid in enumerate(grids):  # a cell edited: its table in the text follows
        edited = [draft_text, headers, grid]
        grid.input(lambda text, columns, rows, i=i: edit_table(text, i, columns, rows), edited, draft_text)
    export_docx.click(
        lambda text, code: export_draft(index, text, ".docx", code), [draft_text, lang], draft_file
    )
    export_md.click(lambda text, code: export_draft(index, text, ".md", code), [draft_text, lang], draft_file)
    return [
        Label(tab, "draft"), Label(generate, "generate", "value"),
        Label(draft_lang, "draft_language", render=lambda code: gr.update(value=code,  # drafts in the UI's
                                                                          label=UI[code]["draft_language"])),
        Label(target, "section", render=lambda code: gr.update(choices=section_choices(index, code),
                                                                label=UI[code]["section"])),
        Label(axis, "axis", render=lambda code: gr.update(choices=axis_choices(code),
                                                          label=UI[code]["axis"])),
    ]  # fmt: skip


def write_draft(index: Index, chat: BaseChatModel | None, section: str, code: str, which: str) -> str:
    """The section as Markdown, in language `code`, for axis `which` ("both", "A" or "B")."""
    from assistant.draft.compose import build_draft
    from assistant.draft.export import to_markdown

    try:
        return to_markdown(build_draft(index, section, code, which, chat))
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc


def table_views(text: str) -> list[Any]:
    """The headers of the draft's pipe tables, then one grid update per slot: shown with its table's
    title and cells, or hidden."""
    from assistant.draft.export import LABELS, markdown_tables

    annexes = {labels["annex"] for labels in LABELS.values()}  # generated from the references: not edited
    found = [t for t in markdown_tables(text) if t[0] not in annexes][:MAX_TABLES]
    grids = [
        gr.update(
            value={"headers": columns, "data": rows or [[""] * len(columns)]}, label=title, visible=True
        )
        for title, columns, rows in found
    ]
    return [
        [columns for _, columns, _ in found],
        *grids,
        *[gr.update(visible=False)] * (MAX_TABLES - len(found)),
    ]


def edit_table(text: str, number: int, headers: list[list[str]], rows: list[list[Any]]) -> str:
    """The draft's text with its `number`-th table rewritten from the edited grid."""
    from assistant.draft.export import replace_table

    if number >= len(headers):
        return text
    return replace_table(
        text, number, headers[number], [["" if c is None else str(c) for c in r] for r in rows]
    )


def export_draft(index: Index, text: str, suffix: str, code: str = "es") -> str:
    """The edited draft saved as a '.docx' or '.md' file under <index>/drafts/; its path."""
    from assistant.draft.export import markdown_to_docx

    if not text.strip():
        raise gr.Error(UI[code]["no_draft"])
    path = index.settings.index_dir / "drafts" / f"draft-{time.strftime('%Y-%m-%d-%H%M%S')}{suffix}"
    if suffix == ".docx":
        return str(markdown_to_docx(text, path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)
