"""The chat tab: question -> streamed, cited answer beside the sources panel, with document and type
filters; the conversation so far makes follow-up questions standalone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.answer.ask import ask_stream
from assistant.answer.messages import citation_label
from assistant.draft.transcript import turn
from assistant.errors import AssistantError
from assistant.types import DOC_TYPES, Answer, Citation, Filters
from assistant.ui.documents import document_names
from assistant.ui.labels import Label
from assistant.ui.text import UI, has_viewer, sources_html, viewer_frame, waiting_lines

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index

EMPTY_QUESTION = {"es": "Escriba una pregunta.", "fr": "Écrivez une question.", "en": "Write a question."}


# Enter sends the question, Shift+Enter breaks the line (the page's keys, before Gradio's own handler);
# after sending, the question box keeps the focus.
ENTER_SENDS = """() => {
  const keys = (event) => {
    const box = event.target.closest ? event.target.closest('#question') : null;
    if (!box || event.key !== 'Enter' || event.isComposing) return;
    event.stopImmediatePropagation();  // Gradio's own handler sends on Shift+Enter: it never sees these
    if (event.shiftKey) return;  // the browser breaks the line
    event.preventDefault();
    if (event.type === 'keydown') document.querySelector('#ask').click();
  };
  document.addEventListener('keydown', keys, true);
  document.addEventListener('keypress', keys, true);
}"""
KEEP_FOCUS = """(...args) => {
  setTimeout(() => document.querySelector('#question textarea')?.focus(), 0);
  return args;
}"""


SAVED_KEY = "mission-assistant-conversation"  # the browser's storage entry that keeps the conversation


@dataclass(frozen=True, slots=True)
class ChatTab:
    files: gr.CheckboxGroup  # the documents searched: the documents tab keeps them in step with the index
    labels: list[Label]
    saved: Any  # gr.BrowserState: the conversation the browser keeps
    # what `restore` fills when the page loads: chatbot, turns, records, documents searched
    restored: list[Any]


def chat_tab(index: Index, chat: BaseChatModel | None, lang: gr.State) -> ChatTab:
    """The tab's components and events; `lang` holds the interface language."""
    turns = gr.State([])
    records = gr.State([])  # each turn as data (question, answer shown, citations), for export and storage
    saved = gr.BrowserState({}, storage_key=SAVED_KEY)  # the conversation, kept across page reloads
    asked = gr.State("")  # the question sent, while the box is already cleared for the next one
    viewer = has_viewer(index)
    with gr.Tab(UI["es"]["chat"], id="chat") as tab, gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(height=480, elem_id="chatbot", buttons=["copy"], show_label=False)
            question = gr.Textbox(label=UI["es"]["question"], elem_id="question", lines=2)
            with gr.Row():
                send = gr.Button(UI["es"]["ask"], variant="primary", elem_id="ask")
                stop = gr.Button(UI["es"]["stop"], elem_id="stop", visible=chat is not None)
                clear = gr.Button(UI["es"]["clear"], elem_id="clear")
            with gr.Row():
                export_md = gr.Button(UI["es"]["export"] + " (Markdown)", elem_id="export-md", size="sm")
                export_docx = gr.Button(UI["es"]["export"] + " (DOCX)", elem_id="export-docx", size="sm")
            exported = gr.File(label="↓", elem_id="conversation-file", interactive=False, visible=False)
            files = gr.CheckboxGroup([], label=UI["es"]["scope"], elem_id="filter-files")
            with gr.Accordion(UI["es"]["filters"], open=False) as filters:
                types = gr.Dropdown(
                    DOC_TYPES, multiselect=True, label=UI["es"]["types"], elem_id="filter-types"
                )
        with gr.Column(scale=2):
            frame = gr.HTML(viewer_frame("es"), elem_id="viewer", visible=viewer)
            heading = gr.Markdown(f"### {UI['es']['sources']}", elem_id="sources-heading")
            sources = gr.HTML(sources_html(None, "es"), elem_id="sources")

    def on_ask(
        message: str, history: list[dict[str, str]], past: list[tuple[str, str]], kept: list[dict[str, Any]],
        chosen_files: list[str] | None, chosen_types: list[str] | None, code: str,
    ) -> Iterator[tuple[Any, ...]]:  # fmt: skip
        filters = Filters.of(chosen_files, chosen_types)
        for history_now, panel, past_now, answer in respond(
            index, chat, message, history, past, filters, code, viewer
        ):
            if answer is None:
                yield history_now, panel, past_now, kept, gr.update()
            else:  # the browser keeps the conversation in the same update that shows the answer
                done = [*kept, turn(answer, history_now[-1]["content"])]
                yield history_now, panel, past_now, done, remember(history_now, past_now, done, chosen_files)

    def remember(history: Any, past: Any, kept: Any, scope: Any) -> dict[str, Any]:
        return {"history": history, "past": past, "records": kept, "scope": scope}

    answering = send.click(lambda text: ("", text), question, [question, asked], js=KEEP_FOCUS).then(
        on_ask,
        [asked, chatbot, turns, records, files, types, lang],
        [chatbot, sources, turns, records, saved],
    )
    files.input(remember, [chatbot, turns, records, files], saved)  # the scope belongs to the conversation
    stop.click(None, None, None, cancels=[answering])
    clear.click(
        lambda code: ([], sources_html(None, code), [], [], {}, gr.update(value=document_names(index))),
        lang, [chatbot, sources, turns, records, saved, files],
    )  # fmt: skip
    for button, suffix in ((export_md, ".md"), (export_docx, ".docx")):
        button.click(
            lambda kept, code, suffix=suffix: export(index, kept, code, suffix), [records, lang], exported
        )

    labels = [Label(tab, "chat"), Label(question, "question"), Label(send, "ask", "value"),
              Label(stop, "stop", "value"), Label(clear, "clear", "value"), Label(files, "scope"),
              Label(filters, "filters"), Label(types, "types"),
              Label(heading, "sources", render=lambda code: f"### {UI[code]['sources']}"),
              Label(sources, "no_sources", render=lambda code: sources_html(None, code)),
              Label(frame, "viewer", render=viewer_frame),
              Label(export_md, "export", render=lambda code: UI[code]["export"] + " (Markdown)"),
              Label(export_docx, "export", render=lambda code: UI[code]["export"] + " (DOCX)")]  # fmt: skip
    return ChatTab(files, labels, saved, [chatbot, turns, records, files])


