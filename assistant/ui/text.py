"""Interface text in Spanish, French and English, and the HTML of the sources panel."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

from assistant.answer.messages import citation_label
from assistant.answer.text import split_units
from assistant.index.manifest import DocumentEntry
from assistant.language import LANGUAGES
from assistant.types import Answer, Citation, Hit

if TYPE_CHECKING:
    from assistant.index import Index

UI: dict[str, dict[str, str]] = {
    "es": {
        "chat": "Conversación", "corpus": "Documentos", "evaluate": "Evaluación", "question": "Pregunta",
        "ask": "Preguntar", "sources": "Fuentes", "documents": "Documentos", "types": "Tipos de documento",
        "upload": "Añadir PDF", "ingest": "Indexar", "remove": "Quitar", "reindex": "Reindexar todo",
        "qa": "Archivo de preguntas de referencia", "run": "Evaluar", "language": "Idioma",
        "extractive": "Modo extractivo: citas textuales, sin modelo de lenguaje",
        "model": "Modelo", "open": "abrir el PDF en la página", "no_sources": "Aún no hay fuentes.",
        "clear": "Nueva conversación", "draft": "Borrador", "generate": "Generar",
        "stop": "Detener", "scope": "Documentos consultados", "filters": "Filtros",
        "export": "Exportar", "nothing_to_export": "Aún no hay conversación que exportar.",
        "section": "Sección", "draft_language": "Idioma del borrador", "axis": "Eje",
        "both": "Ambos ejes", "axis_a": "A — trata de personas", "axis_b": "B — riesgo socioambiental",
        "baseline": "Comparar con la línea base del tutorial de LangChain",
        "metric": "Métrica",
        "value": "Valor",
        "no_file": "Ningún archivo: elija uno primero.",
        "no_document": "Ningún documento: elija uno primero.",
        "removed": "quitado", "chunks": "fragmentos", "no_draft": "Genere primero un borrador.",
        "reading": "leyendo páginas y creando fragmentos",
        "waiting_vectors": "⏳ {file}: búsqueda densa {done}/{total}; sus demás fragmentos se encuentran por "
        "sus palabras mientras se calculan sus vectores",
        "ocr_pages": "páginas leídas por OCR",
        "tables": "tablas",
        "ingested": "indexado",
        "replaced": "reemplazado",
        "unchanged": "sin cambios",
        "files": "archivos",
        "not_found": "el texto de la página no contiene la cita: se abre la página sin resaltar",
        "viewer": "Haga clic en una cita para ver su página aquí, con el pasaje resaltado.",
        "no_highlight": "página leída por OCR: el pasaje no se puede resaltar en el PDF",
    },
    "fr": {
        "chat": "Conversation", "corpus": "Documents", "evaluate": "Évaluation", "question": "Question",
        "ask": "Demander", "sources": "Sources", "documents": "Documents", "types": "Types de document",
        "upload": "Ajouter des PDF", "ingest": "Indexer", "remove": "Retirer", "reindex": "Tout réindexer",
        "qa": "Fichier de questions de référence", "run": "Évaluer", "language": "Langue",
        "extractive": "Mode extractif : citations textuelles, sans modèle de langue",
        "model": "Modèle", "open": "ouvrir le PDF à la page", "no_sources": "Pas encore de sources.",
        "clear": "Nouvelle conversation", "draft": "Brouillon", "generate": "Générer",
        "stop": "Arrêter", "scope": "Documents consultés", "filters": "Filtres",
        "export": "Exporter", "nothing_to_export": "Pas encore de conversation à exporter.",
        "section": "Section", "draft_language": "Langue du brouillon", "axis": "Axe",
        "both": "Les deux axes",
        "axis_a": "A — traite des personnes",
        "axis_b": "B — risque socio-environnemental",
        "baseline": "Comparer avec la référence du tutoriel LangChain",
        "metric": "Métrique",
        "value": "Valeur",
        "no_file": "Aucun fichier : choisissez-en un d'abord.",
        "no_document": "Aucun document : choisissez-en un d'abord.",
        "removed": "retiré", "chunks": "fragments", "no_draft": "Générez d'abord un brouillon.",
        "reading": "lecture des pages et découpage",
        "waiting_vectors": "⏳ {file} : recherche dense {done}/{total} ; ses autres fragments sont trouvés "
        "par leurs mots pendant le calcul de leurs vecteurs",
        "ocr_pages": "pages lues par OCR",
        "tables": "tableaux",
        "ingested": "indexé",
        "replaced": "remplacé",
        "unchanged": "inchangé",
        "files": "fichiers",
        "not_found": "le texte de la page ne contient pas la citation : la page s'ouvre sans surlignage",
        "viewer": "Cliquez sur une citation pour voir sa page ici, le passage surligné.",
        "no_highlight": "page lue par OCR : le passage ne peut pas être surligné dans le PDF",
    },
    "en": {
        "chat": "Chat", "corpus": "Documents", "evaluate": "Evaluation", "question": "Question",
        "ask": "Ask", "sources": "Sources", "documents": "Documents", "types": "Document types",
        "upload": "Add PDFs", "ingest": "Index", "remove": "Remove", "reindex": "Re-index all",
        "qa": "Reference question file", "run": "Evaluate", "language": "Language",
        "extractive": "Extractive mode: verbatim quotes, no language model",
        "model": "Model", "open": "open the PDF at page", "no_sources": "No sources yet.",
        "clear": "New conversation", "draft": "Draft", "generate": "Generate",
        "stop": "Stop", "scope": "Documents searched", "filters": "Filters",
        "export": "Export", "nothing_to_export": "No conversation to export yet.",
        "section": "Section", "draft_language": "Draft language", "axis": "Axis",
        "both": "Both axes", "axis_a": "A — trafficking in persons", "axis_b": "B — socio-environmental risk",
        "baseline": "Compare with the LangChain tutorial baseline", "metric": "Metric", "value": "Value",
        "no_file": "No file: choose one first.", "no_document": "No document: choose one first.",
        "removed": "removed", "chunks": "chunks", "no_draft": "Generate a draft first.",
        "reading": "reading pages and cutting chunks",
        "waiting_vectors": "⏳ {file}: dense search {done}/{total}; its other chunks are found by their "
        "words while their vectors are computed",
        "ocr_pages": "pages read by OCR",
        "tables": "tables",
        "ingested": "ingested",
        "replaced": "replaced",
        "unchanged": "unchanged",
        "files": "files",
        "not_found": "the page's text does not hold the quote: the page opens without a highlight",
        "viewer": "Click a citation to see its page here, with the passage highlighted.",
        "no_highlight": "page read by OCR: the passage cannot be highlighted in the PDF",
    },
}  # fmt: skip


def browser_language(accept_language: str, default: str = "es") -> str:
    """The first of es/fr/en in an Accept-Language header ('fr-FR,fr;q=0.9,en;q=0.8' -> 'fr')."""
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default


VIEWER = "/pdfjs/web/viewer.html"  # PDF.js, served by the app (`ui.pdfjs_dir`)
VIEWER_FRAME = "pdf-viewer"  # the name of the frame beside the answer that citations open in
SEARCH_WORDS = 12  # the phrase PDF.js looks for: long enough to be unique on a page, short enough to match


def pdf_link(file: str, page: int) -> str:
    """The app's route to an indexed PDF, opened at a page by the browser's viewer."""
    return f"/pdf/{quote(file)}#page={page}"


def search_phrase(quoted: str) -> str:
    """What PDF.js highlights on the page: the last sentence or item of the quote's first piece (the
    one that answers, after any lead-in), without its item number or article heading, at most
    SEARCH_WORDS words ("Con pena privativa de libertad de dieciséis a diecinueve años.")."""
    first = re.split(r" … | \[…\] ", quoted)[0]
    units = split_units(first) or [first]
    unit = re.sub(r"^Art\.\s*[\w.]+\s*\.?-\s*(?:[^.]{3,200}?\.\s*-\s*)?", "", units[-1])
    unit = re.sub(r"^(?:\d+|[a-z])[.)]\s+", "", unit)
    return " ".join(unit.replace('"', " ").split()[:SEARCH_WORDS])


def viewer_link(file: str, page: int, quoted: str, highlight: bool = True) -> str:
    """PDF.js at the cited page, searching the quote's phrase on it (`highlight`; not for OCR'd pages,
    whose text layer is not the quote's text)."""
    link = f"{VIEWER}?file={quote(pdf_link(file, page).split('#')[0], safe='')}#page={page}&zoom=page-width"
    phrase = search_phrase(quoted) if highlight else ""
    return link + (f"&search={quote(phrase)}&phrase=true" if phrase else "")


