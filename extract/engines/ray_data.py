"""The Ray engine: a batch through :func:`~extract.article.extract_or_error` as Ray Data ``map_batches``.

Input: the articles (read in the driver by :func:`extract.read.iter_articles`), the :class:`Settings` that
choose the model, and an open :class:`~extract.write.FeedWriter`. Output: the same feed records, in the same
order, and the same ``errors.jsonl`` lines as :mod:`extract.engines.local` writes; only run ids and timings
differ.

How it runs: the driver reads the inputs and decides, as the local engine does, what each one needs (an
unreadable input is an error; :meth:`~extract.write.FeedWriter.place` gives the id it is written under and
says whether the feed has it done already). The articles left are handed to Ray in blocks (at most
:data:`BLOCK_ARTICLES` articles or :data:`BLOCK_CHARS` characters, and at most :data:`MAX_WAITING` inputs
not yet written, so the driver's memory stays bounded whatever the input size), one
``ray.data.from_items`` dataset per block, as rows
``{"index", "article"}`` with the article as JSON (one string column: Arrow needs no schema for the
optional fields, and 5 MB texts are never turned into fixed-width arrays). Each block is mapped by a pool
of :class:`ExtractWorker` actors, each of which opens the model once, in its constructor, and keeps it
open until it exits: the client, its retry gate and its answer cache are per worker, never per article.
Records and errors come back as JSON and the driver writes them through the FeedWriter, each one as soon as
everything before it is written, so a crash costs only the articles still in flight.

Resume is the FeedWriter's: finished articles are skipped in the driver before Ray sees them. Ray Data's
own checkpointing (``CheckpointConfig``) is not used: it is beta, works only with file sources (it is
ignored for ``from_items``), and keys rows by one id column, while what is done in the feed depends on the
text's sha256 and the extraction configuration as well (see ``place``), and the feed keeps input order.

Workers ask for a fraction of a CPU (:data:`WORKER_CPUS` at most): on a 2-core machine, actors that ask
for a whole CPU each leave nothing for Ray's other tasks and the job hangs. A worker's pool lives as long as
its block: starting one costs a few seconds (a Ray worker process, the imports, the model), which blocks of
thousands of articles pay once. Ray's defaults restart a lost worker and retry its batch, so a node lost
mid-run costs time, not articles; an error that is not Ray's (a bug in the per-article path) stops the run
with its traceback, as it would in the local engine.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import math
import signal
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from extract.article import extract_or_error
from extract.engines.local import BatchSummary, Progress, Warn, _CountingModel
from extract.errors import ConfigError, InputError, NewsfactsError, OutputError, display
from extract.model.connect import open_model
from extract.read import Article
from extract.settings import Settings
from extract.write import ExtractorKey, FeedWriter
from schemas import FeedRecord

if TYPE_CHECKING:
    import pyarrow

#: Articles (or characters of article text) held by one Ray dataset: the driver's memory bound.
BLOCK_ARTICLES = 10_000
BLOCK_CHARS = 50_000_000
#: Inputs read and not yet written (skipped ones, unreadable ones, articles out on workers) before the
#: block is run even if it is not full: a rerun that skips most of a large input holds little for each.
MAX_WAITING = 100_000
#: Articles per ``map_batches`` call: small, so that slow articles spread over the workers and finished
#: records reach the feed soon.
BATCH_ARTICLES = 2
#: The most CPU a worker asks Ray for (less when more workers than that share the cluster's CPUs).
WORKER_CPUS = 0.25
#: Seconds to wait for a TCP answer at ``--ray-address`` before saying it cannot be reached.
REACH_TIMEOUT = 5.0
INSTALL_HINT = 'pip install -e ".[ray]"'


class EngineError(NewsfactsError):
    """The Ray cluster could not be reached, or lost work it could not redo (what was finished is in the feed)."""

    stage = "engine"


def run_ray_batch(
    articles: Iterable[Article | InputError],
    settings: Settings,
    writer: FeedWriter,
    *,
    extractor: ExtractorKey,
    address: str | None = None,
    workers: int | None = None,
    total: int | None = None,
    progress: Progress | None = None,
    warn: Warn | None = None,
    error: Warn | None = None,
    block_articles: int = BLOCK_ARTICLES,
    block_chars: int = BLOCK_CHARS,
) -> BatchSummary:
    """Extract every article on Ray workers and write each one in input order, as the local engine does.

    Args:
        articles: the inputs in order; an InputError stands for an input that could not be read.
        settings: chooses the model; sent to every worker, which opens its own client with it.
        writer: the open feed (in this process, the driver).
        extractor: the configuration the workers' records are made with
            (:func:`~extract.engines.local.extractor_key` of the model the settings open), so that
            :meth:`FeedWriter.place` skips what an earlier run finished exactly as for the local engine.
        address: the Ray cluster to join (``ray start --head`` prints it); None lets ``ray.init()`` find
            one or start a local instance. A Ray already initialised in this process is used as it is.
        workers: how many workers (actors) extract at once; None: one per CPU of the cluster.
        total: how many inputs there are, if known, passed on to ``progress``.
        progress: called once per input, in input order, as its outcome is written.
        warn: receives one line per warning (and per error, unless ``error`` is given).
        error: receives one ``error: ...`` line per failed input.
        block_articles: the most articles handed to Ray at once.
        block_chars: the most characters of article text handed to Ray at once.

    Returns:
        The counts; ``seconds`` is the wall time of the batch, Ray's start included.

    Raises:
        ConfigError: Ray Data is not installed, or the workers cannot open the model.
        EngineError: the cluster cannot be reached, or returned no result for some article.
        OutputError: the feed could not be written; what was written before stays whole.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if block_articles < 1 or block_chars < 1:
        raise ValueError("blocks must hold at least one article and one character")
    ray = import_ray()
    began = time.monotonic()
    batch = _Driver(writer, extractor, progress=progress, total=total, warn=warn, error=error or warn)
    with _connected(ray, address) as cpus:
        size = workers or max(1, int(cpus))
        pool = _Pool(ray, settings, batch.run_id, size=size, cpus=min(WORKER_CPUS, cpus / (size + 1)))
        for item in articles:
            batch.add(item)
            if len(batch.rows) >= block_articles or batch.chars >= block_chars or len(batch.slots) >= MAX_WAITING:
                pool.run(batch)
        pool.run(batch)
    batch.summary.seconds = time.monotonic() - began
    return batch.summary


