"""The answer cache: model answers on disk, keyed by :func:`extract.model.client.request_key`.

``diskcache`` is safe to share between threads and processes. Every failure mode is made harmless: an
entry that cannot be read is a miss (asked again, then replaced), and a cache database that cannot be
opened is moved aside and a fresh one started, so a broken cache never stops a run.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

import diskcache


class AnswerCache:
    """diskcache with the failure modes made harmless: a corrupt entry is a miss, a corrupt cache is renewed.

    A cache database that cannot be opened (a crash mid-write, a truncated file) is moved aside as
    ``answers.corrupt-<time>`` and a fresh one started; if even that fails, the run goes on uncached.
    """

    def __init__(self, directory: str) -> None:
        self.note: str | None = None
        self._cache: diskcache.Cache | None = None
        try:
            self._cache = diskcache.Cache(directory)
        except Exception as err:  # sqlite3.DatabaseError and friends: never fatal
            aside = f"{directory}.corrupt-{int(time.time())}"
            try:
                os.replace(directory, aside)
                self._cache = diskcache.Cache(directory)
                self.note = f"answer cache was unreadable ({type(err).__name__}); moved to {aside}"
            except Exception:
                self.note = f"answer cache is unusable ({type(err).__name__}); running without it"

    def get(self, key: str) -> dict[str, Any] | None:
        if self._cache is None:
            return None
        try:
            value = self._cache.get(key)
        except Exception:  # any corruption (pickle, sqlite) means "not cached"
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._cache is not None:
            with contextlib.suppress(Exception):
                self._cache.set(key, value)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
