"""Benchmark (not a test): warm latency of `ask` in extractive mode over the real-corpus index.

Every development question is asked once after a warm-up (models, BM25 and Apertium loaded); the
timings of the whole call (retrieval, evidence selection, gist translations) go to
evals/results/bench-ask.json with p50 / p95 / max, overall and for answered vs abstained questions.

    python scripts/bench_ask.py --index /work/real-index
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from assistant.answer.ask import ask
from assistant.evaluate.dataset import load_questions
from assistant.evaluate.metrics import percentile
from assistant.evaluate.names import Metric
from assistant.index import Index
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        Metric.N: len(ms),
        Metric.P50_MS: round(percentile(ms, 50), 1),
        Metric.P95_MS: round(percentile(ms, 95), 1),
        Metric.MAX_MS: round(max(ms, default=0.0), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals" / "datasets" / "dev-real.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "bench-ask.json")
    args = parser.parse_args()
    index = Index(Settings(index_dir=args.index))
    questions = load_questions(args.dataset)
    for q in questions[:3]:  # warm-up: e5, BM25, Chroma, the Apertium pipelines of each language
        ask(index, q.question)
    for lang in ("fr", "en"):
        ask(index, next(q.question for q in questions if q.lang == lang))
    answered: list[float] = []
    abstained: list[float] = []
    for q in questions:
        started = time.perf_counter()
        answer = ask(index, q.question)
        elapsed = (time.perf_counter() - started) * 1000
        (abstained if answer.abstained else answered).append(elapsed)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "extractive, warm, default settings (6 sources, gist translations on)",
        "index": str(args.index),
        "chunks": index.store.count(),
        "all": summary(answered + abstained),
        "answered": summary(answered),
        "abstained": summary(abstained),
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
