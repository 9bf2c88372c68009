"""Cross-article consistency: who is the same across articles, and do the articles agree on numbers and dates.

``cross_check(records)`` reads the feed records of a run as a whole and returns a :class:`schemas.Report`;
``format_summary(report)`` renders its counts and conflicts in a few lines for stderr. Pure functions over
the records: no model, no network, the same report for the same records.

Entities: see :mod:`extract.entities`.

Figure groups (figures of the same unit that measure the same thing):

* The measure is the head noun of the words right after the quantity in the evidence sentence (leading
  of/the/all skipped; the phrase ends at a preposition, verb, participle, proper noun or punctuation; its
  last word is the head): "12-day war between" -> war, "69 percent of all major conventional arms imported
  by" -> arms, and a participle right after the head is kept as a noun ("imported" -> "arms imports").
  Generic counted nouns ("people killed", "civilians were killed") take the death or injury word after
  them. Without a head there, ``about`` is read the same way (or any synonym word it holds), then the six
  words before the quantity (a synonym word only). Heads are mapped through synonym sets
  (war/conflict/hostilities/fighting/confrontation -> conflict; dead/killed/deaths/death toll/fatalities ->
  deaths; wounded/injured -> injuries; weapons/arms -> arms; ...); other heads lose a plural "s". Time
  units read as "duration of the <head>".
* Two figures pair when unit and measure are equal, their evidence and ``about`` words (stopwords, months,
  weekdays, unit words and numbers left out, synonyms mapped) share at least one word, their ``period``
  does not differ when both have one, and the proper nouns of their ``about`` do not exclude each other
  (both have some and none in common: "dead in Gaza" vs "dead in Israel"). A figure joins the first group
  whose every member it pairs with (complete linkage), so one vague figure cannot chain unrelated ones.
* A group is reported when it holds figures of 2+ articles, or 2+ figures of one article that disagree.
* Verdict: all values (and upper bounds) equal -> agree. Else each pair of different values must be
  within tolerance: a range holding the other value, or a relative difference <= 5% with one side
  qualified (approximately, about, more than...) or round (a multiple of 10^k, k >= 1); a bound
  qualifier that the other value breaks ("more than 1,000" vs 990) is never within tolerance. All pairs
  within tolerance -> agree_within_tolerance, else conflict. Durations in different units (12 days vs two
  weeks) are not compared.

Event groups (events of several articles taken to be one event):

* Kinds are compared lower-cased, with truce -> ceasefire and war/hostilities -> conflict. Two events pair
  when their kinds are equal and they share an actor entity, or the kind is ceasefire or conflict and
  they do not both name actors without one in common. An event joins the first group holding an event it
  pairs with, unless that group already holds an event of the same article with another known day (two
  calls on two days in one article are two calls).
* The day of an event is its ``date``, else the first time expression with a month and day that
  ``find_times(date_text, None)`` finds (a year when stated). Weekdays without a publication date and
  bare years give no day.
* Verdict: two known days that differ in month/day, or in year when both have one -> conflict; else known
  days in 2+ articles -> agree; else undetermined. Only groups with events of 2+ articles and at least
  one known day are reported (an undated group says nothing checkable).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from extract.anchors.names import is_demonym
from extract.anchors.times import find_times
from extract.entities import fold, resolve_entities
from schemas.feed import Event, FeedRecord, Figure
from schemas.report import (
    DatedMention,
    EventGroup,
    FigureGroup,
    GroupValue,
    Report,
    ReportSummary,
)

PERSON_RATIO = 85.0
ORG_TOKEN_SET_RATIO = 92.0
TOLERANCE = 0.05

_WORDS = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’]*")

_STOPWORDS = frozenset(
    """a an the this that these those it its he she they we you i his her their our my your there here of
    for to in on at by with from into about as and or but nor not no so than then also after before during
    since until while when where which who whom whose what why how all any both each few more most other
    some such only own same very can could will would shall should may might must is are was were be been
    being has have had having do does did said says say told according over under between among against
    through within without across per up down out off just still even again further once one two three
    four five six seven eight nine ten first second last next new recent recently amid via around nearly
    almost approximately roughly some least less than up at most total including include includes
    january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday day days week weeks month months year years hour hours
    minute minutes percent per cent percentage point points dollar dollars euro euros pound pounds
    million billion trillion thousand hundred today yesterday tomorrow""".split()
)

# Head nouns and the measure they stand for.
_SYNONYMS: dict[str, str] = {}
for _measure_name, _measure_words in {
    "conflict": "war wars conflict conflicts hostilities fighting confrontation confrontations clashes",
    "deaths": "dead killed deaths death toll fatalities died lives",
    "injuries": "injured wounded injuries",
    "casualties": "casualties casualty",
    "arms": "arms weapons weaponry munitions",
    "drones": "drones drone uavs uav",
    "missiles": "missiles missile",
    "inflation": "inflation",
    "ceasefire": "ceasefire truce",
    "displaced": "displaced refugees",
    "unemployment": "unemployment unemployed jobless",
    "turnout": "turnout",
}.items():
    _SYNONYMS.update(dict.fromkeys(_measure_words.split(), _measure_name))

# A participle right after the head turns into a noun: "arms imported by" -> "arms imports".
_NOMINAL = {"imported": "imports", "exported": "exports", "sold": "sales", "bought": "purchases",
            "spent": "spending", "produced": "production", "delivered": "deliveries", "supplied": "supplies"}
_GENERIC = frozenset("people persons men women children civilians soldiers troops fighters residents members "
                     "individuals others".split())
_HUMAN_TOLL = frozenset(("deaths", "injuries", "casualties"))
_LEAD = frozenset("of the all a an in its their his her this that these those some worth".split())
_PHRASE_STOP = _STOPWORDS - frozenset(("first", "second", "last", "new", "recent")) | frozenset(
    "has have had is are was were be been said says say came come went began begun took made saw".split())
_TIME_UNITS = frozenset(("minute", "hour", "day", "week", "month", "year"))
_CLAUSE_END = re.compile(r"[,.;:()!?\[\]\"“”‘—–]|\s[-–—]\s")

_LOWER_BOUND = frozenset(("more than", "over", "at least"))
_UPPER_BOUND = frozenset(("less than", "under", "up to", "at most"))

_EVENT_KINDS = {"truce": "ceasefire", "war": "conflict", "hostilities": "conflict"}
_OPEN_KINDS = frozenset(("ceasefire", "conflict"))
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")

# ---------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class _Fig:
    article: str
    figure: Figure
    measure_key: str
    measure: str
    words: frozenset[str]
    proper: frozenset[str]


def _canon(word: str) -> str:
    w = fold(word).strip("'")
    if w in _SYNONYMS:
        return _SYNONYMS[w]
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _tokens(text: str) -> list[str]:
    return _WORDS.findall(text)


def _head(words: list[str]) -> tuple[str, str] | None:
    """(measure key, label) from the words that follow a number, or None."""
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
        if lw in _PHRASE_STOP or (w[0].isupper() and lw not in _SYNONYMS) or (
                lw.endswith("ed") and lw not in _SYNONYMS):
            break
        phrase.append(lw)
        j += 1
    if not phrase:
        return None
    head = _canon(phrase[-1])
    if phrase[-1] in _GENERIC:
        toll = next((_SYNONYMS[fold(w)] for w in words[j:j + 4] if _SYNONYMS.get(fold(w)) in _HUMAN_TOLL), None)
        if toll:
            return toll, toll
    nxt = fold(words[j]) if j < len(words) else ""
    if nxt in _NOMINAL:
        label = f"{head} {_NOMINAL[nxt]}"
        return label, label
    return head, head


def _measure(fig: Figure) -> tuple[str, str] | None:
    ev, q = fig.evidence, fig.quantity
    after = ev.text[q.end - ev.start:] if ev.start <= q.end <= ev.end else ""
    after = _CLAUSE_END.split(after, maxsplit=1)[0]
    found = _head(_tokens(after)[:10])
    if found is None and fig.about:
        about = _tokens(fig.about)
        found = _head(about)
        syn = [_SYNONYMS[fold(w)] for w in about if fold(w) in _SYNONYMS]
        if syn and (found is None or found[0] not in _SYNONYMS.values()):
            found = syn[0], syn[0]
    if found is None:
        before = _tokens(ev.text[: max(0, q.start - ev.start)])[-6:]
        syn = [_SYNONYMS[fold(w)] for w in before if fold(w) in _SYNONYMS]
        if syn:
            found = syn[-1], syn[-1]
    if found is None:
        return None
    key, label = found
    if fig.unit in _TIME_UNITS:
        label = f"duration of the {label}"
    return key, label


def _content_words(*texts: str | None) -> frozenset[str]:
    out: set[str] = set()
    for text in texts:
        for w in _tokens(text or ""):
            for part in fold(w).strip("'").split():
                part = re.sub(r"'s?$", "", part)
                if len(part) >= 3 and part not in _STOPWORDS and not part.isdigit():
                    out.add(_canon(part))
    return frozenset(out)


def _proper(about: str | None) -> frozenset[str]:
    return frozenset(fold(w) for w in re.findall(r"[A-Za-zÀ-ÿ]+", about or "") if w[0].isupper())


def _pairs(a: _Fig, b: _Fig) -> bool:
    fa, fb = a.figure, b.figure
    if fa.unit != fb.unit or a.measure_key != b.measure_key or not (a.words & b.words):
        return False
    if fa.period and fb.period and fa.period != fb.period:
        return False
    return not (a.proper and b.proper and not (a.proper & b.proper))


def _is_round(v: float) -> bool:
    return v != 0 and float(v).is_integer() and int(v) % 10 == 0


def _within(a: Figure, b: Figure) -> bool:
    """Whether two different values of one group may state the same quantity."""
    for x, y in ((a, b), (b, a)):
        hi_y = y.value_high if y.value_high is not None else y.value
        if x.qualifier in _LOWER_BOUND and hi_y < x.value:
            return False
        if x.qualifier in _UPPER_BOUND and y.value > (x.value_high if x.value_high is not None else x.value):
            return False
    for x, y in ((a, b), (b, a)):
        if x.value_high is not None and y.value_high is None and x.value <= y.value <= x.value_high:
            return True
    lo_a, hi_a = a.value, a.value_high if a.value_high is not None else a.value
    lo_b, hi_b = b.value, b.value_high if b.value_high is not None else b.value
    gap = max(lo_a - hi_b, lo_b - hi_a, 0.0)
    scale = max(abs(lo_a), abs(hi_a), abs(lo_b), abs(hi_b))
    if scale == 0 or gap / scale > TOLERANCE:
        return False
    return bool(a.qualifier or b.qualifier) or any(_is_round(v) for v in (lo_a, hi_a, lo_b, hi_b))


def _num(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def _value_label(f: Figure) -> str:
    text = _num(f.value) + (f"-{_num(f.value_high)}" if f.value_high is not None else "")
    return f"{f.qualifier} {text}" if f.qualifier else text


def _unit_word(unit: str, measure_key: str) -> str:
    if unit == "count":
        return measure_key
    return unit.removeprefix("other:")


def _figure_groups(records: Sequence[FeedRecord], short: dict[str, str]) -> list[FigureGroup]:
    figs: list[_Fig] = []
    for rec in records:
        for f in rec.figures:
            m = _measure(f)
            if m is not None:
                figs.append(_Fig(rec.article.id, f, m[0], m[1], _content_words(f.evidence.text, f.about),
                                 _proper(f.about)))
    clusters: list[list[_Fig]] = []
    for fig in figs:
        home = next((c for c in clusters if all(_pairs(fig, other) for other in c)), None)
        if home is None:
            clusters.append([fig])
        else:
            home.append(fig)
    groups: list[FigureGroup] = []
    for members in clusters:
        articles = list(dict.fromkeys(m.article for m in members))
        distinct = {(m.figure.value, m.figure.value_high) for m in members}
        if len(members) < 2 or (len(articles) < 2 and len(distinct) < 2):
            continue
        groups.append(_figure_group(f"G{len(groups) + 1}", members, articles, short))
    return groups


def _figure_group(gid: str, members: list[_Fig], articles: list[str], short: dict[str, str]) -> FigureGroup:
    first = members[0]
    unit_word = _unit_word(first.figure.unit, first.measure_key)
    values = [GroupValue(article=m.article, figure=m.figure.id, value=m.figure.value,
                         value_high=m.figure.value_high, qualifier=m.figure.qualifier,
                         text=m.figure.quantity.text) for m in members]
    by_label: dict[str, list[str]] = {}
    for m in members:
        by_label.setdefault(_value_label(m.figure), [])
        if short[m.article] not in by_label[_value_label(m.figure)]:
            by_label[_value_label(m.figure)].append(short[m.article])
    arts = ", ".join(short[a] for a in articles)
    if len({(m.figure.value, m.figure.value_high) for m in members}) == 1:
        verdict: Literal["agree", "agree_within_tolerance", "conflict"] = "agree"
        detail = f"{_num(first.figure.value)}" + (
            f"-{_num(first.figure.value_high)}" if first.figure.value_high is not None else "")
        detail = f"{detail} {unit_word} in {arts}: agree"
    else:
        ok = all(_within(a.figure, b.figure) for i, a in enumerate(members) for b in members[i + 1:]
                 if (a.figure.value, a.figure.value_high) != (b.figure.value, b.figure.value_high))
        verdict = "agree_within_tolerance" if ok else "conflict"
        if ok:
            detail = f"{' vs '.join(by_label)} {unit_word} in {arts}: agree within {TOLERANCE:.0%}"
        else:
            parts = " vs ".join(f"{label} ({', '.join(arts_)})" for label, arts_ in by_label.items())
            detail = f"{parts} {unit_word}: conflict"
    return FigureGroup(id=gid, measure=first.measure, unit=first.figure.unit, values=values,
                       verdict=verdict, detail=detail)


# ---------------------------------------------------------------------------------------------- events


@dataclass(frozen=True)
class _Ev:
    article: str
    event: Event
    kind: str
    actors: frozenset[str]
    year: int | None
    month: int | None
    day: int | None

    @property
    def known(self) -> bool:
        return self.month is not None and self.day is not None


def event_day(event: Event) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of an event: its ``date``, else what ``find_times`` reads in ``date_text``."""
    if event.date:
        try:
            day = dt.date.fromisoformat(event.date)
        except ValueError:  # the feed checks the pattern only: "2025-02-30" reads as no date
            return None, None, None
        return day.year, day.month, day.day
    if event.date_text:
        for anchor in find_times(event.date_text, None):
            if anchor.month is not None and anchor.day is not None:
                return anchor.year, anchor.month, anchor.day
    return None, None, None


