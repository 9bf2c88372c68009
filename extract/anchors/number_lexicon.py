"""Words and patterns the number finder reads, and the bare number core: what :mod:`extract.anchors.numbers`
matches a number with, reads its value from and builds its anchor with.

Input: text and positions. Output: the :class:`_Core` of a number (digits or spelled words, its value,
exponent read whole) and :class:`~extract.anchors.base.NumberAnchor` records; no decision about what a
number means. Package-internal: the names are shared by ``numbers.py`` and ``number_readings.py`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from text_to_num import text2num

from extract.anchors.base import NumberAnchor, NumberKind, Qualifier
from extract.anchors.units import (
    CURRENCY_BEFORE,
    CURRENCY_BEFORE_REV,
    GLUED_CURRENCY,
    glued_lookbehind,
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
# Thousands grouped by commas, or by a space (no-break, thin or plain) as Commonwealth and SI copy writes them:
# "5 000 fans", "12\u00a0500".
_GROUP_SPACE = "[ \u00a0\u202f\u2009]"
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d{{1,3}}(?:{_GROUP_SPACE}\d{{3}})+(?!\d|,\d)|\d+)(?:\.\d+)?"
_GROUP_SPACES: Final = re.compile(_GROUP_SPACE)
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
                          r"|\b([Hh]alf(?=[\s-])|[Qq]uarter(?=[\s-]+(?:percentage[\s-]+)?points?\b)"
                          r"|[Aa]n?(?=\s+(?:minute|hour|day|week|month|year|decade)\b))")
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
_RANGE: Final = re.compile(r"(?P<u1>\s?%|\s+per\s?cent\b)?(?P<conn>-to-|\s*[-–—]\s*|\s+to\s+|\s+and\s+|\s+or\s+)"
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
        raw = _GROUP_SPACES.sub("", raw)
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


def _left_parts(left: str) -> dict[str, tuple[int, str]]:
    """The sign, magnitude, currency, qualifier and between/from right before a number: group -> (start
    offset in ``left``, text as written)."""
    m = _LEFT_REV.match(left[::-1])
    assert m is not None  # every group is optional
    n = len(left)
    return {g: (n - m.end(g), v[::-1]) for g, v in m.groupdict().items() if v}
