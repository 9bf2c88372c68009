"""Helpers the attribution, event and figure rules share: where a position falls, what a sentence says
outside its quotes, which speech verb it uses.

Input: sentences, quotes and time anchors of one article. Output: plain lookups, no drafting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.anchors import QuoteAnchor, Sentence, TimeAnchor
from extract.lexicon import DENIAL_VERBS, SPEECH_VERBS

SPEECH = re.compile(rf"(?<!\bbeen )(?<!\bwas )(?<!\bwere )(?<!\bis )(?<!\bare )\b(?:{SPEECH_VERBS}|{DENIAL_VERBS})\b")


def sentence_of(sentences: Sequence[Sentence], pos: int) -> Sentence | None:
    for sentence in sentences:
        if sentence.start <= pos < sentence.end:
            return sentence
    return None


def date_in(times: Sequence[TimeAnchor], sentence: Sentence) -> str | None:
    for time in times:
        if sentence.start <= time.start < sentence.end and time.date and time.kind != "duration":
            return time.date
    return None


def outside_quotes(text: str, sentence: Sentence, quotes: Sequence[QuoteAnchor]) -> str:
    """The sentence with every quoted character blanked out, so offsets stay those of the sentence."""
    outside = text[sentence.start : sentence.end]
    for quote in quotes:
        if quote.start < sentence.end and sentence.start < quote.end:
            a, b = max(quote.start, sentence.start) - sentence.start, min(quote.end, sentence.end) - sentence.start
            outside = outside[:a] + " " * (b - a) + outside[b:]
    return outside
