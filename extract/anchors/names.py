"""Candidate names of people, organisations and places, with exact offsets.

A name is a run of capitalised words (with connectors such as "of", "for", "al-", "bin"), or an acronym.
Leading titles ("President", "Foreign Minister", "Ambassador") are kept in the span and split off into
``title``; sentence-initial function words ("However", "The", "According") are not names. The kind is a
guess from cues (titles mean a person, words such as "Institute" or "Ministry" an organisation, a short
list of countries and demonyms a place); the model and the attribution rules refine it.
"""

from __future__ import annotations

import re

from extract.anchors.base import NameAnchor, NameKind
from extract.anchors.place_table import COUNTRIES, REGIONS

_LETTER = r"[^\W\d_]"
_UPPER = r"[^\W\d_a-zß-ÿ]"  # a letter that is not lower case: A-Z and accented capitals (Á, Č, Ž...)
# Abbreviated titles and suffixes that end in a dot inside a name: "Capt. Mike Pruitt", "Mr. Bing", "King Jr.".
_DOTTED = (r"(?:Mr|Mrs|Ms|Dr|Capt|Gen|Col|Lt|Sgt|Gov|Sen|Rep|Coun|Det|Maj|Brig|Supt|Rev|Prof|Insp|Cpl|Cmdr|Adm|"
           r"Jr|Sr|St)\.")
_WORD = (rf"(?:[A-Z]{{2,}}/[A-Z]{{2,}}|(?:[A-Z]\.){{2,}}(?![A-Za-z])|{_DOTTED}(?=[ \t]+{_UPPER}|[,;:)]|\s*$)|"
         rf"{_UPPER}(?:{_LETTER}|['’-](?!based|made|led|backed|owned|born|style|"
         rf"controlled|run|funded|listed){_LETTER})+|{_UPPER}\.?)")
