"""The documents tab: upload and ingest files, re-index every source, remove a document; the table of
indexed documents, and the document choices of the chat filter, follow every change."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.ui.labels import Label
from assistant.ui.text import DOCUMENT_HEADERS, UI, document_rows
from assistant.ui.uploads import UPLOADABLE, store_uploads

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.types import FileReport

log = logging.getLogger(__name__)
TABLE_REFRESH_SECONDS = 3.0  # how often the table shows the vectors' progress
TRACK_TQDM = gr.Progress(track_tqdm=True)  # Gradio shows ingestion's tqdm bars as the upload's progress


@dataclass(frozen=True, slots=True)
class DocumentsTab:
    to_remove: gr.Dropdown  # its choices are the indexed documents, refreshed when the page loads
    labels: list[Label]


def documents_tab(index: Index, files: gr.CheckboxGroup, lang: gr.State) -> DocumentsTab:
    """The tab's components and events; `files` is the chat's documents to search, kept in step (every
    document checked after a change)."""
    with gr.Tab(UI["es"]["corpus"], id="corpus") as tab:
        upload = gr.File(
            file_count="multiple", file_types=list(UPLOADABLE), label=UI["es"]["upload"], elem_id="upload"
        )
        with gr.Row():
            ingest = gr.Button(UI["es"]["ingest"], variant="primary", elem_id="ingest")
            reindex = gr.Button(UI["es"]["reindex"], elem_id="reindex")
        status = gr.Markdown(elem_id="corpus-status")
        table = gr.Dataframe(
            table_rows(index), headers=DOCUMENT_HEADERS["es"], interactive=False, elem_id="documents"
        )
        with gr.Row():
            to_remove = gr.Dropdown([], label=UI["es"]["remove"], elem_id="remove-file")
            remove = gr.Button(UI["es"]["remove"], elem_id="remove")

    def on_ingest(
        paths: list[str] | None, code: str, progress: gr.Progress = TRACK_TQDM
    ) -> Iterator[tuple[Any, ...]]:
        yield from ingest_uploads(index, paths, code, progress)

    def on_reindex(code: str, progress: gr.Progress = TRACK_TQDM) -> tuple[Any, ...]:
        return reindex_sources(index, code)

    def on_tick(code: str, shown: Any) -> Any:
        """The table again when its vector counts are not the index's (while vectors are computed, and
        once after): compared with what this browser shows, so no change is missed between two ticks."""
        rows = shown.values.tolist() if hasattr(shown, "values") else (shown or {}).get("data", [])
        return (
            table_view(index, code) if dense_counts(rows) != dense_counts(table_rows(index)) else gr.update()
        )

    gr.Timer(TABLE_REFRESH_SECONDS).tick(on_tick, [lang, table], table, show_progress="hidden")
    ingest.click(on_ingest, [upload, lang], [status, table, files, to_remove])
    reindex.click(on_reindex, lang, [status, table])
    remove.click(lambda name, code: remove_document(index, name, code), [to_remove, lang],
                 [status, table, to_remove, files])  # fmt: skip
    labels = [Label(tab, "corpus"), Label(upload, "upload"), Label(ingest, "ingest", "value"),
              Label(reindex, "reindex", "value"), Label(to_remove, "remove"),
              Label(remove, "remove", "value"),
              Label(table, "documents", render=lambda code: table_view(index, code))]  # fmt: skip
    return DocumentsTab(to_remove, labels)


def table_rows(index: Index) -> list[list[object]]:
    return document_rows(list(index.manifest.documents.values()))


def dense_counts(rows: list[list[Any]]) -> list[tuple[str, str]]:
    """(file, 'dense search' count) of each row of the documents table."""
    return [(str(r[1]), str(r[6])) for r in rows if len(r) > 6 and r[1]]


def table_view(index: Index, code: str) -> dict[str, Any]:
    """The documents table with its headers in the interface language."""
    return {
        "headers": DOCUMENT_HEADERS[code],
        "data": table_rows(index) or [[""] * len(DOCUMENT_HEADERS[code])],
    }


def document_names(index: Index) -> list[str]:
    return sorted(index.manifest.documents)


def ingest_uploads(
    index: Index, paths: list[str] | None, code: str = "es", progress: Any = None
) -> Iterator[tuple[Any, ...]]:
    """(status, table, chat's documents, removal choices) after each uploaded file is ingested, one file
    at a time: `progress` (Gradio's) says which file is being read, and ingestion's own bar how many of
    its chunks are embedded; the status lists each file's result with its warnings as it comes."""
    from assistant.index.write import ingest_paths

    if not paths:
        raise gr.Error(UI[code]["no_file"])
    settings = index.settings
    kept, errors = store_uploads(paths, settings.index_dir / "uploads", settings.ui.max_upload_mb * 1_000_000)
    lines = [f"- ❌ {line}" for line in errors]
    for number, path in enumerate(kept, 1):
        if progress is not None:
            desc = f"{path.name} ({number}/{len(kept)}): {UI[code]['reading']}"
            progress((number - 1, len(kept)), desc=desc, unit=UI[code]["files"])
        try:
            reports = ingest_paths(index, [path], progress=True, vectors=False)
        except AssistantError as exc:  # e.g. another process is writing the index
            raise gr.Error(str(exc)) from exc
        lines += [file_result(r, code) for r in reports]
        yield "\n".join(lines), gr.update(), gr.update(), gr.update()
    if kept:
        compute_vectors(index)  # in the background: the documents are searchable by their words now
    names = document_names(index)
    yield (
        "\n".join(lines),
        table_view(index, code),
        gr.update(choices=names, value=names),
        gr.update(choices=names),
    )


_WORKERS: dict[str, threading.Thread] = {}
_WORKERS_LOCK = threading.Lock()


def compute_vectors(index: Index) -> threading.Thread:
    """Build the situation lexicon, then compute the vectors the documents wait for, in a background
    thread (one per index: a running one picks up what later uploads add). The table's 'dense search'
    column and the chat's notes show how far it is."""
    from assistant.search.situations import finish

    def waiting() -> set[tuple[str, str, int]]:
        return {(d.file, d.doc_id, d.pending) for d in index.waiting().values()}

    def work() -> None:
        try:
            while True:  # until nothing waits, or a pass changed nothing (nothing it can compute)
                before = waiting()
                done = finish(index)
                with _WORKERS_LOCK:  # decided and deregistered at once: a later upload starts a new one
                    left = waiting()
                    if not left or (done == 0 and left == before):
                        _WORKERS.pop(key, None)
                        return
        except Exception:  # logged: the documents stay searchable by their words
            log.exception("computing vectors failed; the next upload tries again")
            with _WORKERS_LOCK:
                _WORKERS.pop(key, None)

    key = str(index.root)
    with _WORKERS_LOCK:
        running = _WORKERS.get(key)
        if running is not None and running.is_alive():
            return running
        current = _WORKERS[key] = threading.Thread(target=work, name="vectors", daemon=True)
        current.start()
        return current


def file_result(report: FileReport, code: str) -> str:
    """One file's line in the status: its outcome, chunks, OCR'd pages and tables, and its warnings."""
    ui = UI[code]
    if report.status == "failed":
        return f"- ❌ {report.error}"
    facts = [f"{report.chunks} {ui['chunks']}"]
    facts += [f"{report.ocr_pages} {ui['ocr_pages']}"] if report.ocr_pages else []
    facts += [f"{report.tables} {ui['tables']}"] if report.tables else []
    warned = "".join(f"\n  - ⚠️ {w}" for w in report.warnings)
    return f"- ✅ {report.file}: {ui.get(report.status, report.status)} ({', '.join(facts)}){warned}"


def reindex_sources(index: Index, code: str = "es") -> tuple[Any, ...]:
    """(status, table) after ingesting again every indexed document whose source file is still there."""
    from assistant.index.write import ingest_paths

    on_disk = [
        Path(d.source) for d in index.manifest.documents.values() if d.source and Path(d.source).is_file()
    ]
    try:
        reports = ingest_paths(index, on_disk, progress=True, vectors=False)
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    compute_vectors(index)
    return "\n".join(f"- {r.file}: {r.status}" for r in reports), table_view(index, code)


def remove_document(index: Index, name: str | None, code: str = "es") -> tuple[Any, ...]:
    """(status, table, removal choices, chat filter choices) after removing one document."""
    from assistant.index.write import remove_documents

    if not name:
        raise gr.Error(UI[code]["no_document"])
    try:
        remove_documents(index, [name])
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    names = document_names(index)
    return (
        f"- {name}: {UI[code]['removed']}",
        table_view(index, code),
        gr.update(choices=names, value=None),
        gr.update(choices=names, value=names),
    )
