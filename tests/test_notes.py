"""Field notes (Markdown, text, DOCX) as sources of type 'notes': sections from headings, citable
pages, clear errors; folders still give only their PDFs."""

from __future__ import annotations

import pytest

from assistant.answer.ask import ask
from assistant.index.write import ingest_paths
from assistant.ingest.parse import expand_paths

NOTES = """# Notas de misión, Puyo

## Entrevista, Fiscalía, 12/11

La fiscal explicó que las víctimas de trata en los campamentos mineros no denuncian por miedo.
Pidió capacitación en técnicas especiales de investigación.

## Visita al río Napo, 13/11

La comunidad ribereña describió peces muertos y agua turbia cerca de las dragas.
"""


def test_markdown_notes_are_ingested_as_notes_and_cited(index, tmp_path):
    path = tmp_path / "notas-puyo.md"
    path.write_text(NOTES, "utf-8")
    [report] = ingest_paths(index, [path], progress=False)
    assert (report.status, report.doc_type, report.pages) == ("ingested", "notes", 1)
    assert index.manifest.documents["notas-puyo.md"].title == "Notas de misión, Puyo"
    chunks = index.store.chunks()
    assert {c.heading.rsplit(" > ", 1)[-1] for c in chunks} >= {
        "Entrevista, Fiscalía, 12/11",
        "Visita al río Napo, 13/11",
    }
    answer = ask(index, "¿Por qué las víctimas de trata no denuncian según la fiscal?")
    assert answer.citations and answer.citations[0].file == "notas-puyo.md"
    assert "no denuncian por miedo" in answer.citations[0].quote


def test_docx_notes_keep_their_headings(index, tmp_path):
    from docx import Document

    doc = Document()
    doc.add_heading("Compte rendu de mission", level=1)
    doc.add_heading("Réunion avec le parquet", level=2)
    doc.add_paragraph("Le parquet manque de moyens pour enquêter sur l'orpaillage illégal.")
    doc.save(str(tmp_path / "compte-rendu.docx"))
    [report] = ingest_paths(index, [tmp_path / "compte-rendu.docx"], progress=False)
    assert (report.status, report.doc_type, report.language) == ("ingested", "notes", "fr")
    assert any(c.heading.endswith("Réunion avec le parquet") for c in index.store.chunks())


def test_empty_or_broken_notes_fail_alone_with_a_reason(index, tmp_path, law):
    (tmp_path / "vacias.md").write_text("\n\n", "utf-8")
    (tmp_path / "rota.docx").write_bytes(b"PK not really a docx")
    reports = {
        r.file: r
        for r in ingest_paths(index, [tmp_path / "vacias.md", tmp_path / "rota.docx", law], progress=False)
    }
    assert reports["vacias.md"].error == "vacias.md: has no text; check that it is the right file"
    assert reports["rota.docx"].error.startswith("rota.docx: is not a readable DOCX")
    assert reports["ley-prueba.pdf"].status == "ingested"


def test_folders_give_only_their_pdfs(tmp_path, law):
    (tmp_path / "fuente.md").write_text("# no", "utf-8")
    assert [p.name for p in expand_paths([tmp_path])] == ["ley-prueba.pdf"]


@pytest.mark.parametrize("name", ["notas.md", "acta.txt", "informe.docx"])
def test_upload_names_keep_note_extensions(name):
    from assistant.ui.uploads import safe_name

    assert safe_name(name) == name
