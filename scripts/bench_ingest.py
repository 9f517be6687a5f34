"""Benchmark (not a test): ingest PDFs into a fresh index as the CLI does (words first, then the
situation lexicon, then the vectors), then re-ingest them unchanged.

Writes evals/results/bench-ingest.json (or --out): time to first search (from the start of the ingest
to the first moment a search made alongside, as the app makes them, returns a passage of the new
document: --question), the wall time of each phase (words, lexicon, vectors), seconds per stage
(extract, ocr, clean, tables, chunk, store, lexical), pages/s overall and for text extraction alone, OCR
seconds per OCR'd page, the cost of the table search, chunks/s, peak memory and the unchanged
re-ingest time.

    python scripts/bench_ingest.py [--corpus ../shared/corpus-real ...] [--backend e5] [--keep DIR]
    python scripts/bench_ingest.py --files ../shared/corpus-real/coip-2014-reformado-2025.pdf \
        --out evals/results/bench-ingest-coip.json
    python scripts/bench_ingest.py --corpus ../shared/corpus-reports ../shared/corpus-scans \
        --backend hash --out evals/results/bench-ingest-reports.json
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from assistant.index import Index
from assistant.index.write import embed_waiting, ingest_paths
from assistant.search import search
from assistant.search.situations import warm
from assistant.settings import EmbeddingSettings, Settings

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", default=[ROOT.parent / "shared" / "corpus-real"])
    parser.add_argument("--files", type=Path, nargs="+", help="these PDFs instead of --corpus folders")
    parser.add_argument(
        "--question", default="¿Cuál es la pena por trata de personas?", help="the first search's question"
    )
    parser.add_argument("--backend", default="e5", choices=["e5", "hash"])
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "bench-ingest.json")
    parser.add_argument("--keep", type=Path, help="build the index in this new folder and keep it")
    args = parser.parse_args()
    files = args.files or sorted(p for folder in args.corpus for p in folder.glob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDFs in {', '.join(map(str, args.corpus))}")
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        raise SystemExit(f"{args.keep} is not empty: the benchmark needs a fresh index")
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.keep or Path(tmp)
        settings = Settings(index_dir=index_dir, embedding=EmbeddingSettings(backend=args.backend))
        index = Index(settings)
        index.embedder.embed_query("load the model")  # a running app has it loaded: not counted
        start = time.perf_counter()
        poller = FirstSearch(index, args.question, {f.name for f in files}, start)
        reports = ingest_paths(index, files, progress=True, vectors=False)
        words = time.perf_counter() - start
        warm(index, progress=True)
        lexicon = time.perf_counter() - start - words
        embed_waiting(index, progress=True)
        first = time.perf_counter() - start
        poller.stop.set()
        poller.join()
        start = time.perf_counter()
        again = ingest_paths(Index(settings), files, progress=False)
        unchanged = time.perf_counter() - start
    stages: dict[str, float] = {}
    for report in reports:
        for stage, seconds in report.seconds.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    pages = sum(r.pages for r in reports)
    chunks = sum(r.chunks for r in reports)
    ocr_pages = sum(r.ocr_pages for r in reports)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "backend": args.backend,
        "files": [
            {
                "file": r.file,
                "status": r.status,
                "pages": r.pages,
                "chunks": r.chunks,
                "articles": r.articles,
                "ocr_pages": r.ocr_pages,
                "tables": r.tables,
                "warnings": list(r.warnings),
                "seconds": {k: round(v, 3) for k, v in r.seconds.items()},
            }
            for r in reports
        ],
        "pages": pages,
        "chunks": chunks,
        "question": args.question,
        "seconds_to_first_search": poller.found,
        "seconds_total": round(first, 2),
        "seconds_by_phase": {
            "words": round(words, 2),
            "lexicon": round(lexicon, 2),
            "vectors": round(first - words - lexicon, 2),
        },
        "seconds_by_stage": {k: round(v, 2) for k, v in stages.items()},
        "share_not_embedding": round(words / first, 4),
        "pages_per_second": round(pages / first, 2),
        "extract_pages_per_second": round(pages / stages["extract"], 1) if stages.get("extract") else None,
        "ocr_pages": ocr_pages,
        "ocr_seconds_per_page": round(stages.get("ocr", 0.0) / ocr_pages, 2) if ocr_pages else None,
        "tables": sum(r.tables for r in reports),
        "tables_seconds": round(stages.get("tables", 0.0), 2),
        "chunks_per_second": round(chunks / first, 2),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "unchanged_reingest_seconds": round(unchanged, 3),
        "unchanged_statuses": sorted({r.status for r in again}),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "files"}, indent=1))


class FirstSearch(threading.Thread):
    """Searches alongside the ingest, as the app does, until a hit comes from one of `files`; `found` is
    the seconds from `start` to the end of that search (None if none did before `stop`)."""

    def __init__(self, index: Index, question: str, files: set[str], start: float) -> None:
        super().__init__(daemon=True)
        self.index, self.question, self.files, self.start_time = index, question, files, start
        self.found: float | None = None
        self.stop = threading.Event()
        self.start()

    def run(self) -> None:
        while not self.stop.is_set():
            if self.index.exists():
                hits = search(self.index, self.question, k=10)
                if any(h.chunk.file in self.files for h in hits):
                    self.found = round(time.perf_counter() - self.start_time, 2)
                    return
            time.sleep(0.2)


if __name__ == "__main__":
    main()
