"""Measurement (not a test): RRF k and the 4-gram channel's languages against hit@5 and MRR@10.

How the RRF constant k, and which question languages get the character 4-gram channel, move hit@5 and
MRR@10 per language on the development set (or --dataset). Each question is planned and its ranked
lists computed once per 4-gram setting, by the product's own `plan_query` and
`assistant.search.channels.rankings` (hybrid mode, the index's settings); the lists are then fused under
each k by the product's `rrf`, `demote` (repealed law ranked lower) and `merge_article_parts`, in the
order `assistant.search.search` applies them (no reranker), so the row marked "product" (the configured
k, the product's 4-gram languages) has the ranks of `assistant search`.

    python scripts/sweep_fusion.py [--index /work/real-index] [--dataset evals/datasets/dev-real.jsonl]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.evaluate.dataset import Question, load_questions
from assistant.evaluate.metrics import Span, first_hit_rank, summarise
from assistant.evaluate.names import DEPTH, TITLES, Metric
from assistant.index import Index
from assistant.language import LANGUAGES
from assistant.search import QueryPlan, plan_query
from assistant.search.channels import NGRAM_LANGUAGES, Ranking
from assistant.search.channels import rankings as channel_rankings
from assistant.search.fuse import demote, merge_article_parts, rrf
from assistant.settings import Settings
from assistant.types import Filters

ROOT = Path(__file__).resolve().parents[1]
RRF_KS = (5, 10, 20, 30, 60)  # 60: Cormack et al. (2009)
NGRAM_SETTINGS: tuple[frozenset[str], ...] = (
    frozenset(), frozenset({"es"}), frozenset({"es", "fr"}), frozenset(LANGUAGES),
)  # fmt: skip


def rankings(index: Index, plans: Sequence[QueryPlan]) -> dict[bool, list[list[Ranking]]]:
    """Each question's ranked lists with the 4-gram channel (True) and without it (False)."""
    depth = index.settings.retrieval.depth
    lists: dict[bool, list[list[Ranking]]] = {}
    for with_ngrams in (True, False):
        languages = frozenset(LANGUAGES) if with_ngrams else frozenset()
        lists[with_ngrams] = [
            channel_rankings(index, plan, "hybrid", Filters(), depth, languages) for plan in plans
        ]
    return lists


def fuser(index: Index) -> Callable[[list[Ranking], int], list[Span]]:
    """(lists, RRF k) -> the first DEPTH hits as `search()` ranks them, as (file, page_start, page_end)."""
    settings = index.settings.retrieval
    known, repealed = index.known_ids(), index.repealed_chunk_ids()
    chunks = {c.chunk_id: c for c in index.store.chunks()}

    def fuse(lists: list[Ranking], rrf_k: int) -> list[Span]:
        scores = {cid: score for cid, score in rrf(lists, rrf_k).items() if cid in known}
        if settings.prefer_current:
            scores = demote(scores, repealed, settings.repealed_penalty)
        order = sorted(scores, key=lambda cid: -scores[cid])[: max(DEPTH * 3, DEPTH + 10)]
        merged = merge_article_parts([(chunks[cid], scores[cid]) for cid in order if cid in chunks])
        return [(c.file, c.page_start, c.page_end) for c, _ in merged[:DEPTH]]

    return fuse


def row(label: str, questions: Sequence[Question], ranks: Sequence[int | None]) -> str:
    cells = []
    for language in LANGUAGES:
        m = summarise([r for q, r in zip(questions, ranks, strict=True) if q.lang == language])
        cells.append(f"{language} {TITLES[Metric.HIT_5]} {m[Metric.HIT_5]:.2f} MRR {m[Metric.MRR]:.2f}")
    return f"{label:40} " + " | ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals" / "datasets" / "dev-real.jsonl")
    args = parser.parse_args()
    index = Index(Settings(index_dir=args.index)).require()
    settings = index.settings.retrieval
    questions = [q for q in load_questions(args.dataset) if q.answerable]
    golds = [[g.model_dump() for g in q.gold] for q in questions]
    plans = [plan_query(q.question, use_translation=settings.translate) for q in questions]
    lists, fuse = rankings(index, plans), fuser(index)
    for languages in NGRAM_SETTINGS:
        for rrf_k in RRF_KS:
            ranks = [
                first_hit_rank(fuse(lists[plan.language in languages][i], rrf_k), gold)
                for i, (plan, gold) in enumerate(zip(plans, golds, strict=True))
            ]
            product = rrf_k == settings.rrf_k and languages == NGRAM_LANGUAGES
            names = "+".join(lang for lang in LANGUAGES if lang in languages) or "none"
            label = f"RRF k={rrf_k}, 4-grams: {names}" + (" (product)" if product else "")
            print(row(label, questions, ranks), flush=True)


if __name__ == "__main__":
    main()
