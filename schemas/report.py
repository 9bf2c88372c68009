"""The cross-article consistency report: ``report.json``, one per run, next to ``facts.jsonl``.

It reads the feed of a run as a whole: who is mentioned under which spellings (entities), which figures of
different articles state the same measure and whether they agree (figure groups), and which events of
different articles are the same happening and whether their dates agree (event groups). Every group holds
items of at least two different articles and says why they were grouped (``reason``); records that repeat
an earlier record's article are listed in ``duplicates`` and left out of the groups. Every value points
back to a feed item by article id and item id. ``report_json_schema()`` is the published JSON Schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_SCHEMA_VERSION = "1.1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Mention(_Strict):
    """One place an entity is named: a statement speaker, an event actor or a figure source."""

    article: str = Field(description="Article id.")
    item: str = Field(description="Id of the figure, statement or event in that article's feed line.")
    field: Literal["speaker", "actor", "source"]
    text: str = Field(description="The name exactly as the feed gives it.")


class Entity(_Strict):
    """A person or organisation, with every spelling the feed uses for it."""

    id: str = Field(pattern=r"^E\d+$")
    name: str = Field(description="Canonical form: the most frequent full name, or an organisation's acronym.")
    kind: Literal["person", "organisation", "unknown"]
    variants: list[str] = Field(description="Every spelling seen (titles and possessives stripped).")
    mentions: list[Mention]


class GroupValue(_Strict):
    """One figure of a group."""

    article: str
    figure: str = Field(description="Figure id in that article's feed line.")
    value: float
    value_high: float | None = None
    qualifier: str | None = None
    text: str = Field(description="The quantity as written: 'approximately 69 percent'.")


class FigureGroup(_Strict):
    """Figures of two or more different articles that state the same measure (what, of whom, when)."""

    id: str = Field(pattern=r"^G\d+$")
    measure: str = Field(description="What is measured, in a few words: 'duration of the conflict'.")
    unit: str
    values: list[GroupValue] = Field(min_length=2)
    verdict: Literal["agree", "agree_within_tolerance", "conflict"]
    detail: str = Field(description="One human-readable line: '12 day in 001, 002, 004: agree'.")
    reason: str = Field(description="Why these figures were grouped: the measure, its subject and period, and "
                        "the names the articles' stories share.")


class DatedMention(_Strict):
    """One event of a group, with the calendar parts its date is known to."""

    article: str
    event: str = Field(description="Event id in that article's feed line.")
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    year: int | None = None
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    date_text: str | None = None


class EventGroup(_Strict):
    """Events of several articles taken to be the same event, and whether their dates agree."""

    id: str = Field(pattern=r"^D\d+$")
    kind: str
    entities: list[str] = Field(description="Ids of the entities the group's events share as actors.")
    values: list[DatedMention] = Field(min_length=2)
    verdict: Literal["agree", "conflict", "undetermined"]
    detail: str
    reason: str = Field(description="Why these events were taken to be one happening: kind and phase, shared "
                        "actors, and the names the articles' stories share.")


class DuplicateArticle(_Strict):
    """A record whose article repeats an earlier one (same text, or the same evidence sentences)."""

    article: str = Field(description="Id of the repeating record.")
    same_as: str = Field(description="Id of the first record of that article.")


class FeedState(_Strict):
    """The feed a run's report was built from, as it was then: a resume whose feed is still this keeps it."""

    size: int = Field(ge=0, description="Bytes of facts.jsonl.")
    mtime_ns: int = Field(description="Its modification time, in nanoseconds.")
    last_line_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of its last line.")
    rules: str = Field(description="Report schema and grouping-rules versions: new rules rebuild the report.")


class ReportSummary(_Strict):
    articles: int = Field(0, ge=0, description="Feed records read.")
    entities: int = Field(ge=0)
    figure_groups: int = Field(ge=0)
    event_groups: int = Field(ge=0)
    conflicts: int = Field(ge=0, description="Figure and event groups whose verdict is conflict.")
    duplicates: int = Field(0, ge=0, description="Records left out of the groups as repeats of an earlier one.")


class Report(_Strict):
    """``report.json``: the cross-article consistency report of one run."""

    schema_version: str = REPORT_SCHEMA_VERSION
    built_from: FeedState | None = Field(
        default=None, description="The run's feed when the report was built (None for `check`); kept first, so "
        "a resume reads it without reading the report.")
    summary: ReportSummary
    articles: list[str] = Field(description="Ids of the articles read, in feed order.")
    entities: list[Entity]
    figure_groups: list[FigureGroup]
    event_groups: list[EventGroup]
    duplicates: list[DuplicateArticle] = Field(default_factory=list)


def report_json_schema() -> dict[str, object]:
    """The JSON Schema of ``report.json``."""
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://newsfacts.invalid/schemas/report-{REPORT_SCHEMA_VERSION}.json"
    return schema
