"""The command line: ``python -m extract INPUTS... --out DIR`` and its subcommands, one module each.

Each command parses flags, builds :class:`~extract.settings.Settings`, calls one library function and
formats the result. Logs, progress and errors go to stderr; only data goes to stdout. Exit codes: 0 when
every input was extracted, 1 when some input failed (the rest are still written), 2 for a usage or
configuration error, 130 when interrupted.

* :mod:`extract.cli.run`: the default command, extract a batch;
* :mod:`extract.cli.batch`: ``batch prepare|submit|status|collect``, the OpenAI Batch API;
* :mod:`extract.cli.tools`: ``schema``, ``check``, ``review``, ``eval``.
"""

from __future__ import annotations

from extract.cli import batch, run, tools  # noqa: F401 - each module registers its commands
from extract.cli.common import cli


def main() -> None:
    cli()


__all__ = ["cli", "main"]
