"""Blocks -> list[Chunk]: reflows lines into paragraphs, keeps each chunk (header included) within the
token budget, splitting long articles at paragraph, then sentence, then word boundaries with overlap."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from assistant.ingest.extract import OutlineEntry
from assistant.ingest.legal import ARTICLE, Block, split_articles
from assistant.ingest.sections import split_sections
from assistant.language import CHUNK_SENTENCE_END, LIST_ITEM
from assistant.settings import ChunkingSettings
from assistant.types import LEGAL_DOC_TYPES, Chunk, DocumentInfo, Line

TokenCounter = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    page_start: int
    page_end: int


def passage_text(chunk: Chunk) -> str:
    """What the embedder sees: a one-line context header (document, article, section) and the text."""
    section = chunk.heading.rsplit(" > ", 1)[-1]
    header = " · ".join(part for part in (chunk.title, chunk.article or "", section) if part)
    return f"{header}\n{chunk.text}"


def chunk_document(
    info: DocumentInfo,
    lines: list[Line],
    outline: list[OutlineEntry],
    settings: ChunkingSettings,
    count_tokens: TokenCounter,
) -> list[Chunk]:
    """Split along the document's structure: articles for legislation, sections otherwise."""
    count_tokens = functools.lru_cache(maxsize=65536)(count_tokens)
    legal = info.doc_type in LEGAL_DOC_TYPES
    blocks = split_articles(lines) if legal else split_sections(lines, outline)
    chunks: list[Chunk] = []
    for block in blocks:
        if block.lines:
            chunks.extend(_chunk_block(info, block, settings, count_tokens))
    return _unique_ids(chunks)


def _unique_ids(chunks: list[Chunk]) -> list[Chunk]:
    """Identical text on the same page (two repealed articles, say) gets '-2', '-3' suffixes."""
    seen: dict[str, int] = {}
    unique = []
    for chunk in chunks:
        seen[chunk.chunk_id] = seen.get(chunk.chunk_id, 0) + 1
        if seen[chunk.chunk_id] > 1:
            chunk = dataclasses.replace(chunk, chunk_id=f"{chunk.chunk_id}-{seen[chunk.chunk_id]}")
        unique.append(chunk)
    return unique


def paragraphs(lines: list[Line]) -> list[_Unit]:
    """Join wrapped lines; a paragraph ends at . : ; ? ! or before a list item or article heading."""
    units: list[_Unit] = []
    buffer: list[Line] = []
    for line in lines:
        opens = LIST_ITEM.match(line.text) or ARTICLE.match(line.text)
        if buffer and (opens or buffer[-1].text.endswith((".", ":", ";", "?", "!"))):
            units.append(_join(buffer))
            buffer = []
        buffer.append(line)
    if buffer:
        units.append(_join(buffer))
    return units


def _join(lines: list[Line]) -> _Unit:
    return _Unit(" ".join(line.text for line in lines), lines[0].page, lines[-1].page)


def _chunk_block(
    info: DocumentInfo, block: Block, settings: ChunkingSettings, count_tokens: TokenCounter
) -> list[Chunk]:
    draft = _make_chunk(info, block, [_Unit("", 1, 1)], 1, 1)
    budget = settings.max_tokens - count_tokens(passage_text(draft)) - 2
    units = _fit(paragraphs(block.lines), max(budget, 16), count_tokens)
    groups = _pack(units, max(budget, 16), settings.overlap_tokens, count_tokens)
    return [_make_chunk(info, block, group, i + 1, len(groups)) for i, group in enumerate(groups)]


def _fit(units: list[_Unit], budget: int, count_tokens: TokenCounter) -> list[_Unit]:
    """Break any paragraph longer than the budget into sentences, then into word windows."""
    fitted: list[_Unit] = []
    for unit in units:
        if count_tokens(unit.text) <= budget:
            fitted.append(unit)
            continue
        for sentence in CHUNK_SENTENCE_END.split(unit.text):
            if count_tokens(sentence) <= budget:
                fitted.append(_Unit(sentence, unit.page_start, unit.page_end))
                continue
            words = sentence.split()
            step = max(8, len(words) * budget // max(1, count_tokens(sentence)) - 4)
            fitted.extend(
                _Unit(" ".join(words[i : i + step]), unit.page_start, unit.page_end)
                for i in range(0, len(words), step)
            )
    return fitted


def _pack(units: list[_Unit], budget: int, overlap: int, count_tokens: TokenCounter) -> list[list[_Unit]]:
    """Greedy packing; a new group starts with the previous group's last units up to `overlap` tokens."""
    sizes = [count_tokens(u.text) + 1 for u in units]
    groups: list[list[int]] = []
    current: list[int] = []
    used = 0
    for index, size in enumerate(sizes):
        if current and used + size > budget:
            groups.append(current)
            carried: list[int] = []
            carried_tokens = 0
            for previous in reversed(current):
                if (
                    carried_tokens + sizes[previous] > overlap
                    or carried_tokens + sizes[previous] + size > budget
                ):
                    break
                carried.insert(0, previous)
                carried_tokens += sizes[previous]
            current, used = carried, carried_tokens
        current.append(index)
        used += size
    if current:
        groups.append(current)
    return [[units[i] for i in group] for group in groups]


def _make_chunk(info: DocumentInfo, block: Block, units: list[_Unit], part: int, parts: int) -> Chunk:
    text = "\n".join(u.text for u in units)
    start = min(u.page_start for u in units)
    end = max(u.page_end for u in units)
    key = f"{info.file}\x00{info.doc_id}\x00{start}\x00{part}\x00{text}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Chunk(
        chunk_id=digest,
        doc_id=info.doc_id,
        file=info.file,
        title=info.title,
        doc_type=info.doc_type,
        language=info.language,
        page_start=start,
        page_end=end,
        article=block.article,
        heading=block.heading,
        text=text,
        reform_notes=tuple(" ".join(note) for note in block.notes),
        concordances=tuple(block.concordances),
        part=part,
        parts=parts,
    )
