import shutil

import pytest

from assistant.errors import AssistantError, DocumentError, WriterBusyError
from assistant.index import Index
from assistant.index.write import ingest_paths, remove_documents
from assistant.ingest.extract import read_pdf
from tests import pdfs
from tests.locks import write_lock_held


def _status(reports):
    return {r.file: r.status for r in reports}


def test_ingest_stores_chunks_with_metadata(index, law, report):
    reports = ingest_paths(index, [law, report], progress=False)
    assert _status(reports) == {"ley-prueba.pdf": "ingested", "informe-prueba.pdf": "ingested"}
    law_report = next(r for r in reports if r.file == "ley-prueba.pdf")
    assert (law_report.pages, law_report.articles, law_report.doc_type) == (3, 7, "law")
    assert index.store.count() == sum(r.chunks for r in reports)
    hits = index.store.search("Sanción para el delito de trata de personas", k=3)
    top = hits[0].chunk
    assert (top.file, top.article, top.page_start, top.title) == (
        "ley-prueba.pdf",
        "Art. 92",
        2,
        "LEY DE PRUEBA CONTRA LA TRATA",
    )
    assert "Registro Oficial Suplemento 599" in top.reform_notes[0]
    # vectors always come from our embedder: Chroma's default embedding function would download a model
    function = index.store.collection.configuration_json["embedding_function"]
    assert function in (None, {"type": "legacy"})  # "legacy": the client supplies vectors; never "default"
    assert index.store.collection.configuration_json["hnsw"]["ef_search"] == 1000


def test_reingesting_an_unchanged_file_does_nothing(index, law):
    ingest_paths(index, [law], progress=False)
    computed, count = index.embedder.computed, index.store.count()
    again = Index(index.settings)  # a new process would start like this
    assert _status(ingest_paths(again, [law], progress=False)) == {"ley-prueba.pdf": "unchanged"}
    assert again.embedder.computed == 0 and index.embedder.computed == computed
    assert again.store.count() == count


def test_a_changed_file_replaces_its_chunks_and_reuses_cached_vectors(index, law):
    ingest_paths(index, [law], progress=False)
    old_ids = set(index.manifest.documents["ley-prueba.pdf"].chunk_ids)
    pages = [list(p) for p in pdfs.LAW_PAGES]
    pages[2].append("Art. 96.- Disposición nueva.- Texto añadido en la segunda versión.")
    pdfs.law_pdf(law, pages)
    fresh = Index(index.settings)
    assert _status(ingest_paths(fresh, [law], progress=False)) == {"ley-prueba.pdf": "replaced"}
    new_ids = set(fresh.manifest.documents["ley-prueba.pdf"].chunk_ids)
    assert new_ids != old_ids
    assert fresh.store.count() == len(new_ids)  # no stale chunk of the first version is left
    # only the changed text was embedded again (the cache is keyed by passage text)
    assert 0 < fresh.embedder.computed < len(new_ids)


def test_a_failing_new_version_keeps_the_old_one(index, law, tmp_path):
    ingest_paths(index, [law], progress=False)
    before = index.store.count()
    pdfs.corrupt_pdf(tmp_path / "broken.pdf", law)
    shutil.copy(tmp_path / "broken.pdf", law)
    reports = ingest_paths(Index(index.settings), [law], progress=False)
    assert _status(reports) == {"ley-prueba.pdf": "failed"}
    assert Index(index.settings).store.count() == before
    assert Index(index.settings).store.search("trata de personas", k=1)[0].chunk.file == "ley-prueba.pdf"


def test_a_store_failure_rolls_back_the_new_chunks(index, law, monkeypatch):
    ingest_paths(index, [law], progress=False)
    before = index.store.count()
    pdfs.law_pdf(law, [*pdfs.LAW_PAGES, ["Art. 97.- Otra versión.- Con texto nuevo."]])

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    fresh = Index(index.settings)
    original_put = fresh.store.put

    def put_then_fail(chunks, vectors, **kwargs):
        original_put(chunks[:3], vectors[:3])
        boom()

    monkeypatch.setattr(fresh.store, "put", put_then_fail)
    with pytest.raises(RuntimeError):
        ingest_paths(fresh, [law], progress=False)
    assert Index(index.settings).store.count() == before


