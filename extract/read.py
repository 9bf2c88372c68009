"""Stage 1, read: turn input paths (files, folders, ``-`` for stdin) into :class:`Article` objects.

Input: paths as given on the command line. Output: articles in input order, each with the exact text that
every offset downstream indexes into. A bad input never stops the batch: it is yielded as an
:class:`~extract.errors.InputError` naming the input and the reason, and reading goes on.

Formats: ``.txt`` (the whole file is the text, id = file stem), ``.txt``/``.md`` starting with a ``---``
front-matter block (title, published, url, outlet, id), ``.jsonl`` (one ``{"id", "text", ...}`` object a
line), ``.html``/``.htm`` (reduced to the page's main text and metadata by ``trafilatura``; that text is
not the file's content, so the feed record carries it). Folders are read recursively in name order.

Refused with a reason: empty or whitespace-only text, binary files, invalid UTF-8 (unless
``encoding_errors="replace"``), JSONL lines that are not objects or have no ``text``, and text that does
not read as English (the anchor finders read numbers and dates by English conventions: "3.200" is 3.2).
Read with a warning: a non-ISO ``published`` (ignored), and a ``.txt``/``.md`` file that is an HTML page
(read as HTML).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import IO, Any

import yaml

from extract.errors import InputError
from schemas import FeedRecord

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
                yield InputError("folder holds no .txt, .md, .html or .jsonl files", source=raw)
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
    """Read one file: a .jsonl yields one article a line, an .html/.htm page its main text, anything else
    the whole file (or what follows its front matter)."""
    source = str(path)
    try:
        data = path.read_bytes()
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
        yield from _read_jsonl_lines(content.splitlines(keepends=True), source)
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
            raise InputError(f"front matter is not valid YAML: {err}", source=source, original=err) from err
        if not isinstance(loaded, dict):
            raise InputError("front matter is not a mapping of fields", source=source)
        meta = loaded
        text = content[match.end() :]
    return _make_article({**meta, "text": text}, default_id=default_id, source=source, warnings=warnings)


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
    if not isinstance(text, str):
        raise InputError('missing "text" (a string)', source=source, article_id=article_id)
    if not text.strip():
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
