"""Readings of a number that depend on the words around it: golf scores and holes, ages, model numbers,
addresses, list marks, halves ("half of them"), "more than a minute", clock durations that add up ("2 hours
1 minute 39 seconds") and characters that do not show.

Input: the text and a number core with what stands before it. Output: an anchor, or the unit and end a
reading gives, or None when the reading does not apply. Each looks at a bounded window around the number,
so the finder stays linear. Package-internal, used by :mod:`extract.anchors.numbers`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from extract.anchors.base import (
    NumberAnchor,
)
from extract.anchors.number_lexicon import (
    _MONTHS,
    _NUMBER_BEFORE,
    _QUALS,
    _WS,
    _YEAR_DET,
    _YEAR_PREP,
    _Core,
    _counted_next,
    _left_parts,
    _mk,
    _noun_after,
    _set,
)

_BLOCK_AFTER: Final = re.compile(r"[ \t]+block[ \t]+of\b")
_LIST_MARK_AFTER: Final = re.compile(r"[.)][ \t]+[A-Z]")
_MARGIN_AFTER: Final = re.compile(r"[ \t]+(?:lead|margin|gap|advantage|deficit|edge|swing|spread)\b")
_PERCENT_BEFORE: Final = re.compile(r"%|\bper[ -]?cent\b")
# Golf: a round is counted in strokes ("a round of 66", "-5", "+1"); hole numbers are labels ("through 13").
_GOLF: Final = re.compile(r"\b(?:birdie|bogey|eagle|under[ -]par|over[ -]par|level par|even par|leaderboard|"
                          r"fairway|putt|tee shot|front nine|back nine|the turn)", re.I)
_GOLF_WINDOW: Final = 600
_GOLF_KEYS: Final = ("irdie", "ogey", "agle", " par", "PAR", "eaderboard", "airway", "utt", "ee shot", " nine",
                     "he turn")
_STROKES_BEFORE: Final = re.compile(r"\b(?:round|rounds|score|scores)\s+of\s+\Z|\b(?:carded|shot|posted|signed\s+for|"
                                    r"fired|with)\s+an?\s+\Z", re.I)
_NINE: Final = re.compile(r"\b(?i:front|back|day|hole)\s+\Z")  # "the front nine", "day two", "hole 7"


def _golf_near(text: str, pos: int) -> bool:
    """Whether golf is being reported around ``pos``: two golf words within a bounded window."""
    lo, hi = max(0, pos - _GOLF_WINDOW), pos + _GOLF_WINDOW
    window = text[lo:hi]
    if not any(key in window for key in _GOLF_KEYS):  # substring tests first: far cheaper than the regex
        return False
    found = {m.group().lower()[:5] for m in _GOLF.finditer(text, lo, hi)}
    return len(found) >= 2


def _golf_reading(text: str, c: _Core, lp: dict[str, tuple[int, str]], outer: str,
                  uend: int) -> NumberAnchor | None:
    """A bare number in golf copy: a score in strokes ("-5", "+1", "a round of 66"; returned as a quantity
    to finish) or a hole ("birdies through 13, 14 and 15", "the front nine"; an identifier); else None."""
    if (c.digits and not c.plain) or c.value > 99 or {"qual", "cur", "mag"} & lp.keys():
        return None
    chained = c.start > 1 and text[c.start - 1] in "-–" and text[c.start - 2].isdigit()  # "(6-5-5-5-5)"
    stroke = c.digits and ("sign" in lp or chained or (59 <= c.value <= 90 and _STROKES_BEFORE.search(outer[-24:])))
    hole = not stroke and (_NINE.search(outer[-12:]) is not None or (
        c.digits and c.value <= 18 and not lp and _noun_after(text, uend) is None))
    if not (stroke or hole) or not _golf_near(text, c.start):  # the window is searched last: it costs most
        return None
    if stroke:
        return _mk(text, c.start, c.end, c.value, "other:stroke")
    return _mk(text, c.start, c.end, c.value, kind="identifier")
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


# Characters that do not show: inside or right next to a number they make what the reader sees differ from
# what the characters say ("$1\u200d.5 billion" reads as $1.5 billion but is "$1" and ".5"), so such a
# number is not read at all.
_INVISIBLE: Final = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                               "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_NUMBERISH: Final = re.compile(r"(?:[\w.,:^+-]|" + _INVISIBLE.pattern + r")*")
_NEXT_WORD: Final = re.compile(r"\s*\S{0,16}")
_WORD_Q: Final = re.compile(r"(?P<point>(?P<part>[Hh]alf|[Qq]uarter)[\s-]+(?:percentage[\s-]+)?points?\b)"
                            r"|(?P<half>[Hh]alf)(?P<hsep>[\s-]+)(?P<hnext>[A-Za-z]+)"
                            r"|(?P<a>[Aa]n?)\s+(?P<unit>minute|hour|day|week|month|year|decade)\b")
_HALF_NOT_AFTER: Final = re.compile(r"(?i:first|second|third|final|last|opening|closing|latter|former|other|"
                                    r"back|front|top|bottom|lower|upper|northern|southern|eastern|western|"
                                    r"better|worse|early|late|a|one)\s+\Z")
_RELATIVE_AFTER: Final = re.compile(r"\s+(?:ago|later|earlier|before|after|from\s+now)\b")


def _word_quantity(text: str, cand: re.Match[str], floor: int) -> NumberAnchor | None:
    """ "half of the civilians" (50 percent), "a half-century" (50 years), "more than a minute" (1 minute),
    "a quarter-point cut" (0.25 percentage point);
    nothing for "the first half of the season", "half-time" or "over a year ago"."""
    m = _WORD_Q.match(text, cand.start())
    if m is None:
        return None
    base = max(floor, cand.start() - 48)
    left = text[base:cand.start()]
    lp = _left_parts(left)
    qual = _QUALS[_WS.sub(" ", lp["qual"][1].strip().lower())] if "qual" in lp else None
    start = base + lp["qual"][0] if "qual" in lp else cand.start()
    if m.group("point"):  # "a quarter-point cut", "half a point": a share of a percentage point
        return _mk(text, start, m.end("point"), 0.25 if m.group("part").lower() == "quarter" else 0.5,
                   "percentage_point", qual=qual)
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
# Words that make the number after them (and the list that follows) a label: "milepost 256", "UFCW Locals 328,
# 371 and 919", "Standard & Poor’s 500", "Gate 12".
_LABEL_BEFORE: Final = re.compile(r"\b(?i:mileposts?|mile markers?|exits?|routes?|highways?|hwy\.?|locals?|gates?|"
                                  r"platforms?|flights?|rooms?|suites?|piers?|berths?|channels?|precincts?|wards?|"
                                  r"districts?|poor[’']s|no\.)\s+(?:\d+[A-Z]?,?\s+(?:(?:and|or)\s+)?)*\Z")
_DIAL_BEFORE: Final = re.compile(r"\b(?i:call|dial|dialled|dialed|calling|dialling|dialing)\s+\Z")
# The second day of a date list: "December 15 and 16", "Jan. 3-4" (the month is read with the first).
_DAY_LIST_BEFORE: Final = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
                                     r"(?:st|nd|rd|th)?\s*(?:and|&|or)\s+\Z")


def _bare_reading(text: str, c: _Core, left: str, lp: dict[str, tuple[int, str]]) -> NumberAnchor | None:
    """A number with no unit, scale or range that the words around it make a year, an age or a label:
    "the 2015 fires", "number one target", "Burke, 51,", "aged 45", "Jones (45)", "the 787 Dreamliner",
    "the 2600 block of", a list mark ("2. Tap ..."); None when it is a plain count."""
    if c.plain and 1900 <= c.value <= 2100 and (_YEAR_PREP.search(left[-12:])
                                                  or (c.value >= 1950 and _YEAR_DET.search(left[-8:]))
                                                  or not _counted_next(text, c.end)):
        return _mk(text, c.start, c.end, c.value, kind="year")  # "the 2015 fires", "a 2016 study"
    if c.plain and (_LABEL_BEFORE.search(text, max(0, c.start - 60), c.start)
                    or (c.value in (911, 999, 112) and _DIAL_BEFORE.search(text, max(0, c.start - 8), c.start))
                    or (c.value <= 31 and _DAY_LIST_BEFORE.search(text, max(0, c.start - 24), c.start))):
        return _mk(text, c.start, c.end, c.value, kind="identifier")  # "milepost 256", "call 911", "Dec. 15 and 16"
    if _NUMBER_BEFORE.search(left[-8:]) and c.value < 100:
        return _mk(text, c.start, c.end, c.value, kind="identifier")  # "number one target"
    if c.plain and not lp and c.value < 120 and ((_AGE_NAME_BEFORE.search(left) and _AGE_AFTER.match(
            text, c.end)) or _AGED_BEFORE.search(left[-8:]) or (left.endswith("(") and _AGE_PAREN.search(
            left) and text[c.end:c.end + 1] == ")")):
        return _mk(text, c.start, c.end, c.value, "year")  # "Jacob Burke, 51, of Taneytown"
    if c.plain and not lp and c.value >= 100 and _PRODUCT_AFTER.match(text, c.end):
        return _mk(text, c.start, c.end, c.value, kind="identifier")  # "the 787 Dreamliner"
    if c.plain and _BLOCK_AFTER.match(text, c.end):
        return _mk(text, c.start, c.end, c.value, kind="identifier")  # "the 2600 block of Hartwood Cove"
    if c.plain and c.value < 100 and not lp and (c.start == 0 or text[c.start - 1] == "\n") and \
            _LIST_MARK_AFTER.match(text, c.end):
        return _mk(text, c.start, c.end, c.value, kind="identifier")  # "2. Tap to Add to Home Screen"
    return None
