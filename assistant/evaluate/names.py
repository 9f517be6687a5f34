"""The names of the evaluation's metrics, as keys of `summary.json` and `records.jsonl`, and its depth.

Every metric key is spelled here once; metrics, runs, reports, comparisons, the CLI and the app use
`Metric` (a `StrEnum`, so a member is the very string written to the files)."""

from __future__ import annotations

from enum import StrEnum

DEPTH = 10  # evaluation depth: hit@10, MRR@10, recall@10, nDCG@10, the chart's k = 1..10
CUTOFFS: tuple[int, ...] = (1, 5, DEPTH)  # the hit@k reported
MISS = DEPTH + 1  # the rank given to "no gold page in the first DEPTH chunks" when ranks are compared
MISS_LABEL = f">{DEPTH}"  # how such a rank is shown


def hit_at(k: int) -> str:
    """The key of hit@k: share of questions with a gold page among the first k chunks."""
    return f"hit@{k}"


def mrr_at(k: int) -> str:
    """The key of MRR@k: mean reciprocal rank of the first gold page, 0 beyond rank k."""
    return f"mrr@{k}"


class Metric(StrEnum):
    """The keys of the metric tables in `summary.json` (`systems.<system>.retrieval.all`, `.answers.all`,
    `.search_latency`, ...), in the order they are written; `RECALL` and `NDCG` are per-question scores
    too. Rates are shares of questions or citations in 0..1, or None when nothing was there to count."""

    N = "n"  # questions counted
    # retrieval, answerable questions only
    HIT_1 = hit_at(1)
    HIT_5 = hit_at(5)
    HIT_10 = hit_at(DEPTH)
    MRR = mrr_at(DEPTH)
    RECALL = f"recall@{DEPTH}"
    NDCG = f"ndcg@{DEPTH}"
    ARTICLE = "article_acc"  # the first hit's file and article are a gold article
    ARTICLES_N = "articles_n"  # questions whose gold names an article
    # answers
    KEY_FACTS = "key_fact_recall"
    CITATION_VALIDITY = "citation_validity"
    CITATION_PRECISION = "citation_precision"
    SUPPORTED = "supported_sentences"
    ABSTENTION = "abstention_accuracy"  # abstained on unanswerable questions
    FALSE_ABSTENTION = "false_abstention"  # abstained on answerable questions
    LANGUAGE = "language_match"
    # latency, milliseconds per question
    MEAN_MS = "mean_ms"
    P50_MS = "p50_ms"
    P95_MS = "p95_ms"
    MAX_MS = "max_ms"  # the benchmarks' (scripts/bench_*.py), not in summary.json


RETRIEVAL_METRICS: tuple[Metric, ...] = (
    Metric.N, Metric.HIT_1, Metric.HIT_5, Metric.HIT_10, Metric.MRR, Metric.RECALL, Metric.NDCG,
    Metric.ARTICLE, Metric.ARTICLES_N,
)  # fmt: skip
ANSWER_METRICS: tuple[Metric, ...] = (
    Metric.N, Metric.KEY_FACTS, Metric.CITATION_VALIDITY, Metric.CITATION_PRECISION, Metric.SUPPORTED,
    Metric.ABSTENTION, Metric.FALSE_ABSTENTION, Metric.LANGUAGE,
)  # fmt: skip
LATENCY_METRICS: tuple[Metric, ...] = (Metric.MEAN_MS, Metric.P50_MS, Metric.P95_MS)
SCORES = frozenset({Metric.MRR, Metric.NDCG})  # scores, shown to three decimals; the others are shares

# How reports and tables title each metric.
TITLES: dict[Metric, str] = {
    Metric.HIT_1: Metric.HIT_1,
    Metric.HIT_5: Metric.HIT_5,
    Metric.HIT_10: Metric.HIT_10,
    Metric.MRR: f"MRR@{DEPTH}",
    Metric.RECALL: Metric.RECALL,
    Metric.NDCG: f"nDCG@{DEPTH}",
    Metric.ARTICLE: "article@1",
    Metric.KEY_FACTS: "key facts",
    Metric.CITATION_VALIDITY: "citations valid",
    Metric.CITATION_PRECISION: "citations precise",
    Metric.SUPPORTED: "sentences supported",
    Metric.ABSTENTION: "abstains (unanswerable)",
    Metric.FALSE_ABSTENTION: "false abstentions",
    Metric.LANGUAGE: "language match",
}
