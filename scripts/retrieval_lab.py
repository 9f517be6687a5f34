"""Retrieval lab: every channel's ranked list for every question of a reference file, collected once,
then fused in every variant of the ablation table in seconds — so an idea can be tried on the train
split with cross-validation and its rows computed on the sealed split in one pass.

    python scripts/retrieval_lab.py collect evals/datasets/train.jsonl --index DIR --out lab-train.pkl
    python scripts/retrieval_lab.py ablate lab-train.pkl [--out evals/results/ablation-train.json]
    python scripts/retrieval_lab.py learned-fusion lab-train.pkl

The fusion here is the product's (`rrf`, `demote`, `merge_article_parts`, the same weights); the
"full" row equals `assistant eval` up to ties. Variants switch one addition off at a time, and the
tried-and-rejected ideas (query decomposition, Rocchio feedback, neighbouring articles) on.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from assistant.evaluate.dataset import load_questions
from assistant.evaluate.metrics import first_hit_rank, recall_at
from assistant.index import Index
from assistant.language import tokenize
from assistant.search import OLD_LAW_BOOST, REPORT_PENALTY
from assistant.search.channels import ORIGINAL_DENSE_WEIGHT, REFERENCE_WEIGHT, SITUATION_WEIGHT, referenced
from assistant.search.fuse import demote, merge_article_parts, rrf
from assistant.search.plan import asks_about_old_law, plan_query
from assistant.search.situations import situation_index
from assistant.search.translate import translate
from assistant.settings import Settings
from assistant.types import Filters

DEPTH = 50


def clauses(text: str) -> list[str]:
    """Query decomposition: the question's sentences and clauses of four words or more."""
    parts = [p.strip() for p in re.split(r"(?<=[.?!;])\s+|\s*[¿?]\s*", text) if p.strip()]
    return [p for p in parts if len(p.split()) >= 4]


def collect(dataset: Path, index_dir: Path, out: Path) -> None:
    index = Index(Settings(index_dir=index_dir))
    lexicon = situation_index(index, compute=True)
    assert lexicon is not None
    rows = []
    for q in load_questions(dataset):
        plan = plan_query(q.question)
        spanish = " ".join([plan.spanish, *plan.expansions]).strip()
        vectors = {"q": index.embedder.embed_query(plan.question)}
        lists: dict[str, list[str]] = {"dense": _dense(index, vectors["q"])}
        if plan.language != "es":
            vectors["es"] = index.embedder.embed_query(spanish)
            lists["dense_es"] = _dense(index, vectors["es"])
        words = tokenize(plan.question if plan.language == "es" else spanish)
        lists["bm25"] = [c for c, _ in index.lexical.search(words, DEPTH)]
        lists["ngram"] = [c for c, _ in index.lexical.search_ngrams(plan.question, DEPTH)]
        if plan.references:
            lists["ref"] = referenced(index, plan, Filters())
        for key, vector in vectors.items():
            lists[f"sit_{key}"] = lexicon.rank(vector, Filters(), DEPTH)
        parts = clauses(plan.question)
        if len(parts) >= 2:
            for n, part in enumerate(parts):
                lists[f"clause{n}_dense"] = _dense(index, index.embedder.embed_query(part))
                found = translate(part, plan.language) if plan.language != "es" else None
                lists[f"clause{n}_bm25"] = [
                    c for c, _ in index.lexical.search(tokenize(found[0] if found else part), DEPTH)
                ]
        about = SimpleNamespace(question=plan.question, language=plan.language, legal=plan.legal)
        rows.append({"q": q.model_dump(), "plan": about, "lists": lists, "vectors": vectors})
        print(q.id, file=sys.stderr)
    ids = sorted({c for row in rows for ids in row["lists"].values() for c in ids})
    raw = index.store.collection.get(ids=ids, include=["embeddings"])
    pairs = zip(raw["ids"], raw["embeddings"], strict=True)
    matrix = {cid: np.asarray(v, dtype=np.float32) for cid, v in pairs}
    data = {
        "rows": rows, "chunks": {c.chunk_id: c for c in index.store.chunks(ids)},
        "repealed": index.repealed_chunk_ids(), "reports": index.report_chunk_ids(),
        "known": index.known_ids(), "vectors": matrix, "index": str(index_dir), "dataset": dataset.name,
    }  # fmt: skip
    out.write_bytes(pickle.dumps(data))


def _dense(index: Index, vector: list[float]) -> list[str]:
    found = index.store.collection.query(query_embeddings=[vector], n_results=DEPTH, include=["metadatas"])
    return [meta["chunk_id"] for meta in found["metadatas"][0] if meta.get("dense", True)]


