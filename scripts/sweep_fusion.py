"""Measurement (not a test): how hybrid-search choices move hit@5 and MRR@10 on the development set.

Computes each question's channel lists once (dense on the question, dense on its Spanish version, BM25
on the Spanish version, article references, character 4-gram BM25 over the question as asked), then
fuses them under several settings: the RRF constant k, and the 4-gram channel at several weights and
for which question languages. Lists are fused as `assistant.retrieve` does (weights, repealed-law
penalty), but without merging the parts of long articles.

    python scripts/sweep_fusion.py [--index /work/real-index]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from assistant.index import Index
from assistant.lexical import tokenize
from assistant.query import plan_query
from assistant.retrieve import (
    NGRAM_LANGUAGES,
    ORIGINAL_DENSE_WEIGHT,
    REFERENCE_WEIGHT,
    _referenced,
    is_repealed,
    rrf,
)
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
Lists = dict[str, list[str]]


def channel_lists(index: Index, question: str) -> tuple[str, Lists]:
    plan = plan_query(question)
    spanish = " ".join([plan.spanish, *plan.expansions])
    lists: Lists = {"dense": [h.chunk.chunk_id for h in index.store.search(question, 50)]}
    if plan.language != "es":
        lists["dense_es"] = [h.chunk.chunk_id for h in index.store.search(spanish, 50)]
    lexical_query = question if plan.language == "es" else spanish
    lists["lexical"] = [cid for cid, _ in index.lexical.search(tokenize(lexical_query), 50)]
    lists["references"] = _referenced(index, plan, None) if plan.references else []
    lists["ngram"] = [cid for cid, _ in index.lexical.search_ngrams(question, 50)]
    return plan.language, lists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals" / "datasets" / "dev-real.jsonl")
    args = parser.parse_args()
    index = Index(Settings(index_dir=args.index))
    chunks = index.store.chunks()
    spans = {c.chunk_id: (c.file, c.page_start, c.page_end) for c in chunks}
    repealed = {c.chunk_id for c in chunks if is_repealed(c.file, c.title, set())}
    rows = [
        json.loads(line) for line in args.dataset.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    questions = [row for row in rows if row["answerable"]]
    cached = [(q, *channel_lists(index, q["question"])) for q in questions]

    def hits_gold(gold: list[dict[str, object]]) -> Callable[[str], bool]:
        def hit(cid: str) -> bool:
            file, start, end = spans[cid]
            return any(g["file"] == file and start <= int(str(g["page"])) <= end for g in gold)

        return hit

    def evaluate(label: str, k: int, ngram_weight: float, ngram_languages: frozenset[str]) -> None:
        ranks: dict[str, list[int | None]] = {}
        for q, language, lists in cached:
            weighted = [
                (lists["dense"], ORIGINAL_DENSE_WEIGHT[language]),
                (lists["lexical"], 1.0),
                (lists["references"], REFERENCE_WEIGHT),
                (lists["ngram"], ngram_weight if language in ngram_languages else 0.0),
            ]
            if "dense_es" in lists:
                weighted.append((lists["dense_es"], 1.0))
            scores = rrf([(ids, w) for ids, w in weighted if w > 0], k)
            scores = {cid: s * (0.5 if cid in repealed else 1.0) for cid, s in scores.items()}
            order = sorted(scores, key=lambda cid: -scores[cid])[:10]
            hit = hits_gold(q["gold"])
            ranks.setdefault(language, []).append(next((i + 1 for i, c in enumerate(order) if hit(c)), None))
        cells = []
        for language in ("es", "fr", "en"):
            r = ranks[language]
            hit5 = sum(1 for x in r if x and x <= 5) / len(r)
            mrr = sum(1 / x for x in r if x) / len(r)
            cells.append(f"{language} hit@5 {hit5:.2f} MRR {mrr:.2f}")
        print(f"{label:36} " + " | ".join(cells))

    everyone = frozenset({"es", "fr", "en"})
    for k in (5, 10, 20, 30, 60):
        evaluate(f"RRF k={k}, no 4-grams", k, 0.0, everyone)
    for weight in (0.5, 1.0):
        evaluate(f"k=10, 4-grams {weight} (all)", 10, weight, everyone)
    evaluate("k=10, 4-grams 1 (es, fr): product", 10, 1.0, NGRAM_LANGUAGES)


if __name__ == "__main__":
    main()
