"""Who speaks: the subject of a speech verb, and what pronouns and definite descriptions point back at.

Input: an article's text, anchors and cast, and a sentence or a position in it. Output: a speaker's name as
the article gives it (or a described speaker, "opposition lawmakers"), or None. The statement rules in
``attribution`` and the figure rules (who a figure is cited to) ask these lookups.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from extract.anchors import Anchors, NameAnchor, QuoteAnchor, Sentence
from extract.anchors.names import TITLE_HEADS, speaks_as_state, surname
from extract.rules.common import find_main_speech, outside_quotes
from extract.rules.drafts import Cast

ACCORDING = re.compile(r"\b[Aa]ccording to (?:the |a |an )?([^,.;:]{2,90}?)(?:,|\.|;|$)")
_SOURCE_NOUN = re.compile(
    r"\b(?:officials?|sources?|data|figures|statistics|statement|report|study|survey|poll|estimates?|police|"
    r"ministry|agency|office|government|presidency|readout|media|analysts?|economists?|experts?|researchers?|"
    r"spokes(?:man|woman|person)|authorit(?:y|ies)|people familiar|documents?|filings?|records?|results|"
    r"newspaper|broadcaster|television|radio|observers|monitors?|organi[sz]ers|company|union|council|court|"
    r"person familiar|department|service|institute|bureau|association|firm|witnesses|residents)\b",
    re.IGNORECASE,
)
PRONOUN_SUBJECT = re.compile(r"\b(?:He|She|he|she)\b")
IT_SUBJECT = re.compile(r"\b(?:It|it)\s+(?:(?:also|then|later|further|has|had)\s+)*$")


@dataclass(frozen=True)
class Previous:
    paragraph: int
    speaker: str
    end: int


# "The findings were reported in ... by Daniele Fanelli", "It is noted in the charging documents that ...".
_PASSIVE_BY = re.compile(r"\b(?:was|were|has been|have been) (?:reported|announced|published|disclosed|revealed|"
                         r"stated|described)\b[^.;]{0,120}?\bby (?:the )?(?=[A-Z])")
_NOTED_IN = re.compile(r"\b[Ii]t (?:is|was) (?:noted|stated|alleged|reported|written) in (?:the |a )?"
                       r"([a-z][\w ]{2,40}?) (?:that|,)")


def passive_speaker(text: str, sentence: Sentence, anchors: Anchors, cast: Cast) -> str | None:
    """The speaker of a passive speech act: "were reported ... by X" (X), "it is noted in the documents"."""
    passive = _PASSIVE_BY.search(text, sentence.start, sentence.end)
    if passive:
        named = speaker_names(anchors, cast, passive.end(), passive.end() + 60)
        if named and named[0].start == passive.end():
            return cast.canonical(named[0])
    noted = _NOTED_IN.search(text, sentence.start, sentence.end)
    return noted.group(1).strip() if noted else None


def speaker_names(anchors: Anchors, cast: Cast, start: int, end: int) -> list[NameAnchor]:
    """The names in ``[start, end)`` that can speak and stand outside every quotation."""
    return [n for n in anchors.names if start <= n.start < end and cast.is_speaker(n)
            and not quoted(n.start, anchors.quotes)]


def _bare_subject(text: str, anchors: Anchors, sentence: Sentence, verb_at: int) -> list[NameAnchor]:
    """A one-word name the cast does not know, right before the verb: "Dodge has confirmed", "Jeep is
    touting" (a company, a brand, a club); never a place."""
    return [n for n in anchors.names if sentence.start <= n.start < verb_at and n.kind == "unknown"
            and " " not in n.name and not quoted(n.start, anchors.quotes)
            and _ADJACENT.fullmatch(text[n.end : verb_at])]


def quoted(pos: int, quotes: Sequence[QuoteAnchor]) -> bool:
    """Whether ``pos`` falls inside a quotation (quotes are in order and do not overlap)."""
    i = bisect.bisect_right(quotes, pos, key=lambda q: q.start) - 1
    return i >= 0 and quotes[i].start < pos < quotes[i].end


def modifies_noun(text: str, name: NameAnchor, verb_at: int) -> bool:
    """ "The Mumbai City FC tactician revealed", "the SUV maker said": the name qualifies a noun, which is
    the subject; "Maryland State Police say" and "Dodge has confirmed" are not."""
    gap = text[name.end : verb_at]
    words = gap.split()
    return 1 <= len(words) <= 2 and all(w.isalpha() and w.islower() for w in words) \
        and not _AUX_ONLY.fullmatch(gap) and words[0] not in ("and", "or", "who", "which", "that")


