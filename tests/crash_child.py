"""Run by tests/test_crash.py in a child process: ingest the given files into the given index and
SIGKILL this process at a named point (`python tests/crash_child.py POINT INDEX_DIR FILE...`).

The points are real places in the ingestion (patched here, not hooks in the product). Words first:
after the second of several Chroma batches, after all chunks are stored but before the manifest, with the
new manifest written to its temporary file but not renamed, after the manifest is committed (before the
old version's chunks are deleted), in the middle of saving the lexical index. Then vectors: after a batch
of vectors is computed but before it is stored, and after the second batch is stored and committed."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from assistant.index import Index, lexical, manifest, write
from assistant.index.embed import CachedEmbeddings
from assistant.index.store import Store
from assistant.testing import hash_settings

BATCH = 4  # chunks per Chroma request, so a document takes several


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def after(cls: type, name: str, times: int = 1) -> None:
    """Kill the process when `cls.name` has returned `times` times."""
    original = getattr(cls, name)
    calls = [0]

    def patched(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)
        calls[0] += 1
        if calls[0] >= times:
            die()
        return result

    setattr(cls, name, patched)


def arm(point: str) -> None:
    original_put = Store.put
    write.VECTOR_BATCH = BATCH

    def small_batches(self: Store, chunks: list, vectors: list, _: int = 0, on_batch: object = None) -> None:
        original_put(self, chunks, vectors, BATCH, on_batch)  # type: ignore[arg-type]

    Store.put = small_batches  # type: ignore[method-assign]
    if point == "embedded":
        after(CachedEmbeddings, "embed_documents")
    elif point == "mid-store":
        seen = [0]

        def counting(self: Store, chunks: list, vectors: list, _: int = 0, on_batch: object = None) -> None:
            def tick(n: int) -> None:
                seen[0] += 1
                if seen[0] == 2:
                    die()

            original_put(self, chunks, vectors, BATCH, tick)

        Store.put = counting  # type: ignore[method-assign]
    elif point == "stored":
        after(Store, "put")
    elif point == "vectors-stored":  # the two files' chunks, then two batches of vectors
        after(Store, "put", times=4)
    elif point == "vectors-committed":  # the two files' entries, then the first batch of vectors
        after(Index, "commit", times=3)
    elif point == "manifest-tmp":
        manifest.os.replace = lambda *a, **k: die()  # type: ignore[attr-defined,assignment]
    elif point == "committed":
        after(Index, "commit")
    elif point == "lexical":

        def half_saved(self: lexical.LexicalIndex, folder: Path) -> None:
            self.words.save(str(folder.with_name(f".{folder.name}-new") / "words"))  # type: ignore[attr-defined]
            die()

        lexical.LexicalIndex.save = half_saved  # type: ignore[method-assign]
    elif point != "none":
        raise SystemExit(f"unknown crash point {point!r}")


def main() -> None:
    point, index_dir, *files = sys.argv[1:]
    arm(point)
    reports = write.ingest_paths(
        Index(hash_settings(Path(index_dir))), [Path(f) for f in files], progress=False
    )
    print(" ".join(f"{r.file}:{r.status}" for r in reports))


if __name__ == "__main__":
    main()
