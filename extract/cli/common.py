"""What every command shares: the command group, exit codes, settings from flags, the model options."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from extract.errors import NewsfactsError
from extract.settings import Settings, load_settings

EXIT_FAILED_INPUTS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_F = TypeVar("_F", bound=Callable[..., Any])


class DefaultToRun(click.Group):
    """``extract a.txt --out out`` means ``extract run a.txt --out out``; a mistyped command that names no
    file (``extract reveiw out``) is a usage error with a suggestion, and touches nothing."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            first = args[0]
            if not first.startswith("-") and not Path(first).exists():
                close = difflib.get_close_matches(first, list(self.commands), n=1, cutoff=0.6)
                if close:
                    raise click.UsageError(f"no such command or input {first!r}; did you mean {close[0]}?", ctx)
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToRun, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsfacts")
def cli() -> None:
    """Extract events, statements and figures from news articles, tied to the exact characters that
    state them, and cross-check their numbers and dates.

    \b
    Example:
      python -m extract seeds/ --out out        # writes out/facts.jsonl
      python -m extract schema > feed.schema.json
    """


def model_options(command: _F) -> _F:
    """The flags that choose and configure the model, shared by ``run`` and ``batch``."""
    options = [
        click.option("--backend", type=click.Choice(["auto", "openai", "local", "rules"]), default=None,
                     help="Model backend [EXTRACT_BACKEND; default auto: openai if a key or base URL is set, "
                     "else the embedded local model if installed, else rules]."),
        click.option("--extraction", type=click.Choice(["auto", "full", "assist", "rules"]), default=None,
                     help="How much the model is asked [EXTRACT_EXTRACTION; default auto: assist for the packaged "
                     "tiny models, full for any other]. full: the model fills the facts by anchor id; assist: "
                     "only constrained questions; rules: nothing."),
        click.option("--model", default=None, help="Model name (openai) or local model / .gguf path [EXTRACT_MODEL]."),
        click.option("--base-url", default=None, help="OpenAI-compatible endpoint [OPENAI_BASE_URL]."),
        click.option("--trust-file-base-url", is_flag=True, default=None,
                     help="Send OPENAI_API_KEY to the base_url that ./pyproject.toml sets, which is otherwise "
                     "withheld from it [EXTRACT_TRUST_FILE_BASE_URL; not settable in the file]."),
        click.option("--mode", "model_mode", type=click.Choice(["auto", "tools", "json_schema", "md_json"]),
                     default=None, help="How the answer schema is sent [EXTRACT_MODEL_MODE; auto = tools, a "
                     "forced tool call; json_schema for servers without forced tool calls]."),
        click.option("--no-cache", is_flag=True, default=False, help="Ask the model again even if answers are cached."),
        click.option("--cache-dir", type=click.Path(path_type=Path), default=None,
                     help="Where model answers are cached [EXTRACT_CACHE_DIR; default ~/.cache/newsfacts]."),
        click.option("--timeout", type=float, default=None,
                     help="Seconds one request to the model may take, its whole answer included (a request that "
                     "times out is tried once more) [EXTRACT_TIMEOUT; default 60, 600 in full]."),
        click.option("--max-answer-tokens", type=click.IntRange(min=16), default=None,
                     help="Cap on the tokens of one answer [EXTRACT_MAX_ANSWER_TOKENS; default 6000 in full]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def model_flags(flags: dict[str, Any]) -> dict[str, Any]:
    """The :func:`model_options` of a command's keyword arguments, as setting names."""
    return {
        "backend": flags.pop("backend"), "extraction": flags.pop("extraction"), "model": flags.pop("model"),
        "base_url": flags.pop("base_url"), "trust_file_base_url": flags.pop("trust_file_base_url"),
        "model_mode": flags.pop("model_mode"),
        "use_cache": False if flags.pop("no_cache") else None, "cache_dir": flags.pop("cache_dir"),
        "timeout": flags.pop("timeout"), "max_answer_tokens": flags.pop("max_answer_tokens"),
    }


def settings_from(**flags: Any) -> Settings:
    """Settings from flags, environment and pyproject; a configuration error exits 2 with one line, and
    what loading them found (a withheld API key, a misspelt variable) is printed as warnings."""
    try:
        settings = load_settings(flags)
    except NewsfactsError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    if not settings.quiet:
        for note in settings.notes:
            click.echo(f"warning: {note}", err=True)
    return settings


def logger(quiet: bool) -> Callable[[str], None]:
    def log(message: str) -> None:
        if not quiet:
            tqdm.write(message, file=sys.stderr)
    return log
