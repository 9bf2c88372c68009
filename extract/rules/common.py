"""Helpers the attribution, event and figure rules share: where a position falls, what a sentence says
outside its quotes, which speech verb it uses.

Input: sentences, quotes and time anchors of one article. Output: plain lookups, no drafting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.anchors import QuoteAnchor, Sentence, TimeAnchor
from extract.lexicon import DENIAL_VERBS, SPEECH_VERBS

SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS}|{DENIAL_VERBS})\b")
# A past form right after one of these is passive ("was said to be", "have been reported to CDC"): no
# speaker speaks. An -ing form after one of them is progressive and speaks ("Jeep is touting").
_PASSIVE_BEFORE = re.compile(r"\b(?:been|was|were|is|are|be|being)\s+\Z", re.IGNORECASE)
# An -ing form speaks for the subject after a comma, "and" or an auxiliary ("..., saying", "is touting");
# after a noun it describes the noun: "papers claiming to have tested", "a letter warning of".
_ING_SPEAKS_AFTER = re.compile(r"(?:,|\b(?:and|is|are|was|were|been|be|by|after|before|without|while|also|"
                               r"then|again|repeatedly|publicly|later))\s+\Z", re.IGNORECASE)
# A speech word right after one of these is a noun or an adjective: "with states", "36 states", "of
# confirmed cases", "the claims", "its statement".
_NOT_VERB_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|with|by|of|to|from|for|in|on|at|these|those|its|their|his|her|our|newly|all|many|"
    r"other|some|most|several|no|following)|\d)\s+\Z",
    re.IGNORECASE,
)
# Speech verbs in a sense that reports no speech: "a deputy responded to the 4400 block", "asked to leave".
_NOT_SPEECH_AFTER = re.compile(r"(?:responded|replied) to (?:the|a|an|reports?|calls?|\d)|asked to\b|"
                               r"(?:stated|states) (?:goal|aim|purpose|policy|reason)|"
                               r"conceded (?:just |only )?(?:\d|a |an |one|two|three|four|five|six|seven|eight|"
                               r"nine|ten|goals?|points?|runs?|seats?)|"
                               r"(?:reveals|reports|claims|states|calls|says) (?:on|of|from|about|in|at)\b")
# "states" is a verb only before what is stated ("the report states that"); otherwise the noun.
_STATES_AS_VERB = re.compile(r"states(?=\s+(?:that\b|the\b)|\s*:)")
# ... but after a relative clause that ends in "to" the verb is finite: "Neighbours we spoke to say".
_SPOKEN_TO = re.compile(r"\b(?:talked|spoke|spoken|talking|speaking) to\s+\Z", re.IGNORECASE)
_ASKED_AS_PARTICIPLE = re.compile(r"(?:^|[,(—–-]|\b(?:when|if|after|before|while|once|being))\s*\Z", re.IGNORECASE)
_LOOK_BACK = 14


def find_speech(text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
    """The first speech or denial verb in ``text[pos:endpos]`` used as a verb: not a noun ("the states"), an
    adjective ("of confirmed cases"), a passive ("was said to be") or a participle that describes a noun
    ("papers claiming to have tested")."""
    end = len(text) if endpos is None else endpos
    while (match := SPEECH.search(text, pos, end)) is not None:
        before = max(0, match.start() - _LOOK_BACK)
        word = match.group()
        if word.endswith("ing"):
            speaks = bool(_ING_SPEAKS_AFTER.search(text, before, match.start()))
        else:
            speaks = not _PASSIVE_BEFORE.search(text, before, match.start()) \
                and (not _NOT_VERB_BEFORE.search(text, before, match.start())
                     or bool(_SPOKEN_TO.search(text, before, match.start()))) \
                and (word != "states" or bool(_STATES_AS_VERB.match(text, match.start(), end)))
        if speaks and word.lower() == "asked" and _ASKED_AS_PARTICIPLE.search(text, before, match.start()):
            speaks = False  # "Asked about the vote, X said", "Stroud, asked about the race, played down ..."
        if speaks and not _NOT_SPEECH_AFTER.match(text, match.start(), end):
            return match
        pos = match.end()
    return None


# A subordinate clause that holds the verb: "... erupted with cheers when poll officials announced",
# "While Baku maintains ...", "shaken by the loss when asked": its speech act is not the sentence's.
_SUBORDINATE = re.compile(r"\b(?:when|whenever|while|because|although|though|whereas|unless|if)\b[^,;:—–]*\Z",
                          re.IGNORECASE)


def find_main_speech(text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
    """The first speech verb of a main clause: :func:`find_speech`, skipping verbs inside a clause that
    "when", "while", "because" or "if" opens and no comma has closed."""
    end = len(text) if endpos is None else endpos
    while (match := find_speech(text, pos, end)) is not None:
        if not _SUBORDINATE.search(text, max(0, match.start() - 200), match.start()):
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