def _event_pairs(a: _Ev, b: _Ev) -> bool:
    if a.kind != b.kind:
        return False
    if a.actors & b.actors:
        return True
    return a.kind in _OPEN_KINDS and not (a.actors and b.actors)


def _differs(a: _Ev, b: _Ev) -> bool:
    if not (a.known and b.known):
        return False
    return (a.month, a.day) != (b.month, b.day) or (a.year is not None and b.year is not None and a.year != b.year)


def _day_label(e: _Ev) -> str:
    if e.year is not None and e.month is not None and e.day is not None:
        return f"{e.year:04d}-{e.month:02d}-{e.day:02d}"
    return f"{_MONTHS[(e.month or 1) - 1]} {e.day}"


def _event_groups(records: Sequence[FeedRecord], actor_ids: dict[tuple[str, str, str, str], str],
                  short: dict[str, str]) -> list[EventGroup]:
    evs: list[_Ev] = []
    for rec in records:
        for e in rec.events:
            kind = _EVENT_KINDS.get(e.kind.lower().strip(), e.kind.lower().strip())
            actors = frozenset(actor_ids[k] for a in e.actors
                               if (k := (rec.article.id, e.id, "actor", a)) in actor_ids)
            evs.append(_Ev(rec.article.id, e, kind, actors, *event_day(e)))
    clusters: list[list[_Ev]] = []
    for ev in evs:
        home = next((c for c in clusters if any(_event_pairs(ev, o) for o in c)
                     and not any(o.article == ev.article and _differs(o, ev) for o in c)), None)
        if home is None:
            clusters.append([ev])
        else:
            home.append(ev)
    groups: list[EventGroup] = []
    for members in clusters:
        articles = list(dict.fromkeys(m.article for m in members))
        if len(articles) < 2 or not any(m.known for m in members):
            continue
        groups.append(_event_group(f"D{len(groups) + 1}", members, articles, short))
    return groups