def test_bad_files_fail_one_by_one_and_the_rest_is_ingested(index, law, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "vacio.pdf").write_bytes(b"")
    (bad / "texto.pdf").write_text("esto no es un PDF", encoding="utf-8")
    pdfs.corrupt_pdf(bad / "roto.pdf", law)
    pdfs.encrypted_pdf(bad / "cifrado.pdf", law)
    pdfs.scanned_pdf(bad / "escaneado.pdf")
    shutil.copy(law, bad / "buena.pdf")
    reports = {r.file: r for r in ingest_paths(index, [bad], progress=False)}
    assert reports["buena.pdf"].status == "ingested"
    expected = {
        "vacio.pdf": "empty (0 bytes)",
        "texto.pdf": "not a PDF",
        "roto.pdf": "damaged",
        "cifrado.pdf": "encrypted with a password",
        "escaneado.pdf": "no text layer",
    }
    for name, problem in expected.items():
        error = reports[name].error
        assert reports[name].status == "failed"
        assert error.startswith(f"{name}: ") and problem in error, error
        assert "\n" not in error and ";" in error  # one line: what failed; what to do
    assert set(index.manifest.documents) == {"buena.pdf"}


def test_read_pdf_names_the_file_and_the_action(tmp_path):
    with pytest.raises(DocumentError) as info:
        read_pdf(pdfs.scanned_pdf(tmp_path / "scan.pdf"))
    assert "scan.pdf" in str(info.value) and "OCR" in str(info.value)


def test_remove_a_document(index, law, report):
    ingest_paths(index, [law, report], progress=False)
    remove_documents(index, ["ley-prueba.pdf"])
    fresh = Index(index.settings)
    assert set(fresh.manifest.documents) == {"informe-prueba.pdf"}
    assert {h.chunk.file for h in fresh.store.search("trata de personas", k=10)} == {"informe-prueba.pdf"}
    with pytest.raises(AssistantError, match="not in the index"):
        remove_documents(fresh, ["ley-prueba.pdf"])


def test_missing_path_is_an_error(index, tmp_path):
    with pytest.raises(AssistantError, match="no such file"):
        ingest_paths(index, [tmp_path / "nada"], progress=False)


def test_the_same_bytes_under_two_names_are_two_documents(index, law, tmp_path):
    twin = tmp_path / "copia.pdf"
    shutil.copy(law, twin)
    ingest_paths(index, [law, twin], progress=False)
    count = index.store.count()
    remove_documents(index, ["copia.pdf"])
    assert index.store.count() == count // 2
    assert _status(ingest_paths(Index(index.settings), [law], progress=False)) == {
        "ley-prueba.pdf": "unchanged"
    }


def test_an_unexpected_parser_failure_is_reported_for_that_file_only(index, law, report, monkeypatch):
    import assistant.ingest.parse as pipeline

    real = pipeline.clean_pages

    def fragile(pages, share):
        if len(pages) == 3 and "LEY DE PRUEBA" in pages[0].text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(pages, share)

    monkeypatch.setattr(pipeline, "clean_pages", fragile)
    reports = {r.file: r for r in ingest_paths(index, [law, report], progress=False)}
    assert reports["informe-prueba.pdf"].status == "ingested"
    assert reports["ley-prueba.pdf"].status == "failed"
    assert "could not be processed (RecursionError" in reports["ley-prueba.pdf"].error


