"""Questions + systems -> an evaluation run: per-question records and summaries, product beside baseline.

A *searcher* maps (question, k) to hit dicts (rank, chunk_id, file, page_start, page_end, article, score,
text); an *answerer* maps a question to the `assistant ask --json` document. The product's searcher is
retrieval over the index (hybrid unless another mode is asked for); the baseline's is the LangChain
tutorial pipeline over the same PDFs. Each question's scores are typed records (records.py)."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluate.dataset import Question
from assistant.evaluate.metrics import (
    answer_scores,
    hit_curve,
    latency_summary,
    retrieval_scores,
    summarise_answers,
    summarise_retrieval,
)
from assistant.evaluate.names import DEPTH
from assistant.evaluate.records import QuestionRecord, RetrievalScores, SystemResult
from assistant.language import LANGUAGES

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.types import Hit, SearchMode

log = logging.getLogger(__name__)

Searcher = Callable[[str, int], list[dict[str, Any]]]
Answerer = Callable[[str], Mapping[str, Any]]
HIT_FIELDS = ("rank", "chunk_id", "file", "page_start", "page_end", "article", "score")
ANSWER_FIELDS = ("answer", "language", "abstained", "mode", "citations", "sentences")


@dataclass(slots=True)
class EvalRun:
    """What `write_run` saves: one record per question and the summary of every system."""

    records: list[QuestionRecord]
    summary: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def hit_dicts(hits: Sequence[Hit]) -> list[dict[str, Any]]:
    """The product's hits as a searcher returns them."""
    return [
        {
            "rank": h.rank,
            "chunk_id": h.chunk.chunk_id,
            "file": h.chunk.file,
            "page_start": h.chunk.page_start,
            "page_end": h.chunk.page_end,
            "article": h.chunk.article,
            "score": round(h.score, 4),
            "text": h.chunk.text,
        }
        for h in hits
    ]


def product_searcher(index: Index, mode: SearchMode = "hybrid") -> Searcher:
    """Retrieval over the index, as `assistant search --mode MODE` runs it (hybrid by default)."""
    from assistant.search import search

    def run(question: str, k: int) -> list[dict[str, Any]]:
        return hit_dicts(search(index, question, k=k, mode=mode))

    return run


def e5_searcher(index: Index) -> Searcher:
    """Dense search alone with the question as asked (no translation, glossary or named articles): the
    reference point for what the product's query side and fusion add."""

    def run(question: str, k: int) -> list[dict[str, Any]]:
        return hit_dicts(index.store.search(question, k=k))

    return run


def baseline_searcher(pdfs: Sequence[Path], progress: bool = False) -> tuple[Searcher, dict[str, Any]]:
    """Build the tutorial baseline over these PDFs; its searcher and build facts (files, chunks, seconds)."""
    from assistant.evaluate.baseline import TutorialBaseline

    started = time.perf_counter()
    baseline = TutorialBaseline(pdfs)
    baseline.build(progress=progress)
    return baseline.hits, {**baseline.stats, "build_seconds": round(time.perf_counter() - started, 1)}


def indexed_pdfs(index: Index) -> tuple[list[Path], list[str]]:
    """The source files of the indexed documents that still exist, and the names of those that do not."""
    found: list[Path] = []
    missing: list[str] = []
    for entry in index.manifest.documents.values():
        path = Path(entry.source) if entry.source else None
        if path is not None and path.is_file():
            found.append(path)
        else:
            missing.append(entry.file)
    return found, missing


def _timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function()
    return result, round((time.perf_counter() - started) * 1000, 2)


def evaluate_system(
    question: Question, search: Searcher, k: int, answer: Answerer | None = None
) -> SystemResult:
    """One system on one question: hits, retrieval scores (answerable only), and the answer if asked."""
    hits, search_ms = _timed(lambda: search(question.question, k))
    gold = [g.model_dump() for g in question.gold]
    spans = [(h["file"], h["page_start"], h["page_end"]) for h in hits]
    result = SystemResult(
        hits=tuple({f: h.get(f) for f in HIT_FIELDS} for h in hits),
        search_ms=search_ms,
        retrieval=retrieval_scores(spans, [h["article"] for h in hits], gold)
        if question.answerable
        else None,
    )
    if answer is None:
        return result
    reply, ask_ms = _timed(lambda: answer(question.question))
    texts = {h["chunk_id"]: str(h.get("text", "")) for h in reply.get("hits") or []}
    return dataclasses.replace(
        result,
        answer={f: reply.get(f) for f in ANSWER_FIELDS},
        answer_scores=answer_scores(reply, question.lang, gold, question.fact_forms(), texts),
        ask_ms=ask_ms,
    )


