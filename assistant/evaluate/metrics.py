"""Pure metrics: retrieval (ranked chunks vs gold pages) and answers (key facts, citations, abstention).

No model is needed. A retrieved chunk *hits* when its file is a gold file and its page range contains that
gold page (README, "Evaluation"). Per-question scores are records (`RetrievalScores`, `AnswerScores`);
summaries are dicts keyed by `Metric`, as `summary.json` holds them."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.evaluate.names import CUTOFFS, DEPTH, Metric, hit_at, mrr_at
from assistant.evaluate.records import AnswerScores, RetrievalScores

# A retrieved chunk as the metrics see it: (file, page_start, page_end), 1-based physical pages.
Span = tuple[str, int, int]


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


def gold_pages(gold: Iterable[Mapping[str, Any]]) -> set[tuple[str, int]]:
    return {(g["file"], int(g["page"])) for g in gold}


def covered(span: Span, pages: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """The gold pages inside one chunk's page range."""
    file, start, end = span
    return {(f, p) for f, p in pages if f == file and start <= p <= end}


def recall_at(hits: Sequence[Span], gold: Sequence[Mapping[str, Any]], k: int = DEPTH) -> float:
    """Share of the distinct gold pages that at least one of the first k chunks contains."""
    pages = gold_pages(gold)
    if not pages:
        return 0.0
    found: set[tuple[str, int]] = set()
    for span in hits[:k]:
        found |= covered(span, pages)
    return len(found) / len(pages)


def ndcg_at(hits: Sequence[Span], gold: Sequence[Mapping[str, Any]], k: int = DEPTH) -> float:
    """Binary nDCG@k where a chunk gains only for gold pages no higher-ranked chunk already covered.

    Counting each gold page once keeps five parts of one article from scoring as five answers; the ideal
    ranking puts one chunk per gold page first, so IDCG sums min(gold pages, k) positions."""
    pages = gold_pages(gold)
    if not pages:
        return 0.0
    seen: set[tuple[str, int]] = set()
    dcg = 0.0
    for rank, span in enumerate(hits[:k], start=1):
        new = covered(span, pages) - seen
        if new:
            dcg += 1.0 / math.log2(rank + 1)
            seen |= new
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(pages), k) + 1))
    return dcg / ideal


def article_correct(first: tuple[str, str | None] | None, gold: Sequence[Mapping[str, Any]]) -> bool | None:
    """Whether the first hit's (file, article) is a gold article; None when the gold names no article."""
    wanted = {(g["file"], g["article"]) for g in gold if g.get("article")}
    if not wanted:
        return None
    return first is not None and first in wanted


def retrieval_scores(
    hits: Sequence[Span], articles: Sequence[str | None], gold: Sequence[Mapping[str, Any]]
) -> RetrievalScores:
    """Per-question retrieval scores: first-hit rank, recall and nDCG at the evaluation depth, first-hit
    article accuracy."""
    first = (hits[0][0], articles[0]) if hits else None
    return RetrievalScores(
        rank=first_hit_rank(hits[:DEPTH], gold),
        recall=round(recall_at(hits, gold), 4),
        ndcg=round(ndcg_at(hits, gold), 4),
        article_ok=article_correct(first, gold),
    )


def summarise(
    ranks: Sequence[int | None], cutoffs: Sequence[int] = CUTOFFS, mrr_k: int = DEPTH
) -> dict[str, Any]:
    """hit@k for each cutoff and MRR@mrr_k over first-hit ranks (None = no hit); zeros when empty."""
    n = len(ranks)
    out: dict[str, Any] = {Metric.N: n}
    for k in cutoffs:
        out[hit_at(k)] = sum(1 for r in ranks if r is not None and r <= k) / n if n else 0.0
    reciprocal = [1.0 / r if r is not None and r <= mrr_k else 0.0 for r in ranks]
    out[mrr_at(mrr_k)] = sum(reciprocal) / n if n else 0.0
    return out


