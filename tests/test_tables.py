"""Tables become chunks of their own (kind "table": caption, header row, rows as lines) and figure
captions stay with the text that cites them; legislation is never scanned for tables. The slow tests
read the real reports beside the project (../shared/corpus-reports)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.answer.ask import ask
from assistant.index.write import ingest_paths
from assistant.ingest import parse as parse_module
from assistant.ingest.chunk import chunk_document
from assistant.ingest.parse import parse
from assistant.ingest.tables import FIGURE_CAPTION, TABLE_CAPTION, Table, take_out
from assistant.search import search
from assistant.settings import ChunkingSettings
from assistant.testing import HashEmbeddings
from assistant.types import Chunk, DocumentInfo, Hit, Line
from tests import pdfs
from tests.conftest import ROOT

COUNT = HashEmbeddings().count_tokens
REPORT = DocumentInfo("r" * 16, "informe.pdf", "Informe de prueba", "report", "es", 2)
LAW = DocumentInfo("l" * 16, "ley.pdf", "Ley de prueba", "law", "es", 2)
REPORTS = ROOT.parent / "shared" / "corpus-reports"
PROVEA = "provea-informe-2016-pueblos-indigenas.pdf"
CINCIA = "cincia-mercurio-peces-pozas-mineras-2018.pdf"


def _parse(path: Path, **chunking: int) -> tuple[DocumentInfo, list[Chunk]]:
    return parse(path, path.read_bytes(), ChunkingSettings(**chunking), COUNT, {})


def _table(rows: int = 4) -> Table:
    body = tuple((f"Provincia {i}", str(100 + i), f"{i}%") for i in range(rows))
    return Table(
        1, (0, 0, 1, 1), "Tabla 1. Casos por provincia", (("Provincia", "Casos", "Variación"), *body)
    )


@pytest.mark.parametrize(
    "text",
    [
        "Cuadro N°1",
        "Cuadro N° 2 Mortalidad",
        "Tabla 2. Casos",
        "Table 3: Cases",
        "TABLA 4",
        "Tableau 5 — Cas",
    ],
)
def test_table_captions_are_recognised(text):
    assert TABLE_CAPTION.match(text)


@pytest.mark.parametrize(
    "text", ["Tabla de contenidos", "Cuadro con cifras del Boletín", "Tabla 2 muestra que"]
)
def test_prose_is_not_a_table_caption(text):
    assert not TABLE_CAPTION.match(text)


@pytest.mark.parametrize(
    "text", ["Figura 2 Niveles promedio", "Gráfico N° 3. Casos", "Mapa 1", "Figure 4: Mercury", "FIGURA 5"]
)
def test_figure_captions_are_recognised(text):
    assert FIGURE_CAPTION.match(text)


@pytest.mark.parametrize("text", ["Figura 2 muestra que", "Fig. 2). En las pozas", "Mapa de riesgos"])
def test_prose_is_not_a_figure_caption(text):
    assert not FIGURE_CAPTION.match(text)


@pytest.mark.parametrize("caption_inside", [False, True], ids=["caption-above", "caption-in-a-spanning-row"])
def test_a_ruled_table_becomes_one_table_chunk_with_rows_as_lines(tmp_path, caption_inside):
    _, chunks = _parse(pdfs.table_report_pdf(tmp_path / "informe-tabla.pdf", caption_inside))
    tables = [c for c in chunks if c.kind == "table"]
    assert len(tables) == 1
    table = tables[0]
    expected = [pdfs.TABLE_CAPTION, *(" | ".join(row) for row in pdfs.TABLE_ROWS)]
    assert table.text.split("\n") == expected + ([pdfs.TABLE_NOTE] if caption_inside else [])
    assert (table.heading, table.page_start, table.page_end, table.parts) == ("2. Hallazgos", 1, 1, 1)
    text = "\n".join(c.text for c in chunks if c.kind == "text")
    assert "Sucumbíos" not in text and "1.530" not in text  # indexed once, as the table
    assert "La tabla siguiente resume los casos" in text and "Las provincias del norte concentran" in text


def test_a_table_reader_failure_leaves_the_table_in_the_running_text(tmp_path, monkeypatch):
    import pdfplumber

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("unsupported PDF construct")

    monkeypatch.setattr(pdfplumber, "open", broken)
    _, chunks = _parse(pdfs.table_report_pdf(tmp_path / "informe-tabla.pdf"))
    assert all(c.kind == "text" for c in chunks)
    assert any("Sucumbíos 1.204 1.530 27%" in c.text for c in chunks)


def test_ingest_counts_the_tables_of_a_report(index, tmp_path):
    [report] = ingest_paths(index, [pdfs.table_report_pdf(tmp_path / "informe-tabla.pdf")], progress=False)
    assert (report.status, report.tables) == ("ingested", 1)
    assert "tables" in report.seconds


def test_a_question_on_a_number_quotes_its_row_with_the_header(index, tmp_path):
    ingest_paths(index, [pdfs.table_report_pdf(tmp_path / "informe-tabla.pdf")], progress=False)
    answer = ask(index, "¿Cuántos casos de malaria hubo en Orellana en 2023?")
    quotes = [c.quote for c in answer.citations]
    header = " | ".join(pdfs.TABLE_ROWS[0])
    assert any(header in q and "Orellana | 860 | 1.015 | 18%" in q for q in quotes), quotes
    assert all(s.supported for s in answer.sentences)  # every quoted piece is verbatim in its chunk


def test_a_long_table_is_split_between_rows_and_each_part_repeats_caption_and_header():
    table = _table(rows=40)
    chunks = chunk_document(
        REPORT, [Line(1, "Texto del informe.")], [], ChunkingSettings(max_tokens=120), COUNT, [table]
    )
    parts = [c for c in chunks if c.kind == "table"]
    assert len(parts) > 2 and all(c.parts == len(parts) for c in parts)
    rows = []
    for chunk in parts:
        lines = chunk.text.split("\n")
        assert lines[:2] == ["Tabla 1. Casos por provincia", "Provincia | Casos | Variación"]
        rows += lines[2:]
    assert rows == table.row_lines()[1:]  # every row once, whole, in order


def test_take_out_lifts_the_table_lines_and_says_where_the_table_sat():
    table = _table(rows=2)
    lines = [
        Line(1, "Antes de la tabla."),
        Line(1, "Tabla 1. Casos por provincia"),
        Line(1, "Provincia Casos Variación"),
        Line(1, "Provincia 0 100 0%"),
        Line(1, "Provincia 1 101 1%"),
        Line(1, "Después de la tabla."),
    ]
    body, positions = take_out(lines, [table])
    assert [line.text for line in body] == ["Antes de la tabla.", "Después de la tabla."]
    assert positions == [1]


def test_take_out_keeps_the_text_when_the_table_words_are_not_found():
    lines = [Line(1, "Un párrafo sin relación."), Line(2, "Otra página.")]
    body, positions = take_out(lines, [_table()])
    assert body == lines and positions == [1]  # after the last line of the table's page


def test_legislation_never_gets_table_chunks(law, monkeypatch):
    def refuse(*args: object) -> list[Table]:
        raise AssertionError("a law must not be scanned for tables")

    monkeypatch.setattr(parse_module, "find_tables", refuse)
    info, chunks = _parse(law)
    assert info.doc_type == "law" and all(c.kind == "text" for c in chunks)
    lines = [
        Line(1, "Art. 1.- Objeto.- Esta ley regula la minería."),
        Line(2, "Art. 2.- Ámbito.- Rige en todo el país."),
    ]
    settings = ChunkingSettings()
    assert chunk_document(LAW, lines, [], settings, COUNT, [_table()]) == chunk_document(
        LAW, lines, [], settings, COUNT
    )


def test_a_caption_inside_a_sentence_moves_after_it_and_joins_the_paragraph_citing_it():
    lines = [
        Line(3, "RESULTADOS"),
        Line(3, "Los peces carnívoros del grupo de las"),
        Line(3, "Figura 2 Niveles promedio de mercurio en peces"),
        Line(3, "de pozas mineras."),
        Line(3, "pozas mineras tienen más mercurio."),
        Line(3, "Otros resultados sin figura."),
        Line(4, "Los niveles son mayores en las áreas de minería (Fig. 2)."),
    ]
    chunks = chunk_document(REPORT, lines, [], ChunkingSettings(), COUNT)
    assert [c.text for c in chunks] == [
        "RESULTADOS Los peces carnívoros del grupo de las pozas mineras tienen más mercurio.\n"
        "Otros resultados sin figura.\n"
        "Los niveles son mayores en las áreas de minería (Fig. 2).\n"
        "Figura 2 Niveles promedio de mercurio en peces de pozas mineras."
    ]


def test_a_caption_is_never_a_section_heading():
    lines = [
        Line(1, "CONTEXTO"),
        Line(1, "La minería ilegal contamina los ríos de la región amazónica."),
        Line(1, "FIGURA 1"),
        Line(1, "Mapa de las zonas mineras de la región amazónica del país."),
    ]
    chunks = chunk_document(REPORT, lines, [], ChunkingSettings(), COUNT)
    assert [c.heading for c in chunks] == ["CONTEXTO"]


# Slow: the real reports beside the project.


@pytest.fixture(scope="module")
def reports_corpus() -> Path:
    if not REPORTS.is_dir():
        pytest.skip(f"the real reports are not at {REPORTS} (they sit beside the project in CI)")
    return REPORTS


@pytest.fixture(scope="module")
def provea(reports_corpus: Path) -> list[Chunk]:
    from assistant.index.embed import E5Embeddings

    path = reports_corpus / PROVEA
    return parse(path, path.read_bytes(), ChunkingSettings(), E5Embeddings().count_tokens, {})[1]


@pytest.mark.slow
def test_provea_tables_are_table_chunks_with_captions_and_rows(provea):
    tables = {c.text.split("\n")[0]: c for c in provea if c.kind == "table"}
    assert set(tables) == {
        "Cuadro N°1 — Malaria en estados con mayor cantidad de indígenas",
        "Cuadro N°2 — Mortalidad infantil en estados con presencia indígena",
    }
    malaria, mortality = (tables[k].text.split("\n") for k in sorted(tables))
    assert malaria[1:3] == [
        "Estado | Acumulados 2015 | Acumulados 2016 | Situación acumulativa",
        "Amazonas | 18.641 | 24.951 | Epidemia",
    ]
    assert "Bolívar | 106.853 | 177.619 | Epidemia" in malaria and len(malaria) == 13  # + the source line
    assert mortality[1] == "Estado | Acumulados 2015 | Acumulados 2016 | % comparativo 2015/16"
    assert "Zulia | 899 | 1.409 | 30,12%" in mortality
    assert all(c.page_start == c.page_end == 12 for c in tables.values())
    assert not any("106.853" in c.text or "30,12%" in c.text for c in provea if c.kind == "text")


@pytest.mark.slow
def test_provea_a_question_on_malaria_in_a_state_retrieves_and_quotes_its_row(reports_corpus, index):
    ingest_paths(index, [reports_corpus / PROVEA], progress=False)
    question = "¿Cuántos casos acumulados de malaria hubo en el estado Bolívar en 2016?"
    hits = search(index, question, k=index.settings.answer.sources)
    assert any(h.chunk.kind == "table" and "Cuadro N°1" in h.chunk.text for h in hits)
    quotes = [c.quote for c in ask(index, question).citations]
    assert any(
        "Estado | Acumulados 2015 | Acumulados 2016 | Situación acumulativa" in q
        and "Bolívar | 106.853 | 177.619 | Epidemia" in q
        for q in quotes
    ), quotes


@pytest.mark.slow
def test_cincia_figure_captions_stay_with_the_text_that_cites_them(reports_corpus):
    from assistant.index.embed import E5Embeddings

    path = reports_corpus / CINCIA
    chunks = parse(path, path.read_bytes(), ChunkingSettings(), E5Embeddings().count_tokens, {})[1]
    texts = [c.text for c in chunks]
    for number, caption in [
        (2, "Figura 2 Niveles promedio de mercurio en peces"),
        (4, "Figura 4 Niveles promedio"),
    ]:
        holding = [t for t in texts if caption in t]
        assert holding and all(f"(Fig. {number})" in t for t in holding), (number, holding)
    for text in texts:
        for line in text.split("\n"):
            assert not (FIGURE_CAPTION.match(line) and line == text), f"an orphan caption chunk: {line}"
    # The caption that the layout put inside a sentence no longer cuts it.
    assert any(re.search(r"carnívoros las especies más frecuentes fueron Hoplias", t) for t in texts)


TABLE_TEXT = (
    "Cuadro N°1 — Malaria en estados con mayor cantidad de indígenas\n"
    "Estado | Acumulados 2015 | Acumulados 2016 | Situación acumulativa\n"
    "Apure | 212 | 225 | Alarma\n"
    "Bolívar | 106.853 | 177.619 | Epidemia\n"
    "Lara | 2 | 0 | Éxito\n"
)


def _table_hit() -> Hit:
    chunk = Chunk("t1", "d", "informe.pdf", "Informe", "report", "es", 12, 12, None, "Salud", TABLE_TEXT,
                  kind="table")  # fmt: skip
    return Hit(1, 1.0, chunk)


def test_a_table_row_is_quoted_with_the_caption_and_header():
    from assistant.answer.evidence import Terms, select_quotes
    from assistant.language import tokenize

    terms = Terms({}, {t: 1.0 for t in tokenize("casos de malaria en Bolívar")})
    (quote,) = select_quotes([_table_hit()], terms)
    assert quote.text.startswith("Cuadro N°1 — Malaria en estados con mayor cantidad de indígenas Estado |")
    assert quote.text.endswith("[…] Bolívar | 106.853 | 177.619 | Epidemia")


def test_a_question_about_the_whole_table_quotes_the_whole_table():
    from assistant.answer.evidence import Terms, select_quotes
    from assistant.language import tokenize

    terms = Terms({}, {t: 1.0 for t in tokenize("¿en qué estados la malaria está controlada?")})
    (quote,) = select_quotes([_table_hit()], terms)
    assert quote.text == " ".join(TABLE_TEXT.split("\n")).strip()  # every row: the reader finds "Éxito"
