"""Optional cross-encoder reranking of the fused list (a local model through the `st` extra)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from assistant.errors import DependencyMissingError


@lru_cache(maxsize=2)
def _model(path: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import CrossEncoder
    except ImportError as exc:
        raise DependencyMissingError(
            "reranking (ASSISTANT_RETRIEVAL__RERANKER_MODEL)",
            "pip install torch==2.13.0 && pip install -e '.[st]'",
        ) from exc
    return CrossEncoder(path, device="cpu", local_files_only=True)


class CrossEncoderReranker:
    """Scores (question, passage) pairs with a local cross-encoder; higher is more relevant."""

    def __init__(self, model_path: str) -> None:
        self.model_path = model_path

    def __call__(self, query: str, passages: Sequence[str]) -> Sequence[float]:
        scores = _model(self.model_path).predict([(query, p) for p in passages], show_progress_bar=False)
        return [float(s) for s in scores]
