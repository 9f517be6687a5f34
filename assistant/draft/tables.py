"""The concept note's tables, extracted from the indexed sources (never written by a model):

- *legal framework*: each offence of `assistant/data/legal_framework.json` with its article of the
  current penal code, its penalties and fines with their conditions (the answers' `LegalFact`s) and the
  last reform its reform notes record (Registro Oficial and date);
- *key actors*: each institution of `assistant/data/actors.json` with the article that gives its
  mandate (the first article of a law in force whose opening names it with a mandate verb:
  "La Fiscalía dirigirá…", "La Defensoría del Pueblo tendrá como funciones…"), or else the first page
  that mentions it, its axis, and the field notes' pages that mention it (the meetings held).

Every cited passage gets a draft-wide number, so the tables' sources join the references and annex."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from assistant.answer.facts import extract
from assistant.answer.lead import ITEM, statement
from assistant.draft.registry import Registry
from assistant.language import fold
from assistant.types import Chunk, Citation, DraftTable, Hit, LegalFact

if TYPE_CHECKING:
    from assistant.index import Index

Gist = Callable[[str], str | None]  # Spanish -> the draft's language (None: unavailable)

TITLES = {
    "legal": {"es": "Marco penal", "fr": "Cadre pénal", "en": "Criminal law framework"},
    "actors": {"es": "Actores clave", "fr": "Acteurs clés", "en": "Key actors"},
    "meetings": {"es": "Reuniones realizadas", "fr": "Réunions tenues", "en": "Meetings held"},
}
COLUMNS = {
    "legal": {
        "es": ("Delito", "Artículo", "Penas y multas (condiciones)", "Última reforma"),
        "fr": ("Infraction", "Article", "Peines et amendes (conditions)", "Dernière réforme"),
        "en": ("Offence", "Article", "Penalties and fines (conditions)", "Last reform"),
    },
    "actors": {
        "es": ("Actor", "Eje", "Mandato o papel (fuente)", "Notas de campo"),
        "fr": ("Acteur", "Axe", "Mandat ou rôle (source)", "Notes de terrain"),
        "en": ("Actor", "Axis", "Mandate or role (source)", "Field notes"),
    },
    "meetings": {
        "es": ("Fecha", "Reunión", "Participantes", "Puntos clave"),
        "fr": ("Date", "Réunion", "Participants", "Points clés"),
        "en": ("Date", "Meeting", "Participants", "Key points"),
    },
}
# Field notes: a section whose heading names a meeting, its participants and its key points (folded).
MEETING = re.compile(r"\b(?:reunion|entrevista|meeting|interview|rencontre|entretien|visita)\b")
PARTICIPANTS = re.compile(r"\b(?:participant\w*|asistentes|presentes|attendees)\b")
POINTS = re.compile(r"\b(?:points? saillants|points? cles|puntos|key points|constats|hallazgos|findings)\b")
_DATE = re.compile(
    r"\b\d{1,2}(?:er)?\s+(?:de\s+)?[a-zéû]+\s+(?:de\s+)?\d{4}\b|\b[a-z]+\s+\d{1,2},\s+\d{4}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    re.IGNORECASE,
)
AXIS = {
    "es": {"A": "A (trata y minería ilegal)", "B": "B (ambiente)", "both": "A y B"},
    "fr": {"A": "A (traite et orpaillage)", "B": "B (environnement)", "both": "A et B"},
    "en": {"A": "A (trafficking and illegal mining)", "B": "B (environment)", "both": "A and B"},
}
NONE = {"es": "—", "fr": "—", "en": "—"}
MENTIONED = {"es": "mencionado", "fr": "mentionné", "en": "mentioned"}
PAGE = {"es": "p.", "fr": "p.", "en": "p."}
MAX_FACTS = 5  # penalties and fines listed per offence
OPENING = 300  # characters of an article read for its subject and mandate verb
QUOTE = 160  # characters of the mandate sentence quoted
_NUMBER = re.compile(r"^Art\.\s*[\w.]+\s*\.?-\s*")  # "Art. 195.- " before an article's text
SUBJECT = 60  # the actor's name starts within this many characters of the opening: it is the subject
MONTHS = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
_MONTHS = {m: i for i, m in enumerate(MONTHS.split(), 1)}
_REGISTRO = re.compile(
    r"Registro Oficial\s+(?P<kind>(?:\w+\s+)?Suplemento\s+|Edición Especial\s+)?(?:No\.\s*)?(?P<number>\d+)"
    r"\s+de\s+(?P<day>\d{1,2})\s+de\s+(?P<month>\w+)\s+del?\s+(?P<year>\d{4})",
    re.IGNORECASE,
)


@lru_cache(maxsize=2)
def _data(name: str) -> dict[str, Any]:
    text = resources.files("assistant").joinpath(f"data/{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def last_reform(notes: Sequence[str]) -> tuple[date, str] | None:
    """The latest reform a chunk's notes record: (date, 'R.O. Supl. 599'); court precedents and
    resolutions published in the Registro Oficial are not reforms."""
    found: list[tuple[date, str]] = []
    for note in notes:
        if re.search(r"precedente|resoluci[oó]n", note, re.IGNORECASE):
            continue
        for m in _REGISTRO.finditer(note):
            month = _MONTHS.get(fold(m.group("month")))
            if month is None:
                continue
            supplement = " Supl." if m.group("kind") and "supl" in m.group("kind").lower() else ""
            found.append(
                (
                    date(int(m.group("year")), month, int(m.group("day"))),
                    f"R.O.{supplement} {m.group('number')}",
                )
            )
    return max(found) if found else None


def _citation(chunk: Chunk, quote: str) -> Citation:
    return Citation(0, chunk.chunk_id, chunk.file, chunk.title, chunk.page_start, chunk.page_end,
                    chunk.article, quote, ocr=chunk.ocr)  # fmt: skip


def _code(index: Index) -> str | None:
    """The file of the current penal code among the indexed documents."""
    wanted = fold(str(_data("legal_framework")["code"]))
    repealed = index.repealed_files()
    for entry in index.manifest.documents.values():
        if entry.file not in repealed and wanted in fold(f"{entry.title} {entry.file}").replace("-", " "):
            return entry.file
    return None


def _fact_text(fact: LegalFact, language: str, gist: Gist | None) -> str:
    item = f" ({ITEM[language]} {fact.item})" if fact.item else ""
    return statement(fact, language, gist) + item


def legal_framework(
    index: Index, language: str, registry: Registry, gist: Gist | None = None
) -> DraftTable | None:
    """One row per offence whose articles the current penal code holds; None without such a code."""
    code = _code(index)
    if code is None:
        return None
    rows = []
    for offence in _data("legal_framework")["offences"]:
        chunks = [c for art in offence["articles"] for c in index.store.article_chunks(art) if c.file == code]
        if not chunks:
            continue
        chunks.sort(key=lambda c: (c.page_start, c.part))
        facts = [f for c in chunks for f in extract(c.text, Hit(1, 1.0, c)) if f.kind in ("penalty", "fine")]
        reform = max((r for c in chunks if (r := last_reform(c.reform_notes))), default=None)
        numbers = sorted({registry.number(_citation(c, _short(c.text))) for c in chunks})
        articles = ", ".join(dict.fromkeys(c.article or "" for c in chunks))
        rows.append((
            offence["names"][language],
            f"{articles} [{', '.join(map(str, numbers))}]",
            "; ".join(_fact_text(f, language, gist) for f in facts[:MAX_FACTS]) or NONE[language],
            f"{reform[0].strftime('%d/%m/%Y')} ({reform[1]})" if reform else NONE[language],
        ))  # fmt: skip
    return DraftTable(TITLES["legal"][language], COLUMNS["legal"][language], tuple(rows)) if rows else None


def _mandate_pattern() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_data('actors')['mandate']})\b")


def _opening(chunk: Chunk) -> str:
    """The article's first words after its number, folded."""
    return fold(_NUMBER.sub("", chunk.text[:OPENING]))


