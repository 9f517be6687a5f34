"""Blocks -> list[Chunk]: reflows lines into paragraphs, keeps each chunk (header included) within the
token budget, splitting long articles at paragraph, then sentence, then word boundaries with overlap.
Outside legislation, each table is a chunk of its own (kind "table": caption, header row, rows) under
the section it sat in, and a figure's caption is a paragraph of the text around it."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.ingest.extract import OutlineEntry
from assistant.ingest.legal import ARTICLE, Block, split_articles
from assistant.ingest.sections import heading_only, section_blocks
from assistant.ingest.tables import FIGURE_CAPTION, Table, take_out
from assistant.language import CHUNK_SENTENCE_END, LIST_ITEM, detect_language, fold
from assistant.settings import ChunkingSettings
from assistant.types import LEGAL_DOC_TYPES, Chunk, ChunkKind, DocumentInfo, Line

TokenCounter = Callable[[str], int]
_SENTENCE_DONE = (".", ":", ";", "?", "!")
MAX_CAPTION_LINES = 5  # a figure's caption ends with a full stop within this many lines, or is left alone
MAX_RESUMED_LINES = 12  # lines searched for the end of a sentence that a caption interrupted
_FIGURE_REFERENCE = re.compile(
    r"\b(?:Fig(?:ura|ure)?s?\.?|Gr[áa]fic[oa]s?|Mapas?|Maps?|Cartes?)\s*(?:N\s?[°º.o]\s*)?\d{1,3}\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    page_start: int
    page_end: int
    ocr: bool = False  # some of its lines come from an OCR'd page


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
    tables: Sequence[Table] = (),
) -> list[Chunk]:
    """Split along the document's structure: articles for legislation, sections otherwise; `tables`
    (from `tables.find_tables`, never given for legislation) leave the running text for chunks of
    their own, placed after the text of the section they sat in."""
    count_tokens = functools.lru_cache(maxsize=65536)(count_tokens)
    chunks: list[Chunk] = []
    if info.doc_type in LEGAL_DOC_TYPES:
        for block in split_articles(lines):
            if block.lines:
                chunks.extend(_chunk_block(info, block, settings, count_tokens))
        return _unique_ids(chunks)
    body, positions = take_out(lines, tables)
    blocks = section_blocks(_move_captions(body), outline)
    placed = _tables_by_block(blocks, body, positions)
    for index, block in enumerate(blocks):
        if not heading_only(block):
            chunks.extend(_chunk_block(info, block, settings, count_tokens, captions=True))
        for table_index in placed.get(index, []):
            chunks.extend(_table_chunks(info, tables[table_index], block.heading, settings, count_tokens))
    return _unique_ids(chunks)


def _tables_by_block(blocks: list[Block], body: list[Line], positions: list[int]) -> dict[int, list[int]]:
    """Block index -> the tables that sat in it: the block holding the line before the table."""
    block_of = {id(line): index for index, block in enumerate(blocks) for line in block.lines}
    placed: dict[int, list[int]] = {}
    for table_index, position in enumerate(positions):
        before = body[position - 1] if 0 < position <= len(body) else None
        block = block_of.get(id(before), 0) if before is not None else 0
        placed.setdefault(block, []).append(table_index)
    return placed


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


def paragraphs(lines: list[Line], captions: bool = False) -> list[_Unit]:
    """Join wrapped lines; a paragraph ends at . : ; ? ! or before a list item or article heading (and,
    with `captions`, before a figure's caption)."""
    units: list[_Unit] = []
    buffer: list[Line] = []
    for line in lines:
        opens = (
            LIST_ITEM.match(line.text)
            or ARTICLE.match(line.text)
            or (captions and FIGURE_CAPTION.match(line.text))
        )
        if buffer and (opens or buffer[-1].text.endswith((".", ":", ";", "?", "!"))):
            units.append(_join(buffer))
            buffer = []
        buffer.append(line)
    if buffer:
        units.append(_join(buffer))
    return units


def _move_captions(lines: list[Line]) -> list[Line]:
    """A figure's caption that the layout put inside a sentence ('... de los carnívoros las' / 'Figura 3
    Porcentaje de ... (0.5 mg/kg).' / 'especies más frecuentes fueron ...') moves after that sentence."""
    out: list[Line] = []
    index = 0
    while index < len(lines):
        end = _captions_end(lines, index)
        interrupted = end > index and out and not out[-1].text.endswith(_SENTENCE_DONE)
        if interrupted and end < len(lines) and lines[end].text[:1].islower():
            resumed = _sentence_end(lines, end)
            out += lines[end:resumed] + lines[index:end]
            index = resumed
        else:
            out += lines[index : max(end, index + 1)]
            index = max(end, index + 1)
    return out


def _captions_end(lines: list[Line], index: int) -> int:
    """The line after the captions starting at `index`, each ending with a full stop within
    MAX_CAPTION_LINES lines; `index` itself when there is none (or one runs on without a full stop)."""
    end = index
    while end < len(lines) and FIGURE_CAPTION.match(lines[end].text):
        last = next(
            (k for k in range(end, min(len(lines), end + MAX_CAPTION_LINES)) if lines[k].text.endswith(".")),
            None,
        )
        if last is None:
            return index
        end = last + 1
    return end


def _sentence_end(lines: list[Line], index: int) -> int:
    """The line after the one that ends the sentence going on at `index` (within MAX_RESUMED_LINES)."""
    stop = min(len(lines), index + MAX_RESUMED_LINES)
    for k in range(index, stop):
        if FIGURE_CAPTION.match(lines[k].text):
            return k
        if lines[k].text.endswith(_SENTENCE_DONE):
            return k + 1
    return stop


def _attach_captions(units: list[_Unit]) -> list[_Unit]:
    """A figure's caption joins the first paragraph of its section that cites the figure ('... son
    mayores (Fig. 2).'), so that the two share a chunk; a caption nobody cites stays where it is."""
    hosts: dict[int, list[_Unit]] = {}
    moved: set[int] = set()
    for index, unit in enumerate(units):
        match = FIGURE_CAPTION.match(unit.text)
        if not match:
            continue
        key = _figure_key(match.group(0))
        citing = (
            i
            for i, u in enumerate(units)
            if not FIGURE_CAPTION.match(u.text) and key in _figures_cited(u.text)
        )
        host = next(citing, None)
        if host is not None:
            hosts.setdefault(host, []).append(unit)
            moved.add(index)
    out: list[_Unit] = []
    for index, unit in enumerate(units):
        if index not in moved:
            out.append(_merge([unit, *hosts[index]]) if index in hosts else unit)
    return out


def _merge(units: list[_Unit]) -> _Unit:
    """One unit of several paragraphs (one per line), packed into a chunk as a whole when it fits."""
    pages = [u.page_start for u in units] + [u.page_end for u in units]
    return _Unit("\n".join(u.text for u in units), min(pages), max(pages), any(u.ocr for u in units))


def _figure_key(label: str) -> tuple[str, str]:
    """('fig', '2') for 'Figura 2', 'Fig. 2' or 'FIGURE 2'; ('gra', '3') for 'Gráfico N°3'."""
    word = fold(label.split()[0])[:3]
    number = re.search(r"\d{1,3}", label)
    return word, number.group(0) if number else ""


def _figures_cited(text: str) -> set[tuple[str, str]]:
    return {_figure_key(m.group(0)) for m in _FIGURE_REFERENCE.finditer(text)}


def _join(lines: list[Line]) -> _Unit:
    ocr = any(line.ocr for line in lines)
    return _Unit(" ".join(line.text for line in lines), lines[0].page, lines[-1].page, ocr)


def _chunk_block(
    info: DocumentInfo,
    block: Block,
    settings: ChunkingSettings,
    count_tokens: TokenCounter,
    captions: bool = False,
) -> list[Chunk]:
    draft = _make_chunk(info, block, [_Unit("", 1, 1)], 1, 1)
    budget = settings.max_tokens - count_tokens(passage_text(draft)) - 2
    units = paragraphs(block.lines, captions)
    units = _fit(_attach_captions(units) if captions else units, max(budget, 16), count_tokens)
    groups = _pack(units, max(budget, 16), settings.overlap_tokens, count_tokens)
    return [_make_chunk(info, block, group, i + 1, len(groups)) for i, group in enumerate(groups)]


def _table_chunks(
    info: DocumentInfo, table: Table, heading: str, settings: ChunkingSettings, count_tokens: TokenCounter
) -> list[Chunk]:
    """A table as chunks of kind "table": its caption and header row, then as many whole rows as fit
    (each part repeats the caption and the header); the notes under the table close the last part."""
    block = Block(None, heading)
    rows = table.row_lines()
    lead = [_Unit(text, table.page, table.page) for text in (table.caption, *rows[:1])]
    body = [_Unit(text, table.page, table.page) for text in (*rows[1:], *table.notes)]
    draft = _make_chunk(info, block, lead, 1, 1, "table")
    budget = max(settings.max_tokens - count_tokens(passage_text(draft)) - 2, 16)
    groups = _pack(_fit(body, budget, count_tokens), budget, 0, count_tokens) or [[]]
    return [_make_chunk(info, block, lead + g, i + 1, len(groups), "table") for i, g in enumerate(groups)]


def _fit(units: list[_Unit], budget: int, count_tokens: TokenCounter) -> list[_Unit]:
    """Break any paragraph longer than the budget into sentences, then into word windows."""
    fitted: list[_Unit] = []
    for unit in units:
        if count_tokens(unit.text) <= budget:
            fitted.append(unit)
            continue
        for sentence in CHUNK_SENTENCE_END.split(unit.text):
            if count_tokens(sentence) <= budget:
                fitted.append(_Unit(sentence, unit.page_start, unit.page_end, unit.ocr))
                continue
            words = sentence.split()
            step = max(8, len(words) * budget // max(1, count_tokens(sentence)) - 4)
            fitted.extend(
                _Unit(" ".join(words[i : i + step]), unit.page_start, unit.page_end, unit.ocr)
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


# A chunk's own language is detected from this many characters on; a shorter one (an amendment stub of a
# few words, which lingua may call English) takes its document's.
MIN_LANGUAGE_CHARS = 200


def _make_chunk(
    info: DocumentInfo, block: Block, units: list[_Unit], part: int, parts: int, kind: ChunkKind = "text"
) -> Chunk:
    text = "\n".join(u.text for u in units)
    language = detect_language(text) if len(text) >= MIN_LANGUAGE_CHARS else info.language
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
        language=language,
        page_start=start,
        page_end=end,
        article=block.article,
        heading=block.heading,
        text=text,
        reform_notes=tuple(" ".join(note) for note in block.notes),
        concordances=tuple(block.concordances),
        part=part,
        parts=parts,
        ocr=any(u.ocr for u in units),
        kind=kind,
    )
