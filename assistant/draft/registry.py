"""Draft-wide citation numbers, shared by the extractive brief (`compose`) and written paragraphs
(`write`)."""

from __future__ import annotations

from assistant.types import Citation


class Registry:
    """Draft-wide citation numbers: one per cited passage, in order of first use."""

    def __init__(self) -> None:
        self.citations: dict[str, Citation] = {}
        self.quoted: set[str] = set()  # passages a bullet quotes: each is quoted under one sub-heading

    def number(self, citation: Citation) -> int:
        if citation.chunk_id not in self.citations:
            n = len(self.citations) + 1
            self.citations[citation.chunk_id] = Citation(
                n, citation.chunk_id, citation.file, citation.title, citation.page_start,
                citation.page_end, citation.article, citation.quote, ocr=citation.ocr,
            )  # fmt: skip
        return self.citations[citation.chunk_id].n
