"""Hits + query plan -> the sentences worth quoting, and how strongly the sources cover the question.

Each retrieved chunk is cut into sentences and numbered items; a unit scores by the IDF-weighted share
of the question's content words it contains (Spanish stems of the question as asked and of its Spanish
version, whichever matches more). The same share over a whole chunk is the *coverage* that decides
abstention: a question whose rare words (a year, "cianuro", "Colombia") appear in none of the top
chunks is one the documents do not answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.answer.facts import kinds_in
from assistant.answer.numbers import spanish_words
from assistant.answer.text import split_units
from assistant.language import ITEM_START, tokenize
from assistant.search.plan import QueryPlan
from assistant.search.translate import load_glossary
from assistant.types import FactKind, Hit

# Words that say what kind of answer is wanted, not what it is about; they never count as evidence.
QUESTION_WORDS = frozenset(
    tokenize(
        "cuanto cuantos cuanta cuantas cual cuales como donde quien quienes puede pueden debe deben "
        "hay existe existen establece prevé preve dice segun ecuador ecuatoriano ecuatoriana ley "
        "combien quels quelles comment peut peuvent doit prevoit selon equateur equatorien loi "
        "many much which can could should must does say says under ecuadorian law"
    )
)
COVERAGE_CHUNKS = 3  # coverage is the best over the first few hits: the answer may sit in any of them
LEAD_GAP = "[…]"  # marks items left out between a lead-in and the item quoted
RELATIVE_FLOOR = 0.6  # a passage is quoted only if its best unit scores this share of the best unit
# A unit of the hit at rank r scores its coverage / (1 + RANK_DISCOUNT * (r - 1)): a lower passage must
# cover more of the question to be quoted first.
RANK_DISCOUNT = 0.5
# A unit scores more when its article's rubric names what the question asks about ("Sanción para el
# delito de trata de personas" for a question on trafficking's penalty): ×(1 + SUBJECT_WEIGHT × the
# rubric's coverage of the question). And when it states a fact of the kind asked for (a penalty for
# "quelle peine ?"): ×(1 + SHAPE_WEIGHT).
SUBJECT_WEIGHT = 2.0
SHAPE_WEIGHT = 1.0
# The best-ranked passage is usually the article that answers (hit@1 ~70%): up to FIRST_SOURCE_UNITS of
# its units are quoted, two of any other, from MAX_SOURCES passages at most; every citation beyond the
# second was more often wrong than right, and a passage whose best unit scores under RELATIVE_FLOOR of
# the best is not quoted. These six numbers were chosen together on the train split of the reference
# questions, by replaying its answers (key facts 47% -> 54%, citation precision 53% -> 63%; README,
# "Answers, 2026-11-30"); a higher floor buys precision with key facts, along a flat frontier.
FIRST_SOURCE_UNITS = 6
MAX_SOURCES = 2
_RUBRIC = re.compile(r"^Art\.\s*[\w.]+\s*\.?\s*-\s*(?P<rubric>[^.]{3,200}?)\s*\.\s*-")
HEADING_WORDS = 15  # a line this short that does not end as a sentence does is a title
SENTENCE_ENDS = (".", ":", ";", "?", "!", "…", "»", ")", '"', "”")
_HEADING = re.compile(
    r"^(?:LIBRO|TÍTULO|TITULO|CAPÍTULO|CAPITULO|SECCIÓN|SECCION|PARÁGRAFO)\b|^[^a-záéíóúñ]*$"
)


@dataclass(frozen=True, slots=True)
class Quote:
    hit: Hit
    text: str
    score: float
    position: int  # index of the unit in its chunk, to keep reading order within a source


@dataclass(frozen=True, slots=True)
class Terms:
    """Weighted content words of a question: as asked, and in its Spanish version."""

    asked: Mapping[str, float]
    spanish: Mapping[str, float]
    absent: tuple[str, ...] = field(default=())  # domain stems no indexed document contains

    def coverage(self, tokens: set[str]) -> float:
        """IDF-weighted share of the question's words present, for the better-matching version."""
        return max(_share(self.asked, tokens), _share(self.spanish, tokens))


@lru_cache(maxsize=4096)
def number_stems(token: str) -> frozenset[str]:
    """Stems of a number's Spanish words ('200' -> {'doscient'}); empty for anything else."""
    if not token.isdigit() or len(token) > 6:
        return frozenset()
    return frozenset(tokenize(spanish_words(int(token))))


def _matches(token: str, tokens: set[str]) -> bool:
    """The stem is in the unit, or it is a number the unit writes in words ('16' ~ 'dieciséis')."""
    if token in tokens:
        return True
    words = number_stems(token)
    return bool(words) and words <= tokens


def _share(weights: Mapping[str, float], tokens: set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if _matches(t, tokens)) / total if total else 0.0


