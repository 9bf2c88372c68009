"""What a figure measures: the part of a figure's identity that two articles must share to be compared.

Input: one feed :class:`~schemas.Figure`. Output: a :class:`Measure` (what is counted or measured, whether
the number is a level or a change, and the period it covers), or None when the figure's own words do not
say what it measures. :mod:`extract.crosscheck` adds the subject (who or where it is about) and the story,
and compares figures only when all of them agree. One shared noun is never enough: "people", "them",
"bomb" or "job" alone measure nothing until a verb or a subject says whose and what.

How the words are read (all from the figure's evidence sentence, inside the clause holding the number):

* After the number: the noun phrase that follows it (leading of/the/all skipped; it ends at a preposition,
  verb, participle, proper noun or punctuation); its last word is the head: "12-day war between" -> war,
  "69 percent of all major conventional arms imported by" -> arms, with a participle right after it made a
  noun ("arms imports"). Heads map through synonym sets (war/conflict/fighting -> conflict; dead/killed/
  deaths/toll -> deaths; ...); other heads lose a plural "s".
* A generic head ("people", "civilians", a bare number) takes its measure from the verb around it:
  "people killed", "17 were missing", "evacuate ... 100 people", "employs 1,100 people"; without one, the
  figure has no measure. Pronouns, change nouns without an object ("a 6% rise") and verbs are no heads.
* Before the number: "<noun> [of|from Name] <verb> [to|by|at] N" and "<noun> of N": "the death toll from
  Typhoon Haraya rose to 41" -> deaths, "revenue of $1.2 billion" -> revenue, "inflation to peak at 3.7%"
  -> inflation. ``counted`` (from the feed) is used last, when it is a plain noun.
* Role: a change verb or noun next to the number ("rose 15%", "cut 350 jobs", "a 41% jump") makes it a rise
  or a fall; "rose to 974" and everything else is a level. Time units read as "duration of the <head>".
* Period: the figure's ``period``, else a quarter, half, round or year written next to the number ("in the
  fourth quarter of 2024" -> "Q4 2024"). Periods must be equal (both unstated counts as equal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extract.anchors.names import is_demonym
from extract.entities import fold
from schemas.feed import Figure

Role = Literal["level", "rise", "fall"]

# Words (hyphenated ones whole: "sell-on") and numbers, which end a phrase; "€10m" gives no word "m".
_WORDS = re.compile(r"\d[\d,.]*\w*|[A-Za-zÀ-ÖØ-öø-ÿ][\w'’-]*")
_CLAUSE_END = re.compile(r"[,.;:()!?\[\]\"“”‘—–]|\s[-–—]\s")

STOPWORDS = frozenset(
    """a an the this that these those it its he she they we you i his her their our my your there here of
    for to in on at by with from into about as and or but nor not no so than then also after before during
    since until while when where which who whom whose what why how all any both each few more most other
    some such only own same very can could will would shall should may might must is are was were be been
    being has have had having do does did said says say told according over under between among against
    through within without across per up down out off just still even again further once one two three
    four five six seven eight nine ten first second last next new recent recently amid via around nearly
    almost approximately roughly least less total including include includes them him us me itself
    january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday day days week weeks month months year years hour hours
    minute minutes percent per cent percentage point points dollar dollars euro euros pound pounds
    million billion trillion thousand hundred today yesterday tomorrow""".split()
)

# Head nouns and the measure they stand for.
SYNONYMS: dict[str, str] = {}
for _measure_name, _measure_words in {
    "conflict": "war wars conflict conflicts hostilities fighting confrontation confrontations clashes",
    "deaths": "dead killed killing kills deaths death toll fatalities died lives",
    "injuries": "injured injuring wounded wounding injuries hurt",
    "casualties": "casualties casualty",
    "missing": "missing unaccounted",
    "evacuated": "evacuated evacuate evacuating evacuation evacuations evacuees evacuee fled flee fleeing displaced "
                 "refugees",
    "rescued": "rescued rescue rescuing",
    "arrests": "arrested arrests detained",
    "employees": "employs employ employed employees staff workforce workers",
    "arms": "arms weapons weaponry munitions",
    "drones": "drones drone uavs uav",
    "missiles": "missiles missile",
    "inflation": "inflation",
    "ceasefire": "ceasefire truce",
    "unemployment": "unemployment unemployed jobless",
    "turnout": "turnout",
    "votes cast": "cast",
}.items():
    SYNONYMS.update(dict.fromkeys(_measure_words.split(), _measure_name))
_PERSON_MEASURES = frozenset(("deaths", "injuries", "casualties", "missing", "evacuated", "rescued", "arrests",
                              "employees", "votes cast"))

# A participle right after the head turns into a noun: "arms imported by" -> "arms imports".
_NOMINAL = {"imported": "imports", "exported": "exports", "sold": "sales", "bought": "purchases",
            "spent": "spending", "produced": "production", "delivered": "deliveries", "supplied": "supplies"}
_GENERIC = frozenset("people persons men women children civilians soldiers troops fighters residents members "
                     "individuals others patients passengers villagers officers policemen police workers "
                     "employees staff adults students migrants".split())
_LEAD = frozenset("of the all a an its their his her this that these those some worth more further additional "
                  "other".split())
# Words that say when, not what: "56.9% in the first round", "0.1% in the fourth quarter".
_PERIOD_HEADS = frozenset("quarter half round season term period session ago".split())
_VERBS = frozenset(
    """cast fled held won lost made took saw went came left hit struck met gave put set cut ran fell rose grew
    kept paid sold bought built sent spent brought found became began broke led stood reached totalled totaled
    totals peak peaked is are was were be been being remain remained remains stands topped exceeded
    involved drove threw flew wrote told ate fought caught taught sought bore tore wore swept slept spoke
    got gets goes makes takes plus ahead apart away back later earlier short""".split())
# Verbs whose subject is what the number measures: "turnout was 64.2%", "the toll rose to 974".
_LEVEL_VERBS = frozenset("is are was were be been being stood stands stand reached reach reaches totalled totaled "
                         "totals total peaked peak hit topped exceeded remained remains came".split())
_PHRASE_STOP = STOPWORDS - frozenset(("first", "second", "last", "new", "recent")) | _VERBS | frozenset(
    "has have had come went begun said says say".split())
_SKIP_BEFORE = frozenset("to by at of about around nearly almost just some roughly approximately more than less over "
                         "under up another further only least a an the".split())
_LINKS = frozenset(("of", "from", "in", "for", "at", "on"))
_AUX = frozenset("to had has have was were is are will would could be been being also".split())
_RISE = frozenset("rose rise rises risen rising increased increase increases grew grow grown growing jumped jump "
                  "jumps climbed climb gained gain added add raised raise hiked hike created create hired hire "
                  "surged surge soared soar gains".split())
_FALL = frozenset("fell fall falls fallen falling dropped drop drops declined decline decreased decrease lost lose "
                  "cut cuts shed eliminated eliminate axed axe lowered lower reduced reduce slumped slump plunged "
                  "plunge tumbled tumble slipped slip shrank shrink contracted".split())
_CHANGE_NOUNS = {"rise": "rise", "increase": "rise", "gain": "rise", "jump": "rise", "growth": "rise",
                 "hike": "rise", "surge": "rise", "drop": "fall", "fall": "fall", "decline": "fall",
                 "cut": "fall", "decrease": "fall", "slump": "fall", "loss": "fall", "reduction": "fall"}
_TIME_UNITS = frozenset(("minute", "hour", "day", "week", "month", "year"))
_PERIOD = re.compile(
    r"\b(?:in|for|during|of|over)\s+(?:the\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]"
    r"(?P<what>quarter|half|round)(?:\s+of\s+(?P<qyear>(?:19|20)\d\d))?"
    r"|\b(?P<ord2>first|second|third|fourth)-(?P<what2>quarter|half)\b"
    r"|\b(?:in|for|during)\s+(?P<year>(?:19|20)\d\d)\b"
    r"|\bin\s+(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+(?P<myear>(?:19|20)\d\d))?\b", re.I)
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


@dataclass(frozen=True, slots=True)
class Measure:
    """What a figure measures: ``key`` is compared, ``label`` is shown."""

    key: str
    label: str
    role: Role
    period: str | None


def canon(word: str) -> str:
    """A head word as its measure: a synonym set's name, else the word without a plural "s"."""
    w = fold(word).strip("'")
    if w in SYNONYMS:
        return SYNONYMS[w]
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _tokens(text: str) -> list[str]:
    return _WORDS.findall(text)


