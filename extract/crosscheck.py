"""Cross-article consistency: who is the same across articles, and do the articles agree on numbers and dates.

Input: feed records, one at a time (:class:`CrossChecker`, ``cross_check(records)``, or a feed file streamed
line by line with :func:`iter_feed`). Output: a :class:`schemas.Report`; ``format_summary(report)``
renders its counts and conflicts in a few lines for stderr. No model, no network; the same report for the
same records. :func:`refresh_report` is what a run calls at its end: it rebuilds ``report.json`` only when
the feed changed since the report was built (the report's first field, ``built_from``, records the feed's
size, modification time and a hash of its last line, and the rules' version; it is read from the file's
first bytes, so a resume that wrote nothing costs milliseconds however large the report).

A group is a claim that several articles state the same thing, so it needs all of:

* **Two different articles.** Values inside one article are never a cross-article conflict (that is an
  in-article check, such as ``headline_vs_body``). A record whose text (sha256) or whose set of evidence
  sentences repeats an earlier record's, as a second run over the same inputs or an article pasted twice
  gives, is that article again: it is listed in ``duplicates`` and left out of the groups.
* **The same story.** Each article's names (figure sources, speakers, actors, event places, the title and
  the proper names of its figure and event sentences; folded, titles stripped, an entity's spellings as
  one; its own outlet left out) must share at least ``STORY_MIN`` with the other's, and at least a third
  (``STORY_SHARE``) of the smaller article's: two stories that merely happen in the same country, or both
  cite the United Nations, share a name or two but not a third of their names. Articles published more
  than ``WINDOW_DAYS`` apart (when both dates are known) are never grouped.
* **The same measure** (figures): the same unit, the same :class:`extract.measures.Measure` (what is
  counted or measured and whether it is a level or a change, read from the figure's own words, never one
  shared noun), the same period, and the same subject: the names of the figure's ``about`` and of its
  sentence (its source and speakers left out, unless they are all it names), else the article's leading
  names; two subjects share at least ``min(2, size of the smaller)`` names.
* **The same happening** (events): the same kind and phase (a war's start is not its end; a ceasefire
  agreed is not one taking effect), actors that share ``min(2, size of the smaller)`` entities (an event
  without actors only for a war or a ceasefire, matched on the story), and, for kinds that recur (calls,
  meetings, attacks, votes...), the same day when both give one; only a war's start or end and a ceasefire
  happen once per story, so only they can disagree on the day.

Every group says why it was formed (``reason``). Grouping is blocked, never all pairs: items are kept as
small summaries in blocks keyed by measure (or kind), and an item is compared only with the groups that
share one of its subject names, at most ``CANDIDATES`` most recent ones per name; it joins the first group
whose every member it matches (complete linkage, so one vague item cannot chain unrelated ones).

Verdicts (:mod:`extract.verdicts`): articles are compared pairwise; equal values agree, values within
``TOLERANCE`` with a qualifier or a round number agree within tolerance, anything else is a conflict; for
events, known days with none in common conflict. Only groups with 2+ articles are reported, and event
groups only with a known day.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from extract.anchors.times import find_times
from extract.entities import EntityIndex, SentenceNames, story_key
from extract.errors import InputError
from extract.measures import figure_measure
from extract.verdicts import event_verdict, figure_verdict
from extract.write import write_report
from schemas.feed import Event, FeedRecord, Figure, Statement
from schemas.report import (
    REPORT_SCHEMA_VERSION,
    DatedMention,
    DuplicateArticle,
    EventGroup,
    FeedState,
    FigureGroup,
    GroupValue,
    Report,
    ReportSummary,
)

CROSSCHECK_VERSION = "2"  # bump with the grouping rules: a resumed run then rebuilds its report
STORY_MIN = 2
STORY_SHARE = 1 / 3
WINDOW_DAYS = 14
CANDIDATES = 50
LEAD_NAMES = 6

_EVENT_KINDS = {"truce": "ceasefire", "war": "conflict", "hostilities": "conflict"}
_ONCE_PER_STORY = frozenset(("ceasefire", "conflict"))
_PHASES = (("start", re.compile(r"\b(?:began|begun|begins|started|starts|broke out|erupted|launched|took effect|"
                                r"came into effect|comes into effect|went into effect|kicked off|opened)\b", re.I)),
           ("end", re.compile(r"\b(?:ended|ends|ending|end to|collapsed|concluded|expired|halted|was over)\b", re.I)),
           ("agreed", re.compile(r"\b(?:agreed|announced|brokered|signed|reached|declared)\b", re.I)))
# ---------------------------------------------------------------------------------------------- articles


@dataclass(slots=True)
class _Article:
    id: str
    published: dt.date | None
    names: Counter[str]
    story: frozenset[str] = frozenset()  # canonical keys, set by CrossChecker.report()
    lead: frozenset[str] = frozenset()


def _published(rec: FeedRecord) -> dt.date | None:
    try:
        return dt.date.fromisoformat(rec.article.published) if rec.article.published else None
    except ValueError:
        return None


def _items(rec: FeedRecord) -> list[Figure | Statement | Event]:
    return [*rec.figures, *rec.statements, *rec.events]


def _fingerprint(rec: FeedRecord) -> str | None:
    """A hash of the record's set of evidence sentences: the same article pasted twice gives the same set."""
    texts = sorted({i.evidence.text for i in _items(rec)})
    if not texts:
        return None
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------- blocks


