"""Section plans as data: prompts/sections/<lang>.json -> validated `Plan` (deliverables, sections,
sub-headings and the questions that drive retrieval for each). Users edit the JSON, not the code."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import InvalidInputError, SettingsError
from assistant.language import Language

Axis = Literal["A", "B", "both"]


class Subheading(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, description="Stable id, the same in every language's plan.")
    axis: Axis = Field(
        description="A: trafficking tied to illegal mining; B: ecological restoration and "
        "socio-environmental risk; both: shared. `--axis` keeps one axis and the shared ones."
    )
    title: str = Field(min_length=1, description="The heading printed in the draft.")
    questions: tuple[str, ...] = Field(
        min_length=1, description="Asked of the indexed documents, one retrieval each; their evidence "
        "becomes the sub-heading's text. 3-5 concrete questions in the plan's language.",
    )  # fmt: skip
    needs: str = Field(
        default="", description="What kind of source would cover the sub-heading if the indexed documents "
        "do not (a noun phrase in the plan's language, e.g. 'el Plan de Acción contra la Trata o notas de "
        "entrevista con el Ministerio del Interior'); fills the plan's `no_source` sentence.",
    )  # fmt: skip


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    subheadings: tuple[Subheading, ...] = Field(min_length=1)


class Deliverable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    sections: tuple[str, ...] = Field(min_length=1)


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Language
    gap: str = Field(min_length=1, description="The marker a sub-heading without evidence shows.")
    no_source: str = Field(
        default="", description="Sentence template for a sub-heading without evidence, with a `{needs}` "
        "placeholder for the sub-heading's `needs`; empty: the `gap` marker alone.",
    )  # fmt: skip
    deliverables: dict[str, Deliverable]
    sections: dict[str, Section]

    @field_validator("no_source")
    @classmethod
    def _one_needs_placeholder(cls, template: str) -> str:
        if not template:
            return template
        try:
            filled = template.format(needs="\0")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"no_source {template!r}: the only placeholder allowed is {{needs}}") from exc
        if filled == template.format(needs=""):  # filling changed nothing: no {needs} in it
            raise ValueError(f"no_source {template!r} lacks the placeholder {{needs}}")
        return template

    @model_validator(mode="after")
    def _known_sections(self) -> Plan:
        for name, deliverable in self.deliverables.items():
            missing = [s for s in deliverable.sections if s not in self.sections]
            if missing:
                raise ValueError(f"deliverable {name!r} names unknown sections {missing}")
        ids = [h.id for s in self.sections.values() for h in s.subheadings]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"sub-heading ids used more than once: {repeated}")
        return self

    def targets(self) -> tuple[str, ...]:
        """What `assistant draft` accepts, in plan order: each deliverable's sections, then the
        deliverable itself; then sections no deliverable names."""
        ordered: list[str] = []
        for name, deliverable in self.deliverables.items():
            ordered += [s for s in deliverable.sections if s not in ordered] + [name]
        return (*ordered, *(s for s in self.sections if s not in ordered))

    def section_ids(self, target: str) -> tuple[str, ...]:
        """The sections a target names: one section id, or a deliverable id (all its sections)."""
        if target in self.deliverables:
            return self.deliverables[target].sections
        if target in self.sections:
            return (target,)
        known = sorted([*self.deliverables, *self.sections])
        raise InvalidInputError(f"Unknown section {target!r}; use one of: {', '.join(known)}.")

    def missing_note(self, sub: Subheading) -> str:
        """What a draft says under a sub-heading without evidence: `no_source` filled with the
        sub-heading's `needs`, or the `gap` marker when either is empty."""
        if self.no_source and sub.needs:
            return self.no_source.format(needs=sub.needs)
        return self.gap

    def structure(self) -> tuple[dict[str, tuple[str, ...]], dict[str, list[tuple[str, str]]]]:
        """Everything but the texts: each deliverable's sections, and each section's sub-heading ids
        and axes, in order. The plans of all languages must have the same."""
        deliverables = {name: d.sections for name, d in self.deliverables.items()}
        return deliverables, {
            name: [(h.id, h.axis) for h in s.subheadings] for name, s in self.sections.items()
        }


def structure_differences(plans: Mapping[str, Plan]) -> list[str]:
    """How each plan's structure differs from the first one's (empty when all agree): deliverables,
    section ids, and each section's sub-heading ids and axes in order."""
    if not plans:
        return []
    (first, reference), *others = plans.items()
    deliverables, wanted = reference.structure()
    problems = []
    for language, plan in others:
        found, got = plan.structure()
        if list(found.items()) != list(deliverables.items()):
            problems.append(f"{language}: deliverables {found} differ from {first}'s {deliverables}")
        if list(got) != list(wanted):
            problems.append(f"{language}: sections {list(got)} differ from {first}'s {list(wanted)}")
        for name in (n for n in wanted if n in got and got[n] != wanted[n]):
            problems.append(f"{language}: section {name!r} has sub-headings (id, axis) {got[name]}; "
                            f"{first} has {wanted[name]}")  # fmt: skip
    return problems


def load_plan(folder: Path, language: str) -> Plan:
    """prompts/sections/<language>.json, validated; an error names the file and the problem."""
    path = folder / "sections" / f"{language}.json"
    if not path.is_file():
        raise SettingsError(f"{path}: no section plan for language {language!r}; add one (see es.json).")
    try:
        return Plan.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, ValidationError) as exc:
        problem = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise SettingsError(f"{path}: invalid section plan ({problem}); fix the file.") from exc
