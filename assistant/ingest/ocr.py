"""list[Page] -> list[Page]: pages with no text layer (scans) or with garbled text (fonts without a text
mapping) are rendered with pypdfium2 and read by Tesseract, when it is installed and OCR is on; without
it, garbled runs are left out and a warning says how many pages could not be read."""

from __future__ import annotations

import functools
import io
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.errors import DocumentError
from assistant.ingest.readable import is_garbled, readable_lines
from assistant.language import detect_language
from assistant.settings import OCRSettings
from assistant.types import Page

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

INSTALL = "apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-fra"
TESSERACT_LANGUAGE = {"es": "spa", "fr": "fra", "en": "eng"}
FALLBACK_LANGUAGES = "spa+fra+eng"  # no readable page tells the language: the first OCR'd page will
DETECT_MIN_CHARS = 200  # readable text needed to take the OCR language from the document's other pages
EMPTY_CHARS = 25  # a page with fewer characters has no text layer
IMAGE_PAGE_CHARS = 200  # ... nor has one with fewer under an image covering most of it (a scan with a stamp)
IMAGE_COVER = 0.6
INK_SHARE = 0.0005  # a rendered page with fewer dark pixels is blank: nothing to read
MEDIAN = 3  # a 3-pixel median filter removes a scan's speckle: Art. 7 of the test scan reads 0.97 -> 0.99


@dataclass(slots=True)
class Recovered:
    """The pages after OCR (or without their garbled runs), and what the ingest report should say."""

    pages: list[Page]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0  # spent rendering and reading page images
    attempted: int = 0  # pages given to OCR (blank ones are rendered, then skipped)
    unreadable: int = 0  # pages with no text layer that could not be OCR'd


