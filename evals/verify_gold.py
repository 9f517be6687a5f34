"""Check that every gold entry of a retrieval dataset is backed by the text of the real PDF page."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus-real"
HEADING_LOOKBACK = 3  # an article may start up to this many pages before the evidence page

_ARTICLE = re.compile(r"^Art\. (\d+(?:\.\d+)*(?: (?:bis|ter|quater))?)$")


def normalise(text: str) -> str:
    """Lowercase, drop soft hyphens and U+FFFE, collapse every run of whitespace to one space."""
    text = text.replace("\u00ad", "").replace("\ufffe", "")
    return " ".join(text.lower().split())


def heading_pattern(article: str) -> re.Pattern[str]:
    """Regex matching the normalised heading of ``article`` ("Art. 92" -> "art. 92.-")."""
    match = _ARTICLE.match(article)
    if match is None:
        raise ValueError(f"article {article!r} is not of the form 'Art. 92', 'Art. 28.1' or 'Art. 10 bis'")
    number = r"\s?".join(re.escape(part) for part in match.group(1).split(" "))
    return re.compile(r"(?<![\w.])art(?:\.|ículo)\s?" + number + r"\s?\.?\s?-")


def load_dataset(path: Path) -> list[dict[str, Any]]:
    """Read one JSON object per non-empty line."""
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
    return records


class PageCache:
    """Normalised page texts of the PDFs in a corpus folder, read once per file."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self._pages: dict[str, list[str]] = {}

    def pages(self, name: str) -> list[str]:
        if name not in self._pages:
            document = pdfium.PdfDocument(self.corpus / name)
            try:
                texts = []
                for index in range(len(document)):
                    textpage = document[index].get_textpage()
                    texts.append(normalise(textpage.get_text_range()))
            finally:
                document.close()
            self._pages[name] = texts
        return self._pages[name]


def verify_records(records: Iterable[dict[str, Any]], corpus: Path) -> tuple[list[str], int]:
    """Return (failure messages, number of gold entries checked)."""
    cache = PageCache(corpus)
    failures: list[str] = []
    checked = 0
    for record in records:
        qid = record.get("id", "?")
        for gold in record.get("gold", []):
            checked += 1
            name, page, article = gold["file"], gold["page"], gold.get("article")
            where = f"{qid}: {name} p.{page}"
            if not (corpus / name).is_file():
                failures.append(f"{where}: file not found in {corpus}")
                continue
            pages = cache.pages(name)
            if not 1 <= page <= len(pages):
                failures.append(f"{where}: page out of range (document has {len(pages)} pages)")
                continue
            evidence = normalise(gold["evidence"])
            if evidence not in pages[page - 1]:
                found = [i + 1 for i, text in enumerate(pages) if evidence in text]
                hint = f" (found on pages {found})" if found else " (not found anywhere in the file)"
                failures.append(f"{where}: evidence not on page{hint}: {gold['evidence']!r}")
            if article is not None:
                try:
                    pattern = heading_pattern(article)
                except ValueError as error:
                    failures.append(f"{where}: {error}")
                    continue
                window = pages[max(0, page - 1 - HEADING_LOOKBACK) : page]
                if not any(pattern.search(text) for text in window):
                    failures.append(
                        f"{where}: heading of {article} not on the page or the {HEADING_LOOKBACK} before it"
                    )
    return failures, checked


def verify_dataset(dataset: Path, corpus: Path = DEFAULT_CORPUS) -> list[str]:
    """Failure messages for a dataset file (empty when every gold entry checks out)."""
    failures, _ = verify_records(load_dataset(dataset), corpus)
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path, help="JSONL file of questions with gold pages")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder holding the real PDFs")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2
    records = load_dataset(args.dataset)
    failures, checked = verify_records(records, args.corpus)
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(records)} questions, {checked} gold entries checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
