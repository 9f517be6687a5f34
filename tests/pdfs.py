"""Small PDFs generated from code for tests: known text on known pages, plus every kind of bad file."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

WATERMARK = ["Descargado", "gratuitamente desde", "www.leyesdemo.com.", "ec"]
NOTICE = [
    "Este documento ha sido descargado de las bases de datos de LEYESDEMO S.A. con el único",
    "propósito de consulta. Queda prohibida su comercialización sin autorización de www.leyesdemo.",
    "com.ec y de LEYESDEMO S.A.",
]

# Each page: the lines between the watermark (top) and the page-number footer (bottom).
LAW_PAGES: list[list[str]] = [
    [
        *NOTICE,
        "LEY DE PRUEBA CONTRA LA TRATA",
        "LIBRO PRIMERO",
        "LA INFRACCIÓN PENAL",
        "TÍTULO IV",
        "INFRACCIONES EN PARTICULAR",
        "CAPÍTULO PRIMERO",
        "GRAVES VIOLACIONES A LOS DERECHOS HUMANOS",
        "SECCIÓN SEGUNDA",
        "Trata de personas",
        "Art. 91.- Trata de personas.- La captación, transporte o acogida de personas con fines de",
        "explotación constituye delito de trata de personas.",
        "Nota: Inciso primero sustituido por Ley No. 0, publicada en Registro Oficial Suplemento 386",
        "de 5 de febrero del 2021.",
        "CONCORDANCIAS:",
        "CÓDIGO CIVIL (LIBRO I), Arts. 303",
    ],
    [
        "Art. 92.- Sanción para el delito de trata de personas.- La trata de personas será sancionada:",
        "1. Con pena privativa de libertad de dieciséis a diecinueve años.",
        "2. Con pena privativa de libertad de diecinueve a veintidós años, si la víctima pertenece a un",
        "grupo de atención prioritaria.",
        "Nota: Artículo sustituido por artículo 1 de Ley No. 0, publicada en Registro Oficial Suplemento",
        "599 de 12 de julio del 2024. El texto anterior era el siguiente:",
        "Art. 92.- Sanción anterior.- La trata será sancionada con pena de trece a dieciséis años.",
        "JURISPRUDENCIA:",
        "Gaceta Judicial, TRATA, 04-jul-2019",
        "Art. 92.1.- Reparación a la víctima.- La víctima recibirá reparación integral en los términos de",
        "este Código, como se dispone en el",
        "Art. 77 de este Código y las normas de la Constitución.",
    ],
    [
        "Art. 92 bis.- Registro de víctimas.- El ente rector llevará un registro reservado de víctimas.",
        "Art. ... (1).- Cooperación internacional.- El Estado cooperará con otros Estados en la persecución",
        "del delito.",
        "Art. 94-A.- Persona jurídica.- Cuando una persona jurídica sea responsable de trata, será",
        "sancionada con multa de cien a mil salarios básicos unificados del trabajador en general.",
        "Artículo 95.- Extracción ilegal de órganos.- La persona que extraiga órganos sin cumplir los",
        "requisitos legales será sancionada con pena privativa de libertad de diez a trece años, y",
        "la explota-",
        "ción de la víctima agrava la pena.",
    ],
]

REPORT_SECTIONS = [
    (
        "1. Contexto",
        ["La minería ilegal de oro afecta los ríos de la Amazonía.", "El mercurio se acumula en los peces."],
    ),
    (
        "2. Hallazgos",
        ["Las comunidades ribereñas están expuestas.", "Se recomienda un monitoreo comunitario."],
    ),
    (
        "3. Recomendaciones",
        ["Fortalecer la Fiscalía especializada.", "Apoyar la restauración participativa."],
    ),
]


def law_pdf(path: Path, pages: list[list[str]] | None = None, watermark: bool = True) -> Path:
    """A small piece of legislation with a four-line watermark, a vendor notice and page numbers."""
    pages = LAW_PAGES if pages is None else pages
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("LEYESDEMO S.A.")
    for number, lines in enumerate(pages, start=1):
        y = 800
        for text in (WATERMARK if watermark else []) + lines:
            c.drawString(50, y, text)
            y -= 16
        c.drawString(280, 40, f"Página {number} de {len(pages)}")
        c.showPage()
    c.save()
    return path


def report_pdf(
    path: Path,
    title: str = "Informe de misión de prueba",
    keywords: str = "",
    sections: list[tuple[str, list[str]]] | None = None,
) -> Path:
    """A report with a PDF outline: one page per section, a running header and a footer."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setKeywords(keywords)
    for number, (heading, paragraphs) in enumerate(sections or REPORT_SECTIONS, start=1):
        key = f"s{number}"
        c.bookmarkPage(key)
        c.addOutlineEntry(heading, key, level=0)
        c.drawString(50, 810, title)
        c.drawString(50, 780, heading)
        y = 760
        for paragraph in paragraphs:
            c.drawString(50, y, paragraph)
            y -= 16
        c.drawString(280, 40, f"Página {number}")
        c.showPage()
    c.save()
    return path


