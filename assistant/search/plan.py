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


# The question is about the law (an offence, a penalty, a right, a court), not about a report's facts.
LEGAL = re.compile(
    r"delit|crime|crim|\bpenas?\b|peine|sentence|prison|c[aá]rcel|juez|judge|juge|\bley\b|\bloi\b|\blaw\b"
    r"|constitu|c[oó]d(?:e|igo)\b|legal|art[ií]cle|art[ií]culo|sanci[oó]n|sanction|infracci|infraction|offen"
    r"|punish|castig|proces|\baction\b|acci[oó]n|tribunal|court|fiscal|prosecut|procureur|denunci|plainte"
    r"|complaint|derecho|droit|right",
    re.IGNORECASE,
)
# The question asks about the old (repealed) code: "Código Penal de 1971", "l'ancien Code pénal".
OLD_LAW = re.compile(
    r"1971|c[oó]digo penal (?:anterior|derogado|de 1971)|ancien code p[eé]nal|(?:old|former|previous) "
    r"penal code|derogad|repealed|abrog[eé]",
    re.IGNORECASE,
)

# ...but "is the 1971 code still in force?" is answered by the current law that repealed it.
STILL_IN_FORCE = re.compile(
    r"vigente|vigencia|en vigueur|in force|still|todav[ií]a|a[uú]n\b|sigue|encore|toujours", re.IGNORECASE
)


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
    legal: bool = False  # asks about the law (LEGAL): report passages are ranked a little lower
    old_law: bool = False  # asks about the repealed code (OLD_LAW): it is preferred, not demoted


def asks_about_old_law(question: str) -> bool:
    """The question asks what the repealed code said, not whether it still applies."""
    return bool(OLD_LAW.search(question)) and not STILL_IN_FORCE.search(question)


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
    legal, old_law = bool(LEGAL.search(question)), asks_about_old_law(question)
    if language == "es":
        return QueryPlan(question, "es", question, (), references, legal=legal, old_law=old_law)
    expansions, _ = glossary_terms(question, language)
    translation = translate(question, language) if use_translation else None
    if translation is None:
        spanish = " ".join(expansions) or question
        return QueryPlan(
            question, language, spanish, tuple(expansions), references, legal=legal, old_law=old_law
        )
    spanish, unknown = translation
    return QueryPlan(
        question, language, spanish, tuple(expansions), references, True, unknown,
        legal=legal, old_law=old_law,
    )  # fmt: skip
