"""question -> list[Hit]: plan the question (language, Spanish version, named articles), rank chunks in
several channels (dense e5 in Chroma, BM25 words and character 4-grams, named articles), fuse them by
reciprocal rank fusion, rank repealed law lower, optionally rerank, merge the parts of long articles.

    plan.py (question -> QueryPlan) -> channels.py (-> ranked lists) -> fuse.py (-> one ranking)
"""

from __future__ import annotations

from assistant.errors import InvalidInputError, InvalidQuestionError
from assistant.index import Index
from assistant.search.channels import rankings as channel_rankings
from assistant.search.fuse import Reranker, demote, merge_article_parts, rerank, rrf
from assistant.search.plan import QueryPlan, plan_query
from assistant.types import SEARCH_MODES, Filters, Hit, SearchMode

# Train split, cross-validated (README, "Generalisation"): 0.7 and 1.5 against 0.5 / 1.0 / 2.0.
REPORT_PENALTY = 0.7
OLD_LAW_BOOST = 1.5

__all__ = ["QueryPlan", "Reranker", "plan_query", "search", "vector_notes"]


def vector_notes(index: Index) -> list[str]:
    """One line per document whose vectors are still being computed: until they are, dense search does
    not see its chunks without one, and the lexical channels (words, 4-grams, named articles) find them."""
    return [
        f"{d.file}: dense {d.embedded}/{len(d.chunk_ids)}; its other chunks are found by their words "
        "until their vectors are computed"
        for d in index.waiting().values()
    ]


def search(
    index: Index,
    query: str,
    k: int = 10,
    mode: SearchMode = "hybrid",
    filters: Filters | None = None,
    reranker: Reranker | None = None,
    plan: QueryPlan | None = None,
) -> list[Hit]:
    """The k best passages for a question in Spanish, French or English, best first. `plan` replaces
    the query plan built from `query` (e.g. with a chat model's Spanish version of the question)."""
    if not query.strip():
        raise InvalidQuestionError("The question is empty; write what you are looking for.")
    if mode not in SEARCH_MODES:
        raise InvalidInputError(f"Unknown search mode {mode!r}; use one of {', '.join(SEARCH_MODES)}.")
    index.refresh()  # server mode: documents another process added or removed
    settings = index.settings.retrieval
    filters = filters or Filters()
    plan = plan or plan_query(query, use_translation=settings.translate)
    rankings = channel_rankings(index, plan, mode, filters, settings.depth, situations=settings.situations)
    known = index.known_ids()  # a chunk stored by an unfinished ingest is not part of the index yet
    scores = {cid: score for cid, score in rrf(rankings, settings.rrf_k).items() if cid in known}
    # Repealed law is ranked lower, not removed: a question about the old code still finds it, and
    # `--include-repealed` turns the preference off. (Lifting it whenever a question mentions the old
    # code cost a question on the development set: "¿Sigue vigente el Código Penal de 1971?" is answered
    # by the COIP's repealing provision.)
    if settings.prefer_current:
        # ...unless the question asks about the old code: then it is what the user wants.
        factor = OLD_LAW_BOOST if plan.old_law else settings.repealed_penalty
        scores = demote(scores, index.repealed_chunk_ids(), factor)
    if plan.legal:  # a question about the law: a report that discusses it ranks below the law itself
        scores = demote(scores, index.report_chunk_ids(), REPORT_PENALTY)
    order = sorted(scores, key=lambda cid: -scores[cid])[: max(k * 3, k + 10)]
    chunks = {c.chunk_id: c for c in index.store.chunks(order)}
    ranked = [(chunks[cid], scores[cid]) for cid in order if cid in chunks]
    if reranker is None and settings.reranker_model:
        from assistant.search.rerank import CrossEncoderReranker

        reranker = CrossEncoderReranker(settings.reranker_model)
    if reranker is not None and ranked:
        ranked = rerank(reranker, query, ranked)
    merged = merge_article_parts(ranked)
    return [Hit(rank, round(score, 6), chunk) for rank, (chunk, score) in enumerate(merged[:k], start=1)]
