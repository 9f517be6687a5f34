"""`Draft` -> Markdown or DOCX (python-docx): headings, sourced bullets with [n], the numbered references,
and a sources annex listing each document with the articles and pages cited."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from assistant.answer.messages import GIST, REPEALED, UNSUPPORTED, citation_label
from assistant.types import Bullet, Citation, Draft, DraftPart, DraftTable

WORDS_PER_PAGE = 500  # a single-spaced A4 page of report prose with headings
MADE = {
    "es": "Borrador generado sin modelo de lenguaje: los hechos jurídicos se extraen de las fuentes citadas, "
    "seguidos de citas textuales; las traducciones automáticas están señaladas.",
    "fr": "Brouillon produit sans modèle de langue : les faits juridiques sont extraits des sources citées, "
    "suivis de citations textuelles ; les traductions automatiques sont signalées.",
    "en": "Draft made without a language model: legal facts are extracted from the cited sources, "
    "followed by verbatim quotes; machine translations are labelled.",
}
WRITTEN = {
    "es": "Borrador redactado por un modelo de lenguaje ({model}): cada cita se verificó contra su fuente y "
    "las oraciones sin respaldo están marcadas. Revíselo antes de enviarlo.",
    "fr": "Brouillon rédigé par un modèle de langue ({model}) : chaque citation a été vérifiée contre sa "
    "source et les phrases non étayées sont signalées. Relisez-le avant de l'envoyer.",
    "en": "Draft written by a language model ({model}): every citation was checked against its source and "
    "unsupported sentences are marked. Review it before sending.",
}
LABELS = {
    "es": {"refs": "Referencias", "annex": "Anexo: fuentes citadas", "doc": "Documento",
           "articles": "Artículos", "pages": "Páginas", "tables": "Cuadros extraídos de las fuentes"},
    "fr": {"refs": "Références", "annex": "Annexe : sources citées", "doc": "Document",
           "articles": "Articles", "pages": "Pages", "tables": "Tableaux extraits des sources"},
    "en": {"refs": "References", "annex": "Annex: sources cited", "doc": "Document",
           "articles": "Articles", "pages": "Pages", "tables": "Tables extracted from the sources"},
}  # fmt: skip


def made(draft: Draft) -> str:
    """How the draft was made, in its language: quoted (extractive) or written and checked (llm)."""
    if draft.mode == "llm":
        return WRITTEN[draft.language].format(model=draft.model)
    return MADE[draft.language]


def cite(text: str, numbers: tuple[int, ...]) -> str:
    """'… sancionada [1, 2].': the draft-wide numbers before the sentence's closing punctuation."""
    marker = f"[{', '.join(map(str, numbers))}]" if numbers else ""
    if not marker:
        return text
    if text[-1:] in ".;:!?":
        return f"{text[:-1]} {marker}{text[-1]}"
    return f"{text} {marker}"


def body(draft: Draft, part: DraftPart) -> list[str]:
    """A sub-heading's text: the gap marker; quoted bullets (extractive); or one paragraph whose
    unsupported sentences carry the checker's mark (llm)."""
    if part.gap:
        return [f"{draft.gap_marker} {part.missing}".strip()]
    if draft.mode == "extractive":
        return [line for b in part.bullets for line in _bullet(b, draft.language)]
    flag = UNSUPPORTED[draft.language]
    return [" ".join(cite(b.text, b.citations) + ("" if b.supported else f" {flag}") for b in part.bullets)]


def _bullet(bullet: Bullet, language: str) -> list[str]:
    """An extractive bullet: the draft's own sentence, or a «quote» followed by its labelled gist."""
    if not bullet.quoted:
        return [f"- {bullet.text}"]
    lines = [f"- {cite(f'«{bullet.text}»', bullet.citations)}"]
    return lines + (
        [
            f"  *{GIST[language]} : {bullet.gist}*"
            if language == "fr"
            else f"  *{GIST[language]}: {bullet.gist}*"
        ]
        if bullet.gist
        else []
    )


def reference(draft: Draft, c: Citation) -> str:
    repealed = c.file in draft.repealed
    label = citation_label(c, draft.language, repealed)
    return f"[{c.n}] {label} — {c.file}"


def _article_order(article: str) -> list[tuple[int, int | str]]:
    """'Art. 92' < 'Art. 92.1' < 'Art. 260' < 'Art. 10 bis' sorts by number, then suffix."""
    parts = article.replace("Art. ", "").replace(".", " ").split()
    return [(0, int(x)) if x.isdigit() else (1, x) for x in parts]


def annex(
    citations: Sequence[Citation], language: str, repealed_files: Collection[str] = ()
) -> list[tuple[str, str, str, str]]:
    """(title, file, articles, pages) of each cited document, in order of first citation."""
    articles: dict[str, set[str]] = defaultdict(set)
    pages: dict[str, set[int]] = defaultdict(set)
    titles: dict[str, str] = {}
    for c in citations:
        repealed = f" ({REPEALED[language]})" if c.file in repealed_files else ""
        titles.setdefault(c.file, c.title + repealed)
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
    out = [f"# {draft.title}", "", f"*{made(draft)}*", ""]
    for section in draft.sections:
        out += [f"## {section.title}", ""]
        for part in section.parts:
            out += [f"### {part.title}", "", *body(draft, part), ""]
    if draft.tables:
        out += [f"## {labels['tables']}", ""]
        for table in draft.tables:
            out += [f"### {table.title}", "", *markdown_table(table), ""]
    out += [f"## {labels['refs']}", ""]
    out += [reference(draft, c) for c in draft.citations]
    out += ["", *annex_markdown(draft.citations, draft.language, draft.repealed)]
    return "\n".join(out) + "\n"


