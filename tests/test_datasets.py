"""The reference question sets in evals/datasets/: schema, load, and every gold page checked on its PDF."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from assistant.evaluate.dataset import load_questions

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "evals" / "datasets"
VERIFY_SCRIPT = ROOT / "evals" / "verify_gold.py"
REAL_CORPUS = ROOT.parent / "shared" / "corpus-real"
DEMO_CORPUS = ROOT / "corpus"
REPORTS_CORPUS = ROOT.parent / "shared" / "corpus-reports"

LANGS = {"es", "fr", "en"}
REAL_TOPICS = {
    "trafficking", "mining", "environment", "indigenous", "money", "corruption",
    "organised-crime", "penalties", "procedure", "constitution", "repealed",
}  # fmt: skip
REAL_FILES = {
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


@dataclass(frozen=True)
class Spec:
    """What a dataset file must satisfy: where its PDFs are, its size and mix."""

    name: str
    corpus: Path
    files: set[str]
    topics: set[str]
    min_questions: int
    min_per_lang: int
    min_unanswerable: int


REPORT_FILES = {
    "provea-informe-2016-pueblos-indigenas.pdf",
    "cecodap-informe-ninos-frontera-mineria-2018.pdf",
    "cincia-mercurio-peces-pozas-mineras-2018.pdf",
}
REPORT_TOPICS = {
    "health", "mining", "indigenous", "budget", "migration",
    "children", "violence", "trafficking", "environment",
}  # fmt: skip
SPECS = [
    Spec("dev-real.jsonl", REAL_CORPUS, REAL_FILES, REAL_TOPICS, 80, 20, 10),
    Spec("test-real.jsonl", REAL_CORPUS, REAL_FILES, REAL_TOPICS, 30, 10, 5),
    Spec("dev-reports.jsonl", REPORTS_CORPUS, REPORT_FILES, REPORT_TOPICS, 40, 10, 5),
    Spec(
        "demo.jsonl",
        DEMO_CORPUS,
        {p.name for p in DEMO_CORPUS.glob("*.pdf")},
        {"trafficking", "mining", "environment", "indigenous", "procedure", "penalties", "field-notes"},
        20,
        6,
        4,
    ),
]


def _records(spec: Spec) -> list[dict[str, Any]]:
    lines = (DATASETS / spec.name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _verify_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_gold", VERIFY_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_record(record: dict[str, Any], spec: Spec) -> None:
    qid = record.get("id")
    assert set(record) == set(FIELDS), qid
    for field, kind in FIELDS.items():
        assert isinstance(record[field], kind), (qid, field)
    assert record["lang"] in LANGS, qid
    assert f"-{record['lang']}-" in f"-{qid}", qid
    assert record["topic"] in spec.topics, qid
    assert record["question"].strip() and record["reference_answer"].strip(), qid
    assert record["answerable"] == bool(record["gold"]), qid
    assert len(record["key_facts"]) == len(record["key_facts_alt"]), qid
    assert all(isinstance(fact, str) and fact.strip() for fact in record["key_facts"]), qid
    assert all(isinstance(fact, str) and fact.strip() for fact in record["key_facts_alt"]), qid
    assert bool(record["key_facts"]) == record["answerable"], qid
    for gold in record["gold"]:
        assert set(gold) == {"file", "page", "article", "evidence"}, qid
        assert gold["file"] in spec.files, qid
        assert isinstance(gold["page"], int) and gold["page"] >= 1, qid
        assert gold["article"] is None or ARTICLE.match(gold["article"]), (qid, gold["article"])
        assert 6 <= len(gold["evidence"].split()) <= 20, (qid, gold["evidence"])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_dataset_schema_and_mix(spec: Spec) -> None:
    records = _records(spec)
    assert len(records) >= spec.min_questions
    for record in records:
        _check_record(record, spec)
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids)), "ids must be unique"
    per_lang = Counter(record["lang"] for record in records)
    assert all(per_lang[lang] >= spec.min_per_lang for lang in LANGS), per_lang
    assert sum(not record["answerable"] for record in records) >= spec.min_unanswerable
    assert len(load_questions(DATASETS / spec.name)) == len(records)  # the product's loader accepts it


def test_held_out_questions_are_not_dev_questions() -> None:
    dev = {r["question"].casefold() for r in _records(SPECS[0])}
    assert not dev & {r["question"].casefold() for r in _records(SPECS[1])}


def test_heading_pattern() -> None:
    verify = _verify_module()
    assert verify.heading_pattern("Art. 92").search("art. 92.- sanción para el delito")
    assert not verify.heading_pattern("Art. 92").search("art. 192.- otra cosa")
    assert not verify.heading_pattern("Art. 369").search("art. 369.1.- reclutamiento")
    assert verify.heading_pattern("Art. 369.1").search("art. 369.1.- reclutamiento")
    assert verify.heading_pattern("Art. 10 bis").search("art. 10 bis.- texto")
    assert verify.normalise("Ley\u00ad  de\r\nGARANTÍAS\xa0x") == "ley de garantías x"


def test_demo_gold_evidence_on_the_bundled_pdfs() -> None:
    failures = _verify_module().verify_dataset(DATASETS / "demo.jsonl", DEMO_CORPUS)
    assert failures == [], "\n".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dev-real.jsonl", "test-real.jsonl", "dev-reports.jsonl"])
def test_gold_evidence_on_real_pdfs(name: str) -> None:
    corpus = REPORTS_CORPUS if name == "dev-reports.jsonl" else REAL_CORPUS
    if not corpus.is_dir():
        pytest.skip(f"the real PDFs are not at {corpus} (they sit beside the project in CI)")
    failures = _verify_module().verify_dataset(DATASETS / name, corpus)
    assert failures == [], "\n".join(failures)


POOLS = sorted(DATASETS.glob("pool-*.jsonl"))  # the new questions, split into train.jsonl / sealed.jsonl
TYPES = {"exam", "scenario", "multi", "unanswerable", "report"}


def _split_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("split_datasets", ROOT / "evals" / "split_datasets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_new_questions_are_typed_unique_and_split() -> None:
    questions = [q for pool in POOLS for q in load_questions(pool)]
    assert questions, "no pool-*.jsonl in evals/datasets"
    assert {q.type for q in questions} <= TYPES and all(q.type for q in questions)
    assert all((q.type == "unanswerable") == (not q.answerable) for q in questions)
    every = [json.loads(line)["id"] for path in sorted(DATASETS.glob("*.jsonl"))
             if path.name not in ("train.jsonl", "sealed.jsonl")
             for line in path.read_text("utf-8").splitlines() if line.strip()]  # fmt: skip
    assert len(every) == len(set(every)), "an id is used twice across the datasets"
    train, sealed = _split_module().split(POOLS)
    assert (DATASETS / "train.jsonl").read_text("utf-8") == "".join(f"{line}\n" for line in train)
    assert (DATASETS / "sealed.jsonl").read_text("utf-8") == "".join(f"{line}\n" for line in sealed)
    assert len(train) + len(sealed) == len(questions)


@pytest.mark.slow
@pytest.mark.parametrize("pool", [p.name for p in POOLS])
def test_gold_evidence_of_the_new_questions(pool: str) -> None:
    corpus = REPORTS_CORPUS if "report" in pool else REAL_CORPUS
    if not corpus.is_dir():
        pytest.skip(f"the real PDFs are not at {corpus} (they sit beside the project in CI)")
    failures = _verify_module().verify_dataset(DATASETS / pool, corpus)
    assert failures == [], "\n".join(failures)
