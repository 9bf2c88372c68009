"""Stage 5, write: append feed records and errors to JSON Lines files, a whole line at a time.

Input: validated :class:`~schemas.FeedRecord` objects and :class:`~extract.errors.NewsfactsError` values.
Output: ``DIR/facts.jsonl`` (one line per article, input order) and ``DIR/errors.jsonl`` (one line per
failed input). Each line is written with a single ``write`` of the encoded line, then flushed and fsynced,
so a run killed at any moment leaves only whole lines behind. ``-`` as the directory streams the feed to
stdout instead (errors then go to stderr only).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO

from extract.errors import NewsfactsError, OutputError
from schemas import FeedRecord, Report

FEED_NAME = "facts.jsonl"
REPORT_NAME = "report.json"
ERRORS_NAME = "errors.jsonl"


class FeedWriter:
    """``with FeedWriter(out_dir) as feed: feed.write(record)``; a fresh run replaces earlier files."""

    def __init__(self, out_dir: str) -> None:
        self.to_stdout = out_dir == "-"
        self.out_dir = None if self.to_stdout else Path(out_dir)
        self._feed: IO[bytes] | None = None
        self._errors: IO[bytes] | None = None
        self.records = 0
        self.errors = 0

    @property
    def feed_path(self) -> Path | None:
        return None if self.out_dir is None else self.out_dir / FEED_NAME

    def __enter__(self) -> FeedWriter:
        if self.out_dir is None:
            self._feed = sys.stdout.buffer
            return self
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._feed = open(self.out_dir / FEED_NAME, "wb")
            self._errors = open(self.out_dir / ERRORS_NAME, "wb")
        except OSError as err:
            raise OutputError(f"cannot write to {self.out_dir}: {err.strerror or err}", original=err) from err
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for handle in (self._errors, None if self.to_stdout else self._feed):
            if handle is not None:
                handle.close()

    def write(self, record: FeedRecord) -> None:
        assert self._feed is not None, "use FeedWriter as a context manager"
        _append_line(self._feed, record.model_dump_json(), durable=not self.to_stdout)
        self.records += 1

    def write_error(self, error: NewsfactsError) -> None:
        self.errors += 1
        if self._errors is not None:
            _append_line(self._errors, json.dumps(error.as_record(), ensure_ascii=False), durable=True)


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
    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(report.model_dump_json(indent=2).encode("utf-8") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}", original=err) from err