def test_store_reads_in_pages(index, law, monkeypatch):
    ingest_paths(index, [law], progress=False)
    expected = index.store.count()
    monkeypatch.setattr("assistant.index.store.PAGE", 2)  # Chroma refuses too many ids in one request
    assert index.store.count() == expected == len(index.store.chunks())
    ids = sorted(index.manifest.documents["ley-prueba.pdf"].chunk_ids)
    assert [c.chunk_id for c in index.store.chunks(ids)] == ids
    assert index.store.ids_of("ley-prueba.pdf") == set(ids)


def test_a_second_process_writing_the_same_index_is_refused_with_a_reason(index, law, tmp_path):
    ingest_paths(index, [law], progress=False)
    with (
        write_lock_held(index.root),
        pytest.raises(WriterBusyError, match=r"process 4242 is writing to the index at .*wait until"),
    ):
        ingest_paths(index, [pdfs.report_pdf(tmp_path / "informe.pdf")], progress=False)
    reports = ingest_paths(index, [pdfs.report_pdf(tmp_path / "informe.pdf")], progress=False)
    assert reports[0].status == "ingested"  # the lock died with its holder
    assert set(index.manifest.documents) == {"ley-prueba.pdf", "informe.pdf"}


def test_a_document_is_searchable_by_its_words_before_its_vectors(index, law):
    from assistant.index.write import embed_waiting
    from assistant.search import search, vector_notes

    [report] = ingest_paths(index, [law], progress=False, vectors=False)
    entry = index.manifest.documents["ley-prueba.pdf"]
    assert report.pending == entry.pending == len(entry.chunk_ids) > 0
    assert "Art. 92" in [h.chunk.article for h in search(index, "trata de personas", k=5, mode="lexical")]
    assert any(h.chunk.article == "Art. 92" for h in search(index, "trata de personas", k=5))
    assert search(index, "trata de personas", k=5, mode="dense") == []  # placeholders are never hits
    assert vector_notes(index) == [
        f"ley-prueba.pdf: dense 0/{len(entry.chunk_ids)}; its other chunks are found by their words until "
        "their vectors are computed"
    ]
    assert embed_waiting(index, progress=False) == len(entry.chunk_ids)
    assert index.manifest.documents["ley-prueba.pdf"].pending == 0 and vector_notes(index) == []
    dense = search(index, "Sanción para el delito de trata de personas", k=3, mode="dense")
    assert dense[0].chunk.article == "Art. 92"
    again = Index(index.settings)  # what was counted was saved
    assert not again.waiting() and not again.store.waiting("ley-prueba.pdf", entry.doc_id)


def test_vectors_are_computed_batch_by_batch_and_stop_between_batches(index, law, monkeypatch):
    import threading

    from assistant.index import write

    ingest_paths(index, [law], progress=False, vectors=False)
    total = index.manifest.documents["ley-prueba.pdf"].pending
    monkeypatch.setattr(write, "VECTOR_BATCH", 2)
    stop = threading.Event()
    computed = index.embedder.embed_documents

    def one_batch_then_stop(texts):
        stop.set()
        return computed(texts)

    monkeypatch.setattr(index.embedder, "embed_documents", one_batch_then_stop)
    assert write.embed_waiting(index, progress=False, stop=stop) == 2
    assert index.manifest.documents["ley-prueba.pdf"].pending == total - 2
    assert (
        len(index.store.waiting("ley-prueba.pdf", index.manifest.documents["ley-prueba.pdf"].doc_id))
        == total - 2
    )


def test_a_document_removed_while_its_vectors_are_computed_is_left_alone(index, law, monkeypatch):
    from assistant.index import write

    ingest_paths(index, [law], progress=False, vectors=False)
    computed = index.embedder.embed_documents

    def removed_meanwhile(texts):
        remove_documents(index, ["ley-prueba.pdf"])
        return computed(texts)

    monkeypatch.setattr(index.embedder, "embed_documents", removed_meanwhile)
    assert write.embed_waiting(index, progress=False) == 0
    assert not index.manifest.documents and index.store.count() == 0
