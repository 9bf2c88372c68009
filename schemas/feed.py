"""The facts feed: one JSON line per article. These models are the single source of truth for the output.

Other tools (and our own quality measurements) read exactly these field names; `python -m extract schema`
prints the JSON Schema generated from :class:`FeedRecord`, and ``schemas/feed.schema.json`` is that output,
kept in the repository (a test fails when they differ). Extra provenance fields may be added; the names in
the published contract are never renamed or removed without a new ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.1"

Unit = Annotated[
    str,
    Field(
        pattern=r"^(percent|percentage_point|count|day|week|month|year|hour|minute|USD|EUR|GBP|magnitude"
        r"|other:[a-z_/]+)$",
        description='percent, percentage_point, count, day, week, month, year, hour, minute, USD, EUR, GBP, '
        'magnitude, or "other:<word>" (other:km, other:tonne, other:basis_point).',
    ),
]
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
Alignment = Literal["exact"]
By = Annotated[
    Literal["rules", "model"],
    Field(description='Who proposed the item: "rules" (deterministic code) or "model" (the model named its '
                      'anchors and fields; numbers, quotes and offsets still come from the text).'),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Strict):
    """The exact characters of the article that state an item: ``article_text[start:end] == text``."""

    text: str = Field(min_length=1)
    start: int = Field(ge=0, description="Offset of the first character, counted in Unicode code points.")
    end: int = Field(ge=0, description="Offset one past the last character (half-open interval).")
    alignment: Alignment = Field(
        default="exact", description="How the span was tied to the text; the feed only ever holds exact spans."
    )

    @model_validator(mode="after")
    def _span_matches_length(self) -> Evidence:
        if self.end - self.start != len(self.text):
            raise ValueError(f"evidence [{self.start}, {self.end}) does not have the length of its text")
        return self


class ArticleInfo(_Strict):
    id: str
    title: str | None = None
    published: IsoDate | None = None
    published_source: Literal["input", "text"] | None = Field(
        default=None, description='"input" when given with the article, "text" when read from a dateline.'
    )
    url: str | None = None
    outlet: str | None = None
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the article text (UTF-8).")
    chars: int = Field(ge=0, description="Length of the article text in code points; offsets index into it.")
    source: str | None = Field(default=None, description="The input the article was read from.")
    text: str | None = Field(
        default=None,
        description="the article text the offsets index into, included when it cannot be read back from "
        "`source`, e.g. HTML reduced to its main text",
    )


class Usage(_Strict):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ExtractorInfo(_Strict):
    """Provenance: what produced this record, so any line can be traced and reproduced."""

    backend: Literal["openai", "local", "rules"]
    model: str | None
    extraction: Literal["full", "assist", "rules"] = Field(
        default="rules", description="full: the model filled the facts; assist: it answered constrained questions; "
        "rules: it was not asked.")
    prompt_version: str = Field(description="Versions of the prompt templates used, e.g. 'speaker.v1'.")
    prompt_hash: str | None = Field(default=None, description="SHA-256 prefix over the prompt templates used.")
    schema_version: str = SCHEMA_VERSION
    run_id: str
    model_calls: int = Field(0, description="Requests sent to the model for this article in this run.")
    cache_hits: int = Field(0, description="Model answers for this article served from the cache.")
    attempts: int = Field(0, description="Model attempts including re-asks and retries.")
    model_seconds: float = Field(0.0, description="Wall time spent waiting for the model for this article.")
    usage: Usage = Usage()
    model_failures: list[str] = Field(
        default_factory=list, description="Model requests that got no usable answer (the rules' items stand).")


class Figure(_Strict):
    """A number the article reports, with its unit, what it measures and who is cited for it."""

    id: str = Field(pattern=r"^f\d+$")
    value: float
    value_high: float | None = Field(default=None, description="Upper bound when the text states a range.")
    unit: Unit
    qualifier: str | None = Field(default=None, description="approximately, more than, at least, up to...")
    about: str | None = Field(description="What the number measures, in the article's words where possible.")
    source: str | None = Field(description="Who the article cites for the number; null for its own voice.")
    period: str | None = Field(default=None, description="The period the figure covers when stated (2016-2020).")
    counted: str | None = Field(default=None, description="For a count, what is counted ('workers').")
    by: By = "rules"
    quantity: Evidence = Field(description="The number as written: 'approximately 69 percent'.")
    evidence: Evidence = Field(description="The sentence that states the figure.")


class Statement(_Strict):
    """Who said what: a direct quote, a reported claim, or a denial."""

    id: str = Field(pattern=r"^s\d+$")
    speaker: str | None
    kind: Literal["quote", "reported", "denial"]
    text: str = Field(description="The quoted words (quote) or the reported sentence.")
    claim: str | None = Field(default=None, description="What is claimed, in one line (from the model; its "
                              "numbers stand in the evidence).")
    date: IsoDate | None = None
    by: By = "rules"
    evidence: Evidence


class Event(_Strict):
    """Something that happened: what, who, when, where."""

    id: str = Field(pattern=r"^e\d+$")
    kind: str = Field(description="attack, ceasefire, call, meeting, election, vote, decision, ruling, ...")
    summary: str
    actors: list[str]
    date: IsoDate | None
    date_text: str | None = Field(default=None, description="The time expression the date comes from.")
    location: str | None
    by: By = "rules"
    evidence: Evidence


class Check(_Strict):
    """One consistency check on this article; ``target`` names the item ids it looked at."""

    rule: str
    status: Literal["pass", "warn", "fail", "undetermined"] = Field(
        description='pass, warn or fail; "undetermined" when the check found only part of what it compares '
        '(a duration with its start date but no end date), so it can neither pass nor fail.')
    target: str
    detail: str


class Rejected(_Strict):
    """Something proposed for the feed that did not hold up against the text, and why."""

    item: dict[str, object]
    reason: str


class FeedRecord(_Strict):
    """One line of ``facts.jsonl``: everything extracted from one article."""

    article: ArticleInfo
    extractor: ExtractorInfo
    figures: list[Figure]
    statements: list[Statement]
    events: list[Event]
    checks: list[Check]
    rejected: list[Rejected]


def feed_json_schema() -> dict[str, object]:
    """The JSON Schema of one feed line, as published in ``schemas/feed.schema.json``."""
    schema = FeedRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://newsfacts.invalid/schemas/feed-{SCHEMA_VERSION}.json"
    return schema