def he_said(text: str, pos: int, anchors: Anchors, cast: Cast, previous: Previous | None) -> str | None:
    """Who "he said" is: the speaker of the quote just before unless another person is named (outside
    quotes) since, else the last person named."""
    if previous is not None:
        between = [n for n in speaker_names(anchors, cast, previous.end, pos)
                   if cast.person_like(n) and not _is_possessive(text, n)]
        if not between:
            return previous.speaker
    return last_person_before(text, pos, anchors, cast)


_DOCUMENTS = re.compile(r"\b(?:memo|letter|statement|release|e-?mail|post|tweet|note|report|message|notice)\b",
                        re.IGNORECASE)


def it_said(text: str, sentence: Sentence | None, anchors: Anchors, cast: Cast, verb: str | None = None) -> str | None:
    """Who "it said" is: the sender of a document the sentence before mentions ("Bascobert sent a memo ...
    It said"), else the organisation that spoke in the sentence before (with the same verb when it has one:
    "the Berlin Marathon tweeted ..., per CNN. ... it tweeted"), else the nearest organisation named before
    (a company, a newspaper, an agency)."""
    if sentence is None:
        return None
    earlier = [s for s in anchors.sentences if s.end <= sentence.start and not s.boilerplate][-1:]
    if earlier and _DOCUMENTS.search(earlier[0].text):
        subject = speaker_names(anchors, cast, earlier[0].start, earlier[0].end)
        if subject:
            return cast.canonical(subject_of(text, subject, subject[-1].end))
    if earlier:
        spoke = _organisation_that_spoke(text, earlier[0], anchors, cast, verb)
        if spoke is not None:
            return spoke
    organisations = [n for n in speaker_names(anchors, cast, 0, sentence.start) if _organisation_like(n, cast)]
    return cast.canonical(organisations[-1]) if organisations else None


def _organisation_like(name: NameAnchor, cast: Cast) -> bool:
    return not cast.person_like(name) and name.name not in cast.given_first


def _organisation_that_spoke(
    text: str, sentence: Sentence, anchors: Anchors, cast: Cast, verb: str | None
) -> str | None:
    """The organisation subject of a speech verb in ``sentence``: of ``verb`` itself when the sentence uses
    it, else of its first main speech verb."""
    outside = outside_quotes(text, sentence, anchors.quotes)
    found = None
    if verb:
        found = next((m for m in re.finditer(rf"\b{re.escape(verb)}\b", outside)), None)
    found = found or find_main_speech(outside)
    if found is None:
        return None
    verb_at = sentence.start + found.start()
    names = [n for n in speaker_names(anchors, cast, sentence.start, verb_at)
             if _AUX_ONLY.fullmatch(text[n.end : verb_at])]
    if names and _organisation_like(names[-1], cast):
        return cast.canonical(names[-1])
    return None


def subject_speaker(text: str, sentence: Sentence, anchors: Anchors, cast: Cast) -> tuple[str | None, int | None]:
    """The name before the first main-clause speech verb outside quotes, and where that verb is.

    Also reads a sentence-final attribution ("..., an unnamed government official said."), an inverted one
    ("..., reports the Wall Street Journal, ..."), and a described subject ("Councilmen we talked to say",
    "..., and in the charging documents the deputy noted")."""
    outside = outside_quotes(text, sentence, anchors.quotes)
    verb = find_main_speech(outside)
    if verb is None:
        return None, None
    verb_at = sentence.start + verb.start()
    cited = _cited(text, sentence.start, outside, verb.end(), anchors, cast)
    if cited is not None:
        return cited, verb_at
    final = _final_attribution(text, sentence, outside, verb, anchors, cast)
    if final is not None:
        return final, verb_at
    names = speaker_names(anchors, cast, sentence.start, verb_at) or _bare_subject(text, anchors, sentence, verb_at)
    if names and not modifies_noun(text, names[-1], verb_at):
        return cast.canonical(subject_of(text, names, verb_at)), verb_at
    if PRONOUN_SUBJECT.search(outside[: verb.start()]):
        return last_person_before(text, sentence.start, anchors, cast), verb_at
    if IT_SUBJECT.match(outside[: verb.start()].strip() + " "):
        return it_said(text, sentence, anchors, cast, verb.group()), verb_at
    if verb.group().endswith("ing") and re.search(r",\s*$", outside[: verb.start()]):
        opening = _opening_subject(text, sentence.start, verb_at, anchors, cast)
        if opening is not None:
            return opening, verb_at  # "..., the Azerbaijani government released a readout, denying ..."
    if re.search(r",\s*$", outside[: verb.start()]):
        after = speaker_names(anchors, cast, sentence.start + verb.end(), sentence.start + verb.end() + 30)
        if after and not text[sentence.start + verb.end() : after[0].start].strip(" the"):
            return cast.canonical(after[0]), verb_at  # inverted: "..., reports the Wall Street Journal"
    described = described_subject(text, sentence.start, verb_at, anchors, cast)
    if described is None:
        breaks = list(_CLAUSE_BREAK.finditer(outside, max(0, verb.start() - 300), verb.start()))
        if breaks:
            clause = breaks[-1]
            described = described_subject(text, sentence.start + clause.end(), verb_at, anchors, cast)
    return described, verb_at


