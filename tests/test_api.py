"""The JSON API's HTTP statuses through its real routes (FastAPI's TestClient, hash-embedder index): every
kind of failure in `ui.api.HTTP_STATUS` gets its status and the error's one-line message as detail; a
successful answer and upload have the shapes of `assistant.contract`.

DocumentError (400) cannot be reached through a route: one bad file in an upload is that file's
'failed' report in a 200 response, as in a batch (test_a_file_that_cannot_be_ingested_...). A plain
InvalidInputError is reached as its subclass InvalidQuestionError; an AssistantError with no mapping
(500) only through `http_error` itself."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.answer.ask import ask
from assistant.contract import answer_json, upload_json
from assistant.errors import (
    AssistantError,
    DocumentError,
    IndexMissingError,
    InvalidInputError,
    ModelError,
    SettingsError,
    StoreUnavailableError,
    WriterBusyError,
)
from assistant.index import Index
from assistant.index.write import ingest_paths
from assistant.settings import MAX_QUESTION_CHARS
from assistant.testing import FakeChat, free_port, hash_settings
from assistant.types import FileReport
from assistant.ui.api import HTTP_STATUS, add_api, http_error
from tests import pdfs
from tests.locks import write_lock_held

QUESTION = "¿Qué pena tiene el delito de trata de personas?"


def client_for(index: Index, chat: Any = None, auth: tuple[str, str] | None = None) -> TestClient:
    api = FastAPI()
    add_api(api, index, chat, auth)
    return TestClient(api)


def message_of(call: Callable[[], object]) -> str:
    """The one-line message of the AssistantError that the same call raises outside the API."""
    with pytest.raises(AssistantError) as raised:
        call()
    message = str(raised.value)
    assert "\n" not in message
    return message


def assert_error(response: Any, status: int, message: str) -> None:
    assert (response.status_code, response.json()) == (status, {"detail": message})


class BrokenChat(FakeChat):
    """A chat model whose server does not answer."""

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("connection refused by 127.0.0.1:11434")

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        raise ConnectionError("connection refused by 127.0.0.1:11434")


@pytest.fixture
def ingested(index: Index, law) -> Index:
    ingest_paths(index, [law], progress=False)
    return index


# Each status below is reached through a route by a test of this file (DocumentError: see the docstring).
TESTED = {InvalidInputError: 400, DocumentError: 400, IndexMissingError: 404, WriterBusyError: 409,
          ModelError: 502, StoreUnavailableError: 503}  # fmt: skip


def test_every_kind_of_failure_has_its_status():
    assert HTTP_STATUS == TESTED
    error = http_error(SettingsError("ASSISTANT_X is not a number; set a number."))  # no mapping: 500
    assert (error.status_code, error.detail) == (500, "ASSISTANT_X is not a number; set a number.")


def test_an_answer_has_the_answer_json_shape(ingested):
    response = client_for(ingested).post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200
    expected = json.loads(json.dumps(answer_json(ask(ingested, QUESTION)), ensure_ascii=False))
    assert response.json() == expected
    assert "dieciséis a diecinueve años" in expected["answer"] and expected["citations"]


@pytest.mark.parametrize("question", ["", "   ", "x" * (MAX_QUESTION_CHARS + 1)])
def test_an_empty_or_too_long_question_is_a_400(ingested, question):
    response = client_for(ingested).post("/api/ask", json={"question": question})
    assert_error(response, 400, message_of(lambda: ask(ingested, question)))


def test_a_question_of_the_longest_length_is_answered(ingested):
    question = (QUESTION + " ") * (MAX_QUESTION_CHARS // (len(QUESTION) + 1))
    assert len(question.strip()) <= MAX_QUESTION_CHARS
    assert client_for(ingested).post("/api/ask", json={"question": question}).status_code == 200


def test_asking_an_empty_index_is_a_404(index):
    response = client_for(index).post("/api/ask", json={"question": QUESTION})
    assert_error(response, 404, str(IndexMissingError(index.root)))
    assert response.json()["detail"].endswith("run 'assistant ingest corpus/' first.")


def test_an_upload_has_the_upload_json_shape_and_is_listed(index, tmp_path):
    data = pdfs.report_pdf(tmp_path / "informe.pdf").read_bytes()
    client = client_for(index)
    response = client.post("/api/ingest", params={"name": "../../informe de misión.pdf"}, content=data)
    assert response.status_code == 200
    [report] = response.json()
    assert (
        set(report) == set(upload_json(FileReport("x", "ingested"))) == {"file", "status", "chunks", "error"}
    )
    assert report["file"] == "informe de misión.pdf"  # the directory part is dropped
    assert report["status"] == "ingested" and report["chunks"] > 0 and report["error"] in ("", None)
    assert [d["file"] for d in client.get("/api/documents").json()] == [report["file"]]


def test_an_upload_while_another_process_writes_the_index_is_a_409(index, tmp_path):
    data = pdfs.report_pdf(tmp_path / "informe.pdf").read_bytes()
    client = client_for(index)
    with write_lock_held(index.root):
        response = client.post("/api/ingest", params={"name": "informe.pdf"}, content=data)
        expected = message_of(lambda: ingest_paths(index, [tmp_path / "informe.pdf"], progress=False))
        assert_error(response, 409, expected)
        assert expected.startswith(f"process 4242 is writing to the index at {index.root}; wait until")
    retry = client.post("/api/ingest", params={"name": "informe.pdf"}, content=data)
    assert retry.status_code == 200 and retry.json()[0]["status"] == "ingested"  # the lock died with it


@pytest.fixture
def unreachable_server(tmp_path) -> Index:
    """Settings that point at a Chroma server nothing runs."""
    return Index(hash_settings(tmp_path / "index", chroma_host="127.0.0.1", chroma_port=free_port()))


def test_asking_without_the_chroma_server_is_a_503(unreachable_server):
    index = unreachable_server
    response = client_for(index).post("/api/ask", json={"question": QUESTION})
    expected = message_of(lambda: ask(Index(index.settings), QUESTION))
    assert_error(response, 503, expected)
    assert expected.startswith(f"no Chroma server answers at 127.0.0.1:{index.settings.chroma_port} (")


def test_uploading_without_the_chroma_server_is_a_503(unreachable_server, law):
    index = unreachable_server
    response = client_for(index).post("/api/ingest", params={"name": law.name}, content=law.read_bytes())
    expected = message_of(lambda: ingest_paths(Index(index.settings), [law], progress=False))
    assert_error(response, 503, expected)
    assert expected.startswith("no Chroma server answers at 127.0.0.1:")


def test_a_failing_chat_model_is_a_502(ingested):
    response = client_for(ingested, BrokenChat(replies=["-"])).post("/api/ask", json={"question": QUESTION})
    expected = message_of(lambda: ask(ingested, QUESTION, chat=BrokenChat(replies=["-"])))
    assert_error(response, 502, expected)
    assert expected.startswith("the chat model fake:fake failed (ConnectionError: connection refused by")


def test_a_file_that_cannot_be_ingested_is_its_failed_report_not_an_error_status(index):
    bad = b"%PDF-1.4 not a complete PDF"
    response = client_for(index).post("/api/ingest", params={"name": "roto.pdf"}, content=bad)
    assert response.status_code == 200
    [report] = response.json()
    assert report["file"] == "roto.pdf" and report["status"] == "failed"
    assert report["error"].startswith("roto.pdf: ") and "\n" not in report["error"]


def test_every_route_asks_for_the_login_when_one_is_set(ingested):
    client = client_for(ingested, auth=("ana", "s3cret"))
    assert client.get("/api/documents").status_code == 401
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 401
    assert client.post("/api/ingest", params={"name": "x.pdf"}, content=b"%PDF").status_code == 401
    assert client.get("/api/documents", auth=("ana", "wrong")).status_code == 401
    assert client.get("/api/documents", auth=("ana", "s3cret")).status_code == 200
