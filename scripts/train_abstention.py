"""Train the abstention model (assistant/data/abstention.json) on reference questions.

For every question: prepare it as `ask` does (plan, retrieve, weigh the question's words) and take its
signals (`assistant.answer.abstain.signals`); fit a logistic regression on them, choose the operating
point on 5-fold cross-validated probabilities for at most `--max-false` false abstentions, and write
the model, the precision/recall curve and each question's probability.

    python scripts/train_abstention.py --index /work/train-index \\
        evals/datasets/train.jsonl evals/datasets/dev-real.jsonl evals/datasets/dev-reports.jsonl

Never give it the sealed split.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from assistant.answer.ask import prepare
from assistant.evaluate.abstention import Example, train
from assistant.evaluate.dataset import load_questions
from assistant.index import Index
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DATASETS = [
    ROOT / "evals" / "datasets" / name for name in ("train.jsonl", "dev-real.jsonl", "dev-reports.jsonl")
]


def plot(curve: list[dict[str, float]], threshold: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([r["recall"] for r in curve], [r["precision"] for r in curve], marker=".")
    chosen = min(curve, key=lambda r: abs(r["threshold"] - threshold))
    ax.scatter([chosen["recall"]], [chosen["precision"]], color="red", zorder=3, label=f"p ≥ {threshold:.2f}")
    ax.set_xlabel("recall (unanswerable questions abstained on)")
    ax.set_ylabel("precision of abstaining")
    ax.set_title("Abstention model, 5-fold cross-validated")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("datasets", type=Path, nargs="*", default=DATASETS)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--max-false", type=float, default=0.05, help="false-abstention budget (0.05)")
    parser.add_argument("--model", type=Path, default=ROOT / "assistant" / "data" / "abstention.json")
    parser.add_argument("--report", type=Path, default=ROOT / "evals" / "results" / "abstention-model")
    args = parser.parse_args()
    if any("sealed" in p.name for p in args.datasets):
        parser.error("the sealed split is never trained on")
    index = Index(Settings(index_dir=args.index))
    examples = []
    for path in args.datasets:
        for q in load_questions(path):
            prepared = prepare(index, q.question, (), None, None)
            examples.append(Example(q.id, tuple(prepared.signals.vector()), q.answerable))
    about = {
        "datasets": [p.name for p in args.datasets], "index": str(args.index),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    model, report = train(examples, args.max_false, about)
    args.model.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    args.report.mkdir(parents=True, exist_ok=True)
    (args.report / "report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    plot(report["curve"], model.threshold, args.report / "precision-recall.png")
    t = model.trained_on
    print(
        f"{t['examples']} questions ({t['unanswerable']} unanswerable); threshold {model.threshold:.3f}: "
        f"cross-validated abstention {t['cv_abstention']:.0%}, "
        f"false abstention {t['cv_false_abstention']:.0%}"
    )
    print("weights:", dict(zip(model.features, model.weights, strict=True)))


if __name__ == "__main__":
    main()
