"""Anchor types: things deterministic code finds in an article, each with half-open [start, end) offsets.

Every anchor satisfies ``text[anchor.start:anchor.end] == anchor.text`` for the exact article text it was
found in. The model never invents an anchor; it only decides around them, naming them by ``id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

NumberKind = Literal["quantity", "year", "date_part", "ordinal", "identifier", "time_of_day"]
"""What a number in the text is: only ``quantity`` can become a Figure; the rest are dates or labels."""

Qualifier = Literal[
    "approximately", "about", "around", "nearly", "almost", "more than", "over", "at least",
    "less than", "under", "up to", "at most", "exactly",
]

TimeKind = Literal["date", "weekday", "relative", "month", "year", "period", "duration"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character interval of the article text."""

    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class NumberAnchor:
    """A number or quantity as stated: "approximately 69 percent", "$3.65 billion", "12-day", "four of the nine".

    ``start``/``end`` cover the whole expression, qualifier and currency sign and unit word included.
    ``value`` is scaled as stated ("$3.65 billion" -> 3650000000.0); for a range it is the low bound and
    ``value_high`` the high bound ("between 300 and 400"). ``unit`` is one of: percent, percentage_point,
    count, day, week, month, year, hour, minute, USD, EUR, GBP, magnitude, or "other:<word>" (km, tonne...).
    ``noun`` is the counted or measured noun right after the number when there is one ("drones").
    """

    start: int
    end: int
    text: str
    value: float
    unit: str
    kind: NumberKind = "quantity"
    value_high: float | None = None
    qualifier: Qualifier | None = None
    noun: str | None = None
    id: str = ""


@dataclass(frozen=True, slots=True)
class TimeAnchor:
    """A time expression, resolved to the calendar as far as the text and the publication date allow.

    ``date`` is ISO YYYY-MM-DD only when year, month and day are all known; otherwise the known parts
    are kept in ``year``/``month``/``day`` and ``reason`` says why the date stays unresolved. Periods
    ("between 2016 and 2020", "2016-2020") set ``date``/``date_end`` or ``year``/``year_end``.
    Durations ("12-day", "eight years") have ``kind="duration"`` and ``duration_days`` when convertible.
    """

    start: int
    end: int
    text: str
    kind: TimeKind
    date: str | None = None
    date_end: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_end: int | None = None
    duration_days: float | None = None
    reason: str | None = None
    id: str = ""


@dataclass(frozen=True, slots=True)
class QuoteAnchor:
    """A quotation: ``start``/``end`` include the quote marks, ``inner`` is the quoted words only.

    A quote that runs over several paragraphs (each paragraph reopening the quote, only the last one
    closing it) is one anchor. ``inner_start``/``inner_end`` are the offsets of the quoted words.
    """

    start: int
    end: int
    text: str
    inner_start: int
    inner_end: int
    inner: str
    id: str = ""


NameKind = Literal["person", "organisation", "place", "unknown"]


@dataclass(frozen=True, slots=True)
class NameAnchor:
    """A candidate proper name: "President Masoud Pezeshkian", "SIPRI", "Stockholm International Peace ...".

    ``name`` drops leading titles ("President", "Foreign Minister") that ``text`` keeps; ``title`` holds them.
    """

    start: int
    end: int
    text: str
    name: str
    kind: NameKind = "unknown"
    title: str | None = None
    id: str = ""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article body, with its paragraph index; ``boilerplate`` marks page furniture."""

    start: int
    end: int
    text: str
    paragraph: int
    boilerplate: bool = False


@dataclass(frozen=True, slots=True)
class Anchors:
    """Everything found in one article, in text order, ids assigned ("n1", "t1", "q1", "p1", "s1")."""

    sentences: tuple[Sentence, ...] = ()
    numbers: tuple[NumberAnchor, ...] = ()
    times: tuple[TimeAnchor, ...] = ()
    quotes: tuple[QuoteAnchor, ...] = ()
    names: tuple[NameAnchor, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
