from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.index import Index
from assistant.settings import Settings
from assistant.testing import hash_settings
from tests import pdfs

ROOT = Path(__file__).resolve().parents[1]
REAL_CORPUS = ROOT.parent / "shared" / "corpus-real"
EGRESS_SITE = Path(__file__).with_name("egress_site")


def pytest_configure(config: pytest.Config) -> None:
    """No egress for the whole suite: the guard in egress_site/sitecustomize.py, in this process and,
    through PYTHONPATH, in every Python process a test starts."""
    if not os.environ.get("ASSISTANT_EGRESS_LOG"):
        fd, log = tempfile.mkstemp(prefix="egress-", suffix=".log")
        os.close(fd)
        os.environ["ASSISTANT_EGRESS_LOG"] = log
    path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(EGRESS_SITE), str(ROOT), path) if p)
    import importlib.util

    spec = importlib.util.spec_from_file_location("egress_guard", EGRESS_SITE / "sitecustomize.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.LOG = os.environ["ASSISTANT_EGRESS_LOG"]
    module.install()


@pytest.fixture(autouse=True)
def no_egress() -> Iterator[None]:
    """Fail the test during which any process of the suite tried to reach beyond 127.0.0.1."""
    log = Path(os.environ["ASSISTANT_EGRESS_LOG"])
    start = log.stat().st_size if log.exists() else 0
    yield
    attempts = log.read_bytes()[start:].decode("utf-8", "replace") if log.exists() else ""
    if attempts.strip():
        pytest.fail(f"network access outside 127.0.0.1 during this test:\n{attempts}")


# Variables of the test machinery itself, not settings of the product.
TEST_VARIABLES = frozenset({"ASSISTANT_EGRESS_LOG", "ASSISTANT_TEST_CHROMA"})


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own ASSISTANT_* settings (a chat model, an index folder) never reach a test."""
    for name in [n for n in os.environ if n.startswith("ASSISTANT_") and n not in TEST_VARIABLES]:
        monkeypatch.delenv(name)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return hash_settings(tmp_path / "index")


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
