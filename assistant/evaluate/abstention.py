"""Training the abstention model: signals of reference questions -> a logistic regression (numpy,
deterministic), its cross-validated probabilities, the operating point for a false-abstention budget
and the precision/recall curve. `scripts/train_abstention.py` runs it over an index."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answer.abstain import FEATURES, AbstentionModel
from assistant.settings import AnswerSettings

# Ridge penalty on the standardised weights (a few dozen unanswerable questions, eight signals): 3
# against 0.01 / 0.1 / 1 / 10 in 5-fold cross-validation on the training questions.
L2 = 3.0
FOLDS = 5
# Coverage under which a question is off the documents' topics whatever the model says: the coverage
# rule's own threshold (`AnswerSettings.abstain_below`, calibrated on the development set). The training
# questions are near misses, all on topic (no unanswerable one under 0.15), so the model cannot learn
# this; without it a question about a topic the documents never treat gets unrelated quotes.
FLOOR: float = AnswerSettings.model_fields["abstain_below"].default


@dataclass(frozen=True, slots=True)
class Example:
    """One reference question's signals and whether the documents answer it."""

    qid: str
    vector: tuple[float, ...]  # in FEATURES order
    answerable: bool


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Logistic regression by Newton's method on standardised features: (mean, scale, weights, bias).
    y = 1 for a question the documents do not answer."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -40, 40)))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w[:-1], float(w[-1])


def predict(x: np.ndarray, model: tuple[np.ndarray, np.ndarray, np.ndarray, float]) -> np.ndarray:
    mean, scale, weights, bias = model
    z = np.clip(((x - mean) / scale) @ weights + bias, -40, 40)
    p: np.ndarray = 1.0 / (1.0 + np.exp(-z))
    return p


def folds_of(labels: Sequence[int], folds: int = FOLDS) -> list[int]:
    """Stratified fold numbers, deterministic: each class dealt round-robin in dataset order."""
    seen = {0: 0, 1: 0}
    out = []
    for label in labels:
        out.append(seen[label] % folds)
        seen[label] += 1
    return out


def cross_validated(x: np.ndarray, y: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Each question's probability from a model trained without its fold."""
    fold = np.array(folds_of([int(v) for v in y], folds))
    out = np.zeros(len(y))
    for k in range(folds):
        held = fold == k
        out[held] = predict(x[held], fit(x[~held], y[~held]))
    return out


def rates(p: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float]:
    """(abstention on unanswerable, false abstention on answerable) when abstaining at p >= threshold."""
    abstain = p >= threshold
    return float(abstain[y == 1].mean()) if (y == 1).any() else 0.0, float(abstain[y == 0].mean())


def operating_point(p: np.ndarray, y: np.ndarray, max_false: float) -> float:
    """The lowest threshold whose false abstention stays within `max_false` (most abstentions on
    unanswerable questions within the budget)."""
    for threshold in sorted({round(float(v), 4) for v in p}):
        if rates(p, y, threshold)[1] <= max_false:
            return threshold
    return 1.0


def curve(p: np.ndarray, y: np.ndarray) -> list[dict[str, float]]:
    """Precision and recall of "not in the documents" at every distinct threshold."""
    rows = []
    for threshold in sorted({round(float(v), 4) for v in p}):
        abstain = p >= threshold
        true = int((abstain & (y == 1)).sum())
        rows.append({
            "threshold": threshold,
            "precision": round(true / max(int(abstain.sum()), 1), 4),
            "recall": round(true / max(int((y == 1).sum()), 1), 4),
            "false_abstention": round(float(abstain[y == 0].mean()), 4),
        })  # fmt: skip
    return rows


def _floats(values: np.ndarray) -> tuple[float, ...]:
    return tuple(round(float(v), 6) for v in values)


def data_hash(examples: Sequence[Example]) -> str:
    text = json.dumps([[e.qid, e.vector, e.answerable] for e in examples])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def train(
    examples: Sequence[Example],
    max_false: float = 0.05,
    about: dict[str, Any] | None = None,
    floor: float = FLOOR,
) -> tuple[AbstentionModel, dict[str, Any]]:
    """The model on all examples, its threshold chosen on cross-validated probabilities (with the
    coverage floor applied), and a report (cross-validated rates at that threshold, the
    precision/recall curve, per-question probabilities)."""
    x = np.array([e.vector for e in examples], dtype=float)
    y = np.array([0.0 if e.answerable else 1.0 for e in examples])
    p = np.where(x[:, FEATURES.index("coverage")] < floor, 1.0, cross_validated(x, y))
    threshold = operating_point(p, y, max_false)
    recall, false = rates(p, y, threshold)
    mean, scale, weights, bias = fit(x, y)
    trained_on = {
        **(about or {}), "examples": len(examples), "unanswerable": int(y.sum()), "hash": data_hash(examples),
        "cv_abstention": round(recall, 4), "cv_false_abstention": round(false, 4), "max_false": max_false,
    }  # fmt: skip
    model = AbstentionModel(
        FEATURES, _floats(mean), _floats(scale), _floats(weights), round(bias, 6), threshold, trained_on,
        floor,
    )  # fmt: skip
    report = {
        "trained_on": trained_on, "threshold": threshold, "curve": curve(p, y),
        "probabilities": {e.qid: round(float(v), 4) for e, v in zip(examples, p, strict=True)},
    }  # fmt: skip
    return model, report