TABLE_CAPTION = "Tabla 1. Casos de malaria por provincia amazónica"
TABLE_ROWS = [
    ["Provincia", "Casos 2022", "Casos 2023", "Variación"],
    ["Sucumbíos", "1.204", "1.530", "27%"],
    ["Orellana", "860", "1.015", "18%"],
    ["Napo", "312", "298", "-4%"],
    ["Pastaza", "455", "610", "34%"],
]
TABLE_NOTE = "Fuente: Ministerio de Salud Pública, datos de prueba."


def table_report_pdf(path: Path, caption_inside: bool = False) -> Path:
    """A two-page report whose section '2. Hallazgos' holds a ruled table (TABLE_ROWS, header first)
    captioned TABLE_CAPTION: above the grid, or (`caption_inside`) in a top row spanning it with the
    note TABLE_NOTE in a bottom row spanning it, as PROVEA's tables are drawn."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("Informe de prueba sobre salud y minería")
    text = [
        (780, "1. Contexto"),
        (760, "La minería ilegal de oro en la Amazonía ecuatoriana deja pozas de agua estancada."),
        (744, "Las pozas favorecen la reproducción del mosquito que transmite la malaria."),
        (710, "2. Hallazgos"),
        (690, "Los casos de malaria aumentaron en las provincias con más minería ilegal."),
        (674, "La tabla siguiente resume los casos registrados por el Ministerio de Salud."),
    ]
    for key, heading in (("s1", "1. Contexto"), ("s2", "2. Hallazgos")):
        c.bookmarkPage(key)  # the outline gives the sections (each title is found on its page)
        c.addOutlineEntry(heading, key, level=0)
    for y, line in text:
        c.drawString(50, y, line)
    columns = [50, 170, 280, 390, 500]
    top = 620
    if not caption_inside:
        c.drawString(50, top + 12, TABLE_CAPTION)
    spans = [TABLE_CAPTION] if caption_inside else []
    rows = [*([None] * len(spans)), *TABLE_ROWS, *([None] if caption_inside else [])]
    bottom = top - 20 * len(rows)
    for i in range(len(rows) + 1):
        c.line(columns[0], top - 20 * i, columns[-1], top - 20 * i)
    c.line(columns[0], top, columns[0], bottom)
    c.line(columns[-1], top, columns[-1], bottom)
    first, last = (1, len(rows) - 1) if caption_inside else (0, len(rows))
    for x in columns[1:-1]:
        c.line(x, top - 20 * first, x, top - 20 * last)
    for i, row in enumerate(rows):
        y = top - 20 * i - 14
        if row is None:
            c.drawString(columns[0] + 4, y, TABLE_CAPTION if i == 0 else TABLE_NOTE)
            continue
        for x, cell in zip(columns, row, strict=False):
            c.drawString(x + 4, y, cell)
    c.drawString(50, bottom - 30, "Las provincias del norte concentran la mayoría de los casos del año.")
    c.showPage()
    c.bookmarkPage("s3")
    c.addOutlineEntry("3. Recomendaciones", "s3", level=0)
    c.drawString(50, 780, "3. Recomendaciones")
    c.drawString(50, 760, "Fortalecer la vigilancia epidemiológica en las zonas mineras de la Amazonía.")
    c.showPage()
    c.save()
    return path


def scanned_pdf(path: Path) -> Path:
    """Pages with shapes but no text layer, like a scan (OCR reads nothing in them, in about a second)."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(2):
        c.rect(50, 50, 400, 600)
        c.rect(100, 500, 80, 60, fill=1)
        c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path, source: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secreto", owner_password="secreto")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def corrupt_pdf(path: Path, source: Path) -> Path:
    """The first 40% of a real PDF followed by garbage: the header is there, the body is not."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5] + b"\x00garbage\xff" * 50)
    return path


GARBLED_LINES = [
    "Gestión de la salud pública: informe anual de la defensoría",
    "La comunidad indígena denuncia la minería ilegal en el río Caroní y pide",
    "la protección de sus territorios ancestrales frente a la deforestación.",
    "Los casos de malaria aumentaron en los estados Bolívar y Amazonas durante el año.",
    "El Estado debe garantizar el acceso al agua potable y a los servicios de salud.",
]


def broken_font_pdf(path: Path, lines: list[str] | None = None, pages: int = 2, seed: int = 14) -> Path:
    """Text drawn in a Type 3 font whose character codes are shuffled and that has no /ToUnicode map:
    it renders as readable Spanish, but its text layer is a glyph-for-glyph substitution, as in PDFs
    whose fonts lack a usable text mapping. Each glyph draws the real letter in Helvetica."""
    import random

    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines = GARBLED_LINES if lines is None else lines
    chars = sorted({ch for line in lines for ch in line} - {" "})
    codes = [*range(33, 127), *range(161, 256)]
    random.Random(seed).shuffle(codes)  # seeded: the same file every run
    code_of = {ch: codes[i] for i, ch in enumerate(chars)} | {" ": 32}
    widths = {code: stringWidth(ch, "Helvetica", 1000) for ch, code in code_of.items()}
    first, last = min(widths), max(widths)
    # Objects: 1 catalog, 2 page tree, 3 font, 4 Helvetica, 5.. glyph procedures, then pages and contents.
    glyph = "{:.0f} 0 d0 BT /H 1000 Tf ({}) Tj ET"  # the width, then the letter in Helvetica
    procs = [
        _stream(glyph.format(widths[code], "{}").encode().replace(b"{}", _escape(ch.encode("cp1252"))))
        for ch, code in sorted(code_of.items(), key=lambda item: item[1])
    ]
    ordered = sorted(code_of.values())
    page_ids = [5 + len(procs) + 2 * i for i in range(pages)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % i for i in page_ids), pages),
        (
            "<< /Type /Font /Subtype /Type3 /FontBBox [0 -250 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] "
            f"/FirstChar {first} /LastChar {last} "
            f"/Widths [{' '.join(f'{widths.get(c, 0):.0f}' for c in range(first, last + 1))}] "
            f"/Encoding << /Type /Encoding /Differences [{' '.join(f'{c} /g{c}' for c in ordered)}] >> "
            f"/CharProcs << {' '.join(f'/g{c} {5 + i} 0 R' for i, c in enumerate(ordered))} >> "
            "/Resources << /Font << /H 4 0 R >> >> >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        *procs,
    ]
    for page_id in page_ids:
        shown = b" ".join(b"(" + _escape(bytes(code_of[c] for c in line)) + b") Tj T*" for line in lines)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /T 3 0 R >> >> >>" % (page_id + 1)
        )
        objects.append(_stream(b"BT /T 13 Tf 50 780 Td 20 TL " + shown + b" ET"))
    path.write_bytes(_pdf_file(objects))
    return path


def _escape(data: bytes) -> bytes:
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _pdf_file(objects: list[bytes]) -> bytes:
    """A PDF file from numbered objects (1..n, the first the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


SCANNED_LINES = [
    "Art. 12.- Derecho al agua.- El derecho humano al agua es fundamental",
    "e irrenunciable. Constituye patrimonio nacional estratégico de uso",
    "público, inalienable, imprescriptible, inembargable y esencial para la vida.",
    "Art. 13.- Soberanía alimentaria.- Las personas y colectividades tienen",
    "derecho al acceso seguro y permanente a alimentos sanos y suficientes.",
]


def image_pdf(path: Path, lines: list[str] | None = None, pages: int = 1, dpi: int = 200) -> Path:
    """A scan without a scanner: each page one grayscale image of text (no text layer), A4 at `dpi`."""
    import os

    import reportlab
    from PIL import Image, ImageDraw, ImageFont

    vera = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
    font = ImageFont.truetype(vera, dpi // 7)
    images = []
    for number in range(1, pages + 1):
        image = Image.new("L", (dpi * 827 // 100, dpi * 1169 // 100), 255)
        draw = ImageDraw.Draw(image)
        for row, text in enumerate([*(SCANNED_LINES if lines is None else lines), f"Página {number}"]):
            draw.text((dpi * 2 // 3, dpi * 2 // 3 + row * dpi // 4), text, fill=0, font=font)
        images.append(image)
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path
