"""Index -> a Gradio Blocks app (chat with sources, documents, draft, evaluation) and the server that
runs it. Each tab is built in its own module (chat, documents, drafting, evaluation); this one composes
them under the header and relabels them all when the interface language changes.

The server is FastAPI with the Gradio app mounted at '/', plus '/pdf/<file>' which serves an indexed
document by its file name (looked up in the manifest, never a path from the request). It binds to
127.0.0.1 unless told otherwise, and then requires a login."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no telemetry

import gradio as gr

from assistant.answer.models import chat_model, model_name
from assistant.errors import SettingsError
from assistant.index import Index
from assistant.language import LANGUAGES
from assistant.settings import LOOPBACK_HOSTS
from assistant.ui.api import add_api, login_check
from assistant.ui.chat import ENTER_SENDS, chat_tab, restore
from assistant.ui.documents import document_names, documents_tab
from assistant.ui.drafting import draft_tab
from assistant.ui.evaluation import evaluation_tab
from assistant.ui.labels import components, updates
from assistant.ui.text import UI, browser_language, has_viewer, mode_badge


def build_app(index: Index) -> gr.Blocks:
    """The four tabs over one index; the chat model (or extractive mode) is chosen from the settings.
    The interface language follows the browser (or `ui.language`) when the page loads, and the selector."""
    chat = chat_model(index.settings.llm)
    model = model_name(chat) if chat else ""
    fixed = None if index.settings.ui.language == "auto" else index.settings.ui.language
    with gr.Blocks(title="Mission assistant", analytics_enabled=False) as app:
        lang = gr.State("es")
        with gr.Row():
            gr.Markdown("## Mission assistant")
            language = gr.Radio(list(LANGUAGES), value="es", label=UI["es"]["language"], elem_id="language")
        badge = gr.Markdown(mode_badge(model, "es"), elem_id="mode-badge")
        chat_part = chat_tab(index, chat, lang)
        documents_part = documents_tab(index, chat_part.files, lang)
        draft_labels = draft_tab(index, chat, lang)
        evaluation_labels = evaluation_tab(index, lang)
        labels = [*chat_part.labels, *documents_part.labels, *evaluation_labels, *draft_labels]

        def relabel(code: str) -> tuple[Any, ...]:
            language_choice = gr.update(value=code, label=UI[code]["language"])  # es / fr / en read in any
            return (code, language_choice, mode_badge(model, code), *updates(labels, code))

        def on_load(kept: dict[str, Any] | None, request: gr.Request) -> tuple[Any, ...]:
            chosen = fixed or browser_language(request.headers.get("accept-language", "") if request else "")
            names = document_names(index)
            return (*relabel(chosen), *restore(index, kept), gr.update(choices=names))

        labelled = [lang, language, badge, *components(labels)]
        app.load(on_load, chat_part.saved, [*labelled, *chat_part.restored, documents_part.to_remove])
        language.change(relabel, language, labelled)
    blocks: gr.Blocks = app
    return blocks


def serve(index: Index, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Run the app until interrupted; a non-loopback address needs ASSISTANT_UI__USERNAME/PASSWORD."""
    import uvicorn
    from fastapi import Depends, FastAPI, HTTPException
    from fastapi.responses import FileResponse

    settings = index.settings.ui
    auth = None
    if host not in LOOPBACK_HOSTS:
        if not settings.username or not settings.password.get_secret_value():
            raise SettingsError(
                f"Binding to {host} exposes the documents to the network: set ASSISTANT_UI__USERNAME and "
                "ASSISTANT_UI__PASSWORD first (or use --host 127.0.0.1)."
            )
        auth = (settings.username, settings.password.get_secret_value())
        print(f"Login required (user {settings.username!r}): the app is reachable from other machines.")
    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    add_api(api, index, chat_model(index.settings.llm), auth)

    if has_viewer(index):  # PDF.js from the system (Debian's libjs-pdf), never from the internet
        from fastapi.staticfiles import StaticFiles

        api.mount(
            "/pdfjs", StaticFiles(directory=index.settings.ui.pdfjs_dir, follow_symlink=True), name="pdfjs"
        )

    @api.get("/pdf/{name}", dependencies=[Depends(login_check(auth))])
    def pdf(name: str) -> FileResponse:
        entry = index.manifest.documents.get(name)
        if entry is None or not entry.source or not Path(entry.source).is_file():
            raise HTTPException(status_code=404, detail="no such indexed document")
        return FileResponse(entry.source, media_type="application/pdf", content_disposition_type="inline")

    app = gr.mount_gradio_app(
        api, build_app(index), path="/", auth=auth, max_file_size=f"{settings.max_upload_mb}mb",
        server_name=host, server_port=port, js=ENTER_SENDS, footer_links=[],
    )  # fmt: skip
    print(f"Mission assistant on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="warning")
