"""question -> list[Hit]: dense (e5 in Chroma) and lexical (BM25) channels over the original and the
Spanish version of the question, explicit article references, fused by reciprocal rank fusion."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistant.errors import AssistantError
from assistant.index import Index
from assistant.lexical import fold, tokenize
from assistant.query import QueryPlan, plan_query
from assistant.types import Chunk, Hit

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[str, ...] = ("hybrid", "dense", "lexical")
REFERENCE_WEIGHT = 2.0  # an article the user names outranks anything the channels agree on
# e5 matches a French question to Spanish text fairly well and an English one poorly (measured on the
# development set); the question's own-language dense list counts for less than its Spanish version.
ORIGINAL_DENSE_WEIGHT = {"es": 1.0, "fr": 0.5, "en": 0.3}
# Character 4-grams of the question as asked catch cognates and word variants (exploitation /
# explotación); on the development set they help Spanish and French questions and cost English one.
NGRAM_LANGUAGES = frozenset({"es", "fr"})
_REPEALED = re.compile(r"derogad|abrog|repealed", re.IGNORECASE)
Reranker = Callable[[str, Sequence[str]], Sequence[float]]


@dataclass(frozen=True, slots=True)
class Filters:
    """Search only these files and/or document types (None: no restriction)."""

    files: frozenset[str] | None = None
    doc_types: frozenset[str] | None = None

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.files is not None:
            clauses.append({"file": {"$in": sorted(self.files)}})
        if self.doc_types is not None:
            clauses.append({"doc_type": {"$in": sorted(self.doc_types)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def rrf(rankings: Sequence[tuple[Sequence[str], float]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): sum of weight / (k + rank)."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, cid in enumerate(ids, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
    return scores


def search(
    index: Index,
    query: str,
    k: int = 10,
    mode: Mode = "hybrid",
    filters: Filters | None = None,
    reranker: Reranker | None = None,
    plan: QueryPlan | None = None,
) -> list[Hit]:
    """The k best passages for a question in Spanish, French or English, best first. `plan` replaces
    the query plan built from `query` (e.g. with a chat model's Spanish version of the question)."""
    if not query.strip():
        raise AssistantError("The question is empty; write what you are looking for.")
    if mode not in MODES:
        raise AssistantError(f"Unknown search mode {mode!r}; use one of {', '.join(MODES)}.")
    index.refresh()  # server mode: documents another process added or removed
    settings = index.settings.retrieval
    filters = filters or Filters()
    plan = plan or plan_query(query, use_translation=settings.translate)
    rankings = _channels(index, plan, mode, filters, settings.depth)
    known = index.known_ids()  # a chunk stored by an unfinished ingest is not part of the index yet
    scores = {cid: score for cid, score in rrf(rankings, settings.rrf_k).items() if cid in known}
    # Repealed law is ranked lower, not removed: a question about the old code still finds it, and
    # `--include-repealed` turns the preference off. (Lifting it whenever a question mentions the old
    # code cost a question on the development set: "¿Sigue vigente el Código Penal de 1971?" is answered
    # by the COIP's repealing provision.)
    if settings.prefer_current:
        scores = _demote_repealed(index, scores, settings.repealed_penalty, set(settings.repealed_files))
    order = sorted(scores, key=lambda cid: -scores[cid])[: max(k * 3, k + 10)]
    chunks = {c.chunk_id: c for c in index.store.chunks(order)}
    ranked = [(chunks[cid], scores[cid]) for cid in order if cid in chunks]
    if reranker is None and settings.reranker_model:
        from assistant.rerank import CrossEncoderReranker

        reranker = CrossEncoderReranker(settings.reranker_model)
    if reranker is not None and ranked:
        ranked = _rerank(reranker, query, ranked)
    merged = merge_article_parts(ranked)
    return [Hit(rank, round(score, 6), chunk) for rank, (chunk, score) in enumerate(merged[:k], start=1)]


def _channels(
    index: Index, plan: QueryPlan, mode: Mode, filters: Filters, depth: int
) -> list[tuple[list[str], float]]:
    rankings: list[tuple[list[str], float]] = []
    where = filters.where()
    spanish = " ".join([plan.spanish, *plan.expansions]).strip()
    if mode in ("hybrid", "dense"):
        weight = ORIGINAL_DENSE_WEIGHT.get(plan.language, 1.0)
        rankings.append(([h.chunk.chunk_id for h in index.store.search(plan.question, depth, where)], weight))
        if plan.language != "es" and spanish:
            rankings.append(([h.chunk.chunk_id for h in index.store.search(spanish, depth, where)], 1.0))
    if mode in ("hybrid", "lexical"):
        # French or English words cannot match Spanish text: the lexical channel gets the Spanish version.
        tokens = tokenize(plan.question if plan.language == "es" else spanish)
        found = index.lexical.search(tokens, depth, filters.files, filters.doc_types)
        rankings.append(([cid for cid, _ in found], 1.0))
        if plan.language in NGRAM_LANGUAGES:
            found = index.lexical.search_ngrams(plan.question, depth, filters.files, filters.doc_types)
            rankings.append(([cid for cid, _ in found], 1.0))
    if plan.references:
        rankings.append((_referenced(index, plan, where), REFERENCE_WEIGHT))
    return rankings


def _referenced(index: Index, plan: QueryPlan, where: dict[str, Any] | None) -> list[str]:
    """Chunks of the articles the question names ('art. 92 del COIP'), in document order."""
    ids: list[str] = []
    for ref in plan.references:
        clause: dict[str, Any] = {"article": ref.article}
        chunks = index.store.chunks(where={"$and": [clause, where]} if where else clause)
        if ref.document:
            chunks = [c for c in chunks if ref.document in _fold_name(c.file + " " + c.title)] or chunks
        ids.extend(c.chunk_id for c in sorted(chunks, key=lambda c: (c.file, c.part)))
    return ids


def _fold_name(text: str) -> str:
    return fold(text)


def is_repealed(file: str, title: str, listed: set[str]) -> bool:
    return file in listed or bool(_REPEALED.search(file) or _REPEALED.search(title))


def _demote_repealed(
    index: Index, scores: dict[str, float], penalty: float, listed: set[str]
) -> dict[str, float]:
    repealed = {
        cid
        for doc in index.manifest.documents.values()
        if is_repealed(doc.file, doc.title, listed)
        for cid in doc.chunk_ids
    }
    return {cid: score * penalty if cid in repealed else score for cid, score in scores.items()}


def _rerank(reranker: Reranker, query: str, ranked: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
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
