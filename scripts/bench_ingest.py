"""Benchmark (not a test): ingest PDFs into a fresh index, then re-ingest them unchanged.

Writes evals/results/bench-ingest.json (or --out): seconds per stage (extract, ocr, clean, tables,
chunk, embed, store), pages/s overall and for text extraction alone, OCR seconds per OCR'd page, the
cost of the table search, chunks/s, peak memory and the unchanged re-ingest time.

    python scripts/bench_ingest.py [--corpus ../shared/corpus-real ...] [--backend e5] [--keep DIR]
    python scripts/bench_ingest.py --corpus ../shared/corpus-reports ../shared/corpus-scans \
        --backend hash --out evals/results/bench-ingest-reports.json
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from assistant.index import Index
from assistant.index.write import ingest_paths
from assistant.settings import EmbeddingSettings, Settings

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", default=[ROOT.parent / "shared" / "corpus-real"])
    parser.add_argument("--backend", default="e5", choices=["e5", "hash"])
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "bench-ingest.json")
    parser.add_argument("--keep", type=Path, help="build the index in this new folder and keep it")
    args = parser.parse_args()
    files = sorted(p for folder in args.corpus for p in folder.glob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDFs in {', '.join(map(str, args.corpus))}")
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        raise SystemExit(f"{args.keep} is not empty: the benchmark needs a fresh index")
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.keep or Path(tmp)
        settings = Settings(index_dir=index_dir, embedding=EmbeddingSettings(backend=args.backend))
        start = time.perf_counter()
        reports = ingest_paths(Index(settings), files, progress=True)
        first = time.perf_counter() - start
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
    non_embed = sum(v for k, v in stages.items() if k != "embed")
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
        "seconds_total": round(first, 2),
        "seconds_by_stage": {k: round(v, 2) for k, v in stages.items()},
        "share_not_embedding": round(non_embed / first, 4),
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


if __name__ == "__main__":
    main()
