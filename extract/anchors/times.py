"""Time expressions in news text, found with exact offsets and resolved against the publication date.

``find_times`` scans the text with precompiled regexes only (explicit dates are parsed from the matched
groups, no dateparser, so offsets are exact and a 5 MB text takes seconds), keeps the longest
non-overlapping matches, resolves them in text order, then joins "June 13 to June 24" pairs into periods.

Spans. Leading prepositions are left out ("on June 26" -> "June 26", "in 2023" -> "2023"); words that
change the meaning are kept ("last Friday", "next Monday", "earlier this week on Tuesday", "Friday next
week", "between 2016 and 2020", "from June 13 to June 24"). A weekday written before a date ("Tuesday,
June 24") belongs to the date span; the date comes from the day and month and the weekday is not checked
here (see ``weekday_matches``). Hyphenated durations stop at the unit ("12-day", not "12-day war") and
qualifiers are left out ("For over eight years" -> "eight years").

Resolution against the publication date P ("future context": the nearest tense marker before the
expression in its sentence, else the first one after it, is "will", "would", "is due to", "next week"...):

* Month-day without a year takes P's year; in past or neutral context the previous year if the date would
  fall more than 60 days after P, in future context the next year if it would fall more than 60 days
  before P. A month alone ("in June") follows the same rule, compared on the 15th.
* A day the month does not have ("June 31", "Feb. 30", "Feb. 29, 2025") stays unresolved: ``day`` is None
  and the reason is "no such date", so nothing downstream builds a date from it; a February 29 whose year
  is unknown keeps no day either.
* Without P, an undated month-day or month takes the year of the nearest full date stated in the text (a
  caption "April 28, 2025"), with reason None; with none, reason "no year stated and no publication date".
* Weekdays: "last X" is the most recent X strictly before P; "next X" / "this coming X" the first X
  strictly after P; "this X" the X of P's Monday-Sunday week; "earlier this week on X" the X of P's week
  when not after P; "last week on X" / "X last week" and "X next week" the X of the previous / next week.
  Otherwise future context gives the first X on or after P, past or neutral context the most recent X on
  or before P (so "on Thursday" in a Thursday article is P itself).
* today, yesterday, tomorrow, tonight, last night, "N days/weeks ago" are days counted from P; "last
  week", "earlier this month", "last year", "three months ago" keep year (and month) only, reason
  "period, not a day".
* "the same day", "the next day", "a day later", "two days later", "the previous day" count from the
  nearest preceding date, weekday or dated period (its end) in the same "\\n"-separated paragraph; when
  that anchor is unresolved or there is none, date stays None and reason says so.
* A bare 1900-2100 number is a year after in/since/by/until/during/before/after/early/late/mid (unless a
  counted noun follows: "by 2030 troops"), after the/of/from/and/between only when a capitalised word, an
  event noun or punctuation follows ("the 2020 Nagorno-Karabakh war"; "a crowd of 2000 people" is not),
  and inside periods ("2016-2020", "from 2016 to 2020", "between 2016 and 2020"); "the 1990s" is a period.
  Kinds year, month, period and duration carry no reason unless a year could not be found.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from extract.anchors.base import TimeAnchor, TimeKind

NO_YEAR = "no year stated and no publication date"
NO_PUB_WEEKDAY = "weekday without publication date"
NO_PUB = "no publication date"
PERIOD = "period, not a day"
NO_REF = "no preceding date in the passage"
REF_UNRESOLVED = "preceding date in the passage is unresolved"
NO_SUCH_DATE = "no such date"
OUT_OF_RANGE = "outside the calendar"

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_UNIT_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "week": 7.0, "fortnight": 14.0,
              "month": 30.0, "year": 365.0, "decade": 3650.0}
_WORD_NUMBERS = {w: i for i, w in enumerate(re.findall(
    r"\w+", "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"))}
_WORD_NUMBERS.update({w: 10 * (i + 2) for i, w in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"))})
_WORD_NUMBERS.update({"a": 1, "an": 1})

_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
_DAYN = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)?\b"
_YEARN = r"(?:19\d\d|20\d\d|2100)"
_WD_PRE = rf"(?:(?P<wd>{_WD}),?\s+)?"
_YTAIL = r"(?P<ytail>,?\s+(?P<year>1\d{3}|20\d\d)(?![\d%]|[.,]\d))?"
_NUM = (r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
        r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b)?|ten|eleven|twelve|thirteen|fourteen"
        r"|fifteen|sixteen|seventeen|eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine|an|a)")
_EVENT = (r"(?:elections?|votes?|referendum|war|wars|conflict|crisis|season|census|budget|olympics|games"
          r"|world\s+cup|championships?|summit|campaign|invasion|attacks?|earthquake|floods?|protests?|uprising"
          r"|revolution|coup|agreement|deal|accord|treaty|law|act|report|survey|levels?|figures?|edition"
          r"|tournament|finals?|cup|midterms?|primar(?:y|ies)|polls?|quarter|session|review|plan|targets?"
          r"|peak|record|average|ceasefire|truce|talks|negotiations|pandemic|outbreak|fiscal|financial"
          r"|academic|school|calendar|onwards?|on)\b")
_COUNTED = (r"\s+(?:people|persons|men|women|children|troops|soldiers|civilians|residents|refugees|"
            r"migrants|protesters|workers|employees|jobs|homes|houses|buildings|vehicles|cars|units|shares|"
            r"tons|tonnes|barrels|km|kilometres|kilometers|miles|metres|meters|feet|dollars|euros|pounds|"
            r"points|cases|deaths|casualties|hectares|acres|students|patients|members|fighters|rockets|"
            r"missiles|drones)\b")

_DAY2 = rf"(?:\s*[-–]\s*(?P<day2>{_DAYN}){_ORD})?"
_MDY = re.compile(rf"\b{_WD_PRE}(?P<mon>{_MONTH})\s+(?P<day>{_DAYN}){_ORD}{_DAY2}{_YTAIL}")
_DMY = re.compile(rf"\b{_WD_PRE}(?P<day>{_DAYN}){_ORD}{_DAY2}\s+(?:of\s+)?(?P<mon>{_MONTH})(?!\w){_YTAIL}")
_ISO = re.compile(
    r"(?<![\d-])(?P<year>1\d{3}|20\d\d)-(?P<mon>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])(?!\d)")
_WEEKDAY = re.compile(
    r"\b(?i:(?:(?P<wk>(?:earlier|later)\s+this|last|next)\s+week,?\s+on\s+"
    r"|(?P<mod>last|next|this\s+coming|this\s+past|this|past|coming)\s+)?)"
    rf"(?P<wd>{_WD})\b(?:,?\s+(?P<post>(?:last|next|this)\s+week)\b)?")
_MONTH_ALONE = re.compile(rf"\b(?P<mon>{_MONTH_FULL})\b(?:,?\s+(?:of\s+)?(?P<year>{_YEARN})(?!\d))?")
_YEAR = re.compile(rf"(?<![\w$£€¥.,/])(?<!\d-)(?P<year>{_YEARN})(?![\w%]|[.,]\d)")
_YEARS = re.compile(
    rf"(?i:\b(?P<pre>between|from)\s+)?(?<![\w$£€¥.,/-])(?P<y1>{_YEARN})"
    rf"(?:\s*[-–—]\s*|\s+(?P<sep>to|until|till|through|and)\s+)(?P<y2>{_YEARN}|\d\d)(?![\w%]|[.,]\d)")
_DECADE = re.compile(r"(?<![\w$])(?P<dec>1[89]\d0|20\d0)s\b")
_DURATION = re.compile(
    rf"(?i)\b(?P<num>{_NUM})(?:-|\s+)(?P<unit>minute|hour|day|week|fortnight|month|year|decade)s?\b(?!-old)")
_REL = re.compile(
    r"(?i)\b(?:(?P<day>today|tonight|yesterday|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))"
    r"|(?:(?:earlier|later)\s+)?(?P<off>last|this|next)\s+(?P<unit>week|month|year))\b")
_CHAIN = re.compile(
    r"(?i)\b(?:(?P<fixed>the\s+same\s+day|that\s+same\s+day|later\s+that\s+day|that\s+day"
    r"|the\s+(?:next|following|previous)\s+day)"
    rf"|(?P<num>{_NUM})\s+(?P<unit>day|week|month|year|decade)s?\s+(?P<dir>later|earlier|ago))\b")

_TENSE = re.compile(
    r"(?i)(?P<fut>\b(?:will|shall|won't|would|upcoming|coming|next\s+week"
    r"|(?:is|are|was|were|be)\s+(?:due|set|expected|scheduled|slated|going|planning)"
    r"|plans?\s+to|(?:scheduled|planned|set|slated|due|expected)\s+(?:for|on|to))\b|['’]ll\b)"
    r"|(?P<past>\b(?:said|says|told|was|were|had|did|began|came|took|met|went|held|gave|made|saw|sent|spoke"
    r"|struck|won|lost|left|fell|rose|broke|brought|found|got|became|ran|wrote|ago|last\s+week"
    r"|(?!(?:need|speed|proceed|exceed|succeed|indeed|seed|feed|bleed|breed|shed|red|bed|wed|embed)\b)"
    r"\w+ed)\b)")
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s|\n")
_PREV_WORD = re.compile(r"(\w+)[\s-]*$")
_NEWLINE = re.compile(r"\n")
_JOIN = re.compile(r"(?i)\s*(?:[-–—]|\s(?:to|until|till|through|and)\s)\s*")
_FROM = re.compile(r"(?i)\b(from|between)\s+$")
_YEAR_STRONG = frozenset(re.findall(r"\w+", "in since by until till during before after early late mid"))
_YEAR_WEAK = frozenset(("the", "of", "from", "and", "or", "between"))
_YEAR_WEAK_OK = re.compile(
    rf"(?:['’]s\b|\s*[,.;:)!?]|\s*$|\s*[-–]\s*[A-Z]"
    rf"|\s+(?:[A-Z]|(?i:{_EVENT})|(?:and|or)\s+{_YEARN}\b|(?:was|were|is|saw|had|has)\b))")
_YEAR_BARE_OK = re.compile(r"['’]s\b|\s+(?:was|is|saw|has|had|marked|will)\b")
_COUNTED_RX = re.compile(rf"(?i){_COUNTED}")
_MONTH_PREV = _YEAR_STRONG | {"from", "of", "last", "next", "this", "through", "between"}
_REACH = 40


@dataclass(frozen=True, slots=True)
class _Cand:
    """A regex match kept as a candidate span; ``prio`` breaks ties between finders (lower wins)."""

    start: int
    end: int
    rule: str
    prio: int
    m: re.Match[str]


@dataclass(slots=True)
class _Ctx:
    """What resolution needs besides the match: the text, P, paragraph breaks, stated years, last day."""

    text: str
    published: dt.date | None
    newlines: list[int]
    stated_years: list[tuple[int, int]]
    ref: TimeAnchor | None = None

    def reference(self, pos: int) -> tuple[dt.date | None, str | None]:
        """The day a chained relative at ``pos`` counts from, or None and why."""
        ref = self.ref
        if ref is None or self._para(ref.start) != self._para(pos):
            return None, NO_REF
        iso = ref.date_end if ref.kind == "period" else ref.date
        return (dt.date.fromisoformat(iso), None) if iso else (None, REF_UNRESOLVED)

    def _para(self, pos: int) -> int:
        return bisect.bisect_right(self.newlines, pos)

    def nearest_year(self, pos: int) -> int | None:
        """Year of the full date stated nearest to ``pos`` (the stand-in for a missing P)."""
        if not self.stated_years:
            return None
        i = bisect.bisect_left(self.stated_years, (pos, 0))
        near = self.stated_years[max(0, i - 1): i + 1]
        return min(near, key=lambda sy: abs(sy[0] - pos))[1]


def find_times(text: str, published: dt.date | None) -> list[TimeAnchor]:
    """Every time expression in ``text``, in text order, non-overlapping, resolved against ``published``."""
    chosen = _select(list(_candidates(text)))
    years = [(c.start, int(c.m["year"])) for c in chosen
             if c.rule == "date" and c.m["year"] and c.end == c.m.end()]
    ctx = _Ctx(text, published, [m.start() for m in _NEWLINE.finditer(text)], years)
    anchors: list[TimeAnchor] = []
    for c in chosen:
        try:
            anchor = _RULES[c.rule][1](c, ctx)
        except OverflowError:  # "5,000,000 days later", or a publication date near year 1 or 9999
            anchor = replace(_base(c, ctx), reason=OUT_OF_RANGE)
        if anchor.kind in ("date", "weekday") or anchor.date_end:
            ctx.ref = anchor
        anchors.append(anchor)
    return _join_periods(text, anchors)


def inclusive_days(start: dt.date, end: dt.date) -> int:
    """Days from ``start`` to ``end`` counting both ends (June 13 to June 24 -> 12)."""
    return (end - start).days + 1


def weekday_matches(text_weekday: str, iso_date: str) -> bool:
    """Whether a weekday name ("Tuesday", "tue") is the weekday of ``iso_date`` ("2025-06-24")."""
    name = text_weekday.strip().lower()
    return len(name) >= 3 and _WEEKDAYS[dt.date.fromisoformat(iso_date).weekday()].startswith(name)


# ---------------------------------------------------------------------------------------------- finding


def _candidates(text: str) -> Iterator[_Cand]:
    """All acceptable matches of every finder, overlapping.

    Python's re scans slowly with patterns like these, so each finder only searches windows reaching
    ``_REACH`` characters around the hits of a literal keyword regex (fast), and keeps the matches that
    contain a hit: every expression it finds contains such a keyword and is far shorter than the reach.
    """
    for prio, (rule, keyword, rx, check) in enumerate(_FINDERS):
        for lo, hi, starts, ends in _windows(keyword, text):
            for m in rx.finditer(text, lo, hi):
                i = bisect.bisect_left(starts, m.start())
                if i == len(starts) or ends[i] > m.end():
                    continue
                end = check(text, m) if check else m.end()
                if end is not None:
                    yield _Cand(m.start(), end, rule, prio, m)


def _windows(keyword: re.Pattern[str], text: str) -> Iterator[tuple[int, int, list[int], list[int]]]:
    """Merged windows around the keyword hits: (lo, hi, hit starts, hit ends)."""
    starts: list[int] = []
    ends: list[int] = []
    for k in keyword.finditer(text):
        if ends and k.start() - _REACH > ends[-1] + _REACH:
            yield max(0, starts[0] - _REACH), ends[-1] + _REACH, starts, ends
            starts, ends = [], []
        starts.append(k.start())
        ends.append(k.end())
    if starts:
        yield max(0, starts[0] - _REACH), ends[-1] + _REACH, starts, ends


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest candidates first within each cluster of overlapping ones; result in text order."""
    cands.sort(key=lambda c: (c.start, -c.end))
    out: list[_Cand] = []
    cluster: list[_Cand] = []
    cluster_end = -1
    for c in cands:
        if cluster and c.start >= cluster_end:
            out.extend(_pick(cluster))
            cluster = []
        cluster.append(c)
        cluster_end = max(cluster_end, c.end)
    out.extend(_pick(cluster))
    return out


