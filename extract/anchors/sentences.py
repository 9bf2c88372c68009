"""Paragraphs and sentences with exact offsets, and which of them are page furniture.

Scraped articles carry navigation, banners, promos and legal notes around the story ("Subscribe", "RFE/RL
journalists report the news in 27 languages..."). Numbers in them are not the article's figures, so each
paragraph is marked ``boilerplate`` by layout cues (short line without a sentence ending) and by wording
cues that speak about the outlet itself rather than the news (calls to subscribe, donate, click...).
"""

from __future__ import annotations

import re

from extract.anchors.base import Sentence

_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt rev st sen rep gov pres jr sr inc ltd corp co no vs etc jan "
    "feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m p.m approx dept est fig coun det maj "
    "brig supt insp cpl cmdr adm cllr atty supt mt ft".split()
)
_PROMO = re.compile(
    r"\b(subscribe|sign up|newsletter|click here|all rights reserved|cookies?\b|follow us|read more|"
    r"advertisement|join the voices|support (?:our|independent) journalism|donate|become a (?:member|patron)|"
    r"our (?:journalists|journalism|content|reporting|website|newsroom)|journalists report the news|"
    r"reporting by|editing by|writing by|recommended|related stories|share this|copyright|©|"
    r"view this post|a post shared by|featured image|leave a comment|comments? \(\d+\)|skip to (?:main )?content)",
    re.IGNORECASE,
)
# Furniture told by how the paragraph starts: app prompts, bylines, time stamps, "Watch:" links, credits.
_FURNITURE_START = re.compile(
    r"^(?:(?:tap to|install (?:the|our)|download (?:the|our)|get the news|print this|email this)\b|"
    r"(?:posted|published|updated|modified)(?: at| on)?\s*:?\s*(?:\w+\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}/\d{1,2}/\d{2,4})|(?:by|written by|photos? by)\s+\S+(?:\s+\S+){0,5}$|\(courtesy\b|"
    r"(?:watch|listen|photos?|video|related|see also)\s*:)",
    re.IGNORECASE,
)
# The heading of a page's reader comments: "Comments", "Comments (3)", "Join the conversation" (not a "View
# Comments" button).
_COMMENTS_HEADING = re.compile(r"\s*(?:(?:reader\s+)?comments?(?:\s*\(\d+\))?|join the (?:conversation|discussion)|"
                               r"leave a (?:comment|reply))\s*:?\s*$", re.IGNORECASE)
# The scraper's dateline at the start of a paragraph ("date 2019-11-22 A Delaware man ..."): furniture,
# split off from the sentence it precedes.
_DATE_PREFIX = re.compile(r"[ \t]*date \d{4}-\d{2}-\d{2}\b[ \t]*")
_READ_MORE = re.compile(r"\s*(?:read more|read full (?:story|article)|continue reading)\s*:?\s*$", re.IGNORECASE)
_NEXT_CHAR = re.compile(r"\s*(\S)")
_NEXT_WORD = re.compile(r"\s+([A-Z][a-z]*)\b")
_PLACE_ABBREVIATIONS = frozenset("u.s u.k u.n e.u".split())
# US states as news style abbreviates them ("MADISON, Wis. (AP)"), as written: "ill." and "mass." stay words.
_STATE_ABBREVIATIONS = frozenset("Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich "
                                 "Minn Miss Mo Mont Neb Nev N.H N.J N.M N.Y N.C N.D Okla Ore Pa R.I S.C S.D Tenn "
                                 "Tex Vt Va Wash W.Va Wis Wyo".split())
# Words that open a sentence and never follow an initial inside a name ("J. Smith", "U.S. Navy").
_OPENERS = frozenset("He She It They We I The This That These Those But And Its His Her Their Our In On At "
                     "After Before When While Meanwhile However There A An".split())
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\Z")
_ABBREVIATION_WINDOW = 24  # longer than any abbreviation: the look-back stays bounded, so splitting is linear
_MIN_WORDS_FOR_PROSE = 6


def find_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences, each knowing its paragraph and whether it is page furniture."""
    sentences: list[Sentence] = []
    comments = False  # past a "Comments (3)" heading in the page's second half, the rest is readers' comments
    paragraphs = list(_PARAGRAPH.finditer(text))
    for index, para in enumerate(paragraphs):
        begin = para.start()
        comments = comments or (para.start() > len(text) // 2 and bool(_COMMENTS_HEADING.match(para.group())))
        dateline = _DATE_PREFIX.match(text, begin, para.end())
        if dateline is not None:
            start, end = _trim(text, begin, dateline.end())
            sentences.append(Sentence(start, end, text[start:end], index, True))
            begin = dateline.end()
        # A related story's teaser: a line followed by its "Read more" link.
        teaser = index + 1 < len(paragraphs) and bool(_READ_MORE.match(paragraphs[index + 1].group()))
        boilerplate = comments or teaser or is_boilerplate(text[begin : para.end()])
        for start, end in _split_paragraph(text, begin, para.end()):
            sentences.append(Sentence(start, end, text[start:end], index, boilerplate))
    return sentences


def is_boilerplate(paragraph: str) -> bool:
    """True for navigation, banners, captions-without-prose and outlet self-promotion."""
    stripped = paragraph.strip()
    words = stripped.split()
    if len(words) < _MIN_WORDS_FOR_PROSE and not stripped.endswith((".", "?", "!", "”", '"', "’")):
        return True
    if stripped.count("•") >= 2:
        return True  # a bulleted run of links ("Off the wire: A • B • C")
    return bool(_PROMO.search(stripped) or _FURNITURE_START.match(stripped))


def _split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if _is_abbreviation(text, cursor, match.start()) or not _next_starts_sentence(text, match.end(), end):
            continue
        spans.append(_trim(text, cursor, match.end()))
        cursor = match.end()
    if cursor < end:
        spans.append(_trim(text, cursor, end))
    return [(a, b) for a, b in spans if b > a]


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = _WORD_BEFORE.search(text, max(sentence_start, dot - _ABBREVIATION_WINDOW), dot)
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    if (len(token) == 1 and token.isalpha()) or token in _PLACE_ABBREVIATIONS \
            or word.group(1).rstrip(".") in _STATE_ABBREVIATIONS:
        # an initial or "U.S." ends a sentence when a sentence opener follows: "wrote on X. He said"
        following = _NEXT_WORD.match(text, dot + 1)
        return following is None or following.group(1) not in _OPENERS
    return token in _ABBREVIATIONS


def _next_starts_sentence(text: str, pos: int, end: int) -> bool:
    first = _NEXT_CHAR.match(text, pos, end)
    if first is None:
        return True
    char = first.group(1)
    return char.isupper() or char.isdigit() or char in "\"“‘'([”`"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
