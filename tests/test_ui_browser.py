"""The app in a real browser (Debian's Chromium driven by Playwright): cited answers in Spanish and
French, the source panel with its PDF page link, an upload that lands in the document table, a bad
file's error. Screenshots go to test-output/.

No test waits a fixed time: each waits for what it needs to see (Playwright's expect, wait_for_function).
The tests that only read share one app over a law and a report; the upload test changes its index, so it
runs its own app and the tests do not depend on their order."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.testing import free_port, hash_environment
from tests import pdfs
from tests.conftest import REAL_CORPUS, TEST_VARIABLES

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "test-output"
# No sandbox as root; no background networking (this machine has no network: Chromium would retry)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
START_SECONDS = 90


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    pytest.importorskip("playwright", reason="playwright is not installed")


@contextmanager
def _running_app(root: Path, llm: dict[str, str] | None = None) -> Iterator[str]:
    """`assistant serve` over the PDFs in root/corpus (ingested on its first run), extractive answers
    (or the chat model `llm` names: ASSISTANT_LLM__* variables); its URL once it answers."""
    environment = {  # none of the developer's own settings (a module fixture starts before clean_environment)
        k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") or k in TEST_VARIABLES
    }
    environment |= hash_environment(root / "index")
    environment |= {"ASSISTANT_CORPUS_DIR": str(root / "corpus"), "ASSISTANT_LLM__BACKEND": "none"}
    environment |= llm or {}
    port = free_port()
    with (root / "serve.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                                   env=environment, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_it_answers(url, process, root / "serve.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_it_answers(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            pass
        try:  # between two tries, wait for the app to exit: a crash fails the test at once
            process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"the app exited with {process.returncode}:\n{log.read_text()}")
    pytest.fail(f"the app did not answer at {url} within {START_SECONDS} s:\n{log.read_text()}")


def _corpus(root: Path, report: bool = True) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    pdfs.law_pdf(corpus / "ley-prueba.pdf")
    if report:
        pdfs.report_pdf(corpus / "informe-prueba.pdf")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app the reading tests share: a law and a report, never changed by a test."""
    _require_browser()
    with _running_app(_corpus(tmp_path_factory.mktemp("app"))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@contextmanager
def _page_at(browser: Any, url: str, language: str = "es") -> Iterator[Any]:
    """A browser tab speaking `language` (Spanish by default) on the app, once it has loaded; the page must
    load nothing from beyond this machine (fonts, analytics, CDNs)."""
    locale = {"es": "es-ES", "fr": "fr-FR", "en": "en-GB"}[language]
    context = browser.new_context(
        locale=locale, extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"}
    )
    outside: list[str] = []

    def only_loopback(route: Any, request: Any) -> None:
        host = urllib.parse.urlsplit(request.url).hostname or ""
        if request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#filter-files input[type=checkbox]")  # the page's load event has run
    yield page
    context.close()
    assert not outside, f"the page asked for resources outside 127.0.0.1: {outside}"


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    with _page_at(browser, server) as page:
        yield page


@pytest.fixture
def own_app_page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A page on an app of its own (over the law only), for a test that changes the index."""
    root = _corpus(tmp_path_factory.mktemp("own-app"), report=False)
    with _running_app(root) as url, _page_at(browser, url) as page:
        yield page


def _attach(page: Any, component: str, files: list[Path]) -> None:
    """Choose files in a gr.File and wait until they are uploaded (the component lists them)."""
    from playwright.sync_api import expect

    page.set_input_files(f"{component} input[type=file]", [str(f) for f in files])
    expect(page.locator(f"{component} .file-preview .filename")).to_have_count(len(files), timeout=30_000)


def _ask(page, question: str, timeout: int = 30_000) -> str:  # type: ignore[no-untyped-def]
    """Type the question and press Enter (as a user does); the answer's text once its sources are shown."""
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        f"document.querySelector('#chatbot').innerText.includes({json.dumps(question)}) && "
        "document.querySelector('#sources').innerText.includes('[1]')", timeout=timeout
    )  # fmt: skip
    return str(page.inner_text("#chatbot"))


def _opens_highlighted(page: Any, link: Any, words: str, page_number: int) -> None:
    """Clicking a citation shows its page in the viewer beside the answer with `words` highlighted."""
    link.click()
    frame = page.frame(name="pdf-viewer")
    assert frame is not None
    frame.wait_for_function(
        "window.PDFViewerApplication && PDFViewerApplication.pdfDocument && "
        f"PDFViewerApplication.page === {page_number} && "
        f"[...document.querySelectorAll('.textLayer .highlight')].map(e => e.textContent).join(' ')"
        f".includes({json.dumps(words)})",
        timeout=60_000,
    )


