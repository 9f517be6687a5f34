"""Reports ingest as well as laws do: titles, running headers, columns in reading order, footnotes,
superscript markers, hyphenation and the language of each chunk. A two-column PDF generated here, and
(slow) the real reports beside the project in ../shared/corpus-reports."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assistant.index.embed import E5Embeddings
from assistant.ingest import layout
from assistant.ingest.chunk import MIN_LANGUAGE_CHARS, chunk_document
from assistant.ingest.clean import Cleaned, clean_pages
from assistant.ingest.describe import describe
from assistant.ingest.extract import RawDocument, read_pdf
from assistant.ingest.legal import Block
from assistant.ingest.parse import parse
from assistant.settings import ChunkingSettings
from assistant.types import Chunk, DocumentInfo, Line

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "corpus-reports"
PROVEA = "provea-informe-2016-pueblos-indigenas.pdf"
CECODAP = "cecodap-informe-ninos-frontera-mineria-2018.pdf"
CINCIA = "cincia-mercurio-peces-pozas-mineras-2018.pdf"
CECODAP_TITLE = (
    "Informe especial: Peligros y Vulneraciones de DDHH de Niños, Niñas y Adolescentes en la Frontera y "
    "Actividades Mineras"
)

# A two-column page whose PDF draws the right column first; a sentence runs over the column break
# ("... la protección de" | "los ríos ..."), one word carries a superscript footnote marker.
LEFT = [
    "La minería ilegal afecta a las comunidades",
    "indígenas de la región y a su acceso al agua",
    "potable, según los testimonios recogidos por",
    "la misión durante el mes de octubre de 2018",
    "en las riberas de los ríos de la cuenca alta.",
    "Los líderes denunciaron amenazas y violencia",
    "contra quienes se oponen a las dragas, y la",
    "sentencia que ordena la protección de",
]
RIGHT = [
    "los ríos fue dictada por el tribunal en 2016.",
    "Desde entonces, las autoridades no han",
    "presentado el plan de remediación exigido",
    "ni el registro de las concesiones otorgadas.",
    "Las organizaciones locales piden una mesa",
    "de diálogo con presencia de la Defensoría",
    "del Pueblo y de los gobiernos regionales. El",
    "informe concluye que la situación de las",
]
FOOTNOTE = "3 Observatorio de prueba. Informe anual de violencia 2017, p. 12"
PAGE_2 = [  # (text, bold): the end of page 1's last sentence, then two headings in bold type
    ("comunidades es grave.", False),
    ("Conclusiones de la misión", True),
    ("La misión recomienda una mesa de diálogo.", False),
    ("3.1. Recomendaciones", True),
    ("Publicar el registro de concesiones.", False),
]


def _two_column_pdf(path: Path) -> Path:
    """Three pages: running header and page number, two columns drawn right first, a footnote on page 1
    whose sentence ("... la situación de las" | "comunidades es grave.") ends on page 2, two bold
    headings on page 2."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number in (1, 2, 3):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(50, 800, "Informe de prueba sobre minería")
        pdf.drawString(290, 30, str(number))
        if number == 1:
            for column, x in ((RIGHT, 315), (LEFT, 50)):
                for row, text in enumerate(column):
                    line = pdf.beginText(x, 700 - 16 * row)
                    line.setFont("Helvetica", 11)
                    line.textOut(text)
                    if text == LEFT[5]:  # "violencia³": a smaller, raised marker glued to its word
                        line.setFont("Helvetica", 6)
                        line.setRise(4)
                        line.textOut("3")
                    pdf.drawText(line)
            pdf.setFont("Helvetica", 8)
            pdf.drawString(50, 80, FOOTNOTE)
        else:
            rows = PAGE_2 if number == 2 else [("Fin del informe.", False)]
            for row, (text, bold) in enumerate(rows):
                pdf.setFont("Helvetica-Bold" if bold else "Helvetica", 11)
                pdf.drawString(50, 700 - 16 * row, text)
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def two_columns(tmp_path: Path) -> Path:
    return _two_column_pdf(tmp_path / "informe-columnas.pdf")


def test_two_column_page_reads_left_column_first(two_columns):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(two_columns)
    try:
        text = layout.page_text(pdf[0]).replace("\r\n", "\n")
        third = layout.page_text(pdf[2])
        assert third == pdf[2].get_textpage().get_text_range()  # nothing to change: PDFium's text
    finally:
        pdf.close()
    body = [line.strip(" ") for line in text.split("\n")]
    assert body.index(LEFT[0]) < body.index(LEFT[-1]) < body.index(RIGHT[0]) < body.index(RIGHT[-1])
    assert LEFT[5] in body  # "violencia" without its superscript 3
    assert body[-2:] == [layout.FOOTNOTES, FOOTNOTE]


