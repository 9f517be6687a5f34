"""Retrieval metrics on hand-made cases: first-hit rank against gold pages, hit@k and MRR@10."""

from __future__ import annotations

import pytest

from assistant.evaluate.metrics import first_hit_rank, hits_gold, latency_summary, percentile, summarise

COIP = "coip.pdf"
CONST = "constitucion.pdf"
GOLD_92 = [{"file": COIP, "page": 38, "article": "Art. 92"}]


def test_no_hits_gives_none() -> None:
    assert first_hit_rank([], GOLD_92) is None
    assert first_hit_rank([(COIP, 10, 10), (COIP, 39, 40)], GOLD_92) is None


def test_first_hitting_rank_is_one_based() -> None:
    assert first_hit_rank([(COIP, 38, 38)], GOLD_92) == 1
    assert first_hit_rank([(COIP, 1, 1), (COIP, 2, 2), (COIP, 38, 38), (COIP, 38, 38)], GOLD_92) == 3


def test_chunk_spanning_pages_hits_any_page_inside_its_range() -> None:
    assert first_hit_rank([(COIP, 37, 39)], GOLD_92) == 1
    assert hits_gold((COIP, 38, 39), GOLD_92)
    assert hits_gold((COIP, 36, 38), GOLD_92)
    assert not hits_gold((COIP, 36, 37), GOLD_92)
    assert not hits_gold((COIP, 39, 41), GOLD_92)


def test_several_gold_pages_any_one_counts() -> None:
    gold = [{"file": COIP, "page": 37}, {"file": COIP, "page": 38}, {"file": CONST, "page": 29}]
    assert first_hit_rank([(COIP, 5, 5), (CONST, 29, 29), (COIP, 37, 37)], gold) == 2
    assert first_hit_rank([(COIP, 5, 5), (COIP, 37, 37)], gold) == 2


def test_gold_in_another_file_does_not_hit_on_same_page() -> None:
    gold = [{"file": CONST, "page": 38}]
    assert first_hit_rank([(COIP, 38, 38), (COIP, 30, 40)], gold) is None
    assert first_hit_rank([(COIP, 38, 38), (CONST, 38, 38)], gold) == 2


def test_gold_page_given_as_string_still_compares_as_number() -> None:
    assert first_hit_rank([(COIP, 100, 100), (COIP, 38, 38)], [{"file": COIP, "page": "38"}]) == 2


def test_summarise_hit_at_k_and_mrr_arithmetic() -> None:
    ranks = [1, 2, 5, 6, 11, None]
    out = summarise(ranks)
    assert out["n"] == 6
    assert out["hit@1"] == pytest.approx(1 / 6)
    assert out["hit@5"] == pytest.approx(3 / 6)
    assert out["hit@10"] == pytest.approx(4 / 6)
    # rank 11 is beyond the cut-off of MRR@10 and counts as 0, like no hit
    assert out["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 5 + 1 / 6) / 6)


def test_summarise_extremes() -> None:
    assert summarise([1, 1]) == {"n": 2, "hit@1": 1.0, "hit@5": 1.0, "hit@10": 1.0, "mrr@10": 1.0}
    assert summarise([None]) == {"n": 1, "hit@1": 0.0, "hit@5": 0.0, "hit@10": 0.0, "mrr@10": 0.0}
    assert summarise([]) == {"n": 0, "hit@1": 0.0, "hit@5": 0.0, "hit@10": 0.0, "mrr@10": 0.0}


def test_summarise_custom_cutoffs() -> None:
    out = summarise([3, 4], cutoffs=(3,), mrr_k=3)
    assert out == {"n": 2, "hit@3": 0.5, "mrr@3": pytest.approx((1 / 3) / 2)}


def test_percentile_and_latency_summary() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert percentile(values, 95) == 19.0
    assert percentile(values, 100) == 20.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 95) == 0.0
    assert latency_summary([10.0, 20.0, 30.0]) == {"mean_ms": 20.0, "p50_ms": 20.0, "p95_ms": 30.0}
