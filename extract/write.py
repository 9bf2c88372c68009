"""Stage 5, write: append feed records and errors to JSON Lines files, a whole line at a time.

Input: validated :class:`~schemas.FeedRecord` objects and :class:`~extract.errors.NewsfactsError` values.
Output: ``DIR/facts.jsonl`` (one line per article, input order) and ``DIR/errors.jsonl`` (one line per
failed input, ``{id, input, stage, error}``). Each line is written with a single ``write`` of the encoded
line, then flushed and fsynced, so a run killed at any moment leaves only whole lines behind.

Resume: a feed already in ``DIR`` is kept and appended to. Its lines are read first: a torn tail (a last
line without its newline, or lines at the end that are not JSON, as a crash can leave) is cut off with a
warning, and the id and sha256 of every line are remembered so that the pipeline can skip what is done.
When an article is written again under an id the feed already has (its text changed), the old line is
dropped when the writer closes, by rewriting the feed to a temporary file and renaming it over the old
one; a crash before that leaves both lines, and the next run keeps the later one. ``fresh=True`` starts
the feed over. ``errors.jsonl`` always starts over: a resumed run retries every input that is not in the
feed, so it lists exactly the inputs that still fail.

``fmt="json"`` also writes ``DIR/facts.json``, one JSON array of the feed's records, atomically when the
writer closes; the line-by-line ``facts.jsonl`` stays the durable copy. ``-`` as the directory streams
the feed to stdout instead (errors then go to stderr only), as JSON Lines, or as one array at the end.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from extract.errors import NewsfactsError, OutputError
from schemas import FeedRecord, Report

FEED_NAME = "facts.jsonl"
ARRAY_NAME = "facts.json"
REPORT_NAME = "report.json"
ERRORS_NAME = "errors.jsonl"

Format = Literal["jsonl", "json"]


class FeedWriter:
    """``with FeedWriter(out_dir) as feed: feed.write(record)``; resumes a feed already in ``out_dir``.

    Args:
        out_dir: the output folder, or ``-`` for stdout.
        fresh: start the feed over instead of resuming it.
        fmt: ``jsonl``, or ``json`` for one array as well (``DIR/facts.json``, or stdout).
        warn: receives one line per problem found in an existing feed.
    """

    def __init__(
        self, out_dir: str, *, fresh: bool = False, fmt: Format = "jsonl", warn: Callable[[str], None] | None = None
    ) -> None:
        self.to_stdout = out_dir == "-"
        self.out_dir = None if self.to_stdout else Path(out_dir)
        self.fresh = fresh
        self.fmt = fmt
        self._warn = warn
        self._feed: IO[bytes] | None = None
        self._errors: IO[bytes] | None = None
        self._written: dict[str, str] = {}  # id -> sha256 of every line in the feed
        self._replaced: set[str] = set()  # ids with an older line to drop when closing
        self.resumed = 0  # lines found in the feed when it was opened
        self.records = 0
        self.errors = 0

    @property
    def feed_path(self) -> Path | None:
        return None if self.out_dir is None else self.out_dir / FEED_NAME

    @property
    def output_path(self) -> Path | None:
        """Where the feed ends up in the chosen format (None for stdout)."""
        if self.out_dir is None:
            return None
        return self.out_dir / (ARRAY_NAME if self.fmt == "json" else FEED_NAME)

    def __enter__(self) -> FeedWriter:
        if self.out_dir is None:
            self._feed = tempfile.TemporaryFile() if self.fmt == "json" else sys.stdout.buffer
            return self
        feed = self.out_dir / FEED_NAME
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            if not self.fresh and feed.is_file():
                self._resume(feed)
            self._feed = open(feed, "wb" if self.fresh else "ab")
            self._errors = open(self.out_dir / ERRORS_NAME, "wb")
        except OSError as err:
            raise OutputError(f"cannot write to {self.out_dir}: {err.strerror or err}", original=err) from err
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None or issubclass(exc_type, KeyboardInterrupt):
                self._finish()
        finally:
            for handle in (self._errors, None if self.to_stdout and self.fmt == "jsonl" else self._feed):
                if handle is not None:
                    handle.close()

    def written_sha256(self, article_id: str) -> str | None:
        """The sha256 of the article the feed holds under ``article_id``, if any."""
        return self._written.get(article_id)

    def write(self, record: FeedRecord) -> None:
        assert self._feed is not None, "use FeedWriter as a context manager"
        _append_line(self._feed, record.model_dump_json(), durable=self.out_dir is not None)
        article = record.article
        if article.id in self._written:
            self._replaced.add(article.id)
        self._written[article.id] = article.sha256
        self.records += 1

    def write_error(self, error: NewsfactsError) -> None:
        self.errors += 1
        if self._errors is not None:
            _append_line(self._errors, json.dumps(error.as_record(), ensure_ascii=False), durable=True)

    def _resume(self, feed: Path) -> None:
        """Remember what the feed holds, cutting off a torn tail."""
        good_end = 0  # the byte offset just past the last line that parses
        bad: list[int] = []  # numbers of lines that do not parse
        last_line: dict[str, int] = {}
        number = 0
        with open(feed, "rb") as handle:
            offset = 0
            for number, line in enumerate(handle, start=1):
                offset += len(line)
                identity = _identity(line) if line.endswith(b"\n") else None
                if identity is None:
                    bad.append(number)
                    continue
                article_id, sha256 = identity
                if article_id in self._written:
                    self._replaced.add(article_id)
                self._written[article_id] = sha256
                last_line[article_id] = number
                good_end = offset
        torn = [n for n in bad if n > (max(last_line.values()) if last_line else 0)]
        for n in bad:
            if n not in torn:
                self._say(f"{feed}:{n}: not a feed line; kept as it is")
        if torn:
            lines = f"line {number}" if len(torn) == 1 else f"lines {torn[0]}-{number}"
            self._say(f"{feed}: cut off an unfinished end ({lines}) left by an interrupted run")
            with open(feed, "r+b") as handle:
                handle.truncate(good_end)
                handle.flush()
                os.fsync(handle.fileno())
        self.resumed = len(self._written)

    def _finish(self) -> None:
        """Drop replaced lines, then write the JSON array if asked for."""
        if self._feed is not None and not self.to_stdout:
            self._feed.flush()
        feed = self.feed_path
        try:
            if feed is not None and self._replaced:
                _rewrite(feed, _keep_last(feed, self._replaced))
                self._replaced.clear()
            if self.fmt != "json":
                return
            if feed is not None:
                with open(feed, "rb") as source:
                    _rewrite(feed.with_name(ARRAY_NAME), _array(source))
            elif self._feed is not None:
                self._feed.seek(0)
                for chunk in _array(self._feed):
                    sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
        except OSError as err:
            raise OutputError(f"cannot finish the feed: {err.strerror or err}", original=err) from err

    def _say(self, message: str) -> None:
        if self._warn is not None:
            self._warn(f"warning: {message}")


def _identity(line: bytes) -> tuple[str, str] | None:
    """The article id and sha256 of a feed line, or None if it is not one."""
    try:
        article = json.loads(line)["article"]
        article_id, sha256 = article["id"], article["sha256"]
    except (ValueError, TypeError, KeyError):
        return None
    return (article_id, sha256) if isinstance(article_id, str) and isinstance(sha256, str) else None


def _keep_last(feed: Path, ids: set[str]) -> Iterator[bytes]:
    """The feed's lines, keeping only the last line of each article in ``ids``."""
    last: dict[str, int] = {}
    with open(feed, "rb") as handle:
        for number, line in enumerate(handle):
            identity = _identity(line)
            if identity is not None and identity[0] in ids:
                last[identity[0]] = number
    with open(feed, "rb") as handle:
        for number, line in enumerate(handle):
            identity = _identity(line)
            if identity is None or identity[0] not in ids or last[identity[0]] == number:
                yield line


def _array(lines: IO[bytes]) -> Iterator[bytes]:
    """Feed lines as one JSON array, a record a line; lines that are not JSON are left out."""
    yield b"["
    first = True
    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            continue
        yield (b"\n" if first else b",\n") + line.rstrip(b"\r\n")
        first = False
    yield b"]\n" if first else b"\n]\n"


def _rewrite(path: Path, chunks: Iterator[bytes]) -> None:
    """Replace ``path`` atomically: write a temporary file beside it, fsync, rename over, fsync the folder."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (where the platform allows opening a folder)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _append_line(handle: IO[bytes], line: str, *, durable: bool) -> None:
    try:
        handle.write(line.encode("utf-8") + b"\n")
        handle.flush()
        if durable:
            os.fsync(handle.fileno())
    except OSError as err:
        raise OutputError(f"cannot append to the feed: {err.strerror or err}", original=err) from err


def write_report(report: Report, path: Path) -> None:
    """Write the cross-article report atomically: a temporary file, fsynced, then renamed over ``path``."""
    try:
        _rewrite(path, iter([report.model_dump_json(indent=2).encode("utf-8") + b"\n"]))
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}", original=err) from err
