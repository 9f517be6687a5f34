"""Evaluation metrics on hand-made cases: recall@10, nDCG@10, first-hit article, key facts, citations,
abstention, answer language — including no hits, chunks spanning pages and several gold pages."""

from __future__ import annotations

import math

import pytest

from assistant.evaluate.metrics import (
    answer_language_ok,
    answer_scores,
    article_correct,
    contains_fact,
    hit_curve,
    key_fact_recall,
    latency_summary,
    ndcg_at,
    normalise_text,
    recall_at,
    retrieval_scores,
    summarise_answers,
    summarise_retrieval,
)
from assistant.evaluate.names import DEPTH, Metric
from assistant.evaluate.records import AnswerScores, RetrievalScores, to_json

COIP = "coip.pdf"
GOLD_TWO = [
    {"file": COIP, "page": 37, "article": "Art. 91"},
    {"file": COIP, "page": 38, "article": "Art. 92"},
]


def test_recall_counts_distinct_gold_pages_found_in_the_first_ten():
    assert recall_at([], GOLD_TWO) == 0.0
    assert recall_at([(COIP, 38, 38)], GOLD_TWO) == 0.5
    assert recall_at([(COIP, 36, 39)], GOLD_TWO) == 1.0  # one chunk spanning both gold pages
    assert recall_at([(COIP, 1, 1)] * 10 + [(COIP, 37, 38)], GOLD_TWO) == 0.0  # rank 11 is outside
    assert recall_at([(COIP, 38, 38)], [*GOLD_TWO, {"file": COIP, "page": 38, "article": None}]) == 0.5


def test_recall_ignores_a_matching_page_in_another_file():
    assert recall_at([("constitucion.pdf", 37, 38)], GOLD_TWO) == 0.0


def test_ndcg_is_one_for_the_ideal_order_and_counts_each_gold_page_once():
    assert ndcg_at([(COIP, 37, 37), (COIP, 38, 38)], GOLD_TWO) == pytest.approx(1.0)
    ideal = 1 + 1 / math.log2(3)
    # the same page twice gains once: the second gold page at rank 3
    twice = ndcg_at([(COIP, 37, 37), (COIP, 37, 37), (COIP, 38, 38)], GOLD_TWO)
    assert twice == pytest.approx((1 + 1 / math.log2(4)) / ideal)
    assert ndcg_at([], GOLD_TWO) == 0.0
    assert ndcg_at([(COIP, 1, 1), (COIP, 38, 38)], [{"file": COIP, "page": 38}]) == pytest.approx(
        1 / math.log2(3)
    )


def test_a_spanning_chunk_covering_two_gold_pages_scores_once_against_an_ideal_of_two():
    assert ndcg_at([(COIP, 37, 38)], GOLD_TWO) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_article_accuracy_needs_the_same_file_and_article_and_is_none_without_gold_articles():
    assert article_correct((COIP, "Art. 92"), GOLD_TWO) is True
    assert article_correct((COIP, "Art. 93"), GOLD_TWO) is False
    assert article_correct(("otra-ley.pdf", "Art. 92"), GOLD_TWO) is False
    assert article_correct(None, GOLD_TWO) is False  # no hits
    assert article_correct((COIP, None), [{"file": "informe.pdf", "page": 2, "article": None}]) is None


def test_retrieval_scores_with_no_hits():
    scores = retrieval_scores([], [], GOLD_TWO)
    assert scores == RetrievalScores(rank=None, recall=0.0, ndcg=0.0, article_ok=False)
    # the keys of records.jsonl, as every run folder so far has them
    assert to_json(scores) == {"rank": None, "recall@10": 0.0, "ndcg@10": 0.0, "article_ok": False}


def test_summarise_retrieval_averages_and_skips_questions_without_gold_articles():
    rows = [
        retrieval_scores([(COIP, 38, 38)], ["Art. 92"], GOLD_TWO),
        retrieval_scores([(COIP, 5, 5), (COIP, 37, 37)], [None, "Art. 91"], GOLD_TWO),
        retrieval_scores([("informe.pdf", 2, 3)], [None], [{"file": "informe.pdf", "page": 3}]),
    ]
    summary = summarise_retrieval(rows)
    assert list(summary) == [
        "n", "hit@1", "hit@5", "hit@10", "mrr@10", "recall@10", "ndcg@10", "article_acc", "articles_n"
    ]  # fmt: skip
    assert summary["n"] == 3
    assert summary["hit@1"] == pytest.approx(2 / 3) and summary["hit@5"] == 1.0
    assert summary["mrr@10"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert summary["recall@10"] == pytest.approx((0.5 + 0.5 + 1) / 3)
    assert summary["article_acc"] == 0.5 and summary["articles_n"] == 2


def test_hit_curve_rises_with_k():
    assert hit_curve([1, 3, None, 10], depth=4) == [0.25, 0.25, 0.5, 0.5]
    assert hit_curve([]) == [0.0] * 10 == [0.0] * DEPTH


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dieciséis a DIECINUEVE años", "dieciseis a diecinueve anos"),
        ("multa de 1.000 a 2,000 o 3 000 salarios", "multa de 1000 a 2000 o 3000 salarios"),
        ("0,5 mg/kg; art. 92.-", "0.5 mg kg art 92"),
        ("1.234.567 USD", "1234567 usd"),
        ("« l'orpaillage »", "l orpaillage"),
    ],
)
def test_normalise_text(text, expected):
    assert normalise_text(text) == expected


