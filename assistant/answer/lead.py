"""Legal facts -> the lines an extractive answer opens with, in the question's language:
« Peine : 19 à 22 ans de privation de liberté, si la victime… — art. 92, num. 2 [1] ».

Which facts lead: those the question asks for first (a penalty for "quelle peine ?", a time limit for
"how long do I have?"), then any other fact of the best quotes, at most `MAX_LEAD` in all. A fact is
written only when every number it states appears in its quote (`facts.stated`): the lead never says
what the quotes below it do not."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answer.facts import asked_kinds, stated
from assistant.types import FactKind, LegalFact

MAX_LEAD = 3  # facts in a lead: enough for "basic penalty, aggravated penalty, fine"
Gist = Callable[[str], str | None]  # Spanish condition -> the question's language (None: unavailable)

LABEL: dict[str, dict[FactKind, str]] = {
    "es": {"penalty": "Pena", "fine": "Multa", "time_limit": "Plazo"},
    "fr": {"penalty": "Peine", "fine": "Amende", "time_limit": "Délai"},
    "en": {"penalty": "Penalty", "fine": "Fine", "time_limit": "Time limit"},
}
HEADER = {
    "es": "En resumen, según los pasajes citados:",
    "fr": "En bref, d'après les passages cités :",
    "en": "In short, according to the passages quoted:",
}
UNITS = {  # (singular, plural)
    "es": {"years": ("año", "años"), "months": ("mes", "meses"), "days": ("día", "días"),
           "working_days": ("día hábil", "días hábiles"), "hours": ("hora", "horas")},
    "fr": {"years": ("an", "ans"), "months": ("mois", "mois"), "days": ("jour", "jours"),
           "working_days": ("jour ouvrable", "jours ouvrables"), "hours": ("heure", "heures")},
    "en": {"years": ("year", "years"), "months": ("month", "months"), "days": ("day", "days"),
           "working_days": ("working day", "working days"), "hours": ("hour", "hours")},
}  # fmt: skip
RANGE = {"es": ("{low} a {high}", "hasta {high}"), "fr": ("{low} à {high}", "jusqu'à {high}"),
         "en": ("{low} to {high}", "up to {high}")}  # fmt: skip
# A penalty's kind: deprivation of liberty (the COIP), or the repealed code's reclusión and prisión.
MEASURE = {
    "es": {"liberty": "de pena privativa de libertad", "reclusion": "de reclusión", "prison": "de prisión"},
    "fr": {"liberty": "de privation de liberté", "reclusion": "de réclusion", "prison": "d'emprisonnement"},
    "en": {"liberty": "of imprisonment", "reclusion": "of imprisonment (reclusión)",
           "prison": "of imprisonment (prisión)"},
}  # fmt: skip
SBU = {
    "es": "salarios básicos unificados",
    "fr": "salaires de base unifiés (SBU)",
    "en": "unified basic salaries (SBU)",
}
COLON = {"es": ": ", "fr": " : ", "en": ": "}  # French sets a space before the colon
ITEM = {"es": "num.", "fr": "num.", "en": "item"}
REPEALED = {"es": "ley derogada", "fr": "loi abrogée", "en": "repealed law"}


def choose(facts: Sequence[tuple[LegalFact, int]], question: str) -> list[LegalFact]:
    """The facts to lead with, from one source: the first cited passage that states a fact of a kind
    the question asks for (or any fact, when it asks for none); asked kinds first, each fact once.
    A lower passage's figures are often another offence's, so they never lead."""
    asked = asked_kinds(question)
    wanted = [(f, n) for f, n in facts if f.kind in asked] or list(facts)
    if not wanted:
        return []
    source = min(n for _, n in wanted)
    ordered = sorted((f for f, n in facts if n == source), key=lambda f: f.kind not in asked)
    seen: set[tuple[object, ...]] = set()
    out: list[LegalFact] = []
    for fact in ordered:
        key = (fact.kind, fact.low, fact.high, fact.unit, fact.condition)
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out[:MAX_LEAD]


def _count(n: int, unit: str, language: str) -> str:
    one, many = UNITS[language][unit]
    return f"{n} {one if n == 1 else many}"


def value(fact: LegalFact, language: str) -> str:
    """'19 à 22 ans de privation de liberté', '300 to 600 unified basic salaries (SBU)', 'hasta 20 días'."""
    span, upto = RANGE[language]
    if fact.kind == "fine":
        if fact.low is None:
            amount = upto.format(high=fact.high)
        else:
            amount = str(fact.high) if fact.low == fact.high else span.format(low=fact.low, high=fact.high)
        return f"{amount} {SBU[language]}"
    high = _count(fact.high, fact.unit, language)
    if fact.low is None:
        amount = upto.format(high=high)
    elif fact.low == fact.high and fact.low_unit == fact.unit:
        amount = high
    elif fact.low_unit != fact.unit:
        amount = span.format(low=_count(fact.low, fact.low_unit, language), high=high)
    else:
        amount = f"{span.format(low=fact.low, high=fact.high)} {UNITS[language][fact.unit][1]}"
    if fact.kind == "time_limit":
        return amount
    kind = "reclusion" if "reclus" in fact.measure else "prison" if "prisi" in fact.measure else "liberty"
    return f"{amount} {MEASURE[language][kind]}"


def condition(fact: LegalFact, language: str, gist: Gist | None) -> str:
    """The fact's condition in the reader's language, after a comma (so lower-cased): verbatim in
    Spanish; elsewhere a machine translation, or the Spanish words in quotation marks without one."""
    if not fact.condition:
        return ""
    translated = fact.condition if language == "es" else (gist(fact.condition) or "").strip() if gist else ""
    if not translated:
        return f"«{fact.condition}»"
    return translated[0].lower() + translated[1:]


def where(fact: LegalFact, n: int, language: str) -> str:
    """'art. 92, num. 2 [1]' — the article, its item and the citation number; repealed law says so."""
    parts = [fact.article.replace("Art.", "art.") if fact.article else ""]
    if fact.item:
        parts.append(f"{ITEM[language]} {fact.item}")
    place = ", ".join(p for p in parts if p)
    tail = f" ({REPEALED[language]})" if fact.repealed else ""
    return f"{place} [{n}]{tail}".strip()


def lead_lines(
    facts: Sequence[tuple[LegalFact, int, str]], question: str, language: str, gist: Gist | None = None
) -> tuple[list[str], list[LegalFact]]:
    """(fact, citation number, quote) -> the lead's lines (header first; none when no fact qualifies)
    and the facts they state. A fact whose numbers its quote does not state is never written."""
    number = {id(f): n for f, n, _ in facts}
    chosen = choose([(f, n) for f, n, q in facts if stated(f, [q])], question)
    if not chosen:
        return [], []
    lines = [HEADER[language], *(f"- {fact_line(f, number[id(f)], language, gist)}" for f in chosen)]
    return lines, chosen


def fact_line(fact: LegalFact, n: int, language: str, gist: Gist | None = None) -> str:
    """'Peine : 19 à 22 ans de privation de liberté, si … — art. 92, num. 2 [n]'."""
    label = f"{LABEL[language][fact.kind]}{COLON[language]}"
    return f"{label}{statement(fact, language, gist)} — {where(fact, n, language)}"


def statement(fact: LegalFact, language: str, gist: Gist | None = None) -> str:
    """'19 à 22 ans de privation de liberté, si …': the fact's value and its condition."""
    cond = condition(fact, language, gist)
    return value(fact, language) + (f", {cond}" if cond else "")
