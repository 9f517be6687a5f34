"""Optional cross-encoder reranking of the fused list (a local model through the `st` extra)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from assistant.index.embed import sentence_transformers


@lru_cache(maxsize=2)
def _model(path: str) -> Any:
    st = sentence_transformers("reranking (ASSISTANT_RETRIEVAL__RERANKER_MODEL)")
    return st.CrossEncoder(path, device="cpu", local_files_only=True)


class CrossEncoderReranker:
    """Scores (question, passage) pairs with a local cross-encoder; higher is more relevant."""

    def __init__(self, model_path: str) -> None:
        self.model_path = model_path

    def __call__(self, query: str, passages: Sequence[str]) -> Sequence[float]:
        scores = _model(self.model_path).predict([(query, p) for p in passages], show_progress_bar=False)
        return [float(s) for s in scores]
