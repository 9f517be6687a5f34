"""question -> QueryPlan: its language, a Spanish version for searching Spanish sources (Apertium
translation where installed, the domain glossary always), and explicit article references."""

from __future__ import annotations

import csv
import logging
import os
import re
import select
import shutil
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from assistant.lexical import fold

log = logging.getLogger(__name__)

_WORD = re.compile(r"[a-záéíóúñàâçèêëîïôûœüÿ']+")
_LANG_HINTS = {
    "es": frozenset(
        "el la los las de del y en que qué cuál cuáles es son por para una con cómo cuánto cuántos se su "
        "sus pena delito ley según sobre ".split()
    ),
    "fr": frozenset(
        "le la les des du de est que quel quelle quels quelles une pour qui dans sur au aux ce peine loi "
        "selon est-ce qu'est-ce et sont chaque elle il ils avec pas ou fait peut être ".split()
    ),
    "en": frozenset("the of and is are what which who how does for to in on a an under law penalty".split()),
}
APERTIUM_PAIRS = {"fr": "fr-es", "en": "eng-spa"}
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


def detect_query_language(question: str) -> str:
    """es, fr or en for a short question: '¿' and 'ñ' say Spanish; otherwise function-word votes."""
    if "¿" in question or "ñ" in question.lower():
        return "es"
    words = Counter(_WORD.findall(question.lower().replace("’", "'")))
    expanded = Counter({w.split("'")[-1]: n for w, n in words.items()}) + words
    scores = {lang: sum(expanded[w] for w in hints) for lang, hints in _LANG_HINTS.items()}
    if re.search(r"\b(qu'|l'|d'|n'|c'est)", question.lower()):
        scores["fr"] += 2
    # Letters only one of the two Romance languages uses ('è', 'ç', 'œ'... / 'á', 'í', 'ó', 'ú').
    scores["fr"] += len(re.findall(r"[èêàùçœâîûë]", question.lower()))
    scores["es"] += len(re.findall(r"[áíóú]", question.lower()))
    best = max(scores.values())
    return "es" if best == 0 else max(("es", "fr", "en"), key=lambda lang: (scores[lang], lang == "es"))


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    lang: str
    term: str  # folded
    spanish: tuple[str, ...]
    topic: str


@lru_cache(maxsize=1)
def load_glossary() -> tuple[GlossaryEntry, ...]:
    """The bundled FR/EN -> ES glossary (assistant/data/glossary.tsv), longest terms first."""
    text = resources.files("assistant").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t")
    entries = [
        GlossaryEntry(
            r["lang"], fold(r["term"]), tuple(s.strip() for s in r["spanish"].split("|")), r["topic"]
        )
        for r in rows
    ]
    return tuple(sorted(entries, key=lambda e: -len(e.term)))


def glossary_terms(question: str, language: str) -> tuple[list[str], list[str]]:
    """Spanish equivalents of the glossary terms in the question (longest match first, accents and
    case ignored, a plural 's' tolerated), and the matched source terms."""
    words = _WORD.findall(fold(question).replace("'", " "))
    text = f" {' '.join(words)} "
    found: list[str] = []
    matched: list[str] = []
    for entry in load_glossary():
        if entry.lang != language:
            continue
        for variant in (entry.term, entry.term + "s"):
            needle = f" {variant} "
            if needle in text:
                text = text.replace(needle, " | ")
                matched.append(entry.term)
                found.extend(s for s in entry.spanish if s not in found)
                break
    return found, matched


MODES_DIR = Path("/usr/share/apertium/modes")
_STAGES = re.compile(
    r"\b(lt-proc|apertium-tagger|apertium-pretransfer|lrx-proc|apertium-transfer|apertium-interchunk"
    r"|apertium-postchunk) "
)
_RESERVED = re.compile(r"([\\\[\]^$/@<>{}*#~])")


class Apertium:
    """One long-lived Apertium pipeline per language pair, in null-flush mode (`-z`): starting the
    pipeline costs ~100-200 ms (it loads its dictionaries), a sentence through a running one ~5 ms."""

    def __init__(self, pair: str) -> None:
        mode = (MODES_DIR / f"{pair}.mode").read_text(encoding="utf-8").strip()
        # $1 is the generator's option (-g: keep '*' on unknown words), $2 the tagger's extra option.
        command = _STAGES.sub(r"\1 -z ", mode.replace("$1", "-g").replace("$2", ""))
        self._process = subprocess.Popen(
            ["sh", "-c", command], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._lock = threading.Lock()

    def __call__(self, text: str, timeout: float = 10.0) -> str:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        escaped = _RESERVED.sub(r"\\\1", " ".join(text.split()))
        with self._lock:
            process.stdin.write(f"{escaped}.[][\n]\0".encode())
            process.stdin.flush()
            out = b""
            while not out.endswith(b"\0"):
                ready, _, _ = select.select([process.stdout], [], [], timeout)
                chunk = os.read(process.stdout.fileno(), 65536) if ready else b""
                if not chunk:
                    process.kill()
                    raise OSError("apertium stopped answering")
                out += chunk
        result = out.rstrip(b"\0").decode("utf-8", "replace")
        result = re.sub(r"\.?\[\]\[\n\]$", "", result.strip())
        unformatted = re.sub(r"(?<!\\)\[[^\]]*(?<!\\)\]", " ", result)  # format blocks, not escaped '\['
        return re.sub(r"\\(.)", r"\1", unformatted).strip()


_PIPELINES: dict[str, Apertium] = {}
_PIPELINES_LOCK = threading.Lock()


def apertium(pair: str) -> Apertium | None:
    """The running pipeline for a pair, started on first use; None when Apertium is not installed."""
    with _PIPELINES_LOCK:
        if pair not in _PIPELINES:
            if shutil.which("apertium") is None or not (MODES_DIR / f"{pair}.mode").exists():
                return None
            _PIPELINES[pair] = Apertium(pair)
        return _PIPELINES[pair]


@lru_cache(maxsize=2048)
def translate(text: str, language: str) -> tuple[str, tuple[str, ...]] | None:
    """Apertium FR/EN -> ES, or None when Apertium or the language pair is not installed.

    Returns the translation and the words Apertium marked unknown ('*orpaillage')."""
    pair = APERTIUM_PAIRS.get(language)
    pipeline = apertium(pair) if pair is not None else None
    if pair is None or pipeline is None:
        return None
    try:
        output = pipeline(text)
    except (OSError, ValueError) as exc:
        log.warning("apertium %s failed (%s); searching with the glossary only", pair, exc)
        _PIPELINES.pop(pair, None)
        return None
    unknown = tuple(re.findall(r"\*(\w+)", output))
    return re.sub(r"[*#@](?=\w)", "", output), unknown


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
    language = detect_query_language(question)
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