def test_key_fact_is_matched_in_any_accepted_form_as_whole_words():
    assert contains_fact("Pena de 16 a 19 años de prisión.", ["dieciséis a diecinueve años", "16 a 19 años"])
    assert contains_fact("PENA DE DIECISEIS A DIECINUEVE AÑOS", ["dieciséis a diecinueve años"])
    assert not contains_fact("de 116 a 19 años", ["16 a 19 años"])  # not inside a longer number
    assert not contains_fact("cualquier texto", ["", "  "])


def test_key_fact_recall_counts_each_fact_once_and_is_none_without_facts():
    facts = [("16 a 19 años", "dieciséis a diecinueve años"), ("fines de explotación",)]
    assert key_fact_recall("Se castiga con dieciséis a diecinueve años.", facts) == 0.5
    assert key_fact_recall("con fines de explotación ... 16 a 19 años", facts) == 1.0
    assert key_fact_recall("nada", facts) == 0.0
    assert key_fact_recall("nada", []) is None


def test_answer_language_ignores_quoted_evidence_and_checks_the_declared_language():
    answer = {
        "answer": "Selon le COIP, la peine est la suivante : « será sancionada con pena »",
        "language": "fr",
    }
    assert answer_language_ok(answer, "fr")
    assert not answer_language_ok({**answer, "language": "es"}, "fr")
    spanish = {"answer": "La pena es de dieciséis a diecinueve años según el código.", "language": "fr"}
    assert not answer_language_ok(spanish, "fr")


TEXTS = {"c1": "La trata será sancionada con dieciséis a diecinueve años.", "c2": "Texto sobre otra cosa."}


def _answer(citations, **extra):
    return {"answer": "La pena es de 16 a 19 años [1].", "language": "es", "abstained": False,
            "citations": citations, **extra}  # fmt: skip


def test_citation_validity_and_precision():
    cited = [
        {"n": 1, "chunk_id": "c1", "file": COIP, "page_start": 90, "page_end": 90},  # key fact, wrong page
        {"n": 2, "chunk_id": "c2", "file": COIP, "page_start": 38, "page_end": 39},  # gold page
        {"n": 3, "chunk_id": "c2", "file": COIP, "page_start": 12, "page_end": 12},  # neither
        {"n": 4, "chunk_id": "zz", "file": COIP, "page_start": 38, "page_end": 38},  # not given: invalid
    ]
    facts = [("16 a 19 años", "dieciséis a diecinueve años")]
    scores = answer_scores(_answer(cited), "es", GOLD_TWO, facts, TEXTS)
    assert scores.citations == 4 and scores.citations_valid == 3 and scores.citations_precise == 2
    assert scores.key_fact_recall == 1.0 and scores.language_ok and not scores.abstained
    assert to_json(scores) == {
        "abstained": False, "key_fact_recall": 1.0, "citations": 4, "citations_valid": 3,
        "citations_precise": 2, "sentences": 0, "sentences_supported": 0, "language_ok": True,
    }  # fmt: skip
    assert AnswerScores.from_json(to_json(scores)) == scores


def test_supported_sentences_come_from_the_answer():
    sentences = [{"text": "a", "supported": True}, {"text": "b", "supported": False}, {"text": "c"}]
    scores = answer_scores(_answer([], sentences=sentences), "es", GOLD_TWO, [], TEXTS)
    assert scores.sentences == 3 and scores.sentences_supported == 1


def test_summarise_answers_abstention_rates_and_pooled_citations():
    facts = [("16 a 19 años",)]
    good = answer_scores(
        _answer([{"n": 1, "chunk_id": "c1", "file": COIP, "page_start": 38, "page_end": 38}]),
        "es", GOLD_TWO, facts, TEXTS,
    )  # fmt: skip
    abstain = {"answer": "No encontré esta información en los documentos indexados.", "language": "es",
               "abstained": True, "citations": []}  # fmt: skip
    wrongly_abstained = answer_scores(abstain, "es", GOLD_TWO, facts, TEXTS)
    rightly_abstained = answer_scores(abstain, "es", [], [], TEXTS)
    answered_unanswerable = answer_scores(_answer([]), "es", [], [], TEXTS)
    rows = [
        (True, good),
        (True, wrongly_abstained),
        (False, rightly_abstained),
        (False, answered_unanswerable),
    ]
    summary = summarise_answers(rows)
    assert list(summary) == [
        "n", "key_fact_recall", "citation_validity", "citation_precision", "supported_sentences",
        "abstention_accuracy", "false_abstention", "language_match",
    ]  # fmt: skip
    assert summary["n"] == 4
    assert summary["key_fact_recall"] == 0.5  # the false abstention counts as 0
    assert summary["abstention_accuracy"] == 0.5
    assert summary["false_abstention"] == 0.5
    assert summary["citation_validity"] == 1.0 and summary["citation_precision"] == 1.0
    assert summary["supported_sentences"] is None  # no answer reported sentences
    assert summary["language_match"] == 1.0


def test_summarise_answers_without_unanswerable_questions_or_citations():
    scores = answer_scores({"answer": "x", "language": "es", "citations": []}, "es", GOLD_TWO, [], TEXTS)
    summary = summarise_answers([(True, scores)])
    assert summary["abstention_accuracy"] is None
    assert summary["citation_validity"] is None and summary["citation_precision"] is None


def test_latency_summary_percentiles():
    assert latency_summary([10, 20, 30, 40]) == {"mean_ms": 25.0, "p50_ms": 20, "p95_ms": 40}
    assert list(latency_summary([1.0])) == [Metric.MEAN_MS, Metric.P50_MS, Metric.P95_MS]
    assert latency_summary([]) == {"mean_ms": 0.0, "p50_ms": 0.0, "p95_ms": 0.0}
