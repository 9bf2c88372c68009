"""Checks inside one article: does each number and date hold up against the rest of the text?

Input: the article text, its anchors and the feed record. Output: :class:`~schemas.Check` entries with a
status (pass / warn / fail), the item ids they looked at, and a one-line human reason.

Rules:
- ``evidence_exact``: every item's evidence is exactly ``text[start:end]``.
- ``grounded``: a figure's value is what its own characters say, after normalisation; numbers are never
  matched fuzzily ("$1,300 million" is not grounded by "$1,200 million").
- ``duration_vs_range``: a stated duration ("12-day war") agrees with the start and end dates the article
  gives for the same thing, counting days inclusively (June 13 to June 24 is 12 days).
- ``weekday_vs_date``: a weekday written with a date ("Tuesday, June 24, 2025") is that date's weekday.
- ``part_vs_total``: where a sentence gives parts and their stated total ("12 killed in Jumla and 8 in
  Kalikot, 21 in total"), the parts add up to the total.
- ``headline_vs_body``: a quantity in the headline (title, or the article's first line when it reads as one)
  is stated with the same value in the body for the same measure ("967 dead" vs "974 dead" fails).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.anchors import Anchors, TimeAnchor
from extract.anchors.numbers import parse_quantity_at
from extract.anchors.times import find_times, inclusive_days, weekday_matches
from extract.validate import same_value
from schemas import Check, Event, FeedRecord, Figure, Statement

_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_DURATION_UNITS = {"day": 1}
_ANY_YEAR = 2001  # a non-leap year for month/day pairs whose year the text does not give


def check_article(text: str, anchors: Anchors, record: FeedRecord, *, title: str | None = None) -> list[Check]:
    """Every in-article check for one record; ``title`` is the headline when it is not part of the text."""
    checks = list(_evidence_exact(text, record))
    checks.extend(_grounded(text, record.figures))
    checks.extend(_duration_vs_range(text, anchors, record.figures))
    checks.extend(_weekday_vs_date(anchors.times))
    nouns = {n.start: n.noun for n in anchors.numbers}
    checks.extend(_part_vs_total(text, record.figures, nouns))
    checks.extend(_headline_vs_body(text, anchors, record.figures, nouns, title))
    return checks


_TOTAL_CUE = re.compile(r"\b(?:in total|a total of|total(?:led|ing)? (?:of )?|in all|altogether|overall|combined|"
                        r"bringing the (?:total|toll|tally|number)(?: \w+)? to)\W*$|^\W*(?:in total|in all|"
                        r"altogether|overall|combined)\b", re.I)
_MEASURES = (
    frozenset({"dead", "killed", "deaths", "death", "toll", "fatalities", "lives", "bodies", "people"}),
    frozenset({"injured", "wounded", "injuries", "hurt"}),
    frozenset({"votes", "vote", "ballots"}),
    frozenset({"seats", "seat"}),
)


def _measure(noun: str | None, words: str) -> frozenset[str]:
    """The measure a number counts: its noun, widened by synonym groups, plus cue words near it."""
    found = {noun.lower()} if noun else set()
    found |= set(re.findall(r"[a-z]+", words.lower()))
    for group in _MEASURES:
        if found & group:
            return group
    return frozenset({noun.lower()}) if noun else frozenset()


def _part_vs_total(text: str, figures: Sequence[Figure], nouns: dict[int, str | None]) -> Iterable[Check]:
    by_sentence: dict[int, list[Figure]] = {}
    for figure in figures:
        by_sentence.setdefault(figure.evidence.start, []).append(figure)
    for group in by_sentence.values():
        totals = [f for f in group if _is_total(text, f)]
        for total in totals:
            total_noun = nouns.get(total.quantity.start)
            parts = [f for f in group if f is not total and f.unit == total.unit and f.value_high is None
                     and (total_noun is None or nouns.get(f.quantity.start) in (None, total_noun))]
            if len(parts) < 2:
                continue
            added = sum(p.value for p in parts)
            ids = ",".join(f.id for f in (*parts, total))
            listed = " + ".join(_fmt(p.value) for p in parts)
            if same_value(added, total.value):
                yield Check(rule="part_vs_total", status="pass", target=ids,
                            detail=f"{listed} = {_fmt(total.value)}, the stated total")
            else:
                hedged = any(f.qualifier for f in (*parts, total))
                yield Check(rule="part_vs_total", status="warn" if hedged else "fail", target=ids,
                            detail=f"{listed} = {_fmt(added)}, but the stated total is {_fmt(total.value)}")


def _is_total(text: str, figure: Figure) -> bool:
    before = text[max(figure.evidence.start, figure.quantity.start - 40) : figure.quantity.start]
    after = text[figure.quantity.end : min(figure.evidence.end, figure.quantity.end + 20)]
    return bool(_TOTAL_CUE.search(before) or _TOTAL_CUE.search(after))


def _headline_vs_body(
    text: str, anchors: Anchors, figures: Sequence[Figure], nouns: dict[int, str | None], title: str | None
) -> Iterable[Check]:
    headline = title or _first_line_headline(text, anchors)
    if not headline:
        return
    from extract.anchors.numbers import find_numbers  # the headline may be metadata, not part of the text

    body = [f for f in figures if f.evidence.start >= (0 if title else len(headline))]
    for number in find_numbers(headline):
        if number.kind != "quantity":
            continue
        measure = _measure(number.noun, headline[max(0, number.start - 25) : number.end + 25])
        same = [f for f in body if f.unit == number.unit and measure and measure & _measure(
            nouns.get(f.quantity.start), text[max(f.evidence.start, f.quantity.start - 25) : f.quantity.end + 25])]
        if not same:
            continue
        if any(same_value(f.value, number.value) for f in same):
            yield Check(rule="headline_vs_body", status="pass", target=",".join(f.id for f in same),
                        detail=f"headline {number.text!r} is stated in the body")
        else:
            values = ", ".join(sorted({_fmt(f.value) for f in same}))
            yield Check(rule="headline_vs_body", status="fail", target=",".join(f.id for f in same),
                        detail=f"headline says {number.text!r}, the body says {values}")


def _first_line_headline(text: str, anchors: Anchors) -> str | None:
    for sentence in anchors.sentences:
        if not sentence.boilerplate:
            first = sentence.text
            return first if not first.rstrip("”’\"' ").endswith((".", "!", "?")) and sentence.start < 400 else None
    return None


def _evidence_exact(text: str, record: FeedRecord) -> Iterable[Check]:
    items: list[Figure | Statement | Event] = [*record.figures, *record.statements, *record.events]
    bad = [i.id for i in items if text[i.evidence.start : i.evidence.end] != i.evidence.text]
    if bad:
        yield Check(rule="evidence_exact", status="fail", target=",".join(bad),
                    detail=f"{len(bad)} evidence span(s) do not match the article text")
    elif items:
        yield Check(rule="evidence_exact", status="pass", target="all",
                    detail=f"all {len(items)} evidence spans equal the text they point at")


def _grounded(text: str, figures: Sequence[Figure]) -> Iterable[Check]:
    for figure in figures:
        written = text[figure.quantity.start : figure.quantity.end]
        parsed = parse_quantity_at(text, figure.quantity.start, figure.quantity.end)
        if parsed is None:
            yield Check(rule="grounded", status="fail", target=figure.id,
                        detail=f"{written!r} does not read as a quantity")
        elif (same_value(parsed[0], figure.value) and same_value(parsed[1], figure.value_high)
              and parsed[2] == figure.unit):
            yield Check(rule="grounded", status="pass", target=figure.id,
                        detail=f"{written!r} reads as {_fmt(figure.value)} {figure.unit}")
        else:
            yield Check(rule="grounded", status="fail", target=figure.id,
                        detail=f"{written!r} reads as {_fmt(parsed[0])} {parsed[2]}, "
                        f"not {_fmt(figure.value)} {figure.unit}")


# Words that open or close a span, and the things a span can be of. A ceasefire or truce closes a war.
_START_CUE = re.compile(r"\b(?:began|begun|begins|beginning|started|starts|broke out|erupted|launched|opened|"
                        r"kicked off|got under way)\b", re.I)
_END_CUE = re.compile(r"\b(?:ended|ends|ending|end(?:ing)? to|ceasefire|cease-fire|truce|took effect|"
                      r"came into effect|concluded|halted|closed|close of|finished|until|till|through)\b", re.I)
_FAMILIES = {w: name for name, words in {
    "conflict": "war wars conflict hostilities fighting campaign offensive confrontation clashes bombardment",
    "strike": "strike strikes walkout stoppage",
    "summit": "summit talks meeting conference negotiations",
    "ceasefire": "ceasefire cease-fire truce",
}.items() for w in words.split()}
# What a duration may be the length of; "28 days to lodge an appeal" is a deadline, not a span to check.
_THING_NOUNS = frozenset(_FAMILIES) | frozenset(
    "trial lockdown festival tour visit siege protest protests outage closure blockade shutdown election "
    "programme program season tournament inquiry investigation occupation operation mission crisis standoff "
    "curfew ban suspension moratorium championship games olympics trip voyage expedition exhibition fair "
    "hearing session recess quarantine detention emergency heatwave drought blackout evacuation "
    "search rescue".split())
_CLAUSE = re.compile(r";|,?\s+(?:and|while|whereas|but)\s+|,\s+(?:when|as|after|before)\s+")


def _family(word: str) -> str:
    w = word.lower()
    return _FAMILIES.get(w, w[:-1] if w.endswith("s") and len(w) > 3 else w)


def _belongs(thing: str | None, family: str, *, closing: bool) -> bool:
    """Whether a date of ``thing`` bounds a span of ``family`` (a ceasefire closes a war, never opens it)."""
    return thing == family or (closing and thing == "ceasefire" and family == "conflict")


@dataclass(frozen=True, slots=True)
class _Bound:
    """A date the article gives as the start or the end of something, and where it was read."""

    date: dt.date | None
    role: str  # "start" or "end"
    thing: str | None  # the family of what it bounds: conflict, strike, summit, ceasefire, or the noun itself
    sentence: int
    text: str


def _bounds(anchors: Anchors, extra: frozenset[str]) -> list[_Bound]:
    """Every date the article gives as a start or an end of something, with the thing it is of.

    A date's role is the last cue between the previous date (or the sentence start) and it, else the first
    cue after it; its thing is the last thing noun before it in its clause (clauses end at ";", "and",
    "but", ", when"...), else before it in the sentence, else the first after it in its clause. A period
    ("from June 13 to June 24", "between March 4 and March 13") gives both ends at once.
    """
    found: list[_Bound] = []
    words = _THING_NOUNS | extra
    ordered = sorted(anchors.times, key=lambda t: t.start)
    starts = [t.start for t in ordered]
    for n, sentence in enumerate(anchors.sentences):
        if sentence.boilerplate:
            continue
        text = sentence.text
        # The sentence's times by bisection: a scan of every time for every sentence grows with the square.
        inside = ordered[bisect.bisect_left(starts, sentence.start):bisect.bisect_left(starts, sentence.end)]
        times = [t for t in inside if t.kind in ("date", "weekday", "relative", "period")]
        if not times:
            continue
        things = [(m.start(), _family(m.group())) for m in re.finditer(r"[A-Za-z-]+", text)
                  if m.group().lower() in words]
        main = things[0][1] if things else None
        cuts = [0, *(m.end() for m in _CLAUSE.finditer(text)), len(text) + 1]
        for i, time in enumerate(times):
            at = time.start - sentence.start
            lo, hi = max(c for c in cuts if c <= at), min(c for c in cuts if c > at)
            before_it = [w for p, w in things if p < at]  # the subject: in its clause, else earlier on
            after_it = [w for p, w in things if at <= p < hi]
            in_clause = [w for p, w in things if lo <= p < at]
            earlier = in_clause or before_it
            thing = earlier[-1] if earlier else after_it[0] if after_it else main
            if time.kind == "period":
                start, end = _period_days(time)
                found += [_Bound(start, "start", thing, n, time.text), _Bound(end, "end", thing, n, time.text)]
                continue
            before = text[(times[i - 1].end - sentence.start) if i else 0:at]
            upto = times[i + 1].start - sentence.start if i + 1 < len(times) else len(text)
            after = text[time.end - sentence.start:upto]
            cues = [(m.end(), "start") for m in _START_CUE.finditer(before)] + [
                (m.end(), "end") for m in _END_CUE.finditer(before)]
            if not cues:
                cues = [(-m.start(), "start") for m in _START_CUE.finditer(after)] + [
                    (-m.start(), "end") for m in _END_CUE.finditer(after)]
            if cues:
                found.append(_Bound(_as_date(time), max(cues)[1], thing, n, time.text))
    return found


def _period_days(time: TimeAnchor) -> tuple[dt.date | None, dt.date | None]:
    """Both ends of "from June 13 to June 24" / "between March 4 and March 13", dated or not."""
    if time.date and time.date_end:
        return dt.date.fromisoformat(time.date), dt.date.fromisoformat(time.date_end)
    start = _as_date(time)
    tail = re.split(r"\b(?:to|until|till|through|and)\b|[-–]", time.text)[-1]
    ends = [t for t in find_times(tail, None) if t.day]
    if start is None or not ends or (ends[0].day or 0) > 31:
        return start, None
    try:
        return start, dt.date(start.year, ends[0].month or start.month, ends[0].day or 1)
    except ValueError:
        return start, None


def _duration_vs_range(text: str, anchors: Anchors, figures: Sequence[Figure]) -> Iterable[Check]:
    """A stated duration against the start and end dates the article gives for the same thing.

    Both ends must be found as a pair for that thing; with one end only (or an end that cannot be dated)
    the check is ``undetermined``, never a fail. An article that dates neither end gets no check.
    """
    durations = [f for f in figures if f.unit in _DURATION_UNITS and f.value_high is None]
    if not durations:
        return
    nouns = {f.id: _duration_thing(text, f) for f in durations}
    bounds = _bounds(anchors, frozenset(w for w in nouns.values() if w))
    for figure in durations:
        noun = nouns[figure.id]
        if noun is None:
            continue
        family = _family(noun)
        own = next((n for n, s in enumerate(anchors.sentences) if s.start <= figure.quantity.start < s.end), -1)
        mine = sorted((b for b in bounds if _belongs(b.thing, family, closing=b.role == "end")
                       or (b.thing is None and b.sentence == own)),
                      key=lambda b: (b.sentence != own, b.sentence))  # its own sentence first, then in order
        starts = [b for b in mine if b.role == "start"]
        ends = [b for b in mine if b.role == "end"]
        start = next((b for b in starts if b.date), None)
        end = next((b for b in ends if b.date and start and start.date and b.date >= start.date), None)
        value = _fmt(figure.value)
        if start is None or end is None or start.date is None or end.date is None:
            if starts or ends:
                yield Check(rule="duration_vs_range", status="undetermined", target=figure.id,
                            detail=f"{value} days: {_missing(noun, starts, ends, start)}")
            continue
        days = inclusive_days(start.date, end.date)
        span = f"{start.date:%B} {start.date.day} to {end.date:%B} {end.date.day}"
        if round(figure.value) == days:
            yield Check(rule="duration_vs_range", status="pass", target=figure.id,
                        detail=f"{value} days agrees with {span} counted inclusively")
        elif round(figure.value) == days - 1:
            yield Check(rule="duration_vs_range", status="warn", target=figure.id,
                        detail=f"{value} days matches {span} only counted exclusively ({days} inclusive)")
        else:
            yield Check(rule="duration_vs_range", status="fail", target=figure.id,
                        detail=f"{value} days disagrees with {span}, which is {days} days inclusive")


def _missing(noun: str, starts: list[_Bound], ends: list[_Bound], start: _Bound | None) -> str:
    """Why a duration cannot be checked: which end of the span the article does not date."""
    if start is None and starts:
        return f"the start of the {noun} ({starts[0].text!r}) cannot be dated"
    if start is None:
        return f"the article gives when the {noun} ended ({ends[0].text!r}) but not when it began"
    if not ends:
        return f"the article gives when the {noun} began ({start.text!r}) but not when it ended"
    if all(b.date is None for b in ends):
        return f"the end of the {noun} ({ends[0].text!r}) cannot be dated"
    return f"no end date of the {noun} falls after its start ({start.text!r})"


def _duration_thing(text: str, figure: Figure) -> str | None:
    """What a duration is of, when it is a thing that starts and ends: the word after the number ("12-day war"),
    the first word of ``about``, else the last one before the number in its sentence."""
    after = re.match(r"\s*(?:of\s+)?(?:the\s+)?([A-Za-z-]+)", text[figure.quantity.end:figure.quantity.end + 40])
    if after and after.group(1).lower() in _THING_NOUNS:
        return after.group(1).lower()
    about = [w.lower().strip(",.") for w in (figure.about or "").split()[:3]]
    if about and about[0] in _THING_NOUNS:
        return about[0]
    # "The strike lasted 10 days": the thing named before the number in its sentence.
    before = text[figure.evidence.start:figure.quantity.start]
    named = [m.group().lower() for m in re.finditer(r"[A-Za-z-]+", before) if m.group().lower() in _THING_NOUNS]
    return named[-1] if named else None


def _as_date(time: TimeAnchor) -> dt.date | None:
    """The anchor's day; None when it has none, or none that exists (Feb. 29 in a year not known)."""
    try:
        if time.date:
            return dt.date.fromisoformat(time.date)
        if time.month and time.day:
            return dt.date(time.year or _ANY_YEAR, time.month, time.day)
    except ValueError:
        return None
    return None


def _weekday_vs_date(times: Sequence[TimeAnchor]) -> Iterable[Check]:
    for time in times:
        weekday = _WEEKDAY.search(time.text)
        if time.kind != "date" or not time.date or not weekday:
            continue
        if weekday_matches(weekday.group(1), time.date):
            yield Check(rule="weekday_vs_date", status="pass", target=time.id,
                        detail=f"{time.date} is a {weekday.group(1)}")
        else:
            actual = dt.date.fromisoformat(time.date).strftime("%A")
            yield Check(rule="weekday_vs_date", status="fail", target=time.id,
                        detail=f"{time.text!r}: {time.date} is a {actual}, not a {weekday.group(1)}")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
