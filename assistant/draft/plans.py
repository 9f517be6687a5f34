"""Section plans as data: prompts/sections/<lang>.json -> validated `Plan` (deliverables, sections,
sub-headings and the questions that drive retrieval for each). Users edit the JSON, not the code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import InvalidInputError, SettingsError
from assistant.language import Language

Axis = Literal["A", "B", "both"]


class Subheading(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    axis: Axis
    title: str = Field(min_length=1)
    questions: tuple[str, ...] = Field(min_length=1)


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
    gap: str = Field(min_length=1)
    deliverables: dict[str, Deliverable]
    sections: dict[str, Section]

    @model_validator(mode="after")
    def _known_sections(self) -> Plan:
        for name, deliverable in self.deliverables.items():
            missing = [s for s in deliverable.sections if s not in self.sections]
            if missing:
                raise ValueError(f"deliverable {name!r} names unknown sections {missing}")
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
