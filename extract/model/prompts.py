"""Versioned prompt templates (``prompts/<name>.<version>.md``), loaded by id and rendered into messages.

A template has a ``## system`` and a ``## user`` section. The system part is fixed text, so servers that
cache prompt prefixes (OpenAI, vLLM, llama.cpp) reuse it across articles; the article only ever enters
the user part, through ``$variables`` that :meth:`Prompt.render` substitutes once and never re-reads.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from extract.errors import ConfigError


@dataclass(frozen=True)
class Prompt:
    """A named, versioned prompt template; article text only ever enters through ``variables``."""

    name: str
    version: str
    system: str
    user: str

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.system}\0{self.user}".encode()).hexdigest()

    def render(self, variables: Mapping[str, str]) -> list[dict[str, str]]:
        """The chat messages; ``safe_substitute`` never re-reads what it inserts."""
        return [
            {"role": "system", "content": string.Template(self.system).safe_substitute(variables)},
            {"role": "user", "content": string.Template(self.user).safe_substitute(variables)},
        ]


@cache
def load_prompt(prompt_id: str) -> Prompt:
    """Load ``prompts/<name>.<version>.md`` (sections ``## system`` and ``## user``).

    Raises:
        ConfigError: no such template, or it lacks one of the two sections.
    """
    name, _, version = prompt_id.rpartition(".")
    try:
        source = resources.files("prompts").joinpath(f"{prompt_id}.md").read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ConfigError(f"no prompt template {prompt_id!r} in prompts/", original=err) from err
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in source.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    if "system" not in sections or "user" not in sections:
        raise ConfigError(f"prompt {prompt_id!r} needs '## system' and '## user' sections")
    return Prompt(name, version, "\n".join(sections["system"]).strip(), "\n".join(sections["user"]).strip())


def fingerprint(prompt_ids: Iterable[str]) -> tuple[str, str]:
    """The prompt versions in use ("a.v1+b.v2") and a short hash over their templates, for provenance."""
    ids = tuple(prompt_ids)
    digest = hashlib.sha256("".join(load_prompt(p).sha256 for p in ids).encode()).hexdigest()[:16]
    return "+".join(ids), digest
