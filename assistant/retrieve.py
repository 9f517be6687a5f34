"""query -> list[Hit]: dense (e5 in Chroma), lexical (BM25) and their fusion. (Work in progress.)"""

from __future__ import annotations

from typing import Literal

from assistant.index import Index
from assistant.types import Hit

Mode = Literal["hybrid", "dense", "lexical"]


def search(index: Index, query: str, k: int = 10, mode: Mode = "hybrid") -> list[Hit]:
    """The k best chunks for a question, best first."""
    if mode == "dense":
        return index.store.search(query, k=k)
    raise NotImplementedError(mode)
