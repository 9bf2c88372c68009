"""Number anchors: every number or quantity in an article, with exact offsets and a normalised value.

Why: a Figure the model reports is only trusted when it points at a number really in the text. So plain
code finds every number first, with exact ``[start, end)`` offsets, scales it ("$3.65 billion" ->
3650000000.0) and sorts it into a kind. Only ``quantity`` anchors can back a Figure, so years, dates,
ordinals, clock times and identifiers ("F-35", "Article 5") are kept apart; they carry unit "count".
Words and patterns live in :mod:`extract.anchors.number_lexicon`, readings that depend on the context
(golf, ages, halves, compound durations) in :mod:`extract.anchors.number_readings`, unit and currency
names in :mod:`extract.anchors.units` (distilled from pint and babel).

Decisions for ambiguous cases:
* Dates: "April 28, 2025" -> "28" (date_part, value 28) and "2025" (year); "June 13th" -> "13th";
  "June 13-15" -> "13-15"; ISO "2025-06-27" -> one date_part anchor (value 27, the day).
* Scores: two small integers joined by a dash, the first not lower or next to a match word ("3-1 win",
  "beat them 2-0", "(6-5-5-5-5)"), are a count anchor per side, in strokes in golf copy.
* Identifiers keep their name in the span: "Hermes-900", "Article 5", "Boeing 737", "No. 10", "G7",
  "iPhone 11", "S&P 500"; "the 787 Dreamliner" and "the 2600 block of" are identifiers too.
* "four of the nine", "4 out of 9", "one in five", "10 of his 11": one count anchor valued by the first
  number; "four of the nine-person committee" is two.
* "12-day war": span "12-day", unit day, noun "war". Pronoun "one" ("one of the", "no one", "one day"),
  fractions ("two-thirds") and vague plurals ("dozens", "hundreds of") give no anchor; "half of them" is
  50 percent.
* Never a value the text does not state: exponents are read whole ("1.5e6"), and a value beyond 10^16
  ("1.79e+308 percent", "999,999,999,999,999,999,999 dollars") or a number with an invisible character
  inside or beside it ("$1<ZWJ>.5 billion") gives no anchor at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from text_to_num import alpha2digit

from extract.anchors.base import (
    NumberAnchor,
    NumberKind,
)
from extract.anchors.number_lexicon import (
    _CAND,
    _CAP_BEFORE,
    _CAP_STOP,
    _CHANGE_BEFORE,
    _CORE,
    _COUNT_WORDS,
    _DAY_RANGE,
    _FRACTION_AFTER,
    _GLUED_SPECIAL,
    _HALF,
    _HY_NOT_UNIT,
    _ID_TAIL,
    _MAX_VALUE,
    _MONTH_AFTER,
    _MONTH_BEFORE,
    _OF,
    _ONE_NEXT_STOP,
    _ONE_PREV,
    _PCT_AFTER,
    _QUALS,
    _RANGE,
    _SCALE_AFTER,
    _SCALES,
    _SCORE_AFTER,
    _SCORE_BEFORE,
    _STOP,
    _TIME_UNITS,
    _UNIT_AFTER,
    _WORD,
    _WS,
    _Core,
    _left_parts,
    _mk,
    _next_word,
    _noun_after,
    _read_core,
)
from extract.anchors.number_readings import (
    _COMPOUND_UNITS,
    _INVISIBLE,
    _MARGIN_AFTER,
    _NEXT_WORD,
    _NUMBERISH,
    _PERCENT_BEFORE,
    _RELATIVE_AFTER,
    _bare_reading,
    _compound,
    _golf_near,
    _golf_reading,
    _word_quantity,
)
from extract.anchors.units import (
    glued_unit,
    money_before,
    unit_after,
)


def _simple(text: str, m: re.Match[str], group: str) -> NumberAnchor:
    """Anchors whose whole form is the match: ISO dates, phones, clock times, codes, ordinal words."""
    s, e, raw = m.start(), m.end(), m.group()
    if group == "iso":
        return _mk(text, s, e, int(raw[8:10]), kind="date_part")
    if group == "hms":  # "2:02:57" (a marathon), "3:43.13" (a mile): a duration in seconds
        *whole, last = re.split(r":", raw)
        seconds = Decimal(last) + sum(Decimal(p) * 60 ** (len(whole) - i) for i, p in enumerate(whole))
        return _mk(text, s, e, seconds, "other:second")
    if group == "clock":
        groups = re.findall(r"\d+", raw)
        if len(groups) == 1 and len(groups[0]) == 4:  # "1030 GMT"
            groups = [groups[0][:2], groups[0][2:]]
        parts = [int(p) for p in groups] + [0]
        pm = 12 if re.search(r"[pP]", raw) else 0
        hour = parts[0] % 12 + pm if re.search(r"[aApP]", raw) else parts[0]
        return _mk(text, s, e, Decimal(hour) + Decimal(parts[1]) / 60, kind="time_of_day")
    if group == "ordw":
        conv = re.sub(r"\D", "", alpha2digit(raw.lower(), "en"))
        value = {"first": 1, "second": 2}.get(raw.lower()) or int(conv or 0)
        return _mk(text, s, e, value, kind="ordinal", noun=_noun_after(text, e))
    kind: NumberKind = "date_part" if group == "slash" and raw.count("/") == 2 else "identifier"
    digits = re.sub(r"\D", "", raw) if group == "phone" else re.findall(r"\d+", raw)[0]
    return _mk(text, s, e, int(digits), kind=kind)


def _date_or_suffix(text: str, c: _Core, left: str) -> NumberAnchor | None:
    """Dates next to a month, and numbers typed by a glued suffix: "13th", "1990s", "16x9"."""
    suf = (c.suffix or "").lower()
    ordinal = suf in ("st", "nd", "rd", "th")
    if c.digits and c.plain and (not suf or ordinal):
        v = int(c.value)
        prev = left[-2:-1]
        month_before = (prev.isalpha() or prev == ".") and _MONTH_BEFORE.search(left[-16:]) is not None
        if month_before or (1 <= v <= 31 and _MONTH_AFTER.match(text, c.end)):
            if 1 <= v <= 31 and len(str(v)) <= 2:
                d = _DAY_RANGE.match(text, c.end)
                return _mk(text, c.start, d.end() if d else c.end, v, kind="date_part")
            if 1000 <= v <= 2999 and not ordinal:
                return _mk(text, c.start, c.end, v, kind="year")
    if not suf or suf in _SCALES or _glued(c.suffix) is not None:
        return None
    if ordinal and c.plain:
        dated = left.endswith(("the ", "The ")) and _WORD.match(text, c.end) is None
        kind: NumberKind = "date_part" if dated and int(c.value) <= 31 else "ordinal"
        return _mk(text, c.start, c.end, c.value, kind=kind, noun=None if dated else _noun_after(text, c.end))
    if suf == "s" and c.plain and 1000 <= c.value <= 2999:
        return _mk(text, c.start, c.end, c.value, kind="year")
    return _mk(text, c.start, c.end, c.value, kind="identifier")


def _glued(suffix: str | None) -> str | None:
    """The unit of letters glued to digits ("256GB", "500mg", "5.8in", "2.5pp"), or None."""
    if not suffix:
        return None
    return _GLUED_SPECIAL.get(suffix.lower()) or glued_unit(suffix)


def _scale_of(text: str, c: _Core) -> tuple[Decimal | None, int]:
    """The scale glued to ("40m", "1.2bn") or following ("3.65 billion") a digit core, and the new end."""
    if c.suffix is not None:
        sc = _SCALES.get(c.suffix.lower())
        return (Decimal(sc) if sc else None), c.end
    if not c.digits:
        return None, c.end
    m = _SCALE_AFTER.match(text, c.end)
    return (Decimal(_SCALES[m.group("sc").lower()]), m.end()) if m else (None, c.end)


@dataclass(frozen=True, slots=True)
class _Range:
    """The second half of a range and what the pair means: a quantity range, a year span or a score."""

    kind: str  # "range" | "years" | "score"
    end: int
    low: Decimal
    high: Decimal
    start2: int = 0  # where the second number starts
    cur2: str = ""  # the currency written before the second number ("$5.5 million")


def _range(text: str, c: _Core, end: int, scale: Decimal | None, left: str, between: str) -> _Range | None:
    """Try "300-400", "300 to 400", "between 300 and 400", "1.2 and 1.35 billion", "2016-2020", "3-1"."""
    rm = _RANGE.match(text, end)
    if rm is None or (rm.group("u1") and scale is not None):
        return None
    c2 = _read_core(text, rm.end())
    if c2 is None or c2.absurd or c2.digits != c.digits:
        return None
    if c2.suffix and c2.suffix.lower() not in _SCALES and (_glued(c2.suffix) is None or
                                                          _glued(c2.suffix) != _glued(c.suffix)):
        return None  # "15kHz and 17kHz" is a range; "5-0" is not "5" to "0 km"
    scale2, end2 = _scale_of(text, c2)
    conn = rm.group("conn").strip().lower()
    dash = conn not in ("to", "and", "or")
    if rm.group("u1") and not _PCT_AFTER.match(text, end2):
        return None
    v1, v2 = c.value, c2.value
    if c.plain and c2.plain and scale is None and scale2 is None and 1900 <= v1 <= 2100:
        if dash and len(str(v2)) == 2:
            v2 = v1 // 100 * 100 + v2 + (100 if v2 <= v1 % 100 else 0)
        if 1900 <= v2 <= 2100 and v2 > v1 and conn != "or" and (conn != "and" or between):
            return _Range("years", end2, v1, v2)
    small = c.plain and c2.plain and v1 < 100 and v2 < 100 and scale is None and scale2 is None
    if dash and small and (v1 >= v2 or _SCORE_AFTER.match(text, end2) or _SCORE_BEFORE.search(left)):
        return _Range("score", end2, v1, v2, c2.start)
    if conn == "and" and between != "between" and scale2 is None and not _PCT_AFTER.match(text, end2):
        return None
    if conn == "or" and not (scale is None and v1 < v2 <= 2 * v1 + 1 and v2 < 1000):
        return None  # "three or four", "seven or eight years" are ranges; "1 or 100", "2016 or 2017" are not
    if conn == "to" and _CHANGE_BEFORE.search(left[-40:]):
        return None  # "rose from 3% to 4%": two figures, not a range
    # "1.2 and 1.35 billion" share the scale; "$370,000 to $5.5 million" does not
    shared = scale2 if scale is None and v1 < v2 else scale
    low, high = v1 * (shared or 1), v2 * (scale2 or scale or 1)
    return _Range("range", end2, low, high, c2.start, (rm.group("cur2") or "").strip()) if high > low else None


_CENTS: Final = "cents"  # a unit marker: "61 cents", "2.5p"; the currency comes from the money before it
_PENCE: Final = "pence"
_CONTEXT_CHARS: Final = 600
_AFTER_CHARS: Final = 40
_CENT_CURRENCY: Final = re.compile(r"US\$|[$€£]|\b(?:USD|EUR|GBP|dollars?|euros?|pounds?)\b")


def _cents_currency(text: str, pos: int) -> str:
    """ "61 cents" is dollars unless the money mentioned just before is euros or pounds."""
    found = list(_CENT_CURRENCY.finditer(text, max(0, pos - _CONTEXT_CHARS), pos))
    mark = found[-1].group().lower() if found else "$"
    return "EUR" if mark in ("€", "eur", "euro", "euros") else "GBP" if mark in ("£", "gbp", "pound", "pounds") \
        else "USD"


def _unit_after(text: str, pos: int, money: bool = False) -> tuple[str | None, int, str | None]:
    """Unit word after a number: (unit, new end, hyphen word); None when nothing unit-like follows.

    ``money``: the number is scaled or the text around it talks sterling, so "pounds" are money."""
    m = _UNIT_AFTER.match(text, pos)
    g = m.lastgroup or "" if m else ""
    if m is None or g == "hy":
        found = unit_after(text, pos, money_context=money and _OF_AFTER.match(text, pos) is None)
        if found is not None:
            return found[0], found[1], None
    if m is None:
        return None, pos, None
    raw = _WS.sub(" ", m.group().strip(" -")).lower()
    if g == "hy":
        hyw = m.group("hyw")
        return (None, pos, None) if hyw in _HY_NOT_UNIT else ("count", m.end(), hyw)
    unit = {"pp": "percentage_point", "bp": "other:basis_point", "pct": "percent", "age": "year",
            "mag": "magnitude"}.get(g)
    if g == "time":
        unit = raw.rstrip("s")
    elif g == "cents":
        unit = _PENCE if raw == "pence" else _CENTS
    return unit, m.end(), None


_OF_AFTER: Final = re.compile(r"\s*\w+(?:-\w+)?\s+of\b")
_POUNDS_AFTER: Final = re.compile(r"\s+pounds?\b", re.I)
_STERLING: Final = re.compile(r"£|\bGBP\b|\bsterling\b|\bpence\b|\bBritain|\bBritish\b|\bUK\b|\bLondon\b")


def _name_identifier(text: str, c: _Core, left: str, base: int) -> NumberAnchor | None:
    """ "Boeing 737", "Article 5", "Flight 370": digits right after a capitalised non-function word."""
    if not c.digits or c.suffix is not None or not left.endswith((" ", "\u00a0")):
        return None
    m = _CAP_BEFORE.search(left, max(0, len(left) - 30))
    if m is None:
        return None
    word = m.group("w")
    if word.lower() in _CAP_STOP or word.endswith(("'s", "’s")) or word.upper() in ("USD", "EUR", "GBP"):
        return None
    nxt = _next_word(text, c.end)
    if _SCALE_AFTER.match(text, c.end) or _UNIT_AFTER.match(text, c.end) or (nxt or "") in _COUNT_WORDS:
        return None
    tail = _ID_TAIL.match(text, c.end)
    if tail and c.value < 100 and tail.group()[1:].isdigit() and int(tail.group()[1:]) < 100:
        return None  # a score: "Chelsea 3-1"
    return _mk(text, base + m.start(), tail.end() if tail else c.end, c.value, kind="identifier")


def _of_total(text: str, c: _Core, end: int) -> int | None:
    """End of "of the nine" in "four of the nine", "out of 9", "one in five"; None if absent."""
    of = _OF.match(text, end)
    c2 = _read_core(text, of.end()) if of else None
    if c2 is None or c2.suffix is not None or c2.value <= c.value or 1900 <= c2.value <= 2100:
        return None
    if text[c2.end:c2.end + 1] == "-" and text[c2.end + 1:c2.end + 2].isalpha():
        return None  # "four of the nine-person committee": the total is a figure of its own
    return c2.end


def _is_pronoun_one(text: str, c: _Core, left: str) -> bool:
    """ "one" as a pronoun or determiner: "one of the", "no one", "one another", "this one"."""
    if text[c.start:c.end].lower() != "one":
        return False
    nxt = _next_word(text, c.end)
    return _ONE_PREV.search(left[-10:]) is not None or nxt is None or nxt.lower() in _STOP \
        or nxt.lower() in _ONE_NEXT_STOP


def _quantity(text: str, c: _Core, floor: int) -> list[NumberAnchor]:
    """Build the anchors around a digit or spelled core: qualifier, currency, scale, range, unit, noun.
    Usually one; a score ("3-1") is two counts; nothing for a pronoun, a fraction or an absurd value."""
    base = max(floor, c.start - 48)
    left = text[base:c.start]
    special = _date_or_suffix(text, c, left)
    if special is not None:
        return [special]
    lp = _left_parts(left)
    sign_at = base + lp["sign"][0] if "sign" in lp else 0
    if sign_at > 0 and text[sign_at - 1] not in " \t\n\u00a0(" and not lp["sign"][1].strip().isalpha():
        del lp["sign"]  # "6-5-5": the dash joins two numbers, it is no minus sign
    outer = left[:min((o for o, _ in lp.values()), default=len(left))]  # the words before sign and currency
    if not ({"cur", "qual", "mag"} & lp.keys()):
        ident = _name_identifier(text, c, left, base)
        if ident is not None:
            return [ident]
    if not c.digits and text[c.start].isupper() and not lp and _CAP_BEFORE.search(left[-30:]):
        return []  # "Formula One", "Channel Four"
    if _FRACTION_AFTER.match(text, c.end):
        return []  # "two-thirds", "one quarter": fractions are not counts
    scale, end = _scale_of(text, c)
    between = lp["between"][1].strip().lower() if "between" in lp else ""
    rng = _range(text, c, end, scale, outer, between)
    if rng is not None and rng.kind == "score":  # "won 3-1": each side's goals are a count
        second = _read_core(text, rng.start2)
        assert second is not None
        side = "other:stroke" if _golf_near(text, c.start) else "count"  # "(6-5-5-5-5)": strokes per hole
        return [_mk(text, c.start, c.end, c.value, side), _mk(text, second.start, second.end, second.value, side)]
    if rng is not None and rng.kind == "years":
        start = base + lp["between"][0] if between else c.start
        return [_mk(text, start, rng.end, rng.low, kind="year", high=rng.high)]
    if rng is not None and rng.cur2 and money_before(rng.cur2) != money_before(lp.get("cur", (0, ""))[1]):
        rng = None  # "£1.2m and €500,000": two sums in two currencies, no range
        scale, end = _scale_of(text, c)
    end = rng.end if rng else end
    money = scale is not None or (_POUNDS_AFTER.match(text, end) is not None and _STERLING.search(
        text, max(0, c.start - _CONTEXT_CHARS), c.start) is not None)
    glued = _glued(c.suffix)
    unit, uend, hyw = (glued, end, None) if glued else _unit_after(text, end, money)  # "4,000mAh": no more
    if "mag" in lp:
        unit = "magnitude"
    if "cur" in lp:
        unit = money_before(lp["cur"][1]) or unit
    if unit in (_CENTS, _PENCE):
        if rng is not None or scale is not None:
            return []
        unit, scale = "GBP" if unit == _PENCE else _cents_currency(text, c.start), Decimal("0.01")
        if (c.suffix or "").lower() == "p" and unit != "GBP":
            return []  # "4p" is pence only where the money is pounds
    if unit == "day" and text[c.start:c.end + 1].lower() == "one ":
        return []  # "one day he left"
    if unit is None and rng is None and scale is None:
        label = _bare_reading(text, c, left, lp)
        if label is not None:
            return [label]
        golf = _golf_reading(text, c, lp, outer, uend)
        if golf is not None:
            return [golf] if golf.kind == "identifier" else _finished(
                [_finish(text, c, base, lp, None, None, end, ("other:stroke", uend, None))])
        if c.plain or not c.digits:
            uend = _of_total(text, c, end) or uend
        if uend == c.end and _is_pronoun_one(text, c, left):
            return []
    if unit in _TIME_UNITS and unit != "magnitude" and _RELATIVE_AFTER.match(text, uend):
        return []  # "two weeks ago", "a year later": a relative time reference, not a measure
    if unit == "other:point" and text[end:end + 1] == "-" and _MARGIN_AFTER.match(text, uend) and \
            _PERCENT_BEFORE.search(text, max(0, c.start - _CONTEXT_CHARS), c.start):
        unit = "percentage_point"  # "a 16-point lead" among vote shares in percent
    if unit in _COMPOUND_UNITS and text[end:end + 1] != "-":
        unit, uend, total = _compound(text, unit, uend, c.value * (scale or 1))
        if total is not None:
            return _finished([_finish(text, c, base, lp, None, None, end, (unit, uend, None), total)])
    return _finished([_finish(text, c, base, lp, rng, scale, end, (unit, uend, hyw))])


def _finished(anchors: list[NumberAnchor]) -> list[NumberAnchor]:
    """Drop values no news figure has: beyond float range or absurdly large ("1e21 dollars")."""
    return [a for a in anchors if abs(a.value) < _MAX_VALUE and abs(a.value_high or 0) < _MAX_VALUE]


def _finish(text: str, c: _Core, base: int, lp: dict[str, tuple[int, str]], rng: _Range | None,
            scale: Decimal | None, end: int, unit_info: tuple[str | None, int, str | None],
            total: Decimal | None = None) -> NumberAnchor:
    """The quantity anchor itself: span from the first left part, value, qualifier and noun."""
    unit, uend, hyw = unit_info
    starts = [base + lp[g][0] for g in ("qual", "cur", "mag", "sign") if g in lp]
    start = base + lp["between"][0] if rng and "between" in lp else min(starts, default=c.start)
    negative = "sign" in lp and "+" not in lp["sign"][1]
    value = (total if total is not None else rng.low if rng else c.value * (scale or 1)) * (-1 if negative else 1)
    half = _HALF.search(text[max(base, c.start - 8):c.start])
    if half and not c.digits and text[c.start] in "aA" and not starts:
        start, value = max(base, c.start - 8) + half.start(), value / 2
    adjective = unit in _TIME_UNITS and text[end:end + 1] == "-"
    noun = hyw or (_noun_after(text, uend) if unit in (None, "count") or adjective else None)
    qual = _QUALS[_WS.sub(" ", lp["qual"][1].strip().lower())] if "qual" in lp else None
    high = rng.high * (-1 if negative else 1) if rng else None
    return _mk(text, start, uend, value, unit or "count", high=high, qual=qual, noun=noun)


def _core_match(text: str, p: int, floor: int) -> re.Match[str] | None:
    """The core expression around candidate position ``p``: a digit may belong to a token that starts
    earlier ("Hermes-900", "G7", "+44 20 ..."), so try the token start first, then ``p`` itself."""
    q = p
    if text[p].isdigit():
        while q > floor and q > p - 40 and (text[q - 1].isalpha() or text[q - 1] == "-"):
            q -= 1
        if q == p and q > floor and text[q - 1] in "+(":
            q -= 1
    for start in (q, p) if q != p else (p,):
        m = _CORE.match(text, start)
        if m is not None and m.end() > p:
            return m
    return None


def find_numbers(text: str) -> list[NumberAnchor]:
    """Every number or quantity expression in ``text``, in text order and non-overlapping."""
    return _scan(text, 0, len(text))


def _scan(text: str, start: int, stop: int) -> list[NumberAnchor]:
    """The anchors that start in ``text[start:stop]``, reading the text before ``start`` only as context.

    Linear: each candidate looks at most a bounded window around itself (48 characters back for the
    words before a number, a few words ahead for its unit), and the scan never returns before its own
    position."""
    out: list[NumberAnchor] = []
    pos, floor = start, max(0, start - _LOOK_BACK)
    reach = stop + 32  # a candidate's own look-ahead ("half" then a space) may pass ``stop``; the search may not
    while (cand := _CAND.search(text, pos, reach)) is not None and cand.start() < stop:
        if cand.group(1) is not None:  # "half of", "more than a minute": number words without digits
            word = _word_quantity(text, cand, floor)
            if word is None:
                pos = cand.end()
                continue
            out.append(word)
            pos = floor = word.end
            continue
        m = _core_match(text, cand.start(), floor)
        if m is None:
            pos = cand.end()
            continue
        group = m.lastgroup or ""
        if group not in ("num", "spelled"):
            out.append(_simple(text, m, group))
            pos = floor = m.end()
            continue
        core = _read_core(text, m.start(), m)
        if core is None or core.absurd or _INVISIBLE.search(text, max(0, core.start - 1), core.end + 1):
            pos = _NUMBERISH.match(text, m.start()).end()  # type: ignore[union-attr]  # always matches
            continue
        anchors = _quantity(text, core, floor)
        if not anchors:
            pos = core.end
            continue
        if _INVISIBLE.search(text, anchors[0].start, _NEXT_WORD.match(text, anchors[-1].end).end()):  # type: ignore[union-attr]
            pos = _NUMBERISH.match(text, m.start()).end()  # type: ignore[union-attr]  # "$1.5 bil\u200dlion"
            continue
        out.extend(anchors)
        pos = floor = anchors[-1].end
    return out


def parse_quantity_at(text: str, start: int, end: int) -> tuple[float, float | None, str, str | None] | None:
    """:func:`parse_quantity` of ``text[start:end]``, read in place: the words around it are its context
    exactly as when the article was read, but only a bounded window of them is scanned."""
    lo = max(0, start - _WINDOW_BACK)
    while 0 < lo < start and not text[lo - 1].isspace():
        lo += 1  # start between words: the numbers just before are read as they were, and set the floor
    return _only_quantity(text, _scan(text, lo, end), start, end)


def parse_quantity(expr: str, context: str = "", after: str = "") -> tuple[float, float | None, str, str | None] | None:
    """(value, value_high, unit, qualifier) of a stand-alone quantity string, or None if it is not one.

    The string must hold exactly one anchor, of kind quantity, starting it; only the counted noun may
    follow ("20 drones"). "$1,300 million" -> (1300000000.0, None, "USD", None). ``context``, the text
    written before it, decides only what currency "61 cents" or "2.5p" are in; ``after``, the text that
    follows, only whether "one" counts something ("one shot") or is a pronoun ("the one who").
    """
    prefix = context[-_CONTEXT_CHARS:] + "\n" if context else ""
    core = expr.strip().rstrip(".")
    s = prefix + core + after[:_AFTER_CHARS]
    end = len(prefix) + len(core)
    return _only_quantity(s, _scan(s, len(prefix), end), len(prefix), end)


_WINDOW_BACK: Final = 96  # how far back parse_quantity_at starts reading, so earlier numbers end as they did
_LOOK_BACK: Final = 48  # characters before a number that may belong to it ("between A$10 million and ...")


def _only_quantity(text: str, found: list[NumberAnchor], start: int,
                   end: int) -> tuple[float, float | None, str, str | None] | None:
    """The one quantity anchor that starts at ``start`` and ends by ``end``, only its noun after it."""
    anchors = [a for a in found if start <= a.start < end]
    if len(anchors) != 1 or anchors[0].kind != "quantity" or anchors[0].start != start or anchors[0].end > end:
        return None
    a = anchors[0]
    rest = text[a.end : end].strip()
    if rest and (a.noun is None or not re.fullmatch(r"[A-Za-z' -]+", rest) or a.noun not in rest):
        return None
    return a.value, a.value_high, a.unit, a.qualifier
