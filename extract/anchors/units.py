"""Units and currencies written next to a number: what the number finder asks about the words around it.

Input: the text and a position right after (or right before) a number. Output: the feed unit ("other:km",
"USD", "other:myr", "percent"...) and where the unit's words end. The names come from
:mod:`extract.anchors.unit_table`, distilled from pint and babel (``scripts/build_unit_table.py``); this
module adds only what those libraries do not know: the units of news conventions (points, pages, seasons,
basis points, barrels a day) and how to tell pounds of weight from pounds sterling.

Units are read from a bounded window (at most four words after the number), so the cost per number is
constant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from extract.anchors.unit_table import (
    CURRENCY_CODES,
    CURRENCY_NAMES,
    CURRENCY_SYMBOLS,
    UNIT_GLUED,
    UNIT_NAMES,
    UNIT_SYMBOLS,
)

# News units pint does not have, as the gold conventions write them (gold/README.md "unit").
_NEWS_UNITS: Final = {w.replace("_", " "): unit for unit, words in (
    ("square_km", "square_kilometres square_kilometers square_kilometre square_kilometer sq_km km2 km²"),
    ("square_metre", "square_metres square_meters square_metre square_meter sq_m m2 m²"),
    ("cubic_metre", "cubic_metres cubic_meters cubic_metre cubic_meter m3 m³"),
    ("barrel_per_day", "bpd barrels_per_day barrels_a_day"), ("bcm", "bcm"),
    ("degree", "degree degrees °"), ("point", "point points"), ("decade", "decade decades"),
    ("page", "page pages"), ("season", "season seasons"), ("night", "night nights"), ("yard", "yds"))
    for w in words.split()}
_NAMES: Final = {k.replace("-", " "): v for k, v in {**UNIT_NAMES, **_NEWS_UNITS}.items()}
_CURRENCY_NAMES: Final = {k.replace("-", " "): v for k, v in CURRENCY_NAMES.items()}
_LONGEST: Final = 4  # words in the longest unit or currency name read ("pound force per square inch")

# Up to four words after a number: "km", "-liter", " degrees Celsius", " Australian dollars", " °C".
_WORDS: Final = re.compile(r"(?:[ \t\u00a0]+|-|(?=°))((?:[A-Za-z°µ²³$][A-Za-z°µ²³]*(?:/[A-Za-z]+)?\.?))")


def _rev_alt(symbols: Iterable[str]) -> str:
    """A regex alternation of ``symbols`` written backwards, longest first (the finder reads leftwards)."""
    return "|".join(re.escape(s[::-1]) for s in sorted(set(symbols), key=len, reverse=True))


def _alt(symbols: Iterable[str]) -> str:
    return "|".join(re.escape(s) for s in sorted(set(symbols), key=len, reverse=True))


_LETTER_SYMBOLS: Final = sorted(s for s in CURRENCY_SYMBOLS if s[0].isalpha())
_SIGN_SYMBOLS: Final = sorted(s for s in CURRENCY_SYMBOLS if not s[0].isalpha())
_MONEY_BEFORE: Final = {**CURRENCY_CODES, **CURRENCY_SYMBOLS}

CURRENCY_BEFORE_REV: Final = (rf"\s?(?:{_rev_alt(_SIGN_SYMBOLS)})(?<!\$(?=[A-Za-z]))"
                              rf"|\s?(?:{_rev_alt([*_LETTER_SYMBOLS, *CURRENCY_CODES])})(?![A-Za-z])")
"""Regex source, for text read backwards: a currency sign or code right before a number ("HK$", "RM ")."""

CURRENCY_BEFORE: Final = rf"(?:{_alt(_SIGN_SYMBOLS)}|(?<![A-Za-z])(?:{_alt([*_LETTER_SYMBOLS, *CURRENCY_CODES])}))"
"""Regex source: a currency sign or code (the second half of "$370,000 to $5.5 million")."""

GLUED_CURRENCY: Final = _alt(s for s in [*_LETTER_SYMBOLS, *CURRENCY_CODES] if s.isalpha())
"""Regex source: letters that, glued to digits, are money and not an identifier ("RM5", "AUD50")."""


def glued_lookbehind() -> str:
    """Regex source: a digit may follow a currency written in letters ("RM5", "Rs.500", "USD50").

    Python's look-behinds are fixed-width, so one per symbol length."""
    by_len: dict[int, list[str]] = {}
    for s in [*_LETTER_SYMBOLS, *CURRENCY_CODES]:
        by_len.setdefault(len(s), []).append(re.escape(s))
    return "|".join(f"(?<={'|'.join(sorted(v))})" for _, v in sorted(by_len.items()))


def money_before(symbol: str) -> str | None:
    """The feed unit of a currency sign or code written before a number: "HK$" -> "other:hkd"."""
    return _MONEY_BEFORE.get(symbol.strip())


def glued_unit(suffix: str) -> str | None:
    """The unit of letters glued to digits: "GB" in "256GB", "mg" in "500mg", "in" in "5.8in"."""
    for key in (suffix, suffix.lower()):
        unit = UNIT_SYMBOLS.get(key) or UNIT_GLUED.get(key) or (_NAMES.get(key) if len(key) > 1 else None)
        if unit:
            return "other:" + unit
    return None


def unit_after(text: str, pos: int, *, money_context: bool = False) -> tuple[str, int] | None:
    """The unit written right after ``pos`` (the end of a number or its scale) and the end of its words.

    Symbols are matched as written ("GB", "kHz", "°C"); names in any case and with hyphens or spaces
    ("6.2-liter", "degrees Celsius", "Australian dollars"), longest first. "pounds" is money only where the
    text talks money (``money_context``: a scale word or a pound sign nearby) and no "of" follows ("7,200
    pounds" of towing capacity is weight; "3 million pounds" is sterling)."""
    words: list[tuple[str, int]] = []
    at = pos
    while len(words) < _LONGEST and (m := _WORDS.match(text, at)):
        if words and m.group().startswith("-") and len(words) >= 2:
            break
        words.append((m.group(1), m.end()))
        at = m.end()
    for n in range(len(words), 0, -1):
        raw = " ".join(w for w, _ in words[:n])
        end = words[n - 1][1]
        if raw.endswith(".") and (n > 1 or raw[:-1].lower() not in ("in", "ft", "oz", "lb", "lbs", "sq")):
            raw, end = raw[:-1], end - 1
        if n == 1 and raw in UNIT_SYMBOLS and text[pos] != "-":
            return "other:" + UNIT_SYMBOLS[raw], end
        if n == 1 and raw in CURRENCY_CODES:
            return CURRENCY_CODES[raw], end
        key = raw.lower()
        if key in _CURRENCY_NAMES and (key.rstrip("s") != "pound" or money_context):
            return _CURRENCY_NAMES[key], end
        if key in _NAMES:
            return "other:" + _NAMES[key], end
    return None