def _pick(cluster: list[_Cand]) -> list[_Cand]:
    starts: list[int] = []
    kept: list[_Cand] = []
    for c in sorted(cluster, key=lambda c: (c.start - c.end, c.prio, c.start)):
        i = bisect.bisect_left(starts, c.start)
        if (i == 0 or kept[i - 1].end <= c.start) and (i == len(kept) or c.end <= kept[i].start):
            starts.insert(i, c.start)
            kept.insert(i, c)
    return kept


def _prev_word(text: str, pos: int) -> str:
    m = _PREV_WORD.search(text, max(0, pos - 24), pos)
    return m.group(1).lower() if m else ""


def _check_date(text: str, m: re.Match[str]) -> int | None:
    """Drop a trailing "year" that is really a count: "On June 13, 2000 people marched"."""
    if m["year"] and _COUNTED_RX.match(text, m.end()):
        return m.start("ytail")
    return m.end()


def _check_month(text: str, m: re.Match[str]) -> int | None:
    return m.end() if m["year"] or _prev_word(text, m.start()) in _MONTH_PREV else None


def _check_year(text: str, m: re.Match[str]) -> int | None:
    prev, end = _prev_word(text, m.start()), m.end()
    if prev in _YEAR_STRONG:
        ok = not _COUNTED_RX.match(text, end)
    elif prev in _YEAR_WEAK:
        ok = bool(_YEAR_WEAK_OK.match(text, end))
    else:
        in_parens = text[m.start() - 1: m.start()] == "(" and text[end: end + 1] == ")"
        ok = in_parens or bool(_YEAR_BARE_OK.match(text, end))
    return end if ok else None