def test_footnote_waits_for_the_end_of_the_sentence_it_interrupts(two_columns):
    cleaned = clean_pages(read_pdf(two_columns).pages)
    texts = [line.text for line in cleaned.lines]
    assert "Informe de prueba sobre minería" not in texts and "1" not in texts
    assert texts.index("sentencia que ordena la protección de") + 1 == texts.index(RIGHT[0])
    # Page 1's footnote comes after the sentence that runs over to page 2, as a line of its own.
    assert texts[texts.index(RIGHT[-1]) + 1] == "comunidades es grave."
    assert texts[texts.index("comunidades es grave.") + 1] == f"{FOOTNOTE}."
    assert next(line.page for line in cleaned.lines if line.text.startswith("3 Observatorio")) == 1


def test_bold_headings_become_the_outline(two_columns):
    outline = clean_pages(read_pdf(two_columns).pages).outline
    assert [(e.title, e.level, e.page) for e in outline] == [
        ("Conclusiones de la misión", 1, 2),
        ("3.1. Recomendaciones", 2, 2),
    ]


def _raw(title: str, first_page: list[str]) -> tuple[RawDocument, Cleaned]:
    lines = [Line(1, text) for text in first_page] + [Line(2, "Cuerpo del informe sin artículos.")]
    return RawDocument("d" * 16, "informe.pdf", [], {"title": title}), Cleaned(lines)


WRAPPED = [
    "Informe especial:",
    "Peligros y Vulneraciones de DDHH de Niños,",
    "Niñas y Adolescentes",
    "Carlos",
]


@pytest.mark.parametrize(
    "meta",
    [
        "Microsoft Word - Informe Peligros VERSION final-2.docx",
        "informe_final_v2",
        "Informe final.pdf",
        "Untitled",
        "Sin título",
        "Anteproyecto",
        "Borrador",
        "Informe especial",  # only the first words of the printed title
        "",
    ],
)
def test_junk_metadata_title_gives_way_to_the_printed_title(meta):
    raw, cleaned = _raw(meta, WRAPPED)
    title = describe(raw, cleaned).title
    assert title == "Informe especial: Peligros y Vulneraciones de DDHH de Niños, Niñas y Adolescentes"


def test_a_real_metadata_title_is_kept():
    raw, cleaned = _raw("Mercure et orpaillage illégal", ["Note de synthèse : mercure et orpaillage illégal"])
    assert describe(raw, cleaned).title == "Mercure et orpaillage illégal"


def test_printed_title_stops_at_its_full_stop_and_keeps_capitalised_law_titles():
    raw, cleaned = _raw("", ["Informe anual.", "Caracas, 2018"])
    assert describe(raw, cleaned).title == "Informe anual"
    raw, cleaned = _raw("", ["LEY ORGÁNICA DE PRUEBA Y", "CONTROL", "Ley 0", "Registro Oficial"])
    assert describe(raw, cleaned).title == "LEY ORGÁNICA DE PRUEBA Y CONTROL"


SPANISH = (
    "El presente informe recoge la situación de los niños, niñas y adolescentes en las zonas mineras del "
    "sur del país, donde la emergencia humanitaria ha agravado el trabajo infantil y la trata de personas."
)
ENGLISH = (
    "This report describes the situation of children and adolescents in the mining areas of the south of "
    "the country, where the humanitarian emergency has worsened child labour and human trafficking, as the "
    "mission heard from families."
)


def _chunk(blocks: list[Block]) -> list[Chunk]:
    info = DocumentInfo("e" * 16, "informe.pdf", "Informe", "report", "es", 1)
    chunks = []
    for block in blocks:
        chunks += chunk_document(info, block.lines, [], ChunkingSettings(), lambda text: len(text.split()))
    return chunks


def test_each_chunk_has_its_own_language_when_long_enough():
    assert min(len(SPANISH), len(ENGLISH)) >= MIN_LANGUAGE_CHARS
    spanish, english = (_chunk([Block(None, "", [Line(1, text)])])[0] for text in (SPANISH, ENGLISH))
    assert (spanish.language, english.language) == ("es", "en")
    stub = _chunk([Block(None, "", [Line(1, "Derogated by the Act of 2019.")])])[0]
    assert stub.language == "es"  # too short to tell: the document's language


# ---------------------------------------------------------------------------------------------- slow


@pytest.fixture(scope="module")
def reports_corpus() -> Path:
    if not REPORTS.is_dir():
        pytest.skip(f"the real reports are not at {REPORTS} (they sit beside the project in CI)")
    return REPORTS


@cache
def _parsed(name: str) -> tuple[DocumentInfo, list[Chunk]]:
    """A report as ingestion parses it (tables included), once per test session."""
    path = REPORTS / name
    chunking = ChunkingSettings(max_tokens=450)
    return parse(path, path.read_bytes(), chunking, E5Embeddings().count_tokens, {})


def _text(name: str) -> str:
    return "\n".join(chunk.text for chunk in _parsed(name)[1])


