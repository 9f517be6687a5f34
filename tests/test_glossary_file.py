"""Sanity checks for the curated FR/EN -> ES legal glossary (assistant/data/glossary.tsv)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

GLOSSARY = Path(__file__).resolve().parents[1] / "assistant" / "data" / "glossary.tsv"
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


def _load() -> tuple[list[str], list[list[str]]]:
    with GLOSSARY.open(encoding="utf-8", newline="") as fh:
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
