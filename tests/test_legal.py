import pytest

from assistant.ingest.legal import ARTICLE, normalise_article, split_articles
from assistant.types import Line


def _lines(*texts: str, page: int = 1) -> list[Line]:
    return [Line(page, t) for t in texts]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Art. 91.- Trata de personas.- Toda persona", "Art. 91"),
        ("Artículo 57.- Se reconoce", "Art. 57"),
        ("Art. 28.1.- Error de tipo.-", "Art. 28.1"),
        ("Art. 10 bis.- Registro", "Art. 10 bis"),
        ("Art. 342-b.- Trastorno mental.", "Art. 342-B"),
        ("Art. 208A.- Actos lesivos", "Art. 208-A"),
        ("Art. 257 A.- (Agregado por", "Art. 257-A"),
        ("Art. ... (114.3).- Servidora", "Art. 114.3"),
    ],
)
def test_article_numbers_are_normalised(heading, expected):
    match = ARTICLE.match(heading)
    assert match is not None
    assert normalise_article(match, "") == expected


@pytest.mark.parametrize("text", ["Artículo 17 del Régimen de Transición", "Arts. 17, 18", "Artes plásticas"])
def test_references_are_not_headings(text):
    assert ARTICLE.match(text) is None


def test_one_block_per_article_with_pages():
    lines = [
        *_lines("Art. 1.- Objeto.- Esta ley regula.", "Sigue el artículo uno."),
        *_lines("Art. 2.- Ámbito.- Se aplica en todo el territorio.", page=2),
    ]
    blocks = [b for b in split_articles(lines) if b.article]
    assert [(b.article, b.lines[0].page, b.lines[-1].page, len(b.lines)) for b in blocks] == [
        ("Art. 1", 1, 1, 2),
        ("Art. 2", 2, 2, 1),
    ]


def test_article_quoted_in_a_reform_note_does_not_open_a_block():
    lines = _lines(
        "Art. 75.- Prescripción de la pena.- La pena prescribe.",
        "Nota: El Texto anterior a la Resolución de la Corte Constitucional No. 11 era el siguiente:",
        "Art. 75.- Prescripción de la pena.- Texto anterior.",
        "Art. 76.- Internamiento.- Texto.",
    )
    blocks = [b for b in split_articles(lines) if b.article]
    assert [b.article for b in blocks] == ["Art. 75", "Art. 76"]
    assert "Texto anterior." in " ".join(blocks[0].notes[0])
    assert all("Texto anterior" not in line.text for line in blocks[0].lines)


def test_quotes_and_lowercase_references_do_not_open_blocks():
    lines = _lines(
        "Art. 148.- La Presidenta podrá disolver la Asamblea.",
        'Art. 114.- "Las autoridades de elección popular podrán reelegirse"',
        "Art. 130.- último inciso de la Constitución dice otra cosa.",
        "Art. 149.- Quien ejerza la Vicepresidencia.",
    )
    assert [b.article for b in split_articles(lines) if b.article] == ["Art. 148", "Art. 149"]


def test_amending_provisions_quoting_lower_articles_stay_in_place():
    lines = _lines(
        "Art. 730.- Exoneración de multas.- Texto.",
        "DISPOSICIONES REFORMATORIAS",
        "18. Sustitúyase el Parágrafo IV por el siguiente:",
        "Art. 224.- Jueza o juez de garantías penales.- En cada provincia.",
    )
    blocks = split_articles(lines)
    assert [b.article for b in blocks if b.article] == ["Art. 730"]
    assert blocks[-1].heading == "DISPOSICIONES REFORMATORIAS"


def test_heading_path_reform_notes_and_concordances():
    lines = _lines(
        "LIBRO PRIMERO",
        "LA INFRACCIÓN PENAL",
        "TÍTULO IV",
        "INFRACCIONES EN PARTICULAR",
        "SECCIÓN SEGUNDA",
        "Trata de personas",
        "Art. 92.- Sanción.- La trata será sancionada:",
        "1. Con pena privativa de libertad de dieciséis a diecinueve años.",
        "Nota: Artículo sustituido por artículo 1 de Ley No. 0, publicada en Registro Oficial",
        "Suplemento 599 de 12 de julio del 2024 .",
        "CONCORDANCIAS:",
        "CÓDIGO CIVIL (LIBRO I), Arts. 303",
        "CAPÍTULO SEGUNDO",
        "Delitos contra la humanidad",
        "Art. 93.- Otro.- Texto.",
    )
    blocks = {b.article: b for b in split_articles(lines) if b.article}
    art92 = blocks["Art. 92"]
    assert art92.heading == (
        "LIBRO PRIMERO: LA INFRACCIÓN PENAL > TÍTULO IV: INFRACCIONES EN PARTICULAR"
        " > SECCIÓN SEGUNDA: Trata de personas"
    )
    assert [" ".join(n) for n in art92.notes] == [
        "Nota: Artículo sustituido por artículo 1 de Ley No. 0, publicada en Registro Oficial "
        "Suplemento 599 de 12 de julio del 2024 ."
    ]
    assert art92.concordances == ["CÓDIGO CIVIL (LIBRO I), Arts. 303"]
    assert [line.text for line in art92.lines][-1].startswith("1. Con pena")
    # a new chapter replaces the section below the title
    assert blocks["Art. 93"].heading.endswith(
        "TÍTULO IV: INFRACCIONES EN PARTICULAR > CAPÍTULO SEGUNDO: Delitos contra la humanidad"
    )


def test_list_item_after_a_note_returns_to_the_article_body():
    lines = _lines(
        "Art. 5.- Principios.- Son principios:",
        "1. Legalidad.",
        "Nota: Numeral 1 reformado por Ley 0.",
        "2. Favorabilidad.",
    )
    block = next(b for b in split_articles(lines) if b.article)
    assert [line.text for line in block.lines] == [lines[0].text, "1. Legalidad.", "2. Favorabilidad."]
    assert block.notes == [["Nota: Numeral 1 reformado por Ley 0."]]


def test_innumerado_articles_are_named_after_their_predecessor():
    lines = _lines("Art. 29.- Atenuantes.- Texto.", "Art. ... (1).- Para los delitos de trata.")
    assert [b.article for b in split_articles(lines) if b.article] == [
        "Art. 29",
        "Art. innumerado 1 tras Art. 29",
    ]


def test_heading_titles_wrapped_over_lines_are_joined():
    lines = _lines(
        "CAPÍTULO TERCERO",
        "PRINCIPIOS RECTORES DE LA EJECUCIÓN DE",
        "LAS PENAS Y LAS MEDIDAS CAUTELARES PERSONALES",
        "Art. 7.- Separación.- Las personas privadas de libertad se alojarán en lugares distintos.",
    )
    blocks = split_articles(lines)
    assert len(blocks) == 1
    assert blocks[0].heading == (
        "CAPÍTULO TERCERO: PRINCIPIOS RECTORES DE LA EJECUCIÓN DE "
        "LAS PENAS Y LAS MEDIDAS CAUTELARES PERSONALES"
    )
