"""Event drafts: sentences that report a happening, with its kind, actors, date and place.

Input: an article's text, anchors, prose sentences and cast. Output: :class:`EventDraft` records, at most
one per sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.anchors import Anchors, NameAnchor, Sentence
from extract.anchors.names import DATELINE
from extract.lexicon import DENIAL_VERBS, HEADLINE_EVENTS, STRONG_EVENTS, WEAK_EVENTS
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
    drafts: list[_Found] = []
    datelines = [(m.start(), m.end()) for m in DATELINE.finditer(text)]
    for index, sentence in enumerate(prose):
        headline = not sentence.text.rstrip("”’\"' ").endswith((".", "!", "?"))
        if headline and len(sentence.text.split()) < 4:
            continue
        times = [t for t in anchors.times if sentence.start <= t.start < sentence.end
                 and t.kind in ("date", "weekday", "relative", "month")]
        outside = outside_quotes(text, sentence, anchors.quotes)
        kind = _sentence_kind(outside, dated=bool(times) and not headline, headline=headline)
        if kind is None:
            continue
        dated = next((t for t in times if t.date), None)
        own_date = dated is not None and not any(a <= dated.start < b for a, b in datelines)
        own_time = next((t.text for t in anchors.times if sentence.start <= t.start < sentence.end
                         and t.kind in ("date", "weekday", "month", "year")
                         and not any(a <= t.start < b for a, b in datelines)
                         and not _UNTIL.search(text, max(0, t.start - 12), t.start)), None)
        drafts.append(_Found(index, headline, own_date, own_time, draft_event(anchors, sentence, kind, cast)))
    return _one_per_happening(drafts)


def draft_event(anchors: Anchors, sentence: Sentence, kind: str, cast: Cast, by: str = "rules") -> EventDraft:
    """The event a sentence states: its kind, the names outside quotes as actors (people and organisations
    first; countries act too, "the conflict between Iran and Israel"), its first dated time and a place."""
    times = [t for t in anchors.times if sentence.start <= t.start < sentence.end
             and t.kind in ("date", "weekday", "relative", "month")]
    dated = next((t for t in times if t.date), None)
    stated = dated or (times[0] if times else None)
    names = [n for n in anchors.names if sentence.start <= n.start < sentence.end
             and not _inside_quote(n.start, anchors)]
    location = _location(sentence.text, names, offset=sentence.start)
    actors = dict.fromkeys(cast.canonical(n) for n in sorted(names, key=lambda n: n.kind == "place"))
    actors.pop(location or "", None)  # where it happened is not who took part ("talks in Baku")
    return EventDraft(
        kind=kind,
        summary=summary_of(sentence.text),
        actors=tuple(actors)[:6],
        date=dated.date if dated else None,
        date_text=stated.text if stated else None,
        location=location,
        sentence=sentence,
        by=by,
    )


@dataclass(frozen=True)
class _Found:
    index: int  # the sentence's place among the prose sentences
    headline: bool
    own_date: bool  # dated by the sentence's own words, not only by a dateline ("KATHMANDU, Nov 6 (...) -")
    own_time: str | None  # the time the sentence gives its happening ("In November 2005"), not "until June 2031"
    event: EventDraft


# A time that bounds something else, not when the happening was: "a contract running until June 2031".
_UNTIL = re.compile(r"\b(?:until|till|through|to|by|from|before|since)\s+\Z", re.IGNORECASE)


_SPEECH_SETTINGS = frozenset({"call", "meeting"})
_CASUALTY = re.compile(r"(?:were|was|been) (?:killed|injured|evacuated|destroyed|displaced)|died|killed at least",
                       re.IGNORECASE)


def _sentence_kind(outside: str, *, dated: bool, headline: bool = False) -> str | None:
    """The kind of happening a sentence (its words outside quotes) reports, or None."""
    speech = find_speech(outside)
    if speech is None:
        return _fit(_event_kind(outside, dated=dated, headline=headline), outside)
    # What someone says happened is their statement; the sentence itself may still report the call or
    # meeting where it was said ("X urged Y during a phone call"), or the happening in the reported clause.
    kind = _event_kind(outside[: speech.start()], dated=dated, headline=headline) \
        or _event_kind(outside, dated=dated, kinds=_SPEECH_SETTINGS)
    lead = outside[: speech.start()].strip()
    if kind is None and not lead:
        # a quote frame: "“…,” the minister said after visiting the district on Wednesday"
        setting = _FRAME_SETTING.match(outside, speech.end())
        kind = _event_kind(setting.group(), dated=dated) if setting else None
    if kind is None and lead and not lead.endswith((",", "”", '"')) and not _DENIED.match(speech.group()):
        reported = outside[speech.end() :]
        if _NOT_YET.match(reported):
            return None  # "said on Thursday it would cut 1,100 jobs": a plan, not a happening
        if not _DISASTER_NOUNS.search(reported):
            # "said 2,314 people were injured": a casualty figure, not a new happening; "say two people
            # were killed when two cars collided": the collision is.
            reported = _CASUALTY.sub(lambda m: " " * len(m.group()), reported)
        kind = _event_kind(reported, dated=False)
    return _fit(kind, outside)


_DENIED = re.compile(rf"(?:{DENIAL_VERBS})$")  # what a speaker denies is no happening
# The setting of a quote frame: "said after visiting Jumla on Wednesday", "said during a tour of ...".
_FRAME_SETTING = re.compile(r"(?:\s+[\w’'.-]+){0,6}?\s+(?:after|before|during|while|on a visit to|at the end of)\b"
                            r"[^.;]*", re.IGNORECASE)
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


# Kinds that name one happening: a vote is how a decision is taken.
_FAMILY = {"vote": "decision"}
_NEAR_SENTENCES = 2


def _one_per_happening(found: Sequence[_Found]) -> list[EventDraft]:
    """One event for several nearby sentences about one happening (same kind, at most two sentences apart,
    neither a headline), at the sentence that says when:

    * a later sentence that restates it undated or on the same day is dropped ("A Delaware man was charged
      ... Tuesday." then "Burke ... is charged"; "The main opposition party voted against" after the
      budget was approved), when the first is dated or they share an actor;
    * an earlier sentence without a date of its own is dropped for a later one that dates the happening
      (the lead "Rescuers dug through the rubble ..." for "The quake struck at 11:47 p.m. on Tuesday")."""
    kept: list[_Found] = []
    for item in found:
        earlier = kept[-1] if kept else None
        if earlier is None or not _near(earlier, item) or earlier.event.sentence.text == item.event.sentence.text:
            kept.append(item)
            continue
        a, b = earlier.event, item.event
        if not earlier.own_date and item.own_date and b.date != a.date:
            kept[-1] = item
        elif item.own_time is not None and item.own_time != earlier.own_time and (b.date is None or b.date != a.date):
            kept.append(item)  # a time of its own: another happening ("In November 2005, Menino won ...")
        elif (b.date is None or b.date == a.date) and (a.date is not None or _share_actor(a, b)):
            continue
        else:
            kept.append(item)
    return [item.event for item in kept]


def _near(a: _Found, b: _Found) -> bool:
    return not a.headline and not b.headline and b.index - a.index <= _NEAR_SENTENCES \
        and b.event.sentence.paragraph - a.event.sentence.paragraph <= _NEAR_SENTENCES \
        and _FAMILY.get(a.event.kind, a.event.kind) == _FAMILY.get(b.event.kind, b.event.kind)


def _share_actor(a: EventDraft, b: EventDraft) -> bool:
    """Whether two events name one actor, by its last word ("Maryland State Police" and "Police")."""
    return bool({x.split()[-1].lower() for x in a.actors} & {x.split()[-1].lower() for x in b.actors})


def _inside_quote(pos: int, anchors: Anchors) -> bool:
    return any(q.start < pos < q.end for q in anchors.quotes)


# A sentence about what was expected or is to come: its nouns ("the election", "a ceasefire") name no
# happening ("was predicted to be tougher", "was supposed to be prolonged", "wages will rise").
_NOT_HAPPENED = re.compile(r"\b(?:predicted|expected|forecast|supposed|due|scheduled|set|likely|poised) to\b|"
                           r"\b(?:scheduled|slated|planned|set) for\b|"
                           r"\b(?:will|would|could|may|might|shall)\b|\bhas been in\b|\bhave been in\b",
                           re.IGNORECASE)
# ... unless the noun is where something was done: "urged Aliyev during a phone call on Thursday".
_SETTING = re.compile(r"\b(?:during|at|after) (?:a |an |the |their |his |her )?(?:phone |telephone )?(?:call|"
                      r"meeting|summit|talks|conversation)\b", re.IGNORECASE)
# "his licence is suspended", "the road remains closed": a state, not a happening.
_STATE_BEFORE = re.compile(r"\b(?:is|are|remains?|be|being)\s+(?:\w+ly\s+)?\Z", re.IGNORECASE)


# "the seat he won in a special election", "a patient who later died": a background happening in a
# relative clause is not the sentence's event.
_RELATIVE_BEFORE = re.compile(r"(?:\b(?:who|which|whom)\s+(?:[\w’'-]+\s+)?|\b(?:the|a|an)\s+[\w’'-]+\s+"
                              r"(?:he|she|they|it|we)\s+(?:had\s+)?)\Z", re.IGNORECASE)
# "it was the early round of 66 by Kisner which earned him the lead": a cleft states its happening.
_CLEFT = re.compile(r"\bit (?:was|is) [^,;]{0,120}\Z", re.IGNORECASE)
# "the eleventh to strike the country": a weak trigger after "to" is an infinitive, no happening.
_INFINITIVE_BEFORE = re.compile(r"\bto\s+\Z", re.IGNORECASE)


def _happening(pattern: re.Pattern[str], sentence_text: str, *, weak: bool = False) -> re.Match[str] | None:
    """The first match of a trigger that reports a happening rather than a state or a background clause."""
    for match in pattern.finditer(sentence_text):
        before = sentence_text[max(0, match.start() - 40) : match.start()]
        relative = _RELATIVE_BEFORE.search(before) and not _CLEFT.search(sentence_text, 0, match.start())
        if _STATE_BEFORE.search(before) or relative or (weak and _INFINITIVE_BEFORE.search(before)):
            continue
        return match
    return None


_STRONG = tuple(STRONG_EVENTS.items())
_STRONG_OR_HEADLINE = _STRONG + tuple(HEADLINE_EVENTS.items())
_WEAK = tuple(WEAK_EVENTS.items())


def _event_kind(sentence_text: str, *, dated: bool, kinds: frozenset[str] | None = None,
                headline: bool = False) -> str | None:
    """The kind of the earliest strong trigger (in a headline, also a present-tense one); else, in a dated
    sentence, of the earliest weak one."""
    not_yet = bool(_NOT_HAPPENED.search(sentence_text))
    weak_ok = dated and (not not_yet or bool(_SETTING.search(sentence_text)))
    # "Investors could see profit slide continue": a headline about what may come states no happening.
    strong = _STRONG_OR_HEADLINE if headline and not not_yet else _STRONG
    for triggers in (strong, _WEAK if weak_ok else ()):
        found = [(m.start(), kind) for kind, pattern in triggers
                 if (kinds is None or kind in kinds)
                 and (m := _happening(pattern, sentence_text, weak=triggers is _WEAK))]
        if found:
            return min(found)[1]
    return None


def _location(text: str, names: Sequence[NameAnchor], offset: int = 0) -> str | None:
    """The first place named after "in", "near", "at"... (``text`` starts at ``offset`` of the article)."""
    for name in names:
        at = name.start - offset
        if name.kind == "place" and _LOCATION.search(text[max(0, at - 12) : at]):
            return name.name
    return None


def summary_of(sentence_text: str) -> str:
    flat = " ".join(sentence_text.split())
    if len(flat) <= _SUMMARY_CHARS:
        return flat
    return flat[: _SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
