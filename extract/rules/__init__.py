"""Deterministic drafting: figures, statements and events built from anchors with plain rules.

Input: an article's text and its :class:`~extract.anchors.Anchors`. Output: a :class:`Draft` whose items
all point at anchors or sentences, so their evidence is exact by construction. This is the whole extractor
for ``--backend rules``; with a model, the drafts carry the open questions (``StatementDraft.candidates``)
that the ask stage settles, and the rules' answer stays as the fallback.

One module per concern: ``drafts`` (the records and the cast), ``attribution`` (statements),
``speakers`` (who is the subject of a speech verb, what "he", "it" and "the company" point back at),
``events``, ``figures``, and ``common`` (what they share).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from extract.anchors import Anchors, Sentence
from extract.rules.attribution import MIN_QUOTE_WORDS, statements
from extract.rules.drafts import Cast, Draft, EventDraft, FigureDraft, Maker, StatementDraft
from extract.rules.events import events, summary_of
from extract.rules.figures import about_phrase, figures

__all__ = [
    "MIN_QUOTE_WORDS", "Cast", "Draft", "EventDraft", "FigureDraft", "Maker", "StatementDraft", "about_phrase",
    "draft", "summary_of",
]


def draft(text: str, anchors: Anchors) -> Draft:
    """Build every figure, statement and event the rules can find."""
    cast = Cast.from_names(anchors.names, text)
    prose = [s for s in anchors.sentences if not s.boilerplate]
    # Names in page furniture ("View Comments", a byline) never speak.
    starts = [s.start for s in prose]
    speaking = replace(anchors, names=tuple(n for n in anchors.names if _in_prose(n.start, prose, starts)))
    return Draft(
        figures=tuple(figures(text, anchors, prose, cast)),
        statements=tuple(statements(text, speaking, prose, cast)),
        events=tuple(events(text, anchors, prose, cast)),
    )


def _in_prose(pos: int, prose: Sequence[Sentence], starts: Sequence[int]) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and prose[i].start <= pos < prose[i].end
