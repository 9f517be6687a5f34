"""The bundled corpus: rebuilt reproducibly from its sources, and ingested as the README promises."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.index.write import ingest_paths

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SOURCES = sorted((CORPUS / "src").glob("*.md"))


def test_every_source_has_its_pdf():
    assert 4 <= len(SOURCES) <= 6
    assert sorted(p.stem for p in CORPUS.glob("*.pdf")) == [p.stem for p in SOURCES]


def test_the_build_script_reproduces_the_committed_pdfs(tmp_path):
    script = CORPUS.parent / "scripts" / "build_corpus.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    for source in SOURCES:
        built = hashlib.sha256((tmp_path / f"{source.stem}.pdf").read_bytes()).hexdigest()
        committed = hashlib.sha256((CORPUS / f"{source.stem}.pdf").read_bytes()).hexdigest()
        assert built == committed, f"{source.stem}.pdf is stale: run python scripts/build_corpus.py"


def test_demo_corpus_ingests_with_types_languages_and_sections(index):
    reports = {r.file: r for r in ingest_paths(index, [CORPUS], progress=False)}
    assert all(r.status == "ingested" for r in reports.values())
    assert {r.language for r in reports.values()} == {"es", "fr"}
    assert reports["notes-terrain-mission-demo.pdf"].doc_type == "notes"
    assert reports["resumen-plan-accion-trata-2019-2030.pdf"].doc_type == "plan"
    hits = index.store.search("Penas de la trata de personas artículo 92 dieciséis a diecinueve años", k=50)
    penal = [h.chunk for h in hits if h.chunk.file == "ficha-marco-penal-trata-mineria.pdf"]
    assert any(c.heading.endswith("2.2 Penas") for c in penal)
    for hit in hits:  # running headers and page footers are gone from every chunk
        assert not any(line.startswith(("Página ", "Page ")) for line in hit.chunk.text.split("\n"))


@pytest.mark.integration
def test_run_command_with_e5_ingests_then_finds_the_penalties(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "ingesting" in out and out.count("ingested") == len(SOURCES)
    assert "ficha-marco-penal-trata-mineria.pdf" in out
    # the sample questions are answered with citations, in their own language
    assert "> ¿Qué pena tiene la trata de personas?" in out and "[1] “" in out
    assert "Voici les passages des documents indexés" in out

    def search(question: str) -> list[dict]:
        assert main(["search", question, "--k", "5", "--json"]) == 0
        return json.loads(capsys.readouterr().out)["hits"]

    spanish = search("¿Qué pena tiene la trata de personas?")
    assert any(
        h["file"] == "ficha-marco-penal-trata-mineria.pdf" and h["heading"].endswith("2.2 Penas")
        for h in spanish
    )
    french = search("Quelle peine pour l'exploitation minière illégale ?")
    assert any("260" in h["text"] for h in french)
