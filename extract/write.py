"""Stage 5, write: append feed records and errors to JSON Lines files, a whole line at a time.

Input: validated :class:`~schemas.FeedRecord` objects and :class:`~extract.errors.NewsfactsError` values.
Output: ``DIR/facts.jsonl`` (one line per article, input order) and ``DIR/errors.jsonl`` (one line per
failed input, ``{id, input, stage, error}``). Each line is written whole (one ``write`` of the encoded line,
repeated only if the system writes less), then fsynced, so a run killed at any moment leaves only whole
lines behind; a write that fails (a full disk) is undone by cutting the file back to where the line began,
and the run stops with an :class:`~extract.errors.OutputError`. U+2028, U+2029 and U+0085 are written as
JSON escapes, so a reader that splits lines where ``str.splitlines`` does still sees one record a line.

One run at a time: :class:`FolderLock` holds an exclusive ``flock`` on the folder itself (no lock file is
left behind) for as long as the writer is open; a second run into the same folder is refused at once with
an OutputError naming the folder. Files in the folder are opened without following symbolic links
(``O_NOFOLLOW``, relative to the locked folder), must be regular files, and every file replaced whole
(``report.json``, ``facts.json``, a rewritten feed) is written to a new temporary file created exclusively
(``O_EXCL``) beside it, then renamed over it, so a link planted in a shared folder is never written through.

Resume: a feed already in ``DIR`` is kept and appended to. Its lines are read first: a torn tail (a last
line without its newline, or lines at the end that are not JSON, as a crash can leave) is cut off with a
warning, and the id, sha256, source and extraction configuration of every line are remembered.
:meth:`FeedWriter.place` decides, for each input, the id it is written under (unique against every id in
the feed and in this run) and whether it is done already. When an article is written again under an id the
feed already has, the old line is dropped when the writer closes, by rewriting the feed to a temporary file
and renaming it over the old one; a crash before that leaves both lines, and the next run keeps the later
one. ``fresh=True`` starts the feed over. ``errors.jsonl`` always starts over: a resumed run retries every
input that is not in the feed, so it lists exactly the inputs that still fail.

``fmt="json"`` also writes ``DIR/facts.json``, one JSON array of the feed's records, atomically when the
writer closes; the line-by-line ``facts.jsonl`` stays the durable copy. ``-`` as the directory streams
the feed to stdout instead (errors then go to stderr only), as JSON Lines, or as one array at the end.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

from extract.errors import InternalError, NewsfactsError, OutputError, display
from schemas import FeedRecord, Report

FEED_NAME = "facts.jsonl"
ARRAY_NAME = "facts.json"
REPORT_NAME = "report.json"
ERRORS_NAME = "errors.jsonl"

Format = Literal["jsonl", "json"]
ResumeOn = Literal["config", "content"]
"""What makes a line in the feed count as done: ``config``, the same text (sha256) extracted by the same
configuration without model failures; ``content``, the same text however it was extracted."""

# JSON allows these raw inside strings, but str.splitlines() and older JavaScript break lines at them.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
_TEMPORARY = re.compile(rf"^(?:{'|'.join(re.escape(n) for n in (FEED_NAME, ARRAY_NAME, REPORT_NAME))})"
                        r"\.[0-9a-f]{12}\.tmp$")
_MODE = 0o666  # less the umask, as open() does


@dataclass(frozen=True)
class ExtractorKey:
    """The extraction configuration a feed line was made with: a line made otherwise is not resumed."""

    backend: str | None
    model: str | None
    extraction: str | None
    prompt_hash: str | None
    schema_version: str | None

    def describe(self) -> str:
        return f"{self.backend}, model {self.model}, extraction {self.extraction}, prompts {self.prompt_hash}"


@dataclass(frozen=True)
class Held:
    """What the feed holds under one id."""

    sha256: str
    source: str | None
    extractor: ExtractorKey | None
    model_failed: bool


@dataclass(frozen=True)
class Placement:
    """Where one input goes: the id it is written under, whether the feed has it done already, and the
    warnings to show about it (a renamed id, a changed text, another configuration)."""

    id: str
    skip: bool
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------- the lock
_held_lock = threading.Lock()
_held: dict[tuple[int, int], list[Any]] = {}  # (st_dev, st_ino) -> [fd, holding thread, depth]


class FolderLock:
    """An exclusive lock on an output folder for the life of one run: ``flock`` on the folder itself.

    The folder is created if need be. Held again by the thread that holds it (the CLI holds it around the
    whole command and the writer inside), refused to any other run or thread: :meth:`acquire` raises an
    OutputError at once rather than waiting, so a second run never looks hung. The lock ends with the
    process, however it ends (kill -9 included), so nothing stale is ever left to clean up.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fd = -1
        self.locked = True  # False where the file system cannot lock (then nothing stops a second run)
        self._key: tuple[int, int] | None = None

    def acquire(self) -> FolderLock:
        """Take the lock; the folder's descriptor is then :attr:`fd` (files are opened relative to it).

        Raises:
            OutputError: another run holds the folder, or it cannot be created or opened.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as err:
            raise OutputError(f"cannot write to {display(self.folder)}: {err.strerror or err}", original=err) from err
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino)
        with _held_lock:
            held = _held.get(key)
            if held is not None:
                os.close(fd)
                if held[1] is not threading.current_thread():
                    raise self._busy()
                held[2] += 1
                self.fd, self._key = held[0], key
                return self
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise self._busy() from None
            except OSError as err:  # a file system without locks (some network and FUSE mounts)
                if err.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                    os.close(fd)
                    raise OutputError(f"cannot lock {display(self.folder)}: {err.strerror}", original=err) from err
                self.locked = False
            _held[key] = [fd, threading.current_thread(), 1]
            self.fd, self._key = fd, key
        return self

    def release(self) -> None:
        if self._key is None:
            return
        with _held_lock:
            held = _held[self._key]
            held[2] -= 1
            if held[2] == 0:
                del _held[self._key]
                os.close(held[0])  # closing the descriptor ends the flock
        self._key, self.fd = None, -1

    def _busy(self) -> OutputError:
        return OutputError("another run is writing into this folder; wait for it to finish, or choose another "
                           "--out", source=str(self.folder))

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


# ------------------------------------------------------------------------------------------- the writer
class FeedWriter:
    """``with FeedWriter(out_dir) as feed: feed.write(record)``; resumes a feed already in ``out_dir``.

    Args:
        out_dir: the output folder, or ``-`` for stdout.
        fresh: start the feed over instead of resuming it.
        fmt: ``jsonl``, or ``json`` for one array as well (``DIR/facts.json``, or stdout).
        warn: receives one line per problem found in an existing feed.
        resume_on: what makes an article in the feed done (:data:`ResumeOn`).

    Raises (on entering):
        OutputError: the folder is locked by another run, cannot be written, or one of its files is a
            symbolic link or not a regular file.
    """

    def __init__(
        self, out_dir: str, *, fresh: bool = False, fmt: Format = "jsonl", warn: Callable[[str], None] | None = None,
        resume_on: ResumeOn = "config",
    ) -> None:
        self.to_stdout = out_dir == "-"
        self.out_dir = None if self.to_stdout else Path(out_dir)
        self.fresh = fresh
        self.fmt = fmt
        self.resume_on = resume_on
        self._warn = warn
        self._lock: FolderLock | None = None
        self._feed_fd = -1  # facts.jsonl, opened for appending (and reading, to resume)
        self._errors_fd = -1
        self._stream: IO[bytes] | None = None  # stdout, or a temporary file for one array on stdout
        self._written: dict[str, Held] = {}  # id -> what the feed holds under it
        self._replaced: set[str] = set()  # ids with an older line to drop when closing
        self._claimed: set[str] = set()  # ids placed in this run
        self._floor: dict[str, int] = {}  # id -> suffixes below this are all claimed in this run
        self._said: set[str] = set()  # once-per-run notes already given
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
            self._stream = tempfile.TemporaryFile() if self.fmt == "json" else sys.stdout.buffer
            return self
        self._lock = FolderLock(self.out_dir).acquire()
        try:
            if not self._lock.locked:
                self._say(f"{display(self.out_dir)}: this file system cannot lock the folder; make sure no "
                          "other run writes into it at the same time")
            _remove_stale_temporaries(self._lock.fd)
            flags = os.O_RDWR | os.O_APPEND | (os.O_TRUNC if self.fresh else 0)
            self._feed_fd = _open_output(self._lock.fd, self.out_dir, FEED_NAME, flags)
            if not self.fresh:
                self._resume()
            self._errors_fd = _open_output(self._lock.fd, self.out_dir, ERRORS_NAME,
                                           os.O_WRONLY | os.O_APPEND | os.O_TRUNC)
        except BaseException as err:
            self._close()
            if isinstance(err, OSError):
                raise OutputError(f"cannot write to {display(self.out_dir)}: {err.strerror or err}",
                                  original=err) from err
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None or issubclass(exc_type, KeyboardInterrupt):
                self._finish()
        finally:
            self._close()

    def written_sha256(self, article_id: str) -> str | None:
        """The sha256 of the article the feed holds under ``article_id``, if any."""
        held = self._written.get(article_id)
        return held.sha256 if held is not None else None

    def place(self, article_id: str, *, sha256: str, source: str | None, extractor: ExtractorKey) -> Placement:
        """The id an input is written under, and whether the feed has it done already.

        The input keeps ``article_id`` unless this run placed that id already or the feed holds it for
        another article (another text from another source); then it takes the first of ``id~2``,
        ``id~3``... that is free or holds this same article (so a rerun finds the line an earlier run
        wrote). The feed's line is done when its sha256 is this text's and, with ``resume_on="config"``,
        it was made by ``extractor`` with no model failure.
        """
        notes: list[str] = []
        duplicate = article_id in self._claimed
        n = self._floor.get(article_id, 1)
        while True:
            candidate = article_id if n == 1 else f"{article_id}~{n}"
            held = self._written.get(candidate)
            if candidate not in self._claimed and (held is None or held.sha256 == sha256 or held.source == source):
                break
            n += 1
        self._claimed.add(candidate)
        floor = self._floor.get(article_id, 1)
        while (article_id if floor == 1 else f"{article_id}~{floor}") in self._claimed:
            floor += 1
        self._floor[article_id] = floor
        where = f"{display(source)}: " if source else ""
        if candidate != article_id:
            first = self._written.get(article_id)
            why = (f"duplicate id {article_id!r}" if duplicate or first is None else
                   f"id {article_id!r} is in the feed from another input ({display(first.source)})")
            notes.append(f"{where}{why}, written as {candidate!r}")
        held = self._written.get(candidate)
        if held is None:
            return Placement(candidate, False, tuple(notes))
        if held.sha256 != sha256:
            notes.append(f"{where}{candidate!r} changed since it was written (new sha256); extracting it again, "
                         "its new line replaces the old one")
            return Placement(candidate, False, tuple(notes))
        if self.resume_on == "content":
            return Placement(candidate, True, tuple(notes))
        if held.extractor != extractor:
            before = held.extractor.describe() if held.extractor else "unknown"
            notes.extend(self._once("config", f"articles in the feed were extracted by another configuration "
                                    f"({before}; now {extractor.describe()}): extracting them again, their new "
                                    "lines replace the old ones (--resume-on content keeps them)"))
            return Placement(candidate, False, tuple(notes))
        if held.model_failed:
            notes.extend(self._once("failed", "articles whose model requests failed when they were written are "
                                    "extracted again (--resume-on content keeps them)"))
            return Placement(candidate, False, tuple(notes))
        return Placement(candidate, True, tuple(notes))

    def write(self, record: FeedRecord) -> None:
        """Append one record as one line.

        Raises:
            InternalError: the record cannot be serialised (this article fails, the batch goes on).
            OutputError: the line could not be written; the feed is as it was before, and the run must stop.
        """
        try:
            line = _line(record.model_dump_json())
        except ValueError as err:
            raise InternalError(f"record cannot be written as JSON: {err}", article_id=record.article.id,
                                original=err) from err
        if self._stream is not None:
            _stream_line(self._stream, line, durable=False)
        else:
            assert self._feed_fd >= 0, "use FeedWriter as a context manager"
            _append(self._feed_fd, line, where=self.feed_path)
        article, extractor = record.article, record.extractor
        if article.id in self._written:
            self._replaced.add(article.id)
        key = ExtractorKey(extractor.backend, extractor.model, extractor.extraction, extractor.prompt_hash,
                           extractor.schema_version)
        self._written[article.id] = Held(article.sha256, article.source, key, bool(extractor.model_failures))
        self.records += 1

    def write_error(self, error: NewsfactsError) -> None:
        """Append one error to ``errors.jsonl`` (nothing when the feed goes to stdout).

        Raises:
            OutputError: the line could not be written.
        """
        self.errors += 1
        if self._errors_fd >= 0:
            _append(self._errors_fd, _line(json.dumps(error.as_record(), ensure_ascii=False)),
                    where=None if self.out_dir is None else self.out_dir / ERRORS_NAME)

    def _resume(self) -> None:
        """Remember what the feed holds, cutting off a torn tail."""
        good_end = 0  # the byte offset just past the last line that parses
        bad: list[int] = []  # numbers of lines that do not parse
        last_line: dict[str, int] = {}
        number = 0
        feed = display(self.feed_path)
        with _reader(self._feed_fd) as handle:
            offset = 0
            for number, line in enumerate(handle, start=1):
                offset += len(line)
                identity = _identity(line) if line.endswith(b"\n") else None
                if identity is None:
                    bad.append(number)
                    continue
                article_id, held = identity
                if article_id in self._written:
                    self._replaced.add(article_id)
                self._written[article_id] = held
                last_line[article_id] = number
                good_end = offset
        torn = [n for n in bad if n > (max(last_line.values()) if last_line else 0)]
        for n in bad:
            if n not in torn:
                self._say(f"{feed}:{n}: not a feed line; kept as it is")
        if torn:
            lines = f"line {number}" if len(torn) == 1 else f"lines {torn[0]}-{number}"
            self._say(f"{feed}: cut off an unfinished end ({lines}) left by an interrupted run")
            os.ftruncate(self._feed_fd, good_end)
            os.fsync(self._feed_fd)
        self.resumed = len(self._written)

    def _finish(self) -> None:
        """Drop replaced lines, then write the JSON array if asked for."""
        try:
            if self._lock is not None and self._replaced:
                feed_fd = self._feed_fd
                _replace(self._lock.fd, FEED_NAME, _keep_last(lambda: _reader(feed_fd), self._replaced))
                self._replaced.clear()
            if self.fmt != "json":
                return
            if self._lock is not None:
                feed = _open_output(self._lock.fd, self.out_dir or Path("."), FEED_NAME, os.O_RDONLY, create=False)
                try:
                    with _reader(feed) as source:
                        _replace(self._lock.fd, ARRAY_NAME, _array(source))
                finally:
                    os.close(feed)
            elif self._stream is not None:
                self._stream.seek(0)
                for chunk in _array(self._stream):
                    sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
        except OSError as err:
            raise OutputError(f"cannot finish the feed: {err.strerror or err}", original=err) from err

    def _close(self) -> None:
        """Close everything, whatever state it is in: closing must never raise over the real error."""
        for fd in (self._feed_fd, self._errors_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._feed_fd = self._errors_fd = -1
        if self._stream is not None and self._stream is not sys.stdout.buffer:
            with contextlib.suppress(OSError):
                self._stream.close()
        self._stream = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _once(self, topic: str, note: str) -> list[str]:
        if topic in self._said:
            return []
        self._said.add(topic)
        return [note]

    def _say(self, message: str) -> None:
        if self._warn is not None:
            self._warn(f"warning: {message}")


# ------------------------------------------------------------------------------------- lines and files
def _line(json_text: str) -> bytes:
    """One JSON document as one line of UTF-8: line separators escaped, and an unpaired surrogate (an error
    about a bad input can quote one) written as its escape rather than failing."""
    return json_text.translate(_LINE_BREAKS).encode("utf-8", errors="backslashreplace") + b"\n"


def _identity(line: bytes) -> tuple[str, Held] | None:
    """The article id of a feed line and what it holds, or None if it is not a feed line."""
    try:
        record = json.loads(line)
        held = _held_of(record)
        article_id = record["article"]["id"]
    except (ValueError, RecursionError, TypeError, KeyError):
        return None
    return (article_id, held) if isinstance(article_id, str) else None


def _held_of(record: dict[str, Any]) -> Held:
    """What a feed record (as JSON) holds.

    Raises:
        KeyError, TypeError: it is not a feed record.
    """
    article, extractor = record["article"], record.get("extractor")
    sha256 = article["sha256"]
    if not isinstance(sha256, str):
        raise TypeError("sha256 is not a string")
    key = None
    if isinstance(extractor, dict):
        key = ExtractorKey(extractor.get("backend"), extractor.get("model"), extractor.get("extraction", "rules"),
                           extractor.get("prompt_hash"), extractor.get("schema_version"))
    source = article.get("source")
    return Held(sha256, source if isinstance(source, str) else None, key,
                bool(isinstance(extractor, dict) and extractor.get("model_failures")))


def _open_output(dir_fd: int, folder: Path, name: str, flags: int, *, create: bool = True) -> int:
    """Open ``name`` in the locked folder without following a symbolic link; it must be a regular file.

    Raises:
        OutputError: ``name`` is a symbolic link, or not a regular file.
        OSError: it cannot be opened.
    """
    opening = flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        fd = os.open(name, opening, _MODE, dir_fd=dir_fd)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise OutputError(f"{display(folder / name)} is a symbolic link; not writing through it (remove it)",
                              original=err) from err
        if err.errno == errno.ENXIO:  # a FIFO with no reader
            raise OutputError(f"{display(folder / name)} is not a regular file (remove it)", original=err) from err
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(f"{display(folder / name)} is not a regular file (remove it)")
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return fd


def _reader(fd: int) -> IO[bytes]:
    """A binary reader over ``fd`` from its start (its own descriptor, so closing it leaves ``fd`` open)."""
    handle = os.fdopen(os.dup(fd), "rb")
    handle.seek(0)
    return handle


def _append(fd: int, line: bytes, *, where: Path | None) -> None:
    """Write ``line`` at the end of ``fd`` and fsync it; on failure cut the file back to where it was.

    Raises:
        OutputError: naming the file and the reason (``No space left on device``).
    """
    size = os.fstat(fd).st_size
    try:
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)  # no torn line: the file ends where the last whole line ended
        name = display(where) if where is not None else "the feed"
        raise OutputError(f"cannot append to {name}: {err.strerror or err}; it holds every line written before",
                          original=err) from err


def _stream_line(stream: IO[bytes], line: bytes, *, durable: bool) -> None:
    try:
        stream.write(line)
        stream.flush()
        if durable:
            os.fsync(stream.fileno())
    except OSError as err:
        raise OutputError(f"cannot write the feed: {err.strerror or err}", original=err) from err


def _keep_last(read: Callable[[], IO[bytes]], ids: set[str]) -> Iterator[bytes]:
    """The feed's lines (``read()`` opens it from the start; it is read twice), keeping only the last line of
    each article in ``ids``."""
    last: dict[str, int] = {}
    with read() as handle:
        for number, line in enumerate(handle):
            identity = _identity(line)
            if identity is not None and identity[0] in ids:
                last[identity[0]] = number
    with read() as handle:
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
        except (ValueError, RecursionError):
            continue
        yield (b"\n" if first else b",\n") + line.rstrip(b"\r\n")
        first = False
    yield b"]\n" if first else b"\n]\n"


def _replace(dir_fd: int, name: str, chunks: Iterable[bytes]) -> None:
    """Replace ``name`` in the folder atomically: a new temporary file created exclusively beside it
    (never an existing file or link), fsynced, renamed over ``name``, then the folder fsynced. On any
    failure the temporary file is removed and ``name`` is as it was."""
    temporary = f"{name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, _MODE,
                 dir_fd=dir_fd)
    try:
        try:
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=dir_fd)
        raise
    with contextlib.suppress(OSError):  # make the rename durable, where the platform allows
        os.fsync(dir_fd)


def _remove_stale_temporaries(dir_fd: int) -> None:
    """Remove the temporary files a killed run left (only this module's names; the folder is locked)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(dir_fd):
            if _TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.name, dir_fd=dir_fd)


def write_report(report: Report, path: Path) -> None:
    """Write the cross-article report atomically (see :func:`write_file`).

    Raises:
        OutputError: the folder cannot be opened or the file cannot be written.
    """
    write_file(path, report.model_dump_json(indent=2).encode("utf-8") + b"\n")


def write_file(path: Path, data: bytes) -> None:
    """Write a whole file atomically: a new temporary file created exclusively beside ``path``, fsynced,
    renamed over it; a symbolic link at ``path`` is replaced, never written through.

    Raises:
        OutputError: the folder cannot be opened or the file cannot be written.
    """
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            _replace(dir_fd, path.name, [data])
        finally:
            os.close(dir_fd)
    except OSError as err:
        raise OutputError(f"cannot write {display(path)}: {err.strerror or err}", original=err) from err
