"""Verdicts of the cross-article groups: do the values two articles give for one measure or one happening agree?

Input: the members of one group as (article id, figure) or (article id, year, month, day). Output: a
verdict and its one-line detail. Articles are compared pairwise, and an article agrees with another when
any of its values does (an article may state a toll twice as it rises): the group is a conflict when some
pair of articles has no value in common and none within tolerance.

Figures: equal values (and upper bounds) agree; two different values are within tolerance when a range
holds the other value, or their relative difference is at most ``TOLERANCE`` with one side qualified
("approximately", "about", "more than"...) or round (a multiple of 10^k, k >= 1); a bound that the other
value breaks ("more than 1,000" vs 990) is never within tolerance. Events: two articles whose known days
have none in common conflict; known days in 2+ articles agree; else undetermined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from schemas.feed import Figure

TOLERANCE = 0.05
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

FigureVerdict = Literal["agree", "agree_within_tolerance", "conflict"]
EventVerdict = Literal["agree", "conflict", "undetermined"]
_LOWER_BOUND = frozenset(("more than", "over", "at least"))
_UPPER_BOUND = frozenset(("less than", "under", "up to", "at most"))
Day = tuple[int | None, int | None, int | None]


def _is_round(v: float) -> bool:
    return v != 0 and float(v).is_integer() and int(v) % 10 == 0


def within(a: Figure, b: Figure) -> bool:
    """Whether two different values of one group may state the same quantity."""
    for x, y in ((a, b), (b, a)):
        hi_y = y.value_high if y.value_high is not None else y.value
        if x.qualifier in _LOWER_BOUND and hi_y < x.value:
            return False
        if x.qualifier in _UPPER_BOUND and y.value > (x.value_high if x.value_high is not None else x.value):
            return False
    for x, y in ((a, b), (b, a)):
        if x.value_high is not None and y.value_high is None and x.value <= y.value <= x.value_high:
            return True
    lo_a, hi_a = a.value, a.value_high if a.value_high is not None else a.value
    lo_b, hi_b = b.value, b.value_high if b.value_high is not None else b.value
    gap = max(lo_a - hi_b, lo_b - hi_a, 0.0)
    scale = max(abs(lo_a), abs(hi_a), abs(lo_b), abs(hi_b))
    if scale == 0 or gap / scale > TOLERANCE:
        return False
    return bool(a.qualifier or b.qualifier) or any(_is_round(v) for v in (lo_a, hi_a, lo_b, hi_b))


def _num(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def _value_label(f: Figure) -> str:
    text = _num(f.value) + (f"-{_num(f.value_high)}" if f.value_high is not None else "")
    return f"{f.qualifier} {text}" if f.qualifier else text


def _labels(members: Sequence[tuple[str, str]], short: dict[str, str]) -> dict[str, list[str]]:
    """Each value's label and the (short) articles that state it, in order."""
    by_label: dict[str, list[str]] = {}
    for article, label in members:
        arts = by_label.setdefault(label, [])
        if short[article] not in arts:
            arts.append(short[article])
    return by_label


def figure_verdict(members: Sequence[tuple[str, Figure]], unit_word: str, short: dict[str, str]
                   ) -> tuple[FigureVerdict, str]:
    """The verdict of a figure group and its detail ("10 (a1) vs 12 (a2) day: conflict")."""
    by_article: dict[str, list[Figure]] = {}
    for article, f in members:
        by_article.setdefault(article, []).append(f)
    ids = list(by_article)
    by_label = _labels([(a, _value_label(f)) for a, f in members], short)
    arts = ", ".join(short[a] for a in ids)
    worst: FigureVerdict = "agree"
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            pairs = [(x, y) for x in by_article[a] for y in by_article[b]]
            if any((x.value, x.value_high) == (y.value, y.value_high) for x, y in pairs):
                continue
            if any(within(x, y) for x, y in pairs):
                worst = "agree_within_tolerance" if worst == "agree" else worst
            else:
                worst = "conflict"
    if worst == "conflict":
        parts = " vs ".join(f"{label} ({', '.join(a)})" for label, a in by_label.items())
        return worst, f"{parts} {unit_word}: conflict"
    if worst == "agree_within_tolerance":
        return worst, f"{' vs '.join(by_label)} {unit_word} in {arts}: agree within {TOLERANCE:.0%}"
    if len({(f.value, f.value_high) for _, f in members}) == 1:
        f = members[0][1]
        value = _num(f.value) + (f"-{_num(f.value_high)}" if f.value_high is not None else "")
        return worst, f"{value} {unit_word} in {arts}: agree"
    return worst, f"{' / '.join(by_label)} {unit_word} in {arts}: agree (each article states a value of the others)"


def _day_label(day: Day) -> str:
    year, month, d = day
    if year is not None and month is not None and d is not None:
        return f"{year:04d}-{month:02d}-{d:02d}"
    return f"{MONTHS[(month or 1) - 1]} {d}"


def event_verdict(kind: str, members: Sequence[tuple[str, Day]], short: dict[str, str]) -> tuple[EventVerdict, str]:
    """The verdict of an event group from each member's (year, month, day); unknown parts are None."""
    ids = list(dict.fromkeys(a for a, _ in members))
    known = [(a, day) for a, day in members if day[1] is not None and day[2] is not None]
    days: dict[str, set[tuple[int | None, int | None]]] = {}
    for article, (_, month, d) in known:
        days.setdefault(article, set()).add((month, d))
    by_label = _labels([(a, _day_label(day)) for a, day in known], short)
    dated = [a for a in ids if a in days]
    undated = [short[a] for a in ids if a not in days]
    if any(not (days[a] & days[b]) for i, a in enumerate(dated) for b in dated[i + 1:]):
        parts = " vs ".join(f"{label} ({', '.join(a)})" for label, a in by_label.items())
        return "conflict", f"{kind}: {parts}: conflict"
    if len(dated) >= 2:
        detail = f"{kind}: {' / '.join(by_label)} in {', '.join(short[a] for a in dated)}: agree"
        return "agree", detail + (f" (no day in {', '.join(undated)})" if undated else "")
    label, arts = next(iter(by_label.items()))
    return "undetermined", f"{kind}: {label} only in {', '.join(arts)}, no day in {', '.join(undated)}: undetermined"
