"""Compare the product's language detector (es/fr/en) with the two hand-written ones it replaced.

Detectors: `assistant.language.detect_language` (lingua limited to es/fr/en, first DETECT_CHARS characters),
lingua in low-accuracy mode, and the two retired baselines copied below. For each: accuracy and mean seconds
per call on
- questions: every line of the eval datasets (label "lang"), overall and per language;
- probes: PROBES, short questions as a consultant types them (8 per language);
- chunks: each PDF through `assistant.ingest.parse.parse` (default chunking, tokens estimated as len // 3 + 2,
  so no embedding model loads), each chunk labelled with its document's language;
- whole documents: the text describe() detects, the first 4000 cleaned lines joined (extract + clean).
A document's label: its PDF keyword 'lang=..', else `<!-- lang: xx -->` in src/<stem>.md, else --default-lang.

Run: cd /work/main && HF_HUB_OFFLINE=1 .venv/bin/python scripts/compare_language_detectors.py
"""

from __future__ import annotations

import json
import re
import time
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from lingua import Language, LanguageDetectorBuilder

from assistant.ingest.clean import clean_pages
from assistant.ingest.extract import read_pdf
from assistant.ingest.parse import parse
from assistant.language import DETECT_CHARS, LANGUAGES, detect_language
from assistant.settings import ChunkingSettings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "evals" / "results" / "language-detectors.json"
PDF_DIRS = [ROOT.parent / "shared" / f"corpus-{name}" for name in ("real", "reports")] + [ROOT / "corpus"]
_LANG = re.compile(r"lang\s*[=:]\s*(es|fr|en)\b")
PROBES = {  # short questions as typed in a hurry: few function words, accents sometimes dropped
    "es": [
        "Multa minima?",
        "Pena por trata de personas",
        "Quién juzga la trata?",
        "Minería ilegal: sanciones",
        "Plazo de prescripción?",
        "Derechos de la naturaleza",
        "Consulta previa obligatoria?",
        "Mercurio en peces, niveles?",
    ],
    "fr": [
        "Amende minimale ?",
        "Traite des êtres humains : peines",
        "Qui juge la traite ?",
        "Orpaillage illégal, sanctions ?",
        "Délai de prescription ?",
        "Droits de la nature",
        "Consultation préalable obligatoire ?",
        "Mercure dans les poissons ?",
    ],
    "en": [
        "Minimum fine?",
        "Human trafficking: penalties",
        "Who judges trafficking?",
        "Illegal mining sanctions",
        "Statute of limitations?",
        "Rights of nature",
        "Is prior consultation binding?",
        "Mercury levels in fish?",
    ],
}

# --- Retired, kept here only as the measurement's baselines (faithful copies of the removed code) ---
# assistant.query.detect_query_language: for questions.
_Q_WORD = re.compile(r"[a-záéíóúñàâçèêëîïôûœüÿ']+")
_Q_HINTS = {
    "es": frozenset(
        "el la los las de del y en que qué cuál cuáles es son por para una con cómo cuánto "
        "cuántos se su sus pena delito ley según sobre ".split()
    ),
    "fr": frozenset(
        "le la les des du de est que quel quelle quels quelles une pour qui dans sur au aux ce "
        "peine loi selon est-ce qu'est-ce et sont chaque elle il ils avec pas ou fait peut être ".split()
    ),
    "en": frozenset("the of and is are what which who how does for to in on a an under law penalty".split()),
}
# assistant.ingest.describe.detect_language: for a document's text.
_D_WORD = re.compile(r"[a-záéíóúñàâçèêëîïôûœü']+")
_D_STOPWORDS = {
    "es": set("el la los las de del que y en por con para una se su".split()),
    "fr": set("le la les des du de et en est une pour que qui dans sur".split()),
    "en": set("the of and to in is that for with on are by this be".split()),
}


def retired_query_language(question: str) -> str:
    """es, fr or en for a short question: '¿' and 'ñ' say Spanish; otherwise function-word votes."""
    if "¿" in question or "ñ" in question.lower():
        return "es"
    words = Counter(_Q_WORD.findall(question.lower().replace("’", "'")))
    expanded = Counter({w.split("'")[-1]: n for w, n in words.items()}) + words
    scores = {lang: sum(expanded[w] for w in hints) for lang, hints in _Q_HINTS.items()}
    if re.search(r"\b(qu'|l'|d'|n'|c'est)", question.lower()):
        scores["fr"] += 2
    scores["fr"] += len(re.findall(r"[èêàùçœâîûë]", question.lower()))
    scores["es"] += len(re.findall(r"[áíóú]", question.lower()))
    best = max(scores.values())
    return "es" if best == 0 else max(("es", "fr", "en"), key=lambda lang: (scores[lang], lang == "es"))


def retired_document_language(text: str) -> str:
    """The language whose function words are most frequent (es, fr or en)."""
    counts = Counter(_D_WORD.findall(text.lower()[:20000]))
    scores = {lang: sum(counts[w] for w in words) for lang, words in _D_STOPWORDS.items()}
    return max(scores, key=lambda lang: scores[lang])


# --- end of the retired baselines ---


_CODES = {Language.SPANISH: "es", Language.FRENCH: "fr", Language.ENGLISH: "en"}
_LOW = LanguageDetectorBuilder.from_languages(*_CODES).with_low_accuracy_mode().build()


