"""Page text -> readable or garbled. A font with no usable Unicode mapping gives a glyph-for-glyph
substitution ('đ!/0%¨*ŏ !ŏ (ŏ' for 'Gestión de la salud pública:'): characters outside the alphabets of
Spanish, French and English, tokens no word of theirs looks like, and none of their function words."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from assistant.language import STOPWORDS, fold

_LOWER = "abcdefghijklmnopqrstuvwxyzáéíóúñüàâçèêëîïôûùÿœæ"
LETTERS = frozenset(_LOWER + _LOWER.upper())  # the letters of Spanish, French and English
# Punctuation and symbols of ordinary text (laws, reports, footnotes, tables); anything else is odd.
_COMMON = frozenset(".,;:!?¿¡()[]{}\"'«»“”‘’‚„-–—‐/\\%$€£°ºª§&*+=<>#@_|…•·~^`´¨")
_VOWELS = frozenset("aeiouyáéíóúüàâèêëîïôûùÿœæ")
_ODD = re.compile("[^" + re.escape("".join(sorted(LETTERS | _COMMON))) + r"\d\s]")
_EDGES = "".join(sorted(_COMMON - {"%", "$", "€", "£", "°", "º", "ª", "§", "&", "#", "@"}))
_WORD_SHAPE = re.compile(rf"[{_LOWER}]+(?:[-'’.][{_LOWER}]+)*\.?", re.IGNORECASE)
_NUMBER_SHAPE = re.compile(r"[\w.,/%°º$€:-]*\d[\w.,/%°º$€:-]*")  # 2020, 1.234,5, N°1, 10-A, 14:30
FUNCTION_WORDS = frozenset(w for w in STOPWORDS if len(w) > 1)  # one-letter words occur by chance

# Thresholds, measured on every page of the four real laws (688), the three real reports (93) and the
# demo corpus (17) (README, "Scans and broken fonts"): their most extreme pages score 0.4% odd
# characters, 5.3% non-words and 6.7% function words (a table of contents; pages of 40+ words); the test
# fixture's broken font scores 31% odd characters and 97% non-words.
ODD_SHARE = 0.15  # characters outside the three alphabets, digits and common punctuation
NON_WORD_SHARE = 0.5  # tokens (numbers aside) that are not shaped like a word
FUNCTION_SHARE = 0.03  # function words among the words, on pages of at least FUNCTION_MIN_WORDS
FUNCTION_MIN_WORDS = 40
MIN_CHARS = 20  # shorter text is too little to judge: a page number, a title


@dataclass(frozen=True, slots=True)
class Readability:
    """Counts behind the verdict on a text (a page or a line)."""

    chars: int  # characters other than whitespace
    odd: int  # of which outside the alphabets, digits and common punctuation (private use, …)
    tokens: int  # whitespace-separated tokens that are not numbers
    non_words: int  # of which not shaped like a word of the three languages
    function_words: int  # of which function words ('de', 'la', 'the', 'les', …)

    @property
    def garbled(self) -> bool:
        """The text reads as a glyph substitution rather than as Spanish, French or English."""
        if self.chars < MIN_CHARS:
            return False
        if self.odd >= ODD_SHARE * self.chars:
            return True
        if self.tokens >= 8 and self.non_words >= NON_WORD_SHARE * self.tokens:
            return True
        words = self.tokens - self.non_words
        return words >= FUNCTION_MIN_WORDS and self.function_words < FUNCTION_SHARE * words


def readability(text: str) -> Readability:
    """Count what tells readable text from a glyph substitution."""
    raws = text.split()
    kinds = Counter(_kind(raw) for raw in raws)
    tokens = len(raws) - kinds[_SKIP]
    chars = sum(map(len, raws))
    return Readability(chars, len(_ODD.findall(text)), tokens, kinds[_NON_WORD], kinds[_FUNCTION])


_SKIP, _NON_WORD, _WORD, _FUNCTION = range(4)  # token kinds: numbers and bare punctuation are skipped


@lru_cache(maxsize=65536)
def _kind(raw: str) -> int:
    """A token's kind (numbers and bare punctuation aside); cached: a document repeats its words."""
    token = raw.strip(_EDGES)
    if not token or _NUMBER_SHAPE.fullmatch(token):
        return _SKIP
    if not _is_word(token):
        return _NON_WORD
    return _FUNCTION if fold(token) in FUNCTION_WORDS else _WORD


def _is_word(token: str) -> bool:
    """Letters of the three alphabets, cased as words are (lower, Capitalised, UPPER), with a vowel unless
    short ('Sr', 'km', 'DDHH')."""
    if not _WORD_SHAPE.fullmatch(token):
        return False
    body = token.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
    cased = body.islower() or body.isupper() or (body[0].isupper() and body[1:].islower())
    return cased and (len(body) <= 4 or any(c in _VOWELS for c in body.lower()))


def is_garbled(text: str) -> bool:
    """A page's text is a glyph substitution (see `Readability.garbled`)."""
    return readability(text).garbled


def readable_lines(text: str) -> str:
    """A garbled page without its garbled runs: the lines that read as text on their own (a heading in
    a font that maps, around a body in one that does not)."""
    kept = []
    for line in text.split("\n"):
        counts = readability(line)
        # A letter-for-letter substitution has every token shaped like a word, and no function word.
        substituted = counts.tokens >= 8 and not STOPWORDS.intersection(fold(line).split())
        if not (counts.odd >= ODD_SHARE * max(1, counts.chars) or _mostly_non_words(counts) or substituted):
            kept.append(line)
    return "\n".join(kept)


def _mostly_non_words(counts: Readability) -> bool:
    return counts.tokens > 0 and counts.non_words >= NON_WORD_SHARE * counts.tokens
