from assistant.ingest.clean import clean_pages, line_shape
from assistant.ingest.extract import normalise_text, read_pdf
from assistant.types import Page

WORDS = ["uno", "dos", "tres", "cuatro", "cinco"]


def _pages(n: int) -> list[Page]:
    watermark = ["Descargado", "gratuitamente desde", "www.vendor.com.", "ec"]
    return [
        Page(
            i,
            "\n".join(
                [*watermark, f"Art. {i}.- Texto {WORDS[i - 1]}.", f"Fin {WORDS[i - 1]}.", f"Página {i}"]
            ),
        )
        for i in range(1, n + 1)
    ]


def test_repeated_edge_lines_and_page_numbers_are_removed():
    cleaned = clean_pages(_pages(5))
    texts = [line.text for line in cleaned.lines]
    assert "Descargado" not in texts and "ec" not in texts
    assert not any(t.startswith("Página") for t in texts)
    assert texts[:2] == ["Art. 1.- Texto uno.", "Fin uno."]
    assert len(texts) == 5 * 2
    assert "página #" in cleaned.repeated


def test_a_line_repeated_in_the_middle_of_pages_is_kept():
    # 'CONCORDANCIAS:' recurs on every page but never at the same place from the edges.
    pages = [
        Page(i, "\n".join(["Cabecera"] + ["texto"] * i + ["CONCORDANCIAS:"] + ["más texto"] * (9 - i)))
        for i in range(1, 8)
    ]
    texts = [line.text for line in clean_pages(pages).lines]
    assert texts.count("CONCORDANCIAS:") == 7
    assert "Cabecera" not in texts


def test_short_documents_keep_everything():
    pages = [Page(1, "Título\nUno"), Page(2, "Título\nDos")]
    assert [line.text for line in clean_pages(pages).lines] == ["Título", "Uno", "Título", "Dos"]


def test_vendor_notice_is_learned_from_the_watermark(law):
    cleaned = clean_pages(read_pdf(law).pages)
    text = "\n".join(line.text for line in cleaned.lines)
    assert cleaned.vendor_tokens == {"leyesdemo"}
    assert "LEYESDEMO" not in text and "prohibida" not in text
    assert "bases de datos" in cleaned.removed_notice
    assert text.startswith("LEY DE PRUEBA CONTRA LA TRATA")


def test_hyphenated_words_are_joined(law):
    text = " ".join(line.text for line in clean_pages(read_pdf(law).pages).lines)
    assert "la explotación de la víctima" in text


def test_line_end_hyphen_is_joined_but_real_hyphens_stay():
    pages = [Page(1, "la explota-\nción minera y el Art. 10-\n2015 socio-ambiental")]
    texts = [line.text for line in clean_pages(pages).lines]
    assert texts[0] == "la explotación"
    assert "Art. 10-" in texts[1] and "socio-ambiental" in texts[-1]


def test_normalise_text_handles_pdf_hyphen_markers():
    assert normalise_text("explota\ufffeción") == "explotación"
    assert normalise_text("19-V\ufffe2010") == "19-V-2010"
    assert normalise_text("Art. \u2026\u00ad Quien") == "Art. ...- Quien"


def test_line_shape_ignores_numbers_and_case():
    assert line_shape("  Página 12 de 40 ") == line_shape("PÁGINA 3 de 40")


def test_footnotes_follow_the_sentence_they_interrupt():
    # Layout marks a page's footnotes with a form-feed line; the sentence runs over to page 2.
    pages = [
        Page(1, "El informe concluye que la\n\f\n1 Observatorio, informe 2017\n2. Ibídem, p. 4\ncontinúa"),
        Page(2, "situación es grave.\nOtro párrafo."),
    ]
    texts = [(line.page, line.text) for line in clean_pages(pages).lines]
    assert texts == [
        (1, "El informe concluye que la"),
        (2, "situación es grave."),
        (1, "1 Observatorio, informe 2017."),  # one line each, ending a sentence: a unit of its own
        (1, "2. Ibídem, p. 4 continúa."),
        (2, "Otro párrafo."),
    ]


def test_footnotes_stay_at_the_page_end_after_a_finished_sentence():
    pages = [Page(1, "Fin de la frase.\n\f\n3 Nota al pie."), Page(2, "Nueva página.")]
    assert [line.text for line in clean_pages(pages).lines] == [
        "Fin de la frase.",
        "3 Nota al pie.",
        "Nueva página.",
    ]


def test_lines_keep_the_ocr_flag_of_their_page():
    lines = clean_pages([Page(1, "Texto leído por OCR.", ocr=True), Page(2, "Texto del PDF.")]).lines
    assert [line.ocr for line in lines] == [True, False]


def test_heading_marks_become_an_outline_and_leave_the_text_alone():
    # Layout announces a heading of n lines with a line of n vertical tabs.
    pages = [
        Page(1, "\v\nII. Contexto\nTexto uno.\n\v\v\nMemoria y Cuenta\ndel ministerio\nTexto dos."),
        Page(2, "\v\n2.1. Emergencia\nTexto tres.\n\v\nSalud\nTexto cuatro."),
    ]
    cleaned = clean_pages(pages)
    assert [line.text for line in cleaned.lines][:4] == [
        "II. Contexto",
        "Texto uno.",
        "Memoria y Cuenta",
        "del ministerio",
    ]
    assert [(e.level, e.page, e.title) for e in cleaned.outline] == [
        (1, 1, "II. Contexto"),
        (2, 1, "Memoria y Cuenta del ministerio"),  # no number: a level below the last numbered one
        (2, 2, "2.1. Emergencia"),
        (3, 2, "Salud"),
    ]


def test_a_word_hyphenated_at_a_line_end_is_joined_in_french_too():
    from assistant.ingest.extract import normalise_text

    joined = normalise_text("l'extrac\ufffetion minière, l'exploita\ufffetion")
    assert joined == "l'extraction minière, l'exploitation"
    assert normalise_text("ma\ufffeîtrise, fran\ufffeçaise") == "maîtrise, française"
    assert normalise_text("Art. 10\ufffe") == "Art. 10-"  # not between letters: a real hyphen
