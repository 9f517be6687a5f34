"""question -> QueryPlan: its language, a Spanish version for searching Spanish sources (Apertium
translation where installed, the domain glossary always), and explicit article references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.language import detect_language
from assistant.search.translate import glossary_terms, translate

# "art. 92 COIP", "artículo 407 de la Constitución", "article 260 du code pénal", "Art. 10 bis"
REFERENCE = re.compile(
    r"\b(?:art[íi]culos?|articles?|arts?\.?)\s*(?P<num>\d{1,4}(?:\.\d{1,3})?)"
    r"(?:\s*(?P<suffix>bis|ter|quater)\b)?(?P<rest>[^?.;]{0,60})",
    re.IGNORECASE,
)
_DOC_HINTS = {
    "coip": "coip",
    "código orgánico integral penal": "coip",
    "code pénal": "coip",
    "penal code": "coip",
    "constitución": "constitu",
    "constitution": "constitu",
    "garantías jurisdiccionales": "garantias",
    "garanties juridictionnelles": "garantias",
    "jurisdictional guarantees": "garantias",
}


@dataclass(frozen=True, slots=True)
class Reference:
    """An article named in the question, and a hint of which document (a file-name fragment)."""

    article: str
    document: str = ""


@dataclass(frozen=True, slots=True)
class QueryPlan:
    question: str
    language: str
    spanish: str  # the question in Spanish (itself when already Spanish)
    expansions: tuple[str, ...] = ()  # Spanish glossary terms for the question's terms
    references: tuple[Reference, ...] = ()
    translated: bool = False  # True when Apertium produced `spanish`
    unknown: tuple[str, ...] = field(default=())  # words Apertium did not know


def find_references(question: str) -> tuple[Reference, ...]:
    refs = []
    for match in REFERENCE.finditer(question):
        article = f"Art. {match.group('num')}" + (
            f" {match.group('suffix').lower()}" if match.group("suffix") else ""
        )
        rest = match.group("rest").lower()
        document = next((frag for hint, frag in _DOC_HINTS.items() if hint in rest), "")
        refs.append(Reference(article, document))
    return tuple(refs)


def plan_query(question: str, use_translation: bool = True) -> QueryPlan:
    """Everything the retriever needs to search Spanish sources with a Spanish, French or English question."""
    language = detect_language(question)
    references = find_references(question)
    if language == "es":
        return QueryPlan(question, "es", question, (), references)
    expansions, _ = glossary_terms(question, language)
    translation = translate(question, language) if use_translation else None
    if translation is None:
        spanish = " ".join(expansions) or question
        return QueryPlan(question, language, spanish, tuple(expansions), references)
    spanish, unknown = translation
    return QueryPlan(question, language, spanish, tuple(expansions), references, True, unknown)
