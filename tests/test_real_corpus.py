"""Slow: the real PDFs beside the project (../shared/corpus-real), chunked as ingestion does."""

from collections import Counter
from pathlib import Path

import pytest

from assistant.index.embed import E5Embeddings
from assistant.ingest.chunk import chunk_document
from assistant.ingest.clean import clean_pages
from assistant.ingest.describe import describe
from assistant.ingest.extract import read_pdf
from assistant.settings import ChunkingSettings
from assistant.types import Chunk

pytestmark = pytest.mark.slow
WATERMARK = ("Descargado", "gratuitamente desde", "www.lexis.com", "LEXIS S.A.")


def _chunks(path: Path) -> tuple[list[Chunk], str]:
    raw = read_pdf(path)
    cleaned = clean_pages(raw.pages)
    info = describe(raw, cleaned)
    counter = E5Embeddings().count_tokens
    return chunk_document(info, cleaned.lines, raw.outline, ChunkingSettings(), counter), info.doc_type


@pytest.fixture(scope="module")
def coip(real_corpus: Path) -> list[Chunk]:
    chunks, doc_type = _chunks(real_corpus / "coip-2014-reformado-2025.pdf")
    assert doc_type == "law"
    return chunks


@pytest.fixture(scope="module")
def constitution(real_corpus: Path) -> list[Chunk]:
    chunks, doc_type = _chunks(real_corpus / "constitucion-2008.pdf")
    assert doc_type == "constitution"
    return chunks


@pytest.mark.parametrize(
    ("article", "page"),
    [("Art. 91", 37), ("Art. 92", 38), ("Art. 93", 38), ("Art. 260", 95), ("Art. 261", 95)],
)
def test_coip_has_one_chunk_per_article_on_the_right_page(coip, article, page):
    found = [c for c in coip if c.article == article]
    assert len(found) == 1, [c.text[:80] for c in found]
    assert found[0].page_start == page
    assert found[0].text.startswith(f"{article}.-")


def test_coip_reform_notes_and_concordances_are_metadata(coip):
    art92 = next(c for c in coip if c.article == "Art. 92")
    assert any("Registro Oficial Suplemento 599" in note and "2024" in note for note in art92.reform_notes)
    assert "CONCORDANCIAS" not in art92.text and "CÓDIGO CIVIL" not in art92.text
    assert any("CÓDIGO CIVIL" in line for line in art92.concordances)
    assert "veintiséis a treinta años" in art92.text
    assert art92.heading.endswith("SECCIÓN SEGUNDA: Trata de Personas")


def test_coip_previous_text_quoted_in_a_note_is_not_an_article(coip):
    counts = Counter(c.article for c in coip if c.article and c.part == 1)
    assert counts["Art. 75"] == 1
    assert not [a for a, n in counts.items() if n > 1]


def test_no_watermark_or_vendor_notice_survives(coip, constitution):
    for chunk in coip + constitution:
        assert not any(mark in chunk.text for mark in WATERMARK), chunk.text[:200]
    assert coip[0].title == "CÓDIGO ORGÁNICO INTEGRAL PENAL, COIP"


def test_constitution_articles_and_pages(constitution):
    pages = {c.article: c.page_start for c in constitution if c.article and c.part == 1}
    assert pages["Art. 71"] == 29 and pages["Art. 407"] == 156
    assert len([a for a in pages if a.startswith("Art. ")]) == 444
    art71 = next(c for c in constitution if c.article == "Art. 71")
    assert "Pacha Mama" in art71.text
    assert art71.heading.endswith("Capítulo séptimo: Derechos de la naturaleza")


def test_every_chunk_fits_the_e5_window(coip):
    counter = E5Embeddings().count_tokens
    from assistant.ingest.chunk import passage_text

    assert max(counter(passage_text(c)) for c in coip) <= 512
