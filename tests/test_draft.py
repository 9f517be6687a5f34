"""Drafts: section plans load and validate; every citation of a generated draft resolves to an indexed
chunk; sub-headings without evidence are marked; the DOCX opens and holds the headings, references and
annex; the Markdown says the same."""

from __future__ import annotations

import json
import re

import pytest

from assistant.cli import main
from assistant.draft.compose import build_draft, wanted
from assistant.draft.export import estimate_pages, to_docx, to_markdown
from assistant.draft.plans import Plan, load_plan
from assistant.errors import AssistantError
from assistant.index.write import ingest_paths
from assistant.settings import RetrievalSettings, Settings
from assistant.testing import FakeChat, hash_environment, hash_settings


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_every_section_plan_loads_and_names_the_same_sections(language):
    plan = load_plan(Settings().prompts_dir, language)
    assert plan.language == language
    assert plan.section_ids("concept-note") == ("context", "issues-needs", "interventions", "recommendations")
    assert plan.section_ids("mission-report") == ("meetings", "findings", "information")
    spanish = load_plan(Settings().prompts_dir, "es")
    assert {s: [h.id for h in plan.sections[s].subheadings] for s in plan.sections} == {
        s: [h.id for h in spanish.sections[s].subheadings] for s in spanish.sections
    }


def test_a_bad_plan_is_refused_with_its_reason(tmp_path):
    (tmp_path / "sections").mkdir()
    data = json.loads((Settings().prompts_dir / "sections" / "es.json").read_text("utf-8"))
    data["deliverables"]["concept-note"]["sections"].append("nowhere")
    (tmp_path / "sections" / "es.json").write_text(json.dumps(data), "utf-8")
    with pytest.raises(AssistantError, match=r"invalid section plan .*unknown sections \['nowhere'\]"):
        load_plan(tmp_path, "es")
    with pytest.raises(AssistantError, match="no section plan for language 'de'"):
        load_plan(tmp_path, "de")
    plan = Plan.model_validate(
        json.loads((Settings().prompts_dir / "sections" / "es.json").read_text("utf-8"))
    )
    with pytest.raises(AssistantError, match="Unknown section 'preface'"):
        plan.section_ids("preface")


def test_axis_keeps_its_own_and_the_shared_subheadings():
    plan = load_plan(Settings().prompts_dir, "es")
    subs = [h for s in plan.sections.values() for h in s.subheadings]
    assert all(h.axis in ("A", "both") for h in subs if wanted(h, "A"))
    assert {h.axis for h in subs if wanted(h, "both")} == {"A", "B", "both"}


@pytest.fixture
def draft(index, law, report):
    ingest_paths(index, [law, report], progress=False)
    return index, build_draft(index, "context", "es")


def test_every_citation_resolves_to_an_indexed_chunk_and_gaps_are_marked(draft):
    index, result = draft
    stored = {c.chunk_id: c for c in index.store.chunks([c.chunk_id for c in result.citations])}
    assert result.citations and all(c.chunk_id in stored for c in result.citations)
    for c in result.citations:
        assert (c.file, c.page_start, c.article) == (stored[c.chunk_id].file, stored[c.chunk_id].page_start,
                                                     stored[c.chunk_id].article)  # fmt: skip
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
    parts = {p.title: p for s in result.sections for p in s.parts}
    assert not parts["Marco penal de la trata de personas"].gap
    assert parts["Consulta previa y territorios ancestrales"].gap  # the test PDFs say nothing about it
    used = {n for p in parts.values() for b in p.bullets for n in b.citations}
    cells = " ".join(cell for t in result.tables for row in t.rows for cell in row)
    used |= {int(n) for group in re.findall(r"\[([\d, ]+)\]", cells) for n in group.split(",")}
    assert used == {c.n for c in result.citations}  # every reference is used by a bullet or a table


def test_markdown_and_docx_hold_headings_references_and_annex(draft, tmp_path):
    from docx import Document

    _, result = draft
    markdown = to_markdown(result)
    assert "## Análisis del contexto" in markdown and "[sin evidencia en las fuentes indexadas]" in markdown
    assert "## Referencias" in markdown and "[1] “LEY DE PRUEBA CONTRA LA TRATA”, Art. 9" in markdown
    assert "| LEY DE PRUEBA CONTRA LA TRATA | ley-prueba.pdf | Art. 9" in markdown
    doc = Document(str(to_docx(result, tmp_path / "contexto.docx")))
    texts = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Análisis del contexto", "Marco penal de la trata de personas"]
    assert "Referencias" in headings and "Anexo: fuentes citadas" in headings
    assert any(t.startswith("[1] “LEY DE PRUEBA CONTRA LA TRATA”") for t in texts)
    assert any(t.startswith("[sin evidencia en las fuentes indexadas] Ninguna fuente") for t in texts)
    annex = next(t for t in doc.tables if t.rows[0].cells[2].text == "Artículos")
    assert annex.rows[1].cells[1].text == "ley-prueba.pdf" and "Art. 92" in annex.rows[1].cells[2].text
    assert 0 < estimate_pages(result) < 5


