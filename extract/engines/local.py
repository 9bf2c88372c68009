"""The local engine: a batch through :func:`~extract.article.extract_article` in this process, on threads.

:func:`run_batch` drives the inputs through the per-article path with a progress report, on one thread or
several, writing each article in input order as soon as it is done, so a failure in one article costs
only that article and a rerun into the same feed picks up where the last one stopped. Which id each input
is written under, and whether the feed has it done already, is the writer's decision
(:meth:`~extract.write.FeedWriter.place`), made with this run's extraction configuration
(:func:`extractor_key`).

Articles are extracted on worker threads (one with ``concurrency=1``, each article written before the
next input is read) while the main thread only reads, waits and writes, waking every
:data:`POLL_SECONDS`, so a signal the kernel hands to another thread is still acted on at once.
Interrupted (Ctrl-C, SIGTERM), the batch stops at once: nothing more is started, queued articles are
dropped, and articles still being extracted are abandoned on their daemon threads rather than waited for
(a model call can hang for its whole timeout), so the process can exit while they are still blocked.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from typing import Any

from extract.article import PROMPTS, extract_article
from extract.errors import InputError, ModelCallError, NewsfactsError, OutputError, display
from extract.model.client import Answer, Backend, Extraction, Meter, Model, Request
from extract.model.prompts import fingerprint
from extract.read import Article
from extract.write import ExtractorKey, FeedWriter
from schemas import SCHEMA_VERSION, FeedRecord


@dataclass
class BatchSummary:
    """What a batch did: articles written, skipped (already in the feed), answered only from the cache, failed;
    requests sent to the model (whether or not their article was written) and requests that got no usable
    answer."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    cached: int = 0
    model_calls: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    model_failures: int = 0


Progress = Callable[[BatchSummary, int | None], None]
Warn = Callable[[str], None]

#: Inputs read beyond those being extracted, so that one slow article does not idle the other threads
#: while the feed waits for it (records are written in input order).
READ_AHEAD = 64
#: How often the main thread wakes while it waits for an article, so that it notices a signal.
POLL_SECONDS = 0.2


def extractor_key(model: Model) -> ExtractorKey:
    """The configuration this run's records are made with (as their ``extractor`` field will say): a line
    in the feed made with another is extracted again unless resuming on content alone."""
    _, prompt_hash = fingerprint(PROMPTS[model.extraction])
    return ExtractorKey(model.backend, model.model, model.extraction, prompt_hash, SCHEMA_VERSION)