def _event_group(gid: str, members: list[_Ev], articles: list[str], short: dict[str, str]) -> EventGroup:
    values = [DatedMention(article=m.article, event=m.event.id, date=m.event.date, year=m.year, month=m.month,
                           day=m.day, date_text=m.event.date_text) for m in members]
    known = [m for m in members if m.known]
    conflict = any(_differs(a, b) for i, a in enumerate(known) for b in known[i + 1:])
    dated_articles = list(dict.fromkeys(m.article for m in known))
    by_label: dict[str, list[str]] = {}
    for m in known:
        arts_ = by_label.setdefault(_day_label(m), [])
        if short[m.article] not in arts_:
            arts_.append(short[m.article])
    kind = members[0].kind
    verdict: Literal["agree", "conflict", "undetermined"]
    if conflict:
        verdict = "conflict"
        detail = f"{kind}: " + " vs ".join(f"{label} ({', '.join(a)})" for label, a in by_label.items())
        detail += ": conflict"
    elif len(dated_articles) >= 2:
        verdict = "agree"
        undated = [short[a] for a in articles if a not in dated_articles]
        detail = f"{kind}: {' / '.join(by_label)} in {', '.join(short[a] for a in dated_articles)}: agree"
        if undated:
            detail += f" (no day in {', '.join(undated)})"
    else:
        verdict = "undetermined"
        undated = [short[a] for a in articles if a not in dated_articles]
        label, arts_ = next(iter(by_label.items()))
        detail = f"{kind}: {label} only in {', '.join(arts_)}, no day in {', '.join(undated)}: undetermined"
    per_article: dict[str, set[str]] = {}
    for m in members:
        per_article.setdefault(m.article, set()).update(m.actors)
    counts = Counter(eid for ids in per_article.values() for eid in ids)
    shared = sorted((eid for eid, n in counts.items() if n >= 2), key=lambda e: int(e[1:]))
    return EventGroup(id=gid, kind=kind, entities=shared, values=values, verdict=verdict, detail=detail)


