"""Choosing the chat model from settings: extractive by default, Ollama only on the loopback address,
clear errors for incomplete settings; the llama.cpp adapter speaks LangChain and streams."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.answer.models import LlamaCppChat, chat_model, model_name, ollama_model
from assistant.errors import SettingsError
from assistant.settings import LLMSettings
from assistant.testing import free_port


def test_none_is_extractive_and_auto_without_ollama_is_extractive():
    assert chat_model(LLMSettings(backend="none")) is None
    assert chat_model(LLMSettings(backend="auto", ollama_url=f"http://127.0.0.1:{free_port()}")) is None


def test_auto_never_probes_another_host(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no request may leave this machine")

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    assert ollama_model(LLMSettings(backend="auto", ollama_url="http://192.0.2.10:11434")) is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (LLMSettings(backend="openai"), "needs ASSISTANT_LLM__BASE_URL and ASSISTANT_LLM__MODEL"),
        (LLMSettings(backend="llamacpp"), "needs ASSISTANT_LLM__GGUF_PATH"),
    ],
)
def test_incomplete_settings_say_what_to_set(settings, message):
    with pytest.raises(SettingsError, match=message):
        chat_model(settings)


def test_openai_compatible_backend_is_built_without_calling_it():
    pytest.importorskip("langchain_openai", reason="the llm extra is not installed")
    model = chat_model(
        LLMSettings(backend="openai", base_url="http://127.0.0.1:9/v1", model="mistral", api_key="sk-x")
    )
    assert model is not None and model_name(model) == "openai-chat:mistral"
    assert "sk-x" not in repr(model) and "sk-x" not in str(LLMSettings(api_key="sk-x"))


class StubLlama:
    """Stands in for llama_cpp.Llama (no GGUF model can be downloaded here): records the request."""

    def __init__(self) -> None:
        self.requests: list[dict] = []

    def create_chat_completion(self, **request):
        self.requests.append(request)
        if request.get("stream"):
            return iter([{"choices": [{"delta": {"content": p}}]} for p in ("Dieciséis ", "años [1].")])
        return {"choices": [{"message": {"content": "Dieciséis años [1]."}}]}


def test_llama_cpp_adapter_maps_roles_and_streams():
    llama = StubLlama()
    chat = LlamaCppChat(llama=llama, temperature=0.0, max_tokens=50)
    messages = [SystemMessage("reglas"), HumanMessage("pregunta")]
    assert chat.invoke(messages).content == "Dieciséis años [1]."
    assert "".join(str(c.content) for c in chat.stream(messages)) == "Dieciséis años [1]."
    assert llama.requests[0]["messages"] == [
        {"role": "system", "content": "reglas"},
        {"role": "user", "content": "pregunta"},
    ]
    assert llama.requests[1]["stream"] is True and llama.requests[0]["max_tokens"] == 50
