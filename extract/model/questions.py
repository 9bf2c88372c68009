"""Assist extraction: small, constrained questions that the packaged tiny models can answer.

Input: an article, the rules' draft and a :class:`~extract.model.client.Model`. Output: the speakers the
model settled, by index into ``draft.statements``. Each question is one forced choice among names its
passage gives (a ``Literal`` enum, so even a 135M-parameter model answers in a few tokens and cannot
answer outside the list); "unknown", or no answer, keeps the rules' own.

Measured on the gold set (``benchmarks/bench_quality.py``), the packaged small models choose worse than
the rules' own guess when the rules have one, so they are asked only where the rules have none.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, Field, create_model

from extract import rules
from extract.model.client import Meter, Model, Request
from extract.read import Article

SPEAKER_PROMPT = "ask.speaker.v1"
UNKNOWN = "unknown"
_PASSAGE_CHARS = 900
_ANSWER_TOKENS = 64


@cache
def choice_model(options: tuple[str, ...]) -> type[BaseModel]:
    """A one-field answer model whose only valid answers are ``options``."""
    from typing import Literal

    choice = Literal[options]  # type: ignore[valid-type]
    return create_model("Answer", answer=(choice, Field(description="Exactly one of the listed options.")))


def speaker_questions(article: Article, draft: rules.Draft) -> list[tuple[int, Request]]:
    """The questions put to the model, by index into ``draft.statements``: who speaks each quote the rules
    could not attribute at all; the options are the names in the passage the model reads, nearest to the
    quote first."""
    questions: list[tuple[int, Request]] = []
    for index, statement in enumerate(draft.statements):
        if statement.quote is None or statement.speaker is not None or not statement.candidates:
            continue
        passage = passage_around(article.text, statement.start, statement.end)
        nearby = passage_candidates(passage, statement.text, statement.candidates)
        if nearby:
            options = (*nearby, UNKNOWN)
            variables = {"passage": passage, "quote": statement.text, "options": ", ".join(options)}
            questions.append((index, Request(SPEAKER_PROMPT, variables, choice_model(options), article.id,
                                             article.sha256, max_tokens=_ANSWER_TOKENS)))
    return questions


def settle_speakers(article: Article, draft: rules.Draft, model: Model, meter: Meter) -> dict[int, str]:
    """Ask the :func:`speaker_questions`; an "unknown" or missing answer keeps the rules' own."""
    settled: dict[int, str] = {}
    for index, request in speaker_questions(article, draft):
        answer = model.answer(request, meter)
        choice = getattr(answer.value, "answer", None) if answer is not None else None
        if isinstance(choice, str) and choice != UNKNOWN:
            settled[index] = choice
    return settled


def passage_candidates(passage: str, quote: str, candidates: tuple[str, ...], limit: int = 6) -> tuple[str, ...]:
    """The candidates the passage mentions (by full name or surname) outside the quote itself, nearest to
    the quote first: a name that only the quote contains cannot be offered as its speaker."""
    at = max(passage.find(quote), 0)
    if quote and quote in passage:
        passage = passage[:at] + " " * len(quote) + passage[at + len(quote):]
    found: list[tuple[int, str]] = []
    for name in candidates:
        spots = [m for m in (passage.rfind(name), passage.rfind(name.split()[-1])) if m != -1]
        if spots:
            found.append((min(abs(spot - at) for spot in spots), name))
    return tuple(name for _, name in sorted(found)[:limit])


def passage_around(text: str, start: int, end: int) -> str:
    """The quote's paragraph and the one before it (blank lines between paragraphs skipped), cut to a
    budget the small model can read."""
    own_start = text.rfind("\n", 0, start)
    previous_end = own_start
    while previous_end > 0 and not text[text.rfind("\n", 0, previous_end) + 1 : previous_end].strip():
        previous_end = text.rfind("\n", 0, previous_end)
    para_start = text.rfind("\n", 0, previous_end) if previous_end > 0 else -1
    para_end = text.find("\n", end)
    passage = text[para_start + 1 : para_end if para_end != -1 else len(text)].strip()
    if len(passage) > _PASSAGE_CHARS:
        middle = (start + end) // 2 - (para_start + 1)
        lo = max(0, middle - _PASSAGE_CHARS // 2)
        passage = passage[lo : lo + _PASSAGE_CHARS]
    return passage
