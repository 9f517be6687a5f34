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
from assistant.types import Bullet, Citation, Draft, DraftPart, DraftSection, DraftTable

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


def test_the_mission_report_lists_the_meetings_of_the_field_notes(tmp_path: Path):
    from assistant.draft.compose import build_draft

    notes = Path(__file__).resolve().parents[1] / "corpus" / "src" / "notes-terrain-mission-demo.md"
    index = Index(hash_settings(tmp_path / "index"))
    (report,) = ingest_paths(index, [notes], progress=False)
    assert report.status == "ingested" and report.doc_type == "notes"
    draft = build_draft(index, "mission-report", "fr")
    (table,) = draft.tables
    assert table.columns == ("Date", "Réunion", "Participants", "Points clés")
    assert [(r[0], r[1]) for r in table.rows] == [
        ("16 novembre 2026", "Réunion avec la Fiscalía provinciale (fictive)"),
        ("17 novembre 2026", "Réunion avec une ONG d'accompagnement des victimes (fictive)"),
        ("18 novembre 2026", "Réunion avec une communauté riveraine (fictive)"),
    ]  # the team's debriefing is not a meeting
    assert table.rows[0][2].startswith("Un procureur chargé des délits environnementaux")
    cited = {c.n: c for c in draft.citations}
    first = int(table.rows[0][3].rsplit("[", 1)[1].rstrip("]"))
    assert "Points saillants" in cited[first].quote or cited[first].file == notes.name
    (actors,) = build_draft(index, "context", "fr").tables  # no penal code indexed: no legal framework
    fiscalia = next(r for r in actors.rows if r[0].startswith("Ministère public"))
    assert fiscalia[2].startswith("mentionné, p. 1 [") and fiscalia[3].startswith("Notes de terrain")


def _quote(n: int, words: int = 400) -> Bullet:
    return Bullet(" ".join(["palabra"] * words), (n,))


def test_trimming_leaves_out_the_lowest_ranked_quotes_and_renumbers_every_citation():
    from assistant.draft.export import estimate_pages
    from assistant.draft.trim import trim

    citations = tuple(Citation(n, f"c{n}", "ley.pdf", "LEY", n, n, f"Art. {n}", "cita") for n in range(1, 5))
    first = DraftPart("Marco penal", (Bullet("Peine : 16 à 19 ans — art. 1 [1]", (1,), quoted=False),
                                      _quote(1), _quote(2), _quote(3)), gap=False)  # fmt: skip
    second = DraftPart("Actores", (_quote(4),), gap=False)
    table = DraftTable("Acteurs clés", ("Acteur", "Mandat"), (("Fiscalía", "Art. 4 [4]"),))
    sections = (DraftSection("Contexte", (first, second)),)
    draft = Draft("Nota", "fr", "extractive", sections, citations, "[gap]", tables=(table,))
    assert estimate_pages(draft) > 3
    trimmed, dropped = trim(draft, 2.0)
    assert dropped == 2 and estimate_pages(trimmed) <= 2.0
    kept = trimmed.sections[0].parts
    assert [b.citations for b in kept[0].bullets] == [
        (1,),
        (1,),
    ]  # quotes [2] and [3], the lowest, went first
    assert [b.citations for b in kept[1].bullets] == [(2,)] and trimmed.tables[0].rows[0][1] == "Art. 4 [2]"
    assert [(c.n, c.article) for c in trimmed.citations] == [(1, "Art. 1"), (2, "Art. 4")]
    floor, dropped = trim(draft, 0.1)  # every covered sub-heading keeps one quote, even over the limit
    assert dropped == 2 and all(sum(b.quoted for b in p.bullets) == 1 for p in floor.sections[0].parts)


def test_the_apps_table_editor_reads_and_rewrites_the_drafts_pipe_tables(tmp_path):
    from docx import Document

    from assistant.draft.export import markdown_tables, markdown_to_docx, replace_table, to_markdown
    from assistant.types import Draft, DraftTable

    actors = DraftTable(
        "Actores clave", ("Actor", "Mandato"), (("Fiscalía | FGE", "Art. 195 [1]"), ("UAFE", "—"))
    )
    offences = DraftTable("Marco penal", ("Delito", "Pena"), (("Trata de personas", "16 a 19 años [2]"),))
    text = to_markdown(Draft("Nota", "es", "extractive", (), (), "[gap]", tables=(offences, actors)))
    found = {title: (columns, rows) for title, columns, rows in markdown_tables(text)}
    assert found["Marco penal"] == (["Delito", "Pena"], [["Trata de personas", "16 a 19 años [2]"]])
    assert found["Actores clave"] == (
        ["Actor", "Mandato"],
        [["Fiscalía | FGE", "Art. 195 [1]"], ["UAFE", "—"]],
    )
    number = [title for title, _, _ in markdown_tables(text)].index("Actores clave")
    rows = [["Fiscalía | FGE", "Art. 195 [1]"], ["", ""], ["Ministerio del Ambiente", "Art. 3"]]
    edited = replace_table(text, number, ["Actor", "Mandato"], rows)
    outside = [line for line in text.splitlines() if not line.startswith("|")]
    assert [line for line in edited.splitlines() if not line.startswith("|")] == outside
    assert {t: r for t, _, r in markdown_tables(edited)}["Actores clave"] == [
        ["Fiscalía | FGE", "Art. 195 [1]"],
        ["Ministerio del Ambiente", "Art. 3"],
    ]  # fmt: skip  (the emptied row is dropped; the other table is untouched)
    assert {t: r for t, _, r in markdown_tables(edited)}["Marco penal"] == found["Marco penal"][1]
    word = Document(str(markdown_to_docx(edited, tmp_path / "n.docx")))
    cells = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    assert ["Ministerio del Ambiente", "Art. 3"] in cells and ["Fiscalía | FGE", "Art. 195 [1]"] in cells
    assert replace_table(text, 99, ["x"], [["y"]]) == text
