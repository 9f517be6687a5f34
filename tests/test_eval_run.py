"""The evaluation run: dataset validation, records and summaries, report files, comparison and the gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import AssistantError
from assistant.evaluate.compare import check_gate, load_run, metric_diff, regressions
from assistant.evaluate.dataset import Question, load_questions
from assistant.evaluate.names import ANSWER_METRICS, LATENCY_METRICS, RETRIEVAL_METRICS, Metric
from assistant.evaluate.records import QuestionRecord, to_json
from assistant.evaluate.report import markdown, metric_rows, worst, write_run
from assistant.evaluate.run import run_eval

LAW = "ley.pdf"
RESULTS = Path(__file__).resolve().parents[1] / "evals" / "results"


def _q(
    qid: str, lang: str, answerable: bool = True, page: int = 2, topic: str = "trafficking"
) -> dict[str, Any]:
    gold = [{"file": LAW, "page": page, "article": "Art. 92"}] if answerable else []
    facts = ["16 a 19 años"] if answerable else []
    return {"id": qid, "lang": lang, "question": f"pregunta {qid}", "answerable": answerable, "gold": gold,
            "reference_answer": "", "key_facts": facts, "key_facts_alt": facts, "topic": topic}  # fmt: skip


def _write(path: Path, records: list[Any]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", "utf-8")
    return path


def test_load_questions_reads_jsonl_and_skips_blank_lines(tmp_path):
    path = _write(tmp_path / "qa.jsonl", [_q("a", "es"), "", _q("b", "fr", answerable=False)])
    questions = load_questions(path)
    assert [q.id for q in questions] == ["a", "b"]
    assert questions[0].fact_forms() == [("16 a 19 años",)]  # identical alternative collapsed


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "qa.jsonl:2: not valid JSON"),
        (
            json.dumps({**_q("x", "es"), "gold": []}),
            "qa.jsonl:2: record: Value error, an answerable question",
        ),
        (json.dumps({**_q("x", "de")}), "qa.jsonl:2: lang: Input should be 'es', 'fr' or 'en'"),
        (json.dumps({**_q("x", "es"), "key_facts_alt": []}), None),  # no alternatives is allowed
        (
            json.dumps({**_q("x", "es"), "key_facts_alt": ["a", "b"]}),
            "key_facts_alt must be empty or as long",
        ),
        (json.dumps(_q("a", "es")), "qa.jsonl:2: duplicate id 'a'"),
    ],
)
def test_load_questions_names_the_bad_line(tmp_path, line, message):
    path = _write(tmp_path / "qa.jsonl", [_q("a", "es"), line])
    if message is None:
        assert len(load_questions(path)) == 2
        return
    with pytest.raises(AssistantError, match=message.replace("(", r"\(")):
        load_questions(path)


def test_load_questions_missing_or_empty_file(tmp_path):
    with pytest.raises(AssistantError, match="no such question file"):
        load_questions(tmp_path / "none.jsonl")
    with pytest.raises(AssistantError, match="no questions in the file"):
        load_questions(_write(tmp_path / "empty.jsonl", [""]))


def _hit(rank: int, page: int, article: str | None = "Art. 92", cid: str | None = None) -> dict[str, Any]:
    return {"rank": rank, "chunk_id": cid or f"c{page}", "file": LAW, "page_start": page, "page_end": page,
            "article": article, "score": 1.0 / rank, "text": f"página {page}: 16 a 19 años"}  # fmt: skip


QUESTIONS = [
    Question.model_validate(_q("es-1", "es")),
    Question.model_validate(_q("fr-1", "fr", page=3, topic="mining")),
    Question.model_validate(_q("en-0", "en", answerable=False)),
]


def good_search(question: str, k: int) -> list[dict[str, Any]]:
    page = 3 if "fr-1" in question else 2
    return [_hit(1, page), _hit(2, 9)][:k]


def poor_search(question: str, k: int) -> list[dict[str, Any]]:
    return [_hit(1, 9, None), _hit(2, 2)][:k]


def answerer(question: str) -> dict[str, Any]:
    if "en-0" in question:
        return {"answer": "I did not find this information in the indexed documents.", "language": "en",
                "abstained": True, "mode": "extractive", "citations": [], "hits": []}  # fmt: skip
    # fr-1 (gold page 3) gets page 9, which holds no key fact: a valid but imprecise citation
    page = 9 if "fr-1" in question else 2
    hit = {**_hit(1, page), "text": "otro texto"} if page == 9 else _hit(1, page)
    return {"answer": "La pena es de 16 a 19 años [1].", "language": "es", "abstained": False,
            "mode": "extractive", "hits": [hit],
            "citations": [{"n": 1, "chunk_id": f"c{page}", "file": LAW, "page_start": page, "page_end": page,
                           "article": "Art. 92", "quote": "16 a 19 años"}]}  # fmt: skip


def test_run_eval_scores_each_system_and_groups_by_language_and_topic():
    run = run_eval(QUESTIONS, good_search, baseline=poor_search, meta={"dataset_name": "t"})
    product, baseline = run.summary["systems"]["product"], run.summary["systems"]["baseline"]
    assert run.summary["questions"] == 3 and run.summary["answerable"] == 2
    assert product["retrieval"]["all"]["hit@1"] == 1.0 and product["retrieval"]["all"]["article_acc"] == 1.0
    assert baseline["retrieval"]["all"]["hit@1"] == 0.0 and baseline["retrieval"]["all"]["mrr@10"] == 0.25
    assert set(product["retrieval"]["by_lang"]) == {"es", "fr"}  # en has no answerable question
    assert set(product["retrieval"]["by_topic"]) == {"trafficking", "mining"}
    assert product["curve"]["all"][:2] == [1.0, 1.0] and baseline["curve"]["es"][:2] == [0.0, 1.0]
    assert product["answers"] is None  # no answerer: answer metrics are not invented
    unanswerable = run.records[2]
    assert unanswerable.product.retrieval is None and unanswerable.gold == ()
    assert "text" not in run.records[0].product.hits[0]  # records keep references, not passages


def test_run_eval_with_an_answerer_fills_the_answer_metrics():
    run = run_eval(QUESTIONS, good_search, answerer=answerer)
    answers = run.summary["systems"]["product"]["answers"]["all"]
    assert answers["abstention_accuracy"] == 1.0 and answers["false_abstention"] == 0.0
    assert answers["citation_validity"] == 1.0
    assert answers["citation_precision"] == 0.5  # es-1 cites its gold page; fr-1 cites page 9
    assert answers["language_match"] == pytest.approx(2 / 3)  # fr-1 got a Spanish answer
    record = run.records[0].product
    assert record.answer is not None and record.answer["citations"][0]["chunk_id"] == "c2"
    assert record.ask_ms is not None and record.ask_ms >= 0
    assert answers["key_fact_recall"] == 1.0


def test_write_run_writes_records_summary_report_and_chart(tmp_path):
    run = run_eval(QUESTIONS, good_search, baseline=poor_search, meta={"dataset_name": "t.jsonl"})
    paths = write_run(run, tmp_path / "run")
    assert [p.name for p in paths] == ["records.jsonl", "summary.json", "report.md", "hit-at-k.png"]
    lines = paths[0].read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["es-1", "fr-1", "en-0"]
    assert paths[3].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = paths[2].read_text("utf-8")
    assert "| product · all | 2 | 100% | 100% | 100% | 1.000 | 100% | 1.000 | 100% |" in report
    assert "| baseline · all | 2 | 0% | 50% | 50% |" in report
    assert "Not run: no answerer in this run." in report
    assert "None: every gold page first." in report


def test_compare_lists_metric_changes_and_questions_that_got_worse(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    write_run(run_eval(QUESTIONS, good_search), a)
    write_run(run_eval(QUESTIONS, poor_search), b)
    (summary_a, records_a), (summary_b, records_b) = load_run(a), load_run(b)
    diff = {m: (x, y) for m, x, y in metric_diff(summary_a, summary_b)}
    assert diff["retrieval.all.hit@1"] == (1.0, 0.0)
    assert not any(m.startswith("curve") for m in diff)
    worse = regressions(records_a, records_b)
    assert [(r.id, r.what) for r in worse] == [("es-1", "rank 1 -> 2"), ("fr-1", "rank 1 -> >10")]
    assert regressions(records_b, records_a) == []


def test_load_run_rejects_a_folder_that_is_not_a_run(tmp_path):
    with pytest.raises(AssistantError, match="not an evaluation run"):
        load_run(tmp_path)


def test_gate_passes_at_the_minimum_and_names_each_failure():
    summary = run_eval(QUESTIONS, poor_search).summary
    ok = {"systems.product.retrieval.all.hit@5": 0.5, "systems.product.retrieval.all.mrr@10": 0.25}
    assert check_gate(summary, ok) == []
    failures = check_gate(summary, {**ok, "systems.product.retrieval.all.hit@1": 0.8, "systems.x.y": 0.1})
    assert failures == [
        "systems.product.retrieval.all.hit@1 = 0.000, below the recorded minimum 0.800",
        "systems.x.y: not in this run's summary (is the threshold file for this dataset?)",
    ]


def test_records_keep_the_keys_of_every_run_so_far_and_load_back_equal(tmp_path):
    run = run_eval(QUESTIONS, good_search, answerer=answerer, baseline=poor_search)
    write_run(run, tmp_path / "run")
    lines = [
        json.loads(line) for line in (tmp_path / "run" / "records.jsonl").read_text("utf-8").splitlines()
    ]
    assert list(lines[0]) == ["id", "lang", "topic", "answerable", "question", "gold", "product", "baseline"]
    product = lines[0]["product"]
    assert list(product) == ["hits", "search_ms", "retrieval", "answer", "answer_scores", "ask_ms"]
    assert list(product["retrieval"]) == ["rank", "recall@10", "ndcg@10", "article_ok"]
    assert list(product["answer_scores"]) == [
        "abstained", "key_fact_recall", "citations", "citations_valid", "citations_precise", "sentences",
        "sentences_supported", "language_ok",
    ]  # fmt: skip
    assert list(lines[0]["baseline"]) == ["hits", "search_ms", "retrieval"]  # the baseline is not asked
    assert lines[2]["product"]["retrieval"] is None  # unanswerable: kept, as null
    _, records = load_run(tmp_path / "run")
    assert list(records.values()) == run.records
    assert [to_json(r) for r in run.records] == lines


def test_run_without_a_baseline_writes_no_baseline_key(tmp_path):
    run = run_eval(QUESTIONS, good_search)
    assert "baseline" not in to_json(run.records[0]) and "answer" not in to_json(run.records[0])["product"]
    assert QuestionRecord.from_json(to_json(run.records[0])) == run.records[0]


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in RESULTS.glob("*/records.jsonl")))
def test_committed_run_folders_load_and_write_back_unchanged(folder):
    summary, records = load_run(RESULTS / folder)
    lines = (RESULTS / folder / "records.jsonl").read_text("utf-8").splitlines()
    assert [json.dumps(to_json(r), ensure_ascii=False) for r in records.values()] == lines
    report = markdown(summary, list(records.values()), "hit-at-k.png")
    assert report == (RESULTS / folder / "report.md").read_text("utf-8")


def _metric_tables(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    tables = []
    for result in summary["systems"].values():
        retrieval = result["retrieval"]
        tables += [("retrieval", t) for t in [retrieval["all"], *retrieval["by_lang"].values()]]
        tables += [("retrieval", t) for t in retrieval["by_topic"].values()]
        tables += [("retrieval", t) for t in retrieval.get("by_type", {}).values()]
        answers = result.get("answers") or {}
        tables += [
            ("answers", t) for t in [answers.get("all", {}), *answers.get("by_lang", {}).values()] if t
        ]
        tables += [("answers", t) for t in answers.get("by_type", {}).values()]
        tables += [("latency", result[k]) for k in ("search_latency", "ask_latency") if k in result]
    return tables


def test_metric_names_cover_every_key_of_the_summary_in_order():
    summaries = [run_eval(QUESTIONS, good_search, answerer=answerer, baseline=poor_search).summary]
    summaries += [json.loads(p.read_text("utf-8")) for p in sorted(RESULTS.glob("*/summary.json"))]
    order = {"retrieval": RETRIEVAL_METRICS, "answers": ANSWER_METRICS, "latency": LATENCY_METRICS}
    for summary in summaries:
        for kind, table in _metric_tables(summary):
            assert tuple(table) == order[kind]
    written = set(RETRIEVAL_METRICS) | set(ANSWER_METRICS) | set(LATENCY_METRICS)
    assert written == set(Metric) - {Metric.MAX_MS}  # the benchmarks' maximum is not in summary.json


def test_metric_rows_for_the_app():
    summary = run_eval(QUESTIONS, good_search, answerer=answerer, baseline=poor_search).summary
    rows = metric_rows(summary)
    assert rows[:2] == [["product · n", 2], ["product · hit@1", 1.0]]
    assert ["product · answers · abstention_accuracy", 1.0] in rows
    assert ["baseline · article_acc", None] in rows
    assert len(rows) == 2 * len(RETRIEVAL_METRICS) + len(ANSWER_METRICS)  # the baseline is not asked


def test_worst_lists_misses_first_with_the_depth_named():
    run = run_eval(QUESTIONS, poor_search)
    lines = worst(run.records)
    assert lines[0].startswith("- `fr-1` rank >10 — pregunta fr-1") and lines[1].startswith("- `es-1` rank 2")


def test_questions_with_a_type_get_every_metric_by_type(tmp_path):
    typed = [
        {**_q("es-1", "es"), "type": "exam"},
        {**_q("fr-1", "fr", page=3, topic="mining"), "type": "scenario"},
        {**_q("en-0", "en", answerable=False), "type": "unanswerable"},
    ]
    questions = load_questions(_write(tmp_path / "typed.jsonl", typed))
    run = run_eval(questions, good_search, answerer=answerer, baseline=poor_search)
    product = run.summary["systems"]["product"]
    assert set(product["retrieval"]["by_type"]) == {"exam", "scenario"}  # retrieval: answerable ones only
    assert product["retrieval"]["by_type"]["exam"]["n"] == 1
    assert set(product["answers"]["by_type"]) == {"exam", "scenario", "unanswerable"}
    assert product["answers"]["by_type"]["unanswerable"]["abstention_accuracy"] == 1.0
    assert set(run.summary["systems"]["baseline"]["retrieval"]["by_type"]) == {"exam", "scenario"}
    assert [r.type for r in run.records] == ["exam", "scenario", "unanswerable"]
    write_run(run, tmp_path / "run")
    assert "### Per type" in (tmp_path / "run" / "report.md").read_text("utf-8")
    line = json.loads((tmp_path / "run" / "records.jsonl").read_text("utf-8").splitlines()[0])
    assert line["type"] == "exam"
    untyped = run_eval(QUESTIONS, good_search)
    assert "by_type" not in untyped.summary["systems"]["product"]["retrieval"]