def test_spanish_question_sent_with_enter_gets_a_cited_answer_and_its_page_opens_highlighted(page, server):
    SHOTS.mkdir(exist_ok=True)
    page.fill("#question textarea", "primera línea")
    page.press("#question textarea", "Shift+Enter")  # a new line, not a question
    page.keyboard.type("segunda")
    assert page.input_value("#question textarea") == "primera línea\nsegunda" and "primera" not in (
        page.inner_text("#chatbot")
    )
    text = _ask(page, "¿Qué pena tiene el delito de trata de personas?")
    assert "[1]" in text and "dieciséis a diecinueve años" in text
    assert page.input_value("#question textarea") == ""  # cleared for the next question, and focused
    assert page.evaluate("document.activeElement === document.querySelector('#question textarea')")
    assert "Modo extractivo" in page.inner_text("#mode-badge")
    sources = page.inner_text("#sources")
    assert "Art. 92" in sources and "p. 2" in sources
    assert page.locator("#sources mark").count() >= 1  # the quoted span is highlighted in the passage
    link = page.locator("#sources a.pdf-link").first
    response = page.request.get(server + "/pdf/ley-prueba.pdf")
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    _opens_highlighted(page, link, "dieciséis a diecinueve años", 2)
    page.screenshot(path=str(SHOTS / "chat-es.png"), full_page=True)


def test_the_conversation_survives_a_reload_exports_with_its_sources_and_new_conversation_clears_it(
    browser, server, tmp_path
):
    from docx import Document

    with _page_at(browser, server) as page:
        page.get_by_label("ley-prueba.pdf").uncheck()  # the scope belongs to the conversation
        _ask(page, "¿Qué dice el informe sobre la minería ilegal?")
        page.reload()
        page.wait_for_selector("#filter-files input[type=checkbox]")
        page.wait_for_function("document.querySelector('#chatbot')?.innerText.includes('minería ilegal')")
        assert not page.get_by_label("ley-prueba.pdf").is_checked()
        assert page.get_by_label("informe-prueba.pdf").is_checked()
        page.get_by_label("ley-prueba.pdf").check()
        _ask(page, "¿Qué pena tiene el delito de trata de personas?")
        with page.expect_download() as download:
            page.click("#export-docx")
            page.wait_for_selector("#conversation-file a")
            page.click("#conversation-file a")
        saved = tmp_path / "conversacion.docx"
        download.value.save_as(saved)
        text = "\n".join(p.text for p in Document(str(saved)).paragraphs)
        cells = [[c.text for c in row.cells] for table in Document(str(saved)).tables for row in table.rows]
        assert "1. ¿Qué dice el informe sobre la minería ilegal?" in text
        assert "2. ¿Qué pena tiene el delito de trata de personas?" in text
        assert "[1] “LEY DE PRUEBA CONTRA LA TRATA”, Art. 92, p. 2 — ley-prueba.pdf" in text
        assert "Anexo: fuentes citadas" in text and any("ley-prueba.pdf" in row for row in cells)
        page.screenshot(path=str(SHOTS / "chat-export.png"), full_page=True)
        page.click("#clear")
        page.wait_for_function("!document.querySelector('#chatbot').innerText.includes('minería ilegal')")
        page.reload()
        page.wait_for_selector("#filter-files input[type=checkbox]")
        assert "minería ilegal" not in page.inner_text("#chatbot")
        assert page.get_by_label("ley-prueba.pdf").is_checked()


