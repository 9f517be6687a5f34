"""Measurement (not a test): how many Spanish quotes of the laws come out of the gist translation (es->fr,
es->en) with a legal term untranslated or wrong, before (plain Apertium, as `gist` did until 2026-11-30)
and after (terms protected by assistant/data/terminology.tsv).
Writes evals/results/gist-terms-2026-11-30.json.

    python scripts/gist_terms.py --corpus ../shared/corpus-real [--per-term 3] [--out FILE]

Quotes: the quotable units (`split_units`, as answers cut them) of the laws in force in the folder (files
whose name does not say they are repealed), 30-400 characters, containing a term of CHECK; for each CHECK
term in turn, the --per-term (3) of its units with the smallest SHA-1 of their text not already taken.
The rule looks at the Spanish only, never at a translation.

A quote fails in a direction when a CHECK term in it has none of its accepted renderings in the gist
("wrong term"), or when Apertium marked a word of it unknown ('*', '@' or '#') in its raw output
("untranslated"; abbreviations such as "Art." and list letters such as "b)", which need no translation,
aside). CHECK (evals/datasets/gist-check.tsv) is written independently of the protection table and is broader:
it accepts synonyms ("emprisonnement" or "peine privative de liberté"), and holds terms the table does not
protect; the output says how many CHECK terms the table also protects.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.answer.text import split_units
from assistant.index.manifest import is_repealed
from assistant.ingest.clean import clean_pages
from assistant.ingest.extract import read_pdf
from assistant.language import fold
from assistant.search.terminology import load_terminology
from assistant.search.translate import GIST_PAIRS, apertium, gist_and_marked, marked_words

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("fr", "en")
MIN_CHARS, MAX_CHARS = 30, 400
NEED_NO_TRANSLATION = {"art", "arts", "no", "nro", "num", "lit", "inc"}  # abbreviations Apertium marks


@dataclass(frozen=True)
class Check:
    spanish: tuple[str, ...]  # forms of the term as the laws write them
    fr: tuple[str, ...]  # accepted renderings: a gist passes when one of them starts a word in it
    en: tuple[str, ...]


def _alternatives(cell: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in cell.split("|"))


def load_checks(path: Path) -> tuple[Check, ...]:
    """The check list (TSV; alternatives separated by " | ")."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(Check(*(_alternatives(r[k]) for k in ("spanish", "french", "english"))) for r in rows)


CHECK = load_checks(ROOT / "evals" / "datasets" / "gist-check.tsv")


def _words(phrase: str, plural: bool = False) -> str:
    """A phrase as a pattern over folded text; with `plural`, each word may take a plural ending."""
    ending = "(?:s|x|es)?" if plural else ""
    return r"\s+".join(re.escape(w) + ending for w in fold(phrase).split())


FORMS = [
    (re.compile(rf"(?<![a-z]){_words(form)}(?![a-z])"), check) for check in CHECK for form in check.spanish
]


def _occurrences(quote: str) -> list[Check]:
    """The CHECK entries in a quote, the longest form first: "pena" inside "pena privativa de libertad"
    is that term, not a second one."""
    text = fold(quote)
    found = [(m.start(), m.end(), check) for pattern, check in FORMS for m in pattern.finditer(text)]
    taken: list[tuple[int, int]] = []
    checks: list[Check] = []
    for start, end, check in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if all(end <= a or start >= b for a, b in taken):
            taken.append((start, end))
            if check not in checks:
                checks.append(check)
    return checks


def _accepted(check: Check, language: str, gist: str) -> bool:
    text = fold(gist)
    renderings = check.fr if language == "fr" else check.en
    return any(re.search(rf"(?<![a-z]){_words(r, plural=True)}", text) for r in renderings)


def _untranslated(marked: tuple[str, ...]) -> list[str]:
    return [w for w in marked if len(w) > 1 and w.lower() not in NEED_NO_TRANSLATION]


def quotes(folder: Path, per_term: int) -> list[tuple[str, str]]:
    """(file, quote) pairs chosen by the rule in the module docstring."""
    units: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.pdf")):
        if is_repealed(path.name, ""):
            continue
        lines = clean_pages(read_pdf(path).pages).lines
        for unit in split_units(" ".join(line.text for line in lines)):
            if MIN_CHARS <= len(unit) <= MAX_CHARS:
                units.append((path.name, unit))
    by_hash = sorted(units, key=lambda u: hashlib.sha1(u[1].encode()).hexdigest())
    terms = {unit: _occurrences(unit[1]) for unit in by_hash}
    chosen: list[tuple[str, str]] = []
    for check in CHECK:
        having = [u for u in by_hash if u not in chosen and check in terms[u]]
        chosen += having[:per_term]
    return chosen