# Measures that a sentence may open with, capitalised: "Turnout was 64.2%", "Revenue rose 17%".
_MEASURE_NOUNS = frozenset("revenue revenues sales profit profits income earnings output growth exports imports "
                           "prices price shares stock spending debt deficit surplus budget wages pay".split())


def _is_noun(word: str) -> bool:
    lw = fold(word).strip("'")
    if word[:1].isupper():
        return lw in SYNONYMS or lw in _MEASURE_NOUNS
    return (lw.isalpha() and lw not in _PHRASE_STOP and not lw.endswith("ing")
            and (not lw.endswith("ed") or lw in SYNONYMS))


def _after(words: list[str]) -> tuple[str | None, int]:
    """(head, index after the phrase) of the noun phrase that starts ``words``."""
    i = 0
    while i < len(words) and fold(words[i]) in _LEAD:
        i += 1
    phrase: list[str] = []
    j = i
    while j < len(words) and len(phrase) < 6:
        w = words[j]
        lw = fold(w).strip("'")
        if w[0].isupper() and is_demonym(w):
            j += 1
            continue
        if (w[0].isdigit() or lw in _PHRASE_STOP or (w[0].isupper() and lw not in SYNONYMS) or lw.endswith("ed")
                or (lw.endswith("ing") and lw not in SYNONYMS)):
            break
        phrase.append(lw)
        j += 1
    head = phrase[-1] if phrase else None
    return (None if head in _PERIOD_HEADS else head), j


