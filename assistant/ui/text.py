"""Interface text in Spanish, French and English, and the HTML of the sources panel."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import quote

from assistant.answer.messages import citation_label
from assistant.index.manifest import DocumentEntry
from assistant.language import LANGUAGES
from assistant.types import Answer, Hit

UI: dict[str, dict[str, str]] = {
    "es": {
        "chat": "Conversación", "corpus": "Documentos", "evaluate": "Evaluación", "question": "Pregunta",
        "ask": "Preguntar", "sources": "Fuentes", "documents": "Documentos", "types": "Tipos de documento",
        "upload": "Añadir PDF", "ingest": "Indexar", "remove": "Quitar", "reindex": "Reindexar todo",
        "qa": "Archivo de preguntas de referencia", "run": "Evaluar", "language": "Idioma",
        "extractive": "Modo extractivo: citas textuales, sin modelo de lenguaje",
        "model": "Modelo", "open": "abrir el PDF en la página", "no_sources": "Aún no hay fuentes.",
        "clear": "Nueva conversación", "draft": "Borrador", "generate": "Generar",
    },
    "fr": {
        "chat": "Conversation", "corpus": "Documents", "evaluate": "Évaluation", "question": "Question",
        "ask": "Demander", "sources": "Sources", "documents": "Documents", "types": "Types de document",
        "upload": "Ajouter des PDF", "ingest": "Indexer", "remove": "Retirer", "reindex": "Tout réindexer",
        "qa": "Fichier de questions de référence", "run": "Évaluer", "language": "Langue",
        "extractive": "Mode extractif : citations textuelles, sans modèle de langue",
        "model": "Modèle", "open": "ouvrir le PDF à la page", "no_sources": "Pas encore de sources.",
        "clear": "Nouvelle conversation", "draft": "Brouillon", "generate": "Générer",
    },
    "en": {
        "chat": "Chat", "corpus": "Documents", "evaluate": "Evaluation", "question": "Question",
        "ask": "Ask", "sources": "Sources", "documents": "Documents", "types": "Document types",
        "upload": "Add PDFs", "ingest": "Index", "remove": "Remove", "reindex": "Re-index all",
        "qa": "Reference question file", "run": "Evaluate", "language": "Language",
        "extractive": "Extractive mode: verbatim quotes, no language model",
        "model": "Model", "open": "open the PDF at page", "no_sources": "No sources yet.",
        "clear": "New conversation", "draft": "Draft", "generate": "Generate",
    },
}  # fmt: skip


def browser_language(accept_language: str, default: str = "es") -> str:
    """The first of es/fr/en in an Accept-Language header ('fr-FR,fr;q=0.9,en;q=0.8' -> 'fr')."""
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default


def pdf_link(file: str, page: int) -> str:
    """The app's route to an indexed PDF, opened at a page by the browser's viewer."""
    return f"/pdf/{quote(file)}#page={page}"


def _highlight(passage: str, quote_text: str) -> str:
    """The passage, escaped, with each quoted piece marked."""
    out = html.escape(passage)
    for piece in re.split(r" … | \[…\] ", quote_text):
        piece = " ".join(piece.split())
        if len(piece) < 8:
            continue
        pattern = r"\s+".join(re.escape(html.escape(word)) for word in piece.split())
        out = re.sub(pattern, lambda m: f"<mark>{m.group(0)}</mark>", out, count=1)
    return out


def sources_html(answer: Answer | None, language: str) -> str:
    """One card per citation: label, link to the PDF page, the passage with the quote highlighted."""
    ui = UI[language]
    if answer is None or not answer.citations:
        return f"<p class='no-sources'>{ui['no_sources']}</p>"
    passages: dict[str, Hit] = {h.chunk.chunk_id: h for h in answer.hits}
    cards = []
    for c in answer.citations:
        hit = passages.get(c.chunk_id)
        label = html.escape(citation_label(c, language))
        passage = _highlight(hit.chunk.text, c.quote) if hit else html.escape(c.quote)
        link = pdf_link(c.file, c.page_start)
        cards.append(
            f"<details class='source' id='source-{c.n}' open><summary>[{c.n}] {label}</summary>"
            f"<p><a class='pdf-link' href='{link}' target='_blank' rel='noopener'>{ui['open']} {c.page_start}"
            f" — {html.escape(c.file)}</a></p><div class='passage'>{passage}</div></details>"
        )
    return "\n".join(cards)


def mode_badge(model: str, language: str) -> str:
    ui = UI[language]
    return f"**{ui['model']}:** {model}" if model else f"**{ui['extractive']}**"


def document_rows(documents: Sequence[DocumentEntry]) -> list[list[object]]:
    """Rows of the corpus table from manifest entries."""
    return [
        [d.title, d.file, d.doc_type, d.language, d.pages, len(d.chunk_ids), d.articles, d.ocr_pages,
         d.tables, "; ".join(d.warnings)]
        for d in documents
    ]  # fmt: skip


DOCUMENT_HEADERS = ["title", "file", "type", "language", "pages", "chunks", "articles", "OCR pages", "tables",
                    "warnings"]  # fmt: skip