def _opening_subject(text: str, start: int, verb_at: int, anchors: Anchors, cast: Cast) -> str | None:
    """The subject a participle ("..., denying the allegations") shares with its sentence: the name or the
    described speaker that opens the main clause."""
    lead = text[start:verb_at]
    lead_clause = _LEAD_CLAUSE.match(lead)
    begin = start + (lead_clause.end() if lead_clause else 0)
    opening = [n for n in speaker_names(anchors, cast, begin, verb_at) if n.start - begin <= 4]
    if opening:
        return cast.canonical(opening[0])
    ends = [m.start() for m in re.finditer(r"\s", text[begin : min(verb_at, begin + 60)])]
    for end in ends[1:6]:
        phrase = described_subject(text, begin, begin + end, anchors, cast)
        if phrase is not None:
            return phrase
    return None


def inner_subject(text: str, start: int, verb_at: int, anchors: Anchors, cast: Cast) -> str | None:
    """The subject right before a verb inside a reported clause: "said that Azerbaijan had denied" gives
    Azerbaijan (a speaker name, or a country or capital)."""
    names = [n for n in anchors.names if start <= n.start < verb_at and not quoted(n.start, anchors.quotes)
             and (cast.is_speaker(n) or speaks_as_state(n.name)) and _ADJACENT.fullmatch(text[n.end : verb_at])]
    return cast.canonical(names[-1]) if names else None


# Where the clause that holds a verb begins: after the last ", and", "; " or " and " before it.
_CLAUSE_BREAK = re.compile(r"[,;]\s+(?:(?:and|but|so)\s+)?|\s(?:and|but)\s+")


_FINAL_TAIL = re.compile(r"^(?:\s+(?:on|in|at|late|early|last|this|earlier|later|Monday|Tuesday|Wednesday|"
                         r"Thursday|Friday|Saturday|Sunday|a|an|the|news|statement|release|conference|interview|"
                         r"briefing|[A-Z][a-z]+))*(?:\s*,\s+[a-z]+ing\b.*|\s*[.!?]?[\"”’]?\s*)$")
# "..., the Pajhwok news agency reported, citing a government official": the cited source speaks.
_CITED_AS = re.compile(r"\s+(?:the\s+|a\s+|an\s+)?([^,.;:]{2,80}?)\s+as\s+(?:saying|telling|stating)\b")
_CITING = re.compile(r"(?:\s+[\w’'-]+){0,3}?,?\s+citing\s+(?:the\s+|a\s+|an\s+)?([^,.;:]{2,80}?)(?=[,.;:]|\s*$)")


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
    names = speaker_names(anchors, cast, start, sentence.start + verb.start())
    if names and not modifies_noun(text, names[-1], sentence.start + verb.start()):
        return cast.canonical(subject_of(text, names, sentence.start + verb.start()))
    return described_subject(text, start, sentence.start + verb.start(), anchors, cast)


