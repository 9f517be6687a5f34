"""RawDocument + cleaned lines -> DocumentInfo: title, document type and language."""

from __future__ import annotations

import re

from assistant.ingest.clean import Cleaned
from assistant.ingest.extract import RawDocument
from assistant.ingest.legal import ARTICLE, STRUCTURE, count_articles
from assistant.language import detect_language, fold
from assistant.types import DOC_TYPES, DocType, DocumentInfo

_KEYWORD_TYPE = re.compile(r"doc_type\s*=\s*(\w+)")
_KEYWORD_LANG = re.compile(r"lang\s*=\s*(es|fr|en)\b")


def describe(raw: RawDocument, cleaned: Cleaned) -> DocumentInfo:
    """Infer what the document is; PDF keywords 'doc_type=...; lang=...' win when present."""
    body = " ".join(line.text for line in cleaned.lines[:4000])
    keywords = raw.metadata.get("keywords", "")
    title = _title(raw, cleaned)
    language = _keyword(_KEYWORD_LANG, keywords) or detect_language(body)
    keyword_type = _keyword(_KEYWORD_TYPE, keywords)
    doc_type = next((t for t in DOC_TYPES if t == keyword_type), None) or _guess_type(
        title, raw.file, cleaned
    )
    return DocumentInfo(raw.doc_id, raw.file, title, doc_type, language, len(raw.pages))


def _keyword(pattern: re.Pattern[str], keywords: str) -> str:
    match = pattern.search(keywords.lower())
    return match.group(1) if match else ""


def _title(raw: RawDocument, cleaned: Cleaned) -> str:
    """The PDF's title, unless it is junk (a file name, "Microsoft Word - ...", "Untitled", a working
    label such as "Borrador", the watermark vendor's name) or only the start of the title printed on the
    first page; then the title printed on the first page."""
    meta = raw.metadata.get("title", "").strip()
    vendor = any(name in meta.lower().replace(" ", "") for name in cleaned.vendor_tokens)
    printed = _printed_title(cleaned)
    if meta and not vendor and len(meta) > 3 and not _junk_title(meta) and not _truncated(meta, printed):
        return meta
    return (printed or raw.file)[:200]


# Titles that word processors and workflows leave in PDF metadata instead of the document's title.
_JUNK_TITLE = re.compile(
    r"""^(?:microsoft\s+\w+\s*-|word\s*-)         # "Microsoft Word - Informe final.docx"
    | \.(?:docx?|odt|rtf|txt|pdf|indd|pages|pptx?|xlsx?)$  # a file name
    | ^[\w.-]*[_\d][\w.-]*$                        # one token with _ or digits: "informe_v3", "Doc1"
    | ^(?:untitled|sin\s+t[ií]tulo|sans\s+titre|t[ií]tulo|title|titre)\b
    | ^(?:anteproyecto|borrador|draft|brouillon|versi[oó]n\s+final|final)(?:[\s_-]*v?\d+)?$
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A title line goes on when it ends like this (or the next line starts in lower case).
_GOES_ON = re.compile(
    r"(?:[,:;–-]|\b(?:y|e|o|u|de|del|la|las|los|el|en|a|al|para|por|con|sobre|contra|entre|and|of|for|"
    r"the|in|on|to|et|des|du|de la|le|les|pour|sur|dans))$",
    re.IGNORECASE,
)


def _junk_title(meta: str) -> bool:
    return bool(_JUNK_TITLE.search(meta.strip()))


def _truncated(meta: str, printed: str) -> bool:
    """The metadata holds only the first words of the printed title ("Informe especial")."""
    short, full = fold(meta).strip(" .:"), fold(printed)
    return bool(short) and full.startswith(short) and len(full) >= 1.5 * len(short) + 10


def _printed_title(cleaned: Cleaned) -> str:
    """The first page's title: its leading capitalised lines (a law: 'LEY ORGÁNICA DE ... Y', 'CONTROL
    CONSTITUCIONAL'), else its first line with the lines it wraps onto ('Informe especial:', 'Peligros y
    Vulneraciones de DDHH de Niños,', 'Niñas y ... Frontera y', 'Actividades Mineras.')."""
    if not cleaned.lines:
        return ""
    first_page = [ln.text for ln in cleaned.lines[:12] if ln.page == cleaned.lines[0].page]
    parts: list[str] = []
    for text in first_page:
        if STRUCTURE.match(text) or ARTICLE.match(text) or len(parts) == 3:
            break
        if text.isupper() or (parts and parts[-1].endswith((",", " DE", " Y", " DEL"))):
            parts.append(text)
        elif parts:
            break
    if parts:
        return " ".join(parts).strip(" ,")
    parts = first_page[:1]
    for text in first_page[1:6]:
        previous = parts[-1]
        if previous.endswith((".", "?", "!")) or not (_GOES_ON.search(previous) or text[:1].islower()):
            break
        parts.append(text)
    return " ".join(parts).rstrip(" .,:;")


def _guess_type(title: str, file: str, cleaned: Cleaned) -> DocType:
    name = f"{title} {file}".lower()
    articles = count_articles(cleaned.lines)
    if articles >= 3 and articles >= len({line.page for line in cleaned.lines}) / 2:
        if re.search(r"^constitu|constitución de la república|constitution de la", name):
            return "constitution"
        if "reglamento" in name or "règlement" in name:
            return "regulation"
        return "law"
    if re.search(r"\bplan\b", name):
        return "plan"
    if re.search(r"notas|notes|compte.rendu|entrevista|acta|minutes|terrain|campo", name):
        return "notes"
    return "report"