def question_terms(plan: QueryPlan, idf: Mapping[str, float] | None = None) -> Terms:
    """Content stems of the question and of its Spanish version (with glossary terms), IDF-weighted
    (`idf` maps a stem to its weight; missing stems weigh 1). Words Apertium did not know are left out
    of the Spanish version: they were not translated, and the glossary terms stand in for them."""
    unknown = {t for word in plan.unknown for t in tokenize(word)}
    asked = [t for t in tokenize(plan.question) if t not in QUESTION_WORDS]
    spanish = [
        t
        for t in tokenize(" ".join((plan.spanish, *plan.expansions)))
        if t not in QUESTION_WORDS and t not in unknown
    ]
    weight = idf or {}
    return Terms({t: weight.get(t, 1.0) for t in asked}, {t: weight.get(t, 1.0) for t in spanish or asked})


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def missing_years(question: str, hits: Sequence[Hit]) -> list[str]:
    """Years the question names ("en 2023", "2019-2030") that no retrieved passage mentions in its text,
    title or file name. Facts about a given year (statistics, budgets, dates of events) are not in
    sources that never name that year. Reform notes do not count: they date amendments, which is not
    what such a question asks, and an extractive answer cannot quote them."""
    years = list(dict.fromkeys(_YEAR.findall(question)))
    if not years:
        return []
    haystack = " ".join(" ".join((h.chunk.text, h.chunk.title, h.chunk.file)) for h in hits)
    return [year for year in years if year not in haystack]


@lru_cache(maxsize=1)
def domain_stems() -> dict[str, frozenset[str]]:
    """Stems of the one-word Spanish terms of the domain glossary ('mercurio', 'cianuro', 'draga'), each
    with the stems of the French and English terms it translates ('mercure', 'mercury'). Words of
    longer terms ('nacional' in 'Policía Nacional') are too general to say anything alone."""
    out: dict[str, set[str]] = {}
    for entry in load_glossary():
        for term in entry.spanish:
            only = tokenize(term)
            if len(only) == 1:
                source = tokenize(entry.term)  # a one-word French/English form; a phrase says too little
                out.setdefault(only[0], set()).update(source if len(source) == 1 else ())
    return {stem: frozenset(sources) for stem, sources in out.items()}


def absent_domain_terms(
    terms: Terms, document_frequency: Callable[[Iterable[str]], Mapping[str, int]]
) -> list[str]:
    """Domain words of the question (glossary vocabulary: 'mercurio', 'cianuro', 'UAFE') that no indexed
    document contains in Spanish, French or English: the documents cannot speak about them."""
    domain = domain_stems()
    stems = [t for t in dict.fromkeys([*terms.spanish, *terms.asked]) if t in domain]
    if not stems:
        return []
    counts = document_frequency({s for t in stems for s in (t, *domain[t])})
    return [t for t in stems if counts.get(t, 0) == 0 and all(counts.get(s, 0) == 0 for s in domain[t])]


Described = Callable[[str], str]  # chunk id -> the situation lexicon's descriptions of its article


def _nothing(chunk_id: str) -> str:
    return ""


def passage_tokens(hit: Hit, described: Described = _nothing) -> set[str]:
    """A passage's words, with the lexicon's everyday descriptions of its article when given: a
    question in everyday words that the lexicon bridged to this article is about it, even if it shares
    few words with the article's legal text."""
    extra = described(hit.chunk.chunk_id)
    return set(tokenize(f"{hit.chunk.text} {extra}" if extra else hit.chunk.text))


def coverage(hits: Sequence[Hit], terms: Terms, described: Described = _nothing) -> float:
    """How well the best of the first hits (with their articles' descriptions, when given) covers the
    question (0..1): the abstention signal."""
    return max((terms.coverage(passage_tokens(h, described)) for h in hits[:COVERAGE_CHUNKS]), default=0.0)


def rubric(text: str) -> str:
    """An article's rubric from its first line ("Art. 92.- Sanción para el delito de trata de personas.-"
    -> "Sanción para el delito de trata de personas"); '' for later parts and non-legal passages."""
    found = _RUBRIC.match(text)
    return found.group("rubric") if found else ""


def is_heading(unit: str) -> bool:
    """A unit that is only a title: a book, title or chapter heading, a line without lowercase letters,
    an article's number and rubric with nothing after them, or a short line that does not end as a
    sentence or an item does ("Plan de Acción contra la Trata de Personas en Ecuador 2019-2030")."""
    found = _RUBRIC.match(unit)
    if _HEADING.match(unit) or (found and not unit[found.end() :].strip()):
        return True
    return len(unit.split()) <= HEADING_WORDS and not unit.rstrip().endswith(SENTENCE_ENDS)