@dataclass(slots=True)
class _FigItem:
    art: int
    figure: Figure
    keys: frozenset[str]  # the subject's name keys
    period: str | None


@dataclass(slots=True)
class _EvItem:
    art: int
    event: Event
    keys: frozenset[str]  # actor keys, or the article's lead names when the event names no actor
    actors: bool
    once: bool  # a kind that happens once per story (a war's start or end, a ceasefire)
    year: int | None
    month: int | None
    day: int | None

    @property
    def known(self) -> bool:
        return self.month is not None and self.day is not None


ItemT = TypeVar("ItemT", _FigItem, _EvItem)


@dataclass
class _Block(Generic[ItemT]):
    label: str
    unit: str
    items: list[ItemT] = field(default_factory=list)


def _cluster(items: list[ItemT], match: Callable[[ItemT, ItemT], bool]) -> list[list[ItemT]]:
    """Complete-linkage groups of one block, each item compared only with groups that share one of its keys."""
    clusters: list[list[ItemT]] = []
    by_key: dict[str, list[int]] = {}
    for item in items:
        candidates = sorted({c for k in item.keys for c in by_key.get(k, ())[-CANDIDATES:]})
        home = next((c for c in candidates if all(match(item, other) for other in clusters[c])), None)
        if home is None:
            home = len(clusters)
            clusters.append([item])
        else:
            clusters[home].append(item)
        for k in item.keys:
            posting = by_key.setdefault(k, [])
            if not posting or posting[-1] != home:
                posting.append(home)
    return clusters


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    return len(a & b) >= min(2, len(a), len(b)) and bool(a and b)


# ---------------------------------------------------------------------------------------------- checker


