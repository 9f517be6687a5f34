"""`Draft` -> Markdown or DOCX (python-docx): headings, sourced bullets with [n], the numbered references,
and a sources annex listing each document with the articles and pages cited."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from assistant.answer.messages import source_label
from assistant.types import Draft

WORDS_PER_PAGE = 500  # a single-spaced A4 page of report prose with headings
MADE = {
    "es": "Borrador generado sin modelo de lenguaje: cada punto es una cita textual de las fuentes.",
    "fr": "Brouillon produit sans modèle de langue : chaque point est une citation textuelle des sources.",
    "en": "Draft made without a language model: every point is a verbatim quote from the indexed sources.",
}
LABELS = {
    "es": {"refs": "Referencias", "annex": "Anexo: fuentes citadas", "made": MADE["es"], "doc": "Documento",
           "articles": "Artículos", "pages": "Páginas"},
    "fr": {"refs": "Références", "annex": "Annexe : sources citées", "made": MADE["fr"], "doc": "Document",
           "articles": "Articles", "pages": "Pages"},
    "en": {"refs": "References", "annex": "Annex: sources cited", "made": MADE["en"], "doc": "Document",
           "articles": "Articles", "pages": "Pages"},
}  # fmt: skip


def _article_order(article: str) -> list[tuple[int, int | str]]:
    """'Art. 92' < 'Art. 92.1' < 'Art. 260' < 'Art. 10 bis' sorts by number, then suffix."""
    parts = article.replace("Art. ", "").replace(".", " ").split()
    return [(0, int(x)) if x.isdigit() else (1, x) for x in parts]


def annex(draft: Draft) -> list[tuple[str, str, str, str]]:
    """(title, file, articles, pages) of each cited document, in order of first citation."""
    articles: dict[str, set[str]] = defaultdict(set)
    pages: dict[str, set[int]] = defaultdict(set)
    titles: dict[str, str] = {}
    for c in draft.citations:
        titles.setdefault(c.file, c.title)
        if c.article:
            articles[c.file].add(c.article)
        pages[c.file].update(range(c.page_start, c.page_end + 1))
    return [
        (
            titles[f],
            f,
            ", ".join(sorted(articles[f], key=_article_order)),
            ", ".join(map(str, sorted(pages[f]))),
        )
        for f in titles
    ]


def to_markdown(draft: Draft) -> str:
    labels = LABELS[draft.language]
    out = [f"# {draft.title}", "", f"*{labels['made']}*", ""]
    for section in draft.sections:
        out += [f"## {section.title}", ""]
        for part in section.parts:
            out += [f"### {part.title}", ""]
            out += (
                [draft.gap_marker]
                if part.gap
                else [f"- «{b.text}» [{', '.join(map(str, b.citations))}]" for b in part.bullets]
            )
            out.append("")
    out += [f"## {labels['refs']}", ""]
    out += [
        f"[{c.n}] {source_label(c.title, c.article, c.page_start, c.page_end, draft.language)} — {c.file}"
        for c in draft.citations
    ]
    out += [
        "",
        f"## {labels['annex']}",
        "",
        f"| {labels['doc']} | | {labels['articles']} | {labels['pages']} |",
        "|---|---|---|---|",
    ]
    out += [f"| {t} | {f} | {a} | {p} |" for t, f, a, p in annex(draft)]
    return "\n".join(out) + "\n"


def estimate_pages(draft: Draft) -> float:
    """Pages the body would take (words / 500), references and annex excluded."""
    words = sum(len(b.text.split()) + 2 for s in draft.sections for p in s.parts for b in p.bullets)
    words += sum(len(p.title.split()) + 20 for s in draft.sections for p in s.parts)
    return round(words / WORDS_PER_PAGE, 1)


def to_docx(draft: Draft, path: Path) -> Path:
    """Title page, headings, bullets with [n], the references and the sources annex as a table."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    labels = LABELS[draft.language]
    doc = Document()
    doc.add_heading(draft.title, level=0)
    doc.add_paragraph().add_run(labels["made"]).italic = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for section in draft.sections:
        doc.add_heading(section.title, level=1)
        for part in section.parts:
            doc.add_heading(part.title, level=2)
            if part.gap:
                doc.add_paragraph(draft.gap_marker)
            for bullet in part.bullets:
                doc.add_paragraph(
                    f"«{bullet.text}» [{', '.join(map(str, bullet.citations))}]", style="List Bullet"
                )
    doc.add_heading(labels["refs"], level=1)
    for c in draft.citations:
        doc.add_paragraph(
            f"[{c.n}] {source_label(c.title, c.article, c.page_start, c.page_end, draft.language)} — {c.file}"
        )
    doc.add_heading(labels["annex"], level=1)
    table = doc.add_table(rows=1, cols=4)
    for cell, text in zip(
        table.rows[0].cells, (labels["doc"], "", labels["articles"], labels["pages"]), strict=True
    ):
        cell.text = text
    for row in annex(draft):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def markdown_to_docx(text: str, path: Path) -> Path:
    """The (possibly edited) Markdown of a draft as DOCX: '#' headings, '- ' bullets, table rows and
    paragraphs — what the app exports after the user has edited the text."""
    from docx import Document

    doc = Document()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or set(stripped) <= set("|-: "):
            continue
        level = len(stripped) - len(stripped.lstrip("#"))
        if 0 < level <= 4 and stripped[level : level + 1] == " ":
            doc.add_heading(stripped[level:].strip(), level=level - 1)
        elif stripped.startswith("- "):
            doc.add_paragraph(stripped[2:], style="List Bullet")
        elif stripped.startswith("|"):
            doc.add_paragraph(
                " · ".join(cell.strip() for cell in stripped.strip("|").split("|") if cell.strip())
            )
        else:
            doc.add_paragraph(stripped.strip("*"))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
