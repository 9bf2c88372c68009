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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from extract.anchors import Anchors, TimeAnchor
from extract.anchors.numbers import parse_quantity
from extract.anchors.times import inclusive_days, weekday_matches
from extract.validate import same_value
from schemas import Check, Event, FeedRecord, Figure, Statement

_START_WORDS = re.compile(r"\b(began|begun|started|broke out|erupted|launched|opened|kicked off)\b", re.I)
_END_WORDS = re.compile(r"\b(ceasefire|cease-fire|truce|ended|end(?:ing)? to|took effect|came into effect|"
                        r"concluded|halted|closed)\b", re.I)
_SAME_THING = (
    frozenset({"war", "conflict", "hostilities", "fighting", "campaign", "offensive", "confrontation"}),
    frozenset({"strike", "walkout", "stoppage"}),
    frozenset({"summit", "talks", "meeting", "conference"}),
)
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_DURATION_UNITS = {"day": 1}
_ANY_YEAR = 2001  # a non-leap year for month/day pairs whose year the text does not give


def check_article(text: str, anchors: Anchors, record: FeedRecord) -> list[Check]:
    """Every in-article check for one record."""
    checks = list(_evidence_exact(text, record))
    checks.extend(_grounded(text, record.figures))
    checks.extend(_duration_vs_range(text, anchors, record.figures))
    checks.extend(_weekday_vs_date(anchors.times))
    return checks


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
        parsed = parse_quantity(written)
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


def _duration_vs_range(text: str, anchors: Anchors, figures: Sequence[Figure]) -> Iterable[Check]:
    starts = _dated_near(text, anchors, _START_WORDS)
    ends = _dated_near(text, anchors, _END_WORDS)
    for figure in figures:
        if figure.unit not in _DURATION_UNITS or figure.value_high is not None:
            continue
        thing = (figure.about or "").split()[:1]
        start = next((d for d, words in starts if _same_thing(thing, words)), None)
        end = next((d for d, words in ends if d >= start), None) if start else None
        if start is None or end is None:
            continue
        days = inclusive_days(start, end)
        span = f"{start:%B} {start.day} to {end:%B} {end.day}"
        if round(figure.value) == days:
            yield Check(rule="duration_vs_range", status="pass", target=figure.id,
                        detail=f"{_fmt(figure.value)} days agrees with {span} counted inclusively")
        elif round(figure.value) == days - 1:
            yield Check(rule="duration_vs_range", status="warn", target=figure.id,
                        detail=f"{_fmt(figure.value)} days matches {span} only counted exclusively ({days} inclusive)")
        else:
            yield Check(rule="duration_vs_range", status="fail", target=figure.id,
                        detail=f"{_fmt(figure.value)} days disagrees with {span}, which is {days} days inclusive")


def _dated_near(text: str, anchors: Anchors, cue: re.Pattern[str]) -> list[tuple[dt.date, set[str]]]:
    """Dates (month and day known) in sentences that contain ``cue``, with the sentence's words."""
    found: list[tuple[dt.date, set[str]]] = []
    for sentence in anchors.sentences:
        if sentence.boilerplate or not cue.search(sentence.text):
            continue
        words = set(re.findall(r"[a-z]+", sentence.text.lower()))
        for time in anchors.times:
            if sentence.start <= time.start < sentence.end and time.kind in ("date", "weekday", "relative"):
                day = _as_date(time)
                if day is not None:
                    found.append((day, words))
    return found


def _as_date(time: TimeAnchor) -> dt.date | None:
    if time.date:
        return dt.date.fromisoformat(time.date)
    if time.month and time.day:
        return dt.date(time.year or _ANY_YEAR, time.month, time.day)
    return None


def _same_thing(thing: list[str], words: set[str]) -> bool:
    if not thing:
        return False
    noun = thing[0].lower()
    return noun in words or any(noun in group and group & words for group in _SAME_THING)


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