def _check_years(text: str, m: re.Match[str]) -> int | None:
    y1, y2 = int(m["y1"]), _full_year(m["y1"], m["y2"])
    sep, pre = (m["sep"] or "").lower(), (m["pre"] or "").lower()
    if sep and (len(m["y2"]) == 2 or (sep == "and" and pre != "between")):
        return None
    if not y1 < y2 <= 2100 or _COUNTED_RX.match(text, m.end()):
        return None
    return m.end()


def _full_year(y1: str, y2: str) -> int:
    return int(y1[:2] + y2) if len(y2) == 2 else int(y2)


# -------------------------------------------------------------------------------------------- resolving


def _days_in(month: int, year: int | None) -> int:
    """Days in ``month`` of ``year``; with no year known, the most any year has (February 29)."""
    return calendar.monthrange(year if year is not None else 2024, month)[1]


def _make_date(year: int | None, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day) if year is not None else None
    except ValueError:
        return None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _with_date(a: TimeAnchor, d: dt.date) -> TimeAnchor:
    return replace(a, date=d.isoformat(), year=d.year, month=d.month, day=d.day, reason=None)


def _month_number(name: str) -> int:
    return _MONTH_KEYS.index(name.lower()[:3]) + 1


def _is_future(text: str, start: int, end: int) -> bool:
    """Future context: the nearest tense marker before ``start`` in the sentence, else the first after."""
    lo = max(0, start - 160)
    cut = lo
    for s in _SENT_END.finditer(text, lo, start):
        cut = s.end()
    markers = list(_TENSE.finditer(text, cut, start))
    if markers:
        return markers[-1]["fut"] is not None
    stop = _SENT_END.search(text, end, end + 100)
    first = _TENSE.search(text, end, stop.start() if stop else end + 100)
    return bool(first and first["fut"])


