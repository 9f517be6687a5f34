"""Gists of Spanish quotes: legal terms reach French and English through the reviewed terminology
(assistant/data/terminology.tsv), never through Apertium; Apertium's marks never reach the reader."""

from __future__ import annotations

import re
import shutil

import pytest

from assistant.search import translate
from assistant.search.terminology import load_terminology, protect, restore
from assistant.search.translate import MODES_DIR, apertium, gist, gist_and_marked, strip_marks

PAIRS = {"fr": "es-fr", "en": "spa-eng"}
needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None or not all((MODES_DIR / f"{p}.mode").exists() for p in PAIRS.values()),
    reason="Apertium's es-fr and spa-eng pairs are not installed (apt-get install apertium "
    "apertium-fr-es apertium-en-es; `.ci/run` installs them)",
)
MARK = re.compile(r"(?<!\w)[*#@~]\w")


def _restored(spanish: str, apertium_output: str, language: str) -> str | None:
    """What `restore` makes of a hand-written Apertium output for the protected quote."""
    return restore(apertium_output, protect(spanish), language)


def test_longest_term_wins_and_case_and_accents_are_ignored() -> None:
    protected = protect("Sanción del delito de trata de personas y de la PENA PRIVATIVA DE LIBERTAD.")
    assert [s.source for s in protected.slots] == ["trata de personas", "PENA PRIVATIVA DE LIBERTAD"]
    assert protected.text == "Sanción del delito de zxqaa y de la zxqab."
    assert [s.source for s in protect("la Fiscalia y las penas privativas de libertad").slots] == [
        "Fiscalia",
        "penas privativas de libertad",
    ]


def test_the_reviewed_rendering_comes_back_in_the_quotes_case() -> None:
    spanish = "Trata de personas. Las PENAS PRIVATIVAS DE LIBERTAD"
    assert (
        _restored(spanish, "zxqaa. Les zxqab", "fr")
        == "Traite des personnes. Les PEINES PRIVATIVES DE LIBERTÉ"
    )
    assert _restored(spanish, "zxqaa. The zxqab", "en") == "Trafficking in persons. The PRISON SENTENCES"


def test_the_french_article_agrees_with_the_rendering() -> None:
    assert _restored("la Fiscalía dirigirá", "la zxqaa dirigera", "fr") == "le Ministère public dirigera"
    assert _restored("de explotación laboral", "de zxqaa", "fr") == "d'exploitation par le travail"
    assert _restored("La persona infractora", "La zxqaa", "fr") == "L'auteur de l'infraction"
    assert _restored("un enriquecimiento ilícito", "a zxqaa", "en") == "an illicit enrichment"


def test_the_word_after_a_term_opening_a_sentence_keeps_its_lowercase() -> None:
    # Apertium capitalises the word after a placeholder that opens a sentence: "zxqaa Sera sanctionnée".
    restored = _restored("Trata de personas será sancionada.", "zxqaa Sera sanctionnée.", "fr")
    assert restored == "Traite des personnes sera sanctionnée."


def test_a_lost_or_repeated_placeholder_is_refused() -> None:
    assert _restored("la trata de personas y el comiso", "zxqaa et le", "fr") is None
    assert _restored("la trata de personas", "zxqaa zxqaa", "fr") is None


def test_marks_are_removed_only_where_they_open_a_word() -> None:
    assert strip_marks("le *juzgamiento, @x #y ~z") == "le juzgamiento, x y z"
    assert strip_marks("a * b, x@y.org, 5*3") == "a * b, x@y.org, 5*3"


def test_without_apertium_there_is_no_gist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(translate, "apertium", lambda pair: None)
    assert gist("La trata de personas.", "es", "fr") is None


def test_when_a_placeholder_is_lost_the_quote_is_translated_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    def pipeline(text: str) -> str:
        return "rien" if "zxq" in text else "la *trata brute"

    monkeypatch.setattr(translate, "apertium", lambda pair: pipeline)
    assert gist_and_marked("La trata de personas.", "es", "fr") == ("la trata brute", ("trata",))


@needs_apertium
@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "délit de traite des personnes"), ("en", "of trafficking in persons")]
)
def test_trafficking_in_persons(language: str, expected: str) -> None:
    plain = apertium(PAIRS[language])
    assert plain is not None
    assert "traite des personnes" not in plain("Sanción para el delito de trata de personas.")  # the bug
    assert expected in (gist("Sanción para el delito de trata de personas.", "es", language) or "")


@needs_apertium
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "La traite des personnes sera sanctionnée avec peine privative de liberté de seize à dix-neuf "
            "ans.",
        ),
        ("en", "Trafficking in persons will be sanctioned with imprisonment of sixteen to nineteen years."),
    ],
)
def test_the_penalty_keeps_its_term(language: str, expected: str) -> None:
    quote = (
        "La trata de personas será sancionada con pena privativa de libertad de dieciséis a diecinueve años."
    )
    assert gist(quote, "es", language) == expected


@needs_apertium
@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_mark_reaches_the_gist_and_the_quotes_own_characters_survive(language: str) -> None:
    quote = "Para el juzgamiento, escriba a denuncias@fiscalia.gob.ec o marque *123 (nota * al pie)."
    result = gist_and_marked(quote, "es", language)
    assert result is not None
    text, marked = result
    assert "juzgamiento" in marked  # Apertium does not know it: it stays, unmarked
    assert not MARK.search(text.replace("*123", ""))
    assert "denuncias@fiscalia.gob.ec" in text and "*123" in text and " * " in text


TEMPLATES = (
    "{term} será sancionada.",
    "Se sanciona la {term}.",
    "En casos de {term}, la jueza decide; luego la {term}: lo demás.",
    "«{term}» (y {term}) ¿{term}?",
    "{term_upper}",
    "Art. 5.- {term}.- Constituye delito.",
)


@needs_apertium
@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_placeholder_leaks_wherever_the_term_stands(language: str) -> None:
    terms = load_terminology()[::9]  # every ninth row of the table
    for term in terms:
        for template in TEMPLATES:
            quote = template.format(term=term.spanish, term_upper=term.spanish.upper())
            text = gist(quote, "es", language)
            assert text is not None
            assert "zxq" not in text.lower(), (quote, text)
            assert not MARK.search(text), (quote, text)
            assert term.rendering(language).lower() in text.lower(), (quote, text)


@needs_apertium
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_quote_without_terms_gets_apertiums_own_gist(language: str) -> None:
    quote = "El río está contaminado con mercurio y los peces de la draga murieron."
    assert not protect(quote).slots
    plain = apertium(PAIRS[language])
    assert plain is not None
    assert gist(quote, "es", language) == strip_marks(plain(quote))
