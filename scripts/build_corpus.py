"""Render the demo corpus sources (corpus/src/*.md) to reproducible A4 PDFs with reportlab."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

META_RE = re.compile(r"^<!--\s*(\w+)\s*:\s*(.*?)\s*-->$")
META_KEYS = {"title", "author", "subject", "keywords", "lang", "doc_type"}
DOC_TYPES = {"report", "plan", "notes"}
PAGE_LABEL = {"es": "Página", "fr": "Page"}
MARGIN = 2.2 * cm
GREY = HexColor("#555555")

BASE = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14.5, spaceAfter=6)


def heading_style(name: str, size: float, before: float, after: float) -> ParagraphStyle:
    """Bold heading style that stays with the following block."""
    return ParagraphStyle(
        name, BASE, fontName="Helvetica-Bold", fontSize=size, leading=size + 4,
        spaceBefore=before, spaceAfter=after, keepWithNext=1,
    )  # fmt: skip


STYLES: dict[str, ParagraphStyle] = {
    "h1": heading_style("h1", 17, 0, 14),
    "h2": heading_style("h2", 13.5, 10, 6),
    "h3": heading_style("h3", 11.5, 6, 4),
    "p": ParagraphStyle("p", BASE, alignment=4),
    "li": ParagraphStyle("li", BASE, leftIndent=16, bulletIndent=4, spaceAfter=3),
}
MARGINS = {
    "leftMargin": MARGIN,
    "rightMargin": MARGIN,
    "topMargin": 2.3 * cm,
    "bottomMargin": MARGIN,
}


@dataclass
class Source:
    """A parsed source document: its main title, metadata and content blocks."""

    heading: str
    meta: dict[str, str] = field(default_factory=dict)
    blocks: list[tuple[str, str]] = field(default_factory=list)


def parse(text: str, name: str) -> Source:
    """Parse the minimal markup (``#``, ``##``, ``###``, ``- ``, metadata comments)."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise ValueError(f"{name}: first line must be '# Title'")
    src = Source(heading=lines[0][2:].strip())
    para: list[str] = []

    def flush() -> None:
        if para:
            src.blocks.append(("p", " ".join(para)))
            para.clear()

    for num, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        try:
            line.encode("cp1252")
        except UnicodeEncodeError as exc:
            raise ValueError(f"{name}:{num}: character outside cp1252: {exc}") from exc
        meta = META_RE.match(line)
        if meta:
            key, value = meta.groups()
            if key not in META_KEYS:
                raise ValueError(f"{name}:{num}: unknown metadata key {key!r}")
            src.meta[key] = value
        elif not line:
            flush()
        elif line.startswith(("## ", "### ", "- ")):
            flush()
            kind = {"##": "h2", "###": "h3", "-": "li"}[line.split(" ", 1)[0]]
            src.blocks.append((kind, line.split(" ", 1)[1].strip()))
        else:
            para.append(line)
    flush()
    if src.meta.get("doc_type", "report") not in DOC_TYPES:
        raise ValueError(f"{name}: doc_type must be one of {sorted(DOC_TYPES)}")
    if src.meta.get("lang", "es") not in PAGE_LABEL:
        raise ValueError(f"{name}: lang must be one of {sorted(PAGE_LABEL)}")
    return src


class Heading(Paragraph):
    """A heading paragraph that registers a PDF bookmark and outline entry when drawn."""

    def __init__(self, text: str, style: ParagraphStyle, key: str, level: int) -> None:
        """Create a heading; ``level`` 0 for ``##``, 1 for ``###``."""
        super().__init__(escape(text), style)
        self.outline_title = text
        self.key = key
        self.level = level

    def draw(self) -> None:
        """Draw the heading, then anchor the outline entry at its top edge."""
        super().draw()
        self.canv.bookmarkHorizontal(self.key, 0, self.height)
        self.canv.addOutlineEntry(self.outline_title, self.key, level=self.level, closed=False)


def story(src: Source) -> list[Flowable]:
    """Turn parsed blocks into platypus flowables."""
    flows: list[Flowable] = [Paragraph(escape(src.heading), STYLES["h1"])]
    for index, (kind, text) in enumerate(src.blocks):
        if kind in ("h2", "h3"):
            level = 0 if kind == "h2" else 1
            flows.append(Heading(text, STYLES[kind], key=f"h{index}", level=level))
        elif kind == "li":
            flows.append(Paragraph(escape(text), STYLES["li"], bulletText="\u2022"))
        else:
            flows.append(Paragraph(escape(text), STYLES["p"]))
    flows.append(Spacer(1, 6))
    return flows


class CorpusDoc(SimpleDocTemplate):
    """A4 document whose pages carry a running header and a page-number footer."""

    def __init__(self, filename: str, short_title: str, lang: str, **kw: float | str) -> None:
        """Create a reproducible (``invariant=1``) A4 document."""
        super().__init__(filename, pagesize=A4, invariant=1, lang=lang, **kw)
        self.short_title = short_title
        self.page_label = PAGE_LABEL[lang]

    def beforePage(self) -> None:
        """Draw the running header (first text on every page)."""
        canvas, (width, height) = self.canv, A4
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.4)
        canvas.drawString(MARGIN, height - 1.3 * cm, self.short_title)
        canvas.line(MARGIN, height - 1.45 * cm, width - MARGIN, height - 1.45 * cm)
        canvas.restoreState()
        if self.page == 1:
            canvas.showOutline()

    def afterPage(self) -> None:
        """Draw the footer "Página N" / "Page N" (last text on every page)."""
        canvas = self.canv
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"{self.page_label} {self.page}")
        canvas.restoreState()


def keywords(meta: dict[str, str]) -> str:
    """Build the keywords string: ``doc_type=...; lang=...`` followed by topic keywords."""
    parts = [f"doc_type={meta.get('doc_type', 'report')}", f"lang={meta.get('lang', 'es')}"]
    topics = [k.strip() for k in meta.get("keywords", "").split(";") if k.strip()]
    return "; ".join(parts + topics)


def build(src_path: Path, out_dir: Path) -> tuple[Path, int]:
    """Render one source file to ``out_dir/<stem>.pdf``; return the path and page count."""
    src = parse(src_path.read_text(encoding="utf-8"), src_path.name)
    title = src.meta.get("title", src.heading)
    lang = src.meta.get("lang", "es")
    out = out_dir / f"{src_path.stem}.pdf"
    info = {
        "title": title,
        "author": src.meta.get("author", ""),
        "subject": src.meta.get("subject", ""),
        "keywords": keywords(src.meta),
        "creator": "scripts/build_corpus.py",
    }
    doc = CorpusDoc(str(out), title, lang, **MARGINS, **info)
    doc.build(story(src))
    return out, doc.page


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src", type=Path, default=Path("corpus/src"), help="source directory")
    parser.add_argument("--out", type=Path, default=Path("corpus"), help="output directory")
    args = parser.parse_args(argv)
    sources = sorted(args.src.glob("*.md"))
    if not sources:
        print(f"no *.md sources in {args.src}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sources:
        out, pages = build(path, args.out)
        print(f"{out}: {pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
