"""Data that moves through the pipeline: frozen dataclasses with stable ids, no third-party imports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

DocType = Literal["constitution", "law", "regulation", "plan", "report", "notes"]
DOC_TYPES: tuple[DocType, ...] = get_args(DocType)
LEGAL_DOC_TYPES: frozenset[str] = frozenset({"constitution", "law", "regulation"})
Status = Literal["ingested", "unchanged", "replaced", "failed", "removed"]
ChunkKind = Literal["text", "table"]  # running text (with figure captions), or one table with its caption
AnswerMode = Literal["extractive", "llm"]  # how an answer or a draft was written
SearchMode = Literal["hybrid", "dense", "lexical"]  # all channels fused, or one kind alone
FactKind = Literal["penalty", "fine", "time_limit"]  # the legal facts answers and drafts state as data
SEARCH_MODES: tuple[SearchMode, ...] = get_args(SearchMode)


@dataclass(frozen=True, slots=True)
class Page:
    """Text of one physical PDF page (1-based number)."""

    number: int
    text: str
    ocr: bool = False  # the text was read from the page image by OCR


@dataclass(frozen=True, slots=True)
class Line:
    """One cleaned line of text and the physical page it came from."""

    page: int
    text: str
    ocr: bool = False  # the line comes from an OCR'd page


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What ingestion learned about a document before chunking it."""

    doc_id: str  # sha256 of the file's bytes (first 16 hex digits)
    file: str  # the file name as ingested, without directories
    title: str
    doc_type: DocType
    language: str  # "es" | "fr" | "en"
    pages: int
    ocr_pages: int = 0  # pages whose text was read by OCR
    warnings: tuple[str, ...] = ()  # e.g. pages whose text is unreadable and could not be recovered


@dataclass(frozen=True, slots=True)
class Chunk:
    """A unit of retrieval: one legal article (or part of it) or one report passage."""

    chunk_id: str  # content hash: doc, page and text
    doc_id: str
    file: str
    title: str
    doc_type: DocType
    language: str
    page_start: int
    page_end: int
    article: str | None  # "Art. 92", "Art. 10 bis"; None outside legislation
    heading: str  # "LIBRO PRIMERO > TÍTULO IV > CAPÍTULO SEGUNDO"
    text: str  # the text that is embedded and shown
    reform_notes: tuple[str, ...] = ()
    concordances: tuple[str, ...] = ()  # CONCORDANCIAS / JURISPRUDENCIA, kept out of `text`
    part: int = 1  # 1-based part number when a long article is split
    parts: int = 1
    ocr: bool = False  # some of the text was read by OCR (the page had no usable text layer)
    kind: ChunkKind = "text"


@dataclass(frozen=True, slots=True)
class Filters:
    """Search only these files and/or document types (None: no restriction)."""

    files: frozenset[str] | None = None
    doc_types: frozenset[str] | None = None

    @classmethod
    def of(cls, files: Iterable[str] | None = None, doc_types: Iterable[str] | None = None) -> Filters:
        """From optional lists as the CLI, the app and the API receive them (empty or None: all)."""
        return cls(frozenset(files) if files else None, frozenset(doc_types) if doc_types else None)


@dataclass(frozen=True, slots=True)
class Hit:
    """A chunk returned by a search, with its rank and score."""

    rank: int
    score: float
    chunk: Chunk


@dataclass(slots=True)
class FileReport:
    """Outcome of ingesting one file, for the final table and `--json`."""

    file: str
    status: Status
    pages: int = 0
    chunks: int = 0
    articles: int = 0
    doc_type: str = ""
    language: str = ""
    title: str = ""
    error: str = ""
    ocr_pages: int = 0  # pages whose text was read by OCR
    tables: int = 0  # tables found and kept as their own chunks
    warnings: tuple[str, ...] = ()  # what was ingested with a caveat ("3 of 42 pages have unreadable text")
    pending: int = 0  # chunks still waiting for their vector when the report was made
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Citation:
    """One numbered source of an answer: where it is and the span the answer relies on."""

    n: int
    chunk_id: str
    file: str
    title: str
    page_start: int
    page_end: int
    article: str | None
    quote: str  # verbatim, in the source's language
    gist: str = ""  # automatic translation of the quote into the question's language, labelled as such
    ocr: bool = False  # the quoted page was read by OCR: the citation says so


