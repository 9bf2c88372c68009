"""Event drafts: sentences that report a happening, with its kind, actors, date and place.

Input: an article's text, anchors, prose sentences and cast. Output: :class:`EventDraft` records, at most
one per sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from extract.anchors import Anchors, NameAnchor, Sentence
from extract.lexicon import STRONG_EVENTS, WEAK_EVENTS
from extract.rules.common import SPEECH, outside_quotes
from extract.rules.drafts import Cast, EventDraft

_LOCATION = re.compile(r"\b(?:in|near|at|outside|from) (?:the )?$")
_SUMMARY_CHARS = 200


def events(text: str, anchors: Anchors, prose: Sequence[Sentence], cast: Cast) -> Iterable[EventDraft]:
    """At most one event per sentence: a strong trigger, or a weak one in a dated sentence."""
    for sentence in prose:
        if not sentence.text.rstrip("”’\"' ").endswith((".", "!", "?")):
            continue
        times = [t for t in anchors.times if sentence.start <= t.start < sentence.end
                 and t.kind in ("date", "weekday", "relative", "month")]
        outside = outside_quotes(text, sentence, anchors.quotes)
        speech = SPEECH.search(outside)
        # What someone says happened is their statement; the event is what the sentence itself reports.
        # Only the call or meeting where it was said stays an event ("X urged Y during a phone call").
        kind = _event_kind(outside[: speech.start()] if speech else outside, dated=bool(times))
        if kind is None and speech:
            kind = _event_kind(outside, dated=bool(times), kinds=_SPEECH_SETTINGS)
        if kind is None:
            continue
        dated = next((t for t in times if t.date), None)
        stated = dated or (times[0] if times else None)
        names = [n for n in anchors.names if sentence.start <= n.start < sentence.end]
        yield EventDraft(
            kind=kind,
            summary=summary_of(sentence.text),
            # People and organisations first; countries act too ("the conflict between Iran and Israel").
            actors=tuple(dict.fromkeys(cast.canonical(n) for n in sorted(names, key=lambda n: n.kind == "place")))[:6],
            date=dated.date if dated else None,
            date_text=stated.text if stated else None,
            location=_location(text, names),
            sentence=sentence,
        )


_SPEECH_SETTINGS = frozenset({"call", "meeting"})


def _event_kind(sentence_text: str, *, dated: bool, kinds: frozenset[str] | None = None) -> str | None:
    """The kind of the earliest strong trigger; else, in a dated sentence, of the earliest weak one."""
    for triggers in (STRONG_EVENTS, WEAK_EVENTS if dated else {}):
        found = [(m.start(), kind) for kind, pattern in triggers.items()
                 if (kinds is None or kind in kinds) and (m := pattern.search(sentence_text))]
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
