"""The Batch API engine: the per-article path with its model requests answered offline, in files.

``prepare`` runs :func:`~extract.article.extract_article` over the inputs with a model that answers
nothing but writes down every request it is asked, as OpenAI Batch API input lines (``custom_id``,
``method``, ``url``, ``body``) in shards under the API's limits. ``submit`` uploads the shards and creates
one batch each; ``status`` polls them; ``collect`` downloads the output and error files and runs the
per-article path again, this time with a model that answers from those files, so every answer is parsed,
validated and grounded exactly as a live answer is (one difference: a live answer that fails its check is
re-asked at once; a batch answer keeps what holds, the rest rejected with the reason).

``custom_id`` is :func:`~extract.model.client.request_key`: a stable key of (article id, sha256, prompt
version, model, question), the same key the answer cache uses, so answers collected here also fill the
cache of later live runs. Output files made elsewhere (``vllm run-batch`` reads and writes the same
format) are collected with ``collect --responses FILE...``, in any order.

Everything the engine knows is in ``DIR/batch/``: the request shards, the downloaded output and error
files, and ``state.json`` (inputs, model, shards, file and batch ids, statuses), written atomically after
every step, so a process killed at any point is picked up by the next command. Requests that failed or
expired are resubmitted alone (a new shard of just those); an answered request is never sent again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from extract.article import extract_article
from extract.errors import ConfigError, InputError, ModelCallError, NewsfactsError
from extract.model.client import (
    Answer,
    Backend,
    Extraction,
    Meter,
    ModelMode,
    Request,
    answer_tokens,
    parse_completion,
    request_body,
    request_key,
)
from extract.model.connect import OPENAI_DEFAULT_MODEL
from extract.read import Article, iter_articles
from extract.settings import Settings
from extract.write import write_file

if TYPE_CHECKING:
    import openai

ENDPOINT: Final = "/v1/chat/completions"
#: The Batch API's limits for one input file, with room to spare on size.
MAX_REQUESTS = 50_000
MAX_BYTES = 190 * 1024 * 1024
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
STATE_VERSION = 1

Log = Callable[[str], None]


@dataclass
class Shard:
    """One Batch API input file and what became of it."""

    name: str
    requests: int
    bytes: int
    sha256: str
    file_id: str | None = None
    batch_id: str | None = None
    status: str = "prepared"
    output_file_id: str | None = None
    error_file_id: str | None = None
    downloaded: bool = False
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class BatchState:
    """``DIR/batch/state.json``: what was prepared, submitted and collected."""

    inputs: list[str]
    model: str
    extraction: str
    mode: str
    max_answer_tokens: int | None
    shards: list[Shard] = field(default_factory=list)
    version: int = STATE_VERSION

    @classmethod
    def load(cls, folder: Path) -> BatchState:
        path = folder / "state.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            shards = [Shard(**s) for s in data.pop("shards")]
            return cls(**data, shards=shards)
        except FileNotFoundError as err:
            raise ConfigError(f"{path}: no batch prepared here (run: batch prepare INPUTS --out DIR)") from err
        except (ValueError, TypeError, KeyError) as err:
            raise ConfigError(f"{path}: not a batch state file ({err})") from err

    def save(self, folder: Path) -> None:
        data = {**self.__dict__, "shards": [s.__dict__ for s in self.shards]}
        _write_atomic(folder / "state.json", (json.dumps(data, indent=2) + "\n").encode("utf-8"))

    def settings(self, base: Settings) -> Settings:
        """The settings every command of this batch uses, whatever the flags of the later commands."""
        from dataclasses import replace

        return replace(base, backend="openai", model=self.model, extraction=self.extraction,  # type: ignore[arg-type]
                       model_mode=self.mode, max_answer_tokens=self.max_answer_tokens)  # type: ignore[arg-type]


@dataclass
class _RecordingModel:
    """Answers nothing; writes down the Batch API line of every request it is asked."""

    model: str | None
    extraction: Extraction
    mode: ModelMode
    settings: Settings
    backend: Backend = "openai"
    lines: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, request: Request, meter: Meter) -> Answer | None:
        body = request_body(request, model=self.model or "", mode=self.mode,
                            max_tokens=answer_tokens(request, self.settings))
        self.lines.append({"custom_id": request_key(request, self.model), "method": "POST", "url": ENDPOINT,
                           "body": body})
        return None


@dataclass
class _AnsweredModel:
    """Answers from Batch API output lines, parsed and checked as live answers are."""

    model: str | None
    extraction: Extraction
    mode: ModelMode
    answers: dict[str, dict[str, Any]]
    failed: dict[str, str]
    backend: Backend = "openai"

    def answer(self, request: Request, meter: Meter) -> Answer | None:
        key = request_key(request, self.model)
        body = self.answers.get(key)
        if body is None:
            why = self.failed.get(key, "not answered yet")
            raise ModelCallError(f"request {key} has no answer ({why}); run `batch submit` to resubmit it, "
                                 "then `batch collect` again")
        meter.cache_hits += 1
        usage = body.get("usage") or {}
        meter.prompt_tokens += int(usage.get("prompt_tokens") or 0)
        meter.completion_tokens += int(usage.get("completion_tokens") or 0)
        try:
            return parse_completion(request, body, mode=self.mode)
        except ValueError as err:
            meter.failures.append(f"{request.prompt_id}: batch answer {key} unusable: {err}")
            return None


def prepare(inputs: list[str], out: Path, settings: Settings, *, log: Log | None = None) -> BatchState:
    """Write the requests the model would be sent for ``inputs`` as Batch API input shards in ``out/batch``.

    Raises:
        ConfigError: a batch is already prepared there, or the settings ask for no model.
    """
    folder = out / "batch"
    if (folder / "state.json").exists():
        raise ConfigError(f"{folder}: a batch is already prepared here; use another --out, or submit/collect it")
    extraction = "full" if settings.extraction == "auto" else settings.extraction
    if extraction == "rules":
        raise ConfigError("extraction 'rules' asks the model nothing: there is no batch to prepare")
    mode = "tools" if settings.model_mode == "auto" else settings.model_mode
    model = settings.model or OPENAI_DEFAULT_MODEL
    state = BatchState(inputs=[str(Path(i).resolve()) if i != "-" else i for i in inputs], model=model,
                       extraction=extraction, mode=mode, max_answer_tokens=settings.max_answer_tokens)
    if "-" in inputs:
        raise ConfigError("batch prepare reads files and folders, not stdin: collect must read the inputs again")
    folder.mkdir(parents=True, exist_ok=True)
    recorder = _RecordingModel(model, extraction, mode, settings)
    seen: set[str] = set()
    try:
        _write_shards(folder, state, recorder, seen, out, log)
    except OSError as err:
        raise ConfigError(f"{folder}: cannot write the request files: {err.strerror or err}") from err
    state.save(folder)
    if log:
        log(f"prepared {len(seen)} requests in {len(state.shards)} shard(s) under {folder}")
    return state


def _write_shards(folder: Path, state: BatchState, recorder: _RecordingModel, seen: set[str], out: Path,
                  log: Log | None) -> None:
    with _Sharder(folder, state) as sharder:
        for item in iter_articles(state.inputs, exclude=out):
            if isinstance(item, NewsfactsError):
                if log:
                    log(f"error: {item}")
                continue
            extract_article(item, recorder, run_id="prepare")
            for line in recorder.lines:
                if line["custom_id"] not in seen:  # the same question twice is asked (and paid) once
                    seen.add(line["custom_id"])
                    sharder.add(line)
            recorder.lines.clear()


class _Sharder:
    """Writes request lines into shards of at most MAX_REQUESTS lines and MAX_BYTES bytes."""

    def __init__(self, folder: Path, state: BatchState) -> None:
        self.folder = folder
        self.state = state
        self._handle: Any = None
        self._shard: Shard | None = None
        self._digest: Any = None

    def __enter__(self) -> _Sharder:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def add(self, line: dict[str, Any]) -> None:
        data = (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        shard = self._shard
        if shard is None or shard.requests >= MAX_REQUESTS or shard.bytes + len(data) > MAX_BYTES:
            self._close()
            shard = self._open()
        self._handle.write(data)
        self._digest.update(data)
        shard.requests += 1
        shard.bytes += len(data)

    def _open(self) -> Shard:
        name = f"requests-{len(self.state.shards) + 1:04d}.jsonl"
        # Created, never reused: a file or link already there is an error, not something to write through.
        fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        self._handle = os.fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self._shard = Shard(name=name, requests=0, bytes=0, sha256="")
        return self._shard

    def _close(self) -> None:
        if self._shard is None:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._shard.sha256 = self._digest.hexdigest()
        self.state.shards.append(self._shard)
        self._shard = None


def submit(out: Path, client: openai.OpenAI, *, log: Log | None = None) -> BatchState:
    """Upload every shard not yet submitted and create its batch; first, put the requests that failed or
    expired in collected shards into a new shard of their own. Safe to rerun after a crash at any point."""
    folder = out / "batch"
    state = BatchState.load(folder)
    retry = _unanswered(folder, state)
    if retry:
        _add_retry_shard(folder, state, retry)
        if log:
            log(f"resubmitting {len(retry)} failed or expired requests alone")
    for shard in state.shards:
        if shard.batch_id is not None:
            continue
        adopted = _find_batch(client, shard)  # created by a run killed before it could save its id
        if adopted is not None:
            shard.file_id, shard.batch_id, shard.status = adopted.input_file_id, adopted.id, adopted.status
            state.save(folder)
            continue
        if shard.file_id is None:
            with open(folder / shard.name, "rb") as handle:
                shard.file_id = client.files.create(file=(shard.name, handle), purpose="batch").id
            state.save(folder)
        batch = client.batches.create(input_file_id=shard.file_id, endpoint=ENDPOINT, completion_window="24h",
                                      metadata={"newsfacts_shard": shard.sha256[:64]})
        shard.batch_id, shard.status = batch.id, batch.status
        state.save(folder)
        if log:
            log(f"{shard.name}: {shard.requests} requests, batch {batch.id} ({batch.status})")
    return state


def status(out: Path, client: openai.OpenAI, *, wait: bool = False, poll_seconds: float = 30.0,
           log: Log | None = None, sleep: Callable[[float], None] = time.sleep) -> BatchState:
    """Refresh every submitted batch's status; with ``wait``, poll with backoff until all are finished.
    A 5xx or a dropped connection while polling is retried (the client's own retries, then here)."""
    import openai as openai_module

    folder = out / "batch"
    state = BatchState.load(folder)
    delay = min(5.0, poll_seconds)
    while True:
        for shard in state.shards:
            if shard.batch_id is None or shard.status in TERMINAL:
                continue
            try:
                batch = client.batches.retrieve(shard.batch_id)
            except (openai_module.APIConnectionError, openai_module.InternalServerError) as err:
                if log:
                    log(f"warning: {shard.name}: polling failed ({type(err).__name__}); will try again")
                continue
            shard.status = batch.status
            shard.output_file_id, shard.error_file_id = batch.output_file_id, batch.error_file_id
            if batch.request_counts is not None:
                shard.counts = batch.request_counts.model_dump()
            state.save(folder)
        pending = [s for s in state.shards if s.batch_id is not None and s.status not in TERMINAL]
        if not wait or not pending:
            return state
        sleep(delay)
        delay = min(delay * 2, poll_seconds)


def download(out: Path, client: openai.OpenAI, *, log: Log | None = None) -> BatchState:
    """Download the output and error files of every finished batch not yet downloaded, atomically."""
    folder = out / "batch"
    state = BatchState.load(folder)
    for shard in state.shards:
        if shard.status not in TERMINAL or shard.downloaded:
            continue
        for kind, file_id in (("output", shard.output_file_id), ("errors", shard.error_file_id)):
            if file_id:
                _write_atomic(folder / f"{kind}-{shard.name}", client.files.content(file_id).read())
        shard.downloaded = True
        state.save(folder)
        if log:
            log(f"{shard.name}: {shard.status}, {shard.counts or 'no counts'}")
    return state


def answers(folder: Path, extra: Iterable[Path] = ()) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Every answer in the downloaded output files and in ``extra`` (any order), by custom_id, and the
    reason of every request that failed without a later answer."""
    answered: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    for path in [*sorted(folder.glob("output-*.jsonl")), *sorted(folder.glob("errors-*.jsonl")), *extra]:
        for line in _lines(path):
            custom_id = line.get("custom_id")
            response = line.get("response") or {}
            if not isinstance(custom_id, str):
                continue
            body = response.get("body") if isinstance(response, dict) else None
            if isinstance(response, dict) and response.get("status_code") == 200 and isinstance(body, dict) \
                    and body.get("choices"):
                answered[custom_id] = body
            elif custom_id not in answered:
                failed[custom_id] = _failure(line)
    return answered, {k: v for k, v in failed.items() if k not in answered}


def answered_model(state: BatchState, folder: Path, extra: Iterable[Path] = ()) -> _AnsweredModel:
    found, failed = answers(folder, extra)
    return _AnsweredModel(state.model, state.extraction, state.mode, found, failed)  # type: ignore[arg-type]


def state_inputs(state: BatchState, out: Path) -> Iterator[Article | InputError]:
    """The inputs the batch was prepared from, read again (an article whose text changed since has
    other request keys, and fails as unanswered)."""
    return iter_articles(state.inputs, exclude=out)


def batch_client(settings: Settings) -> openai.OpenAI:
    """The openai client for files and batches (its own retries cover 429, 5xx and dropped connections)."""
    import openai as openai_module

    return openai_module.OpenAI(api_key=settings.api_key or "unused", base_url=settings.base_url,
                                timeout=settings.timeout or 120.0, max_retries=settings.max_retries)


def _unanswered(folder: Path, state: BatchState) -> list[dict[str, Any]]:
    """The request lines of downloaded shards that got no answer, and are in no shard still pending."""
    if not any(s.downloaded for s in state.shards):
        return []
    answered, _ = answers(folder)
    pending = {line["custom_id"] for s in state.shards if not s.downloaded for line in _lines(folder / s.name)}
    retry: dict[str, dict[str, Any]] = {}
    for shard in state.shards:
        if shard.downloaded:
            for line in _lines(folder / shard.name):
                if line["custom_id"] not in answered and line["custom_id"] not in pending:
                    retry[line["custom_id"]] = line
    return list(retry.values())


def _add_retry_shard(folder: Path, state: BatchState, lines: list[dict[str, Any]]) -> None:
    with _Sharder(folder, state) as sharder:
        for line in lines:
            sharder.add(line)
    state.save(folder)


def _find_batch(client: openai.OpenAI, shard: Shard) -> Any:
    """A batch already created for this shard (by its content hash in the metadata), if any."""
    with contextlib.suppress(Exception):
        for batch in client.batches.list(limit=100):
            if (batch.metadata or {}).get("newsfacts_shard") == shard.sha256[:64] and batch.status != "cancelled":
                return batch
    return None


def _failure(line: dict[str, Any]) -> str:
    error = line.get("error") or {}
    if isinstance(error, dict) and error.get("message"):
        return f"{error.get('code') or 'error'}: {error['message']}"
    response = line.get("response") or {}
    body = response.get("body") if isinstance(response, dict) else None
    inner = body.get("error") if isinstance(body, dict) else None
    if isinstance(inner, dict):
        return f"HTTP {response.get('status_code')}: {inner.get('message') or inner.get('code')}"
    return f"HTTP {response.get('status_code')}" if isinstance(response, dict) else "failed"


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    """JSON objects of a JSON Lines file, split on newlines only; a line that does not parse is skipped."""
    with open(path, "rb") as handle:
        for raw in handle:
            with contextlib.suppress(ValueError):
                value = json.loads(raw)
                if isinstance(value, dict):
                    yield value


def _write_atomic(path: Path, data: bytes) -> None:
    """A whole file or none, never written through a planted link (``extract.write.write_file``)."""
    write_file(path, data)