@dataclass(frozen=True, slots=True)
class LegalFact:
    """A fact of a known shape that a quoted passage states: "pena privativa de libertad de dieciséis a
    diecinueve años" is a penalty from 16 (low) to 19 (high) years. Numbers are as the source writes
    them; `low` is None for "hasta N" (up to N) and equal to `high` for one figure ("veinte días")."""

    kind: FactKind
    low: int | None
    high: int
    unit: str  # "years", "months", "days", "working_days", "hours" or "sbu" (salarios básicos unificados)
    low_unit: str  # the low bound's unit when it differs ("de seis meses a un año")
    measure: str  # a penalty's kind as the source names it ("pena privativa de libertad", "reclusión mayor")
    condition: str  # the condition the source attaches, verbatim Spanish ('' when none is stated)
    item: str  # the article's numbered item it sits in ("2", "b"), '' outside a list
    text: str  # the source's words the fact was read from, verbatim
    chunk_id: str
    file: str
    title: str
    article: str | None
    page_start: int
    page_end: int
    repealed: bool = False  # stated by repealed law


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an answer, the citations it carries and how well they support it (0..1)."""

    text: str
    citations: tuple[int, ...]
    support: float
    supported: bool


@dataclass(frozen=True, slots=True)
class Answer:
    """What `ask` returns (JSON fields in README, "Command line"); `abstained` answers carry no citations."""

    question: str
    answer: str
    language: str
    abstained: bool
    mode: AnswerMode
    citations: tuple[Citation, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    hits: tuple[Hit, ...] = ()
    model: str = ""  # the chat model, in llm mode
    query: str = ""  # the standalone question searched (differs for a rewritten follow-up)
    notes: tuple[str, ...] = ()  # e.g. citations removed by the checker
    facts: tuple[LegalFact, ...] = ()  # the legal facts the answer's lead states, as data


@dataclass(frozen=True, slots=True)
class Bullet:
    """One sourced statement of a draft and the draft-wide citation numbers it uses: a verbatim quote
    (extractive) or a written sentence, flagged when its cited passages do not support it (llm)."""

    text: str
    citations: tuple[int, ...]
    supported: bool = True
    quoted: bool = True  # a verbatim quote (shown in «»), or the draft's own sentence (a fact, a summary)
    gist: str = ""  # a quote's automatic translation into the draft's language, labelled as such


@dataclass(frozen=True, slots=True)
class DraftPart:
    """A sub-heading of a section: its bullets, or a gap when the sources give no evidence."""

    title: str
    bullets: tuple[Bullet, ...]
    gap: bool
    missing: str = ""  # for a gap: what kind of source would cover it, as a sentence in the draft's language


@dataclass(frozen=True, slots=True)
class DraftSection:
    title: str
    parts: tuple[DraftPart, ...]


@dataclass(frozen=True, slots=True)
class DraftTable:
    """A table extracted from the sources (never written by a model); its cells carry [n] citations."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Draft:
    """A concept-note or mission-report section (or the whole deliverable) with numbered citations."""

    title: str
    language: str
    mode: AnswerMode
    sections: tuple[DraftSection, ...]
    citations: tuple[Citation, ...]
    gap_marker: str
    repealed: frozenset[str] = frozenset()  # cited files that are repealed law, labelled as such
    model: str = ""  # the chat model that wrote the paragraphs, in llm mode
    notes: tuple[str, ...] = ()  # what the citation checker changed
    tables: tuple[DraftTable, ...] = ()  # the legal-framework and key-actors tables (concept note)