def import_ray() -> ModuleType:
    """``ray`` with Ray Data, imported only when the engine runs (the extra is optional).

    Raises:
        ConfigError: Ray Data is not installed, with the command that installs it.
    """
    try:
        import ray
        import ray.data  # Ray without its data extra (pyarrow, pandas) cannot import ray.data
    except ImportError as err:
        raise ConfigError(f"--engine ray needs Ray Data, which is not installed: {INSTALL_HINT}",
                          original=err) from None
    return ray


class ExtractWorker:
    """One Ray worker: opens the model once and extracts every batch of articles it is given.

    Ray builds one per actor with the driver's settings and run id. The model's context (the client, its
    answer cache, an embedded server if the settings start one) stays open until the actor's process
    exits. A model that cannot be opened (a configuration error) is reported in place of every article,
    as ``fatal``, and the driver stops with it.
    """

    def __init__(self, settings: Settings, run_id: str) -> None:
        self.run_id = run_id
        self.notes: list[str] = []
        self.broken: NewsfactsError | None = None
        self.model: _CountingModel | None = None
        stack = contextlib.ExitStack()
        try:
            self.model = _CountingModel(stack.enter_context(open_model(settings, log=self.notes.append)))
        except NewsfactsError as err:
            self.broken = err
        atexit.register(stack.close)

    def __call__(self, batch: pyarrow.Table) -> pyarrow.Table:
        """Rows ``{index, article}`` in; rows of :data:`OUTPUT_COLUMNS` out (JSON strings and counts)."""
        out: dict[str, list[Any]] = {name: [] for name in OUTPUT_COLUMNS}
        for index, article_json in zip(batch.column("index").to_pylist(), batch.column("article").to_pylist(),
                                       strict=True):
            record = error = fatal = None
            calls = failures = 0
            if self.model is None:
                fatal = _error_json(self.broken or ConfigError("the worker has no model"))
            else:
                calls, failures = self.model.calls, self.model.failures
                outcome = extract_or_error(article_from_json(article_json), self.model, run_id=self.run_id)
                calls, failures = self.model.calls - calls, self.model.failures - failures
                if isinstance(outcome, NewsfactsError):
                    error = _error_json(outcome)
                else:
                    record = outcome.model_dump_json()
            for name, value in zip(OUTPUT_COLUMNS, (index, record, error, fatal, "\n".join(self.notes) or None,
                                                    calls, failures), strict=True):
                out[name].append(value)
            self.notes.clear()
        import pyarrow

        return pyarrow.table(out, schema=_output_schema())


