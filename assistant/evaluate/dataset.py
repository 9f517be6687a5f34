"""Reference Q&A files (JSONL) -> validated `Question`s; a bad line is named with its number and problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import InvalidInputError
from assistant.language import Language


class GoldRef(BaseModel):
    """A page that answers the question: file name as ingested, 1-based physical page, article if any."""

    model_config = ConfigDict(extra="allow", frozen=True)

    file: str
    page: int = Field(ge=1)
    article: str | None = None


class Question(BaseModel):
    """One reference question (format in README, "Reference Q&A files"); `topic` groups the report."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(min_length=1)
    lang: Language
    question: str = Field(min_length=1)
    answerable: bool
    gold: tuple[GoldRef, ...] = ()
    reference_answer: str = ""
    key_facts: tuple[str, ...] = ()
    key_facts_alt: tuple[str, ...] = ()
    topic: str = ""
    # exam: names the legal concept; scenario: a situation in everyday words; multi: needs two articles or
    # documents; unanswerable: on topic, not in the documents; report: over an NGO or research report
    type: Literal["", "exam", "scenario", "multi", "unanswerable", "report"] = ""

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.answerable and not self.gold:
            raise ValueError("an answerable question needs at least one gold page")
        if not self.answerable and self.gold:
            raise ValueError("an unanswerable question cannot have gold pages")
        if self.key_facts_alt and len(self.key_facts_alt) != len(self.key_facts):
            raise ValueError("key_facts_alt must be empty or as long as key_facts")
        return self

    def fact_forms(self) -> list[tuple[str, ...]]:
        """Accepted forms of each key fact: the fact and, when given and different, its alternative."""
        alts = self.key_facts_alt or self.key_facts
        return [tuple(dict.fromkeys((fact, alt))) for fact, alt in zip(self.key_facts, alts, strict=True)]


def load_questions(path: Path) -> list[Question]:
    """Every question of a JSONL file, blank lines skipped; InvalidInputError names the first bad line."""
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such question file; give a JSONL file of reference questions.")
    questions: list[Question] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            question = Question.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InvalidInputError(
                f"{path}:{number}: not valid JSON ({exc.msg}); fix or remove the line."
            ) from exc
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "record"
            raise InvalidInputError(
                f"{path}:{number}: {where}: {error['msg']}; see the format in the README, section "
                "'Reference Q&A files'."
            ) from exc
        if question.id in seen:
            raise InvalidInputError(f"{path}:{number}: duplicate id {question.id!r}; ids must be unique.")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise InvalidInputError(f"{path}: no questions in the file.")
    return questions
