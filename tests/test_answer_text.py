"""Splitting passages into quotable units and answers into sentences; citation markers."""

from __future__ import annotations

import pytest

from assistant.answer.evidence import Terms, number_stems
from assistant.answer.extractive import join_quotes
from assistant.answer.numbers import spanish_words
from assistant.answer.text import citation_numbers, split_sentences, split_units, strip_citations

ART_92 = (
    "Art. 92.- Sanción para el delito de trata de personas.- La trata de personas será sancionada: "
    "1. Con pena privativa de libertad de dieciséis a diecinueve años. 2. Con pena privativa de libertad "
    "de diecinueve a veintidós años, si la víctima pertenece a un grupo de atención prioritaria. "
    "Véase el Art. 77 de este Código. Nota: texto."
)


def test_units_keep_the_heading_with_its_sentence_and_split_numbered_items():
    assert split_units(ART_92) == [
        "Art. 92.- Sanción para el delito de trata de personas.- La trata de personas será sancionada:",
        "1. Con pena privativa de libertad de dieciséis a diecinueve años.",
        "2. Con pena privativa de libertad de diecinueve a veintidós años, si la víctima pertenece a un "
        "grupo de atención prioritaria.",
        "Véase el Art. 77 de este Código.",
        "Nota: texto.",
    ]


def test_units_follow_paragraphs_and_cut_very_long_sentences_at_a_comma():
    long = "Primera parte, " * 60 + "fin."
    units = split_units(f"Uno.\nDos tres.\n{long}")
    assert units[:2] == ["Uno.", "Dos tres."]
    assert all(len(u) <= 600 for u in units[2:]) and "".join(units[2:]).replace(" ", "") == long.replace(
        " ", ""
    )


def test_sentences_keep_citations_that_follow_the_period():
    text = "La pena es de 16 a 19 años. [1] Según el Art. 92 del COIP, se agrava [2][3]. Fin."
    assert split_sentences(text) == [
        "La pena es de 16 a 19 años [1].",
        "Según el Art. 92 del COIP, se agrava [2][3].",
        "Fin.",
    ]
    assert citation_numbers("a [2] b [1] c [2]") == (2, 1)
    assert strip_citations("a [2] b [10].") == "a b ."


def test_shared_lead_in_is_written_once():
    lead = "La trata de personas será sancionada:"
    quotes = [f"{lead} 1. Con pena de dieciséis años.", f"{lead} […] 3. Con pena de veintidós años.", "Otra."]
    assert (
        join_quotes(quotes)
        == f"{lead} 1. Con pena de dieciséis años. … 3. Con pena de veintidós años. … Otra."
    )


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "cero"), (16, "dieciséis"), (35, "treinta y cinco"), (100, "cien"), (101, "ciento uno"),
     (200, "doscientos"), (1500, "mil quinientos"), (21000, "veintiun mil"), (200000, "doscientos mil")],
)  # fmt: skip
def test_spanish_number_words(n, words):
    assert spanish_words(n) == words


def test_a_number_in_digits_matches_the_law_written_in_words():
    assert number_stems("200") == {"doscient"} and number_stems("abc") == frozenset()
    terms = Terms({"16": 1.0, "anos": 1.0}, {})
    assert terms.coverage({"dieciseis", "diecinuev", "anos"}) == 1.0
    assert terms.coverage({"diecinuev", "anos"}) == 0.5


def test_bulleted_items_keep_their_lead_in():
    from assistant.answer.evidence import _with_lead_in

    units = [
        "El artículo 92 fija cuatro escalas de pena:",
        "• de dieciséis a diecinueve años;",
        "• de diecinueve a veintidós años;",
    ]
    assert (
        _with_lead_in(units, 1)
        == "El artículo 92 fija cuatro escalas de pena: • de dieciséis a diecinueve años;"
    )
    assert (
        _with_lead_in(units, 2)
        == "El artículo 92 fija cuatro escalas de pena: […] • de diecinueve a veintidós años;"
    )
