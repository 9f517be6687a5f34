"""Text helpers every stage shares: accent folding, BM25 tokens, stopwords and language detection.

One definition each: ingestion, the lexical index, query planning, answers and metrics import them here."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Language = Literal["es", "fr", "en"]
LANGUAGES: tuple[Language, ...] = ("es", "fr", "en")

WORD = re.compile(r"[a-z0-9]+")  # a word of folded text
# Sentences and list items. Answers cut passages into quotable units with SENTENCE_END, ITEM_START and
# ITEM_BREAK; ingestion reflows lines and cuts over-long paragraphs with LIST_ITEM and CHUNK_SENTENCE_END.
# The ingestion patterns are older and slightly different; using the answers' patterns in ingestion was
# measured to change 2 chunks of the Constitution (sentences) and 3 of the COIP, 3 of the Constitution and
# 4 of the PROVEA report (list items), so they stay until a deliberate re-chunking of the indexes.
SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+(?=[\"«“(¿¡]?[A-ZÁÉÍÓÚÑ0-9])")
CHUNK_SENTENCE_END = re.compile(r"(?<=[.;:?!])\s+(?=[A-ZÁÉÍÓÚÑ0-9¿(])")
ITEM_START = re.compile(r"^(?:(?:\d{1,2}|[a-z])[.)]|[•▪◦·\-–])\s")  # a unit that is an item: 1. / a) / •
ITEM_BREAK = re.compile(r"\s+(?=(?:\d{1,2}|[a-z])[.)]\s+[A-ZÁÉÍÓÚÑ])")  # where a flattened list is cut again
LIST_ITEM = re.compile(r"^(?:\d{1,3}[.)]|[a-zñ]\)|[ivx]{1,5}\)|-|•)\s")  # a line that opens an item
# Function words of the three languages; they carry no meaning for BM25 and only add noise.
STOPWORDS = frozenset(
    "a al algo ante antes como con contra cual cuando de del desde donde durante e el ella ellas "
    "ellos en entre era es esa ese eso esta este esto hasta la las le les lo los mas me mi muy ni no "
    "nos o os otra otro para pero por porque que quien se segun ser si sin sino sobre son su sus "
    "tambien te tiene tu un una uno unos y ya art arts articulo articulos au aux avec ce ces cet "
    "cette dans des du elle est et il ils je leur leurs mais ou par pas plus pour qu quel quelle "
    "quelles quels qui sa ses son sont sur une vous nous est-ce d l s n an and are as at be by for "
    "from has have how in is it of on or that the this to was what when where which who why will "
    "with does do ".split()
)


def fold(text: str) -> str:
    """Lowercase without accents: 'Pena Privativa de Libertad' -> 'pena privativa de libertad'."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("spanish")


def tokenize(text: str) -> list[str]:
    """Folded words minus stopwords, stemmed with the Spanish Snowball stemmer."""
    words = [w for w in WORD.findall(fold(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return list(_stemmer().stemWords(words))


# Longest text the detector reads: a document's language shows in its first pages.
DETECT_CHARS = 20_000


@lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language as Lingua
    from lingua import LanguageDetectorBuilder

    languages = {Lingua.SPANISH: "es", Lingua.FRENCH: "fr", Lingua.ENGLISH: "en"}
    return LanguageDetectorBuilder.from_languages(*languages).build(), languages


def detect_language(text: str) -> Language:
    """es, fr or en, for a question or a document's text ('es' when nothing tells).

    lingua (n-gram models shipped in its wheel, offline), restricted to the three languages. Measured
    against the two hand-written detectors it replaced (function-word votes for questions, stopword
    counts for documents) by `scripts/compare_language_detectors.py` (evals/results/language-
    detectors.json): the 144 reference questions 144/144 (question detector 144/144, document detector
    138/144); 24 short probe questions 23/24 (16/24, 15/24); all 12 real, report and demo documents right
    (all three); chunks 3981/3984 (3983, 3982: it misses three amendment stubs of a few words)."""
    if text.lstrip().startswith(("¿", "¡")):
        # Only Spanish opens a sentence with an inverted mark. lingua says 'es' for all 115 such questions
        # of the non-sealed datasets, and skipping it saves loading its models (0.9 s of a cold search).
        return "es"
    detector, languages = _detector()
    found = detector.detect_language_of(text[:DETECT_CHARS])
    return languages.get(found, "es") if found is not None else "es"
