"""Chunks -> BM25 index (bm25s, Spanish Snowball stems, accents folded), persisted beside Chroma.

The index is rebuilt from the store whenever the set of indexed chunks changes (its fingerprint is a
hash of the sorted chunk ids), so it can never drift from the vector index."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.language import STOPWORDS, WORD, fold, tokenize

RECIPE = "3"  # bump when `lexical_text` or `tokenize` change: the saved index is then rebuilt
_TITLE = re.compile(r"^Art[^\n]{0,30}?\.-\s*([^\n]{3,160}?)\.-")


def lexical_text(header_and_text: str) -> str:
    """What BM25 indexes: the passage, plus the article's own title once more ('Peculado', 'Trata de
    personas'), since a title names the offence that questions ask about."""
    body = header_and_text.split("\n", 1)[-1]
    title = _TITLE.match(body)
    return f"{header_and_text}\n{title.group(1)}" if title else header_and_text


def fingerprint(chunk_ids: Iterable[str]) -> str:
    return hashlib.sha256((RECIPE + "\n" + "\n".join(sorted(chunk_ids))).encode()).hexdigest()[:16]


def grams(text: str, n: int = 4) -> list[str]:
    """Character n-grams of each content word ('_explotacion_' -> '_exp', 'expl', ...): they match
    cognates across French and Spanish ('exploitation' / 'explotación') that no glossary lists."""
    out: list[str] = []
    for word in WORD.findall(fold(text)):
        if word not in STOPWORDS and len(word) >= 4 and not word.isdigit():
            padded = f"_{word}_"
            out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return out


def _bm25s() -> Any:
    """The bm25s module, imported on first use. It sets its own logger to DEBUG when imported, which
    printed its progress notes on stderr at every ingest: quiet it."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _bm25(corpus: list[list[str]]) -> object:
    bm25s = _bm25s()

    retriever = bm25s.BM25()
    if corpus:
        retriever.index(corpus, show_progress=False)
    return retriever


@dataclass(slots=True)
class LexicalIndex:
    """BM25 over chunk passages, on stemmed words and on character 4-grams; `ids[i]`, `files[i]` and
    `doc_types[i]` describe document i of both BM25 matrices."""

    ids: list[str]
    files: list[str]
    doc_types: list[str]
    words: object
    ngrams: object
    fingerprint: str
    _df: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def build(cls, rows: Sequence[tuple[str, str, str, str]]) -> LexicalIndex:
        """rows: (chunk_id, passage text, file, doc_type)."""
        words = _bm25([tokenize(lexical_text(text)) or ["_"] for _, text, _, _ in rows])
        ngrams = _bm25([grams(text) or ["_"] for _, text, _, _ in rows])
        ids = [r[0] for r in rows]
        return cls(ids, [r[2] for r in rows], [r[3] for r in rows], words, ngrams, fingerprint(ids))

    def save(self, folder: Path) -> None:
        """Written beside `folder`, then swapped in: a crash leaves the old index, or none (then it is
        rebuilt from the store), never a mix of two."""
        new, old = folder.with_name(f".{folder.name}-new"), folder.with_name(f".{folder.name}-old")
        for stale in (new, old):
            shutil.rmtree(stale, ignore_errors=True)
        new.mkdir(parents=True)
        if self.ids:
            self.words.save(str(new / "words"), show_progress=False)  # type: ignore[attr-defined]
            self.ngrams.save(str(new / "ngrams"), show_progress=False)  # type: ignore[attr-defined]
        meta = {
            "recipe": RECIPE, "ids": self.ids, "files": self.files, "doc_types": self.doc_types,
            "fingerprint": self.fingerprint,
        }  # fmt: skip
        (new / "chunks.json").write_text(json.dumps(meta), encoding="utf-8")
        if folder.exists():
            folder.rename(old)
        new.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The saved index, or None when there is none or it was built by another recipe."""
        meta_path = folder / "chunks.json"
        if not meta_path.exists():
            return None
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("recipe") != RECIPE:
            return None
        bm25s = _bm25s()

        def load(name: str) -> object:
            if not meta["ids"]:
                return bm25s.BM25()
            # Memory-mapped: a fresh process reads the pages a query touches, not the whole index.
            return bm25s.BM25.load(str(folder / name), show_progress=False, mmap=True)

        return cls(
            meta["ids"], meta["files"], meta["doc_types"], load("words"), load("ngrams"), meta["fingerprint"]
        )

    def document_frequency(self, tokens: Iterable[str]) -> dict[str, int]:
        """How many indexed chunks contain each stemmed token (0 for a word no document uses)."""
        vocab: dict[str, int] = getattr(self.words, "vocab_dict", {})
        if self._df is None:
            indptr = getattr(self.words, "scores", {}).get("indptr")
            self._df = np.diff(indptr) if indptr is not None else np.zeros(0, dtype=np.int64)
        df = self._df
        return {t: int(df[vocab[t]]) if t in vocab and vocab[t] < len(df) else 0 for t in tokens}

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """log(1 + N / df) of each stemmed token over the indexed chunks; a token no chunk contains
        counts as if half a chunk did (rarer than any indexed word)."""
        n = max(len(self.ids), 1)
        return {t: float(np.log1p(n / max(df, 0.5))) for t, df in self.document_frequency(tokens).items()}

    def search(
        self,
        tokens: list[str],
        k: int,
        files: Collection[str] | None = None,
        doc_types: Collection[str] | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) best first for stemmed word tokens, in these files and types."""
        return self._retrieve(self.words, tokens, k, files, doc_types)

    def search_ngrams(
        self,
        text: str,
        k: int,
        files: Collection[str] | None = None,
        doc_types: Collection[str] | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) best first for the character 4-grams of `text`."""
        return self._retrieve(self.ngrams, grams(text), k, files, doc_types)

    def _retrieve(
        self,
        retriever: object,
        tokens: list[str],
        k: int,
        files: Collection[str] | None,
        doc_types: Collection[str] | None,
    ) -> list[tuple[str, float]]:
        if not self.ids or not tokens:
            return []
        mask = None
        if files is not None or doc_types is not None:
            keep = (
                (files is None or f in files) and (doc_types is None or t in doc_types)
                for f, t in zip(self.files, self.doc_types, strict=True)
            )
            mask = np.fromiter(keep, dtype=np.float32, count=len(self.ids))
        docs, scores = retriever.retrieve(  # type: ignore[attr-defined]
            [tokens], k=min(k, len(self.ids)), show_progress=False, weight_mask=mask
        )
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
