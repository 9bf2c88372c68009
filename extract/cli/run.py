"""``python -m extract INPUTS --out DIR``: extract a batch into DIR/facts.jsonl, then cross-check it.

One run at a time per folder: DIR is locked for the whole command (a second run exits 2 at once, naming
it). Ctrl-C or SIGTERM during the batch stops it in order: a message, the feed left whole (every finished
article in it), exit 130 or 143; a second signal, or one before or after the batch, exits at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, Literal

import click
from tqdm import tqdm

from extract.cli.common import (
    EXIT_FAILED_INPUTS,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    cli,
    logger,
    model_flags,
    model_options,
    settings_from,
)
from extract.crosscheck import refresh_report
from extract.engines.local import BatchSummary, extractor_key, run_batch
from extract.engines.ray_data import import_ray, run_ray_batch
from extract.errors import NewsfactsError, display
from extract.model.connect import open_model
from extract.read import folder_files, iter_articles
from extract.write import REPORT_NAME, FeedWriter, FolderLock, ResumeOn


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", default="out", show_default=True,
              help="Folder for facts.jsonl and errors.jsonl; '-' streams the feed to stdout.")
@click.option("--resume/--fresh", default=True, show_default=True,
              help="Resume: skip articles already done in DIR/facts.jsonl and append the rest. "
              "Fresh: start the feed over.")
@click.option("--resume-on", type=click.Choice(["config", "content"]), default="config", show_default=True,
              help="What counts as done: config, the same text (id and sha256) extracted with the same backend, "
              "model, extraction and prompts, with no model failure; content, the same text however extracted.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True,
              help="jsonl: one record a line; json: also DIR/facts.json, one array written at the end "
              "(with --out -, one array on stdout).")
@click.option("--concurrency", type=click.IntRange(min=1), default=None,
              help="Articles extracted at once [EXTRACT_CONCURRENCY; default 1]; the feed stays in input order.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this process, --concurrency threads. ray: Ray Data workers, --concurrency of them "
              "(default one per CPU), on a local Ray instance or the cluster at --ray-address; needs the extra: "
              "pip install -e \".[ray]\".")
@click.option("--ray-address", default=None,
              help="With --engine ray: the cluster to join (host:port, as `ray start --head` prints it); default: "
              "the cluster ray.init() finds, else a local Ray instance.")
@model_options
@click.option("--encoding-errors", type=click.Choice(["strict", "replace"]), default=None,
              help="strict: invalid UTF-8 is an error; replace: read it with U+FFFD and a warning.")
@click.option("-q", "--quiet", is_flag=True, default=False, help="Errors only: no progress, warnings or summary.")
@click.option("-v", "--verbose", is_flag=True, default=False,
              help="Also log each model request and a summary of its answer [EXTRACT_VERBOSE].")
def run(inputs: tuple[str, ...], out_dir: str, resume: bool, resume_on: ResumeOn, fmt: Literal["jsonl", "json"],
        concurrency: int | None, encoding_errors: str | None, quiet: bool, verbose: bool,
        engine: Literal["local", "ray"], ray_address: str | None, **flags: Any) -> None:
    """Extract facts from INPUTS (files, folders, or - for JSON Lines on stdin) into DIR/facts.jsonl.

    Running again into the same DIR resumes: articles already in the feed are skipped, the rest (and
    every input that failed before) are extracted and appended.

    \b
    Example:
      python -m extract seeds/ --out out
      python -m extract big.jsonl --out out --concurrency 8     # rerun the same command after a crash
      python -m extract article.md --backend rules --out - | jq '.figures[].value'
    """
    if not out_dir:
        raise click.UsageError("--out is empty: name a folder, or - for stdout")
    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other: choose one")
    if ray_address and engine != "ray":
        raise click.UsageError("--ray-address needs --engine ray")
    if engine == "ray":
        try:  # before anything is opened: a missing extra is one line and exit 2
            import_ray()
        except NewsfactsError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(EXIT_USAGE)
    settings = settings_from(**model_flags(flags), encoding_errors=encoding_errors, concurrency=concurrency,
                             quiet=True if quiet else None, verbose=True if verbose else None)
    log = logger(settings.quiet)
    ctx = click.get_current_context()
    signals = ctx.with_resource(_interrupts())
    if out_dir != "-":
        try:  # held until the command ends, report included; the writer takes it again inside
            ctx.with_resource(FolderLock(Path(out_dir)))
        except NewsfactsError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(EXIT_USAGE)
    total = _count_articles(inputs, None if out_dir == "-" else Path(out_dir))
    # Progress is drawn only on a terminal: a log file gets the summary lines, not carriage-return frames.
    bar = tqdm(total=total, unit="article", file=sys.stderr, dynamic_ncols=True,
               disable=settings.quiet or not sys.stderr.isatty())

    def progress(summary: BatchSummary, _total: int | None) -> None:
        bar.set_postfix(skipped=summary.skipped, cached=summary.cached, failed=summary.failed, refresh=False)
        bar.update(1)

    try:
        signals.orderly()
        with FeedWriter(out_dir, fresh=not resume, fmt=fmt, warn=log, resume_on=resume_on) as writer, \
                open_model(settings, log=log) as model_client:
            if writer.resumed:
                log(f"resuming {display(writer.feed_path)}: {writer.resumed} articles already there "
                    "(--fresh starts over)")
            articles = iter_articles(inputs, stdin=sys.stdin, encoding_errors=settings.encoding_errors,
                                     exclude=writer.out_dir, max_input_bytes=settings.max_input_bytes)
            if engine == "ray":  # the driver's model_client only names the configuration; workers open their own
                summary = run_ray_batch(articles, settings, writer, extractor=extractor_key(model_client),
                                        address=ray_address, workers=concurrency, total=total, progress=progress,
                                        warn=log, error=_error_line)
            else:
                summary = run_batch(articles, model_client, writer, concurrency=settings.concurrency, total=total,
                                    progress=progress, warn=log, error=_error_line)
    except NewsfactsError as err:
        bar.close()
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt as err:
        bar.close()
        signum = err.signum if isinstance(err, Interrupted) else signal.SIGINT
        word = "terminated" if signum == signal.SIGTERM else "interrupted"
        click.echo(f"{word}: articles finished so far are in the feed; run again to resume", err=True)
        signals.keep = True  # until the process ends, another signal exits at once
        sys.exit(128 + signum if signum != signal.SIGINT else EXIT_INTERRUPTED)
    signals.immediate()
    bar.close()
    where = "stdout" if writer.output_path is None else display(writer.output_path)
    failures = f", {summary.model_failures} model failures" if summary.model_failures else ""
    if not settings.quiet:
        click.echo(
            f"done {summary.done}, skipped {summary.skipped}, cached {summary.cached}, failed {summary.failed}; "
            f"{summary.model_calls} model calls{failures} in {summary.seconds:.1f}s -> {where}",
            err=True,
        )
    if writer.feed_path is not None and writer.out_dir is not None:
        try:  # streamed, and skipped when the feed did not change since the report was written
            report_summary = refresh_report(writer.feed_path, writer.out_dir / REPORT_NAME)
        except NewsfactsError as err:  # the folder cannot be written (a full disk): as for the feed, exit 2
            click.echo(f"error: {err}", err=True)
            sys.exit(EXIT_USAGE)
        if not settings.quiet:
            click.echo(report_summary, err=True)
    if summary.failed:
        sys.exit(EXIT_FAILED_INPUTS)


def _error_line(message: str) -> None:
    """Errors are shown even with -q."""
    tqdm.write(message, file=sys.stderr)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived during the batch: unwinds like Ctrl-C, so the feed is finished in order."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Interrupts:
    """How SIGINT and SIGTERM are handled: at once (nothing is being written), or in order during the
    batch (the first one raises :class:`Interrupted`; a second exits at once, without a traceback).
    Off the main thread, where Python cannot handle signals, they keep their defaults."""

    def __init__(self) -> None:
        self.enabled = threading.current_thread() is threading.main_thread()
        self.keep = False  # leave the immediate handlers in place when the command ends (it was interrupted)

    def orderly(self) -> None:
        self._install(self._first)

    def immediate(self) -> None:
        self._install(self._now)

    def _first(self, signum: int, frame: FrameType | None) -> None:
        self.immediate()
        raise Interrupted(signum)

    @staticmethod
    def _now(signum: int, frame: FrameType | None) -> None:
        word = "terminated" if signum == signal.SIGTERM else "interrupted"
        os.write(2, f"{word}: exiting now; the feed holds whole lines only, run again to resume\n".encode())
        os._exit(EXIT_INTERRUPTED if signum == signal.SIGINT else 128 + signum)

    def _install(self, handler: Callable[[int, FrameType | None], None]) -> None:
        if self.enabled:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, handler)


@contextmanager
def _interrupts() -> Iterator[_Interrupts]:
    """Signal handling for one command; the previous handlers are restored after it (tests run commands
    in-process)."""
    handling = _Interrupts()
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)} if handling.enabled else {}
    handling.immediate()
    try:
        yield handling
    finally:
        for signum, handler in before.items() if not handling.keep else ():
            if handler is not None:  # None: a handler not installed from Python, which cannot be put back
                signal.signal(signum, handler)


def _count_articles(inputs: tuple[str, ...], exclude: Path | None) -> int | None:
    """How many articles the inputs hold, for the progress bar's ETA (None when reading stdin)."""
    total = 0
    for raw in inputs:
        if raw == "-":
            return None
        path = Path(raw)
        files = folder_files(path, exclude) if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() == ".jsonl" and file.is_file():
                with file.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            else:
                total += 1
    return total


