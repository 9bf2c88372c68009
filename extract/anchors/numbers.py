"""Number anchors: every number or quantity in an article, with exact offsets and a normalised value.

Why: a Figure the model reports is only trusted when it points at a number really in the text. So plain
code finds every number first, with exact ``[start, end)`` offsets, scales it ("$3.65 billion" ->
3650000000.0) and sorts it into a kind. Only ``quantity`` anchors can back a Figure, so years, dates,
ordinals, clock times and identifiers ("F-35", "Article 5") are kept apart; they carry unit "count".

Decisions for ambiguous cases:
* Dates: "April 28, 2025" -> "28" (date_part, value 28) and "2025" (year); "June 13th" -> "13th";
  "June 13-15" -> "13-15"; ISO "2025-06-27" -> one date_part anchor (value 27, the day).
* Scores: two small integers joined by a dash, the first not lower or next to a match word ("3-1 win",
  "beat them 2-0", "a 1-2 defeat"), are ONE identifier anchor "3-1" (value 3).
* Identifiers keep their name in the span: "Hermes-900", "Article 5", "Boeing 737", "No. 10", "G7".
* "four of the nine", "4 out of 9", "one in five": one count anchor valued by the first number.
* "12-day war": span "12-day", unit day, noun "war". Pronoun "one" ("one of the", "no one", "one day"),
  fractions ("two-thirds", "half") and vague plurals ("dozens", "hundreds of") give no anchor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from text_to_num import alpha2digit, text2num

from extract.anchors.base import NumberAnchor, NumberKind, Qualifier
from extract.anchors.units import (
    CURRENCY_BEFORE,
    CURRENCY_BEFORE_REV,
    GLUED_CURRENCY,
    glued_lookbehind,
    glued_unit,
    money_before,
    unit_after,
)


def _set(words: str) -> frozenset[str]:
    """A set of space-separated words."""
    return frozenset(words.split())


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, spaces matching any whitespace."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


_ONES = "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|" \
    "sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_W = rf"(?:{_TENS}|{_ONES})"
_S = r"(?:hundred|thousand|million|billion|trillion|dozen)"
_SPELLED = rf"(?:an?\s+{_S}|{_W})\b(?:(?:\s+and\s+|[\s-]+)(?:{_W}|{_S})\b)*"
_ORDS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|" \
    "fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|" \
    "fiftieth|sixtieth|seventieth|eightieth|ninetieth|hundredth|thousandth|millionth"
_ORD_WORDS = rf"(?:(?:{_TENS})-)?(?:{_ORDS})"
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_HY_OK = "mid|pre|post|early|late|end|start|magnitude|top|over|under|non|ex|circa|some|around|about|up|" \
    "since|by|in|from|to|and|or|than|least|year|the"

_CORE: Final = re.compile(rf"""
 (?P<iso>(?<![\w-])\d{{4}}-\d{{2}}-\d{{2}}(?![\w-]))
|(?P<phone>(?<![\w+])(?:\+\d{{1,3}}[ .-]?(?:\(\d{{1,4}}\)[ .-]?)?\d{{2,4}}(?:[ .-]\d{{2,4}}){{1,4}}
   |\(\d{{2,5}}\)[ ]?\d{{3,4}}[ .-]\d{{3,4}}|\d{{3}}-\d{{3}}-\d{{4}}
   |0\d{{2,4}}[ ]\d{{3,4}}[ ]\d{{3,4}})(?!\w))
|(?P<slash>(?<![\w/.])\d{{1,4}}/\d{{1,2}}(?:/\d{{2,4}})?(?![\w/]))
|(?P<version>(?<![\w.])\d+(?:\.\d+){{2,}}(?!\w))
|(?P<hms>(?<![\w:.,])(?:\d{{1,2}}:\d{{2}}:\d{{2}}(?:\.\d+)?|\d{{1,2}}:\d{{2}}\.\d{{1,3}})(?![\d:])
   (?!\s?(?:[aApP]\.?[mM]\b|GMT|UTC|BST|CET|CEST|ET|EST|EDT|PT|local)))
|(?P<clock>(?<![\w:.,])(?:\d{{1,2}}(?:[:.]\d{{2}})?\s?(?:[aApP]\.[mM]\.|[aApP][mM](?!\w))
   |\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?![\d:])
   |(?:[01]\d|2[0-3])[0-5]\d(?=\s?(?:GMT|UTC|BST|CET|CEST|ET|EST|EDT|PT|hrs|hours\s+(?:GMT|local)|local\s+time))))
