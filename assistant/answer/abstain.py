"""Should the answer say "not found"? Signals the pipeline already has (how much of the question the
best passages contain, its heaviest missing word, domain words no document contains, years, names,
amounts and units asked for but not present, another country's law), scored by a small logistic
model trained on reference questions (`assistant/data/abstention.json`, written by
`scripts/train_abstention.py`).

The same `signals()` runs at training and at query time, so the features cannot drift apart;
the note of an abstention names the signals that weighed most."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from assistant.answer.evidence import (
    COVERAGE_CHUNKS,
    Described,
    Terms,
    _matches,
    _nothing,
    coverage,
    missing_years,
    passage_tokens,
)
from assistant.answer.text import split_units
from assistant.language import fold, tokenize
from assistant.types import Hit

# The order of a model's weights: changing it (or a signal's meaning) needs a retrained model.
FEATURES = (
    "coverage",  # IDF-weighted share of the question in the best of the first passages
    "missing_weight",  # share of the question's weight held by its heaviest word no first passage has
    "absent_terms",  # domain words of the question no indexed document contains (count)
    "missing_years",  # years the question names that no passage mentions (count)
    "missing_names",  # proper names and acronyms of the question no passage contains (count)
    "quantity_unmet",  # the question asks for an amount and no well-matching sentence has a number
    "unit_missing",  # it asks "how many <unit>" and no passage sentence has a number and that unit
    "foreign_law",  # it asks about another country's law and no retrieved document is of it
)
# Tried and left out (5-fold cross-validation on the training questions, README "Abstention"): the
# first passage's coverage alone, the best sentence's coverage, e5 similarity to the first passage,
# channel agreement, other numbers of the question, the question's language and length — each added
# noise: 35% of unanswerable questions caught at 5% false abstention with them, 47% without.
# A capitalised word inside a sentence ('Perú', 'Zulia', 'ICBF'): a name the answer must speak of.
_NAME = re.compile(r"(?<=[\w,;:»)] )[A-ZÁÉÍÓÚÑ][\wáéíóúñ'-]{2,}|\b[A-ZÁÉÍÓÚÑ]{2,}\b")
# Names every question of this domain may use without the passage repeating them.
COMMON_NAMES = frozenset(
    fold(w)
    for w in "Ecuador Équateur Ecuadorian équatorien ecuatoriano ecuatoriana Estado État State COIP "
    "Constitución Constitution Código Code Penal Pénal Ley Loi Law Art Artículo Article".split()
)
_QUANTITY = re.compile(
    r"\b(cu[aá]nt[oa]s?|how (many|much)|combien|qu[eé] (cantidad|monto|porcentaje|nivel)|what "
    r"(amount|share|percentage|level)|quel(le)?s? (montant|quantit[eé]|pourcentage|niveau|concentration)"
    r"|niveles|concentraci[oó]n)\b",
    re.IGNORECASE,
)
_NUMBER_WORD = re.compile(
    r"\d|\b(uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|quince|veinte|treinta|"
    r"cuarenta|cincuenta|sesenta|cien|ciento|mil|millones?)\b",
    re.IGNORECASE,
)


def missing_weight(hits: Sequence[Hit], terms: Terms, described: Described = _nothing) -> float:
    """The weight share of the heaviest question word that none of the first passages (with their
    descriptions) contains, in the question as asked or in its Spanish version, whichever misses less."""
    found: set[str] = set()
    for hit in hits[:COVERAGE_CHUNKS]:
        found |= passage_tokens(hit, described)
    shares = []
    for weights in (terms.asked, terms.spanish):
        total = sum(weights.values())
        missing = [w for t, w in weights.items() if not _matches(t, found)]
        shares.append(max(missing, default=0.0) / total if total else 1.0)
    return min(shares)


def missing_names(question: str, hits: Sequence[Hit], spanish: str = "") -> list[str]:
    """Proper names and acronyms of the question ('Perú', 'Zulia', 'ICBF') that no retrieved passage
    contains (accents and case ignored; the first five letters, so 'Perú' matches 'peruano'). For a
    question in French or English, only the names its Spanish version keeps as they are: a name
    translation changes ('Sunday', 'Constitutional Court') is a word, not a name."""
    text = fold(" ".join(h.chunk.text + " " + h.chunk.title for h in hits))
    kept = fold(spanish) if spanish else ""
    names = [n for n in dict.fromkeys(_NAME.findall(question)) if fold(n) not in COMMON_NAMES]
    names = [n for n in names if not spanish or fold(n) in kept]
    return [n for n in names if fold(n)[:5] not in text]


def best_units(hits: Sequence[Hit], terms: Terms) -> list[tuple[float, str]]:
    """(coverage, sentence) of the first passages' sentences, best first."""
    units = [u for h in hits[:COVERAGE_CHUNKS] for u in split_units(h.chunk.text)]
    return sorted(((terms.coverage(set(tokenize(u))), u) for u in units), key=lambda x: -x[0])


