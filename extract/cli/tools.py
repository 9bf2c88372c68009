"""``schema``, ``check``, ``review`` and ``eval``: the commands over feeds that already exist."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from extract.article import recheck
from extract.cli.common import EXIT_FAILED_INPUTS, EXIT_USAGE, cli
from extract.crosscheck import cross_check, format_summary, iter_feed
from extract.errors import NewsfactsError
from extract.evaluate import evaluate, format_report, load_gold, read_feed
from extract.review import write_review
from extract.write import write_report
from schemas import FeedRecord, feed_json_schema, report_json_schema


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
    failed = False
    fails: list[str] = []

    def rechecked() -> Iterator[FeedRecord]:  # streamed: one record at a time, never the whole feed
        nonlocal failed
        for feed in feeds:
            for item in iter_feed(feed):
                if not isinstance(item, FeedRecord):
                    click.echo(f"error: {item}", err=True)
                    failed = True
                    continue
                for record in recheck([item]):
                    fails.extend(f"fail {record.article.id} {c.rule} {c.target}: {c.detail}"
                                 for c in record.checks if c.status == "fail")
                    yield record

    report = cross_check(rechecked())
    if out_path == "-":
        click.echo(report.model_dump_json(indent=2))
    else:
        write_report(report, Path(out_path))
    if not quiet:
        for line in fails:
            click.echo(line, err=True)
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