Weights = Callable[[str, str], float]  # (list name, question language) -> weight in the fusion


def product_weight(name: str, language: str) -> float:
    if name == "dense":
        return ORIGINAL_DENSE_WEIGHT.get(language, 1.0)
    if name in ("dense_es", "bm25", "ngram"):
        return 1.0
    if name == "ref":
        return REFERENCE_WEIGHT
    if name.startswith("sit_"):
        return SITUATION_WEIGHT
    return 0.0  # clause lists: not part of the product


VARIANTS: dict[str, dict[str, Any]] = {
    "full product": {},
    "without situations": {"off": ("sit_",)},
    "without 4-grams for English": {"ngram_en": False},
    "without the legal-question preference": {"legal": False},
    "without the old-code preference": {"old_law": False},
    "before (none of the additions)": {"off": ("sit_",), "ngram_en": False, "legal": False, "old_law": False},
    "tried: + query decomposition (clauses, weight 0.5)": {"clauses": 0.5},
    "tried: + Rocchio feedback on e5 (β 0.5, weight 0.5)": {"rocchio": 0.5},
    "tried: + neighbouring articles of the first hit (weight 0.5)": {"neighbours": 0.5},
}


def fused(data: dict[str, Any], row: dict[str, Any], variant: dict[str, Any]) -> list[Any]:
    plan, lists, language = row["plan"], dict(row["lists"]), row["plan"].language

    def weight(name: str) -> float:
        if any(name.startswith(p) for p in variant.get("off", ())):
            return 0.0
        if name == "ngram" and language == "en" and not variant.get("ngram_en", True):
            return 0.0
        if name.startswith("clause"):
            return float(variant.get("clauses", 0.0))
        if name in ("rocchio", "neighbours"):
            return float(variant[name])
        return product_weight(name, language)

    def ranking(extra: dict[str, list[str]]) -> list[Any]:
        every = {**lists, **extra}
        scores = {c: s for c, s in rrf([(ids, weight(n)) for n, ids in every.items()], 10).items()}
        scores = {c: s for c, s in scores.items() if c in data["known"]}
        old = variant.get("old_law", True) and asks_about_old_law(plan.question)
        scores = demote(scores, data["repealed"], OLD_LAW_BOOST if old else 0.5)
        if plan.legal and variant.get("legal", True):
            scores = demote(scores, data["reports"], REPORT_PENALTY)
        order = sorted(scores, key=lambda c: -scores[c])[:40]
        return [c for c, _ in merge_article_parts([(data["chunks"][c], scores[c]) for c in order])]

    hits = ranking({})
    if variant.get("rocchio"):
        first = [data["vectors"][c.chunk_id] for c in hits[:3] if c.chunk_id in data["vectors"]]
        query = np.asarray(row["vectors"].get("es", row["vectors"]["q"]))
        moved = query + 0.5 * np.mean(first, axis=0)
        pool = list(data["vectors"])
        sims = np.array([data["vectors"][c] @ moved for c in pool])
        hits = ranking({"rocchio": [pool[i] for i in np.argsort(-sims)[:DEPTH]]})
    if variant.get("neighbours") and hits and hits[0].article:
        first = hits[0]
        chunks = data["chunks"].values()
        same = sorted({(c.page_start, c.article) for c in chunks if c.file == first.file and c.article})
        articles = [a for _, a in same]
        at = articles.index(first.article)
        near = set(articles[max(at - 1, 0) : at + 2]) - {first.article}
        ids = [c.chunk_id for c in data["chunks"].values() if c.file == first.file and c.article in near]
        hits = ranking({"neighbours": ids})
    return hits[:10]


CHANNELS = ("dense", "dense_es", "bm25", "ngram", "ref", "sit_q", "sit_es")


def candidate_features(data: dict[str, Any], row: dict[str, Any]) -> list[tuple[str, list[float]]]:
    """Learned fusion: per candidate, 1/(10 + rank) in each channel and whether it is in its top 5, the
    product's fused score, report / repealed flags and their interplay with the question's intent."""
    plan, lists = row["plan"], row["lists"]
    product = rrf([(ids, product_weight(n, plan.language)) for n, ids in lists.items()], 10)
    ranks: dict[str, dict[str, int]] = defaultdict(dict)
    for name, ids in lists.items():
        for rank, cid in enumerate(ids, start=1):
            ranks[cid].setdefault(name, rank)
    out = []
    for cid, found in ranks.items():
        if cid not in data["chunks"] or cid not in data["known"]:
            continue
        values: list[float] = []
        for name in CHANNELS:
            rank = found.get(name)
            values += [1 / (10 + rank) if rank else 0.0, float(bool(rank) and rank <= 5)]
        report, repealed = float(cid in data["reports"]), float(cid in data["repealed"])
        old = float(asks_about_old_law(plan.question))
        values += [product.get(cid, 0.0), report, repealed, report * plan.legal, repealed * old]
        values += [float(plan.language == "fr"), float(plan.language == "en"), len(found) / len(CHANNELS)]
        out.append((cid, values))
    return out