def has_viewer(index: Index) -> bool:
    """PDF.js is installed where `ui.pdfjs_dir` says (its viewer page and its library)."""
    folder = index.settings.ui.pdfjs_dir
    return (folder / "web" / "viewer.html").is_file() and (folder / "build" / "pdf.js").is_file()


def viewer_frame(language: str) -> str:
    """The frame beside the answer where citations open, with a hint until the first one is clicked."""
    hint = html.escape(UI[language]["viewer"])
    return (f"<iframe name='{VIEWER_FRAME}' id='{VIEWER_FRAME}' title='PDF' srcdoc=\"<p style='font-family:"
            f"sans-serif;color:#666'>{hint}</p>\" style='width:100%;height:640px;border:1px solid #ddd'>"
            "</iframe>")  # fmt: skip


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


def sources_html(
    answer: Answer | None,
    language: str,
    viewer: bool = False,
    findable: Callable[[Citation], bool] | None = None,
) -> str:
    """One card per citation: label, link to the PDF page (in the viewer beside the answer, the quote
    highlighted on the page, when PDF.js is served: `viewer`; `findable` says whether the page's text
    layer holds the quote's phrase — not for OCR'd pages), the passage with the quote highlighted."""
    ui = UI[language]
    if answer is None or not answer.citations:
        return f"<p class='no-sources'>{ui['no_sources']}</p>"
    passages: dict[str, Hit] = {h.chunk.chunk_id: h for h in answer.hits}
    cards = []
    for c in answer.citations:
        hit = passages.get(c.chunk_id)
        label = html.escape(citation_label(c, language))
        passage = _highlight(hit.chunk.text, c.quote) if hit else html.escape(c.quote)
        found = not c.ocr and (findable is None or findable(c))
        if viewer:
            link, target = viewer_link(c.file, c.page_start, c.quote, found), VIEWER_FRAME
        else:
            link, target = pdf_link(c.file, c.page_start), "_blank"
        reason = ui["no_highlight"] if c.ocr else ui["not_found"]
        note = f" <small class='no-highlight'>({reason})</small>" if viewer and not found else ""
        cards.append(
            f"<details class='source' id='source-{c.n}' open><summary>[{c.n}] {label}</summary>"
            f"<p><a class='pdf-link' href='{html.escape(link)}' target='{target}' rel='noopener'>"
            f"{ui['open']} {c.page_start} — {html.escape(c.file)}</a>{note}</p>"
            f"<div class='passage'>{passage}</div></details>"
        )
    return "\n".join(cards)


