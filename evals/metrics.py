"""Pure retrieval metrics: first-hit rank of a ranked list against gold pages, and hit@k / MRR summaries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# A retrieved chunk as the metrics see it: (file, page_start, page_end), 1-based physical pages.
Span = tuple[str, int, int]
CUTOFFS: tuple[int, ...] = (1, 5, 10)


def hits_gold(span: Span, gold: Iterable[Mapping[str, Any]]) -> bool:
    """True when the chunk's file equals a gold file and its page range contains that gold page."""
    file, start, end = span
    return any(g["file"] == file and start <= int(g["page"]) <= end for g in gold)


def first_hit_rank(hits: Sequence[Span], gold: Sequence[Mapping[str, Any]]) -> int | None:
    """1-based rank of the first retrieved chunk that hits a gold page; None when none does."""
    for rank, span in enumerate(hits, start=1):
        if hits_gold(span, gold):
            return rank
    return None


def summarise(
    ranks: Sequence[int | None], cutoffs: Sequence[int] = CUTOFFS, mrr_k: int = 10
) -> dict[str, Any]:
    """hit@k for each cutoff and MRR@mrr_k over first-hit ranks (None = no hit); zeros when empty."""
    n = len(ranks)
    out: dict[str, Any] = {"n": n}
    for k in cutoffs:
        out[f"hit@{k}"] = sum(1 for r in ranks if r is not None and r <= k) / n if n else 0.0
    reciprocal = [1.0 / r if r is not None and r <= mrr_k else 0.0 for r in ranks]
    out[f"mrr@{mrr_k}"] = sum(reciprocal) / n if n else 0.0
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a list of numbers; 0.0 for an empty list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """Mean and p95 of per-query latencies in milliseconds."""
    mean = sum(ms) / len(ms) if ms else 0.0
    return {"mean_ms": round(mean, 2), "p95_ms": round(percentile(ms, 95), 2)}
