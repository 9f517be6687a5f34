"""The draft tab: a section of a concept note or mission report, written from the indexed sources, edited
in place and exported as DOCX or Markdown under <index>/drafts/."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import gradio as gr

from assistant.draft.plans import load_plan
from assistant.errors import AssistantError
from assistant.language import LANGUAGES
from assistant.ui.labels import Label
from assistant.ui.text import UI

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index


def draft_tab(index: Index, chat: BaseChatModel | None) -> list[Label]:
    """The tab's components and events; its labels that follow the interface language."""
    targets = list(load_plan(index.settings.prompts_dir, "es").targets())
    with gr.Tab(UI["es"]["draft"], id="draft") as tab:
        with gr.Row():
            target = gr.Dropdown(targets, value="context", label="SECTION", elem_id="draft-section")
            draft_lang = gr.Radio(list(LANGUAGES), value="es", label="es / fr / en", elem_id="draft-lang")
            axis = gr.Radio(["both", "A", "B"], value="both", label="A / B", elem_id="draft-axis")
        generate = gr.Button(UI["es"]["generate"], variant="primary", elem_id="draft-generate")
        draft_text = gr.Textbox(
            lines=18, max_lines=40, label="Markdown", elem_id="draft-text", interactive=True
        )
        with gr.Row():
            export_docx = gr.Button("DOCX", elem_id="draft-docx")
            export_md = gr.Button("Markdown", elem_id="draft-md")
        draft_file = gr.File(label="↓", elem_id="draft-file", interactive=False)
    generate.click(
        lambda section, code, which: write_draft(index, chat, section, code, which),
        [target, draft_lang, axis],
        draft_text,
    )
    export_docx.click(lambda text: export_draft(index, text, ".docx"), draft_text, draft_file)
    export_md.click(lambda text: export_draft(index, text, ".md"), draft_text, draft_file)
    return [Label(tab, "draft"), Label(generate, "generate", "value")]


def write_draft(index: Index, chat: BaseChatModel | None, section: str, code: str, which: str) -> str:
    """The section as Markdown, in language `code`, for axis `which` ("both", "A" or "B")."""
    from assistant.draft.compose import build_draft
    from assistant.draft.export import to_markdown

    try:
        return to_markdown(build_draft(index, section, code, which, chat))
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc


def export_draft(index: Index, text: str, suffix: str) -> str:
    """The edited draft saved as a '.docx' or '.md' file under <index>/drafts/; its path."""
    from assistant.draft.export import markdown_to_docx

    if not text.strip():
        raise gr.Error("Generate a draft first / Genere primero un borrador / Générez d'abord un brouillon.")
    path = index.settings.index_dir / "drafts" / f"draft-{time.strftime('%Y-%m-%d-%H%M%S')}{suffix}"
    if suffix == ".docx":
        return str(markdown_to_docx(text, path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)
