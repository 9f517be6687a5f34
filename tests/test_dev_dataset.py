"""The dev question set (evals/datasets/dev-real.jsonl): schema, and gold pages checked on the real PDFs."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "evals" / "datasets" / "dev-real.jsonl"
VERIFY_SCRIPT = ROOT / "evals" / "verify_gold.py"
REAL_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-real"

LANGS = {"es", "fr", "en"}
TOPICS = {
    "trafficking", "mining", "environment", "indigenous", "money", "corruption",
    "organised-crime", "penalties", "procedure", "constitution", "repealed",
}  # fmt: skip
FILES = {
    "coip-2014-reformado-2025.pdf",
    "constitucion-2008.pdf",
    "ley-garantias-jurisdiccionales-2020.pdf",
    "codigo-penal-1971-derogado.pdf",
}
FIELDS = {
    "id": str, "lang": str, "question": str, "answerable": bool, "gold": list,
    "reference_answer": str, "key_facts": list, "key_facts_alt": list, "topic": str,
}  # fmt: skip
ARTICLE = re.compile(r"^Art\. \d+(?:\.\d+)*(?: (?:bis|ter|quater))?$")


def _records() -> list[dict[str, Any]]:
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _verify_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_gold", VERIFY_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dataset_schema() -> None:
    records = _records()
    assert len(records) >= 75
    for record in records:
        qid = record.get("id")
        assert set(record) == set(FIELDS), qid
        for field, kind in FIELDS.items():
            assert isinstance(record[field], kind), (qid, field)
        assert record["lang"] in LANGS, qid
        assert qid.startswith(record["lang"] + "-"), qid
        assert record["topic"] in TOPICS, qid
        assert record["question"].strip() and record["reference_answer"].strip(), qid
        assert record["answerable"] == bool(record["gold"]), qid
        assert len(record["key_facts"]) == len(record["key_facts_alt"]), qid
        assert all(isinstance(fact, str) and fact.strip() for fact in record["key_facts"]), qid
        assert all(isinstance(fact, str) and fact.strip() for fact in record["key_facts_alt"]), qid
        if record["answerable"]:
            assert record["key_facts"], qid
        else:
            assert record["key_facts"] == [], qid
        for gold in record["gold"]:
            assert set(gold) == {"file", "page", "article", "evidence"}, qid
            assert gold["file"] in FILES, qid
            assert isinstance(gold["page"], int) and gold["page"] >= 1, qid
            assert gold["article"] is None or ARTICLE.match(gold["article"]), (qid, gold["article"])
            assert 6 <= len(gold["evidence"].split()) <= 20, (qid, gold["evidence"])

    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids)), "ids must be unique"
    per_lang = Counter(record["lang"] for record in records)
    assert all(per_lang[lang] >= 20 for lang in LANGS), per_lang
    assert sum(not record["answerable"] for record in records) >= 8


def test_heading_pattern() -> None:
    verify = _verify_module()
    assert verify.heading_pattern("Art. 92").search("art. 92.- sanción para el delito")
    assert not verify.heading_pattern("Art. 92").search("art. 192.- otra cosa")
    assert not verify.heading_pattern("Art. 369").search("art. 369.1.- reclutamiento")
    assert verify.heading_pattern("Art. 369.1").search("art. 369.1.- reclutamiento")
    assert verify.heading_pattern("Art. 10 bis").search("art. 10 bis.- texto")
    assert verify.normalise("Ley\u00ad  de\r\nGARANTÍAS\xa0x") == "ley de garantías x"


@pytest.mark.slow
def test_gold_evidence_on_real_pdfs() -> None:
    if not REAL_CORPUS.is_dir():
        pytest.skip(f"the real PDFs are not at {REAL_CORPUS} (they sit beside the project in CI)")
    failures = _verify_module().verify_dataset(DATASET, REAL_CORPUS)
    assert failures == [], "\n".join(failures)