#: What a worker returns for each article: its row index; the record or the error as JSON (or ``fatal``, the
#: error that keeps the worker from extracting anything); the worker's log lines since its last row; the
#: model requests the article sent and those that got no usable answer.
OUTPUT_COLUMNS = ("index", "record", "error", "fatal", "notes", "calls", "failures")
_Result = tuple[int, str | None, str | None, str | None, str | None, int, int]


def _output_schema() -> pyarrow.Schema:
    """One schema for every output batch, so that Ray never has to reconcile all-null columns."""
    import pyarrow

    text, count = pyarrow.large_string(), pyarrow.int64()
    return pyarrow.schema([("index", count), ("record", text), ("error", text), ("fatal", text), ("notes", text),
                           ("calls", count), ("failures", count)])


def article_to_json(article: Article) -> str:
    """An article as one JSON string, every field kept (the date as ISO 8601), for a Ray row."""
    fields = {f.name: getattr(article, f.name) for f in dataclasses.fields(article)}
    fields["published"] = article.published.isoformat() if article.published else None
    fields["warnings"] = list(article.warnings)
    return json.dumps(fields, ensure_ascii=False)


def article_from_json(text: str) -> Article:
    """The article :func:`article_to_json` wrote, equal to the original."""
    fields = json.loads(text)
    published = fields.pop("published")
    return Article(**{**fields, "published": dt.date.fromisoformat(published) if published else None,
                      "warnings": tuple(fields["warnings"])})


def _error_json(err: NewsfactsError) -> str:
    """A per-article error as data: Ray rows carry strings, and the original exception may not pickle."""
    return json.dumps({"class": type(err).__name__, "stage": err.stage, "message": err.message,
                       "article_id": err.article_id, "source": err.source}, ensure_ascii=False)


def _error_from_json(text: str) -> NewsfactsError:
    """The error :func:`_error_json` wrote, of the same class when that class is known here."""
    data = json.loads(text)
    classes = {cls.__name__: cls for cls in _subclasses(NewsfactsError)}
    err = classes.get(data["class"], NewsfactsError)(data["message"], article_id=data["article_id"],
                                                     source=data["source"])
    if err.stage != data["stage"]:
        err.stage = data["stage"]
    return err


