"""A draft over its page limit -> the same draft with its lowest-ranked evidence left out: quotes go
first from the end of the sub-heading that quotes the most (within a sub-heading quotes follow the
answers' ranking), each covered sub-heading keeping at least one; then the references nothing cites
any more are dropped and the citations renumbered 1..n in every bullet, sentence and table cell."""

from __future__ import annotations

import dataclasses
import re

from assistant.draft.export import estimate_pages
from assistant.types import Bullet, Draft, DraftSection, DraftTable

_MARK = re.compile(r"\[(\d+(?:,\s*\d+)*)\]")


def trim(draft: Draft, max_pages: float) -> tuple[Draft, int]:
    """The draft cut to `max_pages` (as `estimate_pages` counts) and the number of quotes left out; it
    may stay over the limit when every covered sub-heading is down to one quote."""
    sections = [[list(p.bullets) for p in s.parts] for s in draft.sections]
    dropped = 0
    while estimate_pages(_with(draft, sections)) > max_pages:
        quotes = [(sum(b.quoted for b in bullets), i, j) for i, parts in enumerate(sections)
                  for j, bullets in enumerate(parts)]  # fmt: skip
        most, i, j = max(quotes, default=(0, 0, 0))
        if most <= 1:
            break
        bullets = sections[i][j]
        last = max(k for k, b in enumerate(bullets) if b.quoted)
        del bullets[last]
        dropped += 1
    return renumber(_with(draft, sections)), dropped


def _with(draft: Draft, sections: list[list[list[Bullet]]]) -> Draft:
    return dataclasses.replace(draft, sections=tuple(
        DraftSection(s.title, tuple(dataclasses.replace(p, bullets=tuple(b))
                                    for p, b in zip(s.parts, bullets, strict=True)))
        for s, bullets in zip(draft.sections, sections, strict=True)
    ))  # fmt: skip


def renumber(draft: Draft) -> Draft:
    """Only the citations still used (by a bullet or a table cell), numbered 1..n in order of first use."""
    used: dict[int, int] = {}
    for n in _uses(draft):
        used.setdefault(n, len(used) + 1)

    def mark(text: str) -> str:
        def new(m: re.Match[str]) -> str:
            return "[" + ", ".join(str(used.get(int(n), int(n))) for n in m.group(1).split(",")) + "]"

        return _MARK.sub(new, text)

    def bullet(b: Bullet) -> Bullet:
        return dataclasses.replace(b, text=mark(b.text) if not b.quoted else b.text,
                                   citations=tuple(used[n] for n in b.citations if n in used))  # fmt: skip

    sections = tuple(
        DraftSection(
            s.title, tuple(dataclasses.replace(p, bullets=tuple(map(bullet, p.bullets))) for p in s.parts)
        )
        for s in draft.sections
    )
    tables = tuple(
        DraftTable(t.title, t.columns, tuple(tuple(map(mark, row)) for row in t.rows)) for t in draft.tables
    )
    citations = tuple(
        sorted(
            (dataclasses.replace(c, n=used[c.n]) for c in draft.citations if c.n in used), key=lambda c: c.n
        )
    )
    return dataclasses.replace(draft, sections=sections, tables=tables, citations=citations)


def _uses(draft: Draft) -> list[int]:
    """Citation numbers in reading order: bullets (their numbers), then table cells ([n] marks)."""
    out = [n for s in draft.sections for p in s.parts for b in p.bullets for n in b.citations]
    cells = (cell for t in draft.tables for row in t.rows for cell in row)
    return out + [int(n) for cell in cells for m in _MARK.finditer(cell) for n in m.group(1).split(",")]