class CrossChecker:
    """``add(record)`` for each feed record, then ``report()``: keeps per-article names and per-item
    summaries in blocks, never the records."""

    def __init__(self) -> None:
        self.entities = EntityIndex()
        self.articles: list[_Article] = []
        self.duplicates: list[DuplicateArticle] = []
        self._seen: dict[str, str] = {}
        self._figures: dict[str, _Block[_FigItem]] = {}
        self._events: dict[str, _Block[_EvItem]] = {}
        self._display: dict[str, str] = {}

    def add(self, rec: FeedRecord) -> None:
        """Take one feed record."""
        self.entities.add(rec)
        art = len(self.articles)
        sentences = SentenceNames()
        names: Counter[str] = Counter()
        raws = [rec.article.title or "", *(f.source or "" for f in rec.figures),
                *(s.speaker or "" for s in rec.statements), *(a for e in rec.events for a in e.actors),
                *(e.location or "" for e in rec.events)]
        for raw in raws[1:]:
            if (key := story_key(raw)) is not None:
                names[key] += 1
                self._display.setdefault(key, raw.strip())
        # The title and the sentences of figures and events (speakers are counted as mentions above).
        said = [f.evidence.text for f in rec.figures] + [e.evidence.text for e in rec.events]
        texts = [raws[0], *dict.fromkeys(said)]
        for text in texts:
            for start, end, key in sentences.names(text):
                names[key] += 1
                self._display.setdefault(key, text[start:end])
        if rec.article.outlet and (outlet := story_key(rec.article.outlet)):
            names.pop(outlet, None)  # who tells the story is not what it is about
        self.articles.append(_Article(rec.article.id, _published(rec), names))
        identities = [rec.article.sha256, _fingerprint(rec)]
        first = next((self._seen[i] for i in identities if i in self._seen), None)
        if first is not None:
            self.duplicates.append(DuplicateArticle(article=rec.article.id, same_as=first))
            return
        for i in identities:
            if i:
                self._seen[i] = rec.article.id
        lead = frozenset(k for k, _ in names.most_common(LEAD_NAMES))
        for f in rec.figures:
            self._add_figure(art, f, sentences, lead)
        for e in rec.events:
            self._add_event(art, e, lead)

    def _add_figure(self, art: int, f: Figure, sentences: SentenceNames, lead: frozenset[str]) -> None:
        measure = figure_measure(f)
        if measure is None:
            return
        # Who or what the figure is of: the names in its ``about`` words and the other names of its sentence
        # but its source, unless the source is all the sentence names ("Dramar Systems said revenue rose
        # 10%"); a sentence without names takes the article's leading names.
        spans = sentences.names(f.evidence.text)
        at = f.evidence.text.find(f.about) if f.about else -1
        about = {k for s, e, k in spans if at >= 0 and at <= s and e <= at + len(f.about or "")}
        found = {k for _, _, k in spans}
        source = story_key(f.source) if f.source else None
        subject = frozenset(about | (found - {source}) or found or lead)
        block = self._figures.setdefault(measure.key, _Block(measure.label, f.unit))
        block.items.append(_FigItem(art, f, subject, measure.period))

    def _add_event(self, art: int, e: Event, lead: frozenset[str]) -> None:
        year, month, day = event_day(e)
        kind = _EVENT_KINDS.get(e.kind.lower().strip(), e.kind.lower().strip())
        phase = _phase(e) if kind in _ONCE_PER_STORY else None
        key = f"{kind} ({phase})" if phase else kind
        actors = frozenset(k for a in e.actors if (k := story_key(a)) is not None)
        if not actors and kind not in _ONCE_PER_STORY:
            return  # nothing says which call or attack this is
        block = self._events.setdefault(key, _Block(key, ""))
        block.items.append(_EvItem(art, e, actors or lead, bool(actors), kind in _ONCE_PER_STORY, year, month, day))

    # ------------------------------------------------------------------------------------------ report

    def report(self) -> Report:
        """The report of everything added so far."""
        entities = self.entities.resolve()
        canon = self._canon
        for a in self.articles:
            a.story = frozenset(canon(k) for k in a.names)
            a.lead = frozenset(canon(k) for k, _ in a.names.most_common(LEAD_NAMES))
        short = _short_ids(a.id for a in self.articles)
        figure_groups: list[tuple[int, FigureGroup]] = []
        for block in self._figures.values():
            for item in block.items:
                item.keys = frozenset(canon(k) for k in item.keys)
            for members in _cluster(block.items, self._figures_match):
                if len({m.art for m in members}) >= 2:
                    figure_groups.append((members[0].art, self._figure_group(block, members, short)))
        event_groups: list[tuple[int, EventGroup]] = []
        for eblock in self._events.values():
            for ev in eblock.items:
                ev.keys = frozenset(canon(k) for k in ev.keys)
            for evs in _cluster(eblock.items, self._events_match):
                if len({m.art for m in evs}) >= 2 and any(m.known for m in evs):
                    event_groups.append((evs[0].art, self._event_group(eblock.label, evs, short)))
        # Numbered in feed order of their first article (a stable sort keeps block order among equals).
        figure_groups.sort(key=lambda pair: pair[0])
        event_groups.sort(key=lambda pair: pair[0])
        figures = [g.model_copy(update={"id": f"G{i}"}) for i, (_, g) in enumerate(figure_groups, 1)]
        events = [g.model_copy(update={"id": f"D{i}"}) for i, (_, g) in enumerate(event_groups, 1)]
        conflicts = sum(g.verdict == "conflict" for g in figures) + sum(g.verdict == "conflict" for g in events)
        return Report(
            articles=[a.id for a in self.articles], entities=entities, figure_groups=figures,
            event_groups=events, duplicates=self.duplicates,
            summary=ReportSummary(articles=len(self.articles), entities=len(entities), figure_groups=len(figures),
                                  event_groups=len(events), conflicts=conflicts,
                                  duplicates=len(self.duplicates)),
        )

    def _canon(self, key: str) -> str:
        return self.entities.entity_of(key) or key

    def _same_story(self, a: int, b: int) -> bool:
        if a == b:
            return True
        x, y = self.articles[a], self.articles[b]
        if x.published and y.published and abs((x.published - y.published).days) > WINDOW_DAYS:
            return False
        shared = len(x.story & y.story)
        return shared >= STORY_MIN and shared >= STORY_SHARE * min(len(x.story), len(y.story))

    def _figures_match(self, a: _FigItem, b: _FigItem) -> bool:
        return a.period == b.period and _overlap(a.keys, b.keys) and self._same_story(a.art, b.art)

    def _events_match(self, a: _EvItem, b: _EvItem) -> bool:
        if not self._same_story(a.art, b.art):
            return False
        if a.actors and b.actors and not _overlap(a.keys, b.keys):
            return False
        if a.known and b.known:
            if a.year is not None and b.year is not None and a.year != b.year:
                return False
            if (a.month, a.day) != (b.month, b.day) and (not a.once or a.art == b.art):
                return False
        return True

    def _names(self, keys: Iterable[str], limit: int = 4) -> str:
        shown = sorted(dict.fromkeys(self._label(k) for k in keys))
        return ", ".join(shown[:limit]) + (f" and {len(shown) - limit} more" if len(shown) > limit else "")

    def _label(self, key: str) -> str:
        if key.startswith("E") and key[1:].isdigit():
            name = self.entities.name_of(key)
            if name:
                return name
        return self._display.get(key, key)

    def _story_reason(self, arts: list[int]) -> str:
        shared = frozenset.intersection(*(self.articles[a].story for a in arts))
        if len(shared) >= STORY_MIN:
            return f"their stories share {self._names(shared)}"
        return "each pair of their stories shares 2+ names"

    def _figure_group(self, block: _Block[_FigItem], members: list[_FigItem], short: dict[str, str]) -> FigureGroup:
        arts = list(dict.fromkeys(m.art for m in members))
        subject = frozenset.intersection(*(m.keys for m in members)) or frozenset().union(*(m.keys for m in members))
        period = members[0].period
        reason = (f"same measure: {block.label} ({block.unit}), of {self._names(subject)}, "
                  f"{'period ' + period if period else 'no period stated'}; {len(arts)} articles, "
                  f"{self._story_reason(arts)}")
        values = [GroupValue(article=self.articles[m.art].id, figure=m.figure.id, value=m.figure.value,
                             value_high=m.figure.value_high, qualifier=m.figure.qualifier,
                             text=m.figure.quantity.text) for m in members]
        unit_word = block.label if block.unit == "count" else block.unit.removeprefix("other:")
        verdict, detail = figure_verdict([(self.articles[m.art].id, m.figure) for m in members], unit_word, short)
        return FigureGroup(id="G1", measure=block.label, unit=block.unit, values=values, verdict=verdict,
                           detail=detail, reason=reason)

    def _event_group(self, kind: str, members: list[_EvItem], short: dict[str, str]) -> EventGroup:
        arts = list(dict.fromkeys(m.art for m in members))
        values = [DatedMention(article=self.articles[m.art].id, event=m.event.id, date=m.event.date, year=m.year,
                               month=m.month, day=m.day, date_text=m.event.date_text) for m in members]
        verdict, detail = event_verdict(kind, [(self.articles[m.art].id, (m.year, m.month, m.day)) for m in members],
                                        short)
        per_article: dict[int, set[str]] = {}
        for m in members:
            if m.actors:
                per_article.setdefault(m.art, set()).update(m.keys)
        counts = Counter(k for keys in per_article.values() for k in keys)
        shared = sorted((k for k, n in counts.items() if n >= 2 and k.startswith("E") and k[1:].isdigit()),
                        key=lambda e: int(e[1:]))
        actors = [k for k, n in counts.items() if n >= 2]
        who = f"with {self._names(actors)}" if actors else "without actors named, on the story"
        reason = f"same happening: {kind} {who}; {len(arts)} articles, {self._story_reason(arts)}"
        return EventGroup(id="D1", kind=kind, entities=shared, values=values, verdict=verdict, detail=detail,
                          reason=reason)