def test_french_question_gets_a_french_cited_answer(page):
    text = _ask(page, "Quelle est la peine pour la traite des personnes ?")
    assert "Voici les passages des documents indexés" in text and "[1]" in text
    page.screenshot(path=str(SHOTS / "chat-fr.png"), full_page=True)


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_every_tab_speaks_one_language_and_shows_no_raw_id(browser, server, language):
    from assistant.draft.plans import load_plan
    from assistant.settings import Settings
    from assistant.ui.text import DOCUMENT_HEADERS, UI

    own = {*UI[language].values(), *DOCUMENT_HEADERS[language]}
    foreign = {
        text for code in UI if code != language for text in (*UI[code].values(), *DOCUMENT_HEADERS[code])
        if text not in own and len(text) > 3
    }  # fmt: skip
    ids = [*load_plan(Settings().prompts_dir, "es").targets(), "both", "no_sources", "metric"]
    with _page_at(browser, server, language) as page:
        for tab, part in (("chat", "#question"), ("corpus", "#upload"), ("draft", "#draft-generate"),
                          ("evaluate", "#run-eval")):  # fmt: skip
            page.get_by_role("tab", name=UI[language][tab]).click()
            page.wait_for_selector(part, state="visible")  # the tab's panel is drawn
            shown = page.inner_text("body")
            wrong = sorted(t for t in foreign if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", shown))
            raw = sorted(i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", shown))
            assert not wrong and not raw, (
                f"{language}, tab {tab}: other languages' text {wrong}, raw ids {raw}"
            )
            page.screenshot(path=str(SHOTS / f"tab-{tab}-{language}.png"), full_page=True)


def test_the_language_selector_relabels_the_interface(page):
    page.get_by_label("fr").check()
    page.wait_for_function("document.querySelector('#ask').innerText.includes('Demander')")
    assert "Mode extractif" in page.inner_text("#mode-badge")
    assert page.get_by_role("tab", name="Évaluation").count() == 1


def test_upload_lands_in_the_table_and_a_bad_file_gets_its_error(own_app_page, tmp_path):
    page = own_app_page
    new = pdfs.report_pdf(tmp_path / "informe-nuevo.pdf", title="Informe nuevo de misión")
    bad = tmp_path / "roto.pdf"
    bad.write_bytes(b"%PDF-1.4 esto no es un PDF completo")
    page.get_by_role("tab", name="Documentos").click()
    _attach(page, "#upload", [new, bad])
    page.click("#ingest")
    page.wait_for_function(
        "document.querySelector('#corpus-status').innerText.includes('roto.pdf')", timeout=60_000
    )
    status = page.inner_text("#corpus-status")
    assert "informe-nuevo.pdf: indexado" in status
    assert "roto.pdf" in status and "❌" in status
    page.wait_for_function("document.querySelector('#documents').innerText.includes('informe-nuevo.pdf')")
    page.screenshot(path=str(SHOTS / "corpus.png"), full_page=True)


@pytest.mark.slow
def test_ingesting_a_real_law_shows_its_progress_then_its_result(own_app_page):
    page = own_app_page
    law = REAL_CORPUS / "ley-garantias-jurisdiccionales-2020.pdf"  # 56 pages, 241 chunks
    page.get_by_role("tab", name="Documentos").click()
    _attach(page, "#upload", [law])
    page.click("#ingest")
    # which file is being read while it works (its chunks' bar follows; with the tests' hash embeddings
    # it passes too fast to catch), then its result
    page.wait_for_function(
        "document.body.innerText.includes('ley-garantias-jurisdiccionales-2020.pdf (1/1): leyendo páginas')",
        timeout=60_000,
    )
    page.screenshot(path=str(SHOTS / "corpus-ingesting.png"), full_page=True)
    page.wait_for_function(
        "document.querySelector('#corpus-status').innerText.includes('✅ ley-garantias')", timeout=300_000
    )
    status = page.inner_text("#corpus-status")
    assert re.search(r"✅ ley-garantias-jurisdiccionales-2020\.pdf: indexado \(\d+ fragmentos\)", status), (
        status
    )
    page.wait_for_function(
        "document.querySelector('#documents').innerText.includes('LEY ORGANICA DE GARANTIAS')"
    )
    # searchable by its words already; the background worker computes its vectors, and the table's
    # "dense search" column, refreshed by its timer, ends with every chunk counted
    chunks = re.search(r"indexado \((\d+) fragmentos\)", status).group(1)  # type: ignore[union-attr]
    assert "búsqueda densa" in page.inner_text("#documents")
    page.wait_for_function(
        f"document.querySelector('#documents').innerText.includes('{chunks}/{chunks}')", timeout=120_000
    )


def test_evaluation_tab_runs_a_reference_file(page, tmp_path):
    import json

    qa = tmp_path / "qa.jsonl"
    rows = [
        {"id": "es-1", "lang": "es", "question": "¿Qué pena tiene el delito de trata de personas?",
         "answerable": True, "gold": [{"file": "ley-prueba.pdf", "page": 2, "article": "Art. 92"}],
         "key_facts": ["dieciséis a diecinueve años"]},
        {"id": "es-2", "lang": "es", "question": "¿Quién ganó el campeonato de fútbol?", "answerable": False},
    ]  # fmt: skip
    qa.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    page.get_by_role("tab", name="Evaluación").click()
    _attach(page, "#qa-file", [qa])
    page.click("#run-eval")
    page.wait_for_function("document.querySelector('#metrics')?.innerText.includes('hit@5')", timeout=60_000)
    metrics = page.inner_text("#metrics")
    assert "product · hit@5" in metrics and "product · answers · citation_validity" in metrics
    page.wait_for_selector("#chart img")
    page.screenshot(path=str(SHOTS / "evaluation.png"), full_page=True)


def test_draft_tab_generates_an_editable_draft_and_exports_it(page):
    page.get_by_role("tab", name="Borrador").click()
    page.click("#draft-generate")
    page.wait_for_function(
        "document.querySelector('#draft-text textarea').value.includes('[1]')", timeout=60_000
    )
    text = page.input_value("#draft-text textarea")
    assert "## Análisis del contexto" in text and "LEY DE PRUEBA CONTRA LA TRATA" in text
    assert "[sin evidencia en las fuentes indexadas]" in text  # the test PDFs say nothing on consultation
    page.wait_for_selector("#draft-table-0 table")  # the extracted tables, editable cell by cell
    assert "Fiscalía General del Estado" in page.inner_text("#draft-table-0")  # the key actors
    assert not page.is_visible("#draft-table-1")  # the test corpus has one; the sources annex is not edited
    cell = page.locator("#draft-table-0 [data-testid='cell-0-2']")  # the first actor's mandate
    cell.dblclick()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Tipificación revisada")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('#draft-text textarea').value.includes('| Tipificación revisada |')",
        timeout=30_000,
    )
    text = page.input_value("#draft-text textarea")
    page.fill("#draft-text textarea", text.replace("## Análisis del contexto", "## Contexto revisado"))
    page.click("#draft-docx")
    page.wait_for_function(
        "document.querySelector('#draft-file').innerText.includes('.docx')", timeout=30_000
    )
    page.screenshot(path=str(SHOTS / "draft.png"), full_page=True)


@pytest.fixture(scope="module")
def coip_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the real COIP (281 pages; hash embeddings, so it is indexed in about a minute)."""
    _require_browser()
    coip = REAL_CORPUS / "coip-2014-reformado-2025.pdf"
    if not coip.is_file():
        pytest.skip(f"{coip} is not there")
    root = tmp_path_factory.mktemp("coip")
    (root / "corpus").mkdir()
    (root / "corpus" / coip.name).symlink_to(coip)
    with _running_app(root) as url:
        yield url


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("¿Qué pena tiene el delito de trata de personas?", "Pena: 16 a 19 años"),
        ("Quelle est la peine pour la traite des personnes ?", "Peine : 16 à 19 ans"),
        # "What is the penalty for human trafficking?" finds Art. 97 (organ trafficking): Apertium makes
        # "trafficking" "tráfico" (README, "The app"); this wording finds Art. 92.
        ("What is the penalty for the crime of human trafficking in Ecuador?", "Penalty: 16 to 19 years"),
    ],
)
def test_a_question_sent_with_enter_over_the_real_coip_opens_page_38_highlighted(
    browser, coip_server, question, words
):
    with _page_at(browser, coip_server) as page:
        text = _ask(page, question, timeout=120_000)
        assert words in text and "[1]" in text
        link = page.locator("#sources a.pdf-link").first
        assert "p. 38" in page.inner_text("#sources")
        _opens_highlighted(page, link, "dieciséis a diecinueve años", 38)
        if question.startswith("¿"):
            page.screenshot(path=str(SHOTS / "chat-viewer.png"), full_page=True)


SLOW_REPLY = " ".join(f"palabra{i}" for i in range(200)) + " FIN [1]."


@contextmanager
def _slow_chat_model() -> Iterator[str]:
    """A stand-in for an OpenAI-compatible server (a generative model cannot run here): it streams
    SLOW_REPLY a word every 0.1 s, deterministically; its base URL."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server calls
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            if not body.get("stream"):
                reply = {"id": "x", "object": "chat.completion", "created": 0, "model": "lento",
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": SLOW_REPLY}}]}  # fmt: skip
                data = json.dumps(reply).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            try:
                for word in SLOW_REPLY.split(" "):
                    chunk = {
                        "id": "x",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": "lento",
                        "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())  # fmt: skip
                    self.wfile.flush()
                    time.sleep(0.1)
                self.wfile.write(b"data: [DONE]\n\n")
            except (BrokenPipeError, ConnectionResetError):  # the app stopped listening: Stop was pressed
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


def test_stop_ends_a_streaming_answer(browser, tmp_path_factory):
    _require_browser()
    root = _corpus(tmp_path_factory.mktemp("llm-app"), report=False)
    with _slow_chat_model() as base_url:
        llm = {"ASSISTANT_LLM__BACKEND": "openai", "ASSISTANT_LLM__BASE_URL": base_url,
               "ASSISTANT_LLM__MODEL": "lento", "ASSISTANT_LLM__API_KEY": "sk-test"}  # fmt: skip
        with _running_app(root, llm) as url, _page_at(browser, url) as page:
            assert page.is_visible("#stop")  # only with a chat model
            page.fill("#question textarea", "¿Qué pena tiene el delito de trata de personas?")
            page.press("#question textarea", "Enter")
            page.wait_for_function("document.querySelector('#chatbot').innerText.includes('palabra20')",
                                   timeout=60_000)  # fmt: skip
            page.click("#stop")
            page.wait_for_timeout(1500)  # what arrived before the click may still be drawn
            shown = page.inner_text("#chatbot")
            page.wait_for_timeout(3000)
            assert page.inner_text("#chatbot") == shown and "FIN" not in shown  # the stream stopped there
            page.fill("#question textarea", "otra")
            assert page.is_enabled("#ask")  # and the next question can be asked