def _mandates(chunk: Chunk, names: Sequence[re.Pattern[str]], mandate: re.Pattern[str]) -> bool:
    """The article names the actor as its subject (within its first words) and gives it a mandate."""
    if chunk.part != 1 or chunk.article is None:
        return False
    opening = _opening(chunk)
    first = min((m.start() for n in names if (m := n.search(opening))), default=None)
    return first is not None and first <= SUBJECT and bool(mandate.search(opening))


def _first_sentence(chunk: Chunk) -> str:
    """The article's first sentence (up to its first period, colon or line break), cut to QUOTE."""
    return _short(re.split(r"\.\s|:|\n", _NUMBER.sub("", chunk.text), maxsplit=1)[0])


def key_actors(index: Index, language: str, registry: Registry) -> DraftTable | None:
    """One row per actor the sources name; None when they name none."""
    chunks = index.store.chunks()
    repealed = index.repealed_files()
    laws = [
        c for c in chunks if c.doc_type in ("constitution", "law", "regulation") and c.file not in repealed
    ]
    laws.sort(key=lambda c: (c.doc_type != "constitution", c.file, c.page_start, c.part))
    notes = [c for c in chunks if c.doc_type == "notes"]
    others = sorted(
        (c for c in chunks if c.file not in repealed),
        key=lambda c: (c.doc_type != "plan", c.file, c.page_start),
    )
    mandate = _mandate_pattern()
    rows = []
    for actor in _data("actors")["actors"]:
        names = [re.compile(rf"\b{re.escape(p)}\b") for p in actor["patterns"]]

        def names_it(text: str, names: Sequence[re.Pattern[str]] = names) -> bool:
            return any(n.search(text) for n in names)

        source = next((c for c in laws if _mandates(c, names, mandate)), None)
        if source is not None:
            sentence = _first_sentence(source)
            n = registry.number(_citation(source, sentence))
            role = f"{source.article} [{n}]: «{sentence}»"
        else:
            source = next((c for c in others if names_it(fold(c.text))), None)
            if source is None:
                continue
            n = registry.number(_citation(source, _short(source.text)))
            role = f"{MENTIONED[language]}, {PAGE[language]} {source.page_start} [{n}]"
        met = sorted({(c.title, c.page_start) for c in notes if names_it(fold(c.text))})
        rows.append((
            actor["names"][language],
            AXIS[language][actor["axis"]],
            role,
            "; ".join(f"{t}, {PAGE[language]} {p}" for t, p in met) or NONE[language],
        ))  # fmt: skip
    return DraftTable(TITLES["actors"][language], COLUMNS["actors"][language], tuple(rows)) if rows else None


