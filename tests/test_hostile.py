"""Hostile input never stops a batch: every bad file ends as a one-line, per-file error.

Fuzzed (with hypothesis, derandomized, 4 x 12 = 48 examples): the small `law` test PDF
(a) truncated at any offset, (b) with byte ranges overwritten by random bytes or bit-flipped,
(c) replaced by random bytes, with or without a `%PDF-1.7` header, and (d) with a random chunk spliced
into it. Each example ingests [hostile, valid] into a fresh index and shows that `ingest_paths` returns
one report per file, the valid PDF is ingested, and the hostile file is either ingested (a mutation may
leave a readable PDF) or failed with a one-line error naming it, leaving nothing of it in the index.
A further test shows that a batch of hostile files, one of them posing as a new version of an indexed
document, leaves that document's chunks and manifest entry as they were."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assistant.index import Index
from assistant.index.write import ingest_paths
from assistant.testing import hash_settings
from assistant.types import FileReport
from tests import pdfs

VALID = "ley-prueba.pdf"
HOSTILE = "hostil.pdf"
HEADER = b"%PDF-1.7\n"
EXAMPLES_PER_KIND = 12  # 48 ingests of two files each: a few seconds on a slow machine


@cache
def law_bytes() -> bytes:
    """The valid test law, generated once: reportlab in every example would dominate the run time."""
    with tempfile.TemporaryDirectory() as folder:
        return pdfs.law_pdf(Path(folder) / VALID).read_bytes()


def fresh_index(root: Path) -> Index:
    return Index(hash_settings(root / "index"))


# --- hostile files, derived from the valid PDF's bytes -------------------------------------------------


@st.composite
def truncated(draw: st.DrawFn) -> bytes:
    data = law_bytes()
    return data[: draw(st.integers(0, len(data) - 1))]


@st.composite
def overwritten(draw: st.DrawFn) -> bytes:
    """Up to five ranges replaced by random bytes or with bits flipped; the length is kept."""
    data = bytearray(law_bytes())
    for _ in range(draw(st.integers(1, 5))):
        start = draw(st.integers(0, len(data) - 1))
        if draw(st.booleans()):
            noise = draw(st.binary(min_size=1, max_size=64))[: len(data) - start]
            data[start : start + len(noise)] = noise
        else:
            data[start] ^= draw(st.integers(1, 255))
    return bytes(data)


@st.composite
def random_bytes(draw: st.DrawFn) -> bytes:
    body = draw(st.binary(max_size=4096))
    return HEADER + body if draw(st.booleans()) else body


@st.composite
def spliced(draw: st.DrawFn) -> bytes:
    """A random chunk inserted somewhere inside the file (not at either end)."""
    data = law_bytes()
    at = draw(st.integers(1, len(data) - 1))
    return data[:at] + draw(st.binary(min_size=1, max_size=512)) + data[at:]


HOSTILE_KINDS: dict[str, Callable[[], st.SearchStrategy[bytes]]] = {
    "truncated": truncated,
    "overwritten": overwritten,
    "random-bytes": random_bytes,
    "spliced": spliced,
}


# --- checks ---------------------------------------------------------------------------------------------


def check_hostile_batch(index: Index, hostile: Path, valid: Path) -> None:
    reports = ingest_paths(index, [hostile, valid], progress=False)  # must not raise
    assert [r.file for r in reports] == [hostile.name, valid.name]
    bad, good = reports
    assert good.status == "ingested", good
    assert bad.status in ("ingested", "failed"), bad
    ingested = [r for r in reports if r.status == "ingested"]
    assert index.store.count() == sum(r.chunks for r in ingested)
    assert set(index.manifest.documents) == {r.file for r in ingested}
    if bad.status == "failed":
        assert_one_line_error(bad)
        assert index.store.count() == good.chunks
        assert index.store.ids_of(hostile.name) == set()


def assert_one_line_error(report: FileReport) -> None:
    assert report.error.startswith(f"{report.file}: "), report.error
    assert "\n" not in report.error and "\r" not in report.error, report.error


@pytest.mark.parametrize("kind", sorted(HOSTILE_KINDS))
@hypothesis_settings(max_examples=EXAMPLES_PER_KIND, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_a_hostile_file_fails_alone_and_the_batch_goes_on(kind: str, data: st.DataObject) -> None:
    hostile_bytes = data.draw(HOSTILE_KINDS[kind](), label=kind)
    # function-scoped fixtures are shared by all examples, so each example makes its own folder and index
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        valid = root / VALID
        valid.write_bytes(law_bytes())
        hostile = root / HOSTILE
        hostile.write_bytes(hostile_bytes)
        check_hostile_batch(fresh_index(root), hostile, valid)


# --- an indexed document survives a failing batch -------------------------------------------------------


def hostile_batch(folder: Path) -> list[Path]:
    """One sure failure of each kind (seeded), and a corrupt file posing as a new version of the law."""
    rng = random.Random(20240607)
    data = law_bytes()
    noise = bytes(rng.getrandbits(8) for _ in range(2048))
    files = {
        "cortado.pdf": data[: len(data) // 3],
        "ruido.pdf": noise,
        "ruido-con-cabecera.pdf": HEADER + noise,
        "solo-cabecera.pdf": HEADER,
        "injerto.pdf": HEADER + noise[:512] + data[len(data) // 2 :],
        VALID: data[: len(data) // 2] + noise[:256],  # same name as the indexed law: a broken update
    }
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return [folder / name for name in files]


def test_an_indexed_document_survives_a_failing_batch(index: Index, law: Path, tmp_path: Path) -> None:
    assert [r.status for r in ingest_paths(index, [law], progress=False)] == ["ingested"]
    count, entry = index.store.count(), index.manifest.documents[VALID]
    ids = index.store.ids_of(VALID)

    batch = hostile_batch(tmp_path / "hostil")
    reports = ingest_paths(Index(index.settings), batch, progress=False)
    assert [r.file for r in reports] == [p.name for p in batch]
    for report in reports:
        assert report.status == "failed", report
        assert_one_line_error(report)

    after = Index(index.settings)  # as the next process would see it
    assert after.store.count() == count
    assert after.manifest.documents == {VALID: entry}
    assert after.store.ids_of(VALID) == ids
    assert after.store.search("Sanción para el delito de trata de personas", k=1)[0].chunk.file == VALID