def test_draft_command_writes_docx_and_refuses_other_formats(monkeypatch, tmp_path, law, capsys):
    for name, value in hash_environment(tmp_path / "index").items():
        monkeypatch.setenv(name, value)
    main(["ingest", str(law), "--no-progress"])
    assert main(["draft", "concept-note", "--axis", "A", "--out", str(tmp_path / "nota.docx")]) == 0
    assert (
        "sub-headings with evidence" in capsys.readouterr().err
        and (tmp_path / "nota.docx").stat().st_size > 0
    )
    assert main(["draft", "context", "--out", str(tmp_path / "nota.pdf")]) == 2
    assert "the draft is written as .md or .docx" in capsys.readouterr().err


def test_a_mission_report_over_its_page_limit_says_so_and_max_pages_trims_it(
    monkeypatch, tmp_path, law, report, capsys
):
    import assistant.cli.drafts as drafts

    for name, value in hash_environment(tmp_path / "index").items():
        monkeypatch.setenv(name, value)
    main(["ingest", str(law), str(report), "--no-progress"])
    monkeypatch.setattr(drafts, "MAX_REPORT_PAGES", 0.05)  # the test law's report is well under 5 pages
    assert main(["draft", "mission-report", "--out", str(tmp_path / "r.md")]) == 0
    assert "over the 0.05-page limit of a mission report; shorten it before sending or use --max-pages" in (
        capsys.readouterr().err
    )  # any section takes --max-pages; the context section quotes more than the test corpus's report
    assert main(["draft", "context", "--out", str(tmp_path / "r.md")]) == 0
    full = (tmp_path / "r.md").read_text(encoding="utf-8").count("- «")
    assert main(["draft", "context", "--max-pages", "0.05", "--out", str(tmp_path / "t.md")]) == 0
    err = capsys.readouterr().err
    kept = (tmp_path / "t.md").read_text(encoding="utf-8").count("- «")
    assert full > kept >= 1 and f"left out {full - kept} lowest-ranked quote(s)" in err
    assert "over --max-pages 0.05 even with one quote per covered sub-heading" in err


def test_edited_markdown_exports_to_docx(tmp_path):
    from docx import Document

    from assistant.draft.export import markdown_to_docx

    text = (
        "# Nota\n\n## Contexto revisado\n\n- «cita» [1]\n\n"
        "| Doc | f.pdf | Art. 92 | 38 |\n|---|---|---|---|\nTexto libre.\n"
    )
    doc = Document(str(markdown_to_docx(text, tmp_path / "nota.docx")))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", "Nota") in paragraphs and ("Heading 1", "Contexto revisado") in paragraphs
    assert ("List Bullet", "«cita» [1]") in paragraphs and ("Normal", "Texto libre.") in paragraphs
    (table,) = doc.tables  # the pipe table is a real Word table, its first line the header
    assert [c.text for c in table.rows[0].cells] == ["Doc", "f.pdf", "Art. 92", "38"]


PENALTY_SENTENCE = (
    "La trata de personas será sancionada con pena privativa de libertad de dieciséis a diecinueve años"
)


def test_llm_draft_writes_checked_paragraphs_with_draft_wide_citations(index, law, report, tmp_path):
    from docx import Document

    from assistant.answer.messages import UNSUPPORTED
    from assistant.draft.subject import SubjectTest
    from assistant.draft.write import evidence

    ingest_paths(index, [law, report], progress=False)
    plan = load_plan(index.settings.prompts_dir, "es")
    trafficking = plan.sections["context"].subheadings[0]
    test = SubjectTest.load(index.settings.prompts_dir)
    sources = evidence(index, trafficking, test)
    n = next(i for i, h in enumerate(sources, 1) if "dieciséis a diecinueve" in h.chunk.text)
    reply = f"{PENALTY_SENTENCE} [{n}]. La pena se duplica los domingos en Marte [{n}]. Véase también [40]."
    chat = FakeChat(replies=[reply])
    result = build_draft(index, "context", "es", chat=chat)

    assert result.mode == "llm" and result.model == "fake:fake"
    parts = {p.title: p for s in result.sections for p in s.parts}
    written = parts[trafficking.title]
    assert not written.gap and [b.supported for b in written.bullets] == [True, False, False]
    assert written.bullets[0].text == PENALTY_SENTENCE + "."
    penalty = result.citations[written.bullets[0].citations[0] - 1]
    stored = index.store.chunks([penalty.chunk_id])[0]
    assert (penalty.file, penalty.article, penalty.page_start) == (
        "ley-prueba.pdf",
        "Art. 92",
        stored.page_start,
    )
    assert f"{trafficking.title}: removed citation [40], no such source was given" in result.notes
    assert parts["Consulta previa y territorios ancestrales"].gap  # nothing covers it: no model call
    covered = [s for s in plan.sections["context"].subheadings if evidence(index, s, test)]
    assert len(chat.prompts) == len(covered) >= 2  # one call per sub-heading with on-subject evidence
    assert result.tables and all(t.rows for t in result.tables)  # extracted, as in extractive mode
    assert not any("Marte" in cell for t in result.tables for row in t.rows for cell in row)
    system, user = chat.prompts[0]
    assert "«Análisis del contexto»" in system.content and plan.gap in system.content
    assert f"Subtítulo: {trafficking.title}" in user.content and '<fuente n="1"' in user.content

    markdown = to_markdown(result)
    assert (
        f"{PENALTY_SENTENCE} [1]. La pena se duplica los domingos en Marte [1]. {UNSUPPORTED['es']}"
        in markdown
    )
    assert "Borrador redactado por un modelo de lenguaje (fake:fake)" in markdown and "- «" not in markdown
    paragraphs = [p.text for p in Document(str(to_docx(result, tmp_path / "contexto.docx"))).paragraphs]
    assert any(p.startswith(f"{PENALTY_SENTENCE} [1].") and UNSUPPORTED["es"] in p for p in paragraphs)


