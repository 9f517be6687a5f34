"""Benchmark (not a test): latency of `search` (hybrid, warm) over the real-corpus index and over a
synthetic index of 100,000 chunks, and of a cold `assistant search` (a fresh process: imports, opening
the index, the first question), for this tree and a previous commit side by side in one run, with the
ratios (these machines are noisy: only numbers taken together compare). Writes
evals/results/bench-search.json.

    python scripts/bench_search.py --index /work/real-index --against c6d89c5 [--synthetic 100000] [--cold 5]

Each tree runs in its own processes (PYTHONPATH = a git worktree of the commit), the cold runs
alternating between the trees; the synthetic index is built once and searched by both.

The real-corpus index comes from `python scripts/bench_ingest.py --keep DIR` (or `assistant ingest
../shared/corpus-real --index DIR`). The synthetic index has real-looking Spanish passages built from
the real chunks' words, with random unit vectors (embedding 100,000 passages with e5 on this CPU would
take eight hours); queries are embedded by e5 for real, so every query-side cost is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.evaluate.dataset import load_questions
from assistant.evaluate.metrics import percentile
from assistant.evaluate.names import DEPTH, Metric
from assistant.index import Index
from assistant.index.embed import E5Embeddings
from assistant.index.manifest import DocumentEntry
from assistant.ingest.chunk import passage_text
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
        import numpy as np  # here, not at the top: `assistant` is imported first and sets numpy's threads

        super().__init__()
        self._rng = np.random.default_rng(seed)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

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
            if hasattr(index.store, "put"):
                vectors = index.embedder.embed_documents([passage_text(c) for c in chunks])
                index.store.put(chunks, vectors, batch=1000)
            else:  # a tree from before words-first ingestion
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


COLD_QUESTIONS = (
    "¿Cuál es la pena por trata de personas?",
    "Quelle est la peine pour la traite des personnes ?",
)


def tree_environment(tree: Path) -> dict[str, str]:
    """The environment for a process running `tree`'s code. Without OPENBLAS_NUM_THREADS, which
    importing `assistant` here set: each tree's own code decides numpy's threads."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    return {**env, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1"}


def child(tree: Path, *args: str) -> dict[str, object]:
    """This script's `--child` mode run with `tree`'s code; its JSON line."""
    env = tree_environment(tree)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        cwd=tree, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def cold(tree: Path, index: Path, question: str) -> float:
    """Seconds of a fresh `assistant search` process with `tree`'s code."""
    env = tree_environment(tree)
    command = [sys.executable, "-m", "assistant.cli", "search", question, "--index", str(index), "--json"]
    start = time.perf_counter()
    subprocess.run(command, cwd=tree, env=env, capture_output=True, check=True)
    return time.perf_counter() - start


def worktree(ref: str, folder: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(folder), ref],
                   check=True, capture_output=True)  # fmt: skip
    return folder


def run_child(mode: str, index_dir: Path, size: int) -> None:
    """In a tree's own process: measure warm search, or build the synthetic index."""
    if mode == "build":
        real = Index(Settings(index_dir=index_dir))
        synthetic_index(Path(os.environ["BENCH_SYNTHETIC"]), real, size)
        print(json.dumps({"built": size}))
        return
    index = Index(Settings(index_dir=index_dir))
    print(json.dumps({"chunks": index.store.count(), **measure(index, questions())}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument("--against", default="HEAD~1", help="the previous commit to compare with")
    parser.add_argument(
        "--synthetic", type=int, default=100_000, help="chunks in the synthetic index (0: skip)"
    )
    parser.add_argument("--cold", type=int, default=5, help="fresh processes per tree and question")
    parser.add_argument("--child", nargs=1, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "bench-search.json")
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], args.index, args.synthetic)
        return
    if not Index(Settings(index_dir=args.index)).exists():
        raise SystemExit(
            f"no index at {args.index}; build it with scripts/bench_ingest.py --keep {args.index}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        previous = worktree(args.against, Path(tmp) / "previous")
        trees = {"previous": previous, "current": ROOT}
        result: dict[str, object] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "against": subprocess.run(
                ["git", "-C", str(previous), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
            ).stdout.strip(),
            "mode": f"hybrid, k={DEPTH}, warm (model loaded), Apertium for fr/en questions",
        }
        times: dict[str, dict[str, list[float]]] = {name: {q: [] for q in COLD_QUESTIONS} for name in trees}
        for _ in range(args.cold):  # alternating, so a noisy moment hits both trees
            for name, tree in trees.items():
                for question in COLD_QUESTIONS:
                    times[name][question].append(cold(tree, args.index, question))
        result["cold_search_seconds"] = {
            name: {q[:40]: round(statistics.median(ts), 2) for q, ts in per.items()}
            for name, per in times.items()
        }
        for name, tree in trees.items():
            result[f"real_corpus_{name}"] = child(tree, "warm", "--index", str(args.index))
        if args.synthetic:
            folder = Path(tmp) / "synthetic"
            os.environ["BENCH_SYNTHETIC"] = str(folder)
            start = time.perf_counter()
            child(previous, "build", "--index", str(args.index), "--synthetic", str(args.synthetic))
            result["synthetic_build_seconds"] = round(time.perf_counter() - start, 1)
            for name, tree in trees.items():
                result[f"synthetic_{name}"] = child(tree, "warm", "--index", str(folder))
        result["ratios_current_to_previous"] = ratios(result)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(previous)], check=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1, ensure_ascii=False))


def ratios(result: dict[str, Any]) -> dict[str, float]:
    """current / previous for every number measured on both."""
    out: dict[str, float] = {}
    cold_times = result["cold_search_seconds"]
    for question, seconds in cold_times["current"].items():
        out[f"cold {question}"] = round(seconds / cold_times["previous"][question], 2)
    for corpus in ("real_corpus", "synthetic"):
        if f"{corpus}_current" in result:
            for metric in (Metric.P50_MS, Metric.P95_MS):
                now, before = result[f"{corpus}_current"][metric], result[f"{corpus}_previous"][metric]
                out[f"{corpus} {metric}"] = round(now / before, 2)
    return out


if __name__ == "__main__":
    main()