def restore(index: Index, kept: dict[str, Any] | None) -> tuple[Any, ...]:
    """The conversation the browser kept (chat, past turns, records, documents searched), or a new one with
    every document searched."""
    kept = kept or {}
    names = document_names(index)
    scope = [f for f in kept.get("scope") or [] if f in names] or names
    past = [tuple(p) for p in kept.get("past", [])]
    return kept.get("history", []), past, kept.get("records", []), gr.update(choices=names, value=scope)


def export(index: Index, kept: list[dict[str, Any]], code: str, suffix: str) -> Any:
    """The conversation so far as a '.md' or '.docx' file under <index>/conversations/, shown for download."""
    from assistant.draft.transcript import transcript_file

    if not kept:
        raise gr.Error(UI[code]["nothing_to_export"])
    path = (
        index.settings.index_dir
        / "conversations"
        / f"conversation-{time.strftime('%Y-%m-%d-%H%M%S')}{suffix}"
    )
    return gr.update(value=str(transcript_file(kept, code, path)), visible=True)


def respond(
    index: Index, chat: BaseChatModel | None, message: str, history: list[dict[str, str]],
    past: list[tuple[str, str]], filters: Filters | None, code: str, viewer: bool = False,
) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """(chat history, sources panel, past turns, the answer or None) as the answer streams in; the last
    update carries the checked answer with its references and fills the sources panel (its links open the
    viewer beside the answer when PDF.js is served: `viewer`)."""
    if not message.strip():
        raise gr.Error(EMPTY_QUESTION[code])
    history = [*history, {"role": "user", "content": message}, {"role": "assistant", "content": ""}]
    answer: Answer | None = None
    try:
        for part in ask_stream(index, message, past, chat, filters):
            if isinstance(part, Answer):
                answer = part
            else:
                history[-1]["content"] += part
                yield history, gr.update(), past, None
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    assert answer is not None
    waiting = waiting_lines(list(index.waiting().values()), code)
    history[-1]["content"] = "\n\n".join([with_references(answer, code), *waiting])
    panel = sources_html(answer, code, viewer, (lambda c: findable(index, c)) if viewer else None)
    yield history, panel, [*past, (answer.query, answer.answer)], answer


def findable(index: Index, citation: Citation) -> bool:
    """PDF.js will find the citation's phrase on its page (the indexed file's text layer holds it)."""
    from assistant.ui.text import search_phrase
    from assistant.ui.viewer import phrase_on_page

    entry = index.manifest.documents.get(citation.file)
    if entry is None or not entry.source:
        return False
    return phrase_on_page(Path(entry.source), citation.page_start, search_phrase(citation.quote))


def with_references(answer: Answer, language: str) -> str:
    """The answer text, with the source list appended when the model's text does not carry it, so that
    copying the message copies its references."""

    if answer.mode == "extractive" or not answer.citations:
        return answer.answer
    refs = [f"[{c.n}] {citation_label(c, language)}" for c in answer.citations]
    return answer.answer + "\n\n" + "\n".join(refs)
