"""The local engine: a batch through :func:`~extract.article.extract_article` in this process, on threads.

:func:`run_batch` drives the inputs through the per-article path with a progress report, on one thread or
several, writing each article in input order as soon as it is done, so a failure in one article costs
only that article and a rerun into the same feed picks up where the last one stopped.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from extract.article import extract_article
from extract.errors import InputError, NewsfactsError
from extract.model.client import Model
from extract.read import Article
from extract.write import FeedWriter
from schemas import FeedRecord


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
    model: Model,
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
    extracted at once on threads sharing ``model``; at most ``concurrency + READ_AHEAD`` inputs are held
    between reading and writing, and the feed stays in input order. A failed article is recorded and the
    batch goes on.

    Args:
        articles: the inputs in order; an InputError stands for an input that could not be read.
        model: answers the model's requests; must be safe to share between threads when
            ``concurrency`` > 1 (every model in :mod:`extract.model` is).
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
    batch = _Batch(model, writer, progress=progress, total=total, warn=warn)
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
        self, model: Model, writer: FeedWriter, *, progress: Progress | None, total: int | None,
        warn: Warn | None,
    ) -> None:
        self.model = model
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
            future = pool.submit(extract_article, article, self.model, run_id=self.run_id)
        else:
            future = Future()
            try:
                future.set_result(extract_article(article, self.model, run_id=self.run_id))
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