def select_quotes(
    hits: Sequence[Hit],
    terms: Terms,
    max_quotes: int = 8,
    per_source: int = 2,
    asked: Sequence[FactKind] = (),
) -> list[Quote]:
    """The best units across the hits (each hit's rank discounts its units, its rubric's match with the
    question and a fact of the `asked` kind raise them): up to FIRST_SOURCE_UNITS from the first hit,
    always represented, and `per_source` from others, from MAX_SOURCES hits; a numbered item brings
    its lead-in ("...sancionada:"); titles never."""
    candidates: list[Quote] = []
    for hit in hits:
        if hit.chunk.kind == "table":
            candidates += _table_quotes(hit, terms)
            continue
        units = split_units(hit.chunk.text)
        subject = 1 + SUBJECT_WEIGHT * terms.coverage(set(tokenize(rubric(hit.chunk.text))))
        for i in range(len(units)):
            if units[i].endswith(":") and i + 1 < len(units) and ITEM_START.match(units[i + 1]):
                continue  # a lead-in is quoted with its items, never alone
            if is_heading(units[i]):
                continue
            text = _with_lead_in(units, i)
            shape = 1 + SHAPE_WEIGHT * bool(asked and kinds_in(text) & set(asked))
            share = terms.coverage(set(tokenize(text)))
            score = share * subject * shape / (1 + RANK_DISCOUNT * (hit.rank - 1))
            if score > 0:
                candidates.append(Quote(hit, text, score, i))
    candidates.sort(key=lambda q: (-q.score, q.hit.rank, q.position))
    floor = RELATIVE_FLOOR * candidates[0].score if candidates else 0.0
    best: dict[str, float] = {}
    for q in candidates:
        best.setdefault(q.hit.chunk.chunk_id, q.score)
    candidates = [q for q in candidates if best[q.hit.chunk.chunk_id] >= floor]
    chosen: list[Quote] = []
    taken: dict[str, int] = {}
    for quote in candidates:
        cid = quote.hit.chunk.chunk_id
        limit = FIRST_SOURCE_UNITS if quote.hit.rank == hits[0].rank else per_source
        if len(chosen) >= max_quotes or taken.get(cid, 0) >= limit:
            continue
        if cid not in taken and len(taken) >= MAX_SOURCES:
            continue
        if any(quote.text in q.text or q.text in quote.text for q in chosen if q.hit.chunk.chunk_id == cid):
            continue
        chosen.append(quote)
        taken[cid] = taken.get(cid, 0) + 1
    if hits and all(q.hit.rank != hits[0].rank for q in chosen) and chosen:
        first = [q for q in candidates if q.hit.rank == hits[0].rank][:1]
        chosen = first + chosen[: max_quotes - 1] if first else chosen
    return chosen


def table_rows(text: str) -> list[str]:
    """A table chunk's caption and header row (its lead), then each row quoted after that lead, as
    "Cuadro N°1 — ... Estado | Acumulados 2016 […] Bolívar | 106.853 | 177.619 | Epidemia"."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    header = next((i for i, line in enumerate(lines) if " | " in line), len(lines) - 1)
    lead = " ".join(lines[: header + 1])
    rows = lines[header + 1 :]
    return [lead, *(f"{lead} {row}" if i == 0 else f"{lead} {LEAD_GAP} {row}" for i, row in enumerate(rows))]


def _table_quotes(hit: Hit, terms: Terms) -> list[Quote]:
    """The rows of a table that match the question beyond its caption and header, each with them. When
    no row does, the question is about the table as a whole ("where did it go down?"): the whole table
    when it is short enough to quote, else its caption and header."""
    units = table_rows(hit.chunk.text)
    discount = 1 + RANK_DISCOUNT * (hit.rank - 1)
    scores = [terms.coverage(set(tokenize(unit))) / discount for unit in units]
    scored = enumerate(zip(units, scores, strict=True))
    rows = [Quote(hit, unit, score, i) for i, (unit, score) in scored if score > scores[0]]
    if rows or scores[0] <= 0:
        return rows
    whole = " ".join(line.strip() for line in hit.chunk.text.split("\n") if line.strip())
    return [Quote(hit, whole if len(whole) <= MAX_TABLE_QUOTE else units[0], scores[0], 0)]


LEAD_LOOKBACK = 8  # units searched back for the sentence that introduces an item
# A table quoted whole (when no single row answers) must stay readable as one quote: PROVEA's two
# ten-row tables are 420 and 560 characters. Set by hand, not swept.
MAX_TABLE_QUOTE = 900
# An item and its lead-in longer than this (characters) are quoted as the item alone: a lead-in that
# long is a paragraph of its own, not "...será sancionada:". Set by hand, not swept.
MAX_LEAD_IN_QUOTE = 700


def _with_lead_in(units: Sequence[str], i: int) -> str:
    """A numbered, lettered or bulleted item ("1. Con pena...", "a) Cuando...", "• de dieciséis...") with
    the nearest sentence before it that ends with a colon — the one that introduces it ("...será
    sancionada:", "...en los siguientes casos:"); items of the same list in between are left out and
    marked."""
    unit = units[i]
    if i == 0 or not ITEM_START.match(unit):
        return unit
    lettered = unit[:1].isalpha()
    for j in range(i - 1, max(-1, i - 1 - LEAD_LOOKBACK), -1):
        candidate = units[j]
        same_list = ITEM_START.match(candidate) and candidate[:1].isalpha() == lettered
        if candidate.endswith(":") and not same_list:
            if len(candidate) + len(unit) >= MAX_LEAD_IN_QUOTE:
                return unit
            return f"{candidate} {unit}" if j == i - 1 else f"{candidate} {LEAD_GAP} {unit}"
    return unit