|(?P<hyid>(?<![\w-])(?!(?i:{_HY_OK})-)[A-Za-z]+(?:-[A-Za-z]+)*-\d+(?:\.\d+)?[A-Za-z]*(?!\w))
|(?P<alnum>(?<![\w-])(?!(?:{GLUED_CURRENCY}|US)\d)[A-Za-z]+\d[A-Za-z\d.]*(?<!\.))
|(?P<num>(?:{glued_lookbehind()}|(?<=Rs\.)|(?<![\w.]))(?P<nd>{_NUM})
   (?P<exp>[eE][+-]?\d+(?![A-Za-z])|\^[+-]?\d+)?(?P<nsuf>[A-Za-z][A-Za-z\d]*(?:/[A-Za-z]+)?)?(?!\w))
|(?P<ordw>\b(?i:{_ORD_WORDS})\b)
|(?P<spelled>\b(?i:{_SPELLED}))
""", re.VERBOSE)


def _cased_trie(words: list[str]) -> str:
    """ "[Oo](?:ne)|[Tt](?:wo|hree...)": grouped by first letter, so the scan rejects a position at once."""
    by_first: dict[str, list[str]] = {}
    for w in sorted(words, key=len, reverse=True):
        by_first.setdefault(w[0], []).append(w[1:])
    return "|".join(f"[{f}{f.upper()}](?:{'|'.join(rest)})" for f, rest in by_first.items())


# Where a number may start: any digit, or a number word in lower or title case. Case-sensitive on
# purpose: a case-insensitive scan of a 5 MB text is several times slower.
_CASED = _cased_trie(f"{_TENS}|{_ONES}|{_ORDS}".split("|"))
_CAND: Final = re.compile(rf"\d|\b(?:{_CASED}|[Aa]n?\s+(?:hundred|thousand|million|billion|trillion|dozen))\b"
                          r"|\b([Hh]alf(?=[\s-])|[Aa]n?(?=\s+(?:minute|hour|day|week|month|year|decade)\b))")

_QUAL_WORDS: Final[tuple[tuple[Qualifier, str], ...]] = (
    ("approximately", "approximately approx. roughly an_estimated estimated"), ("about", "about some"),
    ("around", "around"), ("nearly", "nearly close_to"), ("almost", "almost"), ("up to", "up_to"),
    ("more than", "more_than upwards_of"), ("over", "over above just_over well_over"),
    ("at most", "at_most no_more_than"),
    ("at least", "at_least no_fewer_than no_less_than"), ("less than", "less_than fewer_than"),
    ("under", "under below just_under"), ("up to", "as_many_as as_much_as"), ("exactly", "exactly precisely"))
_QUALS: Final = {w.replace("_", " "): q for q, words in _QUAL_WORDS for w in words.split()}
_SCALES: Final = {"thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "mn": 10**6, "mln": 10**6,
                  "billion": 10**9, "bn": 10**9, "b": 10**9, "trillion": 10**12, "tn": 10**12, "trn": 10**12,
                  "lakh": 10**5, "lakhs": 10**5, "crore": 10**7, "crores": 10**7}
_GLUED_SPECIAL: Final = {"pp": "percentage_point", "bp": "other:basis_point", "bps": "other:basis_point",
                         "p": "cents"}
_MAX_VALUE: Final = Decimal(10) ** 16
"""Beyond this a number is not a figure news reports but an identifier, a typo or an attack on the reader
(``999,999,999,999,999,999,999 dollars``, ``1.79e+308 percent``): no anchor at all."""
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"


def _rev_alt(words: Iterable[str]) -> str:
    """Like :func:`_alt`, for matching the phrases backwards in a reversed string."""
    return _alt(" ".join(w[::-1] for w in reversed(p.split())) for p in words)


# What may stand right before a number, matched BACKWARDS on the reversed preceding text so that only
# one position is tried: sign, "magnitude", currency, qualifier, "between"/"from" (read right to left).
_LEFT_REV: Final = re.compile(rf"""(?P<sign>[-−+](?=[\s(]|\Z)|\s+(?i:sunim)\b)?(?P<mag>[\s-](?i:edutingam)\b)?
 (?P<cur>{CURRENCY_BEFORE_REV})?
 (?P<qual>\s+(?i:{_rev_alt(_QUALS)})\b)?(?P<between>\s+(?i:neewteb|morf)\b)?""", re.VERBOSE)
_MONTH_BEFORE: Final = re.compile(rf"\b{_MONTHS}\s+\Z")
_MONTH_AFTER: Final = re.compile(rf"\s+(?:of\s+)?{_MONTHS}(?![a-z])")
_DAY_RANGE: Final = re.compile(r"\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?(?!\d)")
_CAP_BEFORE: Final = re.compile(r"(?<![\w.])(?P<w>No\.|[A-Z][A-Za-z'’&]*|[a-z]{1,2}[A-Z][A-Za-z]*)[ \u00a0]\Z")
_SCALE_AFTER: Final = re.compile(r"\s?(?i:(?P<sc>thousand|million|billion|trillion|bn|mn|mln|tn|trn|lakhs?|crores?))\b")
_RANGE: Final = re.compile(r"(?P<u1>\s?%|\s+per\s?cent\b)?(?P<conn>-to-|\s*[-–—]\s*|\s+to\s+|\s+and\s+)"
                           rf"(?P<cur2>{CURRENCY_BEFORE}\s?)?")
_PCT_AFTER: Final = re.compile(r"\s?%|\s+per\s?cent\b", re.I)
_UNIT_AFTER: Final = re.compile(r"""(?i:
  (?P<pp>\s+percentage[\s-]points?\b|\s?ppts?\b)
 |(?P<bp>\s+basis[\s-]points?\b|\s?bps?\b)
 |(?P<pct>\s?%|\s?-?per\s?-?cent\b|\s+pct\b)
 |(?P<cents>\s+(?:cents?|pence)\b)
 |(?P<age>-years?-old\b|\s+years?\s+old\b)
 |(?P<time>[\s-](?:day|week|month|year|hour|minute)s?\b)
 |(?P<mag>[\s-]magnitude\b)
 |(?P<hy>-(?P<hyw>[a-z]{2,})\b(?!-)))""", re.VERBOSE)
_OF: Final = re.compile(r"\s+(?:of\s+(?:the|his|her|its|their|our|my|your)|out\s+of|of|in)\s+")
_SCORE_AFTER: Final = re.compile(r"\s+(?:home\s+|away\s+)?(?:win|victory|defeat|loss|draw|lead|scoreline|"
                                 r"aggregate|triumph|thrashing|drubbing|result)\b", re.I)
_SCORE_BEFORE: Final = re.compile(r"\b(?:won|beat|beating|lost|losing|drew|drawn|defeated|score|scored|"
                                  r"trailing|led|leading|ended)\b[^.;\d]{0,40}\Z", re.I)
_CHANGE_BEFORE: Final = re.compile(
    r"\b(?:rose|rises?|rising|fell|falls?|falling|increased?|increases|increasing|grew|grows?|growing|climbed|"
    r"dropped|declined|jumped|surged|soared|plunged|tumbled|cut|raised|lowered|reduced|slashed|slipped|gained|"
    r"up|down|went|goes|going|moved|changed|shifted|swung|widened|narrowed|expanded|shrank|doubled|tripled)"
    r"(?:\s+\w+ly)?\s+(?:from\s+)?\Z", re.I)
_YEAR_PREP: Final = re.compile(r"\b(?i:in|since|by|until|till|during|before|after|through|of|mid|early|late)"
                               r"[\s-]+\Z")
_YEAR_DET: Final = re.compile(r"\b(?i:the|a|an|its|their|his|her|our|this|that|last)\s+\Z")
_NUMBER_BEFORE: Final = re.compile(r"\b(?i:number)\s+\Z")
_WORD: Final = re.compile(r"[ \t\u00a0]+([A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?)")
_WS: Final = re.compile(r"\s+")
_HALF: Final = re.compile(r"\b(?i:half)\s+\Z")
_ID_TAIL: Final = re.compile(r"(?:-(?:\d+[A-Za-z]*|[A-Z]+\b))+")
_FRACTION_AFTER: Final = re.compile(r"[\s-](?:half|halves|thirds?|quarters?|fifths?|sixths?|sevenths?|"
                                    r"eighths?|ninths?|tenths?)\b")
_HY_NOT_UNIT: Final = _set("off on time way sided fold odd plus strong something all or and to")

_STOP: Final = _set(
    "a an the of and or but nor in on at to for from by with as per than that which who whom whose was were "
    "is are be been being has have had will would could should may might can must did do does said says "
    "more less into over under after before during since until between among across about around this "
    "these those its their his her our it they he she we you i also so not no each all both percent cent "
    "ago earlier later then when while if another other else way thing time side hand point s t")
_CAP_STOP: Final = _STOP | _set(
    "nearly almost fewer some only just up roughly approximately exactly last next within every least most "
    "including killing injuring aged age top still now today here there via toward towards above below page "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december jan feb mar apr jun jul aug sep sept oct nov dec")
_ADJ: Final = _set(
    "new more other additional further major small large big local foreign senior former armed young old key "
    "top unmanned confirmed suspected reported registered different separate international national "
    "full main extra private public rival")
_ADJ_END: Final = re.compile(r"(?:al|ic|ive|ous|ian|ish|ese|ful|less|ary|ed)\Z")
_COUNT_WORDS: Final = _set("people staff personnel police children men women troops")
_YEAR_NOUNS: Final = _set(
    "elections olympics games protests riots attacks talks polls floods levels figures results accords "
    "midterms finals sanctions negotiations prices earnings accounts statistics rules standards emissions "
    "marks sees saw was has brings begins ends remains seems becomes means looks promises proves shows "
    "comes goes gives makes takes")
_ONE_NEXT_STOP: Final = _set("day another thing way time side hand point more else")
_TIME_UNITS: Final = _set("day week month year hour minute magnitude")
_ONE_PREV: Final = re.compile(r"\b(?i:no|every|any|some|the|this|that|each|which|such|what)\s+\Z")


@dataclass(frozen=True, slots=True)
class _Core:
    """One bare number: digits (with a glued letter suffix like "bn", "km", "th") or spelled-out words."""

    start: int
    end: int
    value: Decimal
    digits: bool
    plain: bool  # digits only: no thousands separator, no decimals
    suffix: str | None
    absurd: bool = False  # beyond _MAX_VALUE ("1.79e+308", "10^400"): read whole, then dropped


def _spelled_value(phrase: str) -> Decimal | None:
    """The value of spelled-out number words via text2num; "a dozen" = 12, "a hundred" = 100."""
    words = re.split(r"[\s-]+", phrase.lower())
    mult = 1
    if words[-1] == "dozen":
        words, mult = words[:-1], 12
    if words and words[0] in ("a", "an"):
        words[0] = "one"
    if "dozen" in words or words[-1:] == ["and"]:
        return None
    try:
        return Decimal(text2num(" ".join(words), "en") if words else 1) * mult
    except (ValueError, TypeError, IndexError):
        return None


def _read_core(text: str, pos: int, m: re.Match[str] | None = None) -> _Core | None:
    """The number starting at ``pos``; spelled phrases shrink word by word until text2num accepts them."""
    m = m or _CORE.match(text, pos)
    if m is None or m.lastgroup not in ("num", "spelled"):
        return None
    if m.lastgroup == "num":
        raw = m.group("nd")
        value = Decimal(raw.replace(",", ""))
        exp = m.group("exp")
        absurd = len(raw.split(".")[0].replace(",", "")) > 16
        if exp:  # "1.5e6" is 1500000; "10^3" is 1000; "1.79e+308" and "10^400" are too big to be figures
            power = int(exp.lstrip("eE^"))
            magnitude = value.adjusted() + power if exp[0] in "eE" else (value.adjusted() + 1) * power
            absurd = absurd or magnitude > 16 or power < -16
            if not absurd:
                value = value.scaleb(power) if exp[0] in "eE" else value ** power
        return _Core(pos, m.end(), value, True, raw.isdigit() and not exp, m.group("nsuf"), absurd)
    for end in reversed([w.end() for w in re.finditer(r"[A-Za-z]+", m.group())]):
        v = _spelled_value(text[pos:pos + end])
        if v is not None:
            return _Core(pos, pos + end, v, False, False, None)
    return None


def _next_word(text: str, pos: int) -> str | None:
    m = _WORD.match(text, pos)
    return m.group(1) if m else None


def _noun_after(text: str, pos: int) -> str | None:
    """The counted noun after ``pos``, skipping up to two adjectives ("20 Israeli drones" -> "drones")."""
    words: list[str] = []
    while len(words) < 3 and (m := _WORD.match(text, pos)):
        words.append(m.group(1))
        pos = m.end()
    for i, w in enumerate(words):
        lw = w.lower()
        if lw in _STOP or lw.endswith("ed"):
            return None
        nxt = words[i + 1] if i + 1 < len(words) else None
        adj = w[0].isupper() or lw in _ADJ or _ADJ_END.search(lw) is not None
        if adj and i < 2 and nxt is not None and nxt[0].islower() and nxt.lower() not in _STOP:
            continue
        return w
    return None


def _counted_next(text: str, pos: int) -> bool:
    """Whether a lowercase counted noun follows: "2000 troops" (a quantity), not "2020 elections"."""
    w = _next_word(text, pos)
    if w is None or not w[0].islower():
        return False
    return w in _COUNT_WORDS or (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is"))
                                 and w not in _YEAR_NOUNS and w not in _STOP)


def _mk(text: str, start: int, end: int, value: Decimal | float, unit: str = "count",
        kind: NumberKind = "quantity", high: Decimal | None = None, qual: Qualifier | None = None,
        noun: str | None = None) -> NumberAnchor:
    return NumberAnchor(start, end, text[start:end], float(value), unit, kind,
                        None if high is None else float(high), qual, noun)


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
    dash = conn not in ("to", "and")
    if rm.group("u1") and not _PCT_AFTER.match(text, end2):
        return None
    v1, v2 = c.value, c2.value
    if c.plain and c2.plain and scale is None and scale2 is None and 1900 <= v1 <= 2100:
        if dash and len(str(v2)) == 2:
            v2 = v1 // 100 * 100 + v2 + (100 if v2 <= v1 % 100 else 0)
        if 1900 <= v2 <= 2100 and v2 > v1 and (conn != "and" or between):
            return _Range("years", end2, v1, v2)
    small = c.plain and c2.plain and v1 < 100 and v2 < 100 and scale is None and scale2 is None
    if dash and small and (v1 >= v2 or _SCORE_AFTER.match(text, end2) or _SCORE_BEFORE.search(left)):
        return _Range("score", end2, v1, v2, c2.start)
    if conn == "and" and between != "between" and scale2 is None and not _PCT_AFTER.match(text, end2):
        return None
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


def _left_parts(left: str) -> dict[str, tuple[int, str]]:
    """The sign, magnitude, currency, qualifier and between/from right before a number: group -> (start
    offset in ``left``, text as written)."""
    m = _LEFT_REV.match(left[::-1])
    assert m is not None  # every group is optional
    n = len(left)
    return {g: (n - m.end(g), v[::-1]) for g, v in m.groupdict().items() if v}


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
    unit, uend, hyw = _unit_after(text, end, money)
    if _glued(c.suffix) and unit is None:
        unit = _glued(c.suffix)
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
        if c.plain and 1900 <= c.value <= 2100 and (_YEAR_PREP.search(left[-12:])
                                                      or (c.value >= 1950 and _YEAR_DET.search(left[-8:]))
                                                      or not _counted_next(text, c.end)):
            return [_mk(text, c.start, c.end, c.value, kind="year")]  # "the 2015 fires", "a 2016 study"
        if _NUMBER_BEFORE.search(left[-8:]) and c.value < 100:
            return [_mk(text, c.start, c.end, c.value, kind="identifier")]  # "number one target"
        if c.plain and not lp and c.value < 120 and ((_AGE_NAME_BEFORE.search(left) and _AGE_AFTER.match(
                text, c.end)) or _AGED_BEFORE.search(left[-8:]) or (left.endswith("(") and _AGE_PAREN.search(
                left) and text[c.end:c.end + 1] == ")")):
            return [_mk(text, c.start, c.end, c.value, "year")]  # "Jacob Burke, 51, of Taneytown"
        if c.plain and not lp and c.value >= 100 and _PRODUCT_AFTER.match(text, c.end):
            return [_mk(text, c.start, c.end, c.value, kind="identifier")]  # "the 787 Dreamliner"
        if c.plain and _BLOCK_AFTER.match(text, c.end):
            return [_mk(text, c.start, c.end, c.value, kind="identifier")]  # "the 2600 block of Hartwood Cove"
        if c.plain and c.value < 100 and not lp and (c.start == 0 or text[c.start - 1] == "\n") and \
                _LIST_MARK_AFTER.match(text, c.end):
            return [_mk(text, c.start, c.end, c.value, kind="identifier")]  # "2. Tap to Add to Home Screen"
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


_BLOCK_AFTER: Final = re.compile(r"[ \t]+block[ \t]+of\b")
_LIST_MARK_AFTER: Final = re.compile(r"[.)][ \t]+[A-Z]")
_MARGIN_AFTER: Final = re.compile(r"[ \t]+(?:lead|margin|gap|advantage|deficit|edge|swing|spread)\b")
_PERCENT_BEFORE: Final = re.compile(r"%|\bper[ -]?cent\b")
# Golf: a round is counted in strokes ("a round of 66", "-5", "+1"); hole numbers are labels ("through 13").
_GOLF: Final = re.compile(r"\b(?:birdie|bogey|eagle|under[ -]par|over[ -]par|level par|even par|leaderboard|"
                          r"fairway|putt|tee shot|front nine|back nine|the turn)", re.I)
_GOLF_WINDOW: Final = 600
_STROKES_BEFORE: Final = re.compile(r"\b(?:round|rounds|score|scores)\s+of\s+\Z|\b(?:carded|shot|posted|signed\s+for|"
                                    r"fired|with)\s+an?\s+\Z", re.I)
_NINE: Final = re.compile(r"\b(?i:front|back|day|hole)\s+\Z")  # "the front nine", "day two", "hole 7"


def _golf_near(text: str, pos: int) -> bool:
    """Whether golf is being reported around ``pos``: two golf words within a bounded window."""
    found = {m.group().lower()[:5] for m in _GOLF.finditer(text, max(0, pos - _GOLF_WINDOW), pos + _GOLF_WINDOW)}
    return len(found) >= 2


def _golf_reading(text: str, c: _Core, lp: dict[str, tuple[int, str]], outer: str,
                  uend: int) -> NumberAnchor | None:
    """A bare number in golf copy: a score in strokes ("-5", "+1", "a round of 66"; returned as a quantity
    to finish) or a hole ("birdies through 13, 14 and 15", "the front nine"; an identifier); else None."""
    if (c.digits and not c.plain) or c.value > 99 or {"qual", "cur", "mag"} & lp.keys() \
            or not _golf_near(text, c.start):
        return None
    chained = c.start > 1 and text[c.start - 1] in "-–" and text[c.start - 2].isdigit()  # "(6-5-5-5-5)"
    if c.digits and ("sign" in lp or chained or (59 <= c.value <= 90 and _STROKES_BEFORE.search(outer[-24:]))):
        return _mk(text, c.start, c.end, c.value, "other:stroke")
    if _NINE.search(outer[-12:]) or (c.digits and c.value <= 18 and not lp and _noun_after(text, uend) is None):
        return _mk(text, c.start, c.end, c.value, kind="identifier")
    return None


_AGE_NAME_BEFORE: Final = re.compile(r"(?<![\w.])[A-Z][a-z'’-]+,[ \t]\Z")
_AGE_AFTER: Final = re.compile(r"[ \t]?,")
_AGED_BEFORE: Final = re.compile(r"\b(?i:aged)[ \t]+\Z")
_AGE_PAREN: Final = re.compile(r"(?<![\w.])[A-Z][a-z'’-]+[ \t]\(\Z")  # "Jones (45)"
# "the 787 Dreamliner": a model number before a capitalised singular name. Not a group of people written with
# a capital ("16 Taliban", "300 Israeli troops", "5 Democrats"), nor a count of a plural noun after it.
_PRODUCT_AFTER: Final = re.compile(r"[ \t](?!(?:" + _MONTHS + r")\b)[A-Z][a-z]+[A-Za-z]*(?<!s)(?<!an)(?<!i)"
                                   r"(?<!ese)(?<!ish)\b(?![ \t]+[a-z]+s\b)(?![ \t]+(?:of|in|and|from)\b)")
# Only clock units add up into one figure ("2 hours 1 minute 39 seconds" is 7299 seconds); "seven years and
# eight months" stays two figures, as a sentence length is reported.
_COMPOUND_UNITS: Final = {"hour": 3600, "minute": 60, "other:second": 1}
_COMPOUND_PART: Final = re.compile(r",?[ \t]+(?:and[ \t]+)?(?P<n>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|"
                                   r"seven|eight|nine|ten|eleven|twelve)[ \t]+(?P<u>hours?|minutes?|seconds?)\b"
                                   r"(?!-)")
_SMALL_WORDS: Final = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())} | {"a": 1, "an": 1}
_COMPOUND_GROUPS: Final = ({"hour", "minute", "other:second"},)


def _compound(text: str, unit: str, end: int, value: Decimal) -> tuple[str, int, Decimal | None]:
    """ "2 hours 1 minute 39 seconds" -> (other:second, end, 7299): parts of a duration, each in a smaller
    unit of the same family, summed in the smallest; (unit, end, None) when no part follows."""
    group = next((g for g in _COMPOUND_GROUPS if unit in g), set())
    total, last, found = value * _COMPOUND_UNITS[unit], unit, False
    while (m := _COMPOUND_PART.match(text, end)) is not None:
        word = m.group("u").lower().rstrip("s")
        part = "other:second" if word == "second" else word
        if part not in group or _COMPOUND_UNITS[part] >= _COMPOUND_UNITS[last]:
            break
        n = m.group("n").lower()
        total += (Decimal(n) if n[0].isdigit() else Decimal(_SMALL_WORDS[n])) * _COMPOUND_UNITS[part]
        last, end, found = part, m.end(), True
    return (last, end, total / _COMPOUND_UNITS[last]) if found else (unit, end, None)


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
    last_digit = _LAST_DIGIT.search(text, floor, start)
    floor = last_digit.end() if last_digit else floor  # the end of whatever number came before
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


# Characters that do not show: inside or right next to a number they make what the reader sees differ from
# what the characters say ("$1\u200d.5 billion" reads as $1.5 billion but is "$1" and ".5"), so such a
# number is not read at all.
_INVISIBLE: Final = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                               "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_NUMBERISH: Final = re.compile(r"(?:[\w.,:^+-]|" + _INVISIBLE.pattern + r")*")
_NEXT_WORD: Final = re.compile(r"\s*\S{0,16}")
_LAST_DIGIT: Final = re.compile(r"\d(?!.*\d)", re.S)
_WORD_Q: Final = re.compile(r"(?P<half>[Hh]alf)(?P<hsep>[\s-]+)(?P<hnext>[A-Za-z]+)"
                            r"|(?P<a>[Aa]n?)\s+(?P<unit>minute|hour|day|week|month|year|decade)\b")
_HALF_NOT_AFTER: Final = re.compile(r"(?i:first|second|third|final|last|opening|closing|latter|former|other|"
                                    r"back|front|top|bottom|lower|upper|northern|southern|eastern|western|"
                                    r"better|worse|early|late|a|one)\s+\Z")
_RELATIVE_AFTER: Final = re.compile(r"\s+(?:ago|later|earlier|before|after|from\s+now)\b")


def _word_quantity(text: str, cand: re.Match[str], floor: int) -> NumberAnchor | None:
    """ "half of the civilians" (50 percent), "a half-century" (50 years), "more than a minute" (1 minute);
    nothing for "the first half of the season", "half-time" or "over a year ago"."""
    m = _WORD_Q.match(text, cand.start())
    if m is None:
        return None
    base = max(floor, cand.start() - 48)
    left = text[base:cand.start()]
    lp = _left_parts(left)
    qual = _QUALS[_WS.sub(" ", lp["qual"][1].strip().lower())] if "qual" in lp else None
    start = base + lp["qual"][0] if "qual" in lp else cand.start()
    if m.group("a"):
        if qual is None or _RELATIVE_AFTER.match(text, m.end()):
            return None
        return _mk(text, start, m.end(), 1, m.group("unit").lower(), qual=qual)
    nxt, sep = m.group("hnext").lower(), m.group("hsep")
    if nxt in ("century", "decade") and left.lower().endswith(("a ", "a-")) and "qual" not in lp:
        start = cand.start() - 2
        return _mk(text, start, m.end(), 50 if nxt == "century" else 5, "year")  # "a half-century"
    if sep.isspace() and nxt in _HALF_OF and not _HALF_NOT_AFTER.search(text, max(0, cand.start() - 12),
                                                                          cand.start()):
        return _mk(text, start, m.start("hsep"), 50, "percent", qual=qual)
    return None


_HALF_OF: Final = _set("of the its their his her our these those")


def parse_quantity_at(text: str, start: int, end: int) -> tuple[float, float | None, str, str | None] | None:
    """:func:`parse_quantity` of ``text[start:end]``, read in place: the words around it are its context
    exactly as when the article was read, but only a bounded window of them is scanned."""
    return _only_quantity(text, _scan(text, start, end), start, end)


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
