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


def scanned_pdf(path: Path) -> Path:
    """Pages with shapes but no text layer, like a scan."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(2):
        c.rect(50, 50, 400, 600, fill=1)
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
