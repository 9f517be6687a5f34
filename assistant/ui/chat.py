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
from assistant.ui.text import UI, sources_html

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index

EMPTY_QUESTION = {"es": "Escriba una pregunta.", "fr": "Écrivez une question.", "en": "Write a question."}


@dataclass(frozen=True, slots=True)
class ChatTab:
    files: gr.Dropdown  # the document filter: the documents tab keeps its choices in step with the index
    labels: list[Label]


def chat_tab(index: Index, chat: BaseChatModel | None, lang: gr.State) -> ChatTab:
    """The tab's components and events; `lang` holds the interface language."""
    turns = gr.State([])
    with gr.Tab(UI["es"]["chat"], id="chat") as tab, gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(height=480, elem_id="chatbot", buttons=["copy"])
            question = gr.Textbox(label=UI["es"]["question"], elem_id="question", lines=2)
            with gr.Row():
                send = gr.Button(UI["es"]["ask"], variant="primary", elem_id="ask")
                clear = gr.Button(UI["es"]["clear"], elem_id="clear")
            with gr.Accordion("Filtros / Filtres / Filters", open=False):
                files = gr.Dropdown([], multiselect=True, label=UI["es"]["documents"], elem_id="filter-files")
                types = gr.Dropdown(
                    DOC_TYPES, multiselect=True, label=UI["es"]["types"], elem_id="filter-types"
                )
        with gr.Column(scale=2):
            gr.Markdown(f"### {UI['es']['sources']}")
            sources = gr.HTML(sources_html(None, "es"), elem_id="sources")

    def on_ask(
        message: str, history: list[dict[str, str]], past: list[tuple[str, str]],
        chosen_files: list[str] | None, chosen_types: list[str] | None, code: str,
    ) -> Iterator[tuple[Any, ...]]:  # fmt: skip
        yield from respond(index, chat, message, history, past, Filters.of(chosen_files, chosen_types), code)

    inputs = [question, chatbot, turns, files, types, lang]
    outputs = [chatbot, sources, turns, question]
    send.click(on_ask, inputs, outputs)
    question.submit(on_ask, inputs, outputs)
    clear.click(lambda code: ([], sources_html(None, code), []), lang, [chatbot, sources, turns])
    labels = [Label(tab, "chat"), Label(question, "question"), Label(send, "ask", "value"),
              Label(clear, "clear", "value"), Label(files, "documents"), Label(types, "types")]  # fmt: skip
    return ChatTab(files, labels)


def respond(
    index: Index, chat: BaseChatModel | None, message: str, history: list[dict[str, str]],
    past: list[tuple[str, str]], filters: Filters | None, code: str,
) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """(chat history, sources panel, past turns, question box) as the answer streams in; the last update
    carries the checked answer with its references and fills the sources panel."""
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
                yield history, gr.update(), past, ""
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    assert answer is not None
    history[-1]["content"] = with_references(answer, code)
    yield history, sources_html(answer, code), [*past, (answer.query, answer.answer)], ""


def with_references(answer: Answer, language: str) -> str:
    """The answer text, with the source list appended when the model's text does not carry it, so that
    copying the message copies its references."""

    if answer.mode == "extractive" or not answer.citations:
        return answer.answer
    refs = [f"[{c.n}] {citation_label(c, language)}" for c in answer.citations]
    return answer.answer + "\n\n" + "\n".join(refs)
