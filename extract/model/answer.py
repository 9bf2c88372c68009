"""The answer a model gives in full extraction: the article's facts, by anchor id.

The model never types a number, a date or an offset. It names anchors that deterministic code found:
quantities ``Q3``, quotes ``U2``, sentences ``S5``, times ``T1``; and it adds what only reading can
settle: what a number measures, who is cited, who speaks, what kind of happening a sentence reports.
``extract.model.full`` turns ids back into exact spans and rejects what does not hold.

Every field is required (nullable where it may be empty) and no field has a default, so the schema is
valid for OpenAI's strict structured outputs as well as for llama.cpp's grammar and vLLM/Ollama guided
decoding. Ids are checked by the validator, not by schema patterns, which strict mode does not allow.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EventKind = Literal[
    "attack", "ceasefire", "call", "meeting", "visit", "election", "vote", "decision", "ruling", "lawsuit",
    "charge", "arrest", "sentencing", "agreement", "transfer", "acquisition", "earnings", "launch",
    "recall", "disaster", "accident", "death", "rescue", "strike", "protest", "aid", "appointment",
    "resignation", "closure", "match", "other",
]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FigureAnswer(_Answer):
    """A number the article reports as a measure (not a date, a year, an ordinal, a label or page furniture)."""

    quantity: str = Field(description="The id of the quantity, e.g. 'Q3'.")
    unit: str | None = Field(description="Only when the value read for the quantity has the wrong or no unit: "
                             "the unit, as percent, count, day, week, month, year, hour, minute, or "
                             "other:<lowercase singular word> (other:stroke, other:horsepower, other:mph); "
                             "else null. Currencies and percentages come from the text, never from here.")
    about: str = Field(description="What the number measures, in a few of the article's words.")
    counted: str | None = Field(description="For a count, what is counted (plural noun, e.g. 'workers'); else null.")
    source: str | None = Field(description="Who the article cites for the number, named as in the article; "
                               "null when the article states it in its own voice.")
    period: str | None = Field(description="The id of the time (T..) of the period the figure covers, or null.")


class StatementAnswer(_Answer):
    """Who said what: a direct quote (by its U id) or reported speech or a denial (by its sentence ids)."""

    quote: str | None = Field(description="The id of the quotation (U..) for a direct quote; null otherwise.")
    sentences: list[str] = Field(description="The ids of the sentence(s) that state it (S..).")
    speaker: str = Field(description="Who says it: a person's full name as the article gives it, without "
                         "titles, or an organisation or group as the article names it.")
    kind: Literal["quote", "reported", "denial"]
    claim: str = Field(description="What is claimed, in one short line.")


class EventAnswer(_Answer):
    """Something that happened, as one sentence of the article reports it."""

    sentence: str = Field(description="The id of the sentence that reports it best (S..).")
    kind: EventKind
    summary: str = Field(description="One line: who did what.")
    actors: list[str] = Field(description="Named participants, full names as in the article; may be empty.")
    time: str | None = Field(description="The id of the time (T..) when it happened, or null.")
    location: str | None = Field(description="Where it happened, named as in the article, or null.")


class FactsAnswer(_Answer):
    """The figures, statements and events one news article reports, by anchor id."""

    figures: list[FigureAnswer]
    statements: list[StatementAnswer]
    events: list[EventAnswer]
