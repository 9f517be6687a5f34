"""Scans and broken fonts: garbled text is detected (never on the real laws and reports), OCR'd with
Tesseract when it is installed, left out with a warning when it is not; OCR'd chunks and citations say so."""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.messages import source_label
from assistant.cli import main
from assistant.contract import hit_json
from assistant.errors import DocumentError
from assistant.index import Index
from assistant.index.write import ingest_paths
from assistant.ingest import ocr
from assistant.ingest.extract import normalise_text, read_pdf
from assistant.ingest.parse import parse
from assistant.ingest.readable import is_garbled, readability, readable_lines
from assistant.search import search
from assistant.settings import ChunkingSettings, OCRSettings
from assistant.testing import hash_environment, hash_settings
from assistant.types import Chunk, DocumentInfo, FileReport
from tests import pdfs

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCAN = SHARED / "corpus-scans" / "ley-garantias-escaneo-p4-7.pdf"
LAW = SHARED / "corpus-real" / "ley-garantias-jurisdiccionales-2020.pdf"
TESSERACT = {"spa", "eng"} <= ocr.installed_languages()
needs_tesseract = pytest.mark.skipif(
    not TESSERACT, reason="Tesseract with Spanish data is not installed (apt-get install tesseract-ocr-spa)"
)

SPANISH = (
    "La comunidad indígena denuncia ante la Defensoría del Pueblo que la minería ilegal contamina el río "
    "con mercurio, y pide que el Estado garantice el acceso al agua potable, a la salud y a la educación "
    "de los niños, niñas y adolescentes que viven en la zona. Según el informe, los casos de malaria "
    "aumentaron un 40% en 2016 en los estados Bolívar y Amazonas, donde no hay centros de salud."
)
FRENCH = (
    "L'orpaillage illégal en Guyane contamine les rivières au mercure. Les communautés amérindiennes "
    "consomment des poissons dont la teneur en mercure dépasse les seuils de l'Organisation mondiale de la "
    "santé, et l'État doit assurer le suivi sanitaire des populations exposées et la restauration des sites."
)


def accuracy(expected: str, got: str) -> float:
    """Character accuracy on normalised whitespace (difflib's ratio: 2 * matches / total length)."""
    expected, got = " ".join(expected.split()), " ".join(got.split())
    return difflib.SequenceMatcher(None, expected, got, autojunk=False).ratio()


def substituted(text: str) -> str:
    """A letter-for-letter substitution: every token still looks like a word, none is one."""
    plain = "abcdefghijklmnopqrstuvwxyzáéíóúñ"
    shifted = plain[7:] + plain[:7]
    return text.translate(str.maketrans(plain + plain.upper()[:26], shifted + shifted.upper()[:26]))


def _parse(path: Path, mode: str = "auto") -> tuple[DocumentInfo, list[Chunk]]:
    chunking = ChunkingSettings.model_validate({})
    return parse(path, path.read_bytes(), chunking, lambda t: len(t) // 4 + 1, {}, OCRSettings(mode=mode))


def _mixed_pdf(tmp_path: Path, scanned: bool = False) -> Path:
    """The three-page test law followed by two pages in a font without a text mapping (or one scanned
    page)."""
    from pypdf import PdfReader, PdfWriter

    law = pdfs.law_pdf(tmp_path / "ley.pdf")
    tail = (
        pdfs.image_pdf(tmp_path / "escaneo.pdf") if scanned else pdfs.broken_font_pdf(tmp_path / "roto.pdf")
    )
    writer = PdfWriter()
    for source in (law, tail):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    path = tmp_path / "mixto.pdf"
    with path.open("wb") as out:
        writer.write(out)
    return path


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "installed_languages", lambda: frozenset())


# Detection


def test_clean_spanish_french_and_law_text_is_readable():
    assert not is_garbled(SPANISH) and not is_garbled(FRENCH)
    assert not any(is_garbled("\n".join(lines)) for lines in pdfs.LAW_PAGES)
    assert not is_garbled("Cuadro N°1\nEstado 2015 2016\nBolívar 12.345 23.456\nAmazonas 1.234 2.345")


def test_a_glyph_substitution_is_garbled():
    assert is_garbled("đ!/0%¨*ŏ !ŏ (ŏ ¾ÿQ:aÿ´QE´Qÿ´ç¥Äì sÓ¥ úL¥Ó¥ :¾ ¬LÄL4EL LÎ¬¾çzL4Óç ¾ç ÄÓ¥")
    letters = substituted(SPANISH + " " + SPANISH)
    counts = readability(letters)
    assert counts.non_words < counts.tokens / 4  # shaped like words...
    assert is_garbled(letters)  # ...but with no function word among them
    private_use = "".join(chr(0xE000 + i) + (" " if i % 4 == 3 else "") for i in range(40))
    assert is_garbled(private_use)


def test_the_broken_font_pdf_gives_garbled_text(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdfs.broken_font_pdf(tmp_path / "roto.pdf"))
    text = normalise_text(pdf[0].get_textpage().get_text_range())
    pdf.close()
    assert len(text) > 200 and not {"de", "la", "salud"} & set(text.lower().split())
    assert is_garbled(text)


