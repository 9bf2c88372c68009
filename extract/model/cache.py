"""The answer cache: model answers on disk, keyed by :func:`extract.model.client.request_key`.

Input: a directory (``<cache_dir>/answers``); output: ``get``/``set`` of answer dicts by key.
``diskcache`` is safe to share between threads and processes. Every failure mode is made harmless, and
only one of them moves anything:

* an entry that cannot be read is a miss (asked again, then replaced);
* a cache that cannot be *read* (not a database, a malformed database) is moved aside as
  ``answers.corrupt-<time>`` and a fresh one started;
* a cache that cannot be *written* (a full disk, a read-only or locked database) is kept as it is: opened
  read-only, its answers are still used and new answers are not saved, with one warning for the run.
  Renaming a healthy cache because the disk is full would make every answer already paid for be paid again.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import diskcache

#: SQLite's names for a file that is not a (sound) database: the only errors that move a cache aside.
_UNREADABLE = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


def unreadable(err: BaseException) -> bool:
    """True when ``err`` says the cache's database cannot be read, as opposed to written."""
    return isinstance(err, sqlite3.DatabaseError) and getattr(err, "sqlite_errorname", "") in _UNREADABLE


def _reason(err: BaseException) -> str:
    code = getattr(err, "sqlite_errorname", None)
    text = str(err).strip() or type(err).__name__
    return f"{text}, {code}" if code else text


class _ReadOnly:
    """diskcache's table read through a read-only SQLite connection (``diskcache.Cache`` writes its
    settings every time it opens, so it cannot open a cache on a full disk)."""

    def __init__(self, directory: str) -> None:
        path = os.path.join(directory, diskcache.core.DBNAME)
        if not os.path.isfile(path):
            raise FileNotFoundError(path)
        self._disk = diskcache.Disk(directory)
        self._lock = threading.Lock()
        uri = f"file:{urllib.parse.quote(path)}"
        try:
            self._db = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
            self._db.execute("SELECT count(*) FROM Cache").fetchone()
        except sqlite3.OperationalError:  # a WAL database whose -shm cannot be made: read the file as it is
            self._db = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
            self._db.execute("SELECT count(*) FROM Cache").fetchone()

    def get(self, key: str) -> Any:
        db_key, raw = self._disk.put(key)
        with self._lock:
            row = self._db.execute(
                "SELECT mode, filename, value FROM Cache WHERE key = ? AND raw = ?"
                " AND (expire_time IS NULL OR expire_time > ?)", (db_key, raw, time.time()),
            ).fetchone()
        return None if row is None else self._disk.fetch(row[0], row[1], row[2], False)

    def close(self) -> None:
        self._db.close()


class AnswerCache:
    """diskcache with the failure modes made harmless (see the module docstring).

    ``note`` is the warning of opening it, if any; ``warn`` receives the first failure to save an answer
    (one warning per cache, not one per answer).
    """

    def __init__(self, directory: str, *, warn: Callable[[str], None] | None = None) -> None:
        self.directory = directory
        self.note: str | None = None
        self._warn = warn
        self._warned = False
        self._lock = threading.Lock()
        self._cache: diskcache.Cache | None = None
        self._reader: _ReadOnly | None = None
        try:
            self._cache = diskcache.Cache(directory)
        except Exception as err:  # sqlite3.DatabaseError, OSError and friends: never fatal
            if unreadable(err):
                self._renew(err)
            else:
                self._read_only(err)

    def _renew(self, err: BaseException) -> None:
        """The cache cannot be read: move it aside and start a fresh one."""
        aside = f"{self.directory}.corrupt-{int(time.time())}"
        try:
            os.replace(self.directory, aside)
        except OSError:
            self.note = f"answer cache {self.directory} is unreadable ({_reason(err)}); running without it"
            return
        try:
            self._cache = diskcache.Cache(self.directory)
            self.note = f"answer cache was unreadable ({_reason(err)}); moved to {aside}"
        except Exception as again:
            self.note = (f"answer cache was unreadable ({_reason(err)}), moved to {aside}; a new one cannot "
                         f"be started ({_reason(again)}); running without it")

    def _read_only(self, err: BaseException) -> None:
        """The cache cannot be opened for writing: keep it, and read it if it can be read."""
        try:
            self._reader = _ReadOnly(self.directory)
        except Exception as read_err:
            if unreadable(read_err):
                self._renew(read_err)
                return
            self.note = f"answer cache {self.directory} cannot be opened ({_reason(err)}); running without it"
            return
        self._warned = True  # the note already says that nothing will be saved
        self.note = (f"answer cache {self.directory} cannot be written ({_reason(err)}): the answers already "
                     "in it are used, new answers are not saved")

    @property
    def writable(self) -> bool:
        return self._cache is not None

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            if self._cache is not None:
                value = self._cache.get(key)
            elif self._reader is not None:
                value = self._reader.get(key)
            else:
                return None
        except Exception:  # any corruption (pickle, sqlite) means "not cached"
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._cache is None:
            return
        try:
            self._cache.set(key, value)
        except Exception as err:  # a full disk mid-run: the answer stands, it is just not saved
            with self._lock:
                first, self._warned = not self._warned, True
            if first and self._warn is not None:
                self._warn(f"answer cache {self.directory} cannot be written ({_reason(err)}): new answers "
                           "are not saved from now on; nothing was moved")

    def close(self) -> None:
        for closer in (self._cache, self._reader):
            if closer is not None:
                with contextlib.suppress(Exception):
                    closer.close()
