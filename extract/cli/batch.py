"""``batch prepare|submit|status|collect``: a batch through the OpenAI Batch API (or any server that reads
and writes its files, such as ``vllm run-batch``)."""

from __future__ import annotations

from extract.cli.common import cli


@cli.group()
def batch() -> None:
    """Extract through the OpenAI Batch API: prepare request files, submit them, poll, collect answers."""
