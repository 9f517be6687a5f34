"""The chat tab: question -> streamed, cited answer beside the sources panel, with document and type
filters; the conversation so far makes follow-up questions standalone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.answer.ask import ask_stream
from assistant.answer.messages import citation_label
from assistant.errors import AssistantError
from assistant.types import DOC_TYPES, Answer, Filters
from assistant.ui.labels import Label
from assistant.ui.text import UI, has_viewer, sources_html, viewer_frame

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


@dataclass(frozen=True, slots=True)
class ChatTab:
    files: (
        gr.CheckboxGroup
    )  # the documents searched: the documents tab keeps its choices in step with the index
    labels: list[Label]


def chat_tab(index: Index, chat: BaseChatModel | None, lang: gr.State) -> ChatTab:
    """The tab's components and events; `lang` holds the interface language."""
    turns = gr.State([])
    asked = gr.State("")  # the question sent, while the box is already cleared for the next one
    viewer = has_viewer(index)
    with gr.Tab(UI["es"]["chat"], id="chat") as tab, gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(height=480, elem_id="chatbot", buttons=["copy"])
            question = gr.Textbox(label=UI["es"]["question"], elem_id="question", lines=2)
            with gr.Row():
                send = gr.Button(UI["es"]["ask"], variant="primary", elem_id="ask")
                stop = gr.Button(UI["es"]["stop"], elem_id="stop", visible=chat is not None)
                clear = gr.Button(UI["es"]["clear"], elem_id="clear")
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
        message: str, history: list[dict[str, str]], past: list[tuple[str, str]],
        chosen_files: list[str] | None, chosen_types: list[str] | None, code: str,
    ) -> Iterator[tuple[Any, ...]]:  # fmt: skip
        filters = Filters.of(chosen_files, chosen_types)
        yield from respond(index, chat, message, history, past, filters, code, viewer)

    answering = send.click(lambda text: ("", text), question, [question, asked], js=KEEP_FOCUS).then(
        on_ask, [asked, chatbot, turns, files, types, lang], [chatbot, sources, turns]
    )
    stop.click(None, None, None, cancels=[answering])
    clear.click(lambda code: ([], sources_html(None, code), []), lang, [chatbot, sources, turns])
    labels = [Label(tab, "chat"), Label(question, "question"), Label(send, "ask", "value"),
              Label(stop, "stop", "value"), Label(clear, "clear", "value"), Label(files, "scope"),
              Label(filters, "filters"), Label(types, "types"),
              Label(heading, "sources", render=lambda code: f"### {UI[code]['sources']}"),
              Label(sources, "no_sources", render=lambda code: sources_html(None, code)),
              Label(frame, "viewer", render=viewer_frame)]  # fmt: skip
    return ChatTab(files, labels)


def respond(
    index: Index, chat: BaseChatModel | None, message: str, history: list[dict[str, str]],
    past: list[tuple[str, str]], filters: Filters | None, code: str, viewer: bool = False,
) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """(chat history, sources panel, past turns) as the answer streams in; the last update carries the
    checked answer with its references and fills the sources panel (its links open the viewer beside the
    answer when PDF.js is served: `viewer`)."""
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
                yield history, gr.update(), past
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    assert answer is not None
    history[-1]["content"] = with_references(answer, code)
    yield history, sources_html(answer, code, viewer), [*past, (answer.query, answer.answer)]


def with_references(answer: Answer, language: str) -> str:
    """The answer text, with the source list appended when the model's text does not carry it, so that
    copying the message copies its references."""

    if answer.mode == "extractive" or not answer.citations:
        return answer.answer
    refs = [f"[{c.n}] {citation_label(c, language)}" for c in answer.citations]
    return answer.answer + "\n\n" + "\n".join(refs)
