"""Two run folders -> per-metric differences and the questions that got worse; a summary -> gate failures."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import InvalidInputError
from assistant.evaluate.names import MISS, MISS_LABEL, Metric
from assistant.evaluate.records import QuestionRecord


def load_run(folder: Path) -> tuple[dict[str, Any], dict[str, QuestionRecord]]:
    """A run folder's summary and its records by question id."""
    summary_path, records_path = folder / "summary.json", folder / "records.jsonl"
    if not summary_path.is_file() or not records_path.is_file():
        raise InvalidInputError(f"{folder}: not an evaluation run (no summary.json / records.jsonl); "
                             "give a folder written by 'assistant eval --out'.")  # fmt: skip
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    lines = records_path.read_text(encoding="utf-8").splitlines()
    records = [QuestionRecord.from_json(json.loads(line)) for line in lines if line.strip()]
    return summary, {r.id: r for r in records}


def flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, float]]:
    """Dotted paths to every number in a nested summary ('systems.product.retrieval.all.hit@5')."""
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flatten(value, path + ".")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield path, float(value)


def metric_diff(
    a: Mapping[str, Any], b: Mapping[str, Any], system: str = "product"
) -> list[tuple[str, float, float]]:
    """(metric, value in A, value in B) for every metric of one system present in both summaries."""
    left = dict(flatten(a["systems"].get(system, {})))
    right = dict(flatten(b["systems"].get(system, {})))
    skip = ("curve", f".{Metric.N}", Metric.ARTICLES_N, f"_latency.{Metric.MEAN_MS}")
    return [
        (key, left[key], right[key])
        for key in left
        if key in right and not key.startswith("curve") and not key.endswith(skip)
    ]


@dataclass(frozen=True, slots=True)
class Regression:
    id: str
    question: str
    what: str


def regressions(a: Mapping[str, QuestionRecord], b: Mapping[str, QuestionRecord]) -> list[Regression]:
    """Questions in both runs that B handles worse: first gold page ranked lower, fewer key facts, an
    abstention that appeared on an answerable question or disappeared on an unanswerable one."""
    out = []
    for qid in a.keys() & b.keys():
        old, new = a[qid].product, b[qid].product
        what = []
        if old.retrieval and new.retrieval:
            before, after = old.retrieval.rank or MISS, new.retrieval.rank or MISS
            if after > before:
                what.append(f"rank {_rank(before)} -> {_rank(after)}")
        sa, sb = old.answer_scores, new.answer_scores
        if sa and sb:
            if (sb.key_fact_recall or 0) < (sa.key_fact_recall or 0):
                what.append(f"key facts {sa.key_fact_recall:.2f} -> {sb.key_fact_recall or 0:.2f}")
            if sa.abstained != sb.abstained and sb.abstained == a[qid].answerable:
                what.append("now abstains" if sb.abstained else "no longer abstains")
        if what:
            out.append(Regression(qid, a[qid].question, "; ".join(what)))
    return sorted(out, key=lambda r: r.id)


def _rank(rank: int) -> str:
    return str(rank) if rank < MISS else MISS_LABEL


def check_gate(summary: Mapping[str, Any], thresholds: Mapping[str, float]) -> list[str]:
    """One message per threshold the summary misses (dotted metric path -> minimum); [] when all hold."""
    values = dict(flatten(summary))
    failures = []
    for path, minimum in thresholds.items():
        if path not in values:
            failures.append(f"{path}: not in this run's summary (is the threshold file for this dataset?)")
        elif values[path] < minimum:
            failures.append(f"{path} = {values[path]:.3f}, below the recorded minimum {minimum:.3f}")
    return failures


def load_thresholds(path: Path) -> dict[str, float]:
    """A gate file: {"dataset": ..., "min": {"systems.product.retrieval.all.hit@5": 0.9, ...}}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data["min"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInputError(
            f'{path}: not a gate file ({exc}); expected {{"min": {{metric: minimum}}}}.'
        ) from exc
