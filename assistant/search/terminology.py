"""Reviewed legal terms kept away from machine translation: `protect` puts a placeholder where a term of
assistant/data/terminology.tsv stands in a Spanish quote (and where a word holds a character Apertium uses
as a mark), `restore` puts the reviewed French or English rendering (or the word as it was) back into
Apertium's output, with the article before it agreeing."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from assistant.language import fold

# An unknown word to Apertium: it passes through untouched (with a '*' before it) and, unlike a number,
# does not make the transfer rules add a pronoun or change a participle's gender ("9001 il sera
# sanctionné" but "zxqaa sera sanctionnée"). Two letters number the slots.
_STEM = "zxq"
_PLACEHOLDER = re.compile(rf"{_STEM}([a-z]{{2}})", re.IGNORECASE)
MAX_SLOTS = 26 * 26


@dataclass(frozen=True, slots=True)
class Term:
    spanish: str
    french: str
    gender: str  # of the French rendering: m, f or pl
    english: str

    def rendering(self, language: str) -> str:
        return self.french if language == "fr" else self.english


@dataclass(frozen=True, slots=True)
class Slot:
    source: str  # the words as the quote has them
    term: Term | None  # None: a word kept as it is (it holds '*', '#', '@' or '~')
    lower_next: bool  # the quote's next word starts in lowercase


@dataclass(frozen=True, slots=True)
class Protected:
    text: str  # the quote with one placeholder per slot
    slots: tuple[Slot, ...]


@lru_cache(maxsize=1)
def load_terminology() -> tuple[Term, ...]:
    """The bundled Spanish -> French/English terms (assistant/data/terminology.tsv), in file order."""
    text = resources.files("assistant").joinpath("data/terminology.tsv").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(Term(r["spanish"], r["french"], r["gender"], r["english"]) for r in rows)


def _key(words: str) -> str:
    return " ".join(fold(words).split())


@lru_cache(maxsize=1)
def _terms_by_key() -> dict[str, Term]:
    return {_key(term.spanish): term for term in load_terminology()}


# Letters that stand for themselves with or without their accent, so "Fiscalia" and "FISCALÍA" match too.
_LOOSE = {"a": "[aá]", "e": "[eé]", "i": "[ií]", "o": "[oó]", "u": "[uúü]", "n": "[nñ]"}
# A word holding a character Apertium writes before a word as a mark (an e-mail address, '*nota*'): it
# is kept whole, so that every such character left in the output is a mark.
_MARKED = re.compile(r"(?<!\S)\S*[*#@~]\S*")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    """One pattern per term (`_spans` settles overlaps), then the one for words holding a mark character."""
    terms = (
        r"\s+".join("".join(_LOOSE.get(c, re.escape(c)) for c in fold(word)) for word in t.spanish.split())
        for t in load_terminology()
    )
    return (*(re.compile(rf"(?<!\w){term}(?!\w)", re.IGNORECASE) for term in terms), _MARKED)


def _spans(text: str, terms: bool) -> list[tuple[int, int]]:
    """Where the terms (when `terms`) and the words holding a mark character stand: the longest match
    first, then the longest of those left that do not overlap it ("trata de personas" rather than
    "delito de trata" in "delito de trata de personas"), in reading order."""
    found = [m.span() for p in (_patterns() if terms else (_MARKED,)) for m in p.finditer(text)]
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= a or start >= b for a, b in chosen):
            chosen.append((start, end))
    return sorted(chosen)[:MAX_SLOTS]


def _placeholder(index: int) -> str:
    return f"{_STEM}{chr(97 + index // 26)}{chr(97 + index % 26)}"


def is_placeholder(word: str) -> bool:
    return _PLACEHOLDER.fullmatch(word) is not None


def _index(code: str) -> int:
    code = code.lower()
    return (ord(code[0]) - 97) * 26 + ord(code[1]) - 97


def protect(text: str, terms: bool = True) -> Protected:
    """The quote with a placeholder for each term (when `terms`) and each word holding a mark character.
    A quote that already contains the placeholders' letters is left as it is."""
    if _STEM in text.lower():
        return Protected(text, ())
    slots: list[Slot] = []
    pieces: list[str] = []
    done = 0
    for start, end in _spans(text, terms):
        words = text[start:end]
        term = _terms_by_key().get(_key(words)) if terms else None
        following = re.search(r"[^\W\d_]", text[end : end + 40])
        slots.append(Slot(words, term, following is not None and following.group().islower()))
        pieces += [text[done:start], _placeholder(len(slots) - 1)]
        done = end
    return Protected("".join([*pieces, text[done:]]), tuple(slots))


