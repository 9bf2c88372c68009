"""The answers a perfect model would give in full extraction, built from gold annotations.

Input: a gold article (:class:`~extract.evaluate.GoldArticle`) and the :class:`~extract.model.full.Listing`
of (a piece of) its text. Output: the :class:`~extract.model.answer.FactsAnswer` that names, by anchor id,
exactly the gold items the anchors can express, and the gold items they cannot (each with the reason).

Served through the real HTTP path (``benchmarks/bench_model_ceiling.py``), these answers measure the
pipeline's ceiling with a capable model: whatever of the gold does not survive validation, merging and
checks is lost by the pipeline, not by the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

from extract.evaluate import GoldArticle, GoldEvent, GoldFigure, GoldStatement, Span
from extract.model.answer import EventAnswer, EventKind, FactsAnswer, FigureAnswer, StatementAnswer
from extract.model.full import Listing

_KINDS = frozenset(get_args(EventKind))
_CLAIM_WORDS = 20


@dataclass
class OracleAnswer:
    """The perfect answer for one listing, and the gold items no anchor can express."""

    answer: FactsAnswer
    unexpressible: list[str] = field(default_factory=list)


def oracle_answer(gold: GoldArticle, listing: Listing, offset: int = 0) -> OracleAnswer:
    """The answer for the piece of ``gold``'s text that starts at ``offset`` and that ``listing`` lists."""
    end = offset + len(listing.text)

    def inside(span: Span) -> bool:
        return offset <= span.start < end

    lost: list[str] = []
    figures = [f for f in (_figure(g, listing, offset, lost) for g in gold.figures if inside(g.evidence)) if f]
    statements = [s for s in (_statement(g, listing, offset, lost) for g in gold.statements if inside(g.evidence))
                  if s]
    events = [e for e in (_event(g, listing, offset, lost) for g in gold.events if inside(g.evidence)) if e]
    return OracleAnswer(FactsAnswer(figures=figures, statements=statements, events=events), lost)


def _local(span: Span, offset: int) -> tuple[int, int]:
    return span.start - offset, span.end - offset


def _figure(gold: GoldFigure, listing: Listing, offset: int, lost: list[str]) -> FigureAnswer | None:
    start, end = _local(gold.evidence, offset)
    for qid, number in listing.quantities.items():
        if number.start < end and start < number.end and _same(number.value, gold.value) \
                and _same(number.value_high, gold.value_high):
            return FigureAnswer(quantity=qid, unit=None if gold.unit == number.unit else gold.unit,
                                about=gold.about or "the figure", counted=None, source=gold.source, period=None)
    lost.append(f"figure {gold.evidence.text!r} = {gold.value:g}: no quantity anchor with that value there")
    return None


def _statement(gold: GoldStatement, listing: Listing, offset: int, lost: list[str]) -> StatementAnswer | None:
    start, end = _local(gold.evidence, offset)
    claim = " ".join(gold.text.split()[:_CLAIM_WORDS])
    speaker = gold.speaker or ""
    if gold.kind == "quote":
        best = max(listing.quotes.items(), default=None,
                   key=lambda item: min(end, item[1].end) - max(start, item[1].start))
        if best is None or min(end, best[1].end) - max(start, best[1].start) <= 0:
            lost.append(f"quote {gold.evidence.text[:60]!r}: no quotation anchor there")
            return None
        uid, quote = best
        return StatementAnswer(quote=uid, sentences=[listing.sentence_at(quote.start) or "S1"], speaker=speaker,
                               kind="quote", claim=claim)
    sentences = [sid for sid, s in listing.sentences.items() if s.start < end and start < s.end]
    if not sentences:
        lost.append(f"{gold.kind} {gold.evidence.text[:60]!r}: no sentence there")
        return None
    return StatementAnswer(quote=None, sentences=sentences, speaker=speaker,
                           kind="denial" if gold.kind == "denial" else "reported", claim=claim)


def _event(gold: GoldEvent, listing: Listing, offset: int, lost: list[str]) -> EventAnswer | None:
    start, end = _local(gold.evidence, offset)
    overlap = {sid: min(end, s.end) - max(start, s.start) for sid, s in listing.sentences.items()}
    sid = max(overlap, key=lambda k: overlap[k], default=None)
    if sid is None or overlap[sid] <= 0:
        lost.append(f"event {gold.evidence.text[:60]!r}: no sentence there")
        return None
    sentence = listing.sentences[sid]
    time = None
    if gold.date:
        candidates = [tid for tid, t in listing.times.items() if t.date == gold.date
                      and (listing.sentences.get(listing.sentence_at(t.start) or "") or sentence).paragraph
                      in (sentence.paragraph, sentence.paragraph - 1)]
        time = min(candidates, key=lambda tid: abs(listing.times[tid].start - sentence.start), default=None)
        if time is None:
            lost.append(f"event {gold.evidence.text[:60]!r}: no time anchor resolving to {gold.date} near it")
    return EventAnswer(sentence=sid, kind=gold.kind if gold.kind in _KINDS else "other",  # type: ignore[arg-type]
                       summary=gold.summary, actors=list(gold.actors), time=time, location=gold.location)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