def _guess_year(
    ctx: _Ctx, c: _Cand, month: int, day: int, future: bool | None = None
) -> tuple[int | None, str | None]:
    """Year for a month-day (or month, day 15) with none stated; see the module docstring."""
    p = ctx.published
    if p is None:
        year = ctx.nearest_year(c.start)
        return (year, None) if year else (None, NO_YEAR)
    if future is None:
        future = _is_future(ctx.text, c.start, c.end)
    d = dt.date(p.year, month, min(day, 28))  # close enough for a 60-day window, and never invalid
    if not future and d > p + dt.timedelta(days=60):
        return p.year - 1, None
    if future and d < p - dt.timedelta(days=60):
        return p.year + 1, None
    return p.year, None


def _base(c: _Cand, ctx: _Ctx) -> TimeAnchor:
    """The unresolved anchor of a candidate, of its rule's kind."""
    return TimeAnchor(c.start, c.end, ctx.text[c.start:c.end], _RULES[c.rule][0])


def _resolve_date(c: _Cand, ctx: _Ctx) -> TimeAnchor:
    g = c.m.groupdict()
    month = int(g["mon"]) if g["mon"].isdigit() else _month_number(g["mon"])
    day = int(g["day"])
    stated = g["year"] if c.end == c.m.end() else None
    year, reason = (int(stated), None) if stated else _guess_year(ctx, c, month, day)
    a = replace(_base(c, ctx), year=year, month=month, day=day, reason=reason)
    day2 = int(g["day2"]) if g.get("day2") else None
    if day > _days_in(month, year) or (day2 is not None and day2 > _days_in(month, year)):
        # "June 31", "Feb. 30": kept as written but unresolved, and without a day no calendar has, so that
        # nothing downstream builds a date from it.
        return replace(a, day=None, reason=NO_SUCH_DATE)
    if year is None and month == 2 and 29 in (day, day2):
        # A February 29 with no year: a day only leap years have, so no day is kept to build a date from.
        return replace(a, day=None, reason=f"{reason}; February 29 is a day of leap years only")
    first = _make_date(year, month, day)
    if day2 is not None:
        last = _make_date(year, month, day2)
        return replace(a, kind="period", date=_iso(first), date_end=_iso(last), year_end=year)
    return replace(a, date=_iso(first))