_CONNECTOR = r"(?:of|for|the|de|da|del|der|van|von|bin|al|el|la|le|du)"
_NAME = re.compile(
    rf"(?<![\w’'])(?:al-|el-)?{_WORD}(?:(?:[ \t]+|-)(?:{_CONNECTOR}[ \t]+)*(?:al-|el-)?{_WORD})*(?![\w])"
)
_IRREGULAR_DEMONYMS = frozenset(
    "British French Dutch Swiss Greek Turkish Polish Spanish Danish Swedish Finnish Irish Scottish Welsh "
    "English Portuguese Brazilian Chinese Japanese Vietnamese Lebanese Sudanese Thai Filipino Kurdish "
    "Palestinian Saudi Emirati "
    "Western Eastern Arab Soviet Israeli-made Iranian-made Russian-made US-made".split()
)
# The last word of a title: "Provincial Forests Minister", "Bank of England Governor", "Chief Financial Officer".
TITLE_HEADS = frozenset(
    "President Minister Premier Chancellor Ambassador Envoy Governor Secretary Secretary-General Spokesman "
    "Spokeswoman Spokesperson Chairman Chairwoman Chairperson Chair Chief Director Head General Gen. Colonel "
    "Col. Commander Admiral Marshal Lieutenant Lt. Sergeant Sgt. Judge Justice Prosecutor Attorney Senator Sen. "
    "Representative Rep. Congressman Congresswoman Mayor King Queen Prince Princess Pope Sheikh Ayatollah "
    "Leader Mr. Mrs. Ms. Dr. Mr Mrs Ms Dr Professor Prof. Coach Manager Captain Commissioner Economist Analyst "
    "Inspector Officer Superintendent Sir Lord Lady Dame CEO CFO COO Executive Founder Editor Correspondent "
    "Striker Forward Midfielder Defender Goalkeeper Winger Deputy Vice Minister-President Rapporteur "
    "Archbishop Bishop Cardinal Rabbi Imam Reverend Rev. Gov. Maj. Capt. Brig. Det. Detective Constable "
    "Councillor Councilor Cllr Sheriff Magistrate Supt. Treasurer Auditor-General Governor-General Coun. Coun "
    "Councilman Councilwoman Councilmember Alderman Trooper Deputy Cpl. Insp. Cmdr. Adm. Sgt Lt Capt Gen Gov".split()
)
# Generational suffixes: part of a name, never its surname ("Martin Luther King Jr.", "John Smith III").
SUFFIXES = frozenset("Jr. Jr Sr. Sr II III IV V".split())
TITLES = tuple(sorted(TITLE_HEADS))
_POSSESSIVE = re.compile(r"[’']s?$")
_POSSESSIVE_LEAD = re.compile(r"^[A-Z][\w-]*[’']s\s+")
_POSSESSOR_WORD = re.compile(r"(?<![\w’'])([A-Z][\w-]*)[’']s\s")
_NOT_NAMES = frozenset(
    "a an the this that these those it its he she they we i you his her their our my your there here "
    "however but and or so yet meanwhile nonetheless nevertheless despite although though while when "
    "after before since until during according in on at by for from with without as of to into about if "
    "then also still even just only given following amid earlier later last next new breaking monday "
    "tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december today yesterday tomorrow read more subscribe details previous "
    "recommended therefore thus hence moreover furthermore instead indeed overall finally first second "
    "third asked speaking separately elsewhere now once what why how who where both each every some many "
    "several few another either neither any".split()
)
# Number words open no name ("Two arrested after ..."), though they may end one ("League Two").
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten".split())
_ORG_WORDS = re.compile(
    r"\b(Institute|Ministry|Bank|Council|Court|Party|Agency|Forces|Office|Government|University|Company|"
    r"Inc|Ltd|Corp|Group|Association|Commission|Committee|Union|Organi[sz]ation|Fund|Federation|Club|FC|"
    r"Media|News|Times|Post|Journal|Reserve|Authority|Department|Parliament|Assembly|Senate|Congress|"
    r"Army|Navy|Guard|Police|Service|Board|Centre|Center|Foundation|League|Airlines|Holdings|Network|"
    r"Press|Radio|Television|Summit|Programme|Program|Bureau|Administration|Directorate|Secretariat|Tribunal|"
    r"Society|Trust|Coalition|Alliance|Chamber|Caucus|Cabinet)\b"
)
# Rivers, mountains, roads and named storms: places and happenings, never speakers.
_GEOGRAPHY = re.compile(
    r"(?:\s(?:River|Mountains?|Mount|Lake|Islands?|Sea|Bay|Gulf|Valley|Street|Road|Avenue|Highway|Bridge|"
    r"Ridge|Creek|Peninsula|Strait|Canal|Desert|Forest|Park|Square|Plain|Plateau|Coast|Delta|Basin|Dam)$)"
    r"|^(?:Typhoon|Hurricane|Cyclone|Storm|Tropical Storm|Super Typhoon|Mount|Lake)\s"
)
_STATE_WORDS = re.compile(r"\b(?:Republic|States|Kingdom|Emirates|Islands|Federation|Territory|Province|Region)\b")
_PLACES = frozenset(
    "Iran Israel Azerbaijan Armenia Russia Ukraine Turkey Georgia Iraq Syria Lebanon Jordan Egypt Gaza "
    "China Japan India Pakistan Afghanistan Germany France Italy Spain Portugal Britain England Scotland "
    "Wales Ireland Poland Greece Brazil Argentina Mexico Canada Australia Chile Peru Colombia Nigeria "
    "Kenya Ethiopia Sudan Morocco Algeria Tunisia Libya Yemen Qatar Kuwait Oman Bahrain Saudi Arabia "
    "Korea Taiwan Vietnam Thailand Indonesia Malaysia Philippines Singapore Switzerland Austria Sweden "
    "Norway Denmark Finland Netherlands Belgium Hungary Romania Bulgaria Serbia Croatia Kazakhstan "
    "Uzbekistan Turkmenistan Europe Asia Africa America Tehran Baku Jerusalem Tel Aviv Moscow Kyiv "
    "Washington London Paris Berlin Brussels Beijing Tokyo Delhi Ankara Yerevan Tbilisi Caspian Sea "
    "Markazi Arak Nagorno-Karabakh United States Kingdom U.S. U.K. US UK USA UAE".split()
)
# Places that act as states in the news ("Baku insisted", "Iran has formally requested"): countries and
# their capitals. Regions, states of a federation and provinces do not speak.
_STATES = (_PLACES - frozenset("Europe Asia Africa America Caspian Sea Markazi Arak Nagorno-Karabakh".split())) \
    | COUNTRIES