def _phase(e: Event) -> str | None:
    """start / end / agreed, from the cue nearest to the event's time expression in its evidence."""
    text = e.evidence.text
    at = text.find(e.date_text) if e.date_text else -1
    best: tuple[int, str] | None = None
    for phase, cue in _PHASES:
        for m in cue.finditer(text):
            distance = abs(m.start() - at) if at >= 0 else m.start()
            if best is None or distance < best[0]:
                best = (distance, phase)
    return best[1] if best else None


def event_day(event: Event) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of an event: its ``date``, else what ``find_times`` reads in ``date_text``."""
    if event.date:
        try:
            day = dt.date.fromisoformat(event.date)
        except ValueError:  # the feed checks the pattern only: "2025-02-30" reads as no date
            return None, None, None
        return day.year, day.month, day.day
    return _day_of(event.date_text) if event.date_text else (None, None, None)


@functools.lru_cache(maxsize=1 << 14)
def _day_of(date_text: str) -> tuple[int | None, int | None, int | None]:
    """The first month-day ``find_times`` reads in a time expression (a feed repeats "June 24" often)."""
    for anchor in find_times(date_text, None):
        if anchor.month is not None and anchor.day is not None:
            return anchor.year, anchor.month, anchor.day
    return None, None, None


# ---------------------------------------------------------------------------------------------- feeds


def _short_ids(ids: Iterable[str]) -> dict[str, str]:
    """ "001_2f07fd0f5ed94aae" -> "001" when the prefixes before "_" tell the articles apart."""
    ids = list(dict.fromkeys(ids))
    prefixes = {i: i.split("_", 1)[0] for i in ids}
    if all(prefixes.values()) and len(set(prefixes.values())) == len(ids):
        return prefixes
    return {i: i for i in ids}


def cross_check(records: Iterable[FeedRecord]) -> Report:
    """The cross-article consistency report of ``records`` (see the module docstring for the rules)."""
    checker = CrossChecker()
    # The build allocates many small objects and frees none: the cyclic collector's full passes would walk
    # them again and again, growing the time faster than the feed. Reference counting still frees garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for rec in records:
            checker.add(rec)
        return checker.report()
    finally:
        if collecting:
            gc.enable()


def iter_feed(path: Path) -> Iterator[FeedRecord | InputError]:
    """The records of a ``facts.jsonl`` feed, one line at a time; a bad line comes back as an error naming it."""
    try:
        handle = path.open("rb")
    except OSError as err:
        yield InputError(f"cannot read feed: {err}", source=str(path), original=err)
        return
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield FeedRecord.model_validate_json(line)
            except ValueError as err:  # pydantic's ValidationError, and UnicodeDecodeError, are ValueErrors
                first = str(err).splitlines()[0]
                yield InputError(f"not a feed line: {first}", source=f"{path}:{number}", original=err)


def feed_state(feed: Path) -> FeedState:
    """What says a feed is unchanged: its size, modification time and last line's hash, and the rules."""
    stat = feed.stat()
    with feed.open("rb") as handle:
        handle.seek(max(0, stat.st_size - 65536))
        tail = handle.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    return FeedState(size=stat.st_size, mtime_ns=stat.st_mtime_ns, last_line_sha256=hashlib.sha256(tail).hexdigest(),
                     rules=f"{REPORT_SCHEMA_VERSION}/{CROSSCHECK_VERSION}")


