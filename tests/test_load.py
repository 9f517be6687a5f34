"""16 concurrent clients ask through the app's JSON API while a document is ingested through it: no
request fails, every answer is cited or an abstention, the new document lands, and the index is
consistent afterwards (the load driver is scripts/bench_load.py; here with hash vectors and a bound)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests import pdfs

pytestmark = pytest.mark.load  # selected by -m load; the default run includes it
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_load.py"
QUESTIONS = [
    "¿Qué pena tiene el delito de trata de personas?",
    "Quelle est la peine pour la traite des personnes ?",
    "What reparation does the victim receive?",
    "¿Qué se recomienda sobre el monitoreo comunitario?",
]


def _driver():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_load", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_sixteen_clients_during_an_ingest_get_cited_answers_and_the_index_stays_whole(tmp_path):
    driver = _driver()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdfs.law_pdf(corpus / "ley-prueba.pdf")
    upload = pdfs.report_pdf(tmp_path / "informe-nuevo.pdf")
    index_dir = tmp_path / "index"
    process, url = driver.start_server(index_dir, corpus, "hash", tmp_path / "serve.log")
    try:
        result = driver.run_load(
            url, QUESTIONS, upload, clients=16, per_client=3, max_requests=200, timeout=300
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] >= 48 and result["uncited_answers"] == 0
    assert result["ingest"]["reports"][0]["status"] == "ingested", json.dumps(result["ingest"])
    check = driver.check_index(index_dir, "hash")
    assert check["consistent"] and check["documents"] == 2


def test_the_api_refuses_empty_and_huge_questions_and_neutralises_upload_names(tmp_path):
    driver = _driver()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdfs.law_pdf(corpus / "ley-prueba.pdf")
    process, url = driver.start_server(tmp_path / "index", corpus, "hash", tmp_path / "serve.log")
    try:
        for question, reason in (("   ", "The question is empty"), ("trata " * 1000, "characters long")):
            with pytest.raises(driver.urllib.error.HTTPError) as refused:
                driver.post(
                    f"{url}/api/ask", json.dumps({"question": question}).encode(), "application/json", 30
                )
            assert refused.value.code == 400 and reason in refused.value.read().decode()
        upload = pdfs.report_pdf(tmp_path / "informe.pdf").read_bytes()
        reports = driver.post(
            f"{url}/api/ingest?name=../../../etc/informe.pdf", upload, "application/pdf", 60
        )
        assert reports[0]["file"] == "informe.pdf" and reports[0]["status"] == "ingested"
        assert (tmp_path / "index" / "uploads" / "informe.pdf").is_file()
        assert not Path("/etc/informe.pdf").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
