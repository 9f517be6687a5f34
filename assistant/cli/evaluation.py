"""eval: run reference questions through the product and the baseline; compare two runs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.cli.common import open_index
from assistant.contract import answer_json
from assistant.errors import AssistantError, InvalidInputError
from assistant.evaluate.names import DEPTH, TITLES, Metric

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.settings import Settings

# The headline table's columns after n: metric, width, format (shares as percentages, scores as decimals)
HEADLINE = (
    (Metric.HIT_1, 6, ".0%"), (Metric.HIT_5, 6, ".0%"), (Metric.HIT_10, 6, ".0%"),
    (Metric.MRR, 7, ".3f"), (Metric.NDCG, 7, ".3f"),
)  # fmt: skip


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "eval",
        parents=[common],
        help="evaluate retrieval (and answers) on reference Q&A, beside the LangChain tutorial baseline",
        description="Run every question of a reference Q&A file (JSONL, format in README 'Evaluation') "
        "through the product (search and ask) and the plain LangChain tutorial pipeline over the same "
        "PDFs; write records.jsonl, summary.json, report.md and a hit@k chart to --out. With --compare, "
        "diff two such folders.",
    )
    p.add_argument("qa", nargs="?", type=Path, metavar="QA.jsonl", help="reference questions")
    p.add_argument("--out", type=Path, help="run folder (default: eval-runs/<QA name>-<date-time>)")
    p.add_argument("--k", type=int, default=DEPTH, help=f"chunks retrieved per question (default {DEPTH})")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    p.add_argument("--no-baseline", action="store_true", help="skip the tutorial baseline")
    p.add_argument("--no-answers", action="store_true", help="evaluate retrieval only (no `ask`)")
    p.add_argument("--extractive", action="store_true", help="extractive answers even if a model is set")
    p.add_argument(
        "--baseline-corpus",
        type=Path,
        metavar="DIR",
        help="PDFs for the baseline (default: the indexed documents' source files)",
    )
    p.add_argument(
        "--gate", type=Path, metavar="FILE", help="fail (exit 1) if a metric is below this file's minimums"
    )
    p.add_argument("--compare", nargs=2, type=Path, metavar=("RUN_A", "RUN_B"), help="diff two run folders")
    p.set_defaults(run=cmd_eval)  # fmt: skip


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.compare:
        return _compare(args.compare[0], args.compare[1], as_json=args.json)
    if args.qa is None:
        raise InvalidInputError("Give a question file (assistant eval QA.jsonl) or --compare RUN_A RUN_B.")
    from datetime import datetime

    from assistant.evaluate.compare import check_gate, load_thresholds
    from assistant.evaluate.dataset import load_questions
    from assistant.evaluate.report import write_run
    from assistant.evaluate.run import product_searcher, run_eval

    questions = load_questions(args.qa)[: args.limit or None]
    thresholds = load_thresholds(args.gate) if args.gate else {}
    index = open_index(settings).require()
    baseline, notes = _baseline(args, index)
    meta = {
        "dataset": str(args.qa),
        "dataset_name": args.qa.name,
        "index": str(settings.index_dir),
        "collection": settings.collection_name(),
        "documents": sorted(index.manifest.documents),
        "notes": notes,
    }
    answerer = None if args.no_answers else _answerer(index, settings, args.extractive, notes)
    run = run_eval(
        questions,
        product_searcher(index),
        answerer=answerer,
        baseline=baseline,
        k=args.k,
        meta=meta,
        progress=not args.json,
    )
    out = args.out or Path("eval-runs") / f"{args.qa.stem}-{datetime.now():%Y-%m-%d-%H%M%S}"
    paths = write_run(run, out)
    failures = check_gate(run.summary, thresholds)
    if args.json:
        print(
            json.dumps(
                {"out": str(out), "summary": run.summary, "gate": failures}, ensure_ascii=False, indent=1
            )
        )
    else:
        _print_headline(run.summary)
        print("\n".join(f"note: {n}" for n in notes))
        print(f"wrote {', '.join(str(p) for p in paths)}")
        for failure in failures:
            print(f"gate: {failure}", file=sys.stderr)
        if args.gate and not failures:
            print(f"gate: every minimum in {args.gate} holds")
    return 1 if failures else 0


def _answerer(
    index: Index, settings: Settings, extractive: bool, notes: list[str]
) -> Callable[[str], dict[str, Any]]:
    """`ask` as the evaluation calls it: the configured chat model, or extractive answers."""
    from assistant.answer.ask import ask
    from assistant.answer.models import chat_model, model_name

    chat = None if extractive else chat_model(settings.llm)
    notes.append(f"answers: {model_name(chat) if chat else 'extractive (no language model)'}")

    def answer(question: str) -> dict[str, Any]:
        return answer_json(ask(index, question, chat=chat))

    return answer


def _baseline(
    args: argparse.Namespace, index: Index
) -> tuple[Callable[[str, int], list[dict[str, Any]]] | None, list[str]]:
    """The tutorial baseline's searcher over the same PDFs, or None and a note saying why not."""
    from assistant.evaluate.run import baseline_searcher, indexed_pdfs

    if args.no_baseline:
        return None, ["baseline not run (--no-baseline)"]
    notes: list[str] = []
    if args.baseline_corpus:
        pdfs = sorted(args.baseline_corpus.glob("*.pdf"))
    else:
        pdfs, missing = indexed_pdfs(index)
        if missing:
            notes.append(f"baseline built without {', '.join(missing)}: source file no longer on disk")
    if not pdfs:
        return None, [*notes, "baseline not run: none of the indexed PDFs is on disk (use --baseline-corpus)"]
    try:
        search, facts = baseline_searcher(pdfs, progress=not args.json)
    except AssistantError as exc:
        return None, [*notes, f"baseline not run: {exc}"]
    notes.append(
        f"baseline: LangChain tutorial pipeline (PyPDFLoader, RecursiveCharacterTextSplitter(1000, 200), "
        f"all-MiniLM-L6-v2, Chroma) over {facts['files']} PDFs, {facts['chunks']} chunks, "
        f"built in {facts['build_seconds']} s"
    )
    return search, notes


