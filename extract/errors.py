"""One error tree for the whole pipeline.

Every error a stage raises on purpose is a :class:`NewsfactsError` carrying the article id (when one is
known), the input it came from, the stage, and the original exception. The CLI catches the base class once,
prints one line naming the input and the reason, and goes on with the rest of the batch.
"""

from __future__ import annotations


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
        where = self.source or self.article_id
        return f"{where}: {self.message}" if where else self.message

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
