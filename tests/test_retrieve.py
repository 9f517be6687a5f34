import itertools
import shutil

import pytest

from assistant.errors import AssistantError
from assistant.index import Index
from assistant.index.write import ingest_paths, remove_documents
from assistant.language import detect_language
from assistant.search import search
from assistant.search.fuse import merge_article_parts, rrf
from assistant.search.plan import find_references, plan_query
from assistant.search.translate import glossary_terms, translate
from assistant.types import Chunk, Filters
from tests import pdfs


def test_rrf_rewards_agreement_and_weights():
    scores = rrf([(["a", "b", "c"], 1.0), (["b", "c", "a"], 1.0), (["c"], 1.0)], k=60)
    assert sorted(scores, key=lambda x: -scores[x]) == ["c", "b", "a"]
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    weighted = rrf([(["a"], 1.0), (["b"], 2.0)], k=60)
    assert weighted["b"] == pytest.approx(2 * weighted["a"])


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("¿Qué pena tiene la trata de personas?", "es"),
        ("Derechos de la naturaleza", "es"),
        ("Quelle peine pour l'orpaillage illégal ?", "fr"),
        ("Qu'est-ce que la consultation préalable ?", "fr"),
        ("What is the penalty for money laundering?", "en"),
    ],
)
def test_query_language(question, language):
    assert detect_language(question) == language


def test_glossary_supplies_spanish_terms_longest_first():
    terms, matched = glossary_terms("Quelle peine pour l'orpaillage illégal et le blanchiment ?", "fr")
    assert "lavado de activos" in terms
    assert any(t in terms for t in ("actividad ilícita de recursos mineros", "minería ilegal"))
    assert "orpaillage illegal" in matched or "orpaillage" in matched
    english, _ = glossary_terms("Human trafficking victims and money laundering", "en")
    assert "trata de personas" in english and "lavado de activos" in english
    assert glossary_terms("trata de personas", "es") == ([], [])


@pytest.mark.parametrize(
    ("question", "article", "document"),
    [
        ("¿Qué dice el art. 92 del COIP?", "Art. 92", "coip"),
        ("Article 407 de la Constitution", "Art. 407", "constitu"),
        ("What does Art. 10 bis say?", "Art. 10 bis", ""),
        ("artículos 71", "Art. 71", ""),
    ],
)
def test_explicit_references(question, article, document):
    (ref,) = find_references(question)
    assert (ref.article, ref.document) == (article, document)


