"""LLMSettings -> a LangChain chat model, or None for extractive answers.

Ollama (probed on the loopback address when `backend` is 'auto'), any OpenAI-compatible server, or a
local GGUF through llama-cpp-python. Integrations are imported lazily; a missing one says what to
install. The API key is read from a SecretStr at the last moment and never logged."""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.errors import AssistantError, DependencyMissingError, ModelError, SettingsError
from assistant.settings import LOOPBACK_HOSTS, LLMSettings

log = logging.getLogger(__name__)


def chat_model(settings: LLMSettings) -> BaseChatModel | None:
    """The configured chat model; None means extractive answers."""
    backend = settings.backend
    if backend == "none":
        return None
    if backend == "auto":
        model = ollama_model(settings)
        return None if model is None else _ollama(settings, model)
    if backend == "ollama":
        return _ollama(settings, settings.model or ollama_model(settings) or "")
    if backend == "openai":
        return _openai(settings)
    return LlamaCppChat.from_path(settings.gguf_path, settings)


def ollama_model(settings: LLMSettings) -> str | None:
    """The model to use from a running Ollama on the loopback address (settings.model, else the first it
    lists); None when nothing answers within half a second. Never probes another host."""
    if (urlparse(settings.ollama_url).hostname or "") not in LOOPBACK_HOSTS:
        return None  # an explicit remote Ollama needs ASSISTANT_LLM__MODEL; nothing is probed off-machine
    try:
        with urllib.request.urlopen(settings.ollama_url.rstrip("/") + "/api/tags", timeout=0.5) as reply:
            names = [m["name"] for m in json.load(reply).get("models", [])]
    except (OSError, ValueError, KeyError):
        return None
    if settings.model:
        return settings.model if settings.model in names or not names else None
    return names[0] if names else None


def _ollama(settings: LLMSettings, model: str) -> BaseChatModel:
    if not model:
        raise SettingsError(
            "Ollama has no model; pull one (`ollama pull qwen2.5:7b`) or set ASSISTANT_LLM__MODEL."
        )
    try:
        from langchain_ollama import ChatOllama
    except ImportError as exc:
        raise DependencyMissingError("the Ollama backend", "pip install -e '.[llm]'") from exc
    return ChatOllama(
        model=model,
        base_url=settings.ollama_url,
        temperature=settings.temperature,
        num_predict=settings.max_tokens,
        num_ctx=settings.context_tokens,  # Ollama's default is smaller; it truncates a longer prompt silently
        client_kwargs={"timeout": settings.timeout},
    )


def _openai(settings: LLMSettings) -> BaseChatModel:
    if not settings.base_url or not settings.model:
        raise SettingsError("the 'openai' backend needs ASSISTANT_LLM__BASE_URL and ASSISTANT_LLM__MODEL.")
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise DependencyMissingError("the OpenAI-compatible backend", "pip install -e '.[llm]'") from exc
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key if settings.api_key.get_secret_value() else None,
        temperature=settings.temperature,
        max_completion_tokens=settings.max_tokens,
        timeout=settings.timeout,
        max_retries=1,
    )


def _role(message: BaseMessage) -> str:
    return {"system": "system", "human": "user", "ai": "assistant"}.get(message.type, "user")


class LlamaCppChat(BaseChatModel):
    """A local GGUF model (llama-cpp-python) as a LangChain chat model, with streaming."""

    llama: Any
    temperature: float
    max_tokens: int

    @classmethod
    def from_path(cls, path: str, settings: LLMSettings) -> LlamaCppChat:
        if not path:
            raise SettingsError("the 'llamacpp' backend needs ASSISTANT_LLM__GGUF_PATH (a .gguf file).")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise DependencyMissingError("the llama.cpp backend", "pip install -e '.[llamacpp]'") from exc
        llama = Llama(model_path=path, n_ctx=settings.context_tokens, verbose=False)
        return cls(llama=llama, temperature=settings.temperature, max_tokens=settings.max_tokens)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _request(self, messages: list[BaseMessage]) -> dict[str, Any]:
        return {
            "messages": [{"role": _role(m), "content": str(m.content)} for m in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply = self.llama.create_chat_completion(**self._request(messages), stop=stop)
        text = reply["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for part in self.llama.create_chat_completion(**self._request(messages), stop=stop, stream=True):
            delta = part["choices"][0].get("delta", {}).get("content")
            if delta:
                yield ChatGenerationChunk(message=AIMessageChunk(content=delta))


def model_name(model: BaseChatModel) -> str:
    """'ollama:qwen2.5:7b', 'openai:mistral-small', 'llama-cpp:model.gguf', or the class name."""
    name = getattr(model, "model", None) or getattr(model, "model_name", None) or type(model).__name__
    return f"{model._llm_type}:{name}"


@contextmanager
def model_errors(chat: BaseChatModel) -> Iterator[None]:
    """A chat model that cannot be reached or fails becomes one clear error that says what to do (its
    text is the client's message, which carries the URL but never the API key)."""
    try:
        yield
    except AssistantError:
        raise
    except Exception as exc:
        log.debug("chat model call failed", exc_info=True)
        raise ModelError(
            f"the chat model {model_name(chat)} failed ({type(exc).__name__}: {exc}); check that it is "
            "running and reachable, or answer without it (--extractive, or ASSISTANT_LLM__BACKEND=none)"
        ) from exc
