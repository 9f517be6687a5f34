"""Server mode against a real Chroma server (`chroma run`, started by .ci/run and named in
ASSISTANT_TEST_CHROMA, or started here): ingestion, search, answers, removal and crash leftovers behave
as with the embedded store, the vectors live on the server (nothing under <index>/chroma), and the
lexical index stays in step with them."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.ask import ask
from assistant.index import Index
from assistant.index.write import ingest_paths, remove_documents
from assistant.search import search
from assistant.settings import Settings
from assistant.testing import free_port, hash_settings

pytestmark = pytest.mark.server
PENALTY = "¿Qué pena tiene el delito de trata de personas?"


def _wait(host: str, port: int, process: subprocess.Popen[bytes] | None) -> None:
    import chromadb

    deadline = time.monotonic() + 60
    while True:
        try:
            chromadb.HttpClient(host=host, port=port).heartbeat()
            return
        except Exception:
            if time.monotonic() > deadline or (process and process.poll() is not None):
                pytest.fail(f"the Chroma server at {host}:{port} did not start")
            time.sleep(0.3)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    given = os.environ.get("ASSISTANT_TEST_CHROMA")
    if given:
        host, port = given.rsplit(":", 1)
        _wait(host, int(port), None)
        yield host, int(port)
        return
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(chroma).exists():
        pytest.skip("the `chroma` command is not installed (pip install chromadb)")
    port, path = free_port(), tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    command = [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _wait("127.0.0.1", port, process)
    yield "127.0.0.1", port
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def served(chroma_server: tuple[str, int], tmp_path: Path) -> Settings:
    """Settings for server mode, on a server emptied of earlier tests' collections."""
    import chromadb

    host, port = chroma_server
    client = chromadb.HttpClient(host=host, port=port)
    for collection in client.list_collections():
        client.delete_collection(collection.name)
    return hash_settings(tmp_path / "index", chroma_host=host, chroma_port=port)


def _server_count(settings: Settings) -> int:
    import chromadb

    client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port)
    return client.get_collection(settings.collection_name()).count()


def test_ingest_search_and_ask_use_the_server(served, law, report):
    index = Index(served)
    reports = ingest_paths(index, [law, report], progress=False)
    assert {r.status for r in reports} == {"ingested"}
    assert not (served.index_dir / "chroma").exists()  # the vectors went to the server
    assert _server_count(served) == sum(r.chunks for r in reports) == len(index.known_ids())
    top = search(index, PENALTY, k=3)[0].chunk
    assert (top.file, top.article, top.page_start) == ("ley-prueba.pdf", "Art. 92", 2)
    answer = ask(Index(served), PENALTY)  # a fresh process would open it like this
    assert not answer.abstained and answer.citations[0].article == "Art. 92"
    assert set(Index(served).lexical.ids) == index.known_ids()


def test_words_first_on_a_server_another_process_finishes_the_vectors(served, law):
    from assistant.index.write import embed_waiting

    ingest_paths(Index(served), [law], progress=False, vectors=False)  # then the process stops
    other = Index(served)  # another process, or the next run, on the shared manifest
    assert other.waiting()["ley-prueba.pdf"].embedded == 0
    assert search(other, PENALTY, k=5, mode="dense") == []  # placeholders are never hits
    assert any(h.chunk.article == "Art. 92" for h in search(other, PENALTY, k=5))
    assert embed_waiting(other, progress=False) == len(other.known_ids())
    top = search(Index(served), PENALTY, k=3, mode="dense")[0].chunk
    assert (top.file, top.article) == ("ley-prueba.pdf", "Art. 92") and not Index(served).waiting()


def test_removal_and_crash_leftovers_stay_consistent_with_the_server(served, law, report):
    index = Index(served)
    ingest_paths(index, [law, report], progress=False)
    remove_documents(index, ["informe-prueba.pdf"])
    assert _server_count(served) == len(index.known_ids())
    assert all(h.chunk.file == "ley-prueba.pdf" for h in search(index, "minería ilegal mercurio", k=10))
    # what a crashed ingest leaves on the server: stored chunks that no manifest entry lists
    stored = index.store.chunks()
    orphans = [dataclasses.replace(c, chunk_id=f"huerfano-{c.chunk_id}", file="huerfano.pdf") for c in stored]
    index.store.put(orphans, [None] * len(orphans))
    assert _server_count(served) == 2 * len(index.known_ids())
    assert all(h.chunk.file == "ley-prueba.pdf" for h in search(Index(served), "trata de personas", k=20))
    ingest_paths(Index(served), [law], progress=False)  # the next writer cleans up
    assert _server_count(served) == len(index.known_ids())


def test_two_machines_share_the_documents_of_one_server(served, law, report, monkeypatch):
    monkeypatch.setattr("assistant.index.REFRESH_SECONDS", 0.0)
    first = Index(served)
    ingest_paths(first, [law], progress=False)
    assert search(first, "mercurio peces", k=1)[0].chunk.file == "ley-prueba.pdf"
    other = Settings(**{**served.model_dump(), "index_dir": served.index_dir.parent / "other-machine"})
    second = Index(other)
    assert set(second.manifest.documents) == {"ley-prueba.pdf"}  # the manifest lives on the server
    ingest_paths(second, [report], progress=False)
    # the first process (an app still running) sees the new document at its next search
    assert search(first, "mercurio peces", k=1)[0].chunk.file == "informe-prueba.pdf"
    assert set(first.manifest.documents) == {"ley-prueba.pdf", "informe-prueba.pdf"}
    assert set(first.lexical.ids) == first.known_ids()  # its own BM25 index was rebuilt to match
    assert _server_count(served) == len(first.known_ids())
    remove_documents(second, ["informe-prueba.pdf"])
    assert all(h.chunk.file == "ley-prueba.pdf" for h in search(first, "mercurio peces", k=10))