def annex_markdown(citations: Sequence[Citation], language: str, repealed: Collection[str] = ()) -> list[str]:
    """The sources annex as Markdown lines: its heading and a pipe table (document, file, articles,
    pages)."""
    labels = LABELS[language]
    rows = annex(citations, language, repealed)
    return [
        f"## {labels['annex']}", "", f"| {labels['doc']} | | {labels['articles']} | {labels['pages']} |",
        "|---|---|---|---|", *(f"| {t} | {f} | {a} | {p} |" for t, f, a, p in rows),
    ]  # fmt: skip


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(table: DraftTable) -> list[str]:
    """A pipe table: header, separator, one line per row (cells single-spaced, '|' escaped)."""
    lines = [f"| {' | '.join(map(_cell, table.columns))} |", f"|{'---|' * len(table.columns)}"]
    return lines + [f"| {' | '.join(map(_cell, row))} |" for row in table.rows]


def estimate_pages(draft: Draft) -> float:
    """Pages the body and its tables would take (words / 500), references and annex excluded."""
    words = sum(len(b.text.split()) + 2 for s in draft.sections for p in s.parts for b in p.bullets)
    words += sum(len(cell.split()) for t in draft.tables for row in t.rows for cell in row)
    words += sum(len(p.title.split()) + 20 for s in draft.sections for p in s.parts)
    return round(words / WORDS_PER_PAGE, 1)


def to_docx(draft: Draft, path: Path) -> Path:
    """Title page, headings, bullets with [n], the references and the sources annex as a table."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    labels = LABELS[draft.language]
    doc = Document()
    doc.add_heading(draft.title, level=0)
    doc.add_paragraph().add_run(made(draft)).italic = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for section in draft.sections:
        doc.add_heading(section.title, level=1)
        for part in section.parts:
            doc.add_heading(part.title, level=2)
            bulleted = draft.mode == "extractive" and not part.gap
            for text in body(draft, part):
                if text.startswith("  *"):  # a quote's gist, under its bullet
                    doc.add_paragraph().add_run(text.strip().strip("*")).italic = True
                else:
                    doc.add_paragraph(text.removeprefix("- "), style="List Bullet" if bulleted else None)
    if draft.tables:
        doc.add_heading(labels["tables"], level=1)
        for table in draft.tables:
            doc.add_heading(table.title, level=2)
            _docx_table(doc, table.columns, table.rows)
    doc.add_heading(labels["refs"], level=1)
    for c in draft.citations:
        doc.add_paragraph(reference(draft, c))
    doc.add_heading(labels["annex"], level=1)
    _docx_table(
        doc, (labels["doc"], "", labels["articles"], labels["pages"]),
        annex(draft.citations, draft.language, draft.repealed),
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _docx_table(doc: Any, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A real Word table: a header row, then one row per row, with the grid visible."""
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def table_cells(line: str) -> list[str]:
    """The cells of one pipe-table line ('\\|' is a literal bar)."""
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def _blocks(text: str) -> list[tuple[str, int, int]]:
    """Each pipe table of a Markdown text: the nearest heading above it, its first and past-last lines."""
    found, heading, start = [], "", None
    lines = text.splitlines()
    for i, line in enumerate([*lines, ""]):
        stripped = line.strip()
        if stripped.startswith("|"):
            start = i if start is None else start
            continue
        if start is not None:
            found.append((heading, start, i))
            start = None
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip()
    return found


def markdown_tables(text: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """The pipe tables of a (possibly edited) draft: title (the heading above), header, rows — what the
    app's Draft tab shows for editing."""
    lines = text.splitlines()
    out = []
    for title, start, end in _blocks(text):
        rows = [table_cells(x) for x in lines[start:end] if not set(x.strip()) <= set("|-: ")]
        if rows:
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            out.append((title, rows[0], rows[1:]))
    return out


def replace_table(text: str, number: int, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """The text with its `number`-th pipe table (0-based) rewritten from edited cells; unchanged when
    there is no such table."""
    blocks = _blocks(text)
    if number >= len(blocks):
        return text
    _, start, end = blocks[number]
    lines = text.splitlines()
    table = DraftTable("", tuple(columns), tuple(tuple(str(c) for c in row) for row in rows if any(row)))
    return "\n".join([*lines[:start], *markdown_table(table), *lines[end:]]) + (
        "\n" if text.endswith("\n") else ""
    )


def markdown_to_docx(text: str, path: Path) -> Path:
    """The (possibly edited) Markdown of a draft as DOCX: '#' headings, '- ' bullets, pipe tables as real
    Word tables (first line the header) and paragraphs — what the app exports after the user has edited
    the text."""
    from docx import Document

    doc = Document()
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            if not set(stripped) <= set("|-: "):  # the separator line is not a row
                rows.append(table_cells(stripped))
            continue
        if rows:
            width = max(len(r) for r in rows)
            _docx_table(
                doc, rows[0] + [""] * (width - len(rows[0])), [r + [""] * (width - len(r)) for r in rows[1:]]
            )
            rows = []
        if not stripped:
            continue
        level = len(stripped) - len(stripped.lstrip("#"))
        if 0 < level <= 4 and stripped[level : level + 1] == " ":
            doc.add_heading(stripped[level:].strip(), level=level - 1)
        elif stripped.startswith("- "):
            doc.add_paragraph(stripped[2:], style="List Bullet")
        else:
            doc.add_paragraph(stripped.strip("*"))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
