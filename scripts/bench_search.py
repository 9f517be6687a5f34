"""Benchmark (not a test): latency of `search` (hybrid, warm) over the real-corpus index and over a
synthetic index of 100,000 chunks. Writes evals/results/bench-search.json.

    python scripts/bench_search.py --index /work/real-index [--synthetic 100000]

The real-corpus index comes from `python scripts/bench_ingest.py --keep DIR` (or `assistant ingest
../shared/corpus-real --index DIR`). The synthetic index has real-looking Spanish passages built from
the real chunks' words, with random unit vectors (embedding 100,000 passages with e5 on this CPU would
take eight hours); queries are embedded by e5 for real, so every query-side cost is measured.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from assistant.evaluate.dataset import load_questions
from assistant.evaluate.metrics import percentile
from assistant.evaluate.names import DEPTH, Metric
from assistant.index import Index
from assistant.index.embed import E5Embeddings
from assistant.index.manifest import DocumentEntry
from assistant.search import search
from assistant.settings import Settings
from assistant.types import Chunk

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "evals" / "datasets" / "dev-real.jsonl"


def questions() -> list[str]:
    return [q.question for q in load_questions(DATASET)]


def measure(index: Index, queries: list[str]) -> dict[str, float]:
    # Load e5, BM25, Chroma and both Apertium pipelines first: start-up is not counted.
    for warm_up in ("calentamiento: trata de personas", "échauffement : la traite", "warm-up: trafficking"):
        search(index, warm_up, k=DEPTH)
    times = []
    for query in queries:
        start = time.perf_counter()
        search(index, query, k=DEPTH)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "queries": len(times),
        Metric.P50_MS: round(percentile(times, 50), 1),  # nearest rank, as bench_ask.py and `assistant eval`
        Metric.P95_MS: round(percentile(times, 95), 1),
        Metric.MAX_MS: round(max(times, default=0.0), 1),
    }


class _RandomPassages(E5Embeddings):
    """e5 for queries; random unit vectors for passages (see the module docstring)."""

    def __init__(self, seed: int = 7) -> None:
        super().__init__()
        self._rng = np.random.default_rng(seed)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._rng.normal(size=(len(texts), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors.tolist()  # type: ignore[no-any-return]


def synthetic_index(folder: Path, source: Index, size: int, per_doc: int = 1000) -> Index:
    words = " ".join(c.text for c in source.store.chunks()[:3000]).split()
    rng = random.Random(11)
    index = Index(Settings(index_dir=folder))
    index.embedder.inner = _RandomPassages()
    for doc in range(size // per_doc):
        file = f"sintetico-{doc:03d}.pdf"
        chunks = []
        for i in range(per_doc):
            start = rng.randrange(0, len(words) - 120)
            text = f"Art. {i + 1}.- " + " ".join(words[start : start + rng.randint(40, 120)])
            chunks.append(
                Chunk(
                    f"s{doc:03d}-{i:04d}",
                    f"doc{doc:03d}",
                    file,
                    f"Ley sintética {doc}",
                    "law",
                    "es",
                    1 + i // 4,
                    1 + i // 4,
                    f"Art. {i + 1}",
                    "LIBRO I",
                    text,
                )
            )
        with index.writer():
            index.store.add(chunks, batch=1000)
            entry = DocumentEntry(
                f"doc{doc:03d}",
                file,
                f"Ley sintética {doc}",
                "law",
                "es",
                per_doc // 4,
                per_doc,
                [c.chunk_id for c in chunks],
            )
            index.commit(entry, file)
        print(f"synthetic: {(doc + 1) * per_doc} chunks", flush=True)
    index.rebuild_lexical()
    return Index(Settings(index_dir=folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument(
        "--synthetic", type=int, default=100_000, help="chunks in the synthetic index (0: skip)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "bench-search.json")
    args = parser.parse_args()
    real = Index(Settings(index_dir=args.index))
    if not real.exists():
        raise SystemExit(
            f"no index at {args.index}; build it with scripts/bench_ingest.py --keep {args.index}"
        )
    queries = questions()
    result: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": f"hybrid, k={DEPTH}, warm (model loaded), Apertium for fr/en questions",
        "real_corpus": {"chunks": real.store.count(), **measure(real, queries)},
    }
    print(json.dumps(result, indent=1))
    if args.synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            synthetic = synthetic_index(Path(tmp), real, args.synthetic)
            built = time.perf_counter() - start
            result["synthetic"] = {
                "chunks": synthetic.store.count(),
                "build_seconds": round(built, 1),
                **measure(synthetic, queries),
            }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
