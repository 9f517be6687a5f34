"""Crash safety: an ingestion process killed with SIGKILL at eight points, five while a document's words
are stored and three while its vectors are computed, leaves an index whose manifest, store and lexical
index agree: every document is either whole and searchable by its words (with some or all of its
vectors, never claiming one it lacks) or absent; running the ingestion again completes it and leaves
nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.index import Index
from assistant.index.write import ingest_paths
from assistant.ingest.extract import file_digest
from assistant.search import search
from tests import pdfs

CHILD = Path(__file__).with_name("crash_child.py")
POINTS = ["mid-store", "stored", "manifest-tmp", "committed", "lexical", "embedded", "vectors-stored",
          "vectors-committed"]  # fmt: skip
QUESTIONS = ["pena privativa de libertad", "trata de personas", "minería ilegal mercurio", "reparación"]


def long_law(path: Path, version: int) -> Path:
    """Twelve pages of three articles each; version 2 rewrites every article's penalty."""
    years = ("diez a trece", "trece a dieciséis")[version - 1]
    pages = [
        [line for n in range(3 * p + 1, 3 * p + 4) for line in (
            f"Art. {n}.- Delito número {n}.- Quien cometa la conducta {n} contra la víctima será",
            f"sancionado con pena privativa de libertad de {years} años, y la minería ilegal con",
            f"mercurio agrava la pena del artículo {n}.",
        )]
        for p in range(12)
    ]  # fmt: skip
    return pdfs.law_pdf(path, [["LEY LARGA DE PRUEBA", *pages[0]], *pages[1:]])


def check_consistent(index: Index) -> None:
    """The manifest's documents are whole in the store; BM25 indexes exactly them; no search returns a
    chunk the manifest does not list."""
    known = index.known_ids()
    for entry in index.manifest.documents.values():
        assert index.store.ids_of(entry.file, entry.doc_id) >= set(entry.chunk_ids), entry.file
        # a chunk the manifest counts as embedded has its vector (the count may lag, never lead)
        assert len(index.store.waiting(entry.file, entry.doc_id)) <= entry.pending, entry.file
    assert set(index.lexical.ids) == known
    for question in QUESTIONS:
        assert {h.chunk.chunk_id for h in search(index, question, k=20)} <= known


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_mid_ingest_leaves_a_consistent_index_and_a_rerun_completes(point, settings, tmp_path, law):
    first, second = tmp_path / "v1", tmp_path / "v2"
    first.mkdir(), second.mkdir()
    ingest_paths(Index(settings), [law, long_law(first / "ley-larga.pdf", 1)], progress=False)
    before = {e.file: e.doc_id for e in Index(settings).manifest.documents.values()}
    changed, new = long_law(second / "ley-larga.pdf", 2), pdfs.report_pdf(tmp_path / "informe.pdf")

    args = [sys.executable, str(CHILD), point, str(settings.index_dir), str(changed), str(new)]
    killed = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=CHILD.parents[1])
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    after = Index(settings)  # a restart: nothing carried over from the killed process
    versions = {e.file: e.doc_id for e in after.manifest.documents.values()}
    assert versions["ley-prueba.pdf"] == before["ley-prueba.pdf"]
    committed = POINTS.index(point) >= POINTS.index("committed")  # killed after the manifest was renamed
    assert versions["ley-larga.pdf"] == (
        file_digest(changed.read_bytes()) if committed else before["ley-larga.pdf"]
    )
    check_consistent(after)
    if committed:  # the new version is searchable by its words, whatever its vectors
        found = search(after, "pena del artículo 7", k=5, mode="lexical")
        assert any("trece a dieciséis" in h.chunk.text for h in found)
    if POINTS.index(point) >= POINTS.index("embedded"):
        assert after.waiting(), "killed while computing vectors: some must still be missing"

    rerun = subprocess.run([*args[:2], "none", *args[3:]], capture_output=True, text=True, timeout=300,
                           cwd=CHILD.parents[1], env={**os.environ})  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    final = Index(settings)
    check_consistent(final)
    assert set(final.store.all_ids()) == final.known_ids()  # what the crash left behind is gone
    assert set(final.manifest.documents) == {"ley-prueba.pdf", "ley-larga.pdf", "informe.pdf"}
    for entry in final.manifest.documents.values():
        assert len(final.store.ids_of(entry.file)) == len(entry.chunk_ids)
        assert entry.pending == 0 and not final.store.waiting(entry.file, entry.doc_id), entry.file
    assert any("trece a dieciséis" in h.chunk.text for h in search(final, "pena del artículo 7", k=5))
