"""Everyday situations -> the articles that govern them. A bundled lexicon (assistant/data/situations/)
describes, for articles of the COIP, the Constitution and the Ley de Garantías Jurisdiccionales, real
situations in everyday Spanish, French and English ("a gang charges miners a weekly 'vacuna'" -> COIP
Art. 185, extorsión); a question is compared with every description (e5), and the articles whose
descriptions it resembles most are a ranked list of their own in the fusion. This bridges the
consultant's words to the law's, which neither BM25 nor e5 on the article text does (README,
"Generalisation").

Descriptions are embedded once per index (through its embedding cache), and only for the documents
the index holds; the lexicon applies to a document by its file name or title ('coip', 'constitución')."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from assistant.index import Index
from assistant.language import fold
from assistant.types import FileReport, Filters

# The lexicon's document names, and fragments of a file name or title that identify each document,
# most specific first: the guarantees law's title ("... Garantías Jurisdiccionales y Control
# Constitucional") also contains "constitucional".
DOCUMENTS = {
    "garantias": ("garantias jurisdiccionales", "garantias"),
    "coip": ("coip", "codigo organico integral penal"),
    "constitucion": ("constitucion",),
}
ENTRIES = 15  # situations (articles) taken per question before their chunks are listed


@dataclass(frozen=True, slots=True)
class Situation:
    doc: str  # a DOCUMENTS key
    article: str  # "Art. 185"
    title: str  # the article's rubric or a short Spanish title
    texts: tuple[str, ...]  # the title and the everyday descriptions, in Spanish, French and English


@lru_cache(maxsize=1)
def load_situations() -> tuple[Situation, ...]:
    """Every entry of the bundled lexicon, in file order."""
    folder = resources.files("assistant").joinpath("data/situations")
    entries = []
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".jsonl"):
            continue
        for line in item.read_text(encoding="utf-8").splitlines():
            if line.strip():
                e = json.loads(line)
                texts = (e["title"], *e.get("es", ()), *e.get("fr", ()), *e.get("en", ()))
                entries.append(Situation(e["doc"], e["article"], e["title"], texts))
    return tuple(entries)


@dataclass(frozen=True, slots=True)
class SituationIndex:
    situations: tuple[Situation, ...]  # those whose article is in the index
    vectors: np.ndarray  # one row per description, unit length
    owner: np.ndarray  # the situation of each row
    chunks: tuple[tuple[tuple[str, str, str], ...], ...]  # per situation: (chunk id, file, doc type)
    descriptions: Mapping[str, str]  # chunk id -> the title and descriptions of its article

    def described(self, chunk_id: str) -> str:
        """The everyday descriptions of the article a chunk belongs to ('' when the lexicon has none)."""
        return self.descriptions.get(chunk_id, "")

    def rank(self, vector: Sequence[float], filters: Filters, depth: int) -> list[str]:
        """Chunk ids of the articles whose descriptions are closest to the question vector."""
        if not self.situations:
            return []
        query = np.asarray(vector, dtype=np.float32)
        sims = self.vectors @ (query / (np.linalg.norm(query) or 1.0))
        best = np.full(len(self.situations), -1.0, dtype=np.float32)
        np.maximum.at(best, self.owner, sims)
        ids: list[str] = []
        for entry in np.argsort(-best, kind="stable")[:ENTRIES]:
            for cid, file, doc_type in self.chunks[entry]:
                if (filters.files is None or file in filters.files) and (
                    filters.doc_types is None or doc_type in filters.doc_types
                ):
                    ids.append(cid)
        return ids[:depth]


_BUILT: dict[tuple[str, str], SituationIndex] = {}
_LOCK = threading.Lock()


def situation_index(index: Index, compute: bool = False) -> SituationIndex | None:
    """The lexicon matched to the indexed documents, with its description vectors: built once per set of
    indexed chunks (the first build embeds a few thousand short texts; the result is saved beside the
    index). While documents wait for their vectors, only a lexicon already built or saved is used (else
    None): a search seconds after an upload does not wait minutes for it; `warm` builds it, and
    `compute` builds it whatever the documents."""
    key = (str(index.root), index.lexical.fingerprint)
    if not compute and index.waiting():
        ready = _BUILT.get(key) or _load(_saved_path(index), _digest(index))
        if ready is not None and _LOCK.acquire(blocking=False):  # kept for the next search
            _BUILT.clear()
            _BUILT[key] = ready
            _LOCK.release()
        return ready
    with _LOCK:
        if key not in _BUILT:
            saved = _saved_path(index)
            built = _load(saved, _digest(index))
            if built is None:
                built = build(index)
                _save(built, saved, _digest(index))
            _BUILT.clear()  # one index at a time is enough: a process rarely switches
            _BUILT[key] = built
        return _BUILT[key]


def _saved_path(index: Index) -> Path:
    return index.root / "situations" / f"{index.collection}.npz"


def _digest(index: Index) -> str:
    """What a saved lexicon was built from: the indexed chunks, the bundled lexicon, the model."""
    texts = "\n".join("\t".join((s.doc, s.article, *s.texts)) for s in load_situations())
    parts = (index.lexical.fingerprint, index.embedder.model_id, texts)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _save(lexicon: SituationIndex, path: Path, digest: str) -> None:
    """The built lexicon beside the index (a fresh process loads it in milliseconds instead of asking
    Chroma for a thousand articles' records); written to a temporary file, then renamed."""
    position = {s: i for i, s in enumerate(load_situations())}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}-new.npz")
    np.savez(
        temporary,
        digest=np.array(digest),
        kept=np.array([position[s] for s in lexicon.situations], dtype=np.int64),
        vectors=lexicon.vectors,
        owner=lexicon.owner,
        chunks=np.array(json.dumps(lexicon.chunks)),
    )
    temporary.replace(path)


