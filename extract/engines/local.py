"""The pipeline: read -> find anchors -> ask the model -> validate -> check -> write, one article at a time.

:func:`extract_article` is the whole per-article path and returns a :class:`~schemas.FeedRecord`;
:func:`run_batch` drives a batch through it with a progress report, on one thread or several, writing each
article in input order as soon as it is done, so a failure in one article costs only that article and a
rerun into the same feed picks up where the last one stopped.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from extract import rules
from extract.anchors import Anchors, find_anchors
from extract.ask import Decider, Meter, Question, load_prompt
from extract.check import check_article
from extract.chunks import CHUNK_CHARS, chunks, merge_anchors, merge_items, shift
from extract.errors import InputError, InternalError, NewsfactsError
from extract.read import Article, read_file
from extract.validate import Validated, validate
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

    An article longer than :data:`~extract.chunks.CHUNK_CHARS` is read in pieces of whole paragraphs, each
    through anchors, rules and validation on its own, with every offset moved back into the whole text.

    Raises:
        ModelCallError: the model could not be reached within the retry budget.
        InternalError: a record failed its own schema, which is a bug.
    """
    meter = Meter()
    items = Validated()
    found: list[Anchors] = []
    for chunk in chunks(article.text, CHUNK_CHARS):
        anchors = find_anchors(chunk.text, article.published)
        draft = rules.draft(chunk.text, anchors)
        moved_anchors, moved_draft = shift((anchors, draft), chunk)
        found.append(moved_anchors)
        speakers = _settle_speakers(article, moved_anchors, moved_draft, decider, meter)
        merge_items(items, validate(chunk.text, draft, speakers), chunk)
    anchors = merge_anchors(found)
    prompt_version, prompt_hash = prompt_fingerprint()
    try:
        record = FeedRecord(
            article=ArticleInfo(
                id=article.id, title=article.title,
                published=article.published.isoformat() if article.published else None,
                published_source=article.published_source,  # type: ignore[arg-type]
                url=article.url, outlet=article.outlet, sha256=article.sha256, chars=len(article.text),
                source=article.source, text=article.text if article.text_in_feed else None,
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


def speaker_questions(text: str, draft: rules.Draft) -> list[tuple[int, Question]]:
    """The questions put to the model, by index into ``draft.statements``: who speaks each quote the rules
    could not attribute at all.

    Measured on the gold set (benchmarks/bench_quality.py), the packaged small models choose worse than
    the rules' own guess when the rules have one, so they only fill the gaps; the options are the names
    in the passage the model reads, nearest to the quote first."""
    questions: list[tuple[int, Question]] = []
    for index, statement in enumerate(draft.statements):
        if statement.quote is None or statement.speaker is not None or not statement.candidates:
            continue
        passage = _passage(text, statement.start, statement.end)
        nearby = _passage_candidates(passage, statement.text, statement.candidates)
        if nearby:
            options = (*nearby, UNKNOWN)
            questions.append((index, Question(SPEAKER_PROMPT, {"passage": passage, "quote": statement.text}, options)))
    return questions


def _settle_speakers(
    article: Article, anchors: Anchors, draft: rules.Draft, decider: Decider, meter: Meter
) -> dict[int, str | None]:
    """Ask the decider the :func:`speaker_questions`; an "unknown" or missing answer keeps the rules' own."""
    settled: dict[int, str | None] = {}
    for index, question in speaker_questions(article.text, draft):
        answer = decider.choose(question, article_sha256=article.sha256, meter=meter)
        if answer is not None and answer != UNKNOWN:
            settled[index] = answer
    return settled


def _passage_candidates(passage: str, quote: str, candidates: tuple[str, ...], limit: int = 6) -> tuple[str, ...]:
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


def _passage(text: str, start: int, end: int) -> str:
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


@dataclass
class BatchSummary:
    """What a batch did: articles written, skipped (already in the feed), answered only from the cache, failed."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    cached: int = 0
    model_calls: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


Progress = Callable[[BatchSummary, int | None], None]
Warn = Callable[[str], None]

#: Inputs read beyond those being extracted, so that one slow article does not idle the other threads
#: while the feed waits for it (records are written in input order).
READ_AHEAD = 64


def run_batch(
    articles: Iterable[Article | InputError],
    decider: Decider,
    writer: FeedWriter,
    *,
    concurrency: int = 1,
    total: int | None = None,
    progress: Progress | None = None,
    warn: Warn | None = None,
) -> BatchSummary:
    """Extract every article and write each one as soon as it and every article before it are done.

    An article whose id and sha256 are already in the feed (an earlier run into the same folder) is
    skipped; one whose id is there with another sha256 is extracted again and its new line replaces the
    old one (see :class:`~extract.write.FeedWriter`). With ``concurrency`` above 1, that many articles are
    extracted at once on threads sharing ``decider``; at most ``concurrency + READ_AHEAD`` inputs are held
    between reading and writing, and the feed stays in input order. A failed article is recorded and the
    batch goes on.

    Args:
        articles: the inputs in order; an InputError stands for an input that could not be read.
        decider: answers the model's questions; must be safe to share between threads when
            ``concurrency`` > 1 (every decider in :mod:`extract.ask` is).
        writer: the open feed.
        concurrency: how many articles are extracted at once.
        total: how many inputs there are, if known, passed on to ``progress``.
        progress: called once per input, in input order, as its outcome is written.
        warn: receives one line per warning or error.

    Returns:
        The counts; ``seconds`` is the wall time of the batch.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, not {concurrency}")
    batch = _Batch(decider, writer, progress=progress, total=total, warn=warn)
    began = time.monotonic()
    window: deque[_Job] = deque()  # inputs started and not yet written, in input order
    pool = ThreadPoolExecutor(concurrency, thread_name_prefix="extract") if concurrency > 1 else None
    try:
        for item in articles:
            window.append(batch.start(item, pool))
            while window and (window[0].ready() or len(window) >= concurrency + READ_AHEAD):
                batch.finish(window.popleft())
        while window:
            batch.finish(window.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    batch.summary.seconds = time.monotonic() - began
    return batch.summary


@dataclass
class _Job:
    """One input on its way to the feed: an error, a skip, or an extraction (maybe still running)."""

    item: Article | NewsfactsError
    future: Future[FeedRecord] | None = None

    def ready(self) -> bool:
        return self.future is None or self.future.done()


class _Batch:
    """The state of one batch: the run id, the ids seen so far, the summary, and where outcomes go."""

    def __init__(
        self, decider: Decider, writer: FeedWriter, *, progress: Progress | None, total: int | None,
        warn: Warn | None,
    ) -> None:
        self.decider = decider
        self.writer = writer
        self.progress = progress
        self.total = total
        self.warn = warn
        self.run_id = uuid.uuid4().hex[:12]
        self.seen: dict[str, int] = {}
        self.summary = BatchSummary()

    def start(self, item: Article | InputError, pool: ThreadPoolExecutor | None) -> _Job:
        """Decide what to do with one input and, if it needs extracting, start it (at once without a pool)."""
        if isinstance(item, NewsfactsError):
            return _Job(item)
        article = _unique_id(item, self.seen, self.warn)
        for message in article.warnings:
            self._warn(f"{article.source}: {message}")
        written = self.writer.written_sha256(article.id)
        if written == article.sha256:
            return _Job(article)
        if written is not None:
            self._warn(f"{article.source}: {article.id!r} changed since it was written (new sha256); "
                       "extracting it again, its new line replaces the old one")
        future: Future[FeedRecord]
        if pool is not None:
            future = pool.submit(extract_article, article, self.decider, run_id=self.run_id)
        else:
            future = Future()
            try:
                future.set_result(extract_article(article, self.decider, run_id=self.run_id))
            except Exception as err:  # handed over exactly as a pool would: finish() sorts it out
                future.set_exception(err)
        return _Job(article, future)

    def finish(self, job: _Job) -> None:
        """Write one input's outcome (waiting for its extraction if need be) and report progress."""
        summary = self.summary
        if isinstance(job.item, NewsfactsError):
            self._fail(job.item)
        elif job.future is None:
            summary.skipped += 1
        else:
            try:
                record = job.future.result()
            except NewsfactsError as err:
                err.article_id = err.article_id or job.item.id
                err.source = err.source or job.item.source
                self._fail(err)
            else:
                self.writer.write(record)
                summary.done += 1
                summary.model_calls += record.extractor.model_calls
                if record.extractor.cache_hits and not record.extractor.model_calls:
                    summary.cached += 1
        if self.progress:
            self.progress(summary, self.total)

    def _fail(self, err: NewsfactsError) -> None:
        self.summary.failed += 1
        self.summary.failures.append(str(err))
        self.writer.write_error(err)
        self._warn(f"error: {err}")

    def _warn(self, message: str) -> None:
        if self.warn:
            self.warn(message)


def _unique_id(article: Article, seen: dict[str, int], warn: Warn | None) -> Article:
    """Duplicate ids get a suffix (``id~2``) so every feed line stays addressable."""
    count = seen.get(article.id, 0) + 1
    seen[article.id] = count
    if count == 1:
        return article
    new_id = f"{article.id}~{count}"
    if warn:
        warn(f"{article.source}: duplicate id {article.id!r}, written as {new_id!r}")
    return replace(article, id=new_id)