def test_readable_lines_keeps_the_lines_that_read():
    page = "INFORME ANUAL 2016\n" + "¾ÿQ:aÿ´QE´Qÿ´ç¥Äì sÓ¥ úL¥Ó¥ :¾ ¬LÄL4EL LÎ¬¾çzL4Óç ¾ç ÄÓ¥\nPágina 3"
    assert readable_lines(page) == "INFORME ANUAL 2016\nPágina 3"


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["corpus-real", "corpus-reports"])
def test_no_page_of_the_real_laws_and_reports_is_flagged(folder):
    if not (SHARED / folder).is_dir():
        pytest.skip(f"the real PDFs are not at {SHARED / folder} (they sit beside the project in CI)")
    flagged = []
    for path in sorted((SHARED / folder).glob("*.pdf")):
        raw = read_pdf(path, ocr=OCRSettings(mode="off"))  # the page text ingestion sees, OCR aside
        assert raw.warnings == [] and not any(page.ocr for page in raw.pages)
        flagged += [f"{path.name} p. {page.number}" for page in raw.pages if is_garbled(page.text)]
    assert not flagged


# Without OCR


def test_without_tesseract_a_scan_fails_naming_the_package(tmp_path, no_tesseract):
    with pytest.raises(DocumentError) as info:
        read_pdf(pdfs.image_pdf(tmp_path / "escaneo.pdf"))
    message = str(info.value)
    assert message.startswith("escaneo.pdf: has no text layer (0 characters in 1 pages; a scan?)")
    assert "install Tesseract" in message and "apt-get install tesseract-ocr tesseract-ocr-spa" in message
    assert "\n" not in message


def test_without_tesseract_garbled_pages_are_left_out_with_a_warning(tmp_path, no_tesseract):
    info, chunks = _parse(_mixed_pdf(tmp_path))
    assert info.warnings == (
        f"2 of 5 pages have unreadable text; install OCR (tesseract-ocr: {ocr.INSTALL}) to recover them",
    )
    assert info.ocr_pages == 0 and not any(c.ocr for c in chunks)
    assert {c.page_start for c in chunks} <= {1, 2, 3}  # the garbled pages gave no chunk
    assert not any(is_garbled(c.text) for c in chunks)
    assert any(c.article == "Art. 92" for c in chunks)


def test_without_tesseract_scanned_pages_are_named_in_a_warning(tmp_path, no_tesseract):
    info, chunks = _parse(_mixed_pdf(tmp_path, scanned=True))
    assert info.warnings == (
        f"1 of 4 pages are scanned, without text; install OCR (tesseract-ocr: {ocr.INSTALL}) to read them",
    )
    assert max(c.page_end for c in chunks) == 3


def test_ocr_off_leaves_garbled_pages_out_and_says_how_to_recover_them(tmp_path):
    info, _ = _parse(_mixed_pdf(tmp_path), mode="off")
    assert info.warnings == ("2 of 5 pages have unreadable text; ingest with --ocr auto to recover them",)
    with pytest.raises(DocumentError, match=r"unreadable text on its 2 pages .*; ingest it with OCR on"):
        _parse(pdfs.broken_font_pdf(tmp_path / "roto.pdf"), mode="off")