_PLACES = _PLACES | COUNTRIES | REGIONS | frozenset(
    "Europe "
    # US states and Canadian provinces: the commonest places of local news, never speakers.
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Hawaii Idaho Illinois "
    "Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi "
    "Missouri Montana Nebraska Nevada New Hampshire Jersey Mexico York Carolina Dakota Ohio Oklahoma Oregon "
    "Pennsylvania Rhode Island Tennessee Texas Utah Vermont Virginia West Wisconsin Wyoming Ontario Quebec "
    "Alberta Manitoba Saskatchewan Nova Scotia Brunswick Newfoundland Columbia "
    "Asia Middle East Latin Caribbean Balkans Scandinavia Siberia Sahara Sahel Pacific Atlantic Arctic".split()
)
# Compass words: "North Carolina", "Central Asia", "the U.S. Southeast" are places when the rest is one.
_COMPASS = frozenset(
    "North South East West Northern Southern Eastern Western Central Northeast Northwest Southeast Southwest "
    "Northeastern Northwestern Southeastern Southwestern Upper Lower Greater Inner Outer Mid".split()
)
_MAX_WORDS = 8
_DEMONYM_ENDINGS = ("i", "ian", "an", "n", "ese", "ish", "ic", "ite", "ni")
_PLACE_STEMS = frozenset(place.rstrip("aey") for place in _PLACES if len(place) > 3)


# "KATHMANDU, Nov 6 (Example Wire) - ", "NEWCASTLE, England, July 15 (Reuters) —", "MOSCOW (Sputnik) – ",
# "McHENRY, Md. (AP) –", "SPRINGFIELD — ":
# place, date and outlet, at a line start or after the scraper's "date YYYY-MM-DD" prefix.
DATELINE = re.compile(r"(?:^|(?<=^ date \d{4}-\d{2}-\d{2} )|(?<=^date \d{4}-\d{2}-\d{2} ))"
                      r"(?:Ma?c)?[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+)*"
                      r"(?:,[ \w.,]{0,40}?)?(?:\s*\([^()\n]{1,40}\)\s*[-–—:]+|\s+[—–]|\s+--?(?=\s))\s*", re.MULTILINE)


def find_names(text: str) -> list[NameAnchor]:
    """Every candidate proper name in ``text``, in order, non-overlapping.

    Names inside a wire dateline are places (the city, the country), never speakers; the outlet in its
    brackets is left out.
    """
    datelines = [(m.start(), m.end(), m.group().find("(") % (len(m.group()) + 1)) for m in DATELINE.finditer(text)]
    candidates: list[NameAnchor] = []
    for match in _NAME.finditer(text):
        anchor = _make_name(text, match.start(), match.end())
        if anchor is None:
            continue
        line = next(((a, b, paren) for a, b, paren in datelines if a <= anchor.start < b), None)
        if line is not None:
            if anchor.start >= line[0] + line[2]:
                continue  # the outlet: "(Example Wire)"
            place = anchor.name.title() if anchor.name.isupper() else anchor.name  # "SPRINGFIELD": Springfield
            anchor = NameAnchor(anchor.start, anchor.end, anchor.text, place, "place", None)
        candidates.append(anchor)
    candidates = [n for c in candidates for n in _headline_part(text, c)]
    # A lone capitalised word at a sentence start ("Therefore", "Join") is a name only if the text also
    # capitalises it mid-sentence, or a cue says what it is.
    mid_sentence = {a.name for a in candidates if not _sentence_initial(text, a.start)}
    mid_sentence |= {a.name.split()[-1] for a in candidates if " " in a.name}
    # ... or as a possessor: "Jeep’s Hellcat-powered SUV", then "Jeep is touting".
    # A possessive is never a function word, even at a sentence start ("Ferrix’s new saloon").
    mid_sentence |= {m.group(1) for m in _POSSESSOR_WORD.finditer(text) if m.group(1).lower() not in _NOT_NAMES}
    return [
        a for a in candidates
        if " " in a.name or a.kind != "unknown" or a.title or a.name in mid_sentence
        or not _sentence_initial(text, a.start)
    ]