def _cited(text: str, offset: int, outside: str, after_verb: int, anchors: Anchors, cast: Cast) -> str | None:
    """The source a speech act relays ("reported, citing a government official", "cited an unnamed
    official as saying"): a name in the cited phrase, else the phrase when it describes a speaker
    ("government official", "sources")."""
    citing = _CITING.match(outside, after_verb) or _CITED_AS.match(outside, after_verb)
    if citing is None:
        return None
    start, end = offset + citing.start(1), offset + citing.end(1)
    names = speaker_names(anchors, cast, start, end)
    if names:
        return cast.canonical(names[0])
    phrase = citing.group(1).strip()
    return phrase if _SPEAKER_HEADS.search(phrase) or _SOURCE_NOUN.search(phrase) else None


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
    r"(?:officials?|groups?|ministry|government|department|service|bureau|institute|administration|commission|committee|council|court|company|alliance|union|"
    r"spokes(?:man|woman|person)|lawyers?|lawmakers|analysts?|economists?|residents|police|agency|office|"
    r"presidency|authorit(?:y|ies)|statement|readout|observers|board|bank|party|campaign|club|regulator|"
    r"prosecutors?|critics|opposition|investors|unions|employers|experts|researchers|scientists|witnesses|"
    r"supporters|opponents|protesters|activists|advocates|campaigners|demonstrators|parents|students|teachers|"
    r"neighbou?rs|locals|farmers|fans|shareholders|patients|nurses|survivors|families|"
    r"troopers?|deput(?:y|ies)|officers?|council(?:men|women|ors|lors)|firefighters|rescuers|investigators|"
    r"doctors|workers|organi[sz]ers|sources|documents|records|filings|summary|complaint|affidavit|indictment|"
    r"memo|maker|brand|firm|automaker|carmaker|"
    r"airline|insurer|lender|retailer|network|newspaper|broadcaster|television|radio|daily|website|"
    r"{roles})$".format(roles="|".join(sorted(_PERSON_ROLES))),
    re.IGNORECASE,
)


# What may stand between a subject and its verb: "Iran has formally requested", "Baku also insisted".
_AUX = r"(?:has|have|had|is|are|was|were|will|would|can|could|may|might|must|should|did|does|do|also|again|then|" \
       r"now|later|repeatedly|\w+ly)"
_AUX_ONLY = re.compile(rf"[\s,]*(?:{_AUX}[\s,]+)*")
# Between a name and its verb: nothing but auxiliaries ("Paul Sheridan has said"), or an apposition or
# relative clause set off by commas ("Michael Reed, New Media’s chairman and CEO, said").
_ADJACENT = re.compile(rf"\s*(?:{_AUX}\s+)*")
_APPOSITION = re.compile(rf"\s*,[^;:“”\"\n]{{1,120}}?,\s*(?:{_AUX}\s+)*")


_OF_BEFORE = re.compile(r"\b(?:of|at|with|for|from)\s+(?:the\s+)?\Z")


def subject_of(text: str, names: Sequence[NameAnchor], verb_at: int) -> NameAnchor:
    """The name that is the subject of a speech verb: the one right before it ("Redbank chief executive
    Paul Sheridan said"), or the one an apposition follows ("Sheridan, who joined in 2019, said", "Michael
    Reed, chairman of New Media, said"), else the first of the clause."""
    for index in range(len(names) - 1, -1, -1):
        name = names[index]
        gap = text[name.end : verb_at]
        if _ADJACENT.fullmatch(gap) or _APPOSITION.fullmatch(gap):
            described = next((n for n in names[:index] if text.startswith(", ", n.end)), None)
            words = name.text.split()
            title_of = len(words) > 2 and words[0] in TITLE_HEADS and words[1] == "of"  # "President of the X"
            if described is not None and (title_of or _OF_BEFORE.search(text, max(0, name.start - 12), name.start)):
                return described  # "Khalid Al-Falih, Minister of Energy and President of the OPEC Conference said"
            return name
        if gap.strip() == "," and text[max(0, name.start - 2) : name.start] == ", " \
                and not any(other.end == name.start - 2 for other in names):
            return name  # the name is the apposition: "Ong’s lawyer, Lee Kok Wah, said"
    return names[0]