def _head_field(head: str, name: str) -> object:
    """The value of a top-level field written in the first bytes of a report (None when not there)."""
    found = re.search(rf'"{name}":\s*', head)
    if found is None:
        return None
    try:
        return json.JSONDecoder().raw_decode(head, found.end())[0]
    except ValueError:  # cut off by the end of the head, or not JSON
        return None


def refresh_report(feed: Path, report_path: Path) -> str:
    """Rebuild ``report_path`` from ``feed`` unless it was built from this feed as it is; the summary lines.

    The feed is streamed; bad lines are skipped (the run that wrote the feed has reported them). When the
    report is kept, only its counts are printed (its conflicts are in the file).

    Raises:
        OutputError: the report cannot be written.
    """
    current = feed_state(feed)
    try:
        with report_path.open("r", encoding="utf-8", errors="replace") as handle:
            head = handle.read(8192)
        built, counts = _head_field(head, "built_from"), _head_field(head, "summary")
        if built == current.model_dump() and isinstance(counts, dict):
            summary = ReportSummary.model_validate(counts)
            return f"{_counts(summary)} (report.json kept: the feed is as it was when the report was built)"
    except (OSError, ValueError):
        pass
    report = cross_check(r for r in iter_feed(feed) if isinstance(r, FeedRecord))
    write_report(report.model_copy(update={"built_from": current}), report_path)
    return format_summary(report)


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _counts(s: ReportSummary) -> str:
    counts = ", ".join(_plural(n, word) for n, word in (
        (s.articles, "article"), (s.entities, "entity"), (s.figure_groups, "figure group"),
        (s.event_groups, "event group"), (s.conflicts, "conflict")))
    if s.duplicates:
        counts += f" ({_plural(s.duplicates, 'repeated article')} left out)"
    return f"cross-check: {counts}"


def format_summary(report: Report) -> str:
    """A few lines for stderr: the counts, then one line per conflict."""
    lines = [_counts(report.summary)]
    lines += [f"  conflict {g.id} ({g.measure}): {g.detail}" for g in report.figure_groups if g.verdict == "conflict"]
    lines += [f"  conflict {g.id} ({g.kind}): {g.detail}" for g in report.event_groups if g.verdict == "conflict"]
    return "\n".join(lines)