def _resolve_weekday(c: _Cand, ctx: _Ctx) -> TimeAnchor:
    a = _base(c, ctx)
    p = ctx.published
    if p is None:
        return replace(a, reason=NO_PUB_WEEKDAY)
    m, wd = c.m, _WEEKDAYS.index(c.m["wd"].lower())
    wk, mod, post = (" ".join((m[g] or "").lower().split()) for g in ("wk", "mod", "post"))
    monday = p - dt.timedelta(days=p.weekday())
    this_week = monday + dt.timedelta(days=wd)
    back, fwd = (p.weekday() - wd) % 7, (wd - p.weekday()) % 7
    if wk.startswith("earlier"):
        d = this_week if this_week <= p else p - dt.timedelta(days=back)
    elif wk.startswith("later"):
        d = this_week if this_week >= p else p + dt.timedelta(days=fwd)
    elif wk == "last" or post == "last week":
        d = this_week - dt.timedelta(days=7)
    elif wk == "next" or post == "next week":
        d = this_week + dt.timedelta(days=7)
    elif mod in ("last", "this past", "past"):
        d = p - dt.timedelta(days=back or 7)
    elif mod in ("next", "this coming", "coming"):
        d = p + dt.timedelta(days=fwd or 7)
    elif mod == "this" or post == "this week":
        d = this_week
    elif _is_future(ctx.text, c.start, c.end):
        d = p + dt.timedelta(days=fwd)
    else:
        d = p - dt.timedelta(days=back)
    return _with_date(a, d)


