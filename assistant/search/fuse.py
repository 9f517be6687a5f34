"""Ranked lists -> one ranking: reciprocal rank fusion, repealed law ranked lower, an optional
reranker, and the parts of one long article merged into one hit."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from assistant.types import Chunk

Reranker = Callable[[str, Sequence[str]], Sequence[float]]


def rrf(rankings: Sequence[tuple[Sequence[str], float]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): sum of weight / (k + rank). The
    product's k is `RetrievalSettings.rrf_k`; there is no default, so no caller fuses with another."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, cid in enumerate(ids, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
    return scores


def demote(scores: dict[str, float], chunk_ids: Iterable[str], penalty: float) -> dict[str, float]:
    """Scores with those of `chunk_ids` multiplied by `penalty` (repealed law: ranked lower, kept)."""
    repealed = set(chunk_ids)
    return {cid: score * penalty if cid in repealed else score for cid, score in scores.items()}


def rerank(reranker: Reranker, query: str, ranked: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
    """The fused list in the reranker's order, with its scores."""
    scores = reranker(query, [c.text for c, _ in ranked])
    return sorted(((c, float(s)) for (c, _), s in zip(ranked, scores, strict=True)), key=lambda x: -x[1])


def merge_article_parts(ranked: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
    """Parts of one article found together become one hit at the best part's place, with the parts'
    text in order and the union of their pages."""
    groups: dict[tuple[str, str], list[tuple[Chunk, float]]] = {}
    order: list[tuple[str, str]] = []
    for chunk, score in ranked:
        key = (chunk.file, chunk.article) if chunk.article and chunk.parts > 1 else (chunk.chunk_id, "")
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((chunk, score))
    merged = []
    for key in order:
        members = groups[key]
        if len(members) == 1:
            merged.append(members[0])
            continue
        parts = sorted((c for c, _ in members), key=lambda c: c.part)
        best_chunk, best_score = members[0]
        combined = dataclasses.replace(
            best_chunk,
            page_start=min(c.page_start for c in parts),
            page_end=max(c.page_end for c in parts),
            text="\n[…]\n".join(c.text for c in parts),
        )
        merged.append((combined, best_score))
    return merged
