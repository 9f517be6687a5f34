"""Retrieval evaluation: product search modes and the LangChain tutorial baseline on one question set.

Every system answers every answerable question in one run; per language (es/fr/en) and overall it reports
hit@1, hit@5, hit@10, MRR@10 and the mean / p95 latency per query. Writes
evals/results/retrieval-<YYYY-MM-DD>.json and .md and prints the Markdown table.

    python scripts/eval_retrieval.py [--dataset evals/datasets/dev-real.jsonl] [--index /work/real-index]
        [--corpus ../shared/corpus-real] [--modes dense,lexical,hybrid] [--k 10] [--limit N] [--out DIR]
        [--no-tutorial] [--torch-threads 1]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `evals` is a folder of the project, not an installed package
    sys.path.insert(0, str(ROOT))

from assistant.evaluate.metrics import Span, first_hit_rank, latency_summary, summarise  # noqa: E402

LANGS: tuple[str, ...] = ("es", "fr", "en")
# "e5" is plain dense search with the question as asked (no translation, glossary or references): the
# reference point for what query understanding adds. The others are `assistant.retrieve` modes.
MODES: tuple[str, ...] = ("e5", "dense", "lexical", "hybrid")
Searcher = Callable[[str, int], list[Span]]


def load_questions(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The first `limit` questions of a JSONL file (all when None), blank lines ignored."""
    with path.open(encoding="utf-8") as fh:
        questions = [json.loads(line) for line in fh if line.strip()]
    return questions[:limit] if limit else questions


def product_searcher(index_dir: Path, mode: str) -> Searcher:
    """`assistant.retrieve.search` in one mode over an existing index, returning (file, start, end)."""
    from assistant.index import Index
    from assistant.retrieve import search
    from assistant.settings import Settings

    index = Index(Settings(index_dir=index_dir))

    def run(query: str, k: int) -> list[Span]:
        plain = mode == "e5"
        hits = index.store.search(query, k=k) if plain else search(index, query, k=k, mode=mode)  # type: ignore[arg-type]
        return [(h.chunk.file, h.chunk.page_start, h.chunk.page_end) for h in hits]

    return run


def tutorial_searcher(corpus: Path, torch_threads: int) -> tuple[Searcher, dict[str, Any]]:
    """Build the LangChain tutorial baseline over every PDF in `corpus`; its searcher and build facts."""
    import torch

    from assistant.evaluate.baseline import TutorialBaseline

    if torch_threads > 0:
        torch.set_num_threads(torch_threads)
    pdfs = sorted(corpus.glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"no PDFs in {corpus}")
    started = time.perf_counter()
    baseline = TutorialBaseline(pdfs)
    baseline.build()
    facts = {**baseline.stats, "build_seconds": round(time.perf_counter() - started, 1)}
    facts["torch_threads"] = torch.get_num_threads()
    return baseline.search, facts


def run_system(search: Searcher, questions: Sequence[dict[str, Any]], k: int) -> dict[str, Any]:
    """Ask every question once (after one untimed warm-up query); ranks, per-language metrics, latency."""
    search(questions[0]["question"], k)  # loads models lazily; raises NotImplementedError for a missing mode
    ranks: dict[str, int | None] = {}
    latencies: list[float] = []
    for q in questions:
        started = time.perf_counter()
        spans = search(q["question"], k)
        latencies.append((time.perf_counter() - started) * 1000)
        ranks[q["id"]] = first_hit_rank(spans, q["gold"])
    return {
        "status": "ok",
        "metrics": by_language(questions, ranks),
        "latency": latency_summary(latencies),
        "ranks": ranks,
    }


def by_language(questions: Sequence[dict[str, Any]], ranks: dict[str, int | None]) -> dict[str, Any]:
    """summarise() for each language present (es, fr, en first) and for all questions together."""
    present = [lang for lang in LANGS if any(q["lang"] == lang for q in questions)]
    present += sorted({q["lang"] for q in questions} - set(LANGS))
    out = {lang: summarise([ranks[q["id"]] for q in questions if q["lang"] == lang]) for lang in present}
    out["all"] = summarise([ranks[q["id"]] for q in questions])
    return out


def evaluate(args: argparse.Namespace, questions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Results per system name: each requested product mode, then the tutorial baseline."""
    systems: dict[str, dict[str, Any]] = {}
    for mode in args.modes:
        started = time.perf_counter()
        try:
            systems[mode] = run_system(product_searcher(args.index, mode), questions, args.k)
        except NotImplementedError as exc:
            systems[mode] = {"status": "skipped", "reason": f"NotImplementedError: {exc}"}
        print(f"[{mode}] {systems[mode]['status']} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if not args.no_tutorial:
        print("[tutorial] building the baseline (pypdf + MiniLM + Chroma)...", file=sys.stderr)
        search, facts = tutorial_searcher(args.corpus, args.torch_threads)
        systems["tutorial"] = {**run_system(search, questions, args.k), "build": facts}
        print(f"[tutorial] built {facts}", file=sys.stderr)
    return systems


def pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def markdown(report: dict[str, Any]) -> str:
    """The main table (hit@1, hit@5, MRR@10 per language and overall) and a latency / hit@10 table."""
    groups = [*report["counts"]]
    head = "| system | " + " | ".join(f"{g} hit@1 | {g} hit@5 | {g} MRR@10" for g in groups) + " |"
    lines = [head, "|---|" + "---:|" * (3 * len(groups))]
    for name, result in report["systems"].items():
        if result["status"] != "ok":
            lines.append(f"| {name} | " + " | ".join(["skipped"] * 3 * len(groups)) + " |")
            continue
        cells = []
        for g in groups:
            m = result["metrics"][g]
            cells += [pct(m["hit@1"]), pct(m["hit@5"]), f"{m['mrr@10']:.3f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    counts = ", ".join(f"{g}={n}" for g, n in report["counts"].items())
    lines += ["", f"Answerable questions: {counts}; k={report['k']}.", ""]
    lines += ["| system | all hit@10 | mean ms/query | p95 ms/query |", "|---|---:|---:|---:|"]
    for name, result in report["systems"].items():
        if result["status"] == "ok":
            lat, hit10 = result["latency"], result["metrics"]["all"]["hit@10"]
            lines.append(f"| {name} | {pct(hit10)} | {lat['mean_ms']:.1f} | {lat['p95_ms']:.1f} |")
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals" / "datasets" / "dev-real.jsonl")
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus-real")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated product modes")
    parser.add_argument("--k", type=int, default=10)
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
    questions = [q for q in load_questions(args.dataset, args.limit) if q.get("answerable")]
    if not questions:
        raise SystemExit(f"no answerable questions in {args.dataset}")
    counts = {lang: sum(q["lang"] == lang for q in questions) for lang in LANGS}
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
        "questions": [{"id": q["id"], "lang": q["lang"], "gold": q["gold"]} for q in questions],
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