def _resolve_month(c: _Cand, ctx: _Ctx) -> TimeAnchor:
    month = _month_number(c.m["mon"])
    a = replace(_base(c, ctx), month=month)
    if c.m["year"]:
        return replace(a, year=int(c.m["year"]))
    prev = _prev_word(ctx.text, c.start)
    future = True if prev == "next" else False if prev == "last" else None
    year, reason = _guess_year(ctx, c, month, 15, future)
    return replace(a, year=year, reason=reason)


def _resolve_years(c: _Cand, ctx: _Ctx) -> TimeAnchor:
    """A year ("2023"), a span of years ("2016-2020") or a decade ("1990s": 1990 to 1999)."""
    g = c.m.groupdict()
    if c.rule == "year":
        return replace(_base(c, ctx), year=int(g["year"]))
    first = int(g.get("y1") or g["dec"])
    last = _full_year(g["y1"], g["y2"]) if g.get("y1") else first + 9
    return replace(_base(c, ctx), year=first, year_end=last)


def _number(word: str) -> float:
    w = word.lower().replace(",", "")
    try:
        return float(w)
    except ValueError:
        return float(sum(_WORD_NUMBERS[part] for part in re.split(r"[-\s]+", w)))


def _resolve_duration(c: _Cand, ctx: _Ctx) -> TimeAnchor:
    days = _number(c.m["num"]) * _UNIT_DAYS[c.m["unit"].lower()]
    return replace(_base(c, ctx), duration_days=days)


def _shift(a: TimeAnchor, ref: dt.date, unit: str, n: float) -> TimeAnchor:
    """``a`` resolved to ``ref`` moved ``n`` units: a date for days and weeks, year (and month) beyond."""
    if unit in ("day", "week"):
        return _with_date(a, ref + dt.timedelta(days=n * _UNIT_DAYS[unit]))
    if unit == "month":
        year, month0 = divmod(ref.year * 12 + ref.month - 1 + round(n), 12)
        return replace(a, year=year, month=month0 + 1, reason=PERIOD)
    return replace(a, year=ref.year + round(n * (10 if unit == "decade" else 1)), reason=PERIOD)


