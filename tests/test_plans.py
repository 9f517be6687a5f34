"""Section plans follow the terms of reference: every theme of both axes and every specific objective of the
mission is a sub-heading of the section where it belongs, with 3-5 retrieval questions and the kind of
source that would cover it; the three languages share one structure; `no_source` fills in `needs`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.draft.plans import Plan, load_plan, structure_differences
from assistant.errors import SettingsError
from assistant.language import LANGUAGES
from assistant.settings import Settings

PROMPTS = Settings().prompts_dir

# Terms of reference theme -> (section, sub-heading id, axis). Ids other code and tests use are kept:
# legal-trafficking, legal-mining, rights-nature, consultation, victims, mercury, investigation,
# restoration, meetings-held, findings-trafficking, findings-environment, sources.
THEMES: dict[str, tuple[str, str, str]] = {
    # A. Trafficking in persons linked to illegal mining
    "updating the national action plan": ("interventions", "action-plan", "A"),
    "legal framework: criminal law on trafficking": ("context", "legal-trafficking", "A"),
    "legal framework: illegal mining": ("context", "legal-mining", "A"),
    "legal framework: money laundering": ("context", "money-laundering", "A"),
    "legal framework: organised crime": ("context", "organised-crime", "A"),
    "reforming the legal framework": ("interventions", "legal-reform", "A"),
    "institutional capacity: prevention": ("issues-needs", "prevention", "A"),
    "institutional capacity: investigation": ("interventions", "investigation", "A"),
    "institutional capacity: victim care": ("issues-needs", "victims", "A"),
    "governance: committee, civil society": ("context", "governance", "A"),
    # B. Ecological restoration and socio-environmental risk
    "diagnosis of damage and health risks (mercury)": ("issues-needs", "mercury", "B"),
    "critical zones and most exposed populations": ("issues-needs", "critical-zones", "B"),
    "participatory restoration": ("interventions", "restoration", "B"),
    "protected areas and ancestral territories": ("interventions", "protected-areas", "B"),
    "rights of nature": ("context", "rights-nature", "B"),
    "prior consultation, self-determination": ("context", "consultation", "B"),
    "formal mining financing conservation": ("interventions", "mining-finance", "B"),
    "community and technological monitoring": ("interventions", "monitoring", "B"),
    # The mission's specific objectives
    "key actors": ("context", "key-actors", "both"),
    "legal, institutional and operational frameworks": ("context", "institutions", "both"),
    "capacity-building needs": ("issues-needs", "capacity-needs", "both"),
    "social and security impacts": ("issues-needs", "impacts", "both"),
    "synergies with national and regional initiatives": ("interventions", "synergies", "both"),
    # Mission report (5 pages)
    "meetings held": ("meetings", "meetings-held", "both"),
    "findings, axis A": ("findings", "findings-trafficking", "A"),
    "findings, axis B": ("findings", "findings-environment", "B"),
    "information gathered": ("information", "information-gathered", "both"),
    "sources consulted": ("information", "sources", "both"),
}
RECOMMENDATIONS = ["strategy", "partners", "risks", "action-lines"]
MAX_CONCEPT_NOTE_SUBHEADINGS = 30  # each question is one retrieval: drafting time grows with them


def plan_data(language: str = "es") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PROMPTS / "sections" / f"{language}.json").read_text("utf-8"))
    return data


def write_plan(folder: Path, data: dict[str, Any], language: str = "es") -> Path:
    (folder / "sections").mkdir(exist_ok=True)
    (folder / "sections" / f"{language}.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return folder


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {language: load_plan(PROMPTS, language) for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_plan_loads_and_fills_no_source_with_what_is_needed(plans, language):
    plan = plans[language]
    assert plan.language == language
    sub = plan.sections["context"].subheadings[0]
    note = plan.missing_note(sub)
    assert sub.needs and sub.needs in note and note != plan.gap and "{" not in note


def test_the_three_languages_share_one_structure(plans):
    assert structure_differences(plans) == []
    data = plan_data("fr")
    subs = data["sections"]["findings"]["subheadings"]
    subs[0]["axis"] = "both"
    changed = {"es": plans["es"], "fr": Plan.model_validate(data)}
    assert structure_differences(changed) == [
        "fr: section 'findings' has sub-headings (id, axis) "
        "[('findings-trafficking', 'both'), ('findings-environment', 'B')]; "
        "es has [('findings-trafficking', 'A'), ('findings-environment', 'B')]"
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_subheading_has_three_to_five_questions_and_says_what_would_cover_it(plans, language):
    for section_id, section in plans[language].sections.items():
        for sub in section.subheadings:
            where = f"{language}/{section_id}/{sub.id}"
            assert 3 <= len(sub.questions) <= 5, where
            assert len(set(sub.questions)) == len(sub.questions), where
            assert all(q.rstrip().endswith("?") for q in sub.questions), where
            assert sub.needs.strip(), where


def test_every_theme_of_the_terms_of_reference_is_a_subheading_where_it_belongs(plans):
    plan = plans["es"]
    found = {h.id: (s, h.axis) for s, section in plan.sections.items() for h in section.subheadings}
    misplaced = {theme: found.get(i) for theme, (s, i, a) in THEMES.items() if found.get(i) != (s, a)}
    assert not misplaced, misplaced
    assert [h.id for h in plan.sections["recommendations"].subheadings] == RECOMMENDATIONS
    concept_note = [h for s in plan.section_ids("concept-note") for h in plan.sections[s].subheadings]
    assert len(concept_note) <= MAX_CONCEPT_NOTE_SUBHEADINGS
    assert {h.axis for h in concept_note} == {"A", "B", "both"}


def test_a_plan_without_needs_or_no_source_still_loads(tmp_path):
    data = plan_data()
    del data["no_source"]
    for section in data["sections"].values():
        for sub in section["subheadings"]:
            del sub["needs"]
    plan = load_plan(write_plan(tmp_path, data), "es")
    sub = plan.sections["context"].subheadings[0]
    assert sub.needs == "" and plan.no_source == "" and plan.missing_note(sub) == plan.gap


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("Ninguna fuente indexada trata este punto.", "lacks the placeholder {needs}"),
        ("Falta {fuente}.", "the only placeholder allowed is {needs}"),
    ],
)
def test_a_no_source_template_needs_its_placeholder(tmp_path, template, problem):
    data = plan_data()
    data["no_source"] = template
    with pytest.raises(SettingsError, match=rf"es\.json: invalid section plan .*{problem}"):
        load_plan(write_plan(tmp_path, data), "es")


def test_a_subheading_id_used_twice_is_refused(tmp_path):
    data = plan_data()
    data["sections"]["findings"]["subheadings"][1]["id"] = "findings-trafficking"
    with pytest.raises(SettingsError, match=r"ids used more than once: \['findings-trafficking'\]"):
        load_plan(write_plan(tmp_path, data), "es")
