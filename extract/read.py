"""Stage 1, read: turn input paths (files, folders, ``-`` for stdin) into :class:`Article` objects.

Input: paths as given on the command line. Output: articles in input order, each with the exact text that
every offset downstream indexes into. A bad input never stops the batch: it is yielded as an
:class:`~extract.errors.InputError` naming the input and the reason, and reading goes on.

Formats: ``.txt`` (the whole file is the text, id = file stem), ``.txt``/``.md`` starting with a ``---``
front-matter block (title, published, url, outlet, id), ``.jsonl`` (one ``{"id", "text", ...}`` object a
line). Folders are read recursively in name order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from extract.errors import InputError
from schemas import FeedRecord

ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# A dateline that scraped text often starts with: "date 2025-06-27", "Published: 2025-06-27T10:00Z".
_DATELINE = re.compile(r"\b(?:date|published|updated|posted)\b[:\s]+(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_DATELINE_WINDOW = 300
_BINARY_SAMPLE = 8192


@dataclass(frozen=True)
class Article:
    """One article: its exact text and what is known about it."""

    id: str
    text: str
    source: str
    published: dt.date | None = None
    published_source: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def iter_articles(
    inputs: Iterable[str],
    *,
    stdin: IO[str] | None = None,
    encoding_errors: str = "strict",
    exclude: Path | None = None,
) -> Iterator[Article | InputError]:
    """Yield every article of ``inputs`` in order, or an InputError in its place.

    Args:
        inputs: file paths, folder paths (read recursively), or ``-`` for JSON Lines on stdin.
        stdin: the stream ``-`` reads (defaults to ``sys.stdin``).
        encoding_errors: ``strict`` makes invalid UTF-8 an error; ``replace`` decodes it with U+FFFD and
            a warning (offsets then index the decoded text).
        exclude: a folder never read from a folder input: the run's own output folder, so that
            ``extract . --out out`` does not read its own feed back as articles.
    """
    for raw in inputs:
        if raw == "-":
            yield from _read_jsonl_lines(stdin or sys.stdin, "<stdin>")
            continue
        path = Path(raw)
        if path.is_dir():
            files = folder_files(path, exclude)
            if not files:
                yield InputError("folder holds no .txt, .md or .jsonl files", source=raw)
            for file in files:
                yield from read_file(file, encoding_errors=encoding_errors)
        elif path.exists():
            yield from read_file(path, encoding_errors=encoding_errors)
        else:
            yield InputError("no such file or folder", source=raw)


def folder_files(folder: Path, exclude: Path | None = None) -> list[Path]:
    """The article files under ``folder``, recursively, in name order, leaving out ``exclude``."""
    skip = exclude.resolve() if exclude is not None else None
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
        and (skip is None or not p.resolve().is_relative_to(skip))
    )


def read_file(path: Path, *, encoding_errors: str = "strict") -> Iterator[Article | InputError]:
    """Read one file: a .jsonl yields one article a line, anything else one article."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        yield InputError(f"cannot read: {err.strerror or err}", source=source, original=err)
        return
    if b"\x00" in data[:_BINARY_SAMPLE]:
        yield InputError("binary file (contains NUL bytes), not text", source=source)
        return
    try:
        content = data.decode("utf-8-sig", errors=encoding_errors)
    except UnicodeDecodeError as err:
        yield InputError(
            f"invalid UTF-8 at byte {err.start} (use --encoding-errors replace to read it anyway)",
            source=source,
            original=err,
        )
        return
    warnings = ("invalid UTF-8 replaced with U+FFFD",) if "\ufffd" in content and b"\xef\xbf\xbd" not in data else ()
    if path.suffix.lower() == ".jsonl":
        yield from _read_jsonl_lines(content.splitlines(keepends=True), source)
        return
    try:
        yield _article_from_document(content, default_id=path.stem, source=source, warnings=warnings)
    except InputError as err:
        yield err


def _article_from_document(content: str, *, default_id: str, source: str, warnings: tuple[str, ...]) -> Article:
    meta: dict[str, Any] = {}
    text = content
    match = _FRONT_MATTER.match(content)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as err:
            raise InputError(f"front matter is not valid YAML: {err}", source=source, original=err) from err
        if not isinstance(loaded, dict):
            raise InputError("front matter is not a mapping of fields", source=source)
        meta = loaded
        text = content[match.end() :]
    return _make_article({**meta, "text": text}, default_id=default_id, source=source, warnings=warnings)


def _read_jsonl_lines(lines: Iterable[str], source: str) -> Iterator[Article | InputError]:
    stem = Path(source).stem if not source.startswith("<") else "stdin"
    for number, line in enumerate(lines, start=1):
        where = f"{source}:{number}"
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputError(f"malformed JSON line: {err.msg} at column {err.colno}", source=where, original=err)
            continue
        if not isinstance(obj, dict):
            yield InputError(f"JSON line is a {type(obj).__name__}, not an object", source=where)
            continue
        try:
            yield _make_article(obj, default_id=f"{stem}-{number}", source=where, warnings=())
        except InputError as err:
            yield err


def _make_article(fields: dict[str, Any], *, default_id: str, source: str, warnings: tuple[str, ...]) -> Article:
    text = fields.get("text")
    article_id = str(fields.get("id") or default_id)
    if not isinstance(text, str):
        raise InputError('missing "text" (a string)', source=source, article_id=article_id)
    if not text.strip():
        raise InputError("empty article (no text)", source=source, article_id=article_id)
    notes = list(warnings)
    published, published_source = _published(fields.get("published"), notes)
    if published is None:
        published, published_source = _dateline(text)
    return Article(
        id=article_id,
        text=text,
        source=source,
        published=published,
        published_source=published_source,
        title=_optional_str(fields.get("title")),
        url=_optional_str(fields.get("url")),
        outlet=_optional_str(fields.get("outlet")),
        warnings=tuple(notes),
    )


def _published(value: object, notes: list[str]) -> tuple[dt.date | None, str | None]:
    """An ISO date (or datetime) given with the article; anything else is ignored with a warning."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), "input"
    if isinstance(value, dt.date):
        return value, "input"
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]), "input"
    except ValueError:
        notes.append(f"published {text!r} is not an ISO date (YYYY-MM-DD); ignored")
        return None, None


def _dateline(text: str) -> tuple[dt.date | None, str | None]:
    match = _DATELINE.search(text[:_DATELINE_WINDOW])
    if not match:
        return None, None
    try:
        return dt.date.fromisoformat(match.group(1)), "text"
    except ValueError:
        return None, None


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def load_feed(path: Path) -> tuple[list[FeedRecord], list[InputError]]:
    """The records of a ``facts.jsonl`` feed, validated against the schema; bad lines come back as errors."""
    records: list[FeedRecord] = []
    errors: list[InputError] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        return [], [InputError(f"cannot read feed: {err}", source=str(path), original=err)]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(FeedRecord.model_validate_json(line))
        except ValueError as err:
            first = str(err).splitlines()[0]
            errors.append(InputError(f"not a feed line: {first}", source=f"{path}:{number}", original=err))
    return records, errors
