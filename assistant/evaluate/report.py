"""An `EvalRun` -> files in a run folder: records.jsonl, summary.json, report.md and the hit@k chart."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluate.names import (
    ANSWER_METRICS,
    DEPTH,
    LATENCY_METRICS,
    MISS,
    MISS_LABEL,
    RETRIEVAL_METRICS,
    SCORES,
    TITLES,
    Metric,
)
from assistant.evaluate.records import QuestionRecord, to_json
from assistant.evaluate.run import EvalRun

CHART = "hit-at-k.png"
# (title, metric) of the report's tables; the count of questions has its own column
RETRIEVAL_COLUMNS = tuple((TITLES[m], m) for m in RETRIEVAL_METRICS if m in TITLES)
ANSWER_COLUMNS = tuple((TITLES[m], m) for m in ANSWER_METRICS if m in TITLES)
WORST = 10


def write_run(run: EvalRun, out: Path) -> list[Path]:
    """Write the run's four files into `out` (created if needed); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    records = out / "records.jsonl"
    with records.open("w", encoding="utf-8") as handle:
        for record in run.records:
            handle.write(json.dumps(to_json(record), ensure_ascii=False) + "\n")
    summary = out / "summary.json"
    summary.write_text(json.dumps(run.summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    chart = write_chart(run.summary, out / CHART)
    report = out / "report.md"
    report.write_text(markdown(run.summary, run.records, chart.name), encoding="utf-8")
    return [records, summary, report, chart]


def write_chart(summary: Mapping[str, Any], path: Path) -> Path:
    """hit@k for k = 1..DEPTH per language: the product as solid lines, the baseline dashed."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8.5, 4.2), dpi=110)
    colours = {"all": "black", "es": "tab:red", "fr": "tab:blue", "en": "tab:green"}
    for system, style in (("product", "-"), ("baseline", "--")):
        curves = summary["systems"].get(system, {}).get("curve", {})
        for group, values in curves.items():
            ks = range(1, len(values) + 1)
            label = f"{system} · {group}"
            axes.plot(
                ks, values, style, color=colours.get(group, "grey"), marker="o", markersize=3, label=label
            )
    axes.set(
        xlabel="k (chunks read)", ylabel="hit@k (gold page found)", ylim=(0, 1.02), xticks=range(1, DEPTH + 1)
    )
    axes.set_title(f"Retrieval, {summary.get('dataset_name', '')}: hit@k per language")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))  # outside: never over a line
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def fmt(value: Any, key: str = "") -> str:
    """A share as a percentage, a score to three decimals, a missing value as an en dash."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if key in SCORES else f"{100 * value:.0f}%"
    return str(value)


def table(rows: Sequence[tuple[str, Mapping[str, Any]]], columns: Sequence[tuple[str, str]]) -> list[str]:
    lines = [f"| | {Metric.N} | " + " | ".join(title for title, _ in columns) + " |"]
    lines.append("|---|---:|" + "---:|" * len(columns))
    for name, metrics in rows:
        cells = [fmt(metrics.get(key), key) for _, key in columns]
        lines.append(f"| {name} | {metrics.get(Metric.N, '')} | " + " | ".join(cells) + " |")
    return lines


def metric_rows(summary: Mapping[str, Any]) -> list[list[Any]]:
    """[name, value] for every metric over all questions, system by system: 'product · hit@1', ...,
    then 'product · answers · key_fact_recall', ... (the app's metric table)."""
    rows: list[list[Any]] = []
    for system, result in summary["systems"].items():
        rows += [[f"{system} · {key}", value] for key, value in result["retrieval"]["all"].items()]
        answers = (result.get("answers") or {}).get("all", {})
        rows += [[f"{system} · answers · {key}", value] for key, value in answers.items()]
    return rows


def retrieval_rows(summary: Mapping[str, Any], group: str) -> list[tuple[str, Mapping[str, Any]]]:
    """(system · group, metrics) rows for 'all', each language or each topic, product first."""
    rows = []
    for system, result in summary["systems"].items():
        retrieval = result["retrieval"]
        parts = {"all": retrieval["all"]} if group == "all" else retrieval[group]
        rows += [(f"{system} · {name}", metrics) for name, metrics in parts.items()]
    return rows


def worst(records: Sequence[QuestionRecord]) -> list[str]:
    """The answerable questions the product ranked worst (no gold page in the first DEPTH first)."""
    ranked = [(r, r.product.retrieval.rank) for r in records if r.product.retrieval is not None]
    ranked.sort(key=lambda pair: (-(pair[1] or MISS), pair[0].id))
    lines = []
    for r, rank in ranked[:WORST]:
        if rank is not None and rank <= 1:
            break
        top = r.product.hits[0] if r.product.hits else None
        got = f"{top['file']} p. {top['page_start']} {top['article'] or ''}".strip() if top else "no hits"
        want = "; ".join(f"{g['file']} p. {g['page']} {g['article'] or ''}".strip() for g in r.gold)
        lines.append(
            f"- `{r.id}` rank {rank or MISS_LABEL} — {r.question}  \n  wanted {want}; first hit {got}"
        )
    return lines


def by_type(summary: Mapping[str, Any]) -> list[str]:
    """The per-type retrieval and answer tables, when the questions carry a type ([] otherwise)."""
    systems = summary["systems"].items()
    if not any("by_type" in result["retrieval"] for _, result in systems):
        return []
    answers = [
        (f"{system} · {group}", metrics)
        for system, result in systems
        if (result.get("answers") or {}).get("by_type")
        for group, metrics in result["answers"]["by_type"].items()
    ]
    out = ["### Per type", "", *table(retrieval_rows(summary, "by_type"), RETRIEVAL_COLUMNS), ""]
    return out + ([*table(answers, ANSWER_COLUMNS), ""] if answers else [])


def markdown(summary: Mapping[str, Any], records: Sequence[QuestionRecord], chart: str) -> str:
    """The report: headline table, per language, per topic, answers, latency, chart and worst questions."""
    counts = ", ".join(f"{lang} {n}" for lang, n in summary["counts"].items() if n)
    out = [
        f"# Evaluation — {summary.get('dataset_name', '')}",
        "",
        f"{summary['questions']} questions ({counts}), {summary['answerable']} answerable; "
        f"k = {summary['k']}; {summary['created']}.",
        "A hit: same file and a gold page inside the chunk's page range.",
        "",
        "## Retrieval",
        "",
        *table(retrieval_rows(summary, "all"), RETRIEVAL_COLUMNS),
        "",
        "### Per language",
        "",
        *table(retrieval_rows(summary, "by_lang"), RETRIEVAL_COLUMNS),
        "",
        "### Per topic",
        "",
        *table(retrieval_rows(summary, "by_topic"), RETRIEVAL_COLUMNS),
        "",
        *by_type(summary),
        f"![hit@k per language]({chart})",
        "",
        "## Answers",
        "",
    ]
    answer_rows = [
        (f"{system} · {group}", metrics)
        for system, result in summary["systems"].items()
        if result.get("answers")
        for group, metrics in [("all", result["answers"]["all"]), *result["answers"]["by_lang"].items()]
    ]
    out += table(answer_rows, ANSWER_COLUMNS) if answer_rows else ["Not run: no answerer in this run."]
    out += ["", "## Latency (ms per question, after one warm-up)", "", "| | step | mean | p50 | p95 |"]
    out += ["|---|---|---:|---:|---:|"]
    for system, result in summary["systems"].items():
        for step in ("search_latency", "ask_latency"):
            if step in result:
                lat = result[step]
                cells = " | ".join(str(lat[key]) for key in LATENCY_METRICS)
                out.append(f"| {system} | {step.split('_')[0]} | {cells} |")
    out += [
        "",
        "## Product's worst-ranked questions",
        "",
        *(worst(records) or ["None: every gold page first."]),
    ]
    notes = summary.get("notes") or []
    if notes:
        out += ["", "## Notes", "", *(f"- {n}" for n in notes)]
    return "\n".join(out) + "\n"
