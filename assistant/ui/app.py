"""Index -> a Gradio Blocks app (chat with sources, documents, evaluation) and the server that runs it.

The server is FastAPI with the Gradio app mounted at '/', plus '/pdf/<file>' which serves an indexed
document by its file name (looked up in the manifest, never a path from the request). It binds to
127.0.0.1 unless told otherwise, and then requires a login."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no telemetry

import gradio as gr

from assistant.answer.ask import ask_stream
from assistant.answer.models import chat_model, model_name
from assistant.contract import answer_json
from assistant.draft.plans import load_plan
from assistant.errors import AssistantError, SettingsError
from assistant.index import Index
from assistant.settings import LOOPBACK_HOSTS
from assistant.types import DOC_TYPES, Answer, Filters
from assistant.ui.api import add_api, login_check
from assistant.ui.text import (
    DOCUMENT_HEADERS,
    UI,
    browser_language,
    document_rows,
    mode_badge,
    sources_html,
)
from assistant.ui.uploads import UPLOADABLE, store_uploads

TRACK_TQDM = gr.Progress(track_tqdm=True)  # Gradio shows ingestion's tqdm bars as the upload's progress


def build_app(index: Index) -> gr.Blocks:
    """The three tabs over one index; the chat model (or extractive mode) is chosen from the settings."""
    settings = index.settings
    chat = chat_model(settings.llm)
    model = model_name(chat) if chat else ""
    targets = list(load_plan(settings.prompts_dir, "es").targets())
    fixed = None if settings.ui.language == "auto" else settings.ui.language

    def documents() -> list[list[object]]:
        return document_rows(list(index.manifest.documents.values()))

    with gr.Blocks(title="Mission assistant", analytics_enabled=False) as app:
        lang = gr.State("es")
        turns = gr.State([])
        with gr.Row():
            gr.Markdown("## Mission assistant")
            language = gr.Radio(
                ["es", "fr", "en"], value="es", label="Idioma / Langue / Language", elem_id="language"
            )
        badge = gr.Markdown(mode_badge(model, "es"), elem_id="mode-badge")
        with gr.Tab(UI["es"]["chat"], id="chat") as chat_tab, gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(height=480, elem_id="chatbot", buttons=["copy"])
                question = gr.Textbox(label=UI["es"]["question"], elem_id="question", lines=2)
                with gr.Row():
                    send = gr.Button(UI["es"]["ask"], variant="primary", elem_id="ask")
                    clear = gr.Button(UI["es"]["clear"], elem_id="clear")
                with gr.Accordion("Filtros / Filtres / Filters", open=False):
                    files = gr.Dropdown(
                        [], multiselect=True, label=UI["es"]["documents"], elem_id="filter-files"
                    )
                    types = gr.Dropdown(
                        DOC_TYPES, multiselect=True, label=UI["es"]["types"], elem_id="filter-types"
                    )
            with gr.Column(scale=2):
                gr.Markdown(f"### {UI['es']['sources']}")
                sources = gr.HTML(sources_html(None, "es"), elem_id="sources")
        with gr.Tab(UI["es"]["corpus"], id="corpus") as corpus_tab:
            upload = gr.File(
                file_count="multiple", file_types=list(UPLOADABLE), label=UI["es"]["upload"], elem_id="upload"
            )
            with gr.Row():
                ingest = gr.Button(UI["es"]["ingest"], variant="primary", elem_id="ingest")
                reindex = gr.Button(UI["es"]["reindex"], elem_id="reindex")
            status = gr.Markdown(elem_id="corpus-status")
            table = gr.Dataframe(
                documents(), headers=DOCUMENT_HEADERS, interactive=False, elem_id="documents"
            )
            with gr.Row():
                to_remove = gr.Dropdown([], label=UI["es"]["remove"], elem_id="remove-file")
                remove = gr.Button(UI["es"]["remove"], elem_id="remove")
        with gr.Tab(UI["es"]["draft"], id="draft") as draft_tab:
            with gr.Row():
                target = gr.Dropdown(targets, value="context", label="SECTION", elem_id="draft-section")
                draft_lang = gr.Radio(
                    ["es", "fr", "en"], value="es", label="es / fr / en", elem_id="draft-lang"
                )
                axis = gr.Radio(["both", "A", "B"], value="both", label="A / B", elem_id="draft-axis")
            generate = gr.Button(UI["es"]["generate"], variant="primary", elem_id="draft-generate")
            draft_text = gr.Textbox(
                lines=18, max_lines=40, label="Markdown", elem_id="draft-text", interactive=True
            )
            with gr.Row():
                export_docx = gr.Button("DOCX", elem_id="draft-docx")
                export_md = gr.Button("Markdown", elem_id="draft-md")
            draft_file = gr.File(label="↓", elem_id="draft-file", interactive=False)
        with gr.Tab(UI["es"]["evaluate"], id="evaluate") as evaluate_tab:
            qa = gr.File(file_types=[".jsonl"], label=UI["es"]["qa"], elem_id="qa-file")
            baseline = gr.Checkbox(False, label="LangChain tutorial baseline", elem_id="with-baseline")
            run = gr.Button(UI["es"]["run"], variant="primary", elem_id="run-eval")
            metrics = gr.Dataframe(headers=["metric", "value"], interactive=False, elem_id="metrics")
            chart = gr.Image(label="hit@k", elem_id="chart")
            worst = gr.Markdown(elem_id="worst")

        def names() -> list[str]:
            return sorted(index.manifest.documents)

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            chosen = fixed or browser_language(request.headers.get("accept-language", "") if request else "")
            return (chosen, *relabel(chosen), gr.update(choices=names()), gr.update(choices=names()))

        def relabel(code: str) -> tuple[Any, ...]:
            ui = UI[code]
            return (
                gr.update(value=code), mode_badge(model, code), gr.update(label=ui["chat"]),
                gr.update(label=ui["question"]), gr.update(value=ui["ask"]), gr.update(value=ui["clear"]),
                gr.update(label=ui["documents"]), gr.update(label=ui["types"]), gr.update(label=ui["corpus"]),
                gr.update(label=ui["upload"]), gr.update(value=ui["ingest"]), gr.update(value=ui["reindex"]),
                gr.update(value=ui["remove"]), gr.update(label=ui["evaluate"]), gr.update(label=ui["qa"]),
                gr.update(value=ui["run"]), gr.update(label=ui["draft"]), gr.update(value=ui["generate"]),
            )  # fmt: skip

        labelled = [language, badge, chat_tab, question, send, clear, files, types,
                    corpus_tab, upload, ingest, reindex, remove, evaluate_tab, qa, run, draft_tab,
                    generate]  # fmt: skip
        app.load(on_load, None, [lang, *labelled, files, to_remove])
        language.change(lambda code: (code, *relabel(code)), language, [lang, *labelled])

        def respond(
            message: str, history: list[dict[str, str]], past: list[tuple[str, str]],
            chosen_files: list[str] | None, chosen_types: list[str] | None, code: str,
        ) -> Iterator[tuple[Any, ...]]:  # fmt: skip
            if not message.strip():
                raise gr.Error({"es": "Escriba una pregunta.", "fr": "Écrivez une question.",
                                "en": "Write a question."}[code])  # fmt: skip
            filters = Filters.of(chosen_files, chosen_types)
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

        inputs = [question, chatbot, turns, files, types, lang]
        outputs = [chatbot, sources, turns, question]
        send.click(respond, inputs, outputs)
        question.submit(respond, inputs, outputs)
        clear.click(lambda code: ([], sources_html(None, code), []), lang, [chatbot, sources, turns])

        def do_ingest(paths: list[str] | None, progress: gr.Progress = TRACK_TQDM) -> tuple[Any, ...]:
            from assistant.index.write import ingest_paths

            if not paths:
                raise gr.Error("No file / Ningún archivo / Aucun fichier.")
            kept, errors = store_uploads(
                paths, settings.index_dir / "uploads", settings.ui.max_upload_mb * 1_000_000
            )
            try:
                reports = ingest_paths(index, kept, progress=True) if kept else []
            except AssistantError as exc:  # e.g. another process is writing the index
                raise gr.Error(str(exc)) from exc
            errors += [r.error for r in reports if r.status == "failed"]
            done = [f"{r.file}: {r.status} ({r.chunks} chunks)" for r in reports if r.status != "failed"]
            text = "\n".join([*(f"- ✅ {line}" for line in done), *(f"- ❌ {line}" for line in errors)])
            return text, documents(), gr.update(choices=names()), gr.update(choices=names())

        ingest.click(do_ingest, upload, [status, table, files, to_remove])

        def do_reindex(progress: gr.Progress = TRACK_TQDM) -> tuple[Any, ...]:
            from assistant.index.write import ingest_paths

            sources_on_disk = [
                Path(d.source)
                for d in index.manifest.documents.values()
                if d.source and Path(d.source).is_file()
            ]
            try:
                reports = ingest_paths(index, sources_on_disk, progress=True)
            except AssistantError as exc:
                raise gr.Error(str(exc)) from exc
            return "\n".join(f"- {r.file}: {r.status}" for r in reports), documents()

        reindex.click(do_reindex, None, [status, table])

        def do_remove(name: str | None) -> tuple[Any, ...]:
            from assistant.index.write import remove_documents

            if not name:
                raise gr.Error("No document / Ningún documento / Aucun document.")
            try:
                remove_documents(index, [name])
            except AssistantError as exc:
                raise gr.Error(str(exc)) from exc
            return (
                f"- {name}: removed",
                documents(),
                gr.update(choices=names(), value=None),
                gr.update(choices=names()),
            )

        remove.click(do_remove, to_remove, [status, table, to_remove, files])

        def do_evaluate(path: str | None, with_baseline: bool) -> tuple[Any, ...]:
            return evaluate(index, path, with_baseline)

        run.click(do_evaluate, [qa, baseline], [metrics, chart, worst])

        def do_draft(section: str, code: str, which: str) -> str:
            from assistant.draft.compose import build_draft
            from assistant.draft.export import to_markdown

            try:
                return to_markdown(build_draft(index, section, code, which, chat))
            except AssistantError as exc:
                raise gr.Error(str(exc)) from exc

        def do_export(text: str, suffix: str) -> str:
            from assistant.draft.export import markdown_to_docx

            if not text.strip():
                raise gr.Error(
                    "Generate a draft first / Genere primero un borrador / Générez d'abord un brouillon."
                )
            path = settings.index_dir / "drafts" / f"draft-{time.strftime('%Y-%m-%d-%H%M%S')}{suffix}"
            if suffix == ".docx":
                return str(markdown_to_docx(text, path))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return str(path)

        generate.click(do_draft, [target, draft_lang, axis], draft_text)
        export_docx.click(lambda text: do_export(text, ".docx"), draft_text, draft_file)
        export_md.click(lambda text: do_export(text, ".md"), draft_text, draft_file)
    blocks: gr.Blocks = app
    return blocks


def with_references(answer: Answer, language: str) -> str:
    """The answer text, with the source list appended when the model's text does not carry it, so that
    copying the message copies its references."""
    from assistant.answer.messages import source_label

    if answer.mode == "extractive" or not answer.citations:
        return answer.answer
    refs = [
        f"[{c.n}] {source_label(c.title, c.article, c.page_start, c.page_end, language)}"
        for c in answer.citations
    ]
    return answer.answer + "\n\n" + "\n".join(refs)


def evaluate(index: Index, path: str | None, with_baseline: bool) -> tuple[Any, ...]:
    """Run a reference file through `ask` (and the baseline if asked); metric table, chart, worst."""
    from assistant.answer.ask import ask
    from assistant.evaluate.dataset import load_questions
    from assistant.evaluate.report import worst as worst_lines
    from assistant.evaluate.report import write_run
    from assistant.evaluate.run import baseline_searcher, indexed_pdfs, product_searcher, run_eval

    if not path:
        raise gr.Error("No question file / Ningún archivo de preguntas / Aucun fichier de questions.")
    try:
        questions = load_questions(Path(path))
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    baseline = baseline_searcher(indexed_pdfs(index)[0])[0] if with_baseline else None
    run = run_eval(questions, product_searcher(index), answerer=lambda q: answer_json(ask(index, q)),
                   baseline=baseline, meta={"dataset_name": Path(path).name})  # fmt: skip
    out = index.settings.index_dir / "eval-runs" / time.strftime("%Y-%m-%d-%H%M%S")
    paths = write_run(run, out)
    rows = []
    for system, result in run.summary["systems"].items():
        for key, value in result["retrieval"]["all"].items():
            rows.append([f"{system} · {key}", value])
        for key, value in (result.get("answers") or {}).get("all", {}).items():
            rows.append([f"{system} · answers · {key}", value])
    return rows, str(paths[3]), "\n".join(worst_lines(run.records)) or "—"


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

    @api.get("/pdf/{name}", dependencies=[Depends(login_check(auth))])
    def pdf(name: str) -> FileResponse:
        entry = index.manifest.documents.get(name)
        if entry is None or not entry.source or not Path(entry.source).is_file():
            raise HTTPException(status_code=404, detail="no such indexed document")
        return FileResponse(entry.source, media_type="application/pdf", content_disposition_type="inline")

    app = gr.mount_gradio_app(
        api, build_app(index), path="/", auth=auth, max_file_size=f"{settings.max_upload_mb}mb",
        server_name=host, server_port=port,
    )  # fmt: skip
    print(f"Mission assistant on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="warning")