_TITLE_CASE_WORD = re.compile(r"[\w’'-]{4,}")


def _headline_part(text: str, name: NameAnchor) -> list[NameAnchor]:
    """A name of three or more words on a title-case line ("Federal Reserve Leaves Interest Rates
    Unchanged") is the headline's capitals, not one name: it stands only if the text names it again
    elsewhere; else its longest run of words that the rest of the text names stands ("Federal Reserve"),
    or nothing."""
    words = name.text.split()
    if len(words) < 3:
        return [name]
    line_start = text.rfind("\n", 0, name.start) + 1
    line_end = text.find("\n", name.end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    long_words = _TITLE_CASE_WORD.findall(line)
    if line.rstrip("”’\"' ").endswith((".", "!", "?")) or len(long_words) < 4 \
            or sum(w[0].isupper() for w in long_words) < 0.8 * len(long_words):
        return [name]
    rest = text[:line_start] + "\n" + text[line_end:]

    def named_in_rest(words_text: str) -> bool:
        return re.search(rf"(?<![\w’']){re.escape(words_text)}(?![\w’'])", rest) is not None

    if named_in_rest(name.text):
        return [name]
    offsets = [m.start() for m in re.finditer(r"\S+", name.text)]

    def named_again(lo: int, hi: int) -> list[NameAnchor]:
        """The longest run of words[lo:hi] that the rest of the text names, then the same on each side."""
        for size in range(min(hi - lo, len(words) - 1), 0, -1):
            for first in range(lo, hi - size + 1):
                part = " ".join(words[first : first + size])
                if size == 1 and (part.lower() in _NOT_NAMES or len(part) < 3):
                    continue
                if named_in_rest(part):
                    start = name.start + offsets[first]
                    made = _make_name(text, start, start + len(part))
                    return [*named_again(lo, first), *([made] if made else []), *named_again(first + size, hi)]
        return []

    return named_again(0, len(words))


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\"“‘'")
    return not before or before[-1] in ".!?\n"


