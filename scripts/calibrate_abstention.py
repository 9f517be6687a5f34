"""Calibrate the abstention threshold (`answer.abstain_below`) on the development set.

For every question: plan, retrieve the sources `ask` would use, and measure the coverage (IDF-weighted
share of the question's content words in the best of the first three passages); a question naming a
year that no retrieved passage mentions, or a domain word (glossary vocabulary) that no indexed
document contains, abstains regardless (counted as coverage 0). The threshold chosen is
the highest that keeps false abstentions on answerable questions under the target (default 10%); the
script prints both rates for a range of thresholds and writes evals/results/abstention-calibration.json.

    python scripts/calibrate_abstention.py --index /work/real-index [--dataset evals/datasets/dev-real.jsonl]
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from assistant.answer.ask import prepare
from assistant.answer.evidence import coverage, missing_years
from assistant.evaluate.dataset import load_questions
from assistant.index import Index
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def rates(rows: list[tuple[bool, float]], threshold: float) -> tuple[float, float]:
    """(abstention on unanswerable, false abstention on answerable) at a threshold."""
    unanswerable = [c for ok, c in rows if not ok]
    answerable = [c for ok, c in rows if ok]
    return (
        sum(c < threshold for c in unanswerable) / max(len(unanswerable), 1),
        sum(c < threshold for c in answerable) / max(len(answerable), 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals" / "datasets" / "dev-real.jsonl")
    parser.add_argument(
        "--max-false", type=float, default=0.10, help="false-abstention budget (default 0.10)"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "evals" / "results" / "abstention-calibration.json"
    )
    args = parser.parse_args()
    index = Index(Settings(index_dir=args.index))
    rows: list[tuple[bool, float]] = []
    per_question = []
    for q in load_questions(args.dataset):
        prepared = prepare(index, q.question, (), None, None)
        terms, hits = prepared.terms, prepared.hits
        years = missing_years(q.question, hits)
        # the year and absent-term rules abstain whatever the coverage: such a question counts as 0
        value = 0.0 if years or terms.absent else round(coverage(hits, terms), 4)
        rows.append((q.answerable, value))
        per_question.append(
            {
                "id": q.id,
                "answerable": q.answerable,
                "coverage": value,
                "missing_years": years,
                "absent_terms": list(terms.absent),
            }
        )
    grid = [round(0.05 * i, 2) for i in range(1, 20)]
    table = [{"threshold": t, "abstains": rates(rows, t)[0], "false": rates(rows, t)[1]} for t in grid]
    allowed = [row for row in table if row["false"] < args.max_false]
    chosen = max(allowed, key=lambda row: (row["abstains"], -row["false"], row["threshold"]))
    for row in table:
        mark = "  <- chosen" if row is chosen else ""
        print(f"threshold {row['threshold']:.2f}: abstains on {row['abstains']:.0%} of unanswerable, "
              f"falsely on {row['false']:.0%} of answerable{mark}")  # fmt: skip
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": str(args.dataset),
        "index": str(args.index),
        "max_false": args.max_false,
        "chosen": chosen,
        "table": table,
        "questions": per_question,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