def _subclasses(cls: type[NewsfactsError]) -> Iterator[type[NewsfactsError]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _subclasses(sub)


@contextlib.contextmanager
def _connected(ray: ModuleType, address: str | None) -> Iterator[float]:
    """Join (or start) Ray unless this process already has; yield the cluster's CPUs; leave what it joined.

    Ray prints the cluster's error messages (a task retried, a worker killed for memory) on ``sys.stdout``
    whatever ``log_to_driver`` says: while connected, ``sys.stdout`` is stderr, so that a feed streamed to
    stdout (``--out -``; the writer holds the real stream) gets nothing but feed lines.

    Raises:
        EngineError: the cluster at ``address`` cannot be reached.
    """
    with contextlib.redirect_stdout(sys.stderr):
        yield from _connect(ray, address)


def _connect(ray: ModuleType, address: str | None) -> Iterator[float]:
    _quiet_ray_data()
    if ray.is_initialized():
        yield float(ray.cluster_resources().get("CPU", 1.0))
        return
    if address:
        _check_reachable(address)
    on_main_thread = threading.current_thread() is threading.main_thread()
    sigterm = signal.getsignal(signal.SIGTERM) if on_main_thread else None
    try:
        # log_to_driver=False: worker output never reaches the driver's stdout, which may be the feed (--out -).
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, ValueError, RuntimeError) as err:
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        raise EngineError(f"cannot start or join {where}: {_one_line(err)}", original=err) from None
    finally:
        if sigterm is not None:  # ray.init installs its own (sys.exit): the caller's stays in charge
            signal.signal(signal.SIGTERM, sigterm)
    try:
        yield float(ray.cluster_resources().get("CPU", 1.0))
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fail in seconds on a ``host:port`` nobody listens on (``ray.init`` retries it for minutes).

    Raises:
        EngineError: the address does not parse as host:port, or nothing answers there.
    """
    if address in ("auto", "local") or "://" in address:
        return  # Ray resolves these itself
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise EngineError(f"--ray-address {address!r} is not host:port (ray start --head prints it)")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_TIMEOUT):
            pass
    except OSError as err:
        raise EngineError(f"cannot reach the Ray cluster at {address} ({err.strerror or type(err).__name__}); "
                          "is `ray start --head` running there?", original=err) from None


def _quiet_ray_data() -> None:
    """Ray Data logs every dataset it runs at INFO and draws its own progress: the CLI reports instead."""
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "progress bars disabled"


class _Pool:
    """Runs one block of rows through ``map_batches`` with a pool of :class:`ExtractWorker` actors."""

    def __init__(self, ray: ModuleType, settings: Settings, run_id: str, *, size: int, cpus: float) -> None:
        self.ray = ray
        self.settings = settings
        self.run_id = run_id
        self.size = size
        self.cpus = math.floor(cpus * 10_000) / 10_000 or 0.0001  # Ray's resource granularity

    def run(self, batch: _Driver) -> None:
        """Send the driver's next block and let it write the results; the dataset is shut down before this
        returns, however it returns (an interrupt included), so nothing of it outlives Ray's shutdown."""
        with contextlib.closing(self.map(batch.take_rows())) as results:
            batch.flush(results)

    def map(self, rows: list[dict[str, Any]]) -> Generator[_Result, None, None]:
        """One :data:`OUTPUT_COLUMNS` tuple for every row, in the order the workers finish them.

        Raises:
            EngineError: Ray failed in a way its retries did not mend (a worker it may not restart, a lost
                node's objects, the cluster gone).
        """
        if not rows:
            return
        ray = self.ray
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # the CLI draws its own bar
        batches = math.ceil(len(rows) / BATCH_ARTICLES)
        dataset = ray.data.from_items(rows, override_num_blocks=batches).map_batches(
            ExtractWorker,
            fn_constructor_kwargs={"settings": self.settings, "run_id": self.run_id},
            compute=ray.data.ActorPoolStrategy(size=min(self.size, batches)),
            num_cpus=self.cpus,
            batch_size=BATCH_ARTICLES,
            batch_format="pyarrow",
        )
        tables = dataset.iter_batches(batch_size=None, batch_format="pyarrow")
        try:
            for table in tables:
                yield from zip(*(table.column(name).to_pylist() for name in OUTPUT_COLUMNS), strict=True)
        except ray.exceptions.RayError as err:
            if isinstance(err, ray.exceptions.RayTaskError):
                raise  # an error in the per-article path (a bug): its traceback, as the local engine shows it
            raise EngineError(f"Ray lost work it could not redo ({_one_line(err)}); finished articles are in the "
                              "feed, run the same command again to resume", original=err) from None
        finally:
            close = getattr(tables, "close", None)
            if close is not None:
                close()  # stops the dataset's executor now, not when the generator is collected


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


@dataclasses.dataclass
class _Slot:
    """One input on its way to the feed: skipped, unreadable (``outcome`` is its error from the start), or an
    article out on a worker (``extract``; ``outcome`` is None until its record or error comes back). Only the
    outcome is kept: the article's text is in its row, and gone from the driver once the block is sent."""

    extract: bool = False
    outcome: FeedRecord | NewsfactsError | None = None

    def ready(self) -> bool:
        return not self.extract or self.outcome is not None