def test_llm_draft_marks_a_gap_when_the_model_finds_nothing_or_cites_nothing(index, law):

    ingest_paths(index, [law], progress=False)
    gap = load_plan(index.settings.prompts_dir, "fr").gap
    for reply in (gap, "La traite est punie sévèrement."):
        result = build_draft(index, "context", "fr", axis="A", chat=FakeChat(replies=[reply]))
        assert all(p.gap for s in result.sections for p in s.parts) and result.citations == ()
        assert gap in to_markdown(result)


def test_references_and_annex_label_repealed_law(tmp_path, law):
    from assistant.index import Index

    repealed = RetrievalSettings(repealed_files=["ley-prueba.pdf"])
    index = Index(hash_settings(tmp_path / "index", retrieval=repealed))
    ingest_paths(index, [law], progress=False)
    result = build_draft(index, "context", "es", axis="A")
    assert result.repealed == {"ley-prueba.pdf"}
    markdown = to_markdown(result)
    assert "[1] “LEY DE PRUEBA CONTRA LA TRATA” (derogado), Art." in markdown
    assert "| LEY DE PRUEBA CONTRA LA TRATA (derogado) | ley-prueba.pdf |" in markdown


def test_every_subheading_has_text_of_its_own_in_the_drafts_language(index, law, report):
    from assistant.language import detect_language

    ingest_paths(index, [law, report], progress=False)
    result = build_draft(index, "context", "fr")
    for part in (p for s in result.sections for p in s.parts):
        own = [b.text for b in part.bullets if not b.quoted] or [part.missing]
        assert own[0], f"{part.title}: no sentence outside the quotes"
        prose = re.sub(r"«[^»]*»|“[^”]*”|\[[\d, ]+\]", " ", " ".join(own))
        assert detect_language(prose) == "fr", (part.title, prose)
    covered = [p for s in result.sections for p in s.parts if not p.gap]
    assert covered and all(any(b.quoted for b in p.bullets) for p in covered)  # and then the quotes
    assert any(
        b.text.startswith("Peine : 16 à 19 ans de privation de liberté") for p in covered for b in p.bullets
    )


def test_a_conversation_exports_with_its_references_and_the_sources_annex(tmp_path):
    from docx import Document

    from assistant.draft.transcript import transcript_file, transcript_markdown, turn
    from assistant.types import Answer, Citation

    cited = Citation(1, "c1", "coip.pdf", "CÓDIGO ORGÁNICO INTEGRAL PENAL", 38, 38, "Art. 92", "Con pena …")
    other = Citation(1, "c2", "informe.pdf", "Informe", 4, 5, None, "El mercurio …")
    first = Answer("¿Qué pena tiene la trata?", "Pena: 16 a 19 años [1]", "es", False, "extractive", (cited,))
    second = Answer("¿Y el mercurio?", "El informe dice [1]", "es", False, "extractive", (other,))
    turns = [turn(first, "Pena: 16 a 19 años [1]"), turn(second, "El informe dice [1]")]
    text = transcript_markdown(turns, "es")
    assert "## 1. ¿Qué pena tiene la trata?\n\nPena: 16 a 19 años [1]" in text
    assert "- [1] “CÓDIGO ORGÁNICO INTEGRAL PENAL”, Art. 92, p. 38 — coip.pdf" in text
    assert "- [1] “Informe”, pp. 4-5 — informe.pdf" in text
    assert "| CÓDIGO ORGÁNICO INTEGRAL PENAL | coip.pdf | Art. 92 | 38 |" in text  # the annex, both documents
    assert "| Informe | informe.pdf |  | 4, 5 |" in text
    word = Document(str(transcript_file(turns, "es", tmp_path / "c.docx")))
    assert ["Informe", "informe.pdf", "", "4, 5"] in [
        [c.text for c in r.cells] for t in word.tables for r in t.rows
    ]