def plain(quote: str, language: str) -> tuple[str, tuple[str, ...]]:
    """The gist as before protection: Apertium's output with every '*', '#' and '@' removed."""
    pipeline = apertium(GIST_PAIRS[("es", language)])
    if pipeline is None:
        raise SystemExit("Apertium is not installed (apt-get install apertium apertium-fr-es apertium-en-es)")
    raw = pipeline(quote)
    return raw.replace("*", "").replace("#", "").replace("@", ""), marked_words(raw)


@cache
def protected_checks() -> list[Check]:
    """The CHECK terms one of whose forms is also a row of the protection table."""
    table = {" ".join(fold(t.spanish).split()) for t in load_terminology()}
    return [c for c in CHECK if any(" ".join(fold(f).split()) in table for f in c.spanish)]


def judge(quote: str, language: str, gist: str, marked: tuple[str, ...]) -> dict[str, object]:
    wrong = [c for c in _occurrences(quote) if not _accepted(c, language, gist)]
    return {
        "gist": gist,
        "wrong_terms": [c.spanish[0] for c in wrong],
        "wrong_unprotected_terms": [c.spanish[0] for c in wrong if c not in protected_checks()],
        "untranslated": _untranslated(marked),
    }


COUNTS = ("failing", "wrong_term", "wrong_unprotected_term", "untranslated")


def measure(
    chosen: list[tuple[str, str]],
) -> tuple[dict[str, dict[str, dict[str, int]]], list[dict[str, object]]]:
    """Quotes failing per direction and stage (see the module docstring), and the quotes that fail anywhere
    with both gists and what is wrong in each."""
    counts = {lang: {stage: dict.fromkeys(COUNTS, 0) for stage in ("before", "after")} for lang in LANGUAGES}
    failures = []
    for file, quote in chosen:
        row: dict[str, object] = {"file": file, "quote": quote}
        failed = False
        for lang in LANGUAGES:
            after = gist_and_marked(quote, "es", lang)
            assert after is not None, f"the es->{lang} gist failed for {quote!r}"
            stages = {"before": judge(quote, lang, *plain(quote, lang)), "after": judge(quote, lang, *after)}
            for stage, verdict in stages.items():
                flags = {
                    "wrong_term": bool(verdict["wrong_terms"]),
                    "wrong_unprotected_term": bool(verdict["wrong_unprotected_terms"]),
                    "untranslated": bool(verdict["untranslated"]),
                }
                flags["failing"] = flags["wrong_term"] or flags["untranslated"]
                for name, flag in flags.items():
                    counts[lang][stage][name] += flag
                failed |= flags["failing"]
            row[lang] = stages
        if failed:
            failures.append(row)
    return counts, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus-real")
    parser.add_argument("--per-term", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "gist-terms-2026-11-30.json")
    args = parser.parse_args()
    chosen = quotes(args.corpus, args.per_term)
    if not chosen:
        raise SystemExit(f"no quotes with a CHECK term in the laws in force under {args.corpus}")
    counts, failures = measure(chosen)
    overlap = len(protected_checks())
    seen = sum(any(c in _occurrences(q) for _, q in chosen) for c in CHECK)
    rows = len(load_terminology())
    result = {
        "date": "2026-11-30",
        "command": f"python scripts/gist_terms.py --corpus {args.corpus} --per-term {args.per_term}",
        "rule": "\n\n".join((__doc__ or "").split("\n\n")[2:]).strip(),
        "files": sorted({f for f, _ in chosen}),
        "quotes": len(chosen),
        "check_terms": len(CHECK),
        "check_terms_in_quotes": seen,
        "check_terms_also_protected": overlap,
        "terminology_rows": rows,
        "counts": counts,
        "failures": failures,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"{len(chosen)} quotes; {len(CHECK)} CHECK terms ({seen} in the quotes), {overlap} of them also "
        f"protected by the {rows}-row terminology table"
    )
    print(f"{'quotes failing':15}{'any':>6}{'wrong term':>12}{'(unprotected)':>15}{'untranslated':>14}")
    for lang in LANGUAGES:
        for stage in ("before", "after"):
            t = counts[lang][stage]
            print(
                f"es->{lang} {stage:8}{t['failing']:>8}{t['wrong_term']:>12}{t['wrong_unprotected_term']:>15}"
                f"{t['untranslated']:>14}"
            )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
