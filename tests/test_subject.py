"""A draft quotes a passage under a sub-heading only when the passage is about it."""

from __future__ import annotations

import json

import pytest

from assistant.draft.plans import load_plan
from assistant.draft.subject import SubjectTest, is_reference, load_subjects, subject_text
from assistant.errors import SettingsError
from assistant.settings import Settings
from assistant.types import Chunk, Hit

TRAFFICKING_HEADING = "LIBRO PRIMERO > TÍTULO IV > CAPÍTULO PRIMERO > SECCIÓN SEGUNDA: Trata de personas"
CUSTOMS_HEADING = "LIBRO PRIMERO > TÍTULO IV > CAPÍTULO QUINTO > SECCIÓN SEXTA: Delitos aduaneros"
PENALTY = (
    "Art. 92.- Sanción para el delito de trata de personas.- La trata de personas será sancionada con "
    "pena privativa de libertad de dieciséis a diecinueve años; si concurren circunstancias agravantes, "
    "con la pena máxima."
)
CUSTOMS = (
    "Art. 303.- Circunstancias agravantes de los delitos aduaneros.- Cuando concurran una o más de las "
    "siguientes circunstancias serán sancionadas con el máximo de la pena prevista, también en casos "
    "vinculados a la trata de personas."
)


def hit(text: str, heading: str = "", article: str | None = "Art. 1", language: str = "es") -> Hit:
    chunk = Chunk(f"c{len(text)}", "d", "f.pdf", "T", "law", language, 1, 1, article, heading, text)
    return Hit(1, 1.0, chunk)


@pytest.fixture(scope="module")
def test() -> SubjectTest:
    return SubjectTest.load(Settings().prompts_dir)


def test_an_article_is_about_its_rubric_not_the_words_of_its_body(test):
    penalty, customs = hit(PENALTY, TRAFFICKING_HEADING, "Art. 92"), hit(CUSTOMS, CUSTOMS_HEADING, "Art. 303")
    assert test.about("legal-trafficking", penalty)
    assert not test.about("legal-trafficking", customs)  # "trata de personas" only in its body
    question = 1  # "¿Qué penas se prevén para la trata de personas y qué circunstancias las agravan?"
    assert test.keeps("legal-trafficking", question, penalty, PENALTY)
    assert not test.keeps("legal-trafficking", question, customs, CUSTOMS)


def test_an_article_without_rubric_is_about_its_first_sentence_and_chapter():
    text = "Art. 71.- La naturaleza o Pacha Mama tiene derecho a que se respete su existencia. Otra frase."
    assert subject_text(hit(text, "TÍTULO II > Capítulo séptimo: Derechos de la naturaleza")) == (
        "La naturaleza o Pacha Mama tiene derecho a que se respete su existencia "
        "Capítulo séptimo: Derechos de la naturaleza"
    )


def test_a_report_passage_is_about_its_text(test):
    text = "El mercurio vertido por las dragas contamina los ríos y se acumula en los peces de las familias."
    passage = hit(text, "RESULTADOS", article=None)
    assert test.about("mercury", passage) and not test.about("legal-trafficking", passage)


def test_a_quote_must_cover_its_questions_distinctive_words(test):
    text = "El mercurio vertido por las dragas contamina los ríos y se acumula en los peces de las familias."
    passage = hit(text, "RESULTADOS", article=None)
    assert test.about("mercury", passage)
    assert test.keeps("mercury", 0, passage, text)  # how mercury pollutes rivers and fish
    assert not test.keeps("mercury", 3, passage, text)  # who must prove there is no environmental damage


def test_a_bibliography_entry_is_never_quoted(test):
    entry = "“Consecuencias de la minería ilegal para las comunidades indígenas”. En línea en http://example.org/x"
    assert is_reference(entry) and not is_reference(PENALTY)
    assert not test.keeps("impacts", 0, hit(entry, "LITERATURA CITADA", article=None), entry)


def test_every_subheading_has_subject_terms_and_no_term_names_an_unknown_one():
    folder = Settings().prompts_dir
    subjects = load_subjects(folder)
    ids = {s.id for section in load_plan(folder, "es").sections.values() for s in section.subheadings}
    assert set(subjects) == ids and all(subjects.values())


def test_a_bad_subjects_file_is_refused_and_a_missing_one_tests_nothing(tmp_path):
    (tmp_path / "sections").mkdir()
    assert load_subjects(tmp_path) == {}
    assert SubjectTest({}, {}).about("anything", hit(CUSTOMS))
    (tmp_path / "sections" / "subjects.json").write_text(json.dumps({"mercury": "mercurio"}))
    with pytest.raises(SettingsError, match=r"subjects\.json"):
        load_subjects(tmp_path)
