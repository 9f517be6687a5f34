"""Quoted legal text -> facts of a known shape, as data: penalties ("pena privativa de libertad de
dieciséis a diecinueve años"), fines ("multa de cien a mil salarios básicos unificados") and time limits
("dentro del plazo de veinte días"), each with the condition its article attaches to it ("si la víctima
es niña, niño o adolescente") and the numbered item it sits in.

Legislation states these in a few formulaic phrasings; rules over that wording find them, and the
number words are read by text2num. The answer's lead (`assistant.answer.lead`) writes them in the
reader's language; drafts build their legal-framework tables on the same records."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from text_to_num import text2num

from assistant.answer.numbers import spanish_words
from assistant.language import fold
from assistant.types import FactKind, Hit, LegalFact


@lru_cache(maxsize=1)
def _number_pattern() -> str:
    """A number in digits ('1.500', '20') or in Spanish words ('mil quinientos', 'un')."""
    words = {w for n in range(1000) for w in spanish_words(n).split()} | {"mil", "un", "una"}
    alternation = "|".join(sorted(words, key=len, reverse=True))
    word = rf"(?:{alternation})"
    return rf"(?<![\w.])(?:\d{{1,3}}(?:\.\d{{3}})+(?!\d)|\d+|{word}(?:\s+{word})*)(?![\w])"


def number(phrase: str) -> int | None:
    """'dieciséis' -> 16, 'mil quinientos' -> 1500, '1.500' -> 1500; None when it is not one number."""
    phrase = re.sub(r"\s+y$", "", " ".join(phrase.lower().split()))  # "mil quinientos y" (1.500)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", phrase):
        return int(phrase.replace(".", ""))
    try:
        value = text2num(phrase, "es")
    except ValueError:
        return None
    return value if isinstance(value, int) else None


N = _number_pattern()
_UNIT = r"(?:años?|mes(?:es)?|días?|horas?)"
_MEASURE = (
    r"pena privativa de (?:la )?libertad|penas? que van|penas? de (?:reclusión|prisión)(?: (?:mayor|menor))?"
    r"(?: (?:ordinaria|extraordinaria|especial))?|reclusión (?:mayor|menor)(?: (?:ordinaria|extraordinaria"
    r"|especial))?|prisión(?: correccional)?"
)
PENALTY = re.compile(
    rf"(?P<measure>{_MEASURE})\s+(?:de\s+)?(?:(?P<low>{N})\s+(?P<low_unit>{_UNIT}\s+)?a\s+|(?P<upto>hasta)\s+)?"
    rf"(?P<high>{N})\s+(?P<unit>{_UNIT})",
    re.IGNORECASE,
)
FINE = re.compile(
    rf"multa\s+de\s+(?:(?P<low>{N})\s+a\s+|(?P<upto>hasta)\s+)?(?P<high>{N})\s+"
    r"(?P<unit>salarios?\s+básicos?\s+unificados?)",
    re.IGNORECASE,
)
TIME_LIMIT = re.compile(
    rf"(?:plazo|término)\b[^.;:\d]{{0,80}}?\bde\s+(?:(?P<upto>hasta)\s+)?(?P<high>{N})\s+(?P<unit>{_UNIT})"
    r"(?P<working>\s+hábiles)?",
    re.IGNORECASE,
)
PATTERNS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("penalty", PENALTY),
    ("fine", FINE),
    ("time_limit", TIME_LIMIT),
)
# A condition attached after the fact (", si la víctima…") or opening the sentence ("Si…, será…").
_AFTER = re.compile(r"^\s*,?\s*(?P<cond>(?:si|cuando|siempre que|en caso de que?)\b[^.;]*)", re.IGNORECASE)
_BEFORE = re.compile(
    r"(?:^|[:.…\]]\s)(?P<cond>(?:si|cuando|en caso de)\s[^.;:]*?)(?:,\s|\s(?=ser[áa]n?\s))",
    re.IGNORECASE,
)
_ITEM = re.compile(r"(?:^|(?<![Aa]rt)(?<![Nn]um)[:.…\]]\s)(?P<item>\d{1,2}|[a-z])[.)]\s")
_UNITS = {"año": "years", "mes": "months", "día": "days", "hora": "hours", "sal": "sbu"}
MAX_CONDITION = 160  # characters: a longer condition is cut at a word and marked '…'


def _unit(word: str) -> str:
    return next(v for k, v in _UNITS.items() if word.lower().startswith(k))


def facts_in(text: str) -> list[tuple[FactKind, re.Match[str], int | None, int, str, str]]:
    """(kind, match, low, high, unit, low unit) of every fact of a known shape in a passage's text,
    in reading order: low is None for "hasta N", equal to high for one figure ("plazo de veinte
    días"). Matches whose numbers do not parse are skipped."""
    found = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            high = number(groups["high"])
            low = number(groups["low"]) if groups.get("low") else None if groups.get("upto") else high
            if high is None or (low is None and not groups.get("upto")):
                continue
            unit = _unit(groups["unit"])
            if kind == "time_limit" and groups.get("working"):
                unit = "working_days" if unit == "days" else unit
            low_unit = _unit(groups["low_unit"]) if groups.get("low_unit") else unit
            found.append((kind, match, low, high, unit, low_unit))
    return sorted(found, key=lambda f: f[1].start())


def _condition(text: str, match: re.Match[str]) -> str:
    after = _AFTER.match(text[match.end() :])
    if after:
        found = after.group("cond")
    else:
        before = [m for m in _BEFORE.finditer(text[: match.start()])]
        found = before[-1].group("cond") if before else ""
    found = " ".join(found.split()).rstrip(" ,:")
    if len(found) > MAX_CONDITION:
        found = found[: found.rfind(" ", 0, MAX_CONDITION)] + " …"
    return found


def _item(text: str, match: re.Match[str]) -> str:
    items = list(_ITEM.finditer(text[: match.start()]))
    return items[-1].group("item") if items else ""


def extract(text: str, hit: Hit, repealed: bool = False) -> list[LegalFact]:
    """The facts of a known shape that `text` (a quote of `hit`'s passage) states."""
    chunk = hit.chunk
    return [
        LegalFact(
            kind=kind,
            low=low,
            high=high,
            unit=unit,
            low_unit=low_unit,
            measure=" ".join(match.group("measure").lower().split()) if kind == "penalty" else "",
            condition=_condition(text, match),
            item=_item(text, match),
            text=match.group(0),
            chunk_id=chunk.chunk_id,
            file=chunk.file,
            title=chunk.title,
            article=chunk.article,
            page_start=chunk.page_start,
            page_end=chunk.page_end,
            repealed=repealed,
        )
        for kind, match, low, high, unit, low_unit in facts_in(text)
    ]


def numbers_in(text: str) -> set[int]:
    """Every number a passage states, in digits or in words ('de dieciséis a diecinueve' -> {16, 19})."""
    out: set[int] = set()
    for match in re.finditer(N, text, re.IGNORECASE):
        value = number(match.group(0))
        if value is not None:
            out.add(value)
        else:  # a run of words holding several numbers ("dos a tres" is split by 'a' already)
            out.update(v for w in match.group(0).split() if (v := number(w)) is not None)
    return out


def kinds_in(text: str) -> set[FactKind]:
    """The kinds of fact a passage states ('pena privativa de libertad de uno a tres años' -> penalty)."""
    return {kind for kind, pattern in PATTERNS if pattern.search(text)}


def stated(fact: LegalFact, quotes: Iterable[str]) -> bool:
    """True when every number of the fact appears in one of the quoted texts: a lead never states a
    number the reader cannot find in the quotes below it."""
    wanted = {fact.high} | ({fact.low} if fact.low is not None else set())
    return any(wanted <= numbers_in(quote) for quote in quotes)


# Words of a question that ask for a kind of fact (folded: accents and case ignored).
ASKS: dict[FactKind, re.Pattern[str]] = {
    "penalty": re.compile(
        r"\b(pena|penas|carcel|prision|sancion\w*|castig\w*|condena\w*|anos|peine|peines|emprisonnement"
        r"|encour\w*|sanction\w*|puni\w*|ans|penalt\w*|sentenc\w*|punish\w*|jail|years)\b"
    ),
    "fine": re.compile(r"\b(multa\w*|amende\w*|fine|fines|fined|salari\w*|salaire\w*)\b"),
    "time_limit": re.compile(
        r"\b(plazo\w*|termino|dias|delai\w*|jours|deadline\w*|days|how long|combien de temps|cuanto tiempo)\b"
    ),
}


def asked_kinds(question: str) -> list[FactKind]:
    """The kinds of fact a question asks for, in a fixed order (penalty, fine, time limit)."""
    folded = fold(question)
    return [kind for kind, pattern in ASKS.items() if pattern.search(folded)]
