from __future__ import annotations

from pathlib import Path

import pytest

from assistant.index import Index
from assistant.settings import EmbeddingSettings, Settings
from tests import pdfs

ROOT = Path(__file__).resolve().parents[1]
REAL_CORPUS = ROOT.parent / "shared" / "corpus-real"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", embedding=EmbeddingSettings(backend="hash"))


@pytest.fixture
def index(settings: Settings) -> Index:
    return Index(settings)


@pytest.fixture
def law(tmp_path: Path) -> Path:
    return pdfs.law_pdf(tmp_path / "ley-prueba.pdf")


@pytest.fixture
def report(tmp_path: Path) -> Path:
    return pdfs.report_pdf(tmp_path / "informe-prueba.pdf")


@pytest.fixture(scope="session")
def real_corpus() -> Path:
    if not REAL_CORPUS.is_dir():
        pytest.skip(f"the real PDFs are not at {REAL_CORPUS} (they sit beside the project in CI)")
    return REAL_CORPUS