def _make_name(text: str, start: int, end: int) -> NameAnchor | None:
    words = text[start:end].split()
    # Drop sentence-initial function words and trailing connectors: "However Iran" -> "Iran".
    while words and (words[0].lower().strip("’'") in _NOT_NAMES or words[0].lower() in _NUMBER_WORDS) \
            and not (words[0].lower() == "new" and len(words) > 1):
        start = text.index(words[0], start) + len(words[0])
        while start < end and text[start].isspace():
            start += 1
        words = words[1:]
    if not words or len(words) > _MAX_WORDS:
        return None
    # ... and trailing ones, where a dotted abbreviation ran on into the next sentence: "the U.S. It"; an
    # all-capitals word stays ("USA TODAY").
    while len(words) > 1 and words[-1].lower() in _NOT_NAMES and not (words[-1].isupper() and len(words[-1]) > 1):
        end = start + text[start:end].rindex(words[-1])
        while end > start and text[end - 1].isspace():
            end -= 1
        words = words[:-1]
    if len(words) >= 3 and all(w.isupper() for w in words) and (start == 0 or text[start - 1] == "\n") \
            and re.match(r" [a-z]", text[end : end + 2]):
        return None  # an all-capitals lead-in ("ALL EYES WERE on Tiger Woods"), not a name
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive and end - start > 3:
        end -= len(possessive.group(0))
    span = text[start:end]
    if " " not in span and is_demonym(span):
        return None
    if span.isupper() and text[end : end + 1] == "," and (start == 0 or text[start - 1] == "\n"):
        return NameAnchor(start, end, span, span.title(), "place", None)  # a dateline: "SAN FRANCISCO, Oct 29"
    if _POSSESSIVE_LEAD.match(span) and not _split_title(span)[0]:
        # "Iran’s Caspian Sea" names the sea; "Iran’s Ambassador" is a title with no name after it.
        rest = _POSSESSIVE_LEAD.sub("", span)
        if not rest or rest in TITLE_HEADS:
            return None
        return NameAnchor(start, end, span, rest, _guess_kind(rest, None), None)
    title, name = _split_title(span)
    if " of " in name:
        # "Dewi Kartika of the Jakarta-based ...", "Justice Helen Moriarty of the Federal Court": a person,
        # then where they work; not "Bank of England", "Democratic Republic of Congo".
        left = name.split(" of ", 1)[0]
        if len(left.split()) >= 2 and not _ORG_WORDS.search(left) and not _STATE_WORDS.search(left):
            end -= len(name) - len(left)
            span, name = text[start:end], left
    if not name or name.lower() in _NOT_NAMES or len(name) == 1 or name in TITLE_HEADS:
        return None  # a title alone ("CEO", "Mayor") names nobody
    return NameAnchor(start, end, span, name, _guess_kind(name, title), title)


def _split_title(span: str) -> tuple[str | None, str]:
    """("Chancellor of the Exchequer", "Rebecca Thorne") from "Chancellor of the Exchequer Rebecca Thorne"."""
    words = span.split()
    for i in range(len(words) - 2, -1, -1):
        if words[i] not in TITLE_HEADS:
            continue
        j = i + 1
        if words[j] == "of" and j + 2 < len(words):
            j += 2 if words[j + 1] != "the" else 3
        name_words = words[j:]
        if not name_words or all(w.rstrip(",") in SUFFIXES for w in name_words) \
                or _ORG_WORDS.search(" ".join(name_words).split(" of ", 1)[0]):
            return None, span
        cut = span.index(name_words[0], sum(len(w) + 1 for w in words[:j]) - 1 if j else 0)
        return span[:cut].strip(), span[cut:]
    return None, span


def speaks_as_state(name: str) -> bool:
    """Whether a place name can be a speaker, as a state or its government: a country or a capital."""
    return name in _STATES or all(word in _STATES for word in name.split())


def is_demonym(word: str) -> bool:
    """"Iranian", "Azerbaijani", "Israeli", "British": a nationality adjective, not a name."""
    if word in _IRREGULAR_DEMONYMS or word in _PLACES:
        return word in _IRREGULAR_DEMONYMS
    stem = word.removesuffix("-made")
    # A place's stem plus a demonym ending: "Iran" + "ian", "Azerbaij" + "ani", "Israel" + "i".
    return any(stem.endswith(ending) and stem[: -len(ending)] in _PLACE_STEMS for ending in _DEMONYM_ENDINGS)


def _guess_kind(name: str, title: str | None) -> NameKind:
    if _ORG_WORDS.search(name) or (name.isupper() and len(name) >= 2 and name not in _PLACES):
        return "organisation"
    if name in _PLACES or all(word in _PLACES or word in _COMPASS for word in name.split()) \
            or _GEOGRAPHY.search(name):
        return "place"
    if title:
        return "person"
    return "unknown"


def surname(name: str) -> str:
    """The last word of a person's name, without possessive: "Masoud Pezeshkian’s" -> "Pezeshkian"."""
    words = name.split()
    while len(words) > 1 and words[-1].strip(",") in SUFFIXES:
        words.pop()
    last = words[-1] if words else name
    return re.sub(r"[’']s?$", "", last)
