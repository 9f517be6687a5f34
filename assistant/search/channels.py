"""QueryPlan -> ranked lists of chunk ids, one per channel (dense, lexical, character 4-grams, named
articles, everyday situations), each with its weight in the fusion."""

from __future__ import annotations

from assistant.index import Index
from assistant.language import fold, tokenize
from assistant.search.plan import QueryPlan
from assistant.search.situations import situation_index
from assistant.types import Filters, SearchMode

Ranking = tuple[list[str], float]  # chunk ids best first, and the list's weight in the fusion
REFERENCE_WEIGHT = 2.0  # an article the user names outranks anything the channels agree on
# e5 matches a French question to Spanish text fairly well and an English one poorly (measured on the
# development set); the question's own-language dense list counts for less than its Spanish version.
ORIGINAL_DENSE_WEIGHT = {"es": 1.0, "fr": 0.5, "en": 0.3}
# Character 4-grams of the question as asked catch cognates and word variants (exploitation /
# explotación). On the old development set they cost English one question; on the train split's 51
# English questions (with the situation channel) they add six: on for all three languages.
NGRAM_LANGUAGES = frozenset({"es", "fr", "en"})
# The situation lexicon's list for the question as asked, and for its Spanish version. 1.0 against 0.5
# and 1.5, cross-validated on the train split (README, "Generalisation").
SITUATION_WEIGHT = 1.0


def rankings(
    index: Index,
    plan: QueryPlan,
    mode: SearchMode,
    filters: Filters,
    depth: int,
    ngram_languages: frozenset[str] = NGRAM_LANGUAGES,
    situations: bool = True,
) -> list[Ranking]:
    """The ranked lists `mode` calls for, `depth` candidates each (the 4-gram channel for questions in
    `ngram_languages`; the situation lexicon's lists when `situations`)."""
    rankings: list[Ranking] = []
    spanish = " ".join([plan.spanish, *plan.expansions]).strip()
    if mode in ("hybrid", "dense"):
        texts = [plan.question, *([spanish] if plan.language != "es" and spanish else [])]
        weights = [ORIGINAL_DENSE_WEIGHT.get(plan.language, 1.0), 1.0]
        rankings += zip(dense(index, texts, depth, filters), weights, strict=False)
    if mode in ("hybrid", "lexical"):
        # French or English words cannot match Spanish text: the lexical channel gets the Spanish version.
        tokens = tokenize(plan.question if plan.language == "es" else spanish)
        found = index.lexical.search(tokens, depth, filters.files, filters.doc_types)
        rankings.append(([cid for cid, _ in found], 1.0))
        if plan.language in ngram_languages:
            found = index.lexical.search_ngrams(plan.question, depth, filters.files, filters.doc_types)
            rankings.append(([cid for cid, _ in found], 1.0))
    if plan.references:
        rankings.append((referenced(index, plan, filters), REFERENCE_WEIGHT))
    lexicon = situation_index(index) if mode == "hybrid" and situations else None
    if lexicon is not None:
        for text in dict.fromkeys([plan.question, spanish if plan.language != "es" else ""]):
            if text:
                vector = index.embedder.embed_query(text)
                rankings.append((lexicon.rank(vector, filters, depth), SITUATION_WEIGHT))
    return rankings


def dense(index: Index, texts: list[str], depth: int, filters: Filters) -> list[list[str]]:
    """Chunk ids by cosine similarity, one list per text, searched in one Chroma request (the situation
    channel reuses the vectors from the query cache)."""
    return index.store.nearest(index.embedder.embed_queries(texts), depth, filters)


def referenced(index: Index, plan: QueryPlan, filters: Filters) -> list[str]:
    """Chunks of the articles the question names ('art. 92 del COIP'), in document order."""
    ids: list[str] = []
    for ref in plan.references:
        chunks = index.store.article_chunks(ref.article, filters)
        if ref.document:
            chunks = [c for c in chunks if ref.document in fold(c.file + " " + c.title)] or chunks
        ids.extend(c.chunk_id for c in sorted(chunks, key=lambda c: (c.file, c.part)))
    return ids
