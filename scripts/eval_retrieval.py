"""Retrieval evaluation of the search modes side by side, and the LangChain tutorial baseline, on one
question set.

`assistant eval` runs the product as configured (hybrid search, then `ask`) beside the baseline; this
script adds the comparison of modes: e5 alone (dense search with the question as asked), the product's
dense, lexical and hybrid modes, and the tutorial baseline. Each system goes through
`assistant.evaluate.run.run_eval` on the answerable questions (one untimed warm-up query first); per
language (es/fr/en) and overall it reports hit@1, hit@5, hit@10, MRR@10 (and the other retrieval
metrics of `assistant eval`) and the mean / p95 latency per query. Writes
evals/results/retrieval-<YYYY-MM-DD>.json and .md and prints the Markdown table.

    python scripts/eval_retrieval.py [--dataset evals/datasets/dev-real.jsonl] [--index /work/real-index]
        [--corpus ../shared/corpus-real] [--modes e5,dense,lexical,hybrid] [--k 10] [--limit N] [--out DIR]
        [--no-tutorial] [--torch-threads 1]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from assistant.evaluate.dataset import Question, load_questions
from assistant.evaluate.names import DEPTH, TITLES, Metric
from assistant.evaluate.run import Searcher, baseline_searcher, e5_searcher, product_searcher, run_eval
from assistant.index import Index
from assistant.language import LANGUAGES
from assistant.settings import Settings
from assistant.types import SearchMode

ROOT = Path(__file__).resolve().parents[1]
# "e5" is dense search with the question as asked (no translation, glossary or named articles): the
# reference point for what the query side adds. The others are `assistant search --mode` modes, in the
# order of the README's table (hybrid, the product's default, last).
MODES: tuple[str, ...] = ("e5", "dense", "lexical", "hybrid")
TUTORIAL = "tutorial"


def mode_searcher(index: Index, mode: str) -> Searcher:
    return e5_searcher(index) if mode == "e5" else product_searcher(index, cast(SearchMode, mode))


def tutorial_searcher(corpus: Path, torch_threads: int) -> tuple[Searcher, dict[str, Any]]:
    """The LangChain tutorial baseline over every PDF in `corpus`; its searcher and build facts."""
    import torch

    if torch_threads > 0:
        torch.set_num_threads(torch_threads)
    pdfs = sorted(corpus.glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"no PDFs in {corpus}")
    search, facts = baseline_searcher(pdfs)
    return search, {**facts, "torch_threads": torch.get_num_threads()}


def run_system(search: Searcher, questions: Sequence[Question], k: int) -> dict[str, Any]:
    """One system over the questions: retrieval metrics per language and overall, latency, ranks."""
    run = run_eval(questions, search, k=k)
    result = run.summary["systems"]["product"]  # run_eval's system under test, whichever it is
    retrieval = result["retrieval"]
    return {
        "status": "ok",
        "metrics": {**retrieval["by_lang"], "all": retrieval["all"]},
        "latency": result["search_latency"],
        "ranks": {r.id: r.product.retrieval.rank if r.product.retrieval else None for r in run.records},
    }


def evaluate(args: argparse.Namespace, questions: Sequence[Question]) -> dict[str, dict[str, Any]]:
    """Results per system name: each requested mode, then the tutorial baseline."""
    index = Index(Settings(index_dir=args.index)).require()
    systems: dict[str, dict[str, Any]] = {}
    for mode in args.modes:
        started = time.perf_counter()
        systems[mode] = run_system(mode_searcher(index, mode), questions, args.k)
        print(f"[{mode}] done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if not args.no_tutorial:
        print(f"[{TUTORIAL}] building the baseline (pypdf + MiniLM + Chroma)...", file=sys.stderr)
        search, facts = tutorial_searcher(args.corpus, args.torch_threads)
        systems[TUTORIAL] = {**run_system(search, questions, args.k), "build": facts}
        print(f"[{TUTORIAL}] built {facts}", file=sys.stderr)
    return systems


def pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def markdown(report: dict[str, Any]) -> str:
    """The main table (hit@1, hit@5, MRR@10 per language and overall) and a latency / hit@10 table."""
    groups = [*report["counts"]]
    columns = (Metric.HIT_1, Metric.HIT_5, Metric.MRR)
    head = " | ".join(f"{g} {TITLES[m]}" for g in groups for m in columns)
    lines = [f"| system | {head} |", "|---|" + "---:|" * (len(columns) * len(groups))]
    for name, result in report["systems"].items():
        cells = []
        for g in groups:
            m = result["metrics"][g]
            cells += [pct(m[Metric.HIT_1]), pct(m[Metric.HIT_5]), f"{m[Metric.MRR]:.3f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    counts = ", ".join(f"{g}={n}" for g, n in report["counts"].items())
    lines += ["", f"Answerable questions: {counts}; k={report['k']}.", ""]
    lines += [f"| system | all {Metric.HIT_10} | mean ms/query | p95 ms/query |", "|---|---:|---:|---:|"]
    for name, result in report["systems"].items():
        lat, hits = result["latency"], result["metrics"]["all"][Metric.HIT_10]
        lines.append(f"| {name} | {pct(hits)} | {lat[Metric.MEAN_MS]:.1f} | {lat[Metric.P95_MS]:.1f} |")
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals" / "datasets" / "dev-real.jsonl")
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus-real")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated, of: " + ", ".join(MODES))
    parser.add_argument("--k", type=int, default=DEPTH)
    parser.add_argument("--limit", type=int, help="only the first N questions of the file")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results")
    parser.add_argument("--no-tutorial", action="store_true", help="skip the (slow to build) baseline")
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=1,
        help="torch threads for the baseline's MiniLM (0 = torch default). On this shared 2-core machine "
        "two threads made one query take ~500 ms against ~27 ms with one; batch speed and ranks are the same",
    )
    args = parser.parse_args(argv)
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = set(args.modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes: {sorted(unknown)}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    questions = [q for q in load_questions(args.dataset)[: args.limit or None] if q.answerable]
    if not questions:
        raise SystemExit(f"no answerable questions in {args.dataset}")
    counts = {lang: sum(q.lang == lang for q in questions) for lang in LANGUAGES}
    counts = {**{g: n for g, n in counts.items() if n}, "all": len(questions)}
    report: dict[str, Any] = {
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "dataset": str(args.dataset),
        "limit": args.limit,
        "k": args.k,
        "index": str(args.index),
        "corpus": str(args.corpus),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "counts": counts,
        "questions": [
            {"id": q.id, "lang": q.lang, "gold": [g.model_dump() for g in q.gold]} for q in questions
        ],
        "systems": evaluate(args, questions),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"retrieval-{date.today().isoformat()}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    table = markdown(report)
    title = f"# Retrieval evaluation — {args.dataset.name}, {report['created']}\n\n"
    stem.with_suffix(".md").write_text(title + table, "utf-8")
    print(table)
    print(f"wrote {stem}.json and {stem}.md", file=sys.stderr)


if __name__ == "__main__":
    main()