def mode_badge(model: str, language: str) -> str:
    ui = UI[language]
    return f"**{ui['model']}:** {model}" if model else f"**{ui['extractive']}**"


def waiting_lines(documents: Sequence[DocumentEntry], code: str) -> list[str]:
    """One line per document whose vectors are still being computed, in the interface language."""
    line = UI[code]["waiting_vectors"]
    return [line.format(file=d.file, done=d.embedded, total=len(d.chunk_ids)) for d in documents if d.pending]


def document_rows(documents: Sequence[DocumentEntry]) -> list[list[object]]:
    """Rows of the corpus table from manifest entries ('dense search': chunks with their vector)."""
    return [
        [d.title, d.file, d.doc_type, d.language, d.pages, len(d.chunk_ids),
         f"{d.embedded}/{len(d.chunk_ids)}", d.articles, d.ocr_pages, d.tables, "; ".join(d.warnings)]
        for d in documents
    ]  # fmt: skip


DOCUMENT_HEADERS = {
    "es": ["título", "archivo", "tipo", "idioma", "páginas", "fragmentos", "búsqueda densa", "artículos",
           "páginas OCR", "tablas", "advertencias"],
    "fr": ["titre", "fichier", "type", "langue", "pages", "fragments", "recherche dense", "articles",
           "pages OCR", "tableaux", "avertissements"],
    "en": ["title", "file", "type", "language", "pages", "chunks", "dense search", "articles", "OCR pages",
           "tables", "warnings"],
}  # fmt: skip