def _print_headline(summary: dict[str, Any]) -> None:
    """Retrieval over all questions, per language and per type (when given), one line per system and group."""
    print(
        f"{'':22} {Metric.N:>3} " + " ".join(f"{TITLES[m]:>{w}}" for m, w, _ in HEADLINE) + f" {'art@1':>6}"
    )
    for name, result in summary["systems"].items():
        retrieval = result["retrieval"]
        groups = {"all": retrieval["all"], **retrieval["by_lang"], **retrieval.get("by_type", {})}
        for group, m in groups.items():
            cells = " ".join(f"{m[key]:{w}{spec}}" for key, w, spec in HEADLINE)
            art = "–" if m[Metric.ARTICLE] is None else f"{m[Metric.ARTICLE]:.0%}"
            print(f"{name + ' · ' + group:22} {m[Metric.N]:3} {cells} {art:>6}")


def _compare(run_a: Path, run_b: Path, as_json: bool) -> int:
    from assistant.evaluate.compare import load_run, metric_diff, regressions

    summary_a, records_a = load_run(run_a)
    summary_b, records_b = load_run(run_b)
    diff = metric_diff(summary_a, summary_b)
    worse = regressions(records_a, records_b)
    if as_json:
        rows = [{"metric": m, "a": a, "b": b, "delta": b - a} for m, a, b in diff]
        print(
            json.dumps({"metrics": rows, "worse": [asdict(r) for r in worse]}, ensure_ascii=False, indent=1)
        )
        return 0
    print(f"{'metric (product)':52} {'A':>9} {'B':>9} {'B - A':>9}")
    for metric, a, b in diff:
        mark = "" if abs(b - a) < 1e-9 else " *"
        print(f"{metric:52} {a:9.3f} {b:9.3f} {b - a:+9.3f}{mark}")
    print(f"\n{len(worse)} question(s) worse in B ({run_b}) than in A ({run_a}):")
    for r in worse:
        print(f"  {r.id}: {r.what} — {r.question}")
    return 0