@pytest.mark.slow
def test_cecodap_title_is_the_whole_printed_title(reports_corpus):
    assert _parsed(CECODAP)[0].title == CECODAP_TITLE


@pytest.mark.slow
@pytest.mark.parametrize(
    "meta",
    [
        "Microsoft Word - Informe Peligros y Vulneraciones de DDHH de Niños, Niñas y Adolescentes en la "
        "Frontera y Actividades Mineras VERSION final-2.docx",
        "Untitled",
        "Borrador",
        "Informe especial",
    ],
)
def test_cecodap_junk_metadata_title_is_not_used(reports_corpus, meta):
    raw = read_pdf(reports_corpus / CECODAP)
    raw.metadata["title"] = meta
    assert describe(raw, clean_pages(raw.pages)).title == CECODAP_TITLE


@pytest.mark.slow
def test_provea_running_headers_and_page_numbers_are_gone(reports_corpus):
    for chunk in _parsed(PROVEA)[1]:
        for furniture in ("PROVEA Informe Anual", "enero-diciembre 2016", "Derechos económicos, sociales"):
            assert furniture not in chunk.text, (chunk.page_start, chunk.text[:200])
        assert "Derechos de los pueblos indígenas" not in chunk.text  # the even pages' running title
        assert not [line for line in chunk.text.split("\n") if line.strip().isdigit()]


@pytest.mark.slow
@pytest.mark.parametrize(
    "sentence",
    [
        # p. 8: PDFium reads the right column first; the sentence runs from the left column into it.
        "7) Del 2012 al 2015 se construyeron 1.704 viviendas en beneficio de 9.031 personas; 1.469 "
        "proyectos beneficiaron a 307.168 personas.",
        # p. 3: over the column break, and a footnote marker on "48,69%".
        "Romel Guzamana con 122.658 votos, correspondiente a 48,69% del total escrutado, y por Amazonas se "
        "eligieron a Julio Haron Ygarza y Nirma Guarulla.",
        # p. 18: PDFium puts the footnotes between the two columns, inside this sentence.
        "“Cuando así lo disponga el Presidente de la República o el vicepresidente sectorial para el "
        "Desarrollo Social y Revolución de las Misiones, podrán ser convocados a asistir otros miembros",
    ],
)
def test_provea_sentences_across_columns_are_whole(reports_corpus, sentence):
    # Whole in one chunk; the chunker may still cut an over-long paragraph at "; " into two lines.
    assert any(sentence in " ".join(chunk.text.split()) for chunk in _parsed(PROVEA)[1])


@pytest.mark.slow
def test_provea_footnotes_are_units_of_their_own_and_markers_are_gone(reports_corpus):
    text = _text(PROVEA)
    lines = text.split("\n")
    assert any(line.startswith("4. Panorama: “Diputado indígena") for line in lines)
    assert any(line.startswith("44. AVN: “Creada Comisión Presidencial") for line in lines)
    assert any(line.startswith("El 28.07.2016 la AN volvió a juramentar") for line in lines)
    assert "sentencia Nº 260 ordenando" in text and "2602" not in text
    assert "El 2016 fue un año de preocupantes retrocesos" in text  # drop capital and hyphenation


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "heading"),
    [
        (PROVEA, (1, 8, "4.- Derechos indígenas en el Examen Periódico Universal (EPU)")),
        (PROVEA, (1, 5, "Memoria y Cuenta del MPPPI 2016")),  # two lines, and its marker "10" gone
        (PROVEA, (2, 13, "Salud")),  # smaller type under "10.- Pueblo warao ..."
        (CECODAP, (3, 9, "2.2.1. Valoración actual del país.")),
        (CECODAP, (3, 28, "Trabajadores infantiles")),  # unnumbered, under "3.1."
        (CINCIA, (1, 3, "METODOLOGÍA")),
    ],
)
def test_report_headings_found_by_their_type(reports_corpus, name, heading):
    outline = clean_pages(read_pdf(reports_corpus / name).pages).outline
    assert heading in [(e.level, e.page, e.title) for e in outline]


@pytest.mark.slow
def test_cecodap_footnotes_are_units_of_their_own(reports_corpus):
    text = _text(CECODAP)
    assert "Organización Mundial de la Salud (OMS) define la violencia" in text
    assert "\n2 Organización Mundial de la Salud. Violencia [Sitio en internet]." in text


@pytest.mark.slow
@pytest.mark.parametrize("name", [PROVEA, CECODAP, CINCIA])
def test_reports_have_no_hyphenation_marks_and_spanish_chunks(reports_corpus, name):
    info, chunks = _parsed(name)
    assert info.language == "es"
    assert {chunk.language for chunk in chunks} == {"es"}
    assert not any(mark in chunk.text for chunk in chunks for mark in ("\ufffe", "\x02", "\f", "\u00ad"))
