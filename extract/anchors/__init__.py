"""Stage 2, find anchors: everything deterministic code can find in the text, with character offsets.

Input: an article's text and publication date. Output: :class:`Anchors` (sentences, numbers, time
expressions, quotations, names), each anchor with an id ("n3", "t1", "q2", "p5") that later stages and
the model refer to, so every number and quote in the output is grounded by construction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

from extract.anchors.base import (
    Anchors,
    NameAnchor,
    NumberAnchor,
    QuoteAnchor,
    Sentence,
    Span,
    TimeAnchor,
)
from extract.anchors.names import find_names
from extract.anchors.numbers import find_numbers
from extract.anchors.quotes import find_quotes
from extract.anchors.sentences import find_sentences
from extract.anchors.times import find_times

__all__ = [
    "Anchors",
    "NameAnchor",
    "NumberAnchor",
    "QuoteAnchor",
    "Sentence",
    "Span",
    "TimeAnchor",
    "find_anchors",
]

_A = TypeVar("_A", NumberAnchor, TimeAnchor, QuoteAnchor, NameAnchor)


def find_anchors(text: str, published: dt.date | None = None) -> Anchors:
    """Find every anchor in ``text`` and number them by kind in text order."""
    return Anchors(
        sentences=tuple(find_sentences(text)),
        numbers=_numbered("n", find_numbers(text)),
        times=_numbered("t", find_times(text, published)),
        quotes=_numbered("q", find_quotes(text)),
        names=_numbered("p", find_names(text)),
    )


def _numbered(prefix: str, anchors: Sequence[_A]) -> tuple[_A, ...]:
    ordered = sorted(anchors, key=lambda a: (a.start, a.end))
    return tuple(dataclasses.replace(a, id=f"{prefix}{i}") for i, a in enumerate(ordered, start=1))
