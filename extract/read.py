"""Stage 1, read: turn input paths (files, folders, ``-`` for stdin) into :class:`Article` objects.

Input: paths as given on the command line. Output: articles in input order, each with the exact text that
every offset downstream indexes into. A bad input never stops the batch: it is yielded as an
:class:`~extract.errors.InputError` naming the input and the reason, and reading goes on.

Formats: ``.txt`` (the whole file is the text, id = file stem), ``.txt``/``.md`` starting with a ``---``
front-matter block (title, published, url, outlet, id), ``.jsonl`` (one ``{"id", "text", ...}`` object a
line), ``.html``/``.htm`` (reduced to the page's main text and metadata by ``trafilatura``; that text is
not the file's content, so the feed record carries it). Folders are read recursively in name order.

Refused with a reason: empty text (whitespace, byte-order marks and zero-width characters only), binary
files, invalid UTF-8 (unless ``encoding_errors="replace"``), JSONL lines that are not objects, have no
``text``, nest too deeply, hold a number too long to read or an unpaired surrogate escape (``"\\ud800"``,
not Unicode), and text that does not read as English (the anchor finders read numbers and dates by English
conventions: "3.200" is 3.2). Only regular files are read (a FIFO would block, ``/dev/zero`` never ends),
up to ``max_input_bytes`` each (a ``-`` stream: each line); a symbolic link that loops or points nowhere is
named as such. Read with a warning: a non-ISO ``published`` (ignored), and a ``.txt``/``.md`` file that is
an HTML page (read as HTML).

Lines (JSONL inputs, feeds) end at ``\\n`` only: U+2028, U+0085 and the other characters that
``str.splitlines`` also breaks at are valid inside a JSON string.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import IO, Any

import yaml

from extract.errors import InputError, display
from schemas import FeedRecord

#: The largest input file read (and the longest line of a ``-`` stream), unless configured otherwise.
DEFAULT_MAX_INPUT_BYTES = 50_000_000
ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl", ".html", ".htm")
_HTML_SUFFIXES = (".html", ".htm")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# A dateline that scraped text often starts with: "date 2025-06-27", "Published: 2025-06-27T10:00Z".
_DATELINE = re.compile(r"\b(?:date|published|updated|posted)\b[:\s]+(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_DATELINE_WINDOW = 300
_BINARY_SAMPLE = 8192
# An HTML page: a doctype or <html> first, or a text where tags take a tenth of the characters.
_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html\b)", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_HTML_SAMPLE = 20_000
_MIN_TAGS = 5
_TAG_SHARE = 0.1
# English, told by function words: its commonest ones (none a common word of German, Dutch, French,
# Spanish, Italian or Portuguese), and theirs written in lower case (none an English word).
_ENGLISH_WORDS = frozenset(
    "the and to of that with for said has have had were from by this it its at be are which who would not but "
    "after about they their he she his her more than been".split()
)
_OTHER_WORDS = frozenset(
    "der das und ist nicht mit dem des im auf für ein eine einem einen wurde sind auch nach bei aus sich um zu "
    "het een niet zijn werd ook voor naar uit "
    "les est une pas pour que qui dans sur avec ont été aux du selon "
    "el los las del por con una para según fue más "
    "il della che sono gli nel alla "
    "os das não uma com "
    "de en y".split()
)
_WORD = re.compile(r"[^\W\d_]+")
_LANGUAGE_SAMPLE = 20_000
_MIN_LETTERS_TO_JUDGE = 12
_MIN_WORDS_TO_JUDGE = 30
_MIN_ENGLISH_SHARE = 0.04  # English news runs at 0.18-0.29 on the gold set and seeds; German at 0
_MIN_OTHER_WORDS = 3
_MAX_REPLACED_SHARE = 0.1
_SURROGATE = re.compile("[\ud800-\udfff]")
_FILE_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_READ_CHUNK = 1 << 20


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
    text_in_feed: bool = False
    """The text is not the input's own content (an HTML page reduced to its main text), so the feed record
    carries it: offsets index into that text, which cannot be read back from ``source``."""

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the text (UTF-8), computed once: every question about the article is keyed by it."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def iter_articles(
    inputs: Iterable[str],
    *,
    stdin: IO[str] | None = None,
    encoding_errors: str = "strict",
    exclude: Path | None = None,
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES,
) -> Iterator[Article | InputError]:
    """Yield every article of ``inputs`` in order, or an InputError in its place.

    Args:
        inputs: file paths, folder paths (read recursively), or ``-`` for JSON Lines on stdin.
        stdin: the stream ``-`` reads (defaults to ``sys.stdin``; its bytes when it has a buffer).
        encoding_errors: ``strict`` makes invalid UTF-8 an error; ``replace`` decodes it with U+FFFD and
            a warning (offsets then index the decoded text).
        exclude: a folder never read from a folder input: the run's own output folder, so that
            ``extract . --out out`` does not read its own feed back as articles.
        max_input_bytes: the largest file read, and the longest line of ``-``; anything larger is refused
            (``/dev/zero`` or a runaway file must not exhaust memory).
    """
    for raw in inputs:
        if raw == "-":
            yield from _read_stream(stdin or sys.stdin, encoding_errors=encoding_errors, limit=max_input_bytes)
            continue
        path = Path(raw)
        problem = _not_readable(path)
        if problem is not None:
            yield InputError(problem, source=raw)
        elif path.is_dir():
            files = folder_files(path, exclude)
            if not files:
                yield InputError("folder holds no .txt, .md, .html or .jsonl files", source=raw)
            for file in files:
                yield from read_file(file, encoding_errors=encoding_errors, max_input_bytes=max_input_bytes)
        else:
            yield from read_file(path, encoding_errors=encoding_errors, max_input_bytes=max_input_bytes)


def _not_readable(path: Path) -> str | None:
    """Why a path given as an input names no file or folder (None when it does): missing, a link that
    loops or dangles, or something other than a regular file or a folder."""
    try:
        info = path.stat()
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "symbolic link loop (the link points to itself or round a cycle), not a file"
        if err.errno == errno.ENOENT and path.is_symlink():
            return f"broken symbolic link (its target {display(os.readlink(path))} does not exist)"
        if err.errno == errno.ENOENT:
            return "no such file or folder"
        return f"cannot read: {err.strerror or err}"
    if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
        return None
    return _special_file(info.st_mode)


def _special_file(mode: int) -> str:
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    return f"{kind}, not a regular file: only regular files are read"


def folder_files(folder: Path, exclude: Path | None = None) -> list[Path]:
    """The article files under ``folder``, recursively, in name order, leaving out ``exclude``."""
    skip = exclude.resolve() if exclude is not None else None
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
        and (skip is None or not p.resolve().is_relative_to(skip))
    )


def read_file(
    path: Path, *, encoding_errors: str = "strict", max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> Iterator[Article | InputError]:
    """Read one file: a .jsonl yields one article a line, an .html/.htm page its main text, anything else
    the whole file (or what follows its front matter). Only a regular file of at most ``max_input_bytes``
    is read."""
    source = str(path)
    if _SURROGATE.search(source):
        yield InputError("file name is not valid UTF-8 (rename the file)", source=source)
        return
    try:
        data = _read_regular(path, max_input_bytes)
    except InputError as err:
        err.source = source
        yield err
        return
    except OSError as err:
        yield InputError(f"cannot read: {err.strerror or err}", source=source, original=err)
        return
    if b"\x00" in data[:_BINARY_SAMPLE]:
        yield InputError("binary file (contains NUL bytes), not text", source=source)
        return
    warnings: tuple[str, ...] = ()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if encoding_errors == "strict":
            yield InputError(
                f"invalid UTF-8 at byte {err.start} (use --encoding-errors replace to read it anyway)",
                source=source,
                original=err,
            )
            return
        content = data.decode("utf-8-sig", errors=encoding_errors)
        replaced = content.count("\ufffd") - data.count("\ufffd".encode())
        if replaced > _MAX_REPLACED_SHARE * len(content):
            yield InputError(f"not text: {replaced} of {len(content)} characters are invalid UTF-8", source=source)
            return
        warnings = (f"invalid UTF-8 (first at byte {err.start}) replaced with U+FFFD",)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl_lines(split_lines(content), source)
        return
    try:
        if suffix in _HTML_SUFFIXES:
            yield _article_from_html(content, default_id=path.stem, source=source, warnings=warnings)
        elif _looks_like_html(content):
            note = "looks like an HTML page, not plain text: read as HTML, its main text extracted (name it .html)"
            yield _article_from_html(content, default_id=path.stem, source=source, warnings=(*warnings, note))
        else:
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
            raise InputError(f"front matter is not valid YAML: {_yaml_problem(err)}", source=source,
                             original=err) from err
        if not isinstance(loaded, dict):
            raise InputError("front matter is not a mapping of fields", source=source)
        meta = loaded
        text = content[match.end() :]
    return _make_article({**meta, "text": text}, default_id=default_id, source=source, warnings=warnings)


def _read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, refused (InputError) unless it is a regular file of at most ``limit`` bytes.

    Opened without blocking, so a FIFO is named rather than waited on; the size is checked on the open
    file and again while reading, so a file that grows (or lies about its size) stops at the limit.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(_special_file(info.st_mode))
        if info.st_size > limit:
            raise InputError(_too_large(info.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, _READ_CHUNK):
            size += len(chunk)
            if size > limit:
                raise InputError(_too_large(size, limit, more=True))
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(size: int, limit: int, *, more: bool = False) -> str:
    return (f"{'over ' if more else ''}{size:,} bytes, more than the max_input_bytes limit of {limit:,} "
            "(raise it with EXTRACT_MAX_INPUT_BYTES or [tool.extract] max_input_bytes)")


def _yaml_problem(err: yaml.YAMLError) -> str:
    """A YAML error in one line: what is wrong and where (the line counts from the file's first line)."""
    if isinstance(err, yaml.MarkedYAMLError) and err.problem:
        mark = err.problem_mark
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark is not None else ""
        return f"{err.problem}{where}"
    return " ".join(str(err).split())


def split_lines(content: str) -> list[str]:
    """``content`` cut after each ``\\n`` (kept), and nowhere else: U+2028, U+0085 and the other breaks
    ``str.splitlines`` knows are valid inside a JSON string. A final empty piece is left out."""
    lines = content.split("\n")
    pieces = [line + "\n" for line in lines[:-1]]
    return [*pieces, lines[-1]] if lines[-1] else pieces


def _read_stream(stream: IO[str], *, encoding_errors: str, limit: int) -> Iterator[Article | InputError]:
    """JSON Lines from a stream (stdin), a line at a time: read as bytes when the stream has them, so that
    lines end at ``\\n`` only and invalid UTF-8 is reported per line; a line longer than ``limit`` ends the
    stream with an error (it may be ``/dev/zero``)."""
    binary: IO[bytes] | None = getattr(stream, "buffer", None)
    if binary is None:
        yield from _read_jsonl_lines(stream, "<stdin>")
        return

    def lines() -> Iterator[str | InputError]:
        for number in range(1, sys.maxsize):
            raw = binary.readline(limit + 1)
            if not raw:
                return
            if len(raw) > limit and not raw.endswith(b"\n"):
                yield InputError(f"line {number} is longer than the max_input_bytes limit of {limit:,} bytes; "
                                 "the rest of the stream is not read", source=f"<stdin>:{number}")
                return
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                if encoding_errors == "strict":
                    yield InputError(f"invalid UTF-8 at byte {err.start} of the line (use --encoding-errors "
                                     "replace to read it anyway)", source=f"<stdin>:{number}", original=err)
                else:
                    yield raw.decode("utf-8", errors=encoding_errors)

    yield from _read_jsonl_lines(lines(), "<stdin>")


def _looks_like_html(content: str) -> bool:
    """True for an HTML page or markup-heavy fragment: a doctype or ``<html>`` first, or at least five tags
    taking a tenth of the characters. A plain article that mentions a tag or two is not one."""
    sample = content[:_HTML_SAMPLE]
    if _HTML_START.match(sample):
        return True
    tags = [m.end() - m.start() for m in _TAG.finditer(sample)]
    return len(tags) >= _MIN_TAGS and sum(tags) >= _TAG_SHARE * len(sample.strip())


def _article_from_html(content: str, *, default_id: str, source: str, warnings: tuple[str, ...]) -> Article:
    """The page's main text (navigation, ads, scripts, footers left out) and its title, date, URL and site."""
    import trafilatura  # imported on first use: lxml and its friends are needed only for HTML

    try:
        page = trafilatura.bare_extraction(content, with_metadata=True, include_comments=False)
    except Exception as err:  # whatever a hostile page does to the parser fails this input only
        raise InputError(f"cannot read as HTML: {type(err).__name__}: {err}", source=source, original=err) from err
    if not isinstance(page, trafilatura.settings.Document) or not (page.text or "").strip():
        raise InputError("no main text found in the HTML page", source=source)
    fields = {"text": (page.text or "").strip(), "title": page.title, "published": page.date, "url": page.url,
              "outlet": page.sitename}
    return replace(_make_article(fields, default_id=default_id, source=source, warnings=warnings), text_in_feed=True)


def _read_jsonl_lines(lines: Iterable[str | InputError], source: str) -> Iterator[Article | InputError]:
    stem = Path(source).stem if not source.startswith("<") else "stdin"
    for number, line in enumerate(lines, start=1):
        where = f"{source}:{number}"
        if isinstance(line, InputError):
            yield line
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputError(f"malformed JSON line: {err.msg} at column {err.colno}", source=where, original=err)
            continue
        except RecursionError as err:
            yield InputError("JSON line nests too deeply to read", source=where, original=err)
            continue
        except ValueError as err:  # an integer of thousands of digits, which Python refuses to convert
            yield InputError(f"JSON line holds a number too long to read (over {sys.get_int_max_str_digits():,} "
                             "digits)", source=where, original=err)
            continue
        if not isinstance(obj, dict):
            yield InputError(f"JSON line is {_json_kind(obj)}, not an object", source=where)
            continue
        try:
            yield _make_article(obj, default_id=f"{stem}-{number}", source=where, warnings=())
        except InputError as err:
            yield err


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string" if isinstance(value, str) else "a list"


def _make_article(fields: dict[str, Any], *, default_id: str, source: str, warnings: tuple[str, ...]) -> Article:
    text = fields.get("text")
    article_id = str(fields.get("id") or default_id)
    for name in ("id", "text", "title", "published", "url", "outlet"):
        value = article_id if name == "id" else fields.get(name)
        found = _SURROGATE.search(value) if isinstance(value, str) else None
        if found:
            raise InputError(f'"{name}" holds an unpaired surrogate (\\u{ord(found.group()):04x} at character '
                             f"{found.start()}), which is not Unicode text", source=source,
                             article_id=display(article_id))
    if not isinstance(text, str):
        raise InputError('missing "text" (a string)', source=source, article_id=article_id)
    if not _visible(text):
        raise InputError("empty article (no text)", source=source, article_id=article_id)
    foreign = _not_english(text)
    if foreign:
        raise InputError(f"does not read as English ({foreign}); only English articles are extracted",
                         source=source, article_id=article_id)
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


def _visible(text: str) -> bool:
    """True when ``text`` has a character that shows: not whitespace, a control character, or a format
    character (byte-order marks, zero-width spaces and joiners, direction marks)."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc") for c in text)


def _not_english(text: str) -> str | None:
    """Why ``text`` does not read as English, or None when it does (or is too short to tell)."""
    sample = text[:_LANGUAGE_SAMPLE]
    words = _WORD.findall(sample)
    letters = sum(len(w) for w in words)
    latin = sum(len(w) for w in re.findall(r"[A-Za-z\u00c0-\u024f]+", sample))
    if letters >= _MIN_LETTERS_TO_JUDGE and latin < letters / 2:
        return "mostly written in a non-Latin script"
    english = sum(1 for w in words if w.lower() in _ENGLISH_WORDS)
    other = sum(1 for w in words if w in _OTHER_WORDS)  # as written: "El Salvador" and "Los Angeles" are names
    if len(words) >= _MIN_WORDS_TO_JUDGE and english < _MIN_ENGLISH_SHARE * len(words):
        return f"{english} of its {len(words)} words are common English words"
    if other >= _MIN_OTHER_WORDS and other > 2 * english:
        return f"{other} common words of other languages, {english} of English"
    return None


def _published(value: object, notes: list[str]) -> tuple[dt.date | None, str | None]:
    """An ISO 8601 date or date-time given with the article; anything else is ignored with a warning."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), "input"
    if isinstance(value, dt.date):
        return value, "input"
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text).date(), "input"
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
    """The records of a ``facts.jsonl`` feed, validated against the schema; bad lines come back as errors.

    Lines end at ``\\n`` only (an article's text may hold U+2028), and each is decoded on its own, so one
    bad line costs only itself.
    """
    records: list[FeedRecord] = []
    errors: list[InputError] = []
    try:
        data = path.read_bytes()
    except OSError as err:
        return [], [InputError(f"cannot read feed: {err.strerror or err}", source=str(path), original=err)]
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(FeedRecord.model_validate_json(line))
        except ValueError as err:
            first = str(err).split("\n")[0]
            errors.append(InputError(f"not a feed line: {first}", source=f"{path}:{number}", original=err))
    return records, errors