def _resolve_rel(c: _Cand, ctx: _Ctx) -> TimeAnchor:
    a = _base(c, ctx)
    p = ctx.published
    if p is None:
        return replace(a, reason=NO_PUB)
    if c.m["day"]:
        word = c.m["day"].lower()
        offset = -1 if word == "yesterday" or word.startswith("last") else 1 if word == "tomorrow" else 0
        return _with_date(a, p + dt.timedelta(days=offset))
    step = {"last": -1, "this": 0, "next": 1}[c.m["off"].lower()]
    unit = c.m["unit"].lower()
    if unit == "week":
        d = p + dt.timedelta(days=7 * step)
        return replace(a, year=d.year, month=d.month, reason=PERIOD)
    return _shift(a, p, unit, step)


def _resolve_chain(c: _Cand, ctx: _Ctx) -> TimeAnchor:
    a = _base(c, ctx)
    m = c.m
    ref: dt.date | None
    why: str | None
    if m["dir"] and m["dir"].lower() == "ago":
        ref, why = ctx.published, NO_PUB
    else:
        ref, why = ctx.reference(c.start)
    if ref is None:
        return replace(a, reason=why)
    if m["fixed"]:
        fixed = m["fixed"].lower()
        offset = 1 if "next" in fixed or "following" in fixed else -1 if "previous" in fixed else 0
        return _with_date(a, ref + dt.timedelta(days=offset))
    sign = 1 if m["dir"].lower() == "later" else -1
    return _shift(a, ref, m["unit"].lower(), sign * _number(m["num"]))


def _join_periods(text: str, anchors: list[TimeAnchor]) -> list[TimeAnchor]:
    """Join "from June 13 to June 24" / "between June 13 and June 24" / "June 13 - June 24" into periods."""
    out: list[TimeAnchor] = []
    i = 0
    while i < len(anchors):
        a = anchors[i]
        b = anchors[i + 1] if i + 1 < len(anchors) else None
        gap = _JOIN.fullmatch(text, a.end, b.start) if b and a.kind == b.kind == "date" else None
        pre = _FROM.search(text, max(0, a.start - 12), a.start)
        between = pre is not None and pre.group(1).lower() == "between"
        if b is None or gap is None or ("and" in gap.group().lower() and not between):
            out.append(a)
            i += 1
            continue
        start = pre.start() if pre else a.start
        out.append(TimeAnchor(start, b.end, text[start:b.end], "period", date=a.date, date_end=b.date,
                              year=a.year, month=a.month, day=a.day, year_end=b.year,
                              reason=a.reason or b.reason))
        i += 2
    return out


_Check = Callable[[str, re.Match[str]], int | None]
_KW_MONTH = re.compile(_MONTH_FULL[3:-1] + "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_KW_YEAR = re.compile(r"1\d\d\d|20\d\d|2100")
_KW_WEEKDAY = re.compile(_WD)
_KW_UNIT = re.compile("|".join(w for u in _UNIT_DAYS for w in (u, u.capitalize())))
_REL_WORDS = re.findall(r"\w+", "today tonight yesterday tomorrow night morning afternoon evening week month")
_KW_REL = re.compile("|".join(w for u in [*_REL_WORDS, "year"] for w in (u, u.capitalize())))
_FINDERS: tuple[tuple[str, re.Pattern[str], re.Pattern[str], _Check | None], ...] = (
    ("date", _KW_MONTH, _MDY, _check_date), ("date", _KW_MONTH, _DMY, _check_date),
    ("date", _KW_YEAR, _ISO, None),
    ("years", _KW_YEAR, _YEARS, _check_years), ("decade", _KW_YEAR, _DECADE, None),
    ("weekday", _KW_WEEKDAY, _WEEKDAY, None), ("chain", _KW_UNIT, _CHAIN, None), ("rel", _KW_REL, _REL, None),
    ("duration", _KW_UNIT, _DURATION, None), ("month", _KW_MONTH, _MONTH_ALONE, _check_month),
    ("year", _KW_YEAR, _YEAR, _check_year),
)
_RULES: dict[str, tuple[TimeKind, Callable[[_Cand, _Ctx], TimeAnchor]]] = {
    "date": ("date", _resolve_date), "weekday": ("weekday", _resolve_weekday),
    "month": ("month", _resolve_month), "year": ("year", _resolve_years), "years": ("period", _resolve_years),
    "decade": ("period", _resolve_years), "chain": ("relative", _resolve_chain),
    "rel": ("relative", _resolve_rel), "duration": ("duration", _resolve_duration),
}
