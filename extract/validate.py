"""Stage 4, validate: turn drafts (and the model's decisions) into feed items that hold up against the text.

Input: the article, its anchors, the rules' :class:`~extract.rules.Draft` and the settled speakers.
Output: figures, statements and events whose every evidence span is exact, plus ``rejected`` entries for
whatever did not hold up, each with the reason. Nothing reaches the feed on the model's word alone: a
figure's value must be what its own characters say, a quote must stand in the text, and a speaker the
model picks must be named in the article.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from extract.anchors.names import surname
from extract.anchors.numbers import parse_quantity_at
from extract.rules import Draft, EventDraft, FigureDraft, StatementDraft
from schemas import Event, Evidence, Figure, Rejected, Statement


@dataclass
class Validated:
    figures: list[Figure] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def evidence(text: str, start: int, end: int) -> Evidence:
    """The exact span ``text[start:end]``; raises ValueError for an empty or out-of-range span."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span [{start}, {end}) is outside the article (length {len(text)})")
    return Evidence(text=text[start:end], start=start, end=end)


def validate(text: str, draft: Draft, speakers: Mapping[int, str | None] | None = None) -> Validated:
    """Build the feed items of one article.

    Args:
        text: the exact article text every offset indexes into.
        draft: what the rules found.
        speakers: settled speakers by index into ``draft.statements``; missing means keep the rules' one.
    """
    out = Validated()
    speakers = speakers or {}
    for item in draft.figures:
        _add_figure(text, item, out)
    for index, statement in enumerate(draft.statements):
        _add_statement(text, statement, speakers.get(index, statement.speaker), out)
    for event in draft.events:
        _add_event(text, event, out)
    return out


def _add_figure(text: str, item: FigureDraft, out: Validated) -> None:
    number = item.number
    stated = parse_quantity_at(text, number.start, number.end)
    if stated is None or not same_value(stated[0], number.value) or not same_value(stated[1], number.value_high):
        out.rejected.append(_rejection("figure", number.text, number.start, "value is not what the text states"))
        return
    try:
        figure = Figure(
            id=f"f{len(out.figures) + 1}",
            value=number.value,
            value_high=number.value_high,
            unit=number.unit,
            qualifier=number.qualifier,
            about=item.about,
            source=item.source,
            period=item.period,
            counted=item.counted,
            by=item.by,  # type: ignore[arg-type]
            quantity=evidence(text, number.start, number.end),
            evidence=evidence(text, item.sentence.start, item.sentence.end),
        )
    except (ValidationError, ValueError) as err:
        out.rejected.append(_rejection("figure", number.text, number.start, _first_error(err)))
        return
    out.figures.append(figure)


def _add_statement(text: str, item: StatementDraft, speaker: str | None, out: Validated) -> None:
    if speaker is not None and surname(speaker).lower() not in text.lower():
        out.rejected.append(
            _rejection("statement", item.text, item.start, f"speaker {speaker!r} is not named in the article")
        )
        speaker = item.speaker
    if item.quote is not None and text[item.quote.inner_start : item.quote.inner_end] != item.text:
        out.rejected.append(_rejection("statement", item.text, item.start, "quote is not in the text"))
        return
    try:
        statement = Statement(
            id=f"s{len(out.statements) + 1}",
            speaker=speaker,
            kind=item.kind,  # type: ignore[arg-type]
            text=item.text,
            claim=item.claim,
            date=item.date,
            by=item.by,  # type: ignore[arg-type]
            evidence=evidence(text, item.start, item.end),
        )
    except (ValidationError, ValueError) as err:
        out.rejected.append(_rejection("statement", item.text, item.start, _first_error(err)))
        return
    out.statements.append(statement)


def _add_event(text: str, item: EventDraft, out: Validated) -> None:
    try:
        event = Event(
            id=f"e{len(out.events) + 1}",
            kind=item.kind,
            summary=item.summary,
            actors=list(item.actors),
            date=item.date,
            date_text=item.date_text,
            location=item.location,
            by=item.by,  # type: ignore[arg-type]
            evidence=evidence(text, item.sentence.start, item.sentence.end),
        )
    except (ValidationError, ValueError) as err:
        out.rejected.append(_rejection("event", item.summary, item.sentence.start, _first_error(err)))
        return
    out.events.append(event)


def same_value(a: float | None, b: float | None) -> bool:
    """Numbers match exactly (up to float noise) or not at all; a missing bound matches only a missing one."""
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _rejection(kind: str, item_text: str, start: int, reason: str) -> Rejected:
    return Rejected(item={"kind": kind, "text": item_text, "start": start}, reason=reason)


def _first_error(err: Exception) -> str:
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(err)
