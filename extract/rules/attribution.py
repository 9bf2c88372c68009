"""Statement drafts: who said what, by wire-copy attribution rules.

Input: an article's text, anchors, prose sentences and cast. Output: :class:`StatementDraft` records
(quotes, reported speech, denials) and :func:`source_of`, who a sentence cites (for figures).

Attribution follows wire-copy conventions: "…,” said X", "X said", "according to X", a sentence subject
before a speech verb, "he/she said" resolved to the last person named, and a quote that continues the
previous speaker's words in the same paragraph.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.anchors import Anchors, NameAnchor, QuoteAnchor, Sentence
from extract.anchors.names import speaks_as_state, surname
from extract.lexicon import AFTER_QUOTE_VERBS, DENIAL_VERBS, SPEECH_VERBS, STRONG_EVENTS
from extract.rules.common import date_in, find_speech, outside_quotes, sentence_of
from extract.rules.drafts import Cast, StatementDraft

_DENIAL = re.compile(rf"\b(?:{DENIAL_VERBS})\b")
_ACCORDING = re.compile(r"\b[Aa]ccording to (?:the |a |an )?([^,.;:]{2,90}?)(?:,|\.|;|$)")
_PRONOUN_SPEECH = re.compile(rf"^\s*,?\s*(?:he|she|they)\s+(?:{SPEECH_VERBS})\b", re.IGNORECASE)
_SOURCE_NOUN = re.compile(
    r"\b(?:officials?|sources?|data|figures|statistics|statement|report|study|survey|poll|estimates?|police|"
    r"ministry|agency|office|government|presidency|readout|media|analysts?|economists?|experts?|researchers?|"
    r"spokes(?:man|woman|person)|authorit(?:y|ies)|people familiar|documents?|filings?|records?|results|"
    r"newspaper|broadcaster|television|radio|observers|monitors?|organi[sz]ers|company|union|council|court|"
    r"person familiar|department|service|institute|bureau|association|firm|witnesses|residents)\b",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT = re.compile(r"\b(?:He|She|he|she)\b")
_IT_SUBJECT = re.compile(r"\b(?:It|it)\s+(?:(?:also|then|later|further|has|had)\s+)*$")
_AFTER_QUOTE = re.compile(rf"\b(?:{AFTER_QUOTE_VERBS})\b")
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
    previous: _Previous | None = None  # the last attributed quote: paragraph, speaker, end
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
            previous = _Previous(sentence.paragraph, speaker, quote.end)
        yield StatementDraft(
            kind="quote", speaker=speaker, text=quote.inner, start=quote.start, end=quote.end,
            sentence=sentence, date=date_in(anchors.times, sentence), quote=quote, confident=confident,
            candidates=options,
        )
    long_quotes = [q for q in anchors.quotes if len(q.inner.split()) >= MIN_QUOTE_WORDS]
    for sentence in prose:
        inside = [q for q in long_quotes if q.start < sentence.end and sentence.start < q.end]
        yield from _reported(text, sentence, anchors, cast, bare_quote=_bare_attribution(text, sentence, inside))


@dataclass(frozen=True)
class _Previous:
    paragraph: int
    speaker: str
    end: int


def _reported(
    text: str, sentence: Sentence, anchors: Anchors, cast: Cast, *, bare_quote: bool
) -> Iterable[StatementDraft]:
    """One reported or denial statement per sentence, unless the sentence only attributes a quote.

    Where one speech act is relayed through another ("X told Y that ..., according to the official"),
    the statement is the innermost speaker's (X); "according to X, <fact>" alone is X's."""
    if not sentence.text.rstrip("”’\"' ").endswith((".", "!", "?")):
        return  # headlines and captions without a sentence ending
    speech_text = outside_quotes(text, sentence, anchors.quotes)
    denial = _DENIAL.search(speech_text)
    according = _ACCORDING.search(text, sentence.start, sentence.end)
    subject, verb_at = _subject_speaker(text, sentence, anchors, cast)
    if according and verb_at is not None and according.start() <= verb_at:
        subject = subject if subject and not _inside(according, verb_at) else None
    if denial and subject:
        kind, speaker = "denial", subject
    elif bare_quote:
        return  # "“…,” X said": the quote itself is the statement
    elif subject and verb_at is not None and not _reports_results(text, verb_at, sentence):
        kind, speaker = "reported", subject
    elif according and (source := _according_speaker(text, according, anchors, cast)):
        kind, speaker = "reported", source
    elif (passive := _passive_speaker(text, sentence, anchors, cast)) is not None:
        kind, speaker = "reported", passive
    else:
        return
    yield StatementDraft(
        kind=kind, speaker=speaker, text=sentence.text, start=sentence.start, end=sentence.end,
        sentence=sentence, date=date_in(anchors.times, sentence),
    )


def _inside(match: re.Match[str], pos: int) -> bool:
    return match.start() <= pos < match.end()


# "The findings were reported in ... by Daniele Fanelli", "It is noted in the charging documents that ...".
_PASSIVE_BY = re.compile(r"\b(?:was|were|has been|have been) (?:reported|announced|published|disclosed|revealed|"
                         r"stated|described)\b[^.;]{0,120}?\bby (?:the )?(?=[A-Z])")
_NOTED_IN = re.compile(r"\b[Ii]t (?:is|was) (?:noted|stated|alleged|reported|written) in (?:the |a )?"
                       r"([a-z][\w ]{2,40}?) (?:that|,)")


def _passive_speaker(text: str, sentence: Sentence, anchors: Anchors, cast: Cast) -> str | None:
    """The speaker of a passive speech act: "were reported ... by X" (X), "it is noted in the documents"."""
    passive = _PASSIVE_BY.search(text, sentence.start, sentence.end)
    if passive:
        named = _speaker_names(anchors, cast, passive.end(), passive.end() + 60)
        if named and named[0].start == passive.end():
            return cast.canonical(named[0])
    noted = _NOTED_IN.search(text, sentence.start, sentence.end)
    return noted.group(1).strip() if noted else None


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
    text: str, quote: QuoteAnchor, sentence: Sentence, anchors: Anchors, cast: Cast,
    previous: _Previous | None = None,
) -> tuple[str | None, bool]:
    """The speaker of a quote from its attribution, and whether the attribution is adjacent (confident).
    A name inside a quotation is never its speaker."""
    attributed = _attribution_after(text, quote, anchors, cast, previous)
    if attributed is not None:
        return attributed, True
    start = min(sentence.start, quote.start)
    before = _speaker_names(anchors, cast, start, quote.start)
    verb = find_speech(outside_quotes(text, sentence, anchors.quotes), 0, max(0, quote.start - sentence.start))
    if verb:
        verb_at = sentence.start + verb.start()
        subjects = [n for n in before if n.start < verb_at]
        if subjects and not _modifies_noun(text, subjects[-1], verb_at):
            return cast.canonical(_subject_of(text, subjects, verb_at)), True
        if _PRONOUN_SUBJECT.search(text, start, verb_at):
            return _he_said(text, start, anchors, cast, previous), False
        if _IT_SUBJECT.search(text, start, verb_at):
            return _it_said(text, sentence, anchors, cast), False
        described = _described_subject(text, sentence.start, verb_at, anchors, cast)
        if described:
            return described, True
    if before:
        return cast.canonical(before[-1]), False  # no speech verb: the nearest name is the likeliest speaker
    return None, False


def _attribution_after(
    text: str, quote: QuoteAnchor, anchors: Anchors, cast: Cast, previous: _Previous | None = None
) -> str | None:
    """ "…,” said X", "…,” X said", "…,” X, the chief officer in Y, told reporters", "…,” she said",
    "…” The Islanders’ head coach continued."."""
    end = next((s.end for s in anchors.sentences if s.start < quote.end <= s.end), quote.end)
    after = text[quote.end : min(end, quote.end + 200)].split("\n", 1)[0]
    verb = find_speech(after) or _AFTER_QUOTE.search(after)
    if verb is None or verb.start() > 120 or any(q.start < quote.end + verb.start() for q in anchors.quotes
                                                 if q.start >= quote.end):
        return None
    verb_at = quote.end + verb.start()
    speakers = _speaker_names(anchors, cast, quote.end, quote.end + len(after))
    before = [n for n in speakers if n.start < verb_at]
    if before and not _modifies_noun(text, before[-1], verb_at):
        return cast.canonical(_subject_of(text, before, verb_at))
    if _PRONOUN_SPEECH.match(after) or _PRONOUN_SUBJECT.match(after.lstrip(" ,")):
        return _he_said(text, quote.start, anchors, cast, previous)
    if re.match(r"\s*,?\s*it\b", after, re.IGNORECASE):
        return _it_said(text, next((s for s in anchors.sentences if s.start <= quote.start < s.end), None),
                        anchors, cast)
    following = [n for n in speakers if verb_at < n.start <= verb_at + 60]
    if following and not after[: verb.start()].strip(" ,”’\"'"):
        return cast.canonical(following[0])
    lead = after[: verb.start()].strip(" ,.”’\"'")
    if lead and len(lead.split()) <= 6:
        return _described_subject(text, quote.end + after.index(lead), verb_at, anchors, cast)
    return None


def _speaker_names(anchors: Anchors, cast: Cast, start: int, end: int) -> list[NameAnchor]:
    """The names in ``[start, end)`` that can speak and stand outside every quotation."""
    return [n for n in anchors.names if start <= n.start < end and cast.is_speaker(n)
            and not _quoted(n.start, anchors.quotes)]


def _quoted(pos: int, quotes: Sequence[QuoteAnchor]) -> bool:
    """Whether ``pos`` falls inside a quotation (quotes are in order and do not overlap)."""
    i = bisect.bisect_right(quotes, pos, key=lambda q: q.start) - 1
    return i >= 0 and quotes[i].start < pos < quotes[i].end


def _modifies_noun(text: str, name: NameAnchor, verb_at: int) -> bool:
    """ "The Mumbai City FC tactician revealed", "the SUV maker said": the name qualifies a noun, which is
    the subject; "Maryland State Police say" and "Dodge has confirmed" are not."""
    gap = text[name.end : verb_at]
    words = gap.split()
    return 1 <= len(words) <= 2 and all(w.isalpha() and w.islower() for w in words) \
        and not _AUX_ONLY.fullmatch(gap) and words[0] not in ("and", "or", "who", "which", "that")


def _he_said(text: str, pos: int, anchors: Anchors, cast: Cast, previous: _Previous | None) -> str | None:
    """Who "he said" is: the speaker of the quote just before unless another person is named (outside
    quotes) since, else the last person named."""
    if previous is not None:
        between = [n for n in _speaker_names(anchors, cast, previous.end, pos)
                   if n.kind not in ("place", "organisation") and not _is_possessive(text, n)]
        if not between:
            return previous.speaker
    return _last_person_before(text, pos, anchors, cast)


_DOCUMENTS = re.compile(r"\b(?:memo|letter|statement|release|e-?mail|post|tweet|note|report|message|notice)\b",
                        re.IGNORECASE)


def _it_said(text: str, sentence: Sentence | None, anchors: Anchors, cast: Cast) -> str | None:
    """Who "it said" is: the sender of a document the sentence before mentions ("Bascobert sent a memo ...
    It said"), else the nearest organisation named before (a company, a newspaper, an agency)."""
    if sentence is None:
        return None
    earlier = [s for s in anchors.sentences if s.end <= sentence.start and not s.boilerplate][-1:]
    if earlier and _DOCUMENTS.search(earlier[0].text):
        subject = _speaker_names(anchors, cast, earlier[0].start, earlier[0].end)
        if subject:
            return cast.canonical(_subject_of(text, subject, subject[-1].end))
    organisations = [n for n in _speaker_names(anchors, cast, 0, sentence.start)
                     if n.kind != "person" and not n.title and n.name not in cast.given_first
                     and surname(n.name) not in cast.people]
    return cast.canonical(organisations[-1]) if organisations else None


def _subject_speaker(text: str, sentence: Sentence, anchors: Anchors, cast: Cast) -> tuple[str | None, int | None]:
    """The name before the first speech verb outside quotes, and where that verb is.

    Also reads a sentence-final attribution ("..., an unnamed government official said.") and an
    inverted one ("..., reports the Wall Street Journal, ...")."""
    outside = outside_quotes(text, sentence, anchors.quotes)
    verb = find_speech(outside)
    if verb is None:
        return None, None
    verb_at = sentence.start + verb.start()
    final = _final_attribution(text, sentence, outside, verb, anchors, cast)
    if final is not None:
        return final, verb_at
    names = _speaker_names(anchors, cast, sentence.start, verb_at)
    if names and not _modifies_noun(text, names[-1], verb_at):
        return cast.canonical(_subject_of(text, names, verb_at)), verb_at
    if _PRONOUN_SUBJECT.search(outside[: verb.start()]):
        return _last_person_before(text, sentence.start, anchors, cast), verb_at
    if _IT_SUBJECT.match(outside[: verb.start()].strip() + " "):
        return _it_said(text, sentence, anchors, cast), verb_at
    if re.search(r",\s*$", outside[: verb.start()]):
        after = _speaker_names(anchors, cast, sentence.start + verb.end(), sentence.start + verb.end() + 30)
        if after and not text[sentence.start + verb.end() : after[0].start].strip(" the"):
            return cast.canonical(after[0]), verb_at  # inverted: "..., reports the Wall Street Journal"
    return _described_subject(text, sentence.start, verb_at, anchors, cast), verb_at


_FINAL_TAIL = re.compile(r"^(?:\s+(?:on|in|at|late|early|last|this|earlier|later|Monday|Tuesday|Wednesday|"
                         r"Thursday|Friday|Saturday|Sunday|a|an|the|news|statement|release|conference|interview|"
                         r"briefing|[A-Z][a-z]+))*\s*[.!?]?[\"”’]?\s*$")


def _final_attribution(
    text: str, sentence: Sentence, outside: str, verb: re.Match[str], anchors: Anchors, cast: Cast
) -> str | None:
    """ "At least 16 civilians were killed ..., an unnamed government official said.": the speaker is the
    phrase between the last comma and a verb that ends the sentence."""
    if not _FINAL_TAIL.match(outside[verb.end() :]):
        return None
    lead = outside[: verb.start()]
    comma = lead.rfind(",")
    if comma < 0 or len(lead[:comma].split()) < 4:
        return None
    phrase = lead[comma + 1 :].strip()
    start = sentence.start + comma + 1 + (len(lead[comma + 1 :]) - len(lead[comma + 1 :].lstrip()))
    if not phrase or len(phrase.split()) > 8:
        return None
    names = _speaker_names(anchors, cast, start, sentence.start + verb.start())
    if names:
        return cast.canonical(_subject_of(text, names, sentence.start + verb.start()))
    return _described_subject(text, start, sentence.start + verb.start(), anchors, cast)


# Role nouns that, with "the", point back at a person already named: "the Mumbai City FC tactician".
_PERSON_ROLES = frozenset(
    "coach manager tactician gaffer boss skipper captain striker forward player midfielder defender goalkeeper "
    "chief executive director chairman chairwoman founder president minister mayor governor senator spokesman "
    "spokeswoman spokesperson lawyer attorney author researcher scientist economist analyst singer actor".split()
)
_MEDIA_HEADS = frozenset("television radio newspaper broadcaster daily website network agency channel".split())
_LEAD_CLAUSE = re.compile(r"^(?:[^,]{0,60},\s+)?(?:(?:however|meanwhile|also|separately),?\s+)?", re.IGNORECASE)
_DESCRIBED = re.compile(r"^(?:the |a |an )?((?:[\w’'-]+ ){0,4}?[\w’'-]+?)(?: also| have| has| had| later| then|"
                        r" repeatedly| firmly| quickly| previously| initially| again)*\s*$", re.IGNORECASE)
_SPEAKER_HEADS = re.compile(
    r"(?:officials?|groups?|ministry|government|commission|committee|council|court|company|alliance|union|"
    r"spokes(?:man|woman|person)|lawyers?|lawmakers|analysts?|economists?|residents|police|agency|office|"
    r"presidency|authorit(?:y|ies)|statement|readout|observers|board|bank|party|campaign|club|regulator|"
    r"prosecutors?|critics|opposition|investors|unions|employers|experts|researchers|scientists|witnesses|"
    r"troopers?|deput(?:y|ies)|officers?|council(?:men|women|ors|lors)|firefighters|rescuers|investigators|"
    r"doctors|workers|organi[sz]ers|sources|documents|records|filings|maker|brand|firm|automaker|carmaker|"
    r"airline|insurer|lender|retailer|network|newspaper|broadcaster|television|radio|daily|website|"
    r"{roles})$".format(roles="|".join(sorted(_PERSON_ROLES))),
    re.IGNORECASE,
)


# What may stand between a subject and its verb: "Iran has formally requested", "Baku also insisted".
_AUX_ONLY = re.compile(r"[\s,]*(?:(?:has|have|had|also|again|then|now|later|repeatedly|\w+ly)[\s,]+)*")


def _subject_of(text: str, names: Sequence[NameAnchor], verb_at: int) -> NameAnchor:
    """The name that is the subject of a speech verb: the one right before it ("Redbank chief executive
    Paul Sheridan said"), else the first of the clause ("Sheridan, who joined in 2019, said")."""
    adjacent = not text[names[-1].end : verb_at].strip(" ,")
    if adjacent and len(names) > 1 and text[names[0].end : names[0].end + 1] == "," \
            and text[names[-1].end : verb_at].strip() == ",":
        return names[0]  # "Michael Reed, New Media’s chairman and CEO, said": the apposition names no one
    return names[-1] if adjacent else names[0]


def _described_subject(text: str, start: int, verb_at: int, anchors: Anchors, cast: Cast) -> str | None:
    """A subject without a name: "Environmental groups said", "The commission rejected" (which, when the
    article names a "State Election Commission", is that organisation), or a country: "Baku insisted"."""
    lead = text[start:verb_at]
    places = [n for n in anchors.names if start <= n.start < verb_at and n.kind == "place"]
    if places and _AUX_ONLY.fullmatch(text[places[-1].end : verb_at]) and len(lead.split()) <= 6 \
            and speaks_as_state(places[-1].name):
        return places[-1].name  # "Baku insisted", "Iran has formally requested"; not "North Carolina said"
    clause = lead[_LEAD_CLAUSE.match(lead).end() if _LEAD_CLAUSE.match(lead) else 0 :]  # type: ignore[union-attr]
    media = _MEDIA_PHRASE.match(clause.strip())
    if media and media.group(2).lower() in _MEDIA_HEADS and media.group(1).split()[0] not in ("The", "A", "An"):
        return media.group(1)  # "Channel 12 television reported": the outlet
    described = _DESCRIBED.match(clause)
    if not described or any(ch.isdigit() for ch in clause):
        return None
    phrase = described.group(1).strip()
    if not _SPEAKER_HEADS.search(phrase):
        return None
    head = phrase.split()[-1].lower()
    definite = bool(re.match(r"(?i)the\s", clause)) or _POSSESSOR.match(clause) is not None
    named = [n for n in anchors.names if start <= n.start < verb_at and n.kind != "place"]
    if named and head in _MEDIA_HEADS:
        return text[named[0].start : start + lead.rindex(phrase.split()[-1])].strip()  # "Channel 12 television"
    if definite and head in _PERSON_ROLES:
        return _last_person_before(text, start, anchors, cast) or phrase
    if definite:
        earlier = _earlier_description(text, start, head)
        if earlier:
            return earlier  # "the deputy" is "a Carroll County Sheriff’s Office deputy" named before
    known = [org for org in cast.organisations if org.split()[-1].lower() == head]
    if len(known) == 1:
        return known[0]
    if named and head in _DEFINITE_ORGS:
        return phrase  # "the Unite union", "the Pajhwok news agency": the name with its noun
    if not known and head in _DEFINITE_ORGS and definite and len(phrase.split()) == 1:
        return _main_organisation(start, anchors, cast) or phrase
    return phrase


_MEDIA_PHRASE = re.compile(r"^(?:the\s+)?([A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|\d+))*)\s+([a-z]+)$")
_POSSESSOR = re.compile(r"(?:the\s+)?[A-Z][\w’'. -]*[’']s?\s")


def _earlier_description(text: str, before: int, head: str) -> str | None:
    """The indefinite first mention of a described speaker: "a Carroll County Sheriff’s Office deputy"."""
    window = text[max(0, before - 3000) : before]
    found = list(re.finditer(rf"\b(?:[Aa]|[Aa]n)\s+((?:[A-Z][\w’'.-]*\s+){{1,6}}{re.escape(head)})\b", window))
    return found[-1].group(1) if found else None


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
              and cast.is_speaker(n) and not _is_possessive(text, n) and not _quoted(n.start, anchors.quotes)]
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
        if all(_quoted(s.start + 1, anchors.quotes) or text[s.start] in "“\"‘'" for s in lines):
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
