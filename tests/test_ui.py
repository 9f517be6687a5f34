"""The app's pieces without a browser: safe upload names, the size limit, the login rule for other
addresses, the interface language from the browser, and the sources panel's HTML."""

from __future__ import annotations

import pytest

from assistant.errors import SettingsError
from assistant.index import Index
from assistant.types import Answer, Chunk, Citation, Hit
from assistant.ui.app import serve
from assistant.ui.text import browser_language, pdf_link, sources_html
from assistant.ui.uploads import safe_name, store_uploads


@pytest.mark.parametrize(
    ("name", "safe"),
    [("../../etc/passwd", "passwd.pdf"), ("..\\..\\informe.pdf", "informe.pdf"), ("a<b>|c.pdf", "a_b_c.pdf"),
     ("/abs/ley.PDF", "ley.PDF"), ("..", "document.pdf"), ("informe final.pdf", "informe final.pdf")],
)  # fmt: skip
def test_upload_names_lose_directories_and_odd_characters(name, safe):
    assert safe_name(name) == safe


def test_oversized_uploads_are_refused_with_the_limit(tmp_path):
    small, big = tmp_path / "small.pdf", tmp_path / "big.pdf"
    small.write_bytes(b"x" * 10)
    big.write_bytes(b"x" * 2_000)
    kept, errors = store_uploads([str(small), str(big)], tmp_path / "uploads", max_bytes=1_000)
    assert [p.name for p in kept] == ["small.pdf"] and (tmp_path / "uploads" / "small.pdf").exists()
    assert errors == ["big.pdf: 0 MB is over the 0 MB limit; split it or raise ASSISTANT_UI__MAX_UPLOAD_MB"]


def test_another_address_needs_a_login(settings):
    with pytest.raises(SettingsError, match="set ASSISTANT_UI__USERNAME and ASSISTANT_UI__PASSWORD"):
        serve(Index(settings), host="0.0.0.0", port=1)


@pytest.mark.parametrize(
    ("header", "language"),
    [("fr-FR,fr;q=0.9,en;q=0.8", "fr"), ("en-GB,en;q=0.9", "en"), ("de-DE,de;q=0.9", "es"), ("", "es"),
     ("de-DE,en;q=0.5", "en")],
)  # fmt: skip
def test_interface_language_follows_the_browser(header, language):
    assert browser_language(header) == language


def test_sources_panel_highlights_the_quote_and_links_the_page():
    chunk = Chunk(
        "c1",
        "d1",
        "ley <x>.pdf",
        "LEY",
        "law",
        "es",
        2,
        3,
        "Art. 92",
        "",
        "Uno dos. La pena es de 16 años. Tres <b>.",
    )
    citation = Citation(1, "c1", chunk.file, "LEY", 2, 3, "Art. 92", "La pena es de 16 años.")
    answer = Answer("q", "a", "es", False, "extractive", (citation,), hits=(Hit(1, 1.0, chunk),))
    html = sources_html(answer, "es")
    assert "<mark>La pena es de 16 años.</mark>" in html
    assert "Tres &lt;b&gt;." in html and "<b>" not in html  # passage text is escaped
    assert (
        pdf_link("ley <x>.pdf", 2) == "/pdf/ley%20%3Cx%3E.pdf#page=2" and pdf_link("ley <x>.pdf", 2) in html
    )
    assert "[1] “LEY”, Art. 92, pp. 2-3" in html