def _short(text: str, limit: int = QUOTE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " …"


def meetings(index: Index, language: str, registry: Registry) -> DraftTable | None:
    """One row per meeting the field notes record: its date, who was met (the heading without its
    number and date), the participants' roles and the first key point, cited; None without any."""
    notes = sorted(index.store.chunks(where={"doc_type": "notes"}), key=lambda c: (c.file, c.page_start))
    sections: dict[tuple[str, str], list[Chunk]] = {}
    for chunk in notes:  # the meeting is the deepest heading that names one (a notes file's title may not)
        named = [p.strip() for p in chunk.heading.split(" > ") if MEETING.search(fold(p))]
        if named:
            sections.setdefault((chunk.file, named[-1]), []).append(chunk)
    rows = []
    for (_, top), chunks in sections.items():
        found = _DATE.search(top)
        who = re.sub(r"^\s*[\d.]+\s*", "", _DATE.sub("", top)).strip(" ,;–-")
        tail = [(fold(c.heading.split(" > ")[-1]), c) for c in chunks]
        people = next((c for t, c in tail if PARTICIPANTS.search(t)), None)
        points = next((c for t, c in tail if POINTS.search(t)), None)
        cited = points or people or chunks[0]
        n = registry.number(_citation(cited, _short(cited.text)))
        rows.append((
            found.group(0) if found else NONE[language],
            who,
            _short(_without_heading(people)) if people else NONE[language],
            f"{_short(_first_point(points))} [{n}]" if points else f"[{n}]",
        ))  # fmt: skip
    return (
        DraftTable(TITLES["meetings"][language], COLUMNS["meetings"][language], tuple(rows)) if rows else None
    )


def _without_heading(chunk: Chunk) -> str:
    """A notes section's text without the sub-heading it starts with ("2.1 Participants …")."""
    label = chunk.heading.split(" > ")[-1].strip()
    return chunk.text[len(label) :].strip() if chunk.text.startswith(label) else chunk.text


def _first_point(chunk: Chunk) -> str:
    """The first item of a key-points section, or its first sentence."""
    text = _without_heading(chunk)
    items = [i.strip() for i in re.split(r"\s*[•▪◦·]\s+|\n-\s+|^-\s+", text) if i.strip()]
    return items[0] if items else text


def tables(
    index: Index, language: str, registry: Registry, gist: Gist | None = None
) -> tuple[DraftTable, ...]:
    """The concept note's tables that the indexed sources can fill."""
    found = (legal_framework(index, language, registry, gist), key_actors(index, language, registry))
    return tuple(t for t in found if t is not None)
