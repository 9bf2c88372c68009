"""Statement drafts: who said what, by wire-copy attribution rules.

Input: an article's text, anchors, prose sentences and cast. Output: :class:`StatementDraft` records
(quotes, reported speech, denials) and :func:`source_of`, who a sentence cites (for figures).

Attribution follows wire-copy conventions: "…,” said X", "X said", "according to X", a sentence subject
before a speech verb, "he/she said" resolved to the last person named, and a quote that continues the
previous speaker's words in the same paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from extract.anchors import Anchors, NameAnchor, QuoteAnchor, Sentence
from extract.anchors.names import surname
from extract.lexicon import DENIAL_VERBS, SPEECH_VERBS, STRONG_EVENTS
from extract.rules.common import SPEECH, date_in, outside_quotes, sentence_of
from extract.rules.drafts import Cast, StatementDraft

_DENIAL = re.compile(rf"\b(?:{DENIAL_VERBS})\b")
_ACCORDING = re.compile(r"\b[Aa]ccording to (?:the |a |an )?([^,.;:]{2,90}?)(?:,|\.|;|$)")
_PRONOUN_SPEECH = re.compile(rf"^\s*,?\s*(?:he|she|they)\s+(?:{SPEECH_VERBS})\b", re.IGNORECASE)
_SOURCE_NOUN = re.compile(
    r"\b(?:officials?|sources?|data|figures|statistics|statement|report|study|survey|poll|estimates?|police|"
    r"ministry|agency|office|government|presidency|readout|media|analysts?|economists?|experts?|researchers?|"
    r"spokes(?:man|woman|person)|authorit(?:y|ies)|people familiar|documents?|filings?|records?|results|"
    r"newspaper|broadcaster|television|radio|observers|monitors?|organi[sz]ers|company|union|council|court)\b",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT = re.compile(r"\b(?:He|She|he|she)\b")
MIN_QUOTE_WORDS = 3


def source_of(text: str, pos: int, sentence: Sentence, anchors: Anchors, cast: Cast) -> str | None:
    """Who the sentence cites: "according to X", the speaker of an enclosing quote, or "X said"."""
    according = _ACCORDING.search(text, sentence.start, sentence.end)
    if according:
        return _according_speaker(text, according, anchors, cast)
    for quote in anchors.quotes:
        if quote.start <= pos < quote.end:
            speaker, _ = _quote_speaker(text, quote, sentence, anchors, cast)
            return speaker
    speaker, verb_at = _subject_speaker(text, sentence, anchors, cast)
    return speaker if verb_at is not None and verb_at < pos else None


def statements(text: str, anchors: Anchors, prose: Sequence[Sentence], cast: Cast) -> Iterable[StatementDraft]:
    options = cast.options()
    previous_speaker: tuple[int, str] | None = None  # (paragraph, speaker) of the last attributed quote
    for quote in anchors.quotes:
        sentence = sentence_of(prose, quote.start)
        if sentence is None or len(quote.inner.split()) < MIN_QUOTE_WORDS:
            continue
        speaker, confident = _quote_speaker(text, quote, sentence, anchors, cast)
        if speaker is None and previous_speaker and previous_speaker[0] >= sentence.paragraph - 1:
            speaker, confident = previous_speaker[1], False
        if speaker is None:
            speaker = _previous_paragraph_speaker(text, prose, sentence, anchors, cast)
        if speaker is not None:
            previous_speaker = (sentence.paragraph, speaker)
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
    """One reported or denial statement per sentence, unless the sentence only attributes a quote."""
    if not sentence.text.rstrip("”’\"' ").endswith((".", "!", "?")):
        return  # headlines and captions without a sentence ending
    speech_text = outside_quotes(text, sentence, anchors.quotes)
    denial = _DENIAL.search(speech_text)
    according = _ACCORDING.search(text, sentence.start, sentence.end)
    subject, verb_at = _subject_speaker(text, sentence, anchors, cast)
    if denial and subject:
        kind, speaker = "denial", subject
    elif bare_quote:
        return  # "“…,” X said": the quote itself is the statement
    elif according and (source := _according_speaker(text, according, anchors, cast)):
        kind, speaker = "reported", source
    elif subject and verb_at is not None and not _reports_results(text, verb_at, sentence):
        kind, speaker = "reported", subject
    else:
        return
    yield StatementDraft(
        kind=kind, speaker=speaker, text=sentence.text, start=sentence.start, end=sentence.end,
        sentence=sentence, date=date_in(anchors.times, sentence),
    )


def _bare_attribution(text: str, sentence: Sentence, quotes: Sequence[QuoteAnchor]) -> bool:
    """True when the sentence is a quote plus its attribution ("“…,” X said", "X said: “…”"), with no
    claim of its own outside the quote marks."""
    if not quotes:
        return False
    if quotes[0].start <= sentence.start + 1:
        return True
    lead = text[sentence.start : quotes[0].start].rstrip()
    return lead.endswith((":", ",")) and len(lead.split()) <= 12


def _reports_results(text: str, verb_at: int, sentence: Sentence) -> bool:
    """ "X reported third-quarter revenue of ..." is an earnings release, not a claim."""
    return text.startswith(("reported", "posted"), verb_at) and bool(
        STRONG_EVENTS["earnings"].match(text, verb_at, sentence.end))


def _quote_speaker(
    text: str, quote: QuoteAnchor, sentence: Sentence, anchors: Anchors, cast: Cast
) -> tuple[str | None, bool]:
    """The speaker of a quote from its attribution, and whether the attribution is adjacent (confident)."""
    attributed = _attribution_after(text, quote, anchors, cast)
    if attributed is not None:
        return attributed, True
    start = min(sentence.start, quote.start)
    before = [n for n in anchors.names if start <= n.start < quote.start and cast.is_speaker(n)]
    verb = SPEECH.search(outside_quotes(text, sentence, anchors.quotes), 0, max(0, quote.start - sentence.start))
    if verb:
        verb_at = sentence.start + verb.start()
        subjects = [n for n in before if n.start < verb_at]
        if subjects:
            return cast.canonical(_subject_of(text, subjects, verb_at)), True
        if _PRONOUN_SUBJECT.search(text, start, verb_at):
            return _last_person_before(text, quote.start, anchors, cast), False
    if before:
        return cast.canonical(before[-1]), False  # no speech verb: the nearest name is the likeliest speaker
    return None, False


def _attribution_after(text: str, quote: QuoteAnchor, anchors: Anchors, cast: Cast) -> str | None:
    """ "…,” said X", "…,” X said", "…,” X, the chief officer in Y, told reporters", "…,” she said"."""
    end = next((s.end for s in anchors.sentences if s.start < quote.end <= s.end), quote.end)
    after = text[quote.end : min(end, quote.end + 200)].split("\n", 1)[0]
    verb = SPEECH.search(after)
    if verb is None or verb.start() > 120 or any(q.start < quote.end + verb.start() for q in anchors.quotes
                                                 if q.start >= quote.end):
        return None
    verb_at = quote.end + verb.start()
    speakers = [n for n in anchors.names if quote.end <= n.start < quote.end + len(after) and cast.is_speaker(n)]
    before = [n for n in speakers if n.start < verb_at]
    if before:
        return cast.canonical(_subject_of(text, before, verb_at))
    if _PRONOUN_SPEECH.match(after):
        return _last_person_before(text, quote.start, anchors, cast)
    following = [n for n in speakers if verb_at < n.start <= verb_at + 60]
    return cast.canonical(following[0]) if following and not after[: verb.start()].strip(" ,”’\"'") else None


def _subject_speaker(text: str, sentence: Sentence, anchors: Anchors, cast: Cast) -> tuple[str | None, int | None]:
    """The name before the first speech verb outside quotes, and where that verb is."""
    outside = outside_quotes(text, sentence, anchors.quotes)
    verb = SPEECH.search(outside)
    if verb is None:
        return None, None
    verb_at = sentence.start + verb.start()
    names = [n for n in anchors.names if sentence.start <= n.start < verb_at and cast.is_speaker(n)]
    if names:
        return cast.canonical(_subject_of(text, names, verb_at)), verb_at
    if _PRONOUN_SUBJECT.search(outside[: verb.start()]):
        return _last_person_before(text, sentence.start, anchors, cast), verb_at
    return _described_subject(text, sentence.start, verb_at, anchors, cast), verb_at


_LEAD_CLAUSE = re.compile(r"^(?:[^,]{0,60},\s+)?(?:(?:however|meanwhile|also|separately),?\s+)?", re.IGNORECASE)
_DESCRIBED = re.compile(r"^(?:the |a |an )?((?:[\w’'-]+ ){0,4}?[\w’'-]+?)(?: also| have| has| had| later| then|"
                        r" repeatedly| firmly| quickly| previously| initially| again)*\s*$", re.IGNORECASE)
_SPEAKER_HEADS = re.compile(
    r"(?:officials?|groups?|ministry|government|commission|committee|council|court|company|alliance|union|"
    r"spokes(?:man|woman|person)|lawyers?|lawmakers|analysts?|economists?|residents|police|agency|office|"
    r"presidency|authorit(?:y|ies)|statement|readout|observers|board|bank|party|campaign|club|regulator|"
    r"prosecutors?|critics|opposition|investors|unions|employers|experts|researchers|scientists)$",
    re.IGNORECASE,
)


# What may stand between a subject and its verb: "Iran has formally requested", "Baku also insisted".
_AUX_ONLY = re.compile(r"[\s,]*(?:(?:has|have|had|also|again|then|now|later|repeatedly|\w+ly)[\s,]+)*")


def _subject_of(text: str, names: Sequence[NameAnchor], verb_at: int) -> NameAnchor:
    """The name that is the subject of a speech verb: the one right before it ("Redbank chief executive
    Paul Sheridan said"), else the first of the clause ("Sheridan, who joined in 2019, said")."""
    adjacent = not text[names[-1].end : verb_at].strip(" ,")
    return names[-1] if adjacent else names[0]


def _described_subject(text: str, start: int, verb_at: int, anchors: Anchors, cast: Cast) -> str | None:
    """A subject without a name: "Environmental groups said", "The commission rejected" (which, when the
    article names a "State Election Commission", is that organisation), or a country: "Baku insisted"."""
    lead = text[start:verb_at]
    places = [n for n in anchors.names if start <= n.start < verb_at and n.kind == "place"]
    if places and _AUX_ONLY.fullmatch(text[places[-1].end : verb_at]) and len(lead.split()) <= 6:
        return places[-1].name
    clause = lead[_LEAD_CLAUSE.match(lead).end() if _LEAD_CLAUSE.match(lead) else 0 :]  # type: ignore[union-attr]
    described = _DESCRIBED.match(clause)
    if not described or any(ch.isdigit() for ch in clause):
        return None
    phrase = described.group(1).strip()
    if not _SPEAKER_HEADS.search(phrase):
        return None
    head = phrase.split()[-1].lower()
    known = [org for org in cast.organisations if org.split()[-1].lower() == head]
    if len(known) == 1:
        return known[0]
    if not known and head in _DEFINITE_ORGS and re.match(r"(?i)the\s", clause) and len(phrase.split()) == 1:
        return _main_organisation(start, anchors, cast) or phrase
    return phrase


# "The company said", "the agency said": a definite reference to the organisation the story is about.
_DEFINITE_ORGS = frozenset(
    "company agency firm group bank club regulator ministry union airline carrier lender insurer retailer "
    "manufacturer miner maker producer operator government department board".split()
)


def _main_organisation(before: int, anchors: Anchors, cast: Cast) -> str | None:
    """The organisation a story is about: the first name the lead sentence gives that is neither a person
    nor a place ("Health Canada on Tuesday ordered ...", "Norvale Systems reported ..."), else the only
    organisation named before ``before``."""
    lead = next((s for s in anchors.sentences if not s.boilerplate), None)
    if lead is not None:
        for name in anchors.names:
            if lead.start <= name.start < min(lead.end, before) and name.kind not in ("place", "person") \
                    and not name.title and _capitalised_words(name.name) and name.name not in cast.given_first:
                return cast.canonical(name)
    named = {cast.canonical(n) for n in anchors.names if n.start < before and n.kind == "organisation"}
    return named.pop() if len(named) == 1 else None


def _capitalised_words(name: str) -> bool:
    return all(word[:1].isupper() for word in name.split()) and name.split()[0] not in _MONTH_WORDS


_MONTH_WORDS = frozenset("Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June "
                         "July August September October November December".split())


def _according_speaker(text: str, match: re.Match[str], anchors: Anchors, cast: Cast) -> str | None:
    """Who "according to ..." cites: a name in the phrase, or a source described in words, else nobody
    ("according to the size of their economies" cites no one)."""
    named = [n for n in anchors.names if match.start(1) <= n.start < match.end(1) and n.kind != "place"]
    people = [n for n in named if n.kind == "person" or surname(n.name) in cast.people]
    if named:
        return cast.canonical((people or named)[0])
    phrase = match.group(1).strip()
    return phrase if _SOURCE_NOUN.search(phrase) else None


def _last_person_before(text: str, pos: int, anchors: Anchors, cast: Cast) -> str | None:
    """The last person named before ``pos``, for "he said" / "she said": organisations do not say "she"."""
    people = [n for n in anchors.names if n.end <= pos and n.kind not in ("place", "organisation")
              and cast.is_speaker(n) and not _is_possessive(text, n)]
    return cast.canonical(people[-1]) if people else None


def _is_possessive(text: str, name: NameAnchor) -> bool:
    """ "Health Canada’s chief medical adviser": a possessive name modifies the noun after it."""
    return text[name.end : name.end + 2] in ("’s", "'s")  # find_names keeps the possessive out of the span


def _previous_paragraph_speaker(
    text: str, prose: Sequence[Sentence], sentence: Sentence, anchors: Anchors, cast: Cast
) -> str | None:
    """A quote standing alone in its paragraph: the speaker of the paragraph before, i.e. the subject of
    its last sentence with a speech verb ("Justice Tan said Ong had abused ..." then "“The accused ...”")."""
    before = [s for s in prose if s.paragraph == sentence.paragraph - 1]
    for previous in reversed(before):
        speaker, verb_at = _subject_speaker(text, previous, anchors, cast)
        if speaker is not None and verb_at is not None:
            return speaker
    return None
