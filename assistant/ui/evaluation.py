"""The evaluation tab: a reference question file -> the product's retrieval and answer metrics (beside
the LangChain tutorial baseline when asked), the hit@k chart and the worst questions; the run is saved
under <index>/eval-runs/.

A failing baseline (e.g. its optional dependencies are not installed) does not lose the product's
evaluation: the run goes on without it and the output says why."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.contract import answer_json
from assistant.errors import AssistantError
from assistant.ui.labels import Label
from assistant.ui.text import UI

if TYPE_CHECKING:
    from assistant.evaluate.dataset import Question
    from assistant.evaluate.run import EvalRun, Searcher
    from assistant.index import Index


class BaselineFailed(Exception):
    """The baseline's search failed during a run (its cause is the AssistantError)."""


def evaluation_tab(index: Index, lang: gr.State) -> list[Label]:
    """The tab's components and events; its labels that follow the interface language."""
    with gr.Tab(UI["es"]["evaluate"], id="evaluate") as tab:
        qa = gr.File(file_types=[".jsonl"], label=UI["es"]["qa"], elem_id="qa-file")
        baseline = gr.Checkbox(False, label=UI["es"]["baseline"], elem_id="with-baseline")
        run = gr.Button(UI["es"]["run"], variant="primary", elem_id="run-eval")
        metrics = gr.Dataframe(interactive=False, elem_id="metrics", visible=False)  # shown by a run
        chart = gr.Image(label="hit@k", elem_id="chart")
        worst = gr.Markdown(elem_id="worst")
    run.click(lambda path, with_baseline, code: evaluate(index, path, with_baseline, code),
              [qa, baseline, lang], [metrics, chart, worst])  # fmt: skip
    return [Label(tab, "evaluate"), Label(qa, "qa"), Label(baseline, "baseline"), Label(run, "run", "value")]


def evaluate(index: Index, path: str | None, with_baseline: bool, code: str = "es") -> tuple[Any, ...]:
    """Run a reference file through `ask` (and the baseline if asked): (the metric table, headed in the
    interface language; chart path; notes and worst questions as Markdown). Any AssistantError is a
    gr.Error with its one-line message."""
    from assistant.evaluate.dataset import load_questions
    from assistant.evaluate.report import metric_rows, write_run
    from assistant.evaluate.report import worst as worst_lines

    if not path:
        raise gr.Error(UI[code]["no_file"])
    try:
        questions = load_questions(Path(path))
        index.require()
        notes: list[str] = []
        baseline = _baseline(index, notes) if with_baseline else None
        try:
            run = _run(index, questions, baseline, Path(path).name, notes)
        except BaselineFailed as exc:  # the product's evaluation is kept; the note says why
            notes.append(f"baseline not run: {exc.__cause__}")
            run = _run(index, questions, None, Path(path).name, notes)
        paths = write_run(run, index.settings.index_dir / "eval-runs" / time.strftime("%Y-%m-%d-%H%M%S"))
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    text = "\n".join([*(f"- ⚠️ {note}" for note in notes), *worst_lines(run.records)])
    table = {"headers": [UI[code]["metric"], UI[code]["value"]], "data": metric_rows(run.summary)}
    return gr.update(value=table, visible=True), str(paths[3]), text or "—"


def _baseline(index: Index, notes: list[str]) -> Searcher | None:
    """The tutorial baseline over the indexed PDFs, or None with a note saying why not."""
    from assistant.evaluate.run import baseline_searcher, indexed_pdfs

    pdfs, missing = indexed_pdfs(index)
    if missing:
        notes.append(f"baseline built without {', '.join(missing)}: source file no longer on disk")
    if not pdfs:
        notes.append("baseline not run: none of the indexed PDFs is on disk")
        return None
    try:
        search = baseline_searcher(pdfs)[0]
    except AssistantError as exc:  # e.g. DependencyMissingError: its optional packages are not installed
        notes.append(f"baseline not run: {exc}")
        return None

    def guarded(question: str, k: int) -> list[dict[str, Any]]:
        try:
            return search(question, k)
        except AssistantError as exc:
            raise BaselineFailed() from exc

    return guarded


def _run(
    index: Index, questions: list[Question], baseline: Searcher | None, name: str, notes: list[str]
) -> EvalRun:
    from assistant.answer.ask import ask
    from assistant.evaluate.run import product_searcher, run_eval

    meta: dict[str, Any] = {"dataset_name": name, **({"notes": notes} if notes else {})}
    return run_eval(questions, product_searcher(index), answerer=lambda q: answer_json(ask(index, q)),
                    baseline=baseline, meta=meta)  # fmt: skip