def test_without_apertium_the_glossary_alone_builds_the_spanish_query(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr("assistant.search.translate._PIPELINES", {})  # none started by an earlier test
    monkeypatch.setattr("assistant.search.translate._TRANSLATIONS", {})
    plan = plan_query("Quelle peine pour la traite des êtres humains ?")
    assert plan.language == "fr" and not plan.translated
    assert "trata de personas" in plan.spanish


@pytest.mark.skipif(
    shutil.which("apertium") is None,
    reason="Apertium is not installed (apt-get install apertium "
    "apertium-fr-es apertium-en-es; `.ci/run` installs it)",
)
def test_apertium_translates_and_marks_unknown_words(monkeypatch):
    monkeypatch.setattr("assistant.search.translate._TRANSLATIONS", {})
    spanish, unknown = translate("Quelle peine pour l'orpaillage illégal ?", "fr")
    assert "pena" in spanish.lower() and "ilegal" in spanish.lower()
    assert "orpaillage" in unknown and "*" not in spanish
    plan = plan_query("Quelle peine pour l'orpaillage illégal ?")
    assert plan.translated and any("miner" in term for term in plan.expansions)


def _chunk(article: str | None, part: int, parts: int, page: int, text: str) -> Chunk:
    return Chunk(
        f"id-{article}-{part}-{page}",
        "d",
        "ley.pdf",
        "Ley",
        "law",
        "es",
        page,
        page,
        article,
        "",
        text,
        part=part,
        parts=parts,
    )


def test_parts_of_one_article_are_merged_in_order():
    a2, other, a1 = (
        _chunk("Art. 5", 2, 2, 4, "segunda"),
        _chunk("Art. 6", 1, 1, 4, "x"),
        _chunk("Art. 5", 1, 2, 3, "primera"),
    )
    merged = merge_article_parts([(a2, 0.9), (other, 0.5), (a1, 0.4)])
    assert [(c.article, c.page_start, c.page_end, s) for c, s in merged] == [
        ("Art. 5", 3, 4, 0.9),
        ("Art. 6", 4, 4, 0.5),
    ]
    assert merged[0][0].text == "primera\n[…]\nsegunda"


@pytest.fixture
def two_laws(index, law, report, tmp_path):
    repealed = pdfs.law_pdf(
        tmp_path / "ley-derogada-1971.pdf",
        [
            [
                "LEY ANTIGUA CONTRA LA TRATA",
                "Art. 1.- Trata de personas.- La trata de personas será sancionada con",
                "reclusión menor de seis a nueve años. Sanción para el delito de trata de personas.",
            ],
            ["Art. 2.- Otra norma.- Texto antiguo sin relación."],
            ["Art. 3.- Tercera norma.- Texto antiguo sin relación."],
        ],
    )
    ingest_paths(index, [law, report, repealed], progress=False)
    return index


def test_hybrid_search_finds_the_article(two_laws):
    hits = search(two_laws, "Sanción para el delito de trata de personas", k=5)
    assert hits[0].chunk.article == "Art. 92" and hits[0].chunk.file == "ley-prueba.pdf"
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


def test_named_article_comes_first(two_laws):
    hits = search(two_laws, "¿Qué establece el artículo 95?", k=3)
    assert hits[0].chunk.article == "Art. 95"


def test_repealed_law_ranks_below_current_law_unless_switched_off(two_laws):
    def files(hits):
        return [h.chunk.file for h in hits]

    current = files(search(two_laws, "Trata de personas sanción reclusión", k=10, mode="lexical"))
    assert current.index("ley-prueba.pdf") < current.index("ley-derogada-1971.pdf")
    assert "ley-derogada-1971.pdf" in current  # ranked lower, still found
    two_laws.settings.retrieval.prefer_current = False
    plain = files(search(two_laws, "Trata de personas sanción reclusión", k=10, mode="lexical"))
    assert plain[0] == "ley-derogada-1971.pdf"


def test_filters_by_file_and_type(two_laws):
    only = search(
        two_laws, "trata de personas", k=20, filters=Filters(files=frozenset({"informe-prueba.pdf"}))
    )
    assert only and {h.chunk.file for h in only} == {"informe-prueba.pdf"}
    laws = search(two_laws, "mercurio", k=20, filters=Filters(doc_types=frozenset({"law"})))
    assert laws and {h.chunk.doc_type for h in laws} == {"law"}
    for mode in ("dense", "lexical"):
        hits = search(
            two_laws, "trata", k=20, mode=mode, filters=Filters(files=frozenset({"ley-prueba.pdf"}))
        )
        assert {h.chunk.file for h in hits} == {"ley-prueba.pdf"}


def test_lexical_index_follows_ingest_and_remove(two_laws):
    before = Index(two_laws.settings).lexical
    assert set(before.files) == {"ley-prueba.pdf", "informe-prueba.pdf", "ley-derogada-1971.pdf"}
    remove_documents(two_laws, ["ley-derogada-1971.pdf"])
    after = Index(two_laws.settings)
    assert "ley-derogada-1971.pdf" not in set(after.lexical.files)
    assert all(
        h.chunk.file != "ley-derogada-1971.pdf"
        for h in search(after, "reclusión menor", k=20, mode="lexical")
    )


def test_a_reranker_reorders_the_fused_list(two_laws):
    calls = []

    def by_length(query, passages):
        calls.append(query)
        return [float(len(p)) for p in passages]

    hits = search(two_laws, "trata de personas", k=5, reranker=by_length)
    assert calls == ["trata de personas"]
    assert [len(h.chunk.text) for h in hits] == sorted((len(h.chunk.text) for h in hits), reverse=True)


def test_empty_question_and_unknown_mode_are_refused(two_laws):
    with pytest.raises(AssistantError, match="empty"):
        search(two_laws, "   ")
    with pytest.raises(AssistantError, match="Unknown search mode"):
        search(two_laws, "trata", mode="magic")  # type: ignore[arg-type]


def test_character_ngrams_match_cognates():
    from assistant.index.lexical import LexicalIndex, grams

    expected = ["_exp", "expl", "xplo", "plot", "lota", "otac", "taci", "acio", "cion", "ion_"]
    assert grams("Explotación") == expected
    assert grams("de la 2024") == []
    rows = [
        ("a", "El mercurio contamina los ríos de la Amazonía.", "x.pdf", "report"),
        ("b", "La explotación laboral de las víctimas de trata.", "y.pdf", "law"),
        ("c", "Consulta previa a las comunidades indígenas.", "x.pdf", "report"),
    ]
    index = LexicalIndex.build(rows)
    assert index.search_ngrams("l'exploitation des victimes", 3)[0][0] == "b"
    assert [cid for cid, _ in index.search_ngrams("exploitation", 3, files={"x.pdf"})] == []


def test_a_failed_translation_is_not_cached(monkeypatch):
    """One Apertium failure must not leave that question untranslated for the life of the process."""
    from assistant.search import translate as module

    calls = []

    def flaky(text: str) -> str:
        calls.append(text)
        if len(calls) == 1:
            raise OSError("apertium stopped answering")
        return "¿Qué pena tiene la *orpaillage ilegal?"

    monkeypatch.setattr(module, "_TRANSLATIONS", {})
    monkeypatch.setattr(module, "apertium", lambda pair: flaky)
    question = "Quelle peine pour l'orpaillage illégal ?"
    assert translate(question, "fr") is None
    assert translate(question, "fr") == ("¿Qué pena tiene la orpaillage ilegal?", ("orpaillage",))
    assert translate(question, "fr") == ("¿Qué pena tiene la orpaillage ilegal?", ("orpaillage",))
    assert len(calls) == 2  # the success is cached, the failure was not
