"""list[Line] -> list[Block]: one block per legal article, with its heading path, reform notes and
concordances; an "Art. N" quoted inside a reform note or an amending provision never opens a block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.language import LIST_ITEM
from assistant.types import Line

ARTICLE = re.compile(
    r"""^(?:Art[íi]culo|ART[ÍI]CULO|Art\.)\s*
    (?:
        (?P<num>\d{1,4}(?:\.\d{1,3})?)
        (?:\s?-?\s?(?P<suffix>bis|ter|quater|quinquies|sexies|[A-Ha-h])(?![a-záéíóúñ]))?
      | (?P<innum>\.\.\.|innumerado)\s*(?:\((?P<paren>\d+(?:\.\d+)?)\))?
    )
    \s*(?P<sep>\.\s?-|\.(?=\s|$)|-(?=\s)|:|(?=\s+[A-ZÁÉÍÓÚÑ"(]))""",
    re.VERBOSE,
)
_LEVELS = {
    "libro": 0,
    "título": 1,
    "titulo": 1,
    "capítulo": 2,
    "capitulo": 2,
    "sección": 3,
    "seccion": 3,
    "parágrafo": 4,
    "paragrafo": 4,
}
STRUCTURE = re.compile(
    r"^(?P<label>LIBRO|T[ÍI]TULO|CAP[ÍI]TULO|SECCI[ÓO]N|PAR[ÁA]GRAFO)(?:\s+[\wÁÉÍÓÚÑáéíóúñ]+){0,2}$",
    re.IGNORECASE,
)
DISPOSITIONS = re.compile(r"^DISPOSICI(?:ONES|ÓN)\s+[A-ZÁÉÍÓÚ ]+$")
CONCORDANCE = re.compile(r"^(CONCORDANCIAS|JURISPRUDENCIA)\s*:?\s*$", re.IGNORECASE)
NOTE = re.compile(r"^Nota\s*:", re.IGNORECASE)
# A line ending like this introduces quoted text ("...era el siguiente:", "...el artículo dirá:").
_QUOTE_INTRO = re.compile(r"(siguientes?|texto|dirá|diría|dice|decía)\s*:\s*$", re.IGNORECASE)


@dataclass(slots=True)
class Block:
    """An article (article set) or a run of text outside articles (article None)."""

    article: str | None
    heading: str
    lines: list[Line] = field(default_factory=list)
    notes: list[list[str]] = field(default_factory=list)
    concordances: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _State:
    path: list[str] = field(default_factory=lambda: [""] * 5)
    number: tuple[int, ...] = ()  # sort key of the current numbered article
    last_numbered: str = ""
    innumerados: int = 0
    dispositions: str = ""  # "DISPOSICIONES TRANSITORIAS" until the next structural heading
    mode: str = "body"  # body | note | concordance


def normalise_article(match: re.Match[str], after: str) -> str:
    """'Artículo 92.-' -> 'Art. 92'; 'Art. 10 bis' / 'Art. 342-b' -> 'Art. 10 bis' / 'Art. 342-B'."""
    if match.group("innum"):
        paren = match.group("paren")
        if paren and "." in paren:
            return f"Art. {paren}"
        return f"Art. innumerado {paren or ''} tras {after or 'inicio'}".replace("  ", " ")
    number, suffix = match.group("num"), match.group("suffix")
    if not suffix:
        return f"Art. {number}"
    if len(suffix) == 1:
        return f"Art. {number}-{suffix.upper()}"
    return f"Art. {number} {suffix.lower()}"


def _sort_key(match: re.Match[str]) -> tuple[int, ...]:
    parts = tuple(int(p) for p in match.group("num").split("."))
    suffix = (match.group("suffix") or "").lower()
    order = ["", "bis", "ter", "quater", "quinquies", "sexies"]
    rank = order.index(suffix) if suffix in order else ord(suffix[0]) - 96
    return (*parts, 0, rank) if len(parts) == 1 else (*parts, rank)


def count_articles(lines: list[Line]) -> int:
    """How many lines look like article headings (decides whether a document is legislation)."""
    return sum(1 for line in lines if ARTICLE.match(line.text))


def split_articles(lines: list[Line]) -> list[Block]:
    """Walk the lines once, opening a block at each accepted article or structural heading."""
    state = _State()
    blocks: list[Block] = [Block(None, "")]
    previous = ""
    skip_until = 0
    for index, line in enumerate(lines):
        text = line.text
        if index < skip_until:
            previous = text
            continue  # the title lines of a structural heading, already in the heading path
        match = ARTICLE.match(text)
        if match and _opens_article(match, state, previous):
            blocks.append(_open_article(match, state, line))
        elif consumed := _structure(text, lines, index, state):
            blocks.append(Block(None, _heading(state)))
            state.mode = "body"
            skip_until = index + consumed
        elif CONCORDANCE.match(text):
            state.mode = "concordance"
        elif state.mode == "concordance":
            blocks[-1].concordances.append(text)
        elif NOTE.match(text):
            state.mode = "note"
            blocks[-1].notes.append([text])
        elif state.mode == "note" and not (previous.endswith(".") and LIST_ITEM.match(text)):
            blocks[-1].notes[-1].append(text)
        else:
            state.mode = "body"
            blocks[-1].lines.append(line)
        previous = text
    return [b for b in blocks if b.lines or b.notes or b.concordances]


def _opens_article(match: re.Match[str], state: _State, previous: str) -> bool:
    if _QUOTE_INTRO.search(previous):
        return False  # quoted text of a previous version or of an amended law
    rest = match.string[match.end() :].lstrip()
    if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "(¿"):
        # 'Art. 114.- de la Constitución: "..."' is a reference and '"La ..."' a quote, unless it is
        # exactly the next article (the Constitution's Art. 30 starts in lowercase).
        successor = bool(state.number) and _sort_key(match)[0] == state.number[0] + 1
        if rest[0] in '"\u201c«' or not successor:
            return False
    if match.group("innum"):
        return True
    key = _sort_key(match)
    if key == state.number:
        return False  # the same article quoted again in its own note
    if state.number and key[0] == state.number[0]:
        return True  # 'Art. 92.1', 'Art. 92 bis', 'Art. 92-A' after 'Art. 92' (any order)
    if state.number and state.mode == "note" and key[0] > state.number[0] + 1:
        return False  # a note quoting a later article; the real next article follows its predecessor
    return not state.number or key > state.number or key[0] == 1  # a new law restarts at 1


def _open_article(match: re.Match[str], state: _State, line: Line) -> Block:
    if match.group("innum"):
        state.innumerados += 1
        article = normalise_article(match, state.last_numbered)
    else:
        state.number = _sort_key(match)
        article = normalise_article(match, "")
        state.last_numbered = article
        state.innumerados = 0
    state.mode = "body"
    return Block(article, _heading(state), [line])


def _structure(text: str, lines: list[Line], index: int, state: _State) -> int:
    """Update the heading path on 'TÍTULO IV' (+ its title line) or 'DISPOSICIONES ...'.

    Returns how many lines the heading used (0: not a heading)."""
    if DISPOSITIONS.match(text):
        state.dispositions = text
        return 1
    match = STRUCTURE.match(text)
    if not match:
        return 0
    level = _LEVELS[match.group("label").lower()]
    title: list[str] = []
    for following in lines[index + 1 : index + 4]:
        if not _is_title(following.text) or (title and not _continues(title[-1], following.text)):
            break
        title.append(following.text)
    state.dispositions = ""
    state.path[level] = f"{text}: {' '.join(title)}" if title else text
    for deeper in range(level + 1, len(state.path)):
        state.path[deeper] = ""
    return 1 + len(title)


_CONNECTOR = re.compile(r"\b(de|del|la|las|los|el|y|e|o|u|en|para|por|con|contra|a|al)$", re.IGNORECASE)


def _continues(previous: str, text: str) -> bool:
    """A heading title wrapped over lines: 'PRINCIPIOS RECTORES DE' + 'LAS PENAS Y ...'."""
    return bool(_CONNECTOR.search(previous)) or (previous.isupper() and text.isupper())


def _is_title(text: str) -> bool:
    return (
        len(text) <= 140
        and not ARTICLE.match(text)
        and not STRUCTURE.match(text)
        and not DISPOSITIONS.match(text)
        and not CONCORDANCE.match(text)
        and not text.endswith((";", ","))
        and (text[:1].isupper() or text[:1].islower())
    )


def _heading(state: _State) -> str:
    return state.dispositions or " > ".join(part for part in state.path if part)
