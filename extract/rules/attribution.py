"""Statement drafts: who said what, by wire-copy attribution rules.

Input: an article's text, anchors, prose sentences and cast. Output: :class:`StatementDraft` records
(quotes, reported speech, denials) and :func:`source_of`, who a sentence cites (for figures).

Attribution follows wire-copy conventions: "…,” said X", "X said", "according to X", a sentence subject
before a speech verb, "he/she said" resolved to the last person named, and a quote that continues the
previous speaker's words in the same paragraph. Real pages add: only a main clause's speech verb counts
(not one after an open "when", "while", "if"); relayed speech belongs to its innermost speaker ("reported,
citing an official", "said that Azerbaijan had denied"); a quote frame that adds words of its own ("“…,”
he said, adding he ...") is also a reported statement; headlines that open "X says ..." are statements;
who "it", "the club" or "the agency" is comes from ``speakers``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from extract.anchors import Anchors, QuoteAnchor, Sentence
from extract.anchors.names import surname
from extract.lexicon import AFTER_QUOTE_VERBS, DENIAL_VERBS, SPEECH_VERBS, STRONG_EVENTS
from extract.rules.common import date_in, find_speech, outside_quotes, sentence_of
from extract.rules.drafts import Cast, StatementDraft
from extract.rules.speakers import (
    ACCORDING,
    IT_SUBJECT,
    PRONOUN_SUBJECT,
    Previous,
    according_speaker,
    described_subject,
    he_said,
    inner_subject,
    it_said,
    modifies_noun,
    passive_speaker,
    quoted,
    speaker_names,
    subject_of,
    subject_speaker,
)

_DENIAL = re.compile(rf"\b(?:{DENIAL_VERBS})\b")
_REJECTS_OFFER = re.compile(r"\s+(?:(?!that\b|claims?\b|allegations?\b|suggestions?\b|reports?\b|accusations?\b|"
                            r"charges?\b|rumou?rs?\b)[\w’'$€£.,-]+\s+){0,4}?(?:offer|proposal|bid|plan|request|deal|"
                            r"motion|amendment|invitation|nomination|budget|appeal)s?\b")
# "Baku insisted that no aircraft had used its airspace": an insistence that something did not happen.
_INSISTS_NOT = re.compile(r"\b(?:insisted|insists|maintained|maintains|stressed|assured \w+)\s+(?:that\s+)?"
                          r"(?:no\b|none\b|nothing\b|never\b|(?:it|they|he|she|the \w+)\s+(?:had|has|have|did|was|were|"
                          r"is|are)\s+(?:not|never)\b)")
_PRONOUN_SPEECH = re.compile(rf"^\s*,?\s*(?:he|she|they)\s+(?:{SPEECH_VERBS})\b", re.IGNORECASE)
_AFTER_QUOTE = re.compile(rf"\b(?:{AFTER_QUOTE_VERBS})\b")
MIN_QUOTE_WORDS = 3
# A headline that reports speech: "South Korea says talks will resume", "Union rejects final pay offer".
_HEADLINE_SPEECH = re.compile(r"\W*[A-Z][\w’'.&-]*\s+(?:[\w’'.&-]+\s+){0,4}?(?:says|say|warns|urges|denies|deny|"
                              r"claims|vows|admits|rejects|insists|announces|confirms|tells|calls for)\b"
                              r"\s+\S+(?:\s+\S+){2}")


def source_of(text: str, pos: int, sentence: Sentence, anchors: Anchors, cast: Cast) -> str | None:
    """Who the sentence cites: "according to X", the speaker of an enclosing quote, or "X said"."""
    according = ACCORDING.search(text, sentence.start, sentence.end)
    if according:
        return according_speaker(text, according, anchors, cast)
    for quote in anchors.quotes:
        if quote.start <= pos < quote.end:
            speaker, _ = _quote_speaker(text, quote, sentence, anchors, cast)
            return speaker
    speaker, verb_at = subject_speaker(text, sentence, anchors, cast)
    return speaker if verb_at is not None and verb_at < pos else None


def statements(text: str, anchors: Anchors, prose: Sequence[Sentence], cast: Cast) -> Iterable[StatementDraft]:
    options = cast.options()
    previous: Previous | None = None  # the last attributed quote: paragraph, speaker, end
    for quote in anchors.quotes:
        sentence = sentence_of(prose, quote.start)
        if sentence is None or len(quote.inner.split()) < MIN_QUOTE_WORDS:
            continue
        recent = previous if previous and previous.paragraph >= sentence.paragraph - 1 else None
        speaker, confident = _quote_speaker(text, quote, sentence, anchors, cast, recent)
        if speaker is None and recent:
            speaker, confident = recent.speaker, False
        if speaker is None:
            speaker = _previous_paragraph_speaker(text, prose, sentence, anchors, cast)
        if speaker is None:
            speaker = _heading_speaker(text, anchors, sentence, cast)
        if speaker is not None:
            previous = Previous(sentence.paragraph, speaker, quote.end)
        yield StatementDraft(
            kind="quote", speaker=speaker, text=quote.inner, start=quote.start, end=quote.end,
            sentence=sentence, date=date_in(anchors.times, sentence), quote=quote, confident=confident,
            candidates=options,
        )
    long_quotes = [q for q in anchors.quotes if len(q.inner.split()) >= MIN_QUOTE_WORDS]
    for sentence in prose:
        inside = [q for q in long_quotes if q.start < sentence.end and sentence.start < q.end]
        yield from _reported(text, sentence, anchors, cast, bare_quote=_bare_attribution(text, sentence, inside))


def _reported(
    text: str, sentence: Sentence, anchors: Anchors, cast: Cast, *, bare_quote: bool
) -> Iterable[StatementDraft]:
    """One reported or denial statement per sentence, unless the sentence only attributes a quote.

    Where one speech act is relayed through another ("X told Y that ..., according to the official"),
    the statement is the innermost speaker's (X); "according to X, <fact>" alone is X's."""
    speech_text = outside_quotes(text, sentence, anchors.quotes)
    if not sentence.text.rstrip("”’\"' ").endswith((".", "!", "?")) and not _HEADLINE_SPEECH.match(speech_text):
        return  # headlines and captions without a sentence ending, unless one opens "X says ..."
    denial = _DENIAL.search(speech_text)
    if denial and _REJECTS_OFFER.match(speech_text, denial.end()):
        denial = None  # rejecting an offer or a plan is no denial
    denial = denial or _INSISTS_NOT.search(speech_text)
    according = ACCORDING.search(text, sentence.start, sentence.end)
    subject, verb_at = subject_speaker(text, sentence, anchors, cast)
    if according and verb_at is not None and according.start() <= verb_at:
        subject = subject if subject and not _inside(according, verb_at) else None
    if denial and subject:
        # "The Iranian presidency said that Azerbaijan had denied ...": the innermost speaker denies
        denial_at = sentence.start + denial.start()
        inner = inner_subject(text, verb_at, denial_at, anchors, cast) if verb_at is not None \
            and verb_at < denial_at else None
        kind, speaker = "denial", inner or subject
    elif bare_quote:
        return  # "“…,” X said": the quote itself is the statement
    elif subject and verb_at is not None and not _reports_results(text, verb_at, sentence):
        kind, speaker = "reported", subject
    elif according and (source := according_speaker(text, according, anchors, cast)):
        kind, speaker = "reported", source
    elif (passive := passive_speaker(text, sentence, anchors, cast)) is not None:
        kind, speaker = "reported", passive
    else:
        return
    yield StatementDraft(
        kind=kind, speaker=speaker, text=sentence.text, start=sentence.start, end=sentence.end,
        sentence=sentence, date=date_in(anchors.times, sentence),
    )


def _inside(match: re.Match[str], pos: int) -> bool:
    return match.start() <= pos < match.end()


# A quote frame that goes on in the article's words: "“…,” he said, adding he managed to ...".
_ADDING = re.compile(r",\s+(?:adding|and added)\b|\band added that\b")
_FRAME_WORDS = 8  # "“…,” said John Smith, the chief executive, in a statement": the frame's words before its verb


def _bare_attribution(text: str, sentence: Sentence, quotes: Sequence[QuoteAnchor]) -> bool:
    """True when the sentence is a quote plus its attribution ("“…,” X said", "X said: “…”", "In a joint
    release, X, its chairman, said, “…”"), with no claim of its own outside the quote marks. Not bare: a
    frame that adds indirect speech ("“…,” he said, adding he ..."), or a sentence that uses the quote in a
    claim of its own ("“Publish or perish,” an aphorism ..., expresses the fact that ..., Fanelli noted")."""
    if not quotes:
        return False
    if _ADDING.search(outside_quotes(text, sentence, quotes)):
        return False
    if quotes[0].start <= sentence.start + 1:
        after = text[quotes[0].end : quotes[1].start if len(quotes) > 1 else sentence.end]
        verb = find_speech(after) or _AFTER_QUOTE.search(after)
        return verb is not None and len(after[: verb.start()].split()) <= _FRAME_WORDS
    lead = text[sentence.start : quotes[0].start].rstrip()
    if not lead.endswith((":", ",")):
        return False
    verb = find_speech(lead, max(0, len(lead) - 30))
    return len(lead.split()) <= 12 or (verb is not None and len(lead[verb.end() :].split()) <= 3)


def _reports_results(text: str, verb_at: int, sentence: Sentence) -> bool:
    """ "X reported third-quarter revenue of ..." is an earnings release, not a claim."""
    return text.startswith(("reported", "posted"), verb_at) and bool(
        STRONG_EVENTS["earnings"].match(text, verb_at, sentence.end))


_QUOTED_AS = re.compile(r"^[\s,]*(?:[\w’'-]+\s+){0,5}?(?:quoted|cited)\s+((?:the\s+|a\s+|an\s+)?[^,.;:]{2,60}?)"
                        r"\s+as\s+(?:saying|telling|stating)\b")
_SAID_THE = re.compile(r"\s+(the\s+[a-z][\w’'-]*(?:\s+[a-z][\w’'-]*)?)(?=\s+(?:in|on|at|during|after|,|\.)|[,.])")
_PRONOUN_BEFORE_VERB = re.compile(r"(?:^|[\s,])(?:he|she|they)\s+(?:(?:also|then|later|had|has|have)\s+)?\Z",
                                  re.IGNORECASE)


def _quote_speaker(
    text: str, quote: QuoteAnchor, sentence: Sentence, anchors: Anchors, cast: Cast,
    previous: Previous | None = None,
) -> tuple[str | None, bool]:
    """The speaker of a quote from its attribution, and whether the attribution is adjacent (confident).
    A name inside a quotation is never its speaker."""
    attributed = _attribution_after(text, quote, anchors, cast, previous)
    if attributed is not None:
        return attributed, True
    start = min(sentence.start, quote.start)
    before = speaker_names(anchors, cast, start, quote.start)
    verb = find_speech(outside_quotes(text, sentence, anchors.quotes), 0, max(0, quote.start - sentence.start))
    if verb:
        verb_at = sentence.start + verb.start()
        verb_end = sentence.start + verb.end()
        subjects = [n for n in before if n.start < verb_at]
        if _PRONOUN_BEFORE_VERB.search(text, subjects[-1].end if subjects else start, verb_at):
            return he_said(text, start, anchors, cast, previous), False  # "On that derby, he said, “…”"
        inverted = [n for n in before if n.start >= verb_end]
        if not subjects and inverted and not text[verb_end : inverted[0].start].strip(" the"):
            return cast.canonical(inverted[0]), True  # "..., said Jim O'Sullivan, chief economist at X, “…”"
        if subjects and not modifies_noun(text, subjects[-1], verb_at):
            return cast.canonical(subject_of(text, subjects, verb_at)), True
        if PRONOUN_SUBJECT.search(text, start, verb_at):
            return he_said(text, start, anchors, cast, previous), False
        if IT_SUBJECT.search(text, start, verb_at):
            return it_said(text, sentence, anchors, cast, verb.group()), False
        described = described_subject(text, sentence.start, verb_at, anchors, cast)
        if described:
            return described, True
    speaker, said_at = subject_speaker(text, sentence, anchors, cast)
    if speaker is not None and said_at is not None and said_at >= quote.end:
        return speaker, True  # the sentence's own attribution, after a claim: "“…,” an aphorism ..., X noted"
    if before:
        return cast.canonical(before[-1]), False  # no speech verb: the nearest name is the likeliest speaker
    return None, False


def _attribution_after(
    text: str, quote: QuoteAnchor, anchors: Anchors, cast: Cast, previous: Previous | None = None
) -> str | None:
    """ "…,” said X", "…,” X said", "…,” X, the chief officer in Y, told reporters", "…,” she said",
    "…” The Islanders’ head coach continued."."""
    end = next((s.end for s in anchors.sentences if s.start < quote.end <= s.end), quote.end)
    after = text[quote.end : min(end, quote.end + 200)].split("\n", 1)[0]
    relayed = _QUOTED_AS.match(after)
    if relayed is not None:  # "“…,” the AFP news agency quoted a spokeswoman as saying"
        named = speaker_names(anchors, cast, quote.end + relayed.start(1), quote.end + relayed.end(1))
        return cast.canonical(named[0]) if named else relayed.group(1).split()[-1]
    verb = find_speech(after) or _AFTER_QUOTE.search(after)
    if verb is None or verb.start() > 120 or any(q.start < quote.end + verb.start() for q in anchors.quotes
                                                 if q.start >= quote.end):
        return None
    verb_at = quote.end + verb.start()
    speakers = speaker_names(anchors, cast, quote.end, quote.end + len(after))
    before = [n for n in speakers if n.start < verb_at]
    if before and not modifies_noun(text, before[-1], verb_at):
        return cast.canonical(subject_of(text, before, verb_at))
    if _PRONOUN_SPEECH.match(after) or PRONOUN_SUBJECT.match(after.lstrip(" ,")):
        return he_said(text, quote.start, anchors, cast, previous)
    if re.match(r"\s*,?\s*it\b", after, re.IGNORECASE):
        return it_said(text, next((s for s in anchors.sentences if s.start <= quote.start < s.end), None),
                       anchors, cast, verb.group())
    following = [n for n in speakers if verb_at < n.start <= verb_at + 60]
    if following and not after[: verb.start()].strip(" ,”’\"'"):
        return cast.canonical(following[0])
    inverted = _SAID_THE.match(after, verb.end())
    if inverted is not None and not after[: verb.start()].strip(" ,”’\"'"):
        # "“…,” said the company in a statement": the described speaker after the verb
        start = quote.end + inverted.start(1)
        return described_subject(text, start, start + len(inverted.group(1)), anchors, cast)
    lead = after[: verb.start()].strip(" ,.”’\"'")
    if lead and len(lead.split()) <= 6:
        return described_subject(text, quote.end + after.index(lead), verb_at, anchors, cast)
    return None


def _previous_paragraph_speaker(
    text: str, prose: Sequence[Sentence], sentence: Sentence, anchors: Anchors, cast: Cast
) -> str | None:
    """A quote standing alone in its paragraph: the speaker of the paragraph before, i.e. the subject of
    its last sentence with a speech verb ("Justice Tan said Ong had abused ..." then "“The accused ...”")."""
    before = [s for s in prose if s.paragraph == sentence.paragraph - 1]
    for previous in reversed(before):
        speaker, verb_at = subject_speaker(text, previous, anchors, cast)
        if speaker is not None and verb_at is not None:
            return speaker
    return None


def _heading_speaker(text: str, anchors: Anchors, sentence: Sentence, cast: Cast) -> str | None:
    """Quotes under a heading that names their speaker ("JANE DOE, CHIEF EXECUTIVE", then several quoted
    paragraphs): walk back over quote-only paragraphs to a short line that starts with a name."""
    by_paragraph: dict[int, list[Sentence]] = {}
    for s in anchors.sentences:
        if sentence.paragraph - 8 <= s.paragraph < sentence.paragraph:
            by_paragraph.setdefault(s.paragraph, []).append(s)
    for index in range(sentence.paragraph - 1, sentence.paragraph - 9, -1):
        lines = by_paragraph.get(index)
        if not lines:
            continue
        line_start, line_end = lines[0].start, lines[-1].end
        if all(quoted(s.start + 1, anchors.quotes) or text[s.start] in "“\"‘'" for s in lines):
            continue  # another quoted paragraph under the same heading
        line = text[line_start:line_end]
        head = line.split(",", 1)[0].strip()
        if len(line.split()) > 12 or line.rstrip().endswith((".", "!", "?")) or not 2 <= len(head.split()) <= 4:
            return None
        if not all(w[:1].isupper() for w in head.split()):
            return None
        name = head.title() if head.isupper() else head
        return cast.people.get(surname(name), name)
    return None
