"""Legal facts read from quotes (assistant.answer.facts) and the answer's lead that states them in the
question's language (assistant.answer.lead); quote ranking by the question's subject."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answer.evidence import Terms, select_quotes
from assistant.answer.facts import asked_kinds, extract, numbers_in
from assistant.answer.lead import lead_lines
from assistant.answer.numbers import spanish_words
from assistant.language import tokenize
from assistant.types import Chunk, Hit, LegalFact

ART_92 = (
    "Art. 92.- Sanción para el delito de trata de personas.- La trata de personas será sancionada: "
    "1. Con pena privativa de libertad de dieciséis a diecinueve años. "
    "2. Con pena privativa de libertad de diecinueve a veintidós años, si la infracción recae en personas "
    "de uno de los grupos de atención prioritaria. "
    "3. Con pena privativa de libertad de veintiséis a treinta años, si por motivo de la trata de personas "
    "se produce la muerte de la víctima."
)
FINE = (
    "Art. 94.- Sanción.- Será sancionada con pena privativa de libertad de diez a trece años y multa de "
    "trescientos a seiscientos salarios básicos unificados del trabajador en general."
)
DEADLINE = "Art. 60.- Término para accionar.- El término para interponer la acción será de veinte días."
REPEALED = "Art. 190.- Será reprimido con reclusión mayor extraordinaria de doce a dieciséis años el que..."


def _hit(text: str, rank: int = 1, article: str | None = "Art. 92", file: str = "coip.pdf") -> Hit:
    chunk = Chunk(f"c{rank}{len(text)}", "d", file, "CÓDIGO ORGÁNICO INTEGRAL PENAL", "law", "es", 38, 38,
                  article, "", text)  # fmt: skip
    return Hit(rank, 1.0 / rank, chunk)


def _lead(
    text: str, question: str, language: str, repealed: bool = False
) -> tuple[list[str], list[LegalFact]]:
    facts = extract(text, _hit(text), repealed)
    return lead_lines([(f, 1, text) for f in facts], question, language)


def test_a_penalty_with_one_numeral_is_stated_in_each_language():
    text = "Art. 91.- Será sancionada con pena privativa de libertad de dieciséis a diecinueve años."
    assert (
        _lead(text, "¿Qué pena tiene?", "es")[0][1]
        == "- Pena: 16 a 19 años de pena privativa de libertad — art. 92 [1]"
    )
    assert (
        _lead(text, "Quelle peine ?", "fr")[0][1]
        == "- Peine : 16 à 19 ans de privation de liberté — art. 92 [1]"
    )
    assert (
        _lead(text, "What penalty?", "en")[0][1] == "- Penalty: 16 to 19 years of imprisonment — art. 92 [1]"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "- Pena: 19 a 22 años de pena privativa de libertad, si la infracción recae en personas de "
               "uno de los grupos de atención prioritaria — art. 92, num. 2 [1]"),
        ("en", "- Penalty: 19 to 22 years of imprisonment, «si la infracción recae en personas de uno de los "
               "grupos de atención prioritaria» — art. 92, item 2 [1]"),
    ],
)  # fmt: skip
def test_a_penalty_among_several_numerals_says_its_condition_and_item(language: str, expected: str):
    lines, facts = _lead(ART_92, "penalty pena", language)
    assert [(f.low, f.high, f.item) for f in facts] == [(16, 19, "1"), (19, 22, "2"), (26, 30, "3")]
    assert facts[0].condition == ""
    assert lines[2] == expected  # without a translator the condition stays Spanish, in quotation marks


def test_the_condition_is_translated_when_a_translator_is_given():
    facts = extract(ART_92, _hit(ART_92))
    lines, _ = lead_lines(
        [(f, 1, ART_92) for f in facts], "quelle peine ?", "fr", lambda s: "Si la victime meurt"
    )
    assert lines[3].startswith(
        "- Peine : 26 à 30 ans de privation de liberté, si la victime meurt — art. 92, num. 3"
    )


def test_a_fine_is_stated_with_the_penalty_and_the_asked_kind_leads():
    lines, facts = _lead(FINE, "Quelle amende ?", "fr")
    assert [f.kind for f in facts] == ["fine", "penalty"]
    assert lines[1] == "- Amende : 300 à 600 salaires de base unifiés (SBU) — art. 92 [1]"
    assert (
        _lead(FINE, "What fine?", "en")[0][1]
        == "- Fine: 300 to 600 unified basic salaries (SBU) — art. 92 [1]"
    )


def test_a_time_limit_is_stated():
    lines, facts = _lead(DEADLINE, "How long do I have?", "en")
    assert (facts[0].kind, facts[0].high) == ("time_limit", 20)
    assert lines[1] == "- Time limit: 20 days — art. 92 [1]"
    assert _lead(DEADLINE, "¿Cuál es el plazo?", "es")[0][1] == "- Plazo: 20 días — art. 92 [1]"
    working = "La apelación se interpondrá en el término de tres días hábiles."
    assert _lead(working, "délai ?", "fr")[0][1].startswith("- Délai : 3 jours ouvrables")


def test_a_repealed_laws_penalty_is_labelled_as_repealed():
    lines, facts = _lead(REPEALED, "Quelle peine prévoyait l'ancien code ?", "fr", repealed=True)
    assert facts[0].repealed and facts[0].measure == "reclusión mayor extraordinaria"
    assert lines[1] == "- Peine : 12 à 16 ans de réclusion — art. 92 [1] (loi abrogée)"
    assert _lead(REPEALED, "What penalty?", "en", repealed=True)[0][1].endswith("(repealed law)")


def test_no_lead_without_a_fact_of_a_known_shape():
    assert _lead("Art. 93.- La víctima no es punible por la comisión de cualquier delito.", "pena", "es") == (
        [],
        [],
    )


def test_the_lead_comes_from_one_source_the_first_that_states_an_asked_fact():
    other = (
        "Art. 369.1.- Reclutamiento.- Será sancionada con pena privativa de libertad de diez a trece años."
    )
    facts = [(f, 2, other) for f in extract(other, _hit(other, 2, "Art. 369.1"))]
    facts += [(f, 1, ART_92) for f in extract(ART_92, _hit(ART_92))]
    _, chosen = lead_lines(facts, "Quelle peine ?", "fr")
    assert {f.article for f in chosen} == {"Art. 92"}


def test_a_fact_whose_numbers_are_not_in_its_quote_is_never_stated():
    (fact,) = extract(FINE, _hit(FINE))[:1]
    assert lead_lines([(fact, 1, "Otro texto sin esas cifras, de dos a cuatro años.")], "pena", "es") == (
        [],
        [],
    )


@settings(max_examples=200, deadline=None)
@given(
    low=st.integers(1, 999),
    high=st.integers(1, 999),
    others=st.lists(st.integers(1, 999), max_size=3),
    unit=st.sampled_from(["años", "meses", "días"]),
    language=st.sampled_from(["es", "fr", "en"]),
)
def test_every_number_of_a_lead_is_in_its_quote(
    low: int, high: int, others: list[int], unit: str, language: str
):
    extra = " ".join(f"y {spanish_words(n)} personas" for n in others)
    span = f"{spanish_words(low)} a {spanish_words(high)} {unit}"
    text = f"Será sancionada con pena privativa de libertad de {span} {extra}."
    lines, facts = _lead(text, "pena", language)
    assert facts and (facts[0].low, facts[0].high) == (low, high)
    for line in lines[1:]:
        stated_part = line.split(" — ")[0]  # the article and citation numbers are not facts
        assert {int(n) for n in re.findall(r"\d+", stated_part)} <= numbers_in(text)


def test_numbers_are_read_in_words_and_digits():
    assert numbers_in("de dieciséis a diecinueve años, multa de mil quinientos y 1.500 o 20") == {
        16,
        19,
        1500,
        20,
    }
    assert numbers_in("alguna circunstancia") == set()


def test_questions_ask_for_kinds_of_fact():
    assert asked_kinds("Quelle peine encourt un orpailleur ?") == ["penalty"]
    assert asked_kinds("What fine applies?") == ["fine"]
    assert asked_kinds("¿Cuál es el plazo para apelar?") == ["time_limit"]
    assert asked_kinds("Qui est compétent ?") == []


def test_the_article_whose_rubric_is_the_asked_offence_is_quoted_first():
    listing = _hit(
        "Art. 510.- Reglas para el testimonio de la víctima.- Medidas especiales para víctimas de trata de "
        "personas, violencia contra la mujer o delitos sexuales.", 1, "Art. 510")  # fmt: skip
    rubric = _hit("Art. 91.- Trata de personas.- La captación o el traslado de una víctima con fines de "
                  "explotación es trata.", 2, "Art. 91")  # fmt: skip
    terms = Terms({}, {t: 1.0 for t in tokenize("trata de personas")})
    quotes = select_quotes([listing, rubric], terms)
    assert quotes[0].hit.chunk.article == "Art. 91"


@pytest.mark.parametrize(
    "heading",
    [
        "CAPÍTULO SEGUNDO DELITOS CONTRA LA TRATA DE PERSONAS",
        "Plan de Acción contra la Trata de Personas 2019-2030",
    ],
)
def test_a_heading_is_never_quoted(heading: str):
    heading = _hit(heading, 1, None)
    body = _hit("La trata de personas será sancionada con pena privativa de libertad.", 2)
    terms = Terms({}, {t: 1.0 for t in tokenize("trata de personas")})
    quotes = select_quotes([heading, body], terms)
    assert [q.hit.rank for q in quotes] == [2]


def test_a_report_summarising_the_law_gives_its_range_and_no_item():
    text = (
        "El COIP define la trata (COIP, art. 91) y la sanciona con penas que van de dieciséis a treinta años."
    )
    (fact,) = extract(text, _hit(text, article=None))
    assert (fact.low, fact.high, fact.item) == (16, 30, "")
    assert (
        lead_lines([(fact, 1, text)], "peine ?", "en")[0][1]
        == "- Penalty: 16 to 30 years of imprisonment — [1]"
    )
