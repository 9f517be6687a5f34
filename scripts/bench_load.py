"""Benchmark (not a test): concurrent users while a document is being ingested.

`assistant serve` runs in a child process (loopback only); 16 client threads ask the demo questions
through its JSON API (POST /api/ask) while one more uploads a document (POST /api/ingest). Every
request must succeed and every answer that is not an abstention must be cited; afterwards the index is
opened offline and checked (the manifest's chunks are all in Chroma, nothing else is, BM25 indexes exactly
them). Throughput and latency (overall, for the requests that overlapped the ingestion, and for the
same clients before it with no ingest running) go to evals/results/bench-load.json. Bounded: at most
--max-requests requests and --timeout seconds per phase.

    python scripts/bench_load.py                     # e5 (the default model), demo corpus, real upload
    python scripts/bench_load.py --embedding hash    # quick run without the model
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.settings import EmbeddingSettings, Settings
from assistant.testing import free_port, hash_environment, hash_settings

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "corpus-real" / "ley-garantias-jurisdiccionales-2020.pdf"


@dataclass
class Request:
    start: float
    end: float
    ok: bool
    cited: bool
    error: str = ""


def index_settings(index_dir: Path, embedding: str) -> Settings:
    """The index with the chosen embedder: "hash" (assistant.testing, no model) or "e5"."""
    if embedding == "hash":
        return hash_settings(index_dir)
    return Settings(index_dir=index_dir, embedding=EmbeddingSettings(backend="e5"))


def serve_environment(index_dir: Path, embedding: str) -> dict[str, str]:
    """The same as environment variables, for `assistant serve`."""
    if embedding == "hash":
        return hash_environment(index_dir)
    return {"ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_EMBEDDING__BACKEND": "e5"}


def start_server(
    index_dir: Path, corpus: Path, embedding: str, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """`assistant serve` on a free loopback port (it ingests `corpus` first when the index is empty)."""
    port = free_port()
    env = {**os.environ, **serve_environment(index_dir, embedding), "ASSISTANT_CORPUS_DIR": str(corpus),
           "ASSISTANT_LLM__BACKEND": "none"}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                               env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/documents", timeout=2)
            return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"the app did not start:\n{log.read_text()}")


def post(url: str, data: bytes, content_type: str, timeout: float) -> Any:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def run_load(
    url: str, questions: list[str], upload: Path | None, clients: int = 16, per_client: int = 8,
    max_requests: int = 400, timeout: float = 900,
) -> dict[str, Any]:  # fmt: skip
    """Clients ask until each has asked `per_client` questions and the ingestion is over (bounded by
    `max_requests` and `timeout`); the upload starts with them."""
    requests: list[Request] = []
    lock = threading.Lock()
    ingest: dict[str, Any] = {}
    stop_at = time.monotonic() + timeout

    def upload_file() -> None:
        ingest["start"] = time.monotonic()
        if upload is None:  # the same load without an ingest, for comparison
            ingest["end"] = ingest["start"]
            return
        try:
            ingest["reports"] = post(f"{url}/api/ingest?name={upload.name}", upload.read_bytes(),
                                     "application/pdf", timeout)  # fmt: skip
        except (OSError, ValueError) as exc:
            ingest["error"] = f"{type(exc).__name__}: {exc}"
        ingest["end"] = time.monotonic()

    def client(number: int) -> None:
        asked = 0
        while time.monotonic() < stop_at:
            with lock:
                if len(requests) >= max_requests or (asked >= per_client and "end" in ingest):
                    return
            question = questions[(number * per_client + asked) % len(questions)]
            start = time.monotonic()
            try:
                answer = post(f"{url}/api/ask", json.dumps({"question": question}).encode(),
                              "application/json", 120)  # fmt: skip
                done = Request(
                    start, time.monotonic(), True, answer["abstained"] or bool(answer["citations"])
                )
            except (OSError, ValueError, KeyError) as exc:
                done = Request(start, time.monotonic(), False, False, f"{type(exc).__name__}: {exc}")
            with lock:
                requests.append(done)
            asked += 1

    threads = [threading.Thread(target=upload_file)] + [
        threading.Thread(target=client, args=(n,)) for n in range(clients)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    overlapping = [r for r in requests if upload and r.start < ingest["end"] and r.end > ingest["start"]]
    return {
        "clients": clients,
        "requests": len(requests),
        "errors": sum(not r.ok for r in requests),
        "uncited_answers": sum(r.ok and not r.cited for r in requests),
        "error_samples": sorted({r.error for r in requests if r.error})[:5],
        "seconds": round(elapsed, 1),
        "throughput_rps": round(len(requests) / elapsed, 2) if elapsed else 0.0,
        "latency_ms": latency([r.end - r.start for r in requests]),
        "during_ingest": {
            "requests": len(overlapping),
            "latency_ms": latency([r.end - r.start for r in overlapping]),
        },
        "ingest": None
        if upload is None
        else {
            "file": upload.name,
            "seconds": round(ingest["end"] - ingest["start"], 1) if "end" in ingest else None,
            "reports": ingest.get("reports"),
            "error": ingest.get("error"),
        },
    }


def latency(seconds: list[float]) -> dict[str, float]:
    from assistant.evaluate.metrics import percentile

    ms = [1000 * s for s in seconds]
    return {"p50": round(percentile(ms, 50), 1), "p95": round(percentile(ms, 95), 1),
            "max": round(max(ms, default=0.0), 1)}  # fmt: skip


def check_index(index_dir: Path, embedding: str) -> dict[str, Any]:
    """Offline, after the server stopped: manifest, Chroma and BM25 agree."""
    from assistant.index import Index

    index = Index(index_settings(index_dir, embedding))
    known = index.known_ids()
    stored = set(index.store.all_ids())
    return {
        "documents": len(index.manifest.documents),
        "chunks_in_manifest": len(known),
        "chunks_in_chroma": len(stored),
        "consistent": stored == known
        and set(index.lexical.ids) == known
        and all(
            index.store.ids_of(d.file, d.doc_id) == set(d.chunk_ids)
            for d in index.manifest.documents.values()
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--embedding", choices=["e5", "hash"], default="e5")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    upload_help = "the document ingested during the load (default: a law from ../shared)"
    parser.add_argument("--upload", type=Path, default=REAL if REAL.exists() else None, help=upload_help)
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals" / "datasets" / "demo.jsonl")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--per-client", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=400)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "bench-load.json")
    args = parser.parse_args()
    if args.upload is None:
        raise SystemExit("no document to upload: pass --upload FILE.pdf")
    questions = [
        json.loads(line)["question"] for line in args.dataset.read_text("utf-8").splitlines() if line
    ]
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        process, url = start_server(index_dir, args.corpus, args.embedding, Path(tmp) / "serve.log")
        try:
            idle = run_load(
                url, questions, None, args.clients, args.per_client, args.max_requests, args.timeout
            )
            result = run_load(url, questions, args.upload, args.clients, args.per_client, args.max_requests,
                              args.timeout)  # fmt: skip
            keys = ("requests", "errors", "uncited_answers", "seconds", "throughput_rps", "latency_ms")
            result["without_ingest"] = {k: idle[k] for k in keys}
        finally:
            process.terminate()
            process.wait(timeout=30)
        result["index_check"] = check_index(index_dir, args.embedding)
    result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "embedding": args.embedding,
              "corpus": str(args.corpus.name), "cpus": os.cpu_count(), **result}  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
