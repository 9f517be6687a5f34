"""Citation checking: which [n] point to a source that was given, and how well each sentence's cited
passage supports it (lexical overlap of content stems, across languages through the Spanish version,
and e5 similarity when an embedder is given)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.evidence import QUESTION_WORDS
from assistant.answer.text import citation_numbers, split_sentences, split_units, strip_citations
from assistant.language import tokenize
from assistant.types import Citation, Hit, Sentence

SUPPORTED = 0.5  # a sentence is supported when at least half of its content is in the cited passage
Similarity = Callable[[str, str], float]  # (sentence, passage) -> cosine similarity
ToSpanish = Callable[[str], str]

# e5 cosine similarities of a sentence and a passage mostly fall between these: 0.7 for unrelated text
# in the same domain, 0.9 for a close paraphrase; rescaled to 0..1 in between. Set by hand, not swept.
SIMILARITY_BAND = (0.7, 0.9)


def _stems(text: str) -> set[str]:
    return {t for t in tokenize(strip_citations(text)) if t not in QUESTION_WORDS}


def overlap(sentence: str, passage: str, to_spanish: ToSpanish | None = None) -> float:
    """Share of the sentence's content stems found in the passage; for a sentence in another language
    than the passage, the better of the sentence as written and its Spanish version."""
    passage_stems = set(tokenize(passage))
    best = 0.0
    for version in (sentence, to_spanish(sentence) if to_spanish else ""):
        stems = _stems(version)
        if stems:
            best = max(best, len(stems & passage_stems) / len(stems))
    return best


def support(
    sentence: str, passage: str, to_spanish: ToSpanish | None = None, similarity: Similarity | None = None
) -> float:
    """0..1: lexical overlap, averaged with the e5 similarity (rescaled from its SIMILARITY_BAND) if given."""
    lexical = overlap(sentence, passage, to_spanish)
    if similarity is None:
        return round(lexical, 3)
    low, high = SIMILARITY_BAND
    semantic = min(1.0, max(0.0, (similarity(strip_citations(sentence), passage) - low) / (high - low)))
    return round((lexical + semantic) / 2, 3)


def _normal(text: str) -> str:
    return " ".join(text.split())


def verify_quotes(citations: Sequence[Citation], hits: Sequence[Hit]) -> list[Sentence]:
    """Extractive answers: each quoted piece must be verbatim in its cited chunk (support 1, else 0)."""
    texts = {h.chunk.chunk_id: _normal(h.chunk.text) for h in hits}
    out = []
    for c in citations:
        for piece in re.split(r" … | \[…\] ", c.quote):
            found = _normal(piece) in texts.get(c.chunk_id, "")
            out.append(Sentence(piece, (c.n,), 1.0 if found else 0.0, found))
    return out


@dataclass(frozen=True, slots=True)
class Checked:
    """A generated answer after checking: invalid markers removed, sentences scored, sources cited."""

    text: str
    sentences: tuple[Sentence, ...]
    cited: tuple[int, ...]  # valid source numbers, in order of first citation
    removed: tuple[int, ...]  # numbers that pointed to no source given to the model


def check_answer(
    text: str,
    sources: Sequence[Hit],
    to_spanish: ToSpanish | None = None,
    similarity: Similarity | None = None,
) -> Checked:
    """Keep only [n] with 1 <= n <= len(sources); score every sentence against its cited passages."""
    removed = sorted({n for n in citation_numbers(text) if not 1 <= n <= len(sources)})
    for n in removed:
        text = re.sub(rf"\s?\[{n}\]", "", text)
    sentences = []
    for sentence in split_sentences(text):
        numbers = citation_numbers(sentence)
        score = max(
            (support(sentence, sources[n - 1].chunk.text, to_spanish, similarity) for n in numbers),
            default=0.0,
        )
        sentences.append(Sentence(sentence, numbers, score, bool(numbers) and score >= SUPPORTED))
    cited = tuple(dict.fromkeys(n for s in sentences for n in s.citations))
    return Checked(text.strip(), tuple(sentences), cited, tuple(removed))


def best_unit(passage: str, sentences: Sequence[str], to_spanish: ToSpanish | None = None) -> str:
    """The unit of a passage that best supports the sentences citing it: the quote shown for the source."""
    units = split_units(passage) or [passage]
    return max(units, key=lambda u: max((overlap(s, u, to_spanish) for s in sentences), default=0.0))