class _Driver:
    """The driver's side of a batch: what each input needs, the rows for Ray, and writing in input order."""

    def __init__(self, writer: FeedWriter, extractor: ExtractorKey, *, progress: Progress | None,
                 total: int | None, warn: Warn | None, error: Warn | None) -> None:
        self.writer = writer
        self.extractor = extractor
        self.progress = progress
        self.total = total
        self.warn = warn
        self.error = error
        self.run_id = uuid.uuid4().hex[:12]
        self.summary = BatchSummary()
        self.slots: deque[_Slot] = deque()  # inputs not yet written, in input order
        self.waiting: dict[int, _Slot] = {}  # row index -> its slot, for articles out on workers
        self.rows: list[dict[str, Any]] = []  # the next block's rows
        self.chars = 0
        self.notes: set[str] = set()  # worker log lines already shown (every worker says the same)
        self._next_index = 0

    def add(self, item: Article | InputError) -> None:
        """Decide what one input needs, as the local engine does; an article to extract becomes a row.
        Inputs whose turn has come (nothing before them is out on a worker) are written at once."""
        if isinstance(item, NewsfactsError):
            self.slots.append(_Slot(outcome=item))
            self._write_ready()
            return
        placed = self.writer.place(item.id, sha256=item.sha256, source=item.source, extractor=self.extractor)
        article = item if placed.id == item.id else dataclasses.replace(item, id=placed.id)
        for message in article.warnings:
            self._warn(f"{display(article.source)}: {message}")
        for note in placed.notes:
            self._warn(note)
        if placed.skip:
            self.slots.append(_Slot())
            self._write_ready()
            return
        slot = _Slot(extract=True)
        self.slots.append(slot)
        self.waiting[self._next_index] = slot
        self.rows.append({"index": self._next_index, "article": article_to_json(article)})
        self.chars += len(article.text)
        self._next_index += 1

    def take_rows(self) -> list[dict[str, Any]]:
        rows, self.rows, self.chars = self.rows, [], 0
        return rows

    def flush(self, results: Iterator[_Result]) -> None:
        """Take the workers' results as they come and write every input whose turn has come.

        Raises:
            ConfigError: a worker could not open the model (every worker then reports the same).
            EngineError: Ray finished the block without a result for some article.
        """
        self._write_ready()
        for index, record, error, fatal, notes, calls, failures in results:
            for note in (notes or "").splitlines():
                if note not in self.notes:  # every worker says the same: shown once
                    self.notes.add(note)
                    self._warn(f"ray worker: {note}")
            if fatal is not None:
                raise _error_from_json(fatal)
            self.summary.model_calls += calls
            self.summary.model_failures += failures
            slot = self.waiting.pop(index, None)
            if slot is None:  # a result Ray delivered twice (a retried batch): the first one stands
                continue
            slot.outcome = _error_from_json(error) if error is not None else FeedRecord.model_validate_json(
                record or "")
            self._write_ready()
        if self.waiting:
            raise EngineError(f"Ray returned no result for {len(self.waiting)} articles; finished articles are "
                              "in the feed, run the same command again to resume")

    def _write_ready(self) -> None:
        while self.slots and self.slots[0].ready():
            self._finish(self.slots.popleft())

    def _finish(self, slot: _Slot) -> None:
        """Write one input's outcome and report progress, as the local engine's ``finish`` does.

        Raises:
            OutputError: the outcome could not be written.
        """
        summary = self.summary
        outcome = slot.outcome
        if isinstance(outcome, FeedRecord):
            try:
                self.writer.write(outcome)
            except OutputError:
                raise
            except NewsfactsError as err:  # a record that cannot be serialised: this article fails
                err.article_id = err.article_id or outcome.article.id
                err.source = err.source or outcome.article.source
                outcome = err
            else:
                summary.done += 1
                if outcome.extractor.cache_hits and not outcome.extractor.model_calls:
                    summary.cached += 1
        if isinstance(outcome, NewsfactsError):
            summary.failed += 1
            summary.failures.append(str(outcome))
            self.writer.write_error(outcome)
            if self.error:
                self.error(f"error: {outcome}")
        elif outcome is None:
            summary.skipped += 1
        if self.progress:
            self.progress(summary, self.total)

    def _warn(self, message: str) -> None:
        if self.warn:
            self.warn(message)