def lingua_low(text: str) -> str:
    """The product's detector in lingua's low-accuracy mode (trigrams only): same cut, same fallback."""
    return _CODES.get(_LOW.detect_language_of(text[:DETECT_CHARS]), "es")  # type: ignore[arg-type]


DETECTORS: dict[str, Callable[[str], str]] = {
    "language.detect_language (product)": detect_language,
    "lingua low accuracy": lingua_low,
    "retired query detector": retired_query_language,
    "retired document detector": retired_document_language,
}


def load_document(pdf: Path, default: str) -> dict:
    """A PDF's label, its chunks (parse) and the text describe() detects (extract + clean again)."""
    data = pdf.read_bytes()
    info, chunks = parse(pdf, data, ChunkingSettings(), lambda text: len(text) // 3 + 2, {})
    raw = read_pdf(pdf, data)
    lines = clean_pages(raw.pages, ChunkingSettings().repeat_share).lines
    source = pdf.parent / "src" / f"{pdf.stem}.md"
    lang, label_from = default, "--default-lang"
    if match := _LANG.search(raw.metadata.get("keywords", "").lower()):
        lang, label_from = match.group(1), "pdf keyword"
    elif source.exists() and (match := _LANG.search(source.read_text(encoding="utf-8")[:2000])):
        lang, label_from = match.group(1), f"src/{source.name}"
    return {
        "file": pdf.name,
        "lang": lang,
        "label_from": label_from,
        "parsed_lang": info.language,
        "pages": info.pages,
        "body": " ".join(line.text for line in lines[:4000]),
        "chunks": [c.text for c in chunks],
    }


def score(detect: Callable[[str], str], items: list[tuple[str, str, dict]]) -> tuple[dict, list[dict]]:
    """Accuracy overall and per language, mean seconds per call; and the misclassified items."""
    start = time.perf_counter()
    predicted = [detect(text) for text, _, _ in items]
    result: dict = {"seconds_per_call": (time.perf_counter() - start) / max(len(items), 1)}
    for lang in ("overall", *LANGUAGES):
        hits = [
            label == p
            for (_, label, _), p in zip(items, predicted, strict=True)
            if lang in ("overall", label)
        ]
        if hits:
            result[lang] = {"correct": sum(hits), "total": len(hits), "accuracy": sum(hits) / len(hits)}
    wrong = [
        meta | {"lang": label, "predicted": p}
        for (_, label, meta), p in zip(items, predicted, strict=True)
        if p != label
    ]
    return result, wrong


def main() -> None:
    parser = ArgumentParser(description=__doc__, formatter_class=RawDescriptionHelpFormatter)
    parser.add_argument(
        "--datasets",
        type=Path,
        nargs="+",
        help="JSONL files with 'question' and 'lang'",
        default=sorted((ROOT / "evals" / "datasets").glob("*.jsonl")),
    )
    parser.add_argument(
        "--pdf",
        type=Path,
        nargs="+",
        default=[d for d in PDF_DIRS if d.is_dir()],
        help="PDF files or folders of PDFs (default: those of the three corpora present)",
    )
    parser.add_argument(
        "--default-lang",
        choices=LANGUAGES,
        default="es",
        help="language of a PDF with neither a lang keyword nor a src/*.md",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="JSON results (default: %(default)s)")
    args = parser.parse_args()

    questions = [
        json.loads(line) | {"dataset": path.name}
        for path in args.datasets
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    pdfs = [p for path in args.pdf for p in (sorted(path.glob("*.pdf")) if path.is_dir() else [path])]
    documents = [load_document(pdf, args.default_lang) for pdf in pdfs]
    sets = {  # (text, label, what a misclassified item shows)
        "questions": [
            (q["question"], q["lang"], {k: q[k] for k in ("id", "dataset", "question")}) for q in questions
        ],
        "probes": [(text, lang, {"probe": text}) for lang, texts in PROBES.items() for text in texts],
        "chunks": [
            (text, d["lang"], {"file": d["file"], "text": text[:200]})
            for d in documents
            for text in d["chunks"]
        ],
        "documents": [(d["body"], d["lang"], {"file": d["file"]}) for d in documents],
    }
    results: dict = {
        "datasets": [str(p) for p in args.datasets],
        "pdf": [str(p) for p in args.pdf],
        "probes": PROBES,
        "detectors": {},
        "documents": [
            {k: v for k, v in d.items() if k not in ("body", "chunks")} | {"chunks": len(d["chunks"])}
            for d in documents
        ],
    }
    columns = [("questions", x) for x in ("overall", *LANGUAGES)] + [(k, "overall") for k in list(sets)[1:]]
    print(f"{'':36}", *(f"{x if x != 'overall' else k:>9}" for k, x in columns), " µs/call:", *sets)
    for name, detect in DETECTORS.items():
        for text in (PROBES["en"][0], " ".join(PROBES["en"])):  # load every model before timing: lingua
            detect(text)  # uses 1- to 5-grams on short texts, only trigrams on longer ones
        entry: dict = {}
        for kind, items in sets.items():
            entry[kind], entry[f"misclassified_{kind}"] = score(detect, items)
        results["detectors"][name] = entry
        cells = [f"{r['correct']}/{r['total']}" if (r := entry[k].get(x)) else "-" for k, x in columns]
        print(
            f"{name:36}",
            *(f"{c:>9}" for c in cells),
            " µs/call:",
            *(f"{entry[k]['seconds_per_call'] * 1e6:.1f}" for k in sets),
        )
        for kind in sets:
            for item in entry[f"misclassified_{kind}"]:
                print(f"    {kind}: {item}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