def _person_measure(words: list[str]) -> str | None:
    """The measure a verb or adjective gives a count of people: "had been confirmed dead" -> deaths."""
    for w in words:
        m = SYNONYMS.get(fold(w))
        if m in _PERSON_MEASURES:
            return m
    return None


def _before(words: list[str]) -> tuple[str | None, Role | None]:
    """(head, role) from the clause before the number: "<noun> [of X] <verb> [to] N" or "<noun> of N"."""
    i = len(words) - 1
    to = False
    while i >= 0 and fold(words[i]) in _SKIP_BEFORE:
        to = to or fold(words[i]) == "to"
        i -= 1
    if i < 0 or words[i][0].isdigit():
        return None, None
    verb = fold(words[i])
    role: Role | None = None
    if verb in _RISE or verb in _FALL:
        role = "level" if to else "rise" if verb in _RISE else "fall"
    if verb in SYNONYMS and SYNONYMS[verb] in _PERSON_MEASURES:
        return SYNONYMS[verb], role  # "killed 974", "employs 1,100", "evacuate by boat 100", "dead at 23"
    if fold(words[-1]) == "of" and i == len(words) - 2 and _is_noun(words[i]):
        return (None, None) if verb in _PERIOD_HEADS else (canon(words[i]), "level")  # "revenue of $1.2 billion"
    if not (role or verb in _LEVEL_VERBS):
        return None, None
    i -= 1
    steps = 0
    while i >= 0 and steps < 5 and not _is_noun(words[i]) and (
            fold(words[i]) in _AUX or words[i][0].isupper() or fold(words[i]) in _LINKS):
        i -= 1
        steps += 1
    if i >= 0 and _is_noun(words[i]) and fold(words[i]) not in _PERIOD_HEADS:
        return canon(words[i]), role or "level"
    return None, role


def _role_near(before: list[str], head: str | None) -> Role:
    if head in _CHANGE_NOUNS:
        return "rise" if _CHANGE_NOUNS[head] == "rise" else "fall"
    skipped = [fold(w) for w in before[-3:]]
    if skipped and skipped[-1] in ("up", "down"):
        return "rise" if skipped[-1] == "up" else "fall"  # "shares up 8%"; not "set up a $250 million fund"
    for w in reversed(skipped):
        if w == "to":
            return "level"
        if w in _RISE:
            return "rise"
        if w in _FALL:
            return "fall"
        if w not in _SKIP_BEFORE:
            break
    return "level"


def _period(fig: Figure, after: str, before: str) -> str | None:
    if fig.period:
        return fig.period.strip().lower()
    for text in (after, before):
        m = _PERIOD.search(text)
        if not m:
            continue
        if m["year"]:
            return m["year"]
        if m["month"]:
            return f"{m['month']} {m['myear']}" if m["myear"] else m["month"]
        ordinal = _ORDINAL[(m["ord"] or m["ord2"]).lower()]
        what = (m["what"] or m["what2"]).lower()
        label = {"quarter": f"Q{ordinal}", "half": f"H{ordinal}", "round": f"round {ordinal}"}[what]
        return f"{label} {m['qyear']}" if m["qyear"] else label
    return None


def figure_measure(fig: Figure) -> Measure | None:
    """What ``fig`` measures, read from its own sentence (see the module docstring), or None."""
    ev, q = fig.evidence, fig.quantity
    if not ev.start <= q.start <= q.end <= ev.end:
        return None
    after_text = _CLAUSE_END.split(ev.text[q.end - ev.start:], maxsplit=1)[0]
    before_text = _CLAUSE_END.split(ev.text[: q.start - ev.start])[-1]
    after, before = _tokens(after_text)[:10], _tokens(before_text)[-10:]
    head, j = _after(after)
    role: Role | None = None
    what: str | None = None
    if head in _CHANGE_NOUNS:
        return None  # "a 6% rise": a rise of what is not said next to it
    if head is not None and head not in _GENERIC:
        what = canon(head)
        nxt = fold(after[j]) if j < len(after) else ""
        if nxt in _NOMINAL:
            what = f"{what} {_NOMINAL[nxt]}"
    else:
        # A count of people, or a bare number: a verb says what is counted ("17 were missing").
        what = _person_measure(after[j:j + 4]) if head is not None or j == 0 else None
        if what is None:
            found, role = _before(before)
            what = found if head is None or found in _PERSON_MEASURES else None
    if what is None and fig.by == "model":
        # The rules' ``counted`` and ``about`` are the words just read; the model's are a second reading.
        if fig.counted and _is_noun(fig.counted) and fold(fig.counted) not in _GENERIC:
            what = canon(fig.counted)
        elif fig.about:
            found, _ = _after(_tokens(fig.about))
            what = canon(found) if found and found not in _GENERIC and found not in _CHANGE_NOUNS else None
    if what is None or what in STOPWORDS:
        return None
    role = role or _role_near(before, head)
    label = what
    if fig.unit in _TIME_UNITS:
        label = f"duration of the {what}"
    elif role != "level":
        label = f"{role} in {what}"
    return Measure(key=f"{fig.unit}|{what}|{role}", label=label, role=role,
                   period=_period(fig, after_text, before_text))
