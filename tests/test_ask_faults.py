"""The real ModelClient (openai + instructor, Mode.TOOLS) against the scripted FaultServer, on the constrained
speaker question of assist extraction.

No mocks: every test sends real HTTP to ``tests/fault_server.py`` on 127.0.0.1 and asserts what the decider
returns, what it counted in the :class:`Meter`, and what (and when) the server received. pyproject's
``--block-network`` blocks loopback too, hence the module-level ``block_network(allowed_hosts=...)`` mark.

Retry budgets, as wired in ``extract/model/client.py``: tenacity retries transient failures up to ``max_retries``
times (Retry-After honoured, else 0.5 s * 2**n + U(0, 1) s); instructor re-asks on a schema failure up to
``max_reasks`` times, with no wait. Waits are asserted from below only (a busy machine makes them longer,
never shorter); their exact values are unit-tested in ``tests/test_retry_after.py``.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import diskcache
import openai
import pytest
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step, completion_body

from extract.errors import ModelCallError
from extract.model.client import Meter, Model, Request
from extract.model.connect import open_model
from extract.model.prompts import load_prompt
from extract.model.questions import choice_model
from extract.settings import Settings

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

API_KEY = "sk-secret-test-key-123"
SHA = "a" * 64
OPTIONS = ("Ilham Aliyev", "Masoud Pezeshkian", "unknown")
PASSAGE = 'Speaking in Baku on Tuesday, Ilham Aliyev said: "We will not accept any corridor through our land."'
QUOTE = "We will not accept any corridor through our land."
QUESTION = {"passage": PASSAGE, "quote": QUOTE, "options": ", ".join(OPTIONS)}
VALID = {"answer": "Ilham Aliyev"}
OK = Step.ok(VALID)
NOT_AN_OPTION = Step.raw('{"answer": "Vladimir Putin"}')


def ask(model: Model, variables: dict[str, str], *, article_sha256: str, meter: Meter) -> str | None:
    """The speaker question, as assist extraction puts it: the chosen option, or None."""
    request = Request("ask.speaker.v1", variables, choice_model(OPTIONS), "a1", article_sha256)
    answer = model.answer(request, meter)
    return None if answer is None else str(answer.value.answer)


@contextmanager
def decider_for(server: FaultServer, tmp_path: Path, **overrides: Any) -> Iterator[Model]:
    settings = Settings(
        backend="openai",
        extraction="assist",
        base_url=server.base_url,
        api_key=API_KEY,
        model="fault-model",
        cache_dir=tmp_path / "cache",
        **{"timeout": 2.0, "max_retries": 2, **overrides},
    )
    with open_model(settings) as decider:
        yield decider


def usage_of(request: dict[str, Any], arguments: str) -> tuple[int, int]:
    """The usage the FaultServer reports for ``request`` answered with tool-call ``arguments``."""
    usage = completion_body(request, arguments, 0)["usage"]
    return usage["prompt_tokens"], usage["completion_tokens"]


def cache_bytes(tmp_path: Path) -> list[bytes]:
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files, "the answer cache wrote nothing"
    return [p.read_bytes() for p in files]


# --- the request the decider sends ------------------------------------------------------------------
def test_ok_answers_and_meters_one_call(tmp_path: Path) -> None:
    with FaultServer([OK]) as server, decider_for(server, tmp_path) as decider:
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    assert server.calls == 1
    request = server.requests[0]
    # Mode.TOOLS: one forced tool "Answer" whose only field "answer" is an enum of the options.
    assert request["model"] == "fault-model"
    assert request["tool_choice"] == {"type": "function", "function": {"name": "Answer"}}
    [tool] = request["tools"]
    params = tool["function"]["parameters"]
    assert tool["function"]["name"] == "Answer"
    assert params["required"] == ["answer"]
    assert params["properties"]["answer"]["enum"] == list(OPTIONS)
    assert request["temperature"] == 0 and request["max_tokens"] == 64
    assert meter.model_calls == 1 and meter.attempts == 1 and meter.cache_hits == 0
    assert (meter.prompt_tokens, meter.completion_tokens) == usage_of(request, OK.arguments)
    assert meter.prompt_tokens > 0 and meter.completion_tokens > 0
    assert meter.model_seconds > 0 and meter.failures == []


# --- transient failures are retried -----------------------------------------------------------------
def test_429_retry_after_is_honoured(tmp_path: Path) -> None:
    with FaultServer([Step.status(429, retry_after=1.6), OK]) as server, decider_for(server, tmp_path) as decider:
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    assert server.calls == 2
    [gap] = server.intervals()
    # Retry-After, longer than the first backoff can be (0.5 s + U(0, 1) s). Only lower bounds are asserted
    # here (a busy machine makes waits longer, never shorter); tests/test_retry_after.py checks the values.
    assert gap >= 1.6
    assert meter.model_calls == 1 and meter.attempts == 2
    # Only the successful completion carries usage.
    assert (meter.prompt_tokens, meter.completion_tokens) == usage_of(server.requests[1], OK.arguments)


def test_500_then_503_then_ok_backs_off_exponentially(tmp_path: Path) -> None:
    with (
        FaultServer([Step.status(500), Step.status(503), OK]) as server,
        decider_for(server, tmp_path, max_retries=2) as decider,
    ):
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    assert server.calls == 3
    first, second = server.intervals()
    assert first >= 0.5  # 0.5 * 2**0 + U(0, 1)
    assert second >= 1.0  # 0.5 * 2**1 + U(0, 1)
    assert meter.model_calls == 1 and meter.attempts == 3 and meter.failures == []


def test_stall_past_client_timeout_is_retried(tmp_path: Path) -> None:
    with (
        FaultServer([Step.stall(5.0), OK]) as server,
        decider_for(server, tmp_path, timeout=0.5) as decider,
    ):
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    assert server.calls == 2
    [gap] = server.intervals()
    assert gap >= 0.5 + 0.5  # the 0.5 s read timeout, then at least the 0.5 s backoff
    assert meter.attempts == 2


def test_a_dripping_server_is_cut_off_at_the_timeout(tmp_path: Path) -> None:
    """httpx's timeout bounds each read; a server that sends one byte every 0.05 s (status line, headers and
    body alike) never trips it. The timeout bounds the whole request: 200 bytes would take 10 s."""
    drip = Step.drip(0.05, then=OK, count=200)
    with (
        FaultServer([drip, drip, OK]) as server,
        decider_for(server, tmp_path, timeout=1.0, max_retries=2) as decider,
    ):
        meter = Meter()
        with pytest.raises(ModelCallError, match=r"^model call failed: timed out waiting for "):
            ask(decider, QUESTION, article_sha256=SHA, meter=meter)
    assert server.calls == 2  # a timeout is tried once more, not max_retries times
    assert meter.attempts == 2


def test_a_slow_answer_within_the_timeout_is_taken(tmp_path: Path) -> None:
    with (
        FaultServer([Step.drip(0.005, then=OK, count=100)]) as server,
        decider_for(server, tmp_path, timeout=30.0) as decider,
    ):
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    assert server.calls == 1 and meter.attempts == 1


def test_drop_mid_body_is_retried(tmp_path: Path) -> None:
    with FaultServer([Step.drop_mid_body(), OK]) as server, decider_for(server, tmp_path) as decider:
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    assert server.calls == 2
    assert server.intervals()[0] >= 0.5  # tenacity's backoff: the openai client itself has max_retries=0
    assert meter.attempts == 2


def test_truncated_json_body_is_transient(tmp_path: Path) -> None:
    with FaultServer([Step.truncated_json(), OK]) as server, decider_for(server, tmp_path) as decider:
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    # instructor already retries a JSONDecodeError from the call (it counts as a parse error), with no wait.
    assert server.calls == 2
    assert server.requests[1] == server.requests[0]  # a plain retry, not a re-ask with an error message
    assert meter.attempts == 2 and meter.failures == []
    assert (meter.prompt_tokens, meter.completion_tokens) == usage_of(server.requests[1], OK.arguments)


# --- permanent failures raise ModelCallError, within a bounded budget ---------------------------------
def test_permanent_500_raises_after_max_retries_plus_one(tmp_path: Path) -> None:
    with (
        FaultServer(default=Step.status(500, retry_after=0.05)) as server,
        decider_for(server, tmp_path, max_retries=2) as decider,
    ):
        meter = Meter()
        with pytest.raises(ModelCallError) as exc:
            ask(decider, QUESTION, article_sha256=SHA, meter=meter)
    assert server.calls == 3
    err = exc.value
    assert str(err) == f"model call failed: HTTP 500 from {server.base_url}"
    assert "HTTP 500" in str(err) and err.stage == "ask"
    assert isinstance(err.original, openai.InternalServerError)
    text = "".join(traceback.format_exception(err))  # the whole chain, as a crash report would show it
    assert API_KEY not in text and API_KEY not in repr(err) and API_KEY not in repr(err.original)
    assert meter.model_calls == 1 and meter.attempts == 3 and meter.failures == []
    assert (meter.prompt_tokens, meter.completion_tokens) == (0, 0)


def test_429_without_retry_after_budget_is_bounded(tmp_path: Path) -> None:
    with (
        FaultServer(default=Step.status(429)) as server,
        decider_for(server, tmp_path, max_retries=1) as decider,
        pytest.raises(ModelCallError, match=r"HTTP 429"),
    ):
        ask(decider, QUESTION, article_sha256=SHA, meter=Meter())
    assert server.calls == 2
    assert server.intervals()[0] >= 0.5  # no Retry-After: exponential backoff with jitter


def test_4xx_is_not_retried(tmp_path: Path) -> None:
    with (
        FaultServer(default=Step.status(401)) as server,
        decider_for(server, tmp_path, max_retries=3) as decider,
        pytest.raises(ModelCallError, match=rf"^model call failed: HTTP 401 from {re.escape(server.base_url)}$"),
    ):
        ask(decider, QUESTION, article_sha256=SHA, meter=Meter())
    assert server.calls == 1


def test_truncated_json_forever_budget_is_retries_times_reasks(tmp_path: Path) -> None:
    with (
        FaultServer(default=Step.truncated_json()) as server,
        decider_for(server, tmp_path, max_retries=1, max_reasks=1) as decider,
        pytest.raises(ModelCallError, match=r"truncated or invalid JSON body"),
    ):
        ask(decider, QUESTION, article_sha256=SHA, meter=Meter())
    # Bounded, but by (max_retries + 1) * (max_reasks + 1): instructor retries a JSONDecodeError itself.
    assert server.calls == 4


# --- invalid answers: instructor re-asks, then the decider abstains -----------------------------------
@pytest.mark.parametrize("max_reasks", [0, 1, 2])
def test_answer_outside_options_abstains_after_reasks(tmp_path: Path, max_reasks: int) -> None:
    with (
        FaultServer(default=NOT_AN_OPTION) as server,
        decider_for(server, tmp_path, max_retries=2, max_reasks=max_reasks) as decider,
    ):
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) is None
        assert server.calls == max_reasks + 1  # re-asks only; the transport retries are not used
        assert meter.model_calls == 1 and meter.attempts == max_reasks + 1
        assert meter.failures == [f"ask.speaker.v1: no valid answer after {max_reasks + 1} attempts"]
        # Every attempt's usage is counted, even though no answer came of it.
        usages = [usage_of(r, NOT_AN_OPTION.arguments) for r in server.requests]
        assert meter.prompt_tokens == sum(u[0] for u in usages)
        assert meter.completion_tokens == sum(u[1] for u in usages)
        if max_reasks:
            reask = server.requests[1]["messages"]
            assert len(reask) > len(server.requests[0]["messages"])
            assert "Vladimir Putin" in str(reask)  # the validation error is fed back
        # An abstention is not cached: asking again asks the model again.
        again = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=again) is None
        assert server.calls == 2 * (max_reasks + 1) and again.cache_hits == 0


@pytest.mark.parametrize(
    "bad",
    [
        '{"answer": 42}',
        '{"speaker": "Ilham Aliyev"}',
        '{"answer": "Ilham Aliyev"',  # not even JSON
    ],
)
def test_schema_failure_then_valid_answer(tmp_path: Path, bad: str) -> None:
    with FaultServer([Step.raw(bad), OK]) as server, decider_for(server, tmp_path) as decider:
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    assert server.calls == 2
    assert len(server.requests[1]["messages"]) > len(server.requests[0]["messages"])  # a re-ask
    assert meter.model_calls == 1 and meter.attempts == 2 and meter.failures == []


def test_transport_failure_during_reask_is_retried(tmp_path: Path) -> None:
    # A 5xx on the re-ask is a transient failure like any other, not "no valid answer".
    script = [NOT_AN_OPTION, Step.status(500, retry_after=0.05), OK]
    with FaultServer(script) as server, decider_for(server, tmp_path, max_retries=1) as decider:
        meter = Meter()
        assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
    assert server.calls == 3
    assert server.requests[2] == server.requests[0]  # tenacity starts the question afresh
    assert meter.failures == [] and meter.attempts == 3


# --- the answer cache --------------------------------------------------------------------------------
def test_cache_hit_makes_no_request_and_is_keyed_by_article(tmp_path: Path) -> None:
    with FaultServer(default=OK) as server:
        with decider_for(server, tmp_path) as decider:
            assert ask(decider, QUESTION, article_sha256=SHA, meter=Meter()) == "Ilham Aliyev"
            assert server.calls == 1
            hit = Meter()
            assert ask(decider, QUESTION, article_sha256=SHA, meter=hit) == "Ilham Aliyev"
            assert server.calls == 1
            assert hit == Meter(cache_hits=1)  # no call, no attempts, no tokens
            other = Meter()
            assert ask(decider, QUESTION, article_sha256="b" * 64, meter=other) == "Ilham Aliyev"
            assert server.calls == 2 and other.model_calls == 1 and other.cache_hits == 0
        # The cache outlives the decider: a new run over the same inputs makes no request.
        with decider_for(server, tmp_path) as decider:
            rerun = Meter()
            assert ask(decider, QUESTION, article_sha256=SHA, meter=rerun) == "Ilham Aliyev"
        assert server.calls == 2 and rerun.cache_hits == 1


@pytest.mark.parametrize("stored", ["not a dict", ["Ilham Aliyev"], {"answer": "Vladimir Putin"}, {"usage": [1, 2]}])
def test_unusable_cache_entry_is_a_miss(tmp_path: Path, stored: Any) -> None:
    with FaultServer(default=OK) as server:
        with decider_for(server, tmp_path) as decider:
            ask(decider, QUESTION, article_sha256=SHA, meter=Meter())
        with diskcache.Cache(str(tmp_path / "cache" / "answers")) as raw:
            keys = list(raw)
            assert len(keys) == 1
            raw[keys[0]] = stored
        with decider_for(server, tmp_path) as decider:
            miss = Meter()
            assert ask(decider, QUESTION, article_sha256=SHA, meter=miss) == "Ilham Aliyev"
            assert server.calls == 2 and miss.cache_hits == 0 and miss.model_calls == 1
            healed = Meter()  # the fresh answer replaced the bad entry
            assert ask(decider, QUESTION, article_sha256=SHA, meter=healed) == "Ilham Aliyev"
            assert server.calls == 2 and healed.cache_hits == 1


def test_garbage_cache_files_are_a_miss_not_a_crash(tmp_path: Path) -> None:
    with FaultServer(default=OK) as server:
        with decider_for(server, tmp_path) as decider:
            ask(decider, QUESTION, article_sha256=SHA, meter=Meter())
        files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
        assert files
        for path in files:
            path.write_bytes(b"\x00garbage\xff" * 512)
        with decider_for(server, tmp_path) as decider:
            meter = Meter()
            assert ask(decider, QUESTION, article_sha256=SHA, meter=meter) == "Ilham Aliyev"
        assert server.calls == 2 and meter.cache_hits == 0
        assert list(tmp_path.glob("cache/answers.corrupt-*")), "the unreadable cache was moved aside"


# --- secrets -----------------------------------------------------------------------------------------
def test_api_key_stays_out_of_cache_errors_and_request_bodies(tmp_path: Path) -> None:
    script = [OK, NOT_AN_OPTION, NOT_AN_OPTION, Step.status(500), Step.status(500)]
    with FaultServer(script) as server, decider_for(server, tmp_path, max_retries=1) as decider:
        assert ask(decider, QUESTION, article_sha256=SHA, meter=Meter()) == "Ilham Aliyev"
        assert ask(decider, QUESTION, article_sha256="b" * 64, meter=Meter()) is None
        with pytest.raises(ModelCallError) as exc:
            ask(decider, QUESTION, article_sha256="c" * 64, meter=Meter())
        assert API_KEY not in repr(decider.__dict__)
    for data in cache_bytes(tmp_path):
        assert API_KEY.encode() not in data
        assert b"sk-secret" not in data
    text = "".join(traceback.format_exception(exc.value))
    assert API_KEY not in text and API_KEY not in str(exc.value.as_record())
    assert all(API_KEY not in repr(request) for request in server.requests)
    # FaultServer records request bodies only, not headers, so "the key reaches the server only in the
    # Authorization header" cannot be asserted here; the key is at least in no request body.


# --- no template injection ----------------------------------------------------------------------------
INJECTION = 'He wrote "{% if x %}{{ x }}{% endif %}", then $passage, ${quote}, $options and $$ and $ alone.'


def single_pass(template: str, variables: dict[str, str]) -> str:
    """An independent rendering: each placeholder of the template replaced once, values never re-read."""
    return re.sub(r"\$(\w+)", lambda m: variables.get(m.group(1), m.group(0)), template)


def test_load_prompt_renders_article_text_literally() -> None:
    prompt = load_prompt("ask.speaker.v1")
    assert prompt.id == "ask.speaker.v1" and "$passage" in prompt.user
    variables = {"passage": INJECTION, "quote": "{{ x }}", "options": "A, B"}
    system, user = prompt.render(variables)
    assert system == {"role": "system", "content": prompt.system}
    assert user["role"] == "user"
    assert user["content"].count(INJECTION) == 1
    assert user["content"] == single_pass(prompt.user, variables)
    assert user["content"].startswith("Passage:\n" + INJECTION + "\n")


def test_article_text_reaches_the_model_unmodified(tmp_path: Path) -> None:
    question = {"passage": INJECTION, "quote": "$options", "options": ", ".join(OPTIONS)}
    with FaultServer([OK]) as server, decider_for(server, tmp_path) as decider:
        assert ask(decider, question, article_sha256=SHA, meter=Meter()) == "Ilham Aliyev"
    system, user = server.requests[0]["messages"]
    assert system["content"] == load_prompt("ask.speaker.v1").system
    assert user["content"].count(INJECTION) == 1
    assert "Quotation: $options\n" in user["content"]  # the quote's "$options" was not substituted
    assert user["content"].endswith("Choose from: " + ", ".join(OPTIONS))


def test_retried_failures_leave_nothing_on_stderr(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A transient failure is retried quietly: instructor's own ERROR lines, which carry the server's reply
    (and so whatever a hostile server echoes), are not emitted; the decider reports failures itself."""
    with (
        FaultServer([Step.status(500), OK]) as server,
        decider_for(server, tmp_path, max_retries=2) as decider,
    ):
        assert ask(decider, QUESTION, article_sha256=SHA, meter=Meter()) == "Ilham Aliyev"
    assert [r.getMessage() for r in caplog.records if r.name.startswith("instructor")] == []