def quantity_unmet(question: str, units: Sequence[tuple[float, str]]) -> float:
    """1 when the question asks for an amount ('¿cuántos…?', 'how much', 'quel montant') and none of
    the sentences that match it best (within 80% of the best) writes a number; else 0."""
    if not _QUANTITY.search(question) or not units:
        return 0.0
    best = units[0][0]
    close = [u for score, u in units if score >= 0.8 * best]
    return 0.0 if any(_NUMBER_WORD.search(u) for u in close) else 1.0


# "how many dollars / cuántas hectáreas / combien de tonnes": the unit the amount is counted in.
_UNIT = re.compile(
    r"\b(?:cu[aá]nt[oa]s|how many|how much|combien d[e']|qu[eé] cantidad de|quel(?:le)? quantit[eé] d[e'])"
    r"\s*(?:us\s+)?([a-záéíóúñ]{3,})",
    re.IGNORECASE,
)
# Another country (Spanish, French, English forms, folded stems): "el código penal del Perú",
# "le Code pénal brésilien", "Colombia's Constitution".
_COUNTRY = re.compile(
    r"\b(peru|colombi|bolivi|brasil|brazil|bresil|venezuel|venezol|chile|argentin|mexic|guyan|surinam"
    r"|paragua|urugua|panam|costa rica|guatemal|hondur|nicaragu|salvador)\w*",
)
# A law word near the country: "código penal del Perú", "Colombia's Constitution", "loi brésilienne".
_LAW_NEAR = r"\b(?:cod(?:e|igo)|constitu\w*|ley|loi|law|penal)\b"


def unit_missing(spanish: str, hits: Sequence[Hit]) -> float:
    """1 when the question asks for an amount of some unit ('¿cuántos dólares…?', in its Spanish
    version) and no sentence of the first passages holds both a number and that unit; else 0."""
    match = _UNIT.search(spanish)
    if not match:
        return 0.0
    unit = set(tokenize(match.group(1)))
    if not unit:
        return 0.0
    for hit in hits[:COVERAGE_CHUNKS]:
        for sentence in split_units(hit.chunk.text):
            if _NUMBER_WORD.search(sentence) and unit <= set(tokenize(sentence)):
                return 0.0
    return 1.0


def foreign_law(question: str, hits: Sequence[Hit]) -> float:
    """1 when the question asks about another country's law ('Peru's penal code') and no retrieved
    document's title names that country (a user who indexes Peru's code gets it searched)."""
    folded = fold(question)
    countries = {
        m.group(1)
        for m in _COUNTRY.finditer(folded)
        if re.search(_LAW_NEAR, folded[max(0, m.start() - 30) : m.end() + 30])
    }
    if not countries:
        return 0.0
    titles = fold(" ".join(f"{h.chunk.title} {h.chunk.file}" for h in hits))
    return 0.0 if any(c in titles for c in countries) else 1.0


@dataclass(frozen=True, slots=True)
class Signals:
    values: Mapping[str, float]  # one per FEATURES name
    years: tuple[str, ...] = ()  # for the note: the years no passage mentions
    absent: tuple[str, ...] = ()  # for the note: the domain words no document contains
    names: tuple[str, ...] = ()  # for the note: the names no passage contains

    def vector(self) -> list[float]:
        return [float(self.values[name]) for name in FEATURES]


