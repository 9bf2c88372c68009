"""``batch prepare|submit|status|collect``: a batch through the OpenAI Batch API (or any server that reads
and writes its files, such as ``vllm run-batch``).

\b
    python -m extract batch prepare articles/ --out run --model gpt-4o-mini   # run/batch/requests-*.jsonl
    python -m extract batch submit run                                         # upload, create batches
    python -m extract batch status run --wait                                  # poll until finished
    python -m extract batch collect run                                        # run/facts.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from extract.cli.common import EXIT_FAILED_INPUTS, EXIT_USAGE, cli, logger, model_flags, model_options, settings_from
from extract.crosscheck import refresh_report
from extract.engines import batch_api
from extract.engines.local import run_batch
from extract.errors import NewsfactsError
from extract.write import FEED_NAME, REPORT_NAME, FeedWriter, FolderLock


@cli.group()
def batch() -> None:
    """Extract through the OpenAI Batch API (half price, answers within 24 h): prepare request files,
    submit them, poll, collect. Any server that reads and writes Batch API files works the same way
    (`vllm run-batch -i DIR/batch/requests-0001.jsonl -o out.jsonl`, then `collect DIR --responses out.jsonl`).

    \b
    Example:
      python -m extract batch prepare articles/ --out run --model gpt-4o-mini
      python -m extract batch submit run && python -m extract batch status run --wait
      python -m extract batch collect run
    """


@batch.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the batch: DIR/batch/ holds the requests and state, DIR/facts.jsonl the feed.")
@model_options
@click.option("-q", "--quiet", is_flag=True, default=False, help="Errors only.")
def prepare(inputs: tuple[str, ...], out_dir: Path, quiet: bool, **flags: Any) -> None:
    """Write the requests the model would be sent for INPUTS as Batch API input files (DIR/batch/).

    The articles are read, their anchors found and drafted as in a live run; each model request becomes one
    line (custom_id, method, url, body), in shards of at most 50,000 requests and 190 MB.

    \b
    Example:
      python -m extract batch prepare seeds/ --out run --model gpt-4o-mini
    """
    settings = settings_from(**model_flags(flags), quiet=True if quiet else None)
    try:
        with FolderLock(out_dir):  # one command at a time in a batch folder
            batch_api.prepare(list(inputs), out_dir, settings, log=logger(settings.quiet))
    except NewsfactsError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)


@batch.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint [OPENAI_BASE_URL].")
def submit(out_dir: Path, base_url: str | None) -> None:
    """Upload DIR's request files and create one batch each; requests that failed or expired in batches
    already collected are resubmitted alone. Rerun it safely after a crash.

    \b
    Example:
      OPENAI_API_KEY=... python -m extract batch submit run
    """
    settings = settings_from(base_url=base_url)
    try:
        with FolderLock(out_dir):
            batch_api.submit(out_dir, batch_api.batch_client(settings), log=logger(False))
    except NewsfactsError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)


@batch.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--wait", is_flag=True, default=False, help="Poll (with backoff) until every batch is finished.")
@click.option("--poll", "poll_seconds", type=click.FloatRange(min=0.01), default=60.0, show_default=True,
              help="Longest wait between polls with --wait (the first waits are shorter).")
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint [OPENAI_BASE_URL].")
def status(out_dir: Path, wait: bool, poll_seconds: float, base_url: str | None) -> None:
    """Show each batch's status and request counts (refreshed from the API).

    \b
    Example:
      python -m extract batch status run --wait
    """
    settings = settings_from(base_url=base_url)
    try:
        with FolderLock(out_dir):
            state = batch_api.status(out_dir, batch_api.batch_client(settings), wait=wait,
                                     poll_seconds=poll_seconds, log=logger(False))
    except NewsfactsError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    for shard in state.shards:
        counts = ", ".join(f"{k} {v}" for k, v in shard.counts.items()) or "-"
        click.echo(f"{shard.name}\t{shard.requests} requests\t{shard.batch_id or 'not submitted'}\t{shard.status}"
                   f"\t{counts}")


@batch.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--responses", "responses", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A Batch output file made elsewhere (vllm run-batch...), in any order; repeat for several "
              "(--responses a.jsonl --responses b.jsonl). No API is called then.")
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint [OPENAI_BASE_URL].")
@click.option("-q", "--quiet", is_flag=True, default=False, help="Errors only.")
def collect(out_dir: Path, responses: tuple[Path, ...], base_url: str | None, quiet: bool) -> None:
    """Download the answers of finished batches, validate and ground each as a live answer is, and write
    DIR/facts.jsonl, DIR/errors.jsonl and DIR/report.json. Articles whose requests are not all answered
    go to errors.jsonl until `batch submit` has resubmitted them and `collect` runs again.

    \b
    Example:
      python -m extract batch collect run
      python -m extract batch collect run --responses vllm-out.jsonl
      python -m extract batch collect run --responses part-1.jsonl --responses part-2.jsonl
    """
    settings = settings_from(base_url=base_url, quiet=True if quiet else None)
    log = logger(settings.quiet)
    folder = out_dir / "batch"
    try:
        lock = FolderLock(out_dir).acquire()
    except NewsfactsError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        state = batch_api.BatchState.load(folder)
        if not responses:
            client = batch_api.batch_client(settings)
            batch_api.status(out_dir, client, log=log)
            batch_api.download(out_dir, client, log=log)
            state = batch_api.BatchState.load(folder)
        model = batch_api.answered_model(state, folder, responses)
        with FeedWriter(str(out_dir), warn=log) as writer:
            summary = run_batch(batch_api.state_inputs(state, out_dir), model, writer, warn=log)
        report_summary = refresh_report(out_dir / FEED_NAME, out_dir / REPORT_NAME)
    except NewsfactsError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    finally:
        lock.release()
    if not settings.quiet:
        click.echo(f"done {summary.done}, skipped {summary.skipped}, failed {summary.failed} -> "
                   f"{out_dir / FEED_NAME}", err=True)
        click.echo(report_summary, err=True)
    if summary.failed:
        sys.exit(1)
    if summary.failed:
        sys.exit(EXIT_FAILED_INPUTS)
