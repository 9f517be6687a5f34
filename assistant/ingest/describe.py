"""RawDocument + cleaned lines -> DocumentInfo: title, document type and language."""

from __future__ import annotations

import re

from assistant.ingest.clean import Cleaned
from assistant.ingest.extract import RawDocument
from assistant.ingest.legal import ARTICLE, STRUCTURE, count_articles
from assistant.language import detect_language
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
    """PDF title unless it names the watermark's vendor, else the first capitalised lines of page 1."""
    meta = raw.metadata.get("title", "").strip()
    vendor = any(name in meta.lower().replace(" ", "") for name in cleaned.vendor_tokens)
    if meta and not vendor and len(meta) > 3:
        return meta
    first_page = [ln.text for ln in cleaned.lines[:12] if ln.page == cleaned.lines[0].page]
    parts: list[str] = []
    for text in first_page:
        if STRUCTURE.match(text) or ARTICLE.match(text) or len(parts) == 3:
            break
        if text.isupper() or (parts and parts[-1].endswith((",", " DE", " Y", " DEL"))):
            parts.append(text)
        elif parts:
            break
    title = " ".join(parts).strip(" ,") or (first_page[0] if first_page else raw.file)
    return title[:200]


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
