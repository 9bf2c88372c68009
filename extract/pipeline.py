"""The pipeline: read -> find anchors -> ask the model -> validate -> check -> write, one article at a time.

:func:`extract_article` is the whole per-article path and returns a :class:`~schemas.FeedRecord`;
:func:`run_batch` drives a batch through it with a progress report, writing each article as soon as it
is done, so a failure in one article costs only that article.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from extract import rules
from extract.anchors import Anchors, find_anchors
from extract.ask import Decider, Meter, Question, load_prompt
from extract.check import check_article
from extract.errors import InputError, InternalError, NewsfactsError
from extract.read import Article, read_file
from extract.validate import validate
from extract.write import FeedWriter
from schemas import ArticleInfo, ExtractorInfo, FeedRecord, Usage

SPEAKER_PROMPT = "ask.speaker.v1"
PROMPTS = (SPEAKER_PROMPT,)
_PASSAGE_CHARS = 900
UNKNOWN = "unknown"


def prompt_fingerprint() -> tuple[str, str]:
    """The prompt versions in use and a short hash over their templates (part of every record)."""
    digest = hashlib.sha256("".join(load_prompt(p).sha256 for p in PROMPTS).encode()).hexdigest()[:16]
    return "+".join(PROMPTS), digest


def extract_article(article: Article, decider: Decider, *, run_id: str) -> FeedRecord:
    """Extract, validate and check one article.

    Raises:
        ModelCallError: the model could not be reached within the retry budget.
        InternalError: a record failed its own schema, which is a bug.
    """
    anchors = find_anchors(article.text, article.published)
    draft = rules.draft(article.text, anchors)
    meter = Meter()
    speakers = _settle_speakers(article, anchors, draft, decider, meter)
    items = validate(article.text, draft, speakers)
    prompt_version, prompt_hash = prompt_fingerprint()
    try:
        record = FeedRecord(
            article=ArticleInfo(
                id=article.id, title=article.title,
                published=article.published.isoformat() if article.published else None,
                published_source=article.published_source,  # type: ignore[arg-type]
                url=article.url, outlet=article.outlet, sha256=article.sha256, chars=len(article.text),
                source=article.source,
            ),
            extractor=ExtractorInfo(
                backend=decider.backend, model=decider.model, prompt_version=prompt_version,
                prompt_hash=prompt_hash, run_id=run_id, model_calls=meter.model_calls,
                cache_hits=meter.cache_hits, attempts=meter.attempts,
                model_seconds=round(meter.model_seconds, 3),
                usage=Usage(prompt_tokens=meter.prompt_tokens, completion_tokens=meter.completion_tokens),
            ),
            figures=items.figures,
            statements=items.statements,
            events=items.events,
            checks=[],
            rejected=items.rejected,
        )
        return record.model_copy(update={"checks": check_article(article.text, anchors, record, title=article.title)})
    except ValueError as err:
        raise InternalError(f"record failed its schema: {err}", article_id=article.id, original=err) from err


def recheck(records: Iterable[FeedRecord]) -> Iterable[FeedRecord]:
    """Run the in-article checks again on feed records whose article text can be read unchanged from its
    recorded source; the others keep the checks they came with."""
    for record in records:
        source = record.article.source
        path = Path(source) if source and ":" not in Path(source).name else None
        article = None
        if path is not None and path.is_file():
            found = [a for a in read_file(path) if isinstance(a, Article)]
            article = found[0] if found and found[0].sha256 == record.article.sha256 else None
        if article is None:
            yield record
            continue
        anchors = find_anchors(article.text, article.published)
        cleared = record.model_copy(update={"checks": []})
        yield record.model_copy(update={"checks": check_article(article.text, anchors, cleared, title=article.title)})


def _settle_speakers(
    article: Article, anchors: Anchors, draft: rules.Draft, decider: Decider, meter: Meter
) -> dict[int, str | None]:
    """Ask the decider who speaks, only for quotes whose attribution the rules are not sure of."""
    settled: dict[int, str | None] = {}
    for index, statement in enumerate(draft.statements):
        if statement.quote is None or statement.confident or not statement.candidates:
            continue
        options = (*statement.candidates[:24], UNKNOWN)
        question = Question(
            SPEAKER_PROMPT,
            {"passage": _passage(article.text, statement.start, statement.end), "quote": statement.text},
            options,
        )
        answer = decider.choose(question, article_sha256=article.sha256, meter=meter)
        if answer is not None and answer != UNKNOWN:
            settled[index] = answer
    return settled


def _passage(text: str, start: int, end: int) -> str:
    """The quote's paragraph and the one before it, cut to a budget the small model can read."""
    para_start = text.rfind("\n", 0, max(0, text.rfind("\n", 0, start)))
    para_end = text.find("\n", end)
    passage = text[para_start + 1 : para_end if para_end != -1 else len(text)].strip()
    if len(passage) > _PASSAGE_CHARS:
        middle = (start + end) // 2 - (para_start + 1)
        lo = max(0, middle - _PASSAGE_CHARS // 2)
        passage = passage[lo : lo + _PASSAGE_CHARS]
    return passage


@dataclass
class BatchSummary:
    done: int = 0
    failed: int = 0
    cached: int = 0
    model_calls: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


Progress = Callable[[BatchSummary, int | None], None]


def run_batch(
    articles: Iterable[Article | InputError],
    decider: Decider,
    writer: FeedWriter,
    *,
    total: int | None = None,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Extract every article and write it at once; errors are recorded and the batch goes on."""
    summary = BatchSummary()
    run_id = uuid.uuid4().hex[:12]
    began = time.monotonic()
    seen: dict[str, int] = {}
    for item in articles:
        if isinstance(item, NewsfactsError):
            _fail(summary, writer, item, warn)
        else:
            article = _unique_id(item, seen, warn)
            for message in article.warnings:
                if warn:
                    warn(f"{article.source}: {message}")
            try:
                record = extract_article(article, decider, run_id=run_id)
            except NewsfactsError as err:
                err.article_id = err.article_id or article.id
                err.source = err.source or article.source
                _fail(summary, writer, err, warn)
            else:
                writer.write(record)
                summary.done += 1
                summary.model_calls += record.extractor.model_calls
                if record.extractor.cache_hits and not record.extractor.model_calls:
                    summary.cached += 1
        if progress:
            progress(summary, total)
    summary.seconds = time.monotonic() - began
    return summary


def _fail(summary: BatchSummary, writer: FeedWriter, err: NewsfactsError, warn: Callable[[str], None] | None) -> None:
    summary.failed += 1
    summary.failures.append(str(err))
    writer.write_error(err)
    if warn:
        warn(f"error: {err}")


def _unique_id(article: Article, seen: dict[str, int], warn: Callable[[str], None] | None) -> Article:
    """Duplicate ids get a suffix (``id~2``) so every feed line stays addressable."""
    count = seen.get(article.id, 0) + 1
    seen[article.id] = count
    if count == 1:
        return article
    new_id = f"{article.id}~{count}"
    if warn:
        warn(f"{article.source}: duplicate id {article.id!r}, written as {new_id!r}")
    return replace(article, id=new_id)
