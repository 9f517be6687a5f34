"""An API key never shows: not in the CLI's output or errors, not in its logs (even at DEBUG), not in
an evaluation run's files — whether the OpenAI-compatible server is down or answers. The server here is
a small local stand-in (no generative model can run on this machine) that records the key it receives,
so the test also shows the key was really used."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from assistant.cli import main
from assistant.testing import hash_environment

SECRET = "sk-test-7Hq2vX9LmP4rT8wZ"
REPLY = (
    "La trata de personas será sancionada con pena privativa de libertad de dieciséis a diecinueve años [1]."
)


class OpenAIStandIn(BaseHTTPRequestHandler):
    """POST /v1/chat/completions: a fixed cited reply, streamed or whole; remembers the Authorization."""

    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        OpenAIStandIn.seen.append(self.headers.get("Authorization", ""))
        message = {"role": "assistant", "content": REPLY}
        base = {"id": "x", "created": 0, "model": body["model"]}
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            chunk = {**base, "object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": message, "finish_reason": "stop"}]}  # fmt: skip
            self.wfile.write(f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode())
            return
        data = {**base, "object": "chat.completion",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}  # fmt: skip
        payload = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), OpenAIStandIn)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    OpenAIStandIn.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


@pytest.fixture
def env(monkeypatch, tmp_path, law):  # type: ignore[no-untyped-def]
    for name, value in hash_environment(tmp_path / "index").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "openai")
    monkeypatch.setenv("ASSISTANT_LLM__MODEL", "stand-in")
    monkeypatch.setenv("ASSISTANT_LLM__API_KEY", SECRET)
    assert main(["ingest", str(law), "--no-progress"]) == 0
    return monkeypatch


def _everything(capsys, caplog, folder: Path | None = None) -> str:  # type: ignore[no-untyped-def]
    out = capsys.readouterr()
    files = [p.read_text("utf-8", "replace") for p in folder.rglob("*") if p.is_file()] if folder else []
    return "\n".join([out.out, out.err, caplog.text, *files])


def test_the_key_is_used_but_never_shown_by_ask_or_eval(env, server, tmp_path, capsys, caplog):
    env.setenv("ASSISTANT_LLM__BASE_URL", server)
    caplog.set_level(logging.DEBUG)
    assert main(["ask", "¿Qué pena tiene la trata de personas?", "--json", "-v"]) == 0
    questions = tmp_path / "qa.jsonl"
    question = {"id": "q1", "question": "¿Qué pena tiene la trata de personas?", "lang": "es",
                "answerable": True, "gold": [{"file": "ley-prueba.pdf", "page": 2}]}  # fmt: skip
    questions.write_text(json.dumps(question, ensure_ascii=False) + "\n", "utf-8")
    assert main(["eval", str(questions), "--no-baseline", "--out", str(tmp_path / "run"), "-v"]) == 0
    assert OpenAIStandIn.seen and all(h == f"Bearer {SECRET}" for h in OpenAIStandIn.seen)
    everything = _everything(capsys, caplog, tmp_path / "run")
    assert "stand-in" in everything and SECRET not in everything


def test_the_key_is_not_in_the_error_when_the_server_is_down(env, capsys, caplog):
    env.setenv("ASSISTANT_LLM__BASE_URL", "http://127.0.0.1:9/v1")  # discard port: nothing listens
    caplog.set_level(logging.DEBUG)
    assert main(["ask", "¿Qué pena tiene la trata de personas?", "-v"]) == 6  # ModelError
    everything = _everything(capsys, caplog)
    assert (
        "error: the chat model openai-chat:stand-in failed (" in everything and "--extractive" in everything
    )
    assert SECRET not in everything


def test_settings_never_print_the_key(env):
    from assistant.settings import Settings

    settings = Settings()
    assert settings.llm.api_key.get_secret_value() == SECRET
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert SECRET not in shown
