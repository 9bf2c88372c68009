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

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from extract.anchors import Anchors, TimeAnchor
from extract.anchors.numbers import parse_quantity_at
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
