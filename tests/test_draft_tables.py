"""The concept note's tables (assistant.draft.tables): reform dates read from reform notes, pipe tables in
Markdown, real tables in DOCX, and — over the real laws (slow) — the current COIP penalties with their
items and last reform, and the mandate articles of the prosecution service, the ombudsman and the
Constitutional Court."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.draft.export import markdown_table, to_docx, to_markdown
from assistant.draft.registry import Registry
from assistant.draft.tables import key_actors, last_reform, legal_framework
from assistant.index import Index
from assistant.index.write import ingest_paths
from assistant.testing import hash_settings
from assistant.types import Draft, DraftTable

NOTES = (
    "Nota: Inciso final agregado por artículo 48 de Ley No. 0, publicada en Registro Oficial Suplemento 279 "
    "de 29 de Marzo del 2023 .",
    "Nota: Artículo sustituido por artículo 7 de Ley No. 0, publicada en Registro Oficial Suplemento 599 "
    "de 12 de julio del 2024 .",
    "Nota: La Corte Nacional de Justicia, declara como Precedente Jurisprudencial Obligatorio, … "
    "Resolución No. 20, publicada en Registro Oficial Suplemento 689 de 22 de noviembre del 2024 .",
)
TABLE = DraftTable(
    "Cadre pénal", ("Infraction", "Article", "Peines"), (("Traite", "Art. 92 [1]", "16 à 19 ans | a"),)
)


def test_the_last_reform_is_the_latest_registro_oficial_that_is_not_a_precedent():
    assert last_reform(NOTES) == (date(2024, 7, 12), "R.O. Supl. 599")
    assert last_reform(NOTES[:1]) == (date(2023, 3, 29), "R.O. Supl. 279")
    assert last_reform(NOTES[2:]) is None and last_reform(()) is None


def test_a_table_is_a_pipe_table_in_markdown_and_a_real_table_in_docx(tmp_path: Path):
    from docx import Document

    assert markdown_table(TABLE) == [
        "| Infraction | Article | Peines |",
        "|---|---|---|",
        "| Traite | Art. 92 [1] | 16 à 19 ans \\| a |",
    ]
    draft = Draft("Note", "fr", "extractive", (), (), "[gap]", tables=(TABLE,))
    assert "## Tableaux extraits des sources\n\n### Cadre pénal\n\n| Infraction |" in to_markdown(draft)
    doc = Document(str(to_docx(draft, tmp_path / "note.docx")))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Infraction", "Article", "Peines"]
    assert [c.text for c in table.rows[1].cells] == ["Traite", "Art. 92 [1]", "16 à 19 ans | a"]


@pytest.fixture(scope="module")
def real_laws(real_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Index:
    index = Index(hash_settings(tmp_path_factory.mktemp("laws") / "index"))
    ingest_paths(index, sorted(real_corpus.glob("*.pdf")), progress=False)
    return index


@pytest.mark.slow
def test_the_legal_framework_lists_the_current_coip_penalties_and_reforms(real_laws: Index):
    registry = Registry()
    table = legal_framework(real_laws, "es", registry)
    assert table is not None
    rows = {row[0]: row for row in table.rows}
    trafficking = rows["Trata de personas"]
    assert trafficking[1].startswith("Art. 91, Art. 92 [")
    assert "16 a 19 años de pena privativa de libertad (num. 1)" in trafficking[2]
    assert trafficking[3] == "12/07/2024 (R.O. Supl. 599)"
    assert rows["Actividad ilícita de recursos mineros"][2].startswith(
        "16 a 20 años de pena privativa de libertad"
    )
    assert "3 a 5 años" in rows["Financiamiento o suministro de maquinarias para extracción ilícita"][2]
    cited = {c.article for c in registry.citations.values() if c.file.startswith("coip")}
    assert {"Art. 91", "Art. 92", "Art. 260", "Art. 261", "Art. 317", "Art. 369"} <= cited
    french = legal_framework(real_laws, "fr", Registry())
    assert french is not None and "16 à 19 ans de privation de liberté" in french.rows[0][2]


@pytest.mark.slow
def test_key_actors_carry_their_constitutional_mandate_articles(real_laws: Index):
    registry = Registry()
    table = key_actors(real_laws, "fr", registry)
    assert table is not None
    roles = {row[0]: row[2] for row in table.rows}
    assert roles["Ministère public (Fiscalía General del Estado)"].startswith("Art. 195 [")
    assert roles["Défenseur du peuple (Defensoría del Pueblo)"].startswith("Art. 215 [")
    assert roles["Cour constitutionnelle"].startswith("Art. 429 [")
    mandates = {c.article: c.file for c in registry.citations.values()}
    assert all(mandates[a].startswith("constitucion") for a in ("Art. 195", "Art. 215", "Art. 429"))