def described_subject(text: str, start: int, verb_at: int, anchors: Anchors, cast: Cast) -> str | None:
    """A subject without a name: "Environmental groups said", "The commission rejected" (which, when the
    article names a "State Election Commission", is that organisation), or a country: "Baku insisted"."""
    lead = text[start:verb_at]
    places = [n for n in anchors.names if start <= n.start < verb_at and n.kind == "place"]
    if places and _AUX_ONLY.fullmatch(text[places[-1].end : verb_at]) and len(lead.split()) <= 6 \
            and speaks_as_state(places[-1].name):
        return places[-1].name  # "Baku insisted", "Iran has formally requested"; not "North Carolina said"
    clause = lead[_LEAD_CLAUSE.match(lead).end() if _LEAD_CLAUSE.match(lead) else 0 :]  # type: ignore[union-attr]
    clause = clause[_LEAD_PHRASE.match(clause).end() if _LEAD_PHRASE.match(clause) else 0 :]  # type: ignore[union-attr]
    relative = _RELATIVE.match(clause.strip())
    if relative and _SPEAKER_HEADS.search(relative.group(1)):
        clause = relative.group(1)  # "Councilmen we talked to say", "Residents who live nearby said"
    media = _MEDIA_PHRASE.match(clause.strip())
    if media and media.group(2).lower() in _MEDIA_HEADS and media.group(1).split()[0] not in ("The", "A", "An"):
        return media.group(1)  # "Channel 12 television reported": the outlet
    described = _DESCRIBED.match(clause)
    if not described or any(ch.isdigit() for ch in clause):
        return None
    phrase = described.group(1).strip()
    head_phrase = _POST_MODIFIER.sub("", phrase)  # "Officials on Iranian state media": officials
    if not _SPEAKER_HEADS.search(head_phrase):
        return None
    head = head_phrase.split()[-1].lower()
    definite = bool(re.match(r"(?i)the\s", clause)) or _POSSESSOR.match(clause) is not None
    named = [n for n in anchors.names if start <= n.start < verb_at and n.kind != "place"]
    if named and head in _MEDIA_HEADS:
        return text[named[0].start : start + lead.rindex(phrase.split()[-1])].strip()  # "Channel 12 television"
    if definite and head in _PERSON_ROLES:
        return last_person_before(text, start, anchors, cast) or phrase
    if definite:
        earlier = _earlier_description(text, start, head)
        if earlier:
            return earlier  # "the deputy" is "a Carroll County Sheriff’s Office deputy" named before
    known = [org for org in cast.organisations if org.split()[-1].lower() == head]
    if not known and definite:
        known = [org for org in cast.organisations if head in org.lower().split()]  # "the Department of Energy"
    if len(known) == 1:
        return known[0]
    if definite and len(phrase.split()) == 1 and (introduced := _named_with_head(text, start, head, anchors)):
        return cast.canonical(introduced)  # "the state weather agency PAGASA", then "the agency said"
    if definite and head in _DEFINITE_ORGS and len(phrase.split()) > 1:
        subject = _organisation_subject(text, start, anchors, cast, after_qualifier=bool(named))
        if subject is not None:
            return subject  # "Newcastle United have agreed ..., the Premier League club said"; "the SUV maker"
    if named and head in _DEFINITE_ORGS:
        return phrase  # "the Unite union", "the Pajhwok news agency": the name with its noun
    if not known and head in _DEFINITE_ORGS and definite and len(phrase.split()) == 1:
        return _main_organisation(start, anchors, cast) or phrase
    return phrase


_POST_MODIFIER = re.compile(r"\s+(?:on|at|in|of|from|with|for|close to|familiar with)\s.*$", re.IGNORECASE)
# A prepositional phrase before the subject: "in the charging documents the deputy noted".
_LEAD_PHRASE = re.compile(r"^(?:in|on|at|during|after|before|from|under|with|for|through|over)\s+"
                          r"(?:[\w’'-]+\s+){1,4}?(?=(?:the|a|an)\s)", re.IGNORECASE)
# A subject with a relative clause: "Councilmen we talked to", "Residents who live near the plant".
_RELATIVE = re.compile(r"^(.+?)\s+(?:who|whom|that|we|I|you|they)(?:\s+[\w’'-]+){1,6}\s*$")


def _organisation_subject(text: str, start: int, anchors: Anchors, cast: Cast, *, after_qualifier: bool) -> str | None:
    """The organisation a definite description points back at ("the Premier League club", "the SUV maker"):
    the organisation subject of its own sentence, before it; else, when the description names no one of its
    own (not "the Unite union"), the organisation the sentence before opens with."""
    sentence = next((s for s in anchors.sentences if s.start <= start < s.end), None)
    if sentence is None:
        return None
    own = [n for n in speaker_names(anchors, cast, sentence.start, start) if n.kind != "person" and not n.title]
    if own and not _is_possessive(text, own[0]):
        return cast.canonical(own[0])
    if after_qualifier:
        return None
    earlier = [s for s in anchors.sentences if s.end <= sentence.start and not s.boilerplate][-1:]
    if not earlier:
        return None
    opening = [n for n in anchors.names if earlier[0].start <= n.start < earlier[0].start + 40 and n.kind != "place"
               and not quoted(n.start, anchors.quotes)]
    if opening and opening[0].start == earlier[0].start and _organisation_like(opening[0], cast):
        return cast.canonical(opening[0])
    return None


