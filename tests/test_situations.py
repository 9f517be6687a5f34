"""The situation lexicon: its bundled data, and the channel that turns everyday descriptions into the
articles that govern them."""

from __future__ import annotations

import re

import pytest

from assistant.index.write import ingest_paths
from assistant.search import plan_query, search
from assistant.search.channels import rankings
from assistant.search.situations import DOCUMENTS, load_situations, situation_index
from assistant.types import Filters
from tests import pdfs

ARTICLE = re.compile(r"^Art\. \d+(?:\.\d+|-[A-Z])?(?: (?:bis|ter|quater))?$")


def test_every_entry_names_a_known_document_an_article_and_three_languages():
    entries = load_situations()
    assert len(entries) > 500
    seen = set()
    for e in entries:
        assert e.doc in DOCUMENTS and ARTICLE.match(e.article), e
        assert (e.doc, e.article) not in seen, f"{e.doc} {e.article} twice"
        seen.add((e.doc, e.article))
        assert len(e.texts) == 7 and all(t.strip() for t in e.texts), e  # title + 2 per language


def _coip(tmp_path, name="coip-prueba.pdf"):
    extortion = next(e for e in load_situations() if e.doc == "coip" and e.article == "Art. 185")
    pages = [
        *pdfs.LAW_PAGES,  # a law's front matter, then Art. 91 (trata de personas), 92, ...
        ["Art. 185.- Extorsión.- La persona que, con el propósito de obtener provecho personal o para",
         "un tercero, obligue a otro, con violencia o intimidación, a realizar u omitir un acto o negocio",
         "jurídico en perjuicio de su patrimonio o el de un tercero, será sancionada."],
    ]  # fmt: skip
    return pdfs.law_pdf(tmp_path / name, pages), extortion


def test_a_described_situation_ranks_its_article_first(index, tmp_path):
    path, extortion = _coip(tmp_path)
    ingest_paths(index, [path], progress=False)
    lexicon = situation_index(index)
    described = {(s.doc, s.article) for s in lexicon.situations}
    assert {("coip", "Art. 91"), ("coip", "Art. 185")} <= described
    assert all(doc == "coip" for doc, _ in described)
    everyday = extortion.texts[1]  # one of its Spanish descriptions, in everyday words
    ids = lexicon.rank(index.embedder.embed_query(everyday), Filters(), depth=10)
    first = index.store.chunks(ids[:1])[0]
    assert first.article == "Art. 185"
    # a filter on other files leaves the channel empty
    assert lexicon.rank(index.embedder.embed_query(everyday), Filters.of(files=["otra.pdf"]), 10) == []


def test_the_lexicon_applies_only_to_the_documents_it_describes(index, tmp_path):
    path, _ = _coip(tmp_path, name="ley-cualquiera.pdf")
    ingest_paths(index, [path], progress=False)
    assert situation_index(index).situations == ()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_setting_turns_the_channel_on_and_off(index, tmp_path, enabled):
    path, extortion = _coip(tmp_path)
    ingest_paths(index, [path], progress=False)
    index.settings.retrieval.situations = enabled
    question = extortion.texts[1]
    plan = plan_query(question)
    lists = [ids for ids, _ in rankings(index, plan, "hybrid", Filters(), 50, situations=enabled)]
    lexicon_ids = situation_index(index).rank(index.embedder.embed_query(question), Filters(), 50)
    assert (lexicon_ids in lists) is enabled
    assert search(index, question, k=2)  # the search itself works either way


@pytest.mark.parametrize(
    ("file", "title", "doc"),
    [
        ("ley-garantias-jurisdiccionales-2020.pdf",
         "LEY ORGÁNICA DE GARANTÍAS JURISDICCIONALES Y CONTROL CONSTITUCIONAL", "garantias"),
        ("constitucion-2008.pdf", "CONSTITUCIÓN DE LA REPÚBLICA DEL ECUADOR", "constitucion"),
        ("Codigo_Organico_Integral_Penal.pdf", "CÓDIGO ORGÁNICO INTEGRAL PENAL, COIP", "coip"),
        ("informe-provea-2016.pdf", "Informe anual", None),
    ],
)  # fmt: skip
def test_each_law_is_recognised_by_its_file_name_or_title(file, title, doc):
    from assistant.search.situations import _document_of

    assert _document_of(file, title) == doc


def test_an_ingest_prepares_the_lexicon_so_the_first_question_does_not_wait(index, tmp_path):
    from assistant.search.situations import ingest_and_warm

    path, extortion = _coip(tmp_path)
    reports = ingest_and_warm(index, [path])
    assert [r.status for r in reports] == ["ingested"]
    embedded = index.embedder.computed
    search(index, extortion.texts[1], k=3)  # the lexicon is already built: nothing more to embed
    assert index.embedder.computed == embedded


def test_while_vectors_wait_a_search_uses_a_ready_lexicon_or_goes_without(index, tmp_path):
    import numpy as np

    from assistant.index import Index
    from assistant.search import situations

    path, extortion = _coip(tmp_path)
    ingest_paths(index, [path], progress=False, vectors=False)
    assert situation_index(index) is None  # not built yet: no search waits for it
    assert search(index, extortion.texts[1], k=5)
    assert situations.warm(index) > 0 and index.waiting()
    built = situation_index(index)
    assert built is not None
    situations._BUILT.clear()  # a fresh process: the lexicon saved beside the index is loaded
    loaded = situation_index(Index(index.settings))
    assert loaded is not None and loaded.situations == built.situations
    assert np.array_equal(loaded.vectors, built.vectors) and loaded.chunks == built.chunks
