"""Event drafts: sentences that report a happening, with its kind, actors, date and place.

Input: an article's text, anchors, prose sentences and cast. Output: :class:`EventDraft` records, at most
one per sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from extract.anchors import Anchors, NameAnchor, Sentence
from extract.lexicon import STRONG_EVENTS, WEAK_EVENTS
from extract.rules.common import find_speech, outside_quotes
from extract.rules.drafts import Cast, EventDraft

_LOCATION = re.compile(r"\b(?:in|near|at|outside|from) (?:the )?$")
_SUMMARY_CHARS = 200


def events(text: str, anchors: Anchors, prose: Sequence[Sentence], cast: Cast) -> Iterable[EventDraft]:
    """At most one event per sentence: a strong trigger, or a weak one in a dated sentence.

    Most happenings in real copy carry no date in their sentence (rescues, arrests, approvals, results), so
    a strong trigger needs none. A headline or caption (a line without a sentence ending) that states a
    happening is an event too. What a speaker reports happened is an event when the reported clause has a
    strong trigger ("Police say two people were killed when two cars collided"), except a bare casualty
    count ("said 2,314 people were injured"), which is a figure. A sentence that only restates, undated,
    the happening the sentence just before it dated is not a second event."""
    drafts: list[EventDraft] = []
    for sentence in prose:
        headline = not sentence.text.rstrip("”’\"' ").endswith((".", "!", "?"))
        if headline and len(sentence.text.split()) < 4:
            continue
        times = [t for t in anchors.times if sentence.start <= t.start < sentence.end
                 and t.kind in ("date", "weekday", "relative", "month")]
        outside = outside_quotes(text, sentence, anchors.quotes)
        kind = _sentence_kind(outside, dated=bool(times) and not headline)
        if kind is None:
            continue
        dated = next((t for t in times if t.date), None)
        stated = dated or (times[0] if times else None)
        names = [n for n in anchors.names if sentence.start <= n.start < sentence.end
                 and not _inside_quote(n.start, anchors)]
        drafts.append(EventDraft(
            kind=kind,
            summary=summary_of(sentence.text),
            # People and organisations first; countries act too ("the conflict between Iran and Israel").
            actors=tuple(dict.fromkeys(cast.canonical(n) for n in sorted(names, key=lambda n: n.kind == "place")))[:6],
            date=dated.date if dated else None,
            date_text=stated.text if stated else None,
            location=_location(text, names),
            sentence=sentence,
        ))
    return _one_per_happening(drafts)


_SPEECH_SETTINGS = frozenset({"call", "meeting"})
_CASUALTY = re.compile(r"(?:were|was|been) (?:killed|injured|evacuated|destroyed|displaced)|died|killed at least",
                       re.IGNORECASE)


def _sentence_kind(outside: str, *, dated: bool) -> str | None:
    """The kind of happening a sentence (its words outside quotes) reports, or None."""
    speech = find_speech(outside)
    if speech is None:
        return _fit(_event_kind(outside, dated=dated), outside)
    # What someone says happened is their statement; the sentence itself may still report the call or
    # meeting where it was said ("X urged Y during a phone call"), or the happening in the reported clause.
    kind = _event_kind(outside[: speech.start()], dated=dated) \
        or _event_kind(outside, dated=dated, kinds=_SPEECH_SETTINGS)
    lead = outside[: speech.start()].strip()
    if kind is None and lead and not lead.endswith((",", "”", '"')):
        reported = outside[speech.end() :]
        if _NOT_YET.match(reported):
            return None  # "said on Thursday it would cut 1,100 jobs": a plan, not a happening
        if not _DISASTER_NOUNS.search(reported):
            # "said 2,314 people were injured": a casualty figure, not a new happening; "say two people
            # were killed when two cars collided": the collision is.
            reported = _CASUALTY.sub(lambda m: " " * len(m.group()), reported)
        kind = _event_kind(reported, dated=False)
    return _fit(kind, outside)


# A reported clause about the future: "said (on Thursday) (that) it would cut", "says it plans to".
_NOT_YET = re.compile(r"^\W*(?:[\w’'-]+\s+){0,5}?(?:would|will|could|may|might|plans? to|planned to|intends? to|"
                      r"expects? to|hopes? to|aims? to|is to|are to|was to|were to)\b", re.IGNORECASE)
_DISASTER_NOUNS = re.compile(r"\b(?:earthquake|quake|flood(?:s|ing)?|wildfire|fire|blaze|storm|hurricane|typhoon|"
                             r"cyclone|landslide|tsunami|eruption|tornado|avalanche|drought|heatwave|explosion|"
                             r"blast|collapse)\b", re.IGNORECASE)
_CONTEXT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("attack", re.compile(r"\b(?:attacks?|air ?strikes?|bomb(?:ing|s)?|shooting|gunmen|militants?|raids?|shelling|"
                          r"insurgents?)\b", re.IGNORECASE)),
    ("collision", re.compile(r"\b(?:crash(?:ed)?|collided|collision|head-on)\b", re.IGNORECASE)),
    ("disaster", _DISASTER_NOUNS),
)
_ELECTION_WORDS = re.compile(r"\b(?:election|elections|primary|runoff|run-off|ballot|votes|voters|incumbent|"
                             r"challenger|mayor(?:al)?|council(?:or|lor)?|seats?|precincts?|candidates?|nominee|"
                             r"term)\b", re.IGNORECASE)
_MILITARY = re.compile(r"\b(?:missiles?|drones?|air ?strikes?|military|forces|troops|bomb(?:s|ing)?|rockets?)\b",
                       re.IGNORECASE)
_RACE_WORDS = re.compile(r"\b(?:marathon|race|sprint|stage|grand prix|world record)\b", re.IGNORECASE)


def _fit(kind: str | None, sentence_text: str) -> str | None:
    """A kind that fits the sentence: people killed in airstrikes are an attack, in a crash a collision,
    only in a quake or a flood a disaster; a win in an election is an election, in a marathon a race."""
    if kind == "disaster" and not _DISASTER_NOUNS.search(sentence_text):
        return next((k for k, words in _CONTEXT_KINDS if words.search(sentence_text)), "other")
    if kind == "strike" and _MILITARY.search(sentence_text):
        return "attack"
    if kind in ("match", "election"):
        if _ELECTION_WORDS.search(sentence_text):
            return "election"
        if _RACE_WORDS.search(sentence_text):
            return "race"
        return "match"
    return kind


def _one_per_happening(drafts: Sequence[EventDraft]) -> list[EventDraft]:
    """Drop an undated event that follows, within two sentences, a dated one of the same kind that shares
    an actor: "A Delaware man was charged ... Tuesday." then "Burke, of Millsboro, Delaware, is charged"."""
    kept: list[EventDraft] = []
    for event in drafts:
        earlier = kept[-1] if kept else None
        if earlier is not None and event.date is None and earlier.date is not None and earlier.kind == event.kind \
                and set(earlier.actors) & set(event.actors) and event.sentence.start - earlier.sentence.end < 400:
            continue
        kept.append(event)
    return kept


def _inside_quote(pos: int, anchors: Anchors) -> bool:
    return any(q.start < pos < q.end for q in anchors.quotes)


# "his licence is suspended", "the road remains closed": a state, not a happening.
_STATE_BEFORE = re.compile(r"\b(?:is|are|remains?|be|being)\s+(?:\w+ly\s+)?\Z", re.IGNORECASE)


def _happening(pattern: re.Pattern[str], sentence_text: str) -> re.Match[str] | None:
    """The first match of a trigger that reports a happening rather than a state."""
    for match in pattern.finditer(sentence_text):
        if not _STATE_BEFORE.search(sentence_text, max(0, match.start() - 20), match.start()):
            return match
    return None


def _event_kind(sentence_text: str, *, dated: bool, kinds: frozenset[str] | None = None) -> str | None:
    """The kind of the earliest strong trigger; else, in a dated sentence, of the earliest weak one."""
    for triggers in (STRONG_EVENTS, WEAK_EVENTS if dated else {}):
        found = [(m.start(), kind) for kind, pattern in triggers.items()
                 if (kinds is None or kind in kinds) and (m := _happening(pattern, sentence_text))]
        if found:
            return min(found)[1]
    return None


def _location(text: str, names: Sequence[NameAnchor]) -> str | None:
    for name in names:
        if name.kind == "place" and _LOCATION.search(text[max(0, name.start - 12) : name.start]):
            return name.name
    return None


def summary_of(sentence_text: str) -> str:
    flat = " ".join(sentence_text.split())
    if len(flat) <= _SUMMARY_CHARS:
        return flat
    return flat[: _SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
