"""Sanity checks for the curated legal vocabularies: the FR/EN -> ES glossary for search
(assistant/data/glossary.tsv) and the ES -> FR/EN terminology for gists (assistant/data/terminology.tsv)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from assistant.language import fold

DATA = Path(__file__).resolve().parents[1] / "assistant" / "data"
GLOSSARY = DATA / "glossary.tsv"
TERMINOLOGY = DATA / "terminology.tsv"
MIN_ROWS_PER_LANG = 350

# (lang, term) -> Spanish phrases, at least one of which must appear in the entry's Spanish side.
MUST_HAVE = {
    ("fr", "orpaillage"): ("minería ilegal", "actividad ilícita de recursos mineros"),
    ("fr", "blanchiment"): ("lavado de activos",),
    ("fr", "traite des êtres humains"): ("trata de personas",),
    ("en", "money laundering"): ("lavado de activos",),
    ("en", "human trafficking"): ("trata de personas",),
    ("en", "illegal mining"): ("actividad ilícita de recursos mineros", "minería ilegal"),
    ("fr", "consultation préalable"): ("consulta previa",),
}


def _load(path: Path = GLOSSARY) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    rows = [row for row in reader if row]
    return header, rows


@pytest.fixture(scope="module")
def glossary() -> tuple[list[str], list[list[str]]]:
    assert GLOSSARY.is_file(), f"missing {GLOSSARY}"
    return _load()


def test_header(glossary: tuple[list[str], list[list[str]]]) -> None:
    header, _ = glossary
    assert header == ["lang", "term", "spanish", "topic"]


def test_rows_well_formed(glossary: tuple[list[str], list[list[str]]]) -> None:
    _, rows = glossary
    for row in rows:
        assert len(row) == 4, row
        lang, term, spanish, topic = row
        assert lang in {"fr", "en"}, row
        for field in row:
            assert field, row
            assert field == field.strip(), row
        assert term == term.lower(), row
        assert topic == topic.lower(), row
        alternatives = spanish.split(" | ")
        assert all(alt and alt == alt.strip() for alt in alternatives), row


def test_enough_rows_per_language(glossary: tuple[list[str], list[list[str]]]) -> None:
    _, rows = glossary
    counts = Counter(row[0] for row in rows)
    assert counts["fr"] >= MIN_ROWS_PER_LANG, counts
    assert counts["en"] >= MIN_ROWS_PER_LANG, counts


def test_no_duplicate_terms(glossary: tuple[list[str], list[list[str]]]) -> None:
    _, rows = glossary
    counts = Counter((row[0], row[1]) for row in rows)
    duplicates = sorted(key for key, n in counts.items() if n > 1)
    assert not duplicates, duplicates


@pytest.mark.parametrize(("key", "expected"), sorted(MUST_HAVE.items()))
def test_must_have_entries(
    glossary: tuple[list[str], list[list[str]]], key: tuple[str, str], expected: tuple[str, ...]
) -> None:
    _, rows = glossary
    entries = {(row[0], row[1]): row[2] for row in rows}
    assert key in entries, f"missing glossary entry {key}"
    spanish = entries[key].lower()
    assert any(phrase in spanish for phrase in expected), (key, entries[key])


# Spanish term -> (French, English): the renderings the gist issue asked for, and more that Apertium mangles.
TERMINOLOGY_MUST_HAVE = {
    "trata de personas": ("traite des personnes", "trafficking in persons"),
    "pena privativa de libertad": ("peine privative de liberté", "imprisonment"),
    "penas privativas de libertad": ("peines privatives de liberté", "prison sentences"),
    "tráfico ilícito de migrantes": ("trafic illicite de migrants", "smuggling of migrants"),
    "lavado de activos": ("blanchiment de capitaux", "money laundering"),
    "delincuencia organizada": ("criminalité organisée", "organised crime"),
    "persona jurídica": ("personne morale", "legal person"),
    "consulta previa": ("consultation préalable", "prior consultation"),
}
# The vocabulary the issue lists: each must be a row.
ISSUE_TERMS = (
    "trata de personas|pena privativa de libertad|salarios básicos unificados|tráfico ilícito de migrantes|"
    "minería ilegal|lavado de activos|delincuencia organizada|Fiscalía|Defensoría del Pueblo|"
    "acción de protección|acción extraordinaria de protección|medidas cautelares|persona jurídica|comiso|"
    "grupo de atención prioritaria|explotación laboral|servidora o servidor público|peculado|cohecho|"
    "enriquecimiento ilícito"
).split("|")


@pytest.fixture(scope="module")
def terminology() -> tuple[list[str], list[list[str]]]:
    assert TERMINOLOGY.is_file(), f"missing {TERMINOLOGY}"
    return _load(TERMINOLOGY)


def test_terminology_says_its_source_and_version() -> None:
    first = TERMINOLOGY.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and "Version:" in first


def test_terminology_rows_well_formed(terminology: tuple[list[str], list[list[str]]]) -> None:
    header, rows = terminology
    assert header == ["spanish", "french", "gender", "english"]
    assert len(rows) >= 100
    for row in rows:
        assert len(row) == 4, row
        assert all(field and field == field.strip() and "  " not in field for field in row), row
        assert row[2] in {"m", "f", "pl"}, row


def test_terminology_has_no_duplicate_spanish_term(terminology: tuple[list[str], list[list[str]]]) -> None:
    """Terms are matched ignoring case and accents: two rows that fold alike would compete."""
    _, rows = terminology
    counts = Counter(fold(row[0]) for row in rows)
    assert not [term for term, n in counts.items() if n > 1]


def test_terminology_renderings(terminology: tuple[list[str], list[list[str]]]) -> None:
    _, rows = terminology
    entries = {row[0]: (row[1], row[3]) for row in rows}
    assert {term: entries.get(term) for term in TERMINOLOGY_MUST_HAVE} == TERMINOLOGY_MUST_HAVE
    assert [term for term in ISSUE_TERMS if term not in entries] == []
