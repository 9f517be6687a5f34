"""Spanish number words: legislation writes quantities in words ("doscientos salarios", "de dieciséis a
diecinueve años"), questions usually in digits ("200 salaries", "16 years")."""

from __future__ import annotations

_UNITS = (
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
    "diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco "
    "veintiséis veintisiete veintiocho veintinueve"
).split()
_TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}
_HUNDREDS = {
    1: "ciento", 2: "doscientos", 3: "trescientos", 4: "cuatrocientos", 5: "quinientos",
    6: "seiscientos", 7: "setecientos", 8: "ochocientos", 9: "novecientos",
}  # fmt: skip


def spanish_words(n: int) -> str:
    """0 <= n < 1,000,000 in Spanish words: 16 -> 'dieciséis', 200 -> 'doscientos',
    1500 -> 'mil quinientos'."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"{n} is outside 0..999999")
    if n < 30:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (f" y {_UNITS[unit]}" if unit else "")
    if n < 1000:
        if n == 100:
            return "cien"
        hundreds, rest = divmod(n, 100)
        return _HUNDREDS[hundreds] + (f" {spanish_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    words = spanish_words(thousands)
    words = words[:-1] if words.endswith("uno") else words  # "veintiuno mil" -> "veintiun mil"
    head = "mil" if thousands == 1 else f"{words} mil"
    return head + (f" {spanish_words(rest)}" if rest else "")