def test_cli_ocr_off(tmp_path, monkeypatch, capsys):
    for name, value in hash_environment(tmp_path / "index").items():
        monkeypatch.setenv(name, value)
    mixed = _mixed_pdf(tmp_path)
    assert main(["ingest", str(mixed), "--ocr", "off", "--no-progress", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)[0]
    assert report["ocr_pages"] == 0 and report["warnings"] == [
        "2 of 5 pages have unreadable text; ingest with --ocr auto to recover them"
    ]
    scan = pdfs.image_pdf(tmp_path / "escaneo.pdf")
    assert main(["ingest", str(scan), "--ocr", "off", "--no-progress"]) == 1
    assert "error: escaneo.pdf: has no text layer" in capsys.readouterr().err


# With Tesseract


@needs_tesseract
def test_an_image_only_pdf_is_ocrd(tmp_path, index):
    (report,) = ingest_paths(index, [pdfs.image_pdf(tmp_path / "escaneo.pdf")], progress=False)
    assert report.status == "ingested" and report.ocr_pages == 1 and report.pages == 1, report
    assert report.seconds["ocr"] > 0
    hits = search(index, "derecho humano al agua patrimonio nacional estratégico", k=3)
    assert hits and all(h.chunk.ocr for h in hits)
    assert hits[0].chunk.text.startswith("Art. 12.- Derecho al agua")
    assert accuracy(" ".join(pdfs.SCANNED_LINES[:3]), hits[0].chunk.text.split("\n")[0]) >= 0.95
    assert hit_json(hits[0])["ocr"] is True and hit_json(hits[0])["kind"] == "text"


@needs_tesseract
def test_the_broken_font_pdf_is_recovered_by_ocr(tmp_path):
    info, chunks = _parse(pdfs.broken_font_pdf(tmp_path / "roto.pdf", pages=1))
    assert info.ocr_pages == 1 and info.warnings == () and all(c.ocr for c in chunks)
    text = " ".join(c.text for c in chunks)
    assert accuracy(" ".join(pdfs.GARBLED_LINES), text) >= 0.95, text


@needs_tesseract
def test_a_mixed_pdf_ocrs_only_its_garbled_pages(tmp_path):
    info, chunks = _parse(_mixed_pdf(tmp_path))
    assert info.ocr_pages == 2 and info.warnings == ()
    assert {c.ocr for c in chunks if c.page_end <= 3} == {False}
    assert any(c.ocr and "Gestión de la salud pública" in c.text for c in chunks)


@needs_tesseract
def test_a_scanned_page_among_text_pages_is_ocrd_in_their_language(tmp_path, monkeypatch):
    languages = []
    read = ocr.read_pages

    def reading(data: bytes, numbers: list[int], language: str, *rest: object) -> dict[int, str]:
        languages.append(language)
        return read(data, numbers, language, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(ocr, "read_pages", reading)
    info, chunks = _parse(_mixed_pdf(tmp_path, scanned=True))
    assert languages == ["spa"] and info.ocr_pages == 1 and info.warnings == ()
    scanned = [c for c in chunks if c.ocr]
    assert scanned and all(c.page_end == 4 for c in scanned)
    assert "derecho humano al agua" in " ".join(c.text for c in scanned)


@needs_tesseract
def test_force_ocrs_every_page(tmp_path):
    info, chunks = _parse(pdfs.report_pdf(tmp_path / "informe.pdf"), mode="force")
    assert info.ocr_pages == 3 and all(c.ocr for c in chunks)
    assert any("mercurio se acumula en los peces" in c.text for c in chunks)


def test_the_citation_says_ocr():
    assert source_label("LEY", "Art. 7", 2, 2, "es", ocr=True) == "“LEY”, Art. 7, p. 2, OCR"
    assert source_label("LOI", None, 2, 3, "fr", ocr=True) == "“LOI”, p. 2-3, OCR"
    assert source_label("LEY", None, 2, 2, "en") == "“LEY”, p. 2"


@needs_tesseract
def test_an_extractive_answer_cites_the_ocr_page(tmp_path, index):
    from assistant.answer.ask import ask

    ingest_paths(index, [pdfs.image_pdf(tmp_path / "escaneo.pdf")], progress=False)
    answer = ask(index, "¿Qué dice la ley sobre el derecho humano al agua?")
    assert not answer.abstained and answer.citations and all(c.ocr for c in answer.citations)
    assert ", OCR" in answer.answer


# The real scan (slow): four pages of the guarantees law photocopied at 150 dpi


@pytest.fixture(scope="module")
def scan_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Index, FileReport]]:
    if not SCAN.is_file():
        pytest.skip(f"the scan is not at {SCAN} (it sits beside the project in CI)")
    if not TESSERACT:
        pytest.skip("Tesseract with Spanish data is not installed (apt-get install tesseract-ocr-spa)")
    index = Index(hash_settings(tmp_path_factory.mktemp("scan") / "index"))
    start = time.perf_counter()
    (report,) = ingest_paths(index, [SCAN], progress=False)
    elapsed = time.perf_counter() - start
    per_page = report.seconds["ocr"] / report.pages
    print(f"\nscan: {report.pages} pages, OCR {per_page:.1f} s/page, ingest {elapsed:.1f} s")
    yield index, report


@pytest.mark.slow
def test_the_scan_is_ingested_with_ocr(scan_index):
    _, report = scan_index
    assert report.status == "ingested" and report.ocr_pages == report.pages == 4 and not report.warnings


@pytest.mark.slow
def test_the_scan_answers_which_judge_is_competent(scan_index):
    index, _ = scan_index
    hits = search(index, "¿Qué jueza o juez es competente para conocer una garantía jurisdiccional?", k=3)
    found = [h for h in hits if h.chunk.page_start <= 2 <= h.chunk.page_end and "Competencia" in h.chunk.text]
    assert found and found[0].chunk.ocr and hit_json(found[0])["ocr"] is True, [
        h.chunk.text[:80] for h in hits
    ]


@pytest.mark.slow
def test_the_ocr_of_article_7_matches_the_law(scan_index):
    import pypdfium2 as pdfium

    if not LAW.is_file():
        pytest.skip(f"the real law is not at {LAW}")
    index, _ = scan_index
    pdf = pdfium.PdfDocument(LAW)
    law = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    pdf.close()
    start = law.index("Art. 7.- Competencia")
    original = law[start : law.index(".", law.index("efectos", start)) + 1]
    hits = search(index, "Art. 7 Competencia jueza o juez de primera instancia del lugar", k=5)
    text = next(" ".join(h.chunk.text.split()) for h in hits if "Competencia" in h.chunk.text)
    at = text.index("Art. 7")
    ocr_text = text[at : at + len(original)]
    score = accuracy(original, ocr_text)
    print(f"\nArt. 7, first sentence: {score:.3f}\n  law: {original}\n  OCR: {ocr_text}")
    assert score >= 0.95
