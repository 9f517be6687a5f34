"""Is a retrieved passage about its sub-heading? A draft quotes a passage under a sub-heading only if

- its *subject* names the sub-heading's subject: one of the sub-heading's terms
  (`prompts/sections/subjects.json`) is in a legal article's rubric or first sentence and its chapter
  heading, or in a report passage's text and section heading — the body of an article does not count,
  so "Circunstancias agravantes de los delitos aduaneros" is not quoted under trafficking because it
  shares "circunstancias agravantes" with a question;
- a Spanish quote covers enough of its question's distinctive words (SHARE_FLOOR; the Spanish plan's
  question in the same place): words weighted by how few of the plan's sub-headings ask about them, so
  "minería ilegal", asked everywhere, counts for little (French passages are tested on their subject
  alone: the stemmer is Spanish);
- it is not a bibliography entry (a reference list names a topic without saying anything about it).

The answers' own relevance ranking chose the passages; this test only removes the ones a reader would
call off-topic. The floor and the terms were chosen on the 190 passages the French concept note's answers
offered over the laws and reports, labelled by hand; the Spanish note was the held-out check
(evals/results/drafts/audit-2026-11-30.md; README, "Drafting").
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answer.evidence import QUESTION_WORDS, rubric
from assistant.draft.plans import Plan, load_plan
from assistant.errors import SettingsError
from assistant.language import tokenize
from assistant.types import Filters, Hit

if TYPE_CHECKING:
    from assistant.index import Index

SHARE_FLOOR = 0.3
_ARTICLE_NUMBER = re.compile(r"^Art\.\s*[\w.]+\s*\.?\s*-\s*")
_REFERENCE = re.compile(r"https?://|www\.|\bEn línea\b|\bDisponible en\b|\bRecuperado de\b", re.IGNORECASE)


def load_subjects(folder: Path) -> dict[str, tuple[str, ...]]:
    """prompts/sections/subjects.json: sub-heading id -> subject terms (empty when the file is absent:
    no subject test)."""
    path = folder / "sections" / "subjects.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path}: invalid JSON ({exc}); fix the file.") from exc
    if not isinstance(data, dict) or not all(map(_terms, data.values())):
        raise SettingsError(f"{path}: expected {{sub-heading id: [term, ...]}}; fix the file.")
    return {key: tuple(terms) for key, terms in data.items()}


def _terms(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(t, str) and t.strip() for t in value)


def subject_text(hit: Hit) -> str:
    """What a passage is about: an article's rubric (or its first sentence, for articles without one)
    and its chapter; a report passage's text and section heading."""
    chunk = hit.chunk
    if chunk.article is None:
        return f"{chunk.text} {chunk.heading}"
    first = _ARTICLE_NUMBER.sub("", chunk.text.split("\n")[0], count=1)
    named = rubric(chunk.text) or first.split(". ")[0]
    return f"{named} {chunk.heading.split(' > ')[-1]}"


def head_of(index: Index, chunk_id: str, hit: Hit | None = None) -> Hit:
    """The passage to judge the subject of: the chunk itself, or the first part of its article when the
    article was split (the rubric is there; a later part starts mid-article, "c) Cuando …")."""
    found = hit or Hit(0, 0.0, index.store.chunks([chunk_id])[0])
    chunk = found.chunk
    if chunk.article and chunk.part > 1:
        parts = index.store.article_chunks(chunk.article, Filters.of([chunk.file]))
        first = [c for c in parts if c.part == 1 and c.doc_id == chunk.doc_id]
        if first:
            return Hit(found.rank, found.score, first[0])
    return found


def is_reference(text: str) -> bool:
    """A bibliography or web-reference entry ("… En línea al 17.02.17 en http://…")."""
    return bool(_REFERENCE.search(text))


@dataclass
class SubjectTest:
    """Built once per draft from the plans (by language; the Spanish one weighs question words) and the
    subject terms."""

    plans: Mapping[str, Plan]
    subjects: Mapping[str, tuple[str, ...]]
    _weights: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> SubjectTest:
        """From prompts/sections/: every language's plan, and subjects.json."""
        plans = {p.stem: load_plan(folder, p.stem) for p in sorted((folder / "sections").glob("??.json"))}
        return cls(plans, load_subjects(folder))

    def about(self, sub_id: str, hit: Hit) -> bool:
        """The passage's subject names the sub-heading's (always true for a sub-heading without terms)."""
        return not self.subjects.get(sub_id) or self.term(sub_id, hit) is not None

    def term(self, sub_id: str, hit: Hit) -> str | None:
        """The first of the sub-heading's terms the passage's subject names (None: none does)."""
        tokens = set(tokenize(subject_text(hit)))
        return next((t for t in self.subjects.get(sub_id, ()) if set(tokenize(t)) <= tokens), None)

    def keeps(self, sub_id: str, question_index: int, hit: Hit, quote: str) -> bool:
        """The quote may stand under the sub-heading: about its subject, not a reference, and, for a
        Spanish passage (the stemmer is Spanish), covering its question's distinctive words (the Spanish
        plan's question of the same place)."""
        if is_reference(quote) or not self.about(sub_id, hit):
            return False
        if hit.chunk.language != "es":
            return True
        weights = self._question_weights(sub_id, question_index)
        total = sum(weights.values())
        if not total:
            return True
        present = set(tokenize(quote))
        return sum(w for t, w in weights.items() if t in present) / total >= SHARE_FLOOR

    def _question_weights(self, sub_id: str, index: int) -> dict[str, float]:
        """The Spanish question's content stems, each weighted log(sub-headings / sub-headings asking it);
        computed for every question of the plan on first use."""
        if not self._weights and "es" in self.plans:
            subs = [s for section in self.plans["es"].sections.values() for s in section.subheadings]
            asked = {s.id: [tokenize(q) for q in s.questions] for s in subs}
            spread = Counter(t for questions in asked.values() for t in {w for q in questions for w in q})
            for sid, questions in asked.items():
                for i, words in enumerate(questions):
                    self._weights[f"{sid}:{i}"] = {
                        t: math.log(len(subs) / spread[t])
                        for t in dict.fromkeys(words)
                        if t not in QUESTION_WORDS
                    }
        return self._weights.get(f"{sub_id}:{index}", {})