def mean(values: Iterable[float | bool | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def summarise_retrieval(scores: Sequence[RetrievalScores], articles: bool = True) -> dict[str, Any]:
    """hit@1/5/10 and MRR@10 plus mean recall@10, nDCG@10 and first-hit article accuracy; the last is
    None when no question names a gold article or the system has no notion of articles (`articles`)."""
    out = summarise([s.rank for s in scores])
    out[Metric.RECALL] = mean(s.recall for s in scores) or 0.0
    out[Metric.NDCG] = mean(s.ndcg for s in scores) or 0.0
    out[Metric.ARTICLE] = mean(s.article_ok for s in scores) if articles else None
    out[Metric.ARTICLES_N] = sum(s.article_ok is not None for s in scores) if articles else 0
    return out


def hit_curve(ranks: Sequence[int | None], depth: int = DEPTH) -> list[float]:
    """hit@1 .. hit@depth, for the chart."""
    n = len(ranks)
    return [sum(1 for r in ranks if r is not None and r <= k) / n if n else 0.0 for k in range(1, depth + 1)]


# --- answers ---------------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"(?<=\d)[.,\s\u00a0\u202f](?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"(?<=\d),(?=\d)")
_NOISE = re.compile(r"[^\w.]+|(?<!\d)\.|\.(?!\d)")


def normalise_text(text: str) -> str:
    """Casefolded, accents removed, '1.000' / '1,000' / '1 000' -> '1000', '0,5' -> '0.5', punctuation
    to spaces, single-spaced; the form key facts are matched in."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    while _THOUSANDS.search(text):
        text = _THOUSANDS.sub("", text)
    text = _DECIMAL.sub(".", text)
    return " ".join(_NOISE.sub(" ", text).split())


def contains_fact(text: str, forms: Iterable[str]) -> bool:
    """True when any accepted form of a key fact appears in the text as whole words."""
    haystack = f" {normalise_text(text)} "
    return any(f" {normalise_text(form)} " in haystack for form in forms if form.strip())


def key_fact_recall(answer: str, facts: Sequence[Sequence[str]]) -> float | None:
    """Share of key facts (each a tuple of accepted forms) found in the answer; None with no facts."""
    if not facts:
        return None
    return sum(contains_fact(answer, forms) for forms in facts) / len(facts)


_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|^\s*>.*$", re.MULTILINE)


def answer_language_ok(answer: Mapping[str, Any], expected: str) -> bool:
    """The declared answer language is the question's, and so is the text outside quoted evidence."""
    from assistant.language import detect_language

    own_words = _QUOTED.sub(" ", str(answer.get("answer", "")))
    detected = detect_language(own_words) if own_words.strip() else expected
    return answer.get("language") == expected and detected == expected


def _chunk_span(chunk: Mapping[str, Any]) -> Span:
    return (str(chunk["file"]), int(chunk["page_start"]), int(chunk["page_end"]))


def answer_scores(
    answer: Mapping[str, Any],
    expected_lang: str,
    gold: Sequence[Mapping[str, Any]],
    facts: Sequence[Sequence[str]],
    texts: Mapping[str, str],
) -> AnswerScores:
    """Per-question answer scores (counts, so that totals can be pooled across questions).

    `answer` has the `assistant ask --json` shape; `texts` maps each chunk id given to the answerer to its
    text. A citation is valid when its chunk was given; precise when that chunk is on a gold page or contains
    a key fact. Sentences count as supported when the answer marks them so."""
    citations = list(answer.get("citations") or [])
    valid = [c for c in citations if c.get("chunk_id") in texts]
    precise = [
        c
        for c in valid
        if hits_gold(_chunk_span(c), gold)
        or any(contains_fact(texts[c["chunk_id"]], forms) for forms in facts)
    ]
    sentences = list(answer.get("sentences") or [])
    abstained = bool(answer.get("abstained"))
    return AnswerScores(
        abstained=abstained,
        key_fact_recall=None
        if abstained and facts
        else key_fact_recall(str(answer.get("answer", "")), facts),
        citations=len(citations),
        citations_valid=len(valid),
        citations_precise=len(precise),
        sentences=len(sentences),
        sentences_supported=sum(bool(s.get("supported")) for s in sentences),
        language_ok=answer_language_ok(answer, expected_lang),
    )


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def summarise_answers(rows: Sequence[tuple[bool, AnswerScores]]) -> dict[str, Any]:
    """Answer metrics over (answerable, scores) pairs. Key-fact recall averages answerable questions,
    an abstention counting as 0; citation and sentence shares pool counts across questions."""
    every = [s for _, s in rows]
    answerable = [s for ok, s in rows if ok]
    unanswerable = [s for ok, s in rows if not ok]
    recalls = [0.0 if s.abstained else s.key_fact_recall for s in answerable]
    return {
        Metric.N: len(rows),
        Metric.KEY_FACTS: mean(r for r in recalls),
        Metric.CITATION_VALIDITY: _ratio(
            sum(s.citations_valid for s in every), sum(s.citations for s in every)
        ),
        Metric.CITATION_PRECISION: _ratio(
            sum(s.citations_precise for s in answerable), sum(s.citations_valid for s in answerable)
        ),
        Metric.SUPPORTED: _ratio(sum(s.sentences_supported for s in every), sum(s.sentences for s in every)),
        Metric.ABSTENTION: mean(s.abstained for s in unanswerable),
        Metric.FALSE_ABSTENTION: mean(s.abstained for s in answerable),
        Metric.LANGUAGE: mean(s.language_ok for s in every),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a list of numbers; 0.0 for an empty list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """Mean, p50 and p95 of per-query latencies in milliseconds."""
    average = sum(ms) / len(ms) if ms else 0.0
    return {
        Metric.MEAN_MS: round(average, 2),
        Metric.P50_MS: round(percentile(ms, 50), 2),
        Metric.P95_MS: round(percentile(ms, 95), 2),
    }