@functools.lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Tesseract's installed languages ('spa', 'fra', ...); empty when Tesseract is not installed."""
    command = shutil.which("tesseract")
    if command is None:
        return frozenset()
    try:
        listed = subprocess.run([command, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("tesseract is installed but does not run: %s", exc)
        return frozenset()
    # The first line is a header ('List of available languages in "..." (4):'); 'osd' is not a language.
    return frozenset(
        line.strip() for line in listed.stdout.splitlines()[1:] if line.strip() not in ("", "osd")
    )


def recover(pages: list[Page], data: bytes, name: str, settings: OCRSettings) -> Recovered:
    """OCR the pages that need it (every page with `force`), or drop garbled runs and warn."""
    if not pages:
        return Recovered(pages)
    garbled = {p.number for p in pages if is_garbled(p.text)}
    few = {p.number: len(p.text.strip()) for p in pages if len(p.text.strip()) < IMAGE_PAGE_CHARS}
    scanned = _scanned(data, few)
    empty = {number for number, chars in few.items() if chars < EMPTY_CHARS} | scanned
    wanted = [p.number for p in pages] if settings.mode == "force" else sorted(garbled | empty)
    if not wanted:
        return Recovered(pages)
    if settings.mode == "off" or not installed_languages():
        return _without_ocr(pages, garbled, scanned, settings, len(empty))
    start = time.perf_counter()
    texts = read_pages(data, wanted, _document_language(pages, set(wanted), settings), settings, name)
    by_number = {number: Page(number, text, ocr=True) for number, text in texts.items()}
    recovered = [by_number.get(p.number, p) for p in pages]
    log.info("%s: %d page(s) read by OCR", name, len(by_number))
    return Recovered(recovered, seconds=time.perf_counter() - start, attempted=len(wanted))


def _without_ocr(
    pages: list[Page], garbled: set[int], scanned: set[int], settings: OCRSettings, empty: int
) -> Recovered:
    """Garbled runs dropped; a warning for garbled pages, and one for scanned pages (pages without text
    and without a page-sized image are taken for blank ones: no warning)."""
    how = "ingest with --ocr auto" if settings.mode == "off" else f"install OCR (tesseract-ocr: {INSTALL})"
    warnings = []
    if garbled:
        warnings.append(f"{len(garbled)} of {len(pages)} pages have unreadable text; {how} to recover them")
    if scanned and empty < len(pages):
        warnings.append(f"{len(scanned)} of {len(pages)} pages are scanned, without text; {how} to read them")
    kept = [Page(p.number, readable_lines(p.text), p.ocr) if p.number in garbled else p for p in pages]
    return Recovered(kept, warnings, unreadable=empty)


def _scanned(data: bytes, chars: dict[int, int]) -> set[int]:
    """The pages (among those with few characters: number -> count) that hold an image covering most of
    the page: scans, some with a stamp or a header in text."""
    if not chars:
        return set()
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    found = set()
    pdf = pdfium.PdfDocument(data)
    try:
        for number in sorted(chars):
            page = pdf[number - 1]
            width, height = page.get_size()
            images = (o for o in page.get_objects(max_depth=2) if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE)
            covered = max((_area(o.get_bounds()) for o in images), default=0.0) / max(1.0, width * height)
            if covered >= IMAGE_COVER:
                found.add(number)
    finally:
        pdf.close()
    return found


def _area(bounds: tuple[float, float, float, float]) -> float:
    left, bottom, right, top = bounds
    return max(0.0, right - left) * max(0.0, top - bottom)


def _document_language(pages: list[Page], wanted: set[int], settings: OCRSettings) -> str:
    """The setting, else the language of the pages that keep their text layer ('' when too little)."""
    if settings.languages:
        return settings.languages
    text = " ".join(p.text for p in pages if p.number not in wanted)
    return TESSERACT_LANGUAGE[detect_language(text)] if len(text.strip()) >= DETECT_MIN_CHARS else ""


def read_pages(
    data: bytes, numbers: list[int], languages: str, settings: OCRSettings, name: str
) -> dict[int, str]:
    """OCR these pages (1-based): Tesseract processes in parallel, one per core. Without `languages`,
    the first page is read with spa+fra+eng and its language is used for the others."""
    images = _render(data, numbers, settings.dpi)
    texts: dict[int, str] = {}
    if not languages:
        first = next(images, None)
        if first is None:
            return texts
        number, png = first
        texts[number] = _tesseract(png, _usable(FALLBACK_LANGUAGES, name), settings, name, number)
        languages = TESSERACT_LANGUAGE[detect_language(texts[number])]
    languages = _usable(languages, name)
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {n: pool.submit(_tesseract, png, languages, settings, name, n) for n, png in images}
        texts |= {number: future.result() for number, future in futures.items()}
    return texts


def _usable(languages: str, name: str) -> str:
    """The requested languages Tesseract has; an error naming the package when it has none of them."""
    installed = installed_languages()
    have = [lang for lang in languages.split("+") if lang in installed]
    if have:
        return "+".join(have)
    package = f"tesseract-ocr-{languages.split('+')[0]}"
    raise DocumentError(
        name, f"cannot be OCR'd: Tesseract has no '{languages}' language data", f"install {package}"
    )


def _render(data: bytes, numbers: list[int], dpi: int) -> Iterator[tuple[int, bytes]]:
    """(page number, grayscale PGM at `dpi`, despeckled) for the pages that are not blank. pypdfium2 is
    not thread-safe, so pages are rendered here, one at a time, while Tesseract reads earlier ones."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    pdf = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            image: Image = pdf[number - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            if sum(image.histogram()[:128]) < INK_SHARE * image.width * image.height:
                continue
            buffer = io.BytesIO()
            image.filter(ImageFilter.MedianFilter(MEDIAN)).save(buffer, format="PPM")
            yield number, buffer.getvalue()
    finally:
        pdf.close()


def _tesseract(image: bytes, languages: str, settings: OCRSettings, name: str, number: int) -> str:
    """One page image -> its text. One thread per process: Tesseract's OpenMP threads made it 3x slower
    on a busy 2-core machine (5.8 against 15 s per page, measured on the test scan)."""
    command = [shutil.which("tesseract") or "tesseract", "stdin", "stdout", "-l", languages]
    command += ["--dpi", str(settings.dpi)]
    environment = os.environ | {"OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command, input=image, capture_output=True, timeout=settings.timeout, env=environment, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise DocumentError(
            name,
            f"OCR of page {number} took longer than {settings.timeout:.0f} s",
            "raise ASSISTANT_OCR__TIMEOUT or lower ASSISTANT_OCR__DPI",
        ) from exc
    if done.returncode != 0:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[-200:]
        raise DocumentError(name, f"OCR of page {number} failed ({detail})", "check `tesseract --list-langs`")
    return done.stdout.decode("utf-8", "replace")
