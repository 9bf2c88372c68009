"""One error tree for the whole pipeline.

Every error a stage raises on purpose is a :class:`NewsfactsError` carrying the article id (when one is
known), the input it came from, the stage, and the original exception. The CLI catches the base class once,
prints one line naming the input and the reason, and goes on with the rest of the batch.

Input names and ids come from outside (a file may be called ``"x\nerror: forged"`` or carry a terminal
escape sequence), so every message naming one goes through :func:`display`, which makes it one visible line.
"""

from __future__ import annotations

import re

# C0 and C1 controls (newlines, ESC, DEL...), line and paragraph separators, and the bidirectional
# overrides and isolates that can make a line read as something else.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def display(name: object) -> str:
    r"""``name`` fit for one line of a terminal or a log: control characters, line separators and
    bidirectional overrides are written as escapes (``\n``, ``\x1b``, ``\u2028``); the rest is kept."""
    return _UNSAFE.sub(_escape, str(name))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


class NewsfactsError(Exception):
    """Base class: ``str(err)`` is a one-line message fit for stderr and errors.jsonl."""

    stage = "pipeline"

    def __init__(
        self,
        message: str,
        *,
        article_id: str | None = None,
        source: str | None = None,
        original: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.article_id = article_id
        self.source = source
        self.original = original

    def __str__(self) -> str:
        """One line: the input (or article id) and the reason, with anything that could break the line or
        forge another escaped (:func:`display`)."""
        where = self.source or self.article_id
        return display(f"{where}: {self.message}" if where else self.message)

    def as_record(self) -> dict[str, str | None]:
        """The line written to ``errors.jsonl``."""
        return {"id": self.article_id, "input": self.source, "stage": self.stage, "error": self.message}


class InputError(NewsfactsError):
    """An input could not be read as an article (missing, empty, binary, malformed line...)."""

    stage = "read"


class AnchorError(NewsfactsError):
    stage = "anchors"


class ModelCallError(NewsfactsError):
    """The model could not be reached, or did not answer validly within the retry budget."""

    stage = "ask"


class ConfigError(NewsfactsError):
    """Settings that cannot work (unknown backend, missing model file, unreachable endpoint)."""

    stage = "settings"


class OutputError(NewsfactsError):
    stage = "write"


class InternalError(NewsfactsError):
    """A broken invariant inside newsfacts itself: a bug, never the input's fault."""

    stage = "internal"