# ---------------------------------------------------------------------------------------------- report


def _short_ids(ids: Iterable[str]) -> dict[str, str]:
    """ "001_2f07fd0f5ed94aae" -> "001" when the prefixes before "_" tell the articles apart."""
    ids = list(dict.fromkeys(ids))
    prefixes = {i: i.split("_", 1)[0] for i in ids}
    if all(prefixes.values()) and len(set(prefixes.values())) == len(ids):
        return prefixes
    return {i: i for i in ids}


def cross_check(records: Sequence[FeedRecord]) -> Report:
    """The cross-article consistency report of ``records`` (see the module docstring for the rules)."""
    articles = [r.article.id for r in records]
    short = _short_ids(articles)
    entities, actor_ids = resolve_entities(records)
    figure_groups = _figure_groups(records, short)
    event_groups = _event_groups(records, actor_ids, short)
    conflicts = sum(g.verdict == "conflict" for g in figure_groups) + sum(
        g.verdict == "conflict" for g in event_groups)
    return Report(
        articles=articles, entities=entities, figure_groups=figure_groups, event_groups=event_groups,
        summary=ReportSummary(entities=len(entities), figure_groups=len(figure_groups),
                              event_groups=len(event_groups), conflicts=conflicts),
    )


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def format_summary(report: Report) -> str:
    """A few lines for stderr: the counts, then one line per conflict."""
    s = report.summary
    counts = ", ".join(_plural(n, word) for n, word in (
        (len(report.articles), "article"), (s.entities, "entity"), (s.figure_groups, "figure group"),
        (s.event_groups, "event group"), (s.conflicts, "conflict")))
    lines = [f"cross-check: {counts}"]
    lines += [f"  conflict {g.id} ({g.measure}): {g.detail}" for g in report.figure_groups if g.verdict == "conflict"]
    lines += [f"  conflict {g.id} ({g.kind}): {g.detail}" for g in report.event_groups if g.verdict == "conflict"]
    return "\n".join(lines)
