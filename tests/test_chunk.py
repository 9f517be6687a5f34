import itertools

from assistant.ingest.chunk import chunk_document, paragraphs, passage_text
from assistant.ingest.clean import clean_pages
from assistant.ingest.describe import describe
from assistant.ingest.extract import read_pdf
from assistant.settings import ChunkingSettings
from assistant.testing import HashEmbeddings
from assistant.types import DocumentInfo, Line

COUNT = HashEmbeddings().count_tokens
INFO = DocumentInfo("d" * 16, "ley.pdf", "Ley de prueba", "law", "es", 3)


def _chunks(lines: list[Line], **settings: int):
    return chunk_document(INFO, lines, [], ChunkingSettings(**settings), COUNT)


def test_paragraphs_join_wrapped_lines_and_split_list_items():
    lines = [
        Line(1, "Art. 1.- La pena será:"),
        Line(1, "1. De uno a tres años si el"),
        Line(2, "daño es leve."),
        Line(2, "2. De tres a cinco años."),
    ]
    units = paragraphs(lines)
    assert [u.text for u in units] == [
        "Art. 1.- La pena será:",
        "1. De uno a tres años si el daño es leve.",
        "2. De tres a cinco años.",
    ]
    assert (units[1].page_start, units[1].page_end) == (1, 2)


def test_long_article_is_split_within_budget_with_overlap_and_pages():
    numerals = [
        Line(1 + i // 10, f"{i + 1}. Numeral {i + 1} de la norma sobre minería ilegal y ríos.")
        for i in range(40)
    ]
    chunks = _chunks(
        [Line(1, "Art. 260.- Actividad ilícita de recursos mineros.- Será sancionada:"), *numerals],
        max_tokens=200,
        overlap_tokens=40,
    )
    assert len(chunks) > 2
    assert {c.article for c in chunks} == {"Art. 260"}
    assert [c.part for c in chunks] == list(range(1, len(chunks) + 1))
    assert all(c.parts == len(chunks) for c in chunks)
    assert all(COUNT(passage_text(c)) <= 200 for c in chunks)
    # consecutive parts share their boundary paragraph, and pages follow the text
    for before, after in itertools.pairwise(chunks):
        assert before.text.split("\n")[-1] in after.text
    assert chunks[0].page_start == 1 and chunks[-1].page_end == 4


def test_a_single_huge_sentence_is_cut_into_word_windows():
    chunks = _chunks([Line(1, "Art. 9.- " + "palabra " * 900)], max_tokens=120, overlap_tokens=0)
    assert len(chunks) >= 8
    assert all(COUNT(passage_text(c)) <= 120 for c in chunks)


def test_chunk_ids_are_content_hashes_and_unique():
    lines = [Line(1, "Art. 1.- Derogado."), Line(1, "Art. 2.- Derogado.")]
    first, again = _chunks(lines), _chunks(lines)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert len({c.chunk_id for c in first}) == len(first)


def test_passage_text_has_document_article_and_section():
    chunk = _chunks(
        [Line(1, "SECCIÓN SEGUNDA"), Line(1, "Trata de personas"), Line(1, "Art. 92.- Sanción.")]
    )[0]
    assert (
        passage_text(chunk).split("\n")[0] == "Ley de prueba · Art. 92 · SECCIÓN SEGUNDA: Trata de personas"
    )


def test_law_pdf_articles_pages_and_notes(law):
    raw = read_pdf(law)
    cleaned = clean_pages(raw.pages)
    info = describe(raw, cleaned)
    assert (info.doc_type, info.language, info.title) == ("law", "es", "LEY DE PRUEBA CONTRA LA TRATA")
    chunks = chunk_document(info, cleaned.lines, raw.outline, ChunkingSettings(), COUNT)
    by_article = {c.article: c for c in chunks if c.article}
    assert list(by_article) == [
        "Art. 91",
        "Art. 92",
        "Art. 92.1",
        "Art. 92 bis",
        "Art. innumerado 1 tras Art. 92 bis",
        "Art. 94-A",
        "Art. 95",
    ]
    assert (by_article["Art. 92"].page_start, by_article["Art. 92 bis"].page_start) == (2, 3)
    art92 = by_article["Art. 92"]
    assert "Registro Oficial Suplemento 599" in art92.reform_notes[0]
    assert "trece a dieciséis" not in art92.text  # the previous version lives in the note only
    assert "Gaceta Judicial" not in art92.text and art92.concordances == (
        "Gaceta Judicial, TRATA, 04-jul-2019",
    )
    assert by_article["Art. 92.1"].text.endswith("Art. 77 de este Código y las normas de la Constitución.")
    assert all("Descargado" not in c.text and "Página" not in c.text for c in chunks)


def test_report_sections_follow_the_outline(report):
    raw = read_pdf(report)
    cleaned = clean_pages(raw.pages)
    info = describe(raw, cleaned)
    chunks = chunk_document(info, cleaned.lines, raw.outline, ChunkingSettings(), COUNT)
    assert info.doc_type == "report"
    assert [(c.heading, c.page_start) for c in chunks] == [
        ("1. Contexto", 1),
        ("2. Hallazgos", 2),
        ("3. Recomendaciones", 3),
    ]
    assert all(c.article is None for c in chunks)
    assert "Informe de misión de prueba" not in " ".join(c.text for c in chunks)  # running header


def test_keywords_set_type_and_language(tmp_path):
    from tests import pdfs

    path = pdfs.report_pdf(tmp_path / "x.pdf", title="Compte rendu", keywords="doc_type=notes; lang=fr")
    raw = read_pdf(path)
    info = describe(raw, clean_pages(raw.pages))
    assert (info.doc_type, info.language) == ("notes", "fr")