def signals(
    question: str,
    language: str,
    hits: Sequence[Hit],
    terms: Terms,
    spanish: str = "",
    described: Described = _nothing,
) -> Signals:
    """Every feature of the abstention model for one question and its retrieved passages."""
    years = missing_years(question, hits)
    names = missing_names(question, hits, spanish if language != "es" else "")
    values = {
        "coverage": coverage(hits, terms, described),
        "missing_weight": missing_weight(hits, terms, described) if hits else 1.0,
        "absent_terms": float(len(terms.absent)),
        "missing_years": float(len(years)),
        "missing_names": float(len(names)),
        "quantity_unmet": quantity_unmet(question, best_units(hits, terms)),
        "unit_missing": unit_missing(spanish or question, hits),
        "foreign_law": foreign_law(question, hits),
    }
    return Signals({k: round(v, 6) for k, v in values.items()}, tuple(years), terms.absent, tuple(names))


@dataclass(frozen=True, slots=True)
class AbstentionModel:
    """Logistic regression on standardised signals: P(the documents do not answer the question)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # abstain at or above this probability (the operating point chosen in training)
    trained_on: Mapping[str, Any]  # datasets, their hash, counts, cross-validated rates
    floor: float = 0.0  # abstain whatever the probability when coverage is below this (off-topic)

    def probability(self, signals: Signals) -> float:
        z = self.bias + sum(w * c for w, c in zip(self.weights, self._centred(signals), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def _centred(self, signals: Signals) -> list[float]:
        values = signals.vector()
        return [(v - m) / s for v, m, s in zip(values, self.mean, self.scale, strict=True)]

    def contributions(self, signals: Signals) -> dict[str, float]:
        """Each signal's push towards abstaining (weight times standardised value)."""
        centred = self._centred(signals)
        return {f: w * c for f, w, c in zip(self.features, self.weights, centred, strict=True)}

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
            "weights": list(self.weights), "bias": self.bias, "threshold": self.threshold,
            "floor": self.floor, "trained_on": dict(self.trained_on),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AbstentionModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError("the abstention model was trained on other signals; retrain it")
        return cls(
            tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]),
            float(data["bias"]), float(data["threshold"]), dict(data.get("trained_on", {})),
            float(data.get("floor", 0.0)),
        )  # fmt: skip


@lru_cache(maxsize=1)
def bundled_model() -> AbstentionModel:
    """The model shipped in assistant/data/abstention.json."""
    text = resources.files("assistant").joinpath("data/abstention.json").read_text(encoding="utf-8")
    return AbstentionModel.from_json(json.loads(text))


def _explain(name: str, s: Signals) -> str:
    v = s.values[name]
    return {
        "coverage": f"the best passages hold {v:.0%} of the question",
        "missing_weight": "a key word of the question is in none of the first passages",
        "absent_terms": f"no indexed document contains {', '.join(t + '*' for t in s.absent)}",
        "missing_years": f"no retrieved passage mentions {', '.join(s.years)}",
        "missing_names": f"no retrieved passage names {', '.join(s.names)}",
        "quantity_unmet": "the question asks for an amount no matching sentence gives",
        "unit_missing": "no passage gives an amount in the unit the question asks for",
        "foreign_law": "the question asks about another country's law, and no indexed document is of it",
    }.get(name, name)


def decide(model: AbstentionModel, signals: Signals, threshold: float | None = None) -> str:
    """Why the sources do not answer the question ('' when they may): coverage under the model's floor
    (a question off the documents' topics), or the model's probability and the two signals that pushed
    it most."""
    share = signals.values["coverage"]
    if share < model.floor:
        return f"the best passages hold {share:.0%} of the question (below {model.floor:.0%}: off topic)"
    p = model.probability(signals)
    limit = model.threshold if threshold is None else threshold
    if p < limit:
        return ""
    pushes = sorted(model.contributions(signals).items(), key=lambda kv: -kv[1])
    why = [_explain(name, signals) for name, push in pushes[:2] if push > 0 and name in _EXPLAINED]
    return f"P(not in the documents) {p:.2f} ≥ {limit:.2f}" + (f": {'; '.join(why)}" if why else "")


_EXPLAINED = frozenset(FEATURES)
