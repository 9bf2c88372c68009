"""The command line: ``python -m extract INPUTS... --out DIR`` and its subcommands.

Each command parses flags, builds :class:`~extract.settings.Settings`, calls one library function and
formats the result. Logs, progress and errors go to stderr; only data goes to stdout. Exit codes: 0 when
every input was extracted, 1 when some input failed (the rest are still written), 2 for a usage or
configuration error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

import click
from tqdm import tqdm

from extract.ask import open_decider
from extract.crosscheck import cross_check, format_summary
from extract.errors import NewsfactsError
from extract.evaluate import evaluate, format_report, load_gold, read_feed
from extract.pipeline import BatchSummary, recheck, run_batch
from extract.read import folder_files, iter_articles, load_feed
from extract.review import write_review
from extract.settings import load_settings
from extract.write import REPORT_NAME, FeedWriter, write_report
from schemas import FeedRecord, feed_json_schema, report_json_schema

EXIT_FAILED_INPUTS = 1
EXIT_USAGE = 2


class _DefaultToRun(click.Group):
    """``extract a.txt --out out`` means ``extract run a.txt --out out``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToRun, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsfacts")
def cli() -> None:
    """Extract events, statements and figures from news articles, tied to the exact characters that
    state them, and cross-check their numbers and dates.

    \b
    Example:
      python -m extract seeds/ --out out        # writes out/facts.jsonl
      python -m extract schema > feed.schema.json
    """


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
@click.option("--backend", type=click.Choice(["auto", "openai", "local", "rules"]), default=None,
              help="Model backend [env EXTRACT_BACKEND; default auto: openai if a key or base URL is set, "
              "else the embedded local model if installed, else rules].")
@click.option("--model", default=None, help="Model name (openai) or local model / .gguf path [EXTRACT_MODEL].")
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint [OPENAI_BASE_URL].")
@click.option("--no-cache", is_flag=True, default=False, help="Ask the model again even if answers are cached.")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None,
              help="Where model answers are cached [EXTRACT_CACHE_DIR; default ~/.cache/newsfacts].")
@click.option("--timeout", type=float, default=None, help="Seconds to wait for one model answer.")
@click.option("--encoding-errors", type=click.Choice(["strict", "replace"]), default=None,
              help="strict: invalid UTF-8 is an error; replace: read it with U+FFFD and a warning.")
@click.option("-q", "--quiet", is_flag=True, default=False, help="No progress bar or log lines.")
def run(inputs: tuple[str, ...], out_dir: str, resume: bool, fmt: Literal["jsonl", "json"], concurrency: int | None,
        backend: str | None, model: str | None, base_url: str | None, no_cache: bool, cache_dir: Path | None,
        timeout: float | None, encoding_errors: str | None, quiet: bool) -> None:
    """Extract facts from INPUTS (files, folders, or - for JSON Lines on stdin) into DIR/facts.jsonl.

    Running again into the same DIR resumes: articles already in the feed are skipped, the rest (and
    every input that failed before) are extracted and appended.

    \b
    Example:
      python -m extract seeds/ --out out
      python -m extract big.jsonl --out out --concurrency 8     # rerun the same command after a crash
      python -m extract article.md --backend rules --out - | jq '.figures[].value'
    """
    settings = _settings(backend=backend, model=model, base_url=base_url, use_cache=False if no_cache else None,
                         cache_dir=cache_dir, timeout=timeout, encoding_errors=encoding_errors,
                         concurrency=concurrency, quiet=True if quiet else None)
    log = _logger(settings.quiet)
    total = _count_articles(inputs, None if out_dir == "-" else Path(out_dir))
    bar = tqdm(total=total, unit="article", file=sys.stderr, disable=settings.quiet, dynamic_ncols=True)

    def progress(summary: BatchSummary, _total: int | None) -> None:
        bar.set_postfix(skipped=summary.skipped, cached=summary.cached, failed=summary.failed, refresh=False)
        bar.update(1)

    try:
        with FeedWriter(out_dir, fresh=not resume, fmt=fmt, warn=log) as writer, \
                open_decider(settings, log=log) as decider:
            if writer.resumed:
                log(f"resuming {writer.feed_path}: {writer.resumed} articles already there (--fresh starts over)")
            articles = iter_articles(inputs, stdin=sys.stdin, encoding_errors=settings.encoding_errors,
                                     exclude=writer.out_dir)
            summary = run_batch(articles, decider, writer, concurrency=settings.concurrency, total=total,
                                progress=progress, warn=log)
    except NewsfactsError as err:
        bar.close()
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        bar.close()
        click.echo("interrupted: articles finished so far are in the feed; run again to resume", err=True)
        sys.exit(130)
    bar.close()
    where = "stdout" if writer.output_path is None else str(writer.output_path)
    click.echo(
        f"done {summary.done}, skipped {summary.skipped}, cached {summary.cached}, failed {summary.failed}; "
        f"{summary.model_calls} model calls in {summary.seconds:.1f}s -> {where}",
        err=True,
    )
    if writer.feed_path is not None and writer.out_dir is not None:
        records, _ = load_feed(writer.feed_path)
        report = cross_check(records)
        try:
            write_report(report, writer.out_dir / REPORT_NAME)
        except NewsfactsError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(EXIT_FAILED_INPUTS)
        if not settings.quiet:
            click.echo(format_summary(report), err=True)
    if summary.failed:
        sys.exit(EXIT_FAILED_INPUTS)