def learned_fusion(path: Path, folds: int = 5) -> None:
    """Logistic regression over `candidate_features`, 5-fold cross-validated by question (a question's
    candidates are scored by a model trained without its fold), against the product's RRF."""
    from assistant.evaluate.abstention import fit, predict
    from assistant.evaluate.metrics import hits_gold

    data = pickle.loads(path.read_bytes())
    rows = [r for r in data["rows"] if r["q"]["answerable"]]
    table = [candidate_features(data, r) for r in rows]
    labels = []
    for row, candidates in zip(rows, table, strict=True):
        spans = [data["chunks"][cid] for cid, _ in candidates]
        gold = row["q"]["gold"]
        labels.append([float(hits_gold((c.file, c.page_start, c.page_end), gold)) for c in spans])
    results: dict[str, list[bool]] = {"rrf": [], "learned": []}
    for fold in range(folds):
        train_x = [v for i, c in enumerate(table) if i % folds != fold for _, v in c]
        train_y = [y for i, ys in enumerate(labels) if i % folds != fold for y in ys]
        model = fit(np.array(train_x), np.array(train_y))
        for i, (row, candidates) in enumerate(zip(rows, table, strict=True)):
            if i % folds != fold or not candidates:
                continue
            scores = predict(np.array([v for _, v in candidates]), model)
            learned = {cid: float(s) for (cid, _), s in zip(candidates, scores, strict=True)}
            order = sorted(learned, key=lambda c: -learned[c])[:40]
            merged = merge_article_parts([(data["chunks"][c], learned[c]) for c in order])
            spans = [(c.file, c.page_start, c.page_end) for c, _ in merged[:10]]
            rank = first_hit_rank(spans, row["q"]["gold"])
            results["learned"].append(rank is not None and rank <= 5)
            rrf_spans = [(c.file, c.page_start, c.page_end) for c in fused(data, row, {})]
            rrf_rank = first_hit_rank(rrf_spans, row["q"]["gold"])
            results["rrf"].append(rrf_rank is not None and rrf_rank <= 5)
    for name, hits in results.items():
        print(f"{name:8s} hit@5 {np.mean(hits):.0%} ({len(hits)} questions, {folds}-fold by question)")


def ablate(path: Path, out: Path | None) -> None:
    data = pickle.loads(path.read_bytes())
    table: dict[str, dict[str, Any]] = {}
    for name, variant in VARIANTS.items():
        groups: dict[str, list[tuple[bool, float]]] = defaultdict(list)
        for row in data["rows"]:
            q = row["q"]
            if not q["answerable"]:
                continue
            spans = [(c.file, c.page_start, c.page_end) for c in fused(data, row, variant)]
            rank = first_hit_rank(spans, q["gold"])
            for key in ("all", q["lang"], q.get("type") or "untyped"):
                groups[key].append((rank is not None and rank <= 5, recall_at(spans, q["gold"], 10)))
        table[name] = {
            k: {"n": len(v), "hit@5": round(float(np.mean([h for h, _ in v])), 4),
                "recall@10": round(float(np.mean([r for _, r in v])), 4)}
            for k, v in groups.items()
        }  # fmt: skip
        row = table[name]
        cells = " ".join(f"{k} {row[k]['hit@5']:.0%}/{row[k]['recall@10']:.0%}" for k in sorted(row))
        print(f"{name:62s} {cells}")
    if out:
        out.write_text(json.dumps({"dataset": data["dataset"], "variants": table}, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="every channel's list for every question")
    c.add_argument("dataset", type=Path)
    c.add_argument("--index", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    a = sub.add_parser("ablate", help="hit@5 / recall@10 of every variant")
    a.add_argument("lab", type=Path)
    a.add_argument("--out", type=Path)
    f = sub.add_parser("learned-fusion", help="cross-validated logistic fusion against RRF")
    f.add_argument("lab", type=Path)
    args = parser.parse_args()
    if args.command == "collect":
        collect(args.dataset, args.index, args.out)
    elif args.command == "ablate":
        ablate(args.lab, args.out)
    else:
        learned_fusion(args.lab)


if __name__ == "__main__":
    main()