def restore(translated: str, protected: Protected, language: str) -> str | None:
    """Apertium's output (marks removed) with each placeholder replaced by its term's rendering in
    `language`, or by the word it stood for; None when a placeholder did not come back exactly once."""
    if not protected.slots:
        return translated
    parts = _PLACEHOLDER.split(translated)  # text, code, text, code, ..., text
    order = [_index(code) for code in parts[1::2]]
    if sorted(order) != list(range(len(protected.slots))):
        return None
    for k, index in enumerate(order):
        slot = protected.slots[index]
        before = 2 * k
        if slot.term is None:
            parts[before + 1] = slot.source
            continue
        rendering = _cased(slot.term.rendering(language), slot.source)
        parts[before] = _agree(parts[before], rendering, slot.term.gender, language)
        parts[before + 1] = rendering
        if slot.lower_next and _starts_sentence(parts[before]):
            # Apertium capitalises the word after a placeholder that opens a sentence ("zxqaa Sera").
            parts[before + 2] = re.sub(
                r"^(\W*)([A-ZÀ-ÖØ-Þ])(?=[a-zß-öø-ÿ])", lambda m: m[1] + m[2].lower(), parts[before + 2]
            )
    return "".join(parts)


def _cased(rendering: str, source: str) -> str:
    """The rendering in the case of the quote's words: all capitals in a heading, a capital at the start of
    a sentence; otherwise as the table writes it (institutions keep theirs)."""
    if len(source) > 1 and source.isupper():
        return rendering.upper()
    if source[:1].isupper() and rendering[:1].islower():
        return rendering[:1].upper() + rendering[1:]
    return rendering


def _starts_sentence(before: str) -> bool:
    return not before.strip() or before.rstrip()[-1] in ".!?:;-–"


# The article Apertium put before a placeholder agrees with the Spanish term; the French rendering may have
# another gender ("la Fiscalía" -> "le ministère public") or start with a vowel ("de explotación" ->
# "d'exploitation"). Forms: masculine, feminine, masculine before a vowel, feminine before a vowel.
_FRENCH_FORMS = {
    "le": ("le", "la", "l'", "l'"),
    "du": ("du", "de la", "de l'", "de l'"),
    "au": ("au", "à la", "à l'", "à l'"),
    "un": ("un", "une", "un", "une"),
    "ce": ("ce", "cette", "cet", "cette"),
    "de": ("de", "de", "d'", "d'"),
    "que": ("que", "que", "qu'", "qu'"),
}
_FRENCH_FAMILY = {"la": "le", "de la": "du", "à la": "au", "une": "un", "cette": "ce"} | {
    form: form for form in _FRENCH_FORMS
}
_FRENCH_ARTICLE = re.compile(
    r"(?<![\w'])(de la|à la|cette|une|que|du|au|le|la|un|ce|de)(\s+)$", re.IGNORECASE
)
_ENGLISH_ARTICLE = re.compile(r"(?<![\w'])(a)(\s+)$", re.IGNORECASE)


def _agree(before: str, rendering: str, gender: str, language: str) -> str:
    """`before` with its last word, when an article, agreeing with the rendering that follows it."""
    if language == "en":
        if re.match(r"[aeio]|u(?!ni)", rendering, re.IGNORECASE):
            return _ENGLISH_ARTICLE.sub(lambda m: ("An" if m[1] == "A" else "an") + m[2], before)
        return before
    match = _FRENCH_ARTICLE.search(before)
    if match is None:
        return before
    family = _FRENCH_FAMILY[match[1].lower()]
    if gender == "pl" and family not in ("de", "que"):
        return before  # a plural rendering after a singular article: leave Apertium's choice
    vowel = rendering[:1].lower() in "aeiouyàâäéèêëîïôöûùüh"
    form = _FRENCH_FORMS[family][(2 if vowel else 0) + (gender == "f")]
    if match[1][:1].isupper():
        form = form[:1].upper() + form[1:]
    return before[: match.start()] + form + ("" if form.endswith("'") else match[2])
