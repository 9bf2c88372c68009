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
# A speech word right after one of these is a noun or an adjective: "with states", "36 states", "of
# confirmed cases", "the claims", "its statement".
_NOT_VERB_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|with|by|of|to|from|for|in|on|at|these|those|its|their|his|her|our|newly|all|many|"
    r"other|some|most|several|no)|\d)\s+\Z",
    re.IGNORECASE,
)

# Speech verbs in a sense that reports no speech: "a deputy responded to the 4400 block", "asked to leave".
_NOT_SPEECH_AFTER = re.compile(r"(?:responded|replied) to (?:the|a|an|reports?|calls?|\d)|asked to\b|"
                               r"(?:stated|states) (?:goal|aim|purpose|policy|reason)|"
                               r"conceded (?:just |only )?(?:\d|a |an |one|two|three|four|five|six|seven|eight|"
                               r"nine|ten|goals?|points?|runs?|seats?)")


def find_speech(text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
    """The first speech or denial verb in ``text[pos:endpos]`` used as a verb, not as a noun ("the states")
    or an adjective ("of confirmed cases")."""
    end = len(text) if endpos is None else endpos
    while (match := SPEECH.search(text, pos, end)) is not None:
        if not _NOT_VERB_BEFORE.search(text, max(0, match.start() - 12), match.start()) \
                and not _NOT_SPEECH_AFTER.match(text, match.start(), end):
            return match
        pos = match.end()
    return None


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