@cli.command()
@click.option("--report", "of_report", is_flag=True, help="The schema of report.json instead of a feed line.")
def schema(of_report: bool) -> None:
    """Print the JSON Schema of one feed line (facts.jsonl), or of report.json.

    \b
    Example:
      python -m extract schema > feed.schema.json
      python -m extract schema --report > report.schema.json
    """
    chosen = report_json_schema() if of_report else feed_json_schema()
    click.echo(json.dumps(chosen, indent=2, ensure_ascii=False))


@cli.command()
@click.argument("feeds", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_path", default="-", show_default=True, help="Where to write report.json ('-': stdout).")
@click.option("-q", "--quiet", is_flag=True, default=False, help="No summary on stderr.")
def check(feeds: tuple[Path, ...], out_path: str, quiet: bool) -> None:
    """Cross-check existing feeds (from any backend): in-article checks again, where the article text can
    be read from its recorded source unchanged, and the cross-article report.

    \b
    Example:
      python -m extract check out/facts.jsonl other/facts.jsonl --out report.json
    """
    records: list[FeedRecord] = []
    failed = False
    for feed in feeds:
        loaded, errors = load_feed(feed)
        for err in errors:
            click.echo(f"error: {err}", err=True)
        failed = failed or bool(errors)
        records.extend(recheck(loaded))
    report = cross_check(records)
    if out_path == "-":
        click.echo(report.model_dump_json(indent=2))
    else:
        write_report(report, Path(out_path))
    if not quiet:
        for record in records:
            bad = [c for c in record.checks if c.status == "fail"]
            for c in bad:
                click.echo(f"fail {record.article.id} {c.rule} {c.target}: {c.detail}", err=True)
        click.echo(format_summary(report), err=True)
    if failed:
        sys.exit(EXIT_FAILED_INPUTS)


@cli.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
def review(out_dir: Path) -> None:
    """Write DIR/review.html from DIR/facts.jsonl and DIR/report.json: one self-contained page with every
    figure, statement and event highlighted on its article, the checks, the rejected items and the
    cross-article groups. Article text is read again from each record's source when unchanged.

    \b
    Example:
      python -m extract seeds/ --backend rules --out out && python -m extract review out
      xdg-open out/review.html
    """
    try:
        summary = write_review(out_dir)
    except NewsfactsError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    for problem in summary.errors:
        click.echo(f"error: {problem}", err=True)
    for article_id in summary.without_text:
        click.echo(f"warning: {article_id}: article text not available, evidence shown without it", err=True)
    click.echo(f"{summary.articles} articles -> {summary.path}", err=True)
    if summary.errors:
        sys.exit(EXIT_FAILED_INPUTS)


@cli.command(name="eval")
@click.argument("feed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--gold", "gold_dir", default="gold", show_default=True, type=click.Path(path_type=Path),
              help="Gold folder: annotations/*.json (and the articles they point at).")
@click.option("--details", is_flag=True, default=False, help="List missed and spurious items per article.")
def eval_(feed: Path, gold_dir: Path, details: bool) -> None:
    """Score a feed against hand-written gold annotations: precision, recall and F1 per item type.

    \b
    Example:
      python -m extract gold/articles seeds --out out && python -m extract eval out/facts.jsonl --gold gold
    """
    click.echo(format_report(evaluate(load_gold(gold_dir), read_feed(feed)), details=details))


def _settings(**flags: Any) -> Any:
    try:
        return load_settings(flags)
    except NewsfactsError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)


def _logger(quiet: bool) -> Any:
    def log(message: str) -> None:
        if not quiet:
            tqdm.write(message, file=sys.stderr)
    return log


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


def main() -> None:
    cli()
