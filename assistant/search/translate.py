"""French/English -> Spanish for search, and Spanish <-> French/English gists of quotes: Apertium
pipelines kept running (Debian's apertium-fr-es, apertium-en-es), the bundled domain glossary (search) and
the reviewed legal terms that gists keep away from Apertium (`terminology`)."""

from __future__ import annotations

import csv
import logging
import os
import re
import select
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from assistant.language import fold
from assistant.search.terminology import is_placeholder, protect, restore

log = logging.getLogger(__name__)
_WORD = re.compile(r"[a-záéíóúñàâçèêëîïôûœüÿ']+")
APERTIUM_PAIRS = {"fr": "fr-es", "en": "eng-spa"}  # question language -> Spanish
GIST_PAIRS = {("es", "fr"): "es-fr", ("fr", "es"): "fr-es", ("es", "en"): "spa-eng", ("en", "es"): "eng-spa"}


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
_MARK = re.compile(r"(?<!\w)[*#@~]+(?=\w)")  # Apertium's marks, where they open a word
_MARKED_WORD = re.compile(r"(?<!\w)[*#@](\w+)")


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


CACHE_SIZE = 2048  # translations kept per process (a question is translated once per answer and channel)
_TRANSLATIONS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}


def translate(text: str, language: str) -> tuple[str, tuple[str, ...]] | None:
    """Apertium FR/EN -> ES, or None when Apertium or the language pair is not installed, or it failed.

    Returns the translation and the words Apertium marked unknown ('*orpaillage'). Successes are cached;
    a failure is not, so the next call tries a fresh pipeline."""
    key = (text, language)
    if key in _TRANSLATIONS:
        return _TRANSLATIONS[key]
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
    result = strip_marks(output), unknown
    if len(_TRANSLATIONS) >= CACHE_SIZE:
        _TRANSLATIONS.pop(next(iter(_TRANSLATIONS)))  # the oldest
    _TRANSLATIONS[key] = result
    return result


def strip_marks(output: str) -> str:
    """Apertium's output without its marks ('*' unknown word, '@' no translation, '#' not inflected, '~'):
    only where one opens a word, so "a * b" and "x@y" stay ('gist' keeps the quote's own words holding
    these characters away from Apertium)."""
    return _MARK.sub("", output)


def marked_words(output: str) -> tuple[str, ...]:
    """The words Apertium left untranslated or uninflected in its raw output, placeholders aside."""
    return tuple(w for w in _MARKED_WORD.findall(output) if not is_placeholder(w))


def gist(text: str, source: str, target: str) -> str | None:
    """Apertium's rough translation of a quote, with the reviewed rendering of each legal term of
    assistant/data/terminology.tsv (es -> fr/en); None when the pair is not installed or fails."""
    result = gist_and_marked(text, source, target)
    return result[0] if result else None


def gist_and_marked(text: str, source: str, target: str) -> tuple[str, tuple[str, ...]] | None:
    """The gist and the words Apertium marked in it (see `marked_words`), or None. Terms reach Apertium as
    placeholders (`terminology.protect`); should one not come back, the quote is translated as it is."""
    pair = GIST_PAIRS.get((source, target))
    pipeline = apertium(pair) if pair else None
    if pipeline is None:
        return None
    protected = protect(text, terms=source == "es")
    try:
        output = pipeline(protected.text)
        restored = restore(strip_marks(output), protected, target)
        if restored is None:
            output = pipeline(text)
            restored = strip_marks(output)
    except (OSError, ValueError):
        return None
    return restored, marked_words(output)
