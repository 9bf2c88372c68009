"""Figure drafts: quantity anchors in prose, with what they measure, who is cited and the period.

Input: an article's text, anchors, its prose sentences and cast. Output: :class:`FigureDraft` records.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from extract.anchors import Anchors, NumberAnchor, Sentence, TimeAnchor
from extract.rules.attribution import source_of
from extract.rules.drafts import Cast, FigureDraft

# "the two countries", "both sides": a determiner naming things already known. "All six bombs" counts them.
_THE_BEFORE = re.compile(r"\b(?:the|these|those|both|its|their|his|her)\s+$", re.IGNORECASE)
# The words after a figure up to a clause break; a decimal point or thousands separator is no break ("a cut
# of 0.25 points" is not cut to "a cut of 0").
_ABOUT_TAIL = re.compile(r"^(?:[^,.;:()“”\"]|(?<=\d)[.,](?=\d)){0,80}")


def figures(text: str, anchors: Anchors, prose: Sequence[Sentence], cast: Cast) -> Iterable[FigureDraft]:
    """One draft per quantity anchor in prose. Sentences and times are looked up by bisection, so the cost
    per figure does not grow with the number of sentences or dates in the piece."""
    starts = [s.start for s in prose]
    all_starts = [s.start for s in anchors.sentences]
    time_starts = [t.start for t in anchors.times]
    for number in anchors.numbers:
        if number.kind != "quantity":
            continue
        i = bisect.bisect_right(starts, number.start) - 1
        sentence = prose[i] if i >= 0 and number.start < prose[i].end else None
        if sentence is None:  # a short line is furniture, unless it is a line of a results table
            j = bisect.bisect_right(all_starts, number.start) - 1
            line = anchors.sentences[j] if j >= 0 and number.start < anchors.sentences[j].end else None
            sentence = line if line is not None and _is_data_line(line, number) else None
        if sentence is None:
            continue
        near = anchors.times[bisect.bisect_left(time_starts, sentence.start):
                             bisect.bisect_left(time_starts, sentence.end)]
        if number.text[:1].isalpha() and _THE_BEFORE.search(text[max(0, number.start - 12) : number.start]):
            continue  # "the two countries": a determiner, not a reported measure
        yield FigureDraft(
            number=number,
            sentence=sentence,
            about=about_phrase(text, number, sentence, near),
            source=source_of(text, number.start, sentence, anchors, cast),
            period=_period(near, sentence),
            counted=number.noun if number.unit == "count" else None,
        )


# A results-table line: "Michael Bloomberg: 51 percent", "1,342", "52%" (a label and a colon at most).
_DATA_LABEL = re.compile(r"(?:[A-Z][\w.'’ ()-]{0,48}:[ \t]*)?")


def _is_data_line(line: Sentence, number: NumberAnchor) -> bool:
    """Whether a line the sentence splitter calls furniture (short, no full stop) is a line of figures: the
    quantity alone, or after a label, and a measure rather than a bare small number ("2", a list mark)."""
    label = _DATA_LABEL.match(line.text)
    rest = line.text[label.end() if label else 0 :].strip()
    measured = number.unit != "count" or any(ch in number.text for ch in ",.") or number.value >= 100
    return rest == number.text and measured


_DANGLING = frozenset("between from in since during until by on at of and or the a an to over for".split())


def about_phrase(text: str, number: NumberAnchor, sentence: Sentence, times: Sequence[TimeAnchor] = ()) -> str | None:
    """What a figure measures: the words after it, up to ten, stopping before a date or period (which
    the record keeps apart) and without a dangling preposition ("... between 2016" is cut to "...")."""
    tail = _ABOUT_TAIL.match(text[number.end : sentence.end])
    stop = number.end + len(tail.group(0) if tail else "")
    stop = min([t.start for t in times if number.end < t.start < stop and t.kind != "duration"], default=stop)
    words = text[number.end : stop].split()[:10]
    while words and words[-1].lower() in _DANGLING:
        words.pop()
    phrase = " ".join(words).strip(" -")
    if number.noun and not phrase.startswith(number.noun):
        phrase = f"{number.noun} {phrase}".strip()
    return phrase or number.noun


def _period(times: Sequence[TimeAnchor], sentence: Sentence) -> str | None:
    for time in times:
        if sentence.start <= time.start < sentence.end and time.kind == "period":
            if time.year is not None and time.year_end is not None:
                return f"{time.year}-{time.year_end}"
            if time.date and time.date_end:
                return f"{time.date}/{time.date_end}"
    return None
