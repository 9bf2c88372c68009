"""``schema``, ``check``, ``review`` and ``eval``: the commands over feeds that already exist."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from extract.article import recheck
from extract.cli.common import EXIT_FAILED_INPUTS, EXIT_USAGE, cli
from extract.crosscheck import cross_check, format_summary, iter_feed
from extract.errors import NewsfactsError
from extract.evaluate import Counts, EvalReport, GoldError, evaluate, format_report, load_gold
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
    read = 0
    fails: list[str] = []

    def rechecked() -> Iterator[FeedRecord]:  # streamed: one record at a time, never the whole feed
        nonlocal failed, read
        for feed in feeds:
            for item in iter_feed(feed):
                if not isinstance(item, FeedRecord):
                    click.echo(f"error: {item}", err=True)
                    failed = True
                    continue
                read += 1
                for record in recheck([item]):
                    fails.extend(f"fail {record.article.id} {c.rule} {c.target}: {c.detail}"
                                 for c in record.checks if c.status == "fail")
                    yield record

    report = cross_check(rechecked())
    if failed and not read:  # nothing could be read: the errors say so, an empty report would not
        sys.exit(EXIT_FAILED_INPUTS)
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
@click.option("--gold", "gold_dir", default="gold", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Gold folder: annotations/*.json (and the articles they point at).")
@click.option("--details", is_flag=True, default=False, help="List missed and spurious items per article.")
@click.option("--json", "as_json", is_flag=True, default=False,
              help="Print the scores as one JSON object (totals, grounded, per article) instead of tables.")
def eval_(feed: Path, gold_dir: Path, details: bool, as_json: bool) -> None:
    """Score a feed against hand-written gold annotations: precision, recall and F1 per item type.

    \b
    Example:
      python -m extract gold/articles seeds --out out && python -m extract eval out/facts.jsonl --gold gold
      python -m extract eval out/facts.jsonl --json | jq .totals.statements.f1
    """
    try:
        gold = load_gold(gold_dir)
    except (GoldError, OSError, ValueError) as err:
        click.echo(f"error: {gold_dir}: cannot read the gold annotations: {err}", err=True)
        sys.exit(EXIT_USAGE)
    if not gold:
        click.echo(f"error: {gold_dir}: no gold annotations (expected {gold_dir / 'annotations'}/*.json)", err=True)
        sys.exit(EXIT_USAGE)
    report = evaluate(gold, _feed_lines(feed))
    if as_json:
        click.echo(json.dumps(eval_json(report, details=details), indent=2, ensure_ascii=False))
    else:
        click.echo(format_report(report, details=details))


def _feed_lines(feed: Path) -> list[dict[str, Any]]:
    """The feed's lines as dicts (lines end at ``\\n`` only); a line that is not a JSON object exits 1
    with one error naming ``file:line``."""
    try:
        data = feed.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        click.echo(f"error: {feed}: cannot read feed: {err}", err=True)
        sys.exit(EXIT_FAILED_INPUTS)
    lines: list[dict[str, Any]] = []
    for number, raw in enumerate(data.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as err:
            click.echo(f"error: {feed}:{number}: not a feed line: not JSON ({err.msg})", err=True)
            sys.exit(EXIT_FAILED_INPUTS)
        if not isinstance(obj, dict):
            click.echo(f"error: {feed}:{number}: not a feed line: not a JSON object", err=True)
            sys.exit(EXIT_FAILED_INPUTS)
        lines.append(obj)
    return lines


def eval_json(report: EvalReport, *, details: bool = False) -> dict[str, Any]:
    """The scores as plain JSON: per type tp/fp/fn/precision/recall/f1, grounded, and per article."""

    def counts(c: Counts) -> dict[str, Any]:
        return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": c.precision, "recall": c.recall, "f1": c.f1}

    articles: dict[str, Any] = {}
    for article_id, result in report.articles.items():
        entry: dict[str, Any] = {"in_feed": result.in_feed, "grounded": result.grounded,
                                 "predicted": result.predicted,
                                 "counts": {t: counts(c) for t, c in result.counts.items()}}
        if details:
            entry["missed"] = result.missed
            entry["spurious"] = result.spurious
        articles[article_id] = entry
    return {
        "totals": {t: counts(c) for t, c in report.totals.items()},
        "grounded": {"grounded": report.grounded, "predicted": report.predicted, "rate": report.grounded_rate},
        "missing": report.missing,
        "unscored": report.unscored,
        "articles": articles,
    }
