"""Typed records between the evaluation's stages, and their JSON form in `records.jsonl`.

metrics.py scores one system on one question (`RetrievalScores`, `AnswerScores`); run.py gathers them
per system (`SystemResult`) and per question (`QuestionRecord`); report.py writes them with `to_json`;
compare.py reads a run folder back with `from_json`. The JSON keys are those of every run folder written
so far: a field is written under its own name unless its metadata names the key (`recall` ->
"recall@10"), and an optional field that is None (no answer asked for) is left out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, is_dataclass
from typing import Any

from assistant.evaluate.names import Metric

KEY = "key"  # field metadata: the field's key in the files, when it is not the field's name
OPTIONAL = "optional"  # field metadata: left out of the files when None
Converters = Mapping[str, Callable[[Any], Any]]  # field name -> its value from the JSON value


def json_key(f: Field[Any]) -> str:
    """The key a record's field is written under."""
    return str(f.metadata.get(KEY, f.name))


def to_json(record: Any) -> dict[str, Any]:
    """A record as the dict written to the files (`dataclasses.asdict` with the files' keys): fields in
    order, nested records as dicts, tuples as lists, optional fields that are None left out."""
    out: dict[str, Any] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if value is None and f.metadata.get(OPTIONAL):
            continue
        if is_dataclass(value):
            value = to_json(value)
        out[json_key(f)] = list(value) if isinstance(value, tuple) else value
    return out


def _arguments(kind: Any, data: Mapping[str, Any], convert: Converters | None = None) -> dict[str, Any]:
    """A record's constructor arguments from its dict: each field from its key (None for a missing
    optional field), passed through `convert[field name]` when given and not None."""
    arguments: dict[str, Any] = {}
    for f in fields(kind):
        key = json_key(f)
        value = data.get(key) if f.metadata.get(OPTIONAL) else data[key]
        if value is not None and convert and f.name in convert:
            value = convert[f.name](value)
        arguments[f.name] = value
    return arguments


@dataclass(frozen=True, slots=True)
class RetrievalScores:
    """One system's retrieval on one answerable question."""

    rank: int | None  # 1-based rank of the first chunk on a gold page, within the evaluation depth
    recall: float = field(metadata={KEY: Metric.RECALL})  # share of the gold pages in the first chunks
    ndcg: float = field(metadata={KEY: Metric.NDCG})
    article_ok: bool | None  # the first hit's (file, article) is a gold article; None: gold names none

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RetrievalScores:
        return cls(**_arguments(cls, data))


@dataclass(frozen=True, slots=True)
class AnswerScores:
    """One answer's scores, as counts so that totals can be pooled across questions."""

    abstained: bool
    key_fact_recall: float | None = field(metadata={KEY: Metric.KEY_FACTS})  # None: no key facts
    citations: int
    citations_valid: int  # cited chunk was given to the answerer
    citations_precise: int  # ... and is on a gold page or contains a key fact
    sentences: int
    sentences_supported: int
    language_ok: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerScores:
        return cls(**_arguments(cls, data))


@dataclass(frozen=True, slots=True)
class SystemResult:
    """One system (product or baseline) on one question: its hits, timings and scores."""

    hits: tuple[dict[str, Any], ...]  # rank, chunk_id, file, page_start, page_end, article, score
    search_ms: float
    retrieval: RetrievalScores | None  # None for an unanswerable question
    # the answer's fields of `assistant ask --json`; these three only when the system was asked
    answer: dict[str, Any] | None = field(default=None, metadata={OPTIONAL: True})
    answer_scores: AnswerScores | None = field(default=None, metadata={OPTIONAL: True})
    ask_ms: float | None = field(default=None, metadata={OPTIONAL: True})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SystemResult:
        convert: Converters = {
            "hits": tuple, "retrieval": RetrievalScores.from_json, "answer_scores": AnswerScores.from_json
        }  # fmt: skip
        return cls(**_arguments(cls, data, convert))


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One line of `records.jsonl`: the question, its gold pages and each system's result."""

    id: str
    lang: str
    topic: str
    answerable: bool
    question: str
    gold: tuple[dict[str, Any], ...]  # file, page, article
    product: SystemResult
    baseline: SystemResult | None = field(default=None, metadata={OPTIONAL: True})
    type: str | None = field(default=None, metadata={OPTIONAL: True})  # the question's type, when given

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuestionRecord:
        convert: Converters = {
            "gold": tuple, "product": SystemResult.from_json, "baseline": SystemResult.from_json
        }  # fmt: skip
        return cls(**_arguments(cls, data, convert))