_MEDIA_PHRASE = re.compile(r"^(?:the\s+)?([A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|\d+))*)\s+([a-z]+)$")
_POSSESSOR = re.compile(r"(?:the\s+)?[A-Z][\w’'. -]*[’']s?\s")


def _named_with_head(text: str, before: int, head: str, anchors: Anchors) -> NameAnchor | None:
    """The last name the article introduced with ``head`` before it: "the state weather agency PAGASA"."""
    found = [n for n in anchors.names if before - 3000 <= n.start < before and n.kind != "place"
             and re.search(rf"\b{re.escape(head)}\s+\Z", text[max(0, n.start - 40) : n.start], re.IGNORECASE)]
    return found[-1] if found else None


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
    lead = next((s for s in anchors.sentences  # the first sentence of prose, not the headline
                 if not s.boilerplate and s.text.rstrip("”’\"' ").endswith((".", "!", "?"))), None)
    if lead is not None:
        for name in anchors.names:
            if lead.start <= name.start < min(lead.end, before) and name.kind != "place" \
                    and not cast.person_like(name) and _capitalised_words(name.name) \
                    and name.name not in cast.given_first:
                return cast.canonical(name)
    named = {cast.canonical(n) for n in anchors.names if n.start < before and n.kind == "organisation"}
    return named.pop() if len(named) == 1 else None


def _capitalised_words(name: str) -> bool:
    return all(word[:1].isupper() for word in name.split()) and name.split()[0] not in _MONTH_WORDS


_MONTH_WORDS = frozenset("Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June "
                         "July August September October November December".split())


def according_speaker(text: str, match: re.Match[str], anchors: Anchors, cast: Cast) -> str | None:
    """Who "according to ..." cites: a name in the phrase, or a source described in words, else nobody
    ("according to the size of their economies" cites no one)."""
    named = [n for n in anchors.names if match.start(1) <= n.start < match.end(1) and n.kind != "place"]
    people = [n for n in named if n.kind == "person" or surname(n.name) in cast.people]
    # "according to IBES data from Refinitiv", "according to a report by the Journal": who published it.
    publisher = [n for n in named if re.search(r"\b(?:from|by)\s+(?:the\s+)?\Z", text[match.start(1) : n.start])]
    if publisher and not people:
        return cast.canonical(publisher[0])
    if named:
        return cast.canonical((people or named)[0])
    phrase = match.group(1).strip()
    if phrase.lower() in _DEFINITE_ORGS:
        # "The Red Cross opened a shelter, according to the agency": the organisation its sentence opens
        # with; else the one the article calls so ("according to the club"), else the one it is about
        own = _organisation_subject(text, match.start(), anchors, cast, after_qualifier=True)
        if own is not None:
            return own
        known = [org for org in cast.organisations if head_word(org) == phrase.lower()]
        return known[0] if len(known) == 1 else _main_organisation(match.start(), anchors, cast) or phrase
    return phrase if _SOURCE_NOUN.search(phrase) else None


def head_word(name: str) -> str:
    return name.split()[-1].lower()


def last_person_before(text: str, pos: int, anchors: Anchors, cast: Cast) -> str | None:
    """The last person named before ``pos``, for "he said" / "she said": organisations do not say "she"."""
    people = [n for n in anchors.names if n.end <= pos and n.kind not in ("place", "organisation")
              and cast.is_speaker(n) and not _is_possessive(text, n) and not quoted(n.start, anchors.quotes)]
    if not people:
        return None
    # The subject of the sentence that names the last person is whom "he" means, not its object:
    # "İhsanoğlu congratulated Erdoğan ... He said" is İhsanoğlu.
    last = people[-1]
    sentence = next((s for s in anchors.sentences if s.start <= last.start < s.end), None)
    if sentence is not None:
        subject = next((n for n in people if sentence.start <= n.start < sentence.end), last)
        lead = text[sentence.start : subject.start]
        # "Opposition leader Kemal Arslan congratulated ..."
        if subject is not last and len(lead.split()) <= 3 and not re.search(r"[,;:“”\"]", lead):
            return cast.canonical(subject)
    return cast.canonical(last)


def _is_possessive(text: str, name: NameAnchor) -> bool:
    """ "Health Canada’s chief medical adviser": a possessive name modifies the noun after it."""
    return text[name.end : name.end + 2] in ("’s", "'s")  # find_names keeps the possessive out of the span