def _load(path: Path, digest: str) -> SituationIndex | None:
    """The saved lexicon, when it was built from the same chunks, lexicon and model (else None)."""
    if not path.exists():
        return None
    try:
        with np.load(path) as saved:
            if str(saved["digest"]) != digest:
                return None
            everything = load_situations()
            kept = tuple(everything[i] for i in saved["kept"])
            chunks = tuple(
                tuple(tuple(member) for member in members) for members in json.loads(str(saved["chunks"]))
            )
            vectors, owner = saved["vectors"], saved["owner"]
    except (OSError, ValueError, KeyError, IndexError):
        return None  # unreadable: built again
    return SituationIndex(kept, vectors, owner, chunks, _descriptions(kept, chunks))


def _descriptions(kept: Sequence[Situation], chunks: Sequence[Sequence[Sequence[str]]]) -> dict[str, str]:
    return {
        member[0]: " ".join(s.texts) for s, members in zip(kept, chunks, strict=True) for member in members
    }


def described(index: Index) -> Callable[[str], str]:
    """The lexicon's descriptions of a chunk's article ('' for all while the lexicon is not ready)."""
    lexicon = situation_index(index)
    return lexicon.described if lexicon is not None else lambda chunk_id: ""


def warm(index: Index, progress: bool = False) -> int:
    """Build the lexicon for this index now (after an ingest), with a progress bar over the descriptions
    not yet embedded, so the first question does not wait for it. Returns the articles it describes (0:
    the lexicon is switched off, or nothing is indexed)."""
    from tqdm import tqdm

    if not index.settings.retrieval.situations or not index.exists():
        return 0
    embedder = index.embedder
    bar = tqdm(desc="situation lexicon", unit="text", disable=not progress, leave=False)
    embedder.on_batch = bar.update
    try:
        lexicon = situation_index(index, compute=True)
        return len(lexicon.situations) if lexicon else 0
    finally:
        embedder.on_batch = None
        bar.close()


def ingest_and_warm(
    index: Index,
    paths: Sequence[Path],
    progress: bool = False,
    searchable: Callable[[list[FileReport]], None] | None = None,
) -> list[FileReport]:
    """Ingest words first (`ingest_paths`), then build the lexicon for the new set of documents, then
    compute the documents' vectors (`embed_waiting`): the CLI's ingest and the app's re-index. The first
    question after an ingest waits for none of it; `searchable` gets the reports as soon as every file
    is searchable by its words."""
    from assistant.index.write import ingest_paths, settled

    reports = ingest_paths(index, list(paths), progress=progress, vectors=False)
    if searchable is not None:
        searchable(reports)
    finish(index, progress)
    return settled(index, reports)


def finish(index: Index, progress: bool = False) -> int:
    """What a words-first ingest leaves to do, in that order: the lexicon for the new set of documents
    (minutes the first time, then cached), then the vectors the documents wait for; how many vectors."""
    from assistant.index.write import embed_waiting

    warm(index, progress)
    return embed_waiting(index, progress)


def _document_of(file: str, title: str) -> str | None:
    text = fold(f"{file} {title}").replace("-", " ").replace("_", " ")
    return next((doc for doc, hints in DOCUMENTS.items() if any(h in text for h in hints)), None)


def build(index: Index) -> SituationIndex:
    """The lexicon for the indexed documents (embedding the descriptions the cache lacks)."""
    situations = load_situations()
    records = index.store.article_records(sorted({s.article for s in situations}))
    known = index.known_ids()
    by_article: dict[tuple[str, str], list[tuple[int, str, str, str]]] = {}
    for r in records:
        doc = _document_of(str(r["file"]), str(r.get("title", "")))
        if doc and r["chunk_id"] in known:
            part = int(r.get("part", 1))
            by_article.setdefault((doc, str(r["article"])), []).append(
                (part, str(r["chunk_id"]), str(r["file"]), str(r["doc_type"]))
            )
    kept = [s for s in situations if (s.doc, s.article) in by_article]
    texts = [t for s in kept for t in s.texts]
    owner = np.array([i for i, s in enumerate(kept) for _ in s.texts], dtype=np.int64)
    if not texts:
        return SituationIndex((), np.zeros((0, 1), dtype=np.float32), owner, (), {})
    vectors = np.asarray(index.embedder.embed_documents(texts), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-9)
    chunks = tuple(
        tuple((cid, file, doc_type) for _, cid, file, doc_type in sorted(by_article[(s.doc, s.article)]))
        for s in kept
    )
    return SituationIndex(tuple(kept), vectors, owner, chunks, _descriptions(kept, chunks))