def summarise_system(
    questions: Sequence[Question], results: Sequence[SystemResult], articles: bool = True
) -> dict[str, Any]:
    """Retrieval metrics overall / per language / per topic, hit@k curves, latencies, answer metrics.
    `articles` is False for a system whose chunks never carry an article (the baseline)."""
    scored = [(q, r.retrieval) for q, r in zip(questions, results, strict=True) if r.retrieval is not None]

    def retrieval(group: Sequence[tuple[Question, RetrievalScores]]) -> dict[str, Any]:
        return summarise_retrieval([s for _, s in group], articles)

    langs = [lang for lang in LANGUAGES if any(q.lang == lang for q, _ in scored)]
    topics = sorted({q.topic for q, _ in scored if q.topic})
    types = sorted({q.type for q, _ in scored if q.type})
    out: dict[str, Any] = {
        "retrieval": {
            "all": retrieval(scored),
            "by_lang": {lang: retrieval([p for p in scored if p[0].lang == lang]) for lang in langs},
            "by_topic": {t: retrieval([p for p in scored if p[0].topic == t]) for t in topics},
        },
        "curve": {
            group: hit_curve([s.rank for q, s in scored if group in ("all", q.lang)])
            for group in ("all", *langs)
        },
        "search_latency": latency_summary([r.search_ms for r in results]),
        "answers": None,
    }
    answered = [
        (q, r.answer_scores) for q, r in zip(questions, results, strict=True) if r.answer_scores is not None
    ]
    if results and len(answered) == len(results):
        out["answers"] = {
            "all": summarise_answers([(q.answerable, s) for q, s in answered]),
            "by_lang": {
                lang: summarise_answers([(q.answerable, s) for q, s in answered if q.lang == lang])
                for lang in LANGUAGES
                if any(q.lang == lang for q in questions)
            },
        }
        out["ask_latency"] = latency_summary([r.ask_ms for r in results if r.ask_ms is not None])
    if any(q.type for q in questions):  # datasets without types keep their summaries as they were
        out["retrieval"]["by_type"] = {t: retrieval([p for p in scored if p[0].type == t]) for t in types}
        if out["answers"] is not None:
            out["answers"]["by_type"] = {
                t: summarise_answers([(q.answerable, s) for q, s in answered if q.type == t])
                for t in sorted({q.type for q in questions if q.type})
            }
    return out


def run_eval(
    questions: Sequence[Question],
    product: Searcher,
    *,
    answerer: Answerer | None = None,
    baseline: Searcher | None = None,
    k: int = DEPTH,
    meta: Mapping[str, Any] | None = None,
    progress: bool = False,
) -> EvalRun:
    """Every question through the product (search, and ask when an answerer is given) and the baseline."""
    from tqdm import tqdm

    if not questions:
        raise ValueError("no questions to evaluate")
    product(questions[0].question, k)  # warm-up, untimed: loads the models and the lexical index
    if baseline is not None:
        baseline(questions[0].question, k)
    records = [
        QuestionRecord(
            id=q.id,
            lang=q.lang,
            topic=q.topic,
            answerable=q.answerable,
            question=q.question,
            gold=tuple(g.model_dump(include={"file", "page", "article"}) for g in q.gold),
            product=evaluate_system(q, product, k, answerer),
            baseline=None if baseline is None else evaluate_system(q, baseline, k),
            type=q.type or None,
        )
        for q in tqdm(questions, desc="questions", unit="q", disable=not progress)
    ]
    summary: dict[str, Any] = {
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        **(meta or {}),
        "k": k,
        "questions": len(questions),
        "answerable": sum(q.answerable for q in questions),
        "counts": {lang: sum(q.lang == lang for q in questions) for lang in LANGUAGES},
        "systems": {"product": summarise_system(questions, [r.product for r in records])},
    }
    if baseline is not None:
        summary["systems"]["baseline"] = summarise_system(
            questions, [r.baseline for r in records if r.baseline is not None], articles=False
        )
    return EvalRun(records, summary)
