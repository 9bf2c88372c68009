"""``python -m extract INPUTS --out DIR``: extract a batch into DIR/facts.jsonl, then cross-check it."""

from __future__ import annotations

import sys
from pathlib import Path
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
from extract.engines.local import BatchSummary, run_batch
from extract.errors import NewsfactsError
from extract.model.connect import open_model
from extract.read import folder_files, iter_articles
from extract.write import REPORT_NAME, FeedWriter


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", default="out", show_default=True,
              help="Folder for facts.jsonl and errors.jsonl; '-' streams the feed to stdout.")
@click.option("--resume/--fresh", default=True, show_default=True,
              help="Resume: skip articles already in DIR/facts.jsonl (same id and sha256) and append the rest. "
              "Fresh: start the feed over.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True,
              help="jsonl: one record a line; json: also DIR/facts.json, one array written at the end "
              "(with --out -, one array on stdout).")
@click.option("--concurrency", type=click.IntRange(min=1), default=None,
              help="Articles extracted at once [EXTRACT_CONCURRENCY; default 1]; the feed stays in input order.")
@model_options
@click.option("--encoding-errors", type=click.Choice(["strict", "replace"]), default=None,
              help="strict: invalid UTF-8 is an error; replace: read it with U+FFFD and a warning.")
@click.option("-q", "--quiet", is_flag=True, default=False, help="No progress bar or log lines.")
def run(inputs: tuple[str, ...], out_dir: str, resume: bool, fmt: Literal["jsonl", "json"], concurrency: int | None,
        encoding_errors: str | None, quiet: bool, **flags: Any) -> None:
    """Extract facts from INPUTS (files, folders, or - for JSON Lines on stdin) into DIR/facts.jsonl.

    Running again into the same DIR resumes: articles already in the feed are skipped, the rest (and
    every input that failed before) are extracted and appended.

    \b
    Example:
      python -m extract seeds/ --out out
      python -m extract big.jsonl --out out --concurrency 8     # rerun the same command after a crash
      python -m extract article.md --backend rules --out - | jq '.figures[].value'
    """
    settings = settings_from(**model_flags(flags), encoding_errors=encoding_errors, concurrency=concurrency,
                             quiet=True if quiet else None)
    log = logger(settings.quiet)
    total = _count_articles(inputs, None if out_dir == "-" else Path(out_dir))
    # Progress is drawn only on a terminal: a log file gets the summary lines, not carriage-return frames.
    bar = tqdm(total=total, unit="article", file=sys.stderr, dynamic_ncols=True,
               disable=settings.quiet or not sys.stderr.isatty())

    def progress(summary: BatchSummary, _total: int | None) -> None:
        bar.set_postfix(skipped=summary.skipped, cached=summary.cached, failed=summary.failed, refresh=False)
        bar.update(1)

    try:
        with FeedWriter(out_dir, fresh=not resume, fmt=fmt, warn=log) as writer, \
                open_model(settings, log=log) as model_client:
            if writer.resumed:
                log(f"resuming {writer.feed_path}: {writer.resumed} articles already there (--fresh starts over)")
            articles = iter_articles(inputs, stdin=sys.stdin, encoding_errors=settings.encoding_errors,
                                     exclude=writer.out_dir)
            summary = run_batch(articles, model_client, writer, concurrency=settings.concurrency, total=total,
                                progress=progress, warn=log)
    except NewsfactsError as err:
        bar.close()
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        bar.close()
        click.echo("interrupted: articles finished so far are in the feed; run again to resume", err=True)
        sys.exit(EXIT_INTERRUPTED)
    bar.close()
    where = "stdout" if writer.output_path is None else str(writer.output_path)
    click.echo(
        f"done {summary.done}, skipped {summary.skipped}, cached {summary.cached}, failed {summary.failed}; "
        f"{summary.model_calls} model calls in {summary.seconds:.1f}s -> {where}",
        err=True,
    )
    if writer.feed_path is not None and writer.out_dir is not None:
        try:  # streamed, and skipped when the feed did not change since the report was written
            report_summary = refresh_report(writer.feed_path, writer.out_dir / REPORT_NAME)
        except NewsfactsError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(EXIT_FAILED_INPUTS)
        if not settings.quiet:
            click.echo(report_summary, err=True)
    if summary.failed:
        sys.exit(EXIT_FAILED_INPUTS)



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


