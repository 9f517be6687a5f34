"""The fixed sentences of an answer in each language (the chat prompts live in prompts/, not here)."""

from __future__ import annotations

from assistant.types import Citation

ABSTAIN = {
    "es": "No encontré esta información en los documentos indexados.",
    "fr": "Je n'ai pas trouvé cette information dans les documents indexés.",
    "en": "I did not find this information in the indexed documents.",
}
LEAD = {
    "es": "Estos son los pasajes de los documentos indexados que responden a la pregunta:",
    "fr": "Voici les passages des documents indexés qui répondent à la question :",
    "en": "These are the passages of the indexed documents that answer the question:",
}
NO_MODEL = {
    "es": "Respuesta extractiva: citas textuales de las fuentes, sin modelo de lenguaje.",
    "fr": "Réponse extractive : citations textuelles des sources, sans modèle de langue.",
    "en": "Extractive answer: verbatim quotes from the sources, no language model used.",
}
GIST = {
    "es": "Traducción automática (Apertium, aproximada)",
    "fr": "Traduction automatique (Apertium, approximative)",
    "en": "Machine translation (Apertium, rough)",
}
CLOSEST = {
    "es": "Lo más cercano que encontré, que no basta para responder:",
    "fr": "Le plus proche que j'ai trouvé, qui ne suffit pas pour répondre :",
    "en": "The closest I found, which is not enough to answer:",
}
UNSUPPORTED = {
    "es": "[sin respaldo en la fuente citada]",
    "fr": "[non étayé par la source citée]",
    "en": "[not supported by the cited source]",
}
REPEALED = {"es": "derogado", "fr": "abrogé", "en": "repealed"}
PAGE = {"es": ("p.", "pp."), "fr": ("p.", "p."), "en": ("p.", "pp.")}
OCR = {"es": "OCR", "fr": "OCR", "en": "OCR"}  # the page was read from its image: the quote may hold misreads


def source_label(
    title: str,
    article: str | None,
    page_start: int,
    page_end: int,
    language: str,
    repealed: bool = False,
    ocr: bool = False,
) -> str:
    """'“CÓDIGO ORGÁNICO INTEGRAL PENAL”, Art. 92, p. 38': the title quoted, as the proper name it is;
    repealed law says so ('“CÓDIGO PENAL” (derogado), Art. 18, p. 148'), and OCR'd text too ('p. 2, OCR')."""
    one, many = PAGE.get(language, PAGE["en"])
    pages = f"{one} {page_start}" if page_start == page_end else f"{many} {page_start}-{page_end}"
    name = f"“{title}” ({REPEALED[language]})" if repealed else f"“{title}”"
    mark = OCR.get(language, OCR["en"]) if ocr else ""
    return ", ".join(part for part in (name, article or "", pages, mark) if part)


def citation_label(citation: Citation, language: str, repealed: bool = False) -> str:
    """`source_label` of a numbered citation: its document, article, pages, and OCR when it was read so."""
    c = citation
    return source_label(c.title, c.article, c.page_start, c.page_end, language, repealed, c.ocr)