def run_batch(
    articles: Iterable[Article | InputError],
    model: Model,
    writer: FeedWriter,
    *,
    concurrency: int = 1,
    total: int | None = None,
    progress: Progress | None = None,
    warn: Warn | None = None,
    error: Warn | None = None,
) -> BatchSummary:
    """Extract every article and write each one as soon as it and every article before it are done.

    What the feed already holds is skipped or extracted again as :meth:`FeedWriter.place` decides (same
    text by the same configuration without model failures: skipped; otherwise extracted, the new line
    replacing the old one). With ``concurrency`` above 1, that many articles are extracted at once on
    threads sharing ``model``; at most ``concurrency + READ_AHEAD`` inputs are held between reading and
    writing, and the feed stays in input order. A failed article is recorded and the batch goes on; a
    feed that cannot be written (a full disk) stops it.

    Args:
        articles: the inputs in order; an InputError stands for an input that could not be read.
        model: answers the model's requests; must be safe to share between threads when
            ``concurrency`` > 1 (every model in :mod:`extract.model` is).
        writer: the open feed.
        concurrency: how many articles are extracted at once.
        total: how many inputs there are, if known, passed on to ``progress``.
        progress: called once per input, in input order, as its outcome is written.
        warn: receives one line per warning (and per error, unless ``error`` is given).
        error: receives one ``error: ...`` line per failed input.

    Returns:
        The counts; ``seconds`` is the wall time of the batch.

    Raises:
        OutputError: the feed or errors.jsonl could not be written; what was written before stays whole.
        KeyboardInterrupt: interrupted; articles still being extracted are abandoned, not waited for.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, not {concurrency}")
    counted = _CountingModel(model)
    batch = _Batch(counted, writer, progress=progress, total=total, warn=warn, error=error or warn)
    began = time.monotonic()
    window: deque[_Job] = deque()  # inputs started and not yet written, in input order
    pool = _Pool(concurrency)
    held = concurrency + READ_AHEAD if concurrency > 1 else 1  # one at a time: each written before the next read
    try:
        for item in articles:
            window.append(batch.start(item, pool))
            while window and (window[0].ready() or len(window) >= held):
                batch.finish(window.popleft())
        while window:
            batch.finish(window.popleft())
    finally:
        pool.shutdown()
        batch.summary.model_calls, batch.summary.model_failures = counted.calls, counted.failures
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
    """The state of one batch: the run id, the configuration, the summary, and where outcomes go."""

    def __init__(
        self, model: Model, writer: FeedWriter, *, progress: Progress | None, total: int | None,
        warn: Warn | None, error: Warn | None,
    ) -> None:
        self.model = model
        self.writer = writer
        self.progress = progress
        self.total = total
        self.warn = warn
        self.error = error
        self.run_id = uuid.uuid4().hex[:12]
        self.key = extractor_key(model)
        self.summary = BatchSummary()

    def start(self, item: Article | InputError, pool: _Pool) -> _Job:
        """Decide what to do with one input and, if it needs extracting, hand it to the pool."""
        if isinstance(item, NewsfactsError):
            return _Job(item)
        placed = self.writer.place(item.id, sha256=item.sha256, source=item.source, extractor=self.key)
        article = item if placed.id == item.id else replace(item, id=placed.id)
        for message in article.warnings:
            self._warn(f"{display(article.source)}: {message}")
        for note in placed.notes:
            self._warn(note)
        if placed.skip:
            return _Job(article)
        return _Job(article, pool.submit(extract_article, article, self.model, run_id=self.run_id))

    def finish(self, job: _Job) -> None:
        """Write one input's outcome (waiting for its extraction if need be) and report progress.

        Raises:
            OutputError: the outcome could not be written.
        """
        summary = self.summary
        if isinstance(job.item, NewsfactsError):
            self._fail(job.item)
        elif job.future is None:
            summary.skipped += 1
        else:
            try:
                record = _wait(job.future)
                self.writer.write(record)
            except OutputError:
                raise
            except NewsfactsError as err:
                err.article_id = err.article_id or job.item.id
                err.source = err.source or job.item.source
                self._fail(err)
            else:
                summary.done += 1
                if record.extractor.cache_hits and not record.extractor.model_calls:
                    summary.cached += 1
        if self.progress:
            self.progress(summary, self.total)

    def _fail(self, err: NewsfactsError) -> None:
        self.summary.failed += 1
        self.summary.failures.append(str(err))
        self.writer.write_error(err)
        if self.error:
            self.error(f"error: {err}")

    def _warn(self, message: str) -> None:
        if self.warn:
            self.warn(message)


def _wait(future: Future[FeedRecord]) -> FeedRecord:
    """The future's result, waking every POLL_SECONDS: a blocked lock wait is not interrupted by a signal
    delivered to another thread, so the handler would not run until the article ends."""
    while True:
        try:
            return future.result(timeout=POLL_SECONDS)
        except FutureTimeout:
            continue


class _CountingModel:
    """``model``, counting every request it sends and every one that gets no usable answer, whether or not
    the article is written in the end: when the model fails for every article, the summary says so."""

    def __init__(self, model: Model) -> None:
        self.inner = model
        self.backend: Backend = model.backend
        self.model: str | None = model.model
        self.extraction: Extraction = model.extraction
        self.calls = 0
        self.failures = 0
        self._lock = threading.Lock()

    def answer(self, request: Request, meter: Meter) -> Answer | None:
        calls, failures, raised = meter.model_calls, len(meter.failures), False
        try:
            return self.inner.answer(request, meter)
        except ModelCallError:
            raised = True
            raise
        finally:
            with self._lock:
                self.calls += meter.model_calls - calls
                self.failures += len(meter.failures) - failures + raised

    def __getattr__(self, name: str) -> Any:  # anything else a model offers (its client, its gate)
        return getattr(self.inner, name)


class _Pool:
    """``workers`` daemon threads taking jobs in order. Unlike ThreadPoolExecutor, whose threads the
    interpreter joins at exit, an interrupted run can end while a worker is still blocked in a model call:
    :meth:`shutdown` drops queued jobs and never waits for running ones."""

    def __init__(self, workers: int) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None]
        self._jobs = queue.SimpleQueue()
        self._workers = workers
        for n in range(workers):
            threading.Thread(target=self._work, name=f"extract-{n}", daemon=True).start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put((future, fn, args, kwargs))
        return future

    def shutdown(self) -> None:
        """Cancel every job not started and let the workers end when their current job does."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[0].cancel()
        for _ in range(self._workers):
            self._jobs.put(None)

    def _work(self) -> None:
        # Signals go to the main thread, which handles them, not to a worker blocked in a model call.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        while (job := self._jobs.get()) is not None:
            future, fn, args, kwargs = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as err:  # handed to whoever waits on the future
                future.set_exception(err)

