"""Splitting text into quotable units (source passages) and sentences (generated answers)."""

from __future__ import annotations

import re

from assistant.language import ITEM_BREAK, SENTENCE_END

# A period ends a sentence unless it closes an abbreviation or a list number ("Art. 92", "1. Con pena").
_ABBREVIATIONS = frozenset(
    "art arts no nro núm num lit inc sr sra dr dra ed p pp vol cap etc ss num. n° cf".split()
)
_CITATION = re.compile(r"\[(\d{1,3})\]")
MAX_UNIT = 600  # characters: longer units are cut at a comma or semicolon


def _ends_abbreviation(piece: str) -> bool:
    last = piece.rstrip().rsplit(None, 1)[-1] if piece.strip() else ""
    word = last.rstrip(".").lower()
    return last.endswith(".") and (word in _ABBREVIATIONS or word.isdigit() or len(word) == 1)


def split_units(text: str) -> list[str]:
    """Sentences and numbered items of a passage, in order; an article's heading stays with its first
    sentence ("Art. 92.- Sanción... .- La trata de personas será sancionada:")."""
    units: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        pieces: list[str] = []
        for piece in SENTENCE_END.split(paragraph):
            if pieces and (_ends_abbreviation(pieces[-1]) or pieces[-1].endswith(".-")):
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
        for piece in pieces:
            units += [p for p in ITEM_BREAK.split(piece) if p.strip()]
    return [cut for unit in units for cut in _cut(unit)]


def _cut(unit: str) -> list[str]:
    if len(unit) <= MAX_UNIT:
        return [unit]
    at = max(unit.rfind(", ", 0, MAX_UNIT), unit.rfind("; ", 0, MAX_UNIT))
    if at < MAX_UNIT // 3:
        at = unit.rfind(" ", 0, MAX_UNIT)
    return [unit[: at + 1].strip(), *_cut(unit[at + 1 :].strip())]


def split_sentences(answer: str) -> list[str]:
    """Sentences of a generated answer; a citation right after the period stays with its sentence."""
    text = " ".join(answer.split())
    # "x. [1] Next" -> "x [1]. Next": a citation after the period belongs to the sentence before it
    text = re.sub(r"([.!?])\s*((?:\[\d{1,3}\]\s*)+)", lambda m: f" {m.group(2).strip()}{m.group(1)} ", text)
    text = " ".join(text.split())
    out: list[str] = []
    for piece in SENTENCE_END.split(text):
        if out and _ends_abbreviation(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def citation_numbers(sentence: str) -> tuple[int, ...]:
    """The [n] markers of a sentence, in order of first appearance."""
    return tuple(dict.fromkeys(int(n) for n in _CITATION.findall(sentence)))


def strip_citations(text: str) -> str:
    return " ".join(_CITATION.sub(" ", text).split())
