"""How long the client waits before a retry: the server's Retry-After when it is usable, clamped to 60 s,
else exponential backoff with jitter. A Retry-After of "nan" once crashed the batch (``time.sleep(nan)``).

The values are computed, not timed: :func:`retry_after` and :func:`wait_for_retry` are called directly, and
the end-to-end tests assert only that the run goes on, never how long it took.
"""

from __future__ import annotations

import email.utils
import json
from pathlib import Path

import httpx2
import openai
import pytest
from click.testing import CliRunner
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step, first_option
from tenacity import RetryCallState, Retrying

from extract.cli import cli
from extract.model.client import MAX_RETRY_AFTER, retry_after, wait_for_retry

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "harbour-flood.md"  # a quote only the model settles
NOW = 1_800_000_000.0  # a fixed "now" for HTTP dates
LATER = email.utils.formatdate(NOW + 30, usegmt=True)
EARLIER = email.utils.formatdate(NOW - 30, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after": "1e9"}, MAX_RETRY_AFTER),  # clamped, not a 30-year wait
        ({"retry-after": "61"}, MAX_RETRY_AFTER),
        ({"retry-after": LATER}, 30.0),  # an HTTP date
        ({"retry-after": EARLIER}, 0.0),  # a date already passed: retry now
        ({"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"}, MAX_RETRY_AFTER),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),  # OpenAI's milliseconds win
        ({"retry-after": "nan"}, None),
        ({"retry-after": "NaN"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": "-inf"}, None),
        ({"retry-after": "-5"}, None),
        ({"retry-after": "soon"}, None),
        ({"retry-after": ""}, None),
        ({"retry-after-ms": "nan", "retry-after": "2"}, 2.0),
        ({}, None),
    ],
)
def test_retry_after_values(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after(httpx2.Headers(headers), now=NOW) == seconds


def state_after(err: BaseException, attempt: int = 1) -> RetryCallState:
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = attempt
    state.set_exception((type(err), err, None))
    return state


def rate_limited(headers: dict[str, str]) -> openai.RateLimitError:
    response = httpx2.Response(429, headers=headers, request=httpx2.Request("POST", "http://127.0.0.1/v1/x"))
    return openai.RateLimitError("rate limited", response=response, body=None)


@pytest.mark.parametrize("value", ["nan", "-5", "inf", "soon"])
def test_an_unusable_retry_after_falls_back_to_backoff(value: str) -> None:
    for attempt, low, high in [(1, 0.5, 1.5), (2, 1.0, 2.0), (3, 2.0, 3.0)]:
        seconds = wait_for_retry(state_after(rate_limited({"retry-after": value}), attempt))
        assert low <= seconds <= high  # 0.5 * 2**(n-1) + U(0, 1)


@pytest.mark.parametrize(("value", "seconds"), [("1e9", MAX_RETRY_AFTER), ("2", 2.0),
                                                ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER),
                                                ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0)])
def test_a_usable_retry_after_is_the_wait(value: str, seconds: float) -> None:
    assert wait_for_retry(state_after(rate_limited({"retry-after": value}))) == seconds


def test_other_errors_back_off() -> None:
    dropped = openai.APIConnectionError(request=httpx2.Request("GET", "http://127.0.0.1/v1/x"))
    assert 0.5 <= wait_for_retry(state_after(dropped)) <= 1.5


@pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)
@pytest.mark.parametrize("value", ["nan", "-5", "inf", "Thu, 01 Jan 1970 00:00:00 GMT"])
def test_a_batch_goes_on_after_a_429_with_any_retry_after(tmp_path: Path, value: str) -> None:
    answered = 0

    def script(request: dict[str, object]) -> Step:
        nonlocal answered
        answered += 1
        return Step.status(429, headers={"Retry-After": value}) if answered == 1 else first_option(request)

    with FaultServer(script) as server:
        result = CliRunner().invoke(
            cli, [str(FIXTURE), "--out", "-", "--backend", "openai", "--extraction", "assist", "--base-url",
                  server.base_url, "--model", "fault-model", "--cache-dir", str(tmp_path / "cache"),
                  "--concurrency", "2", "-q"],
            env={"OPENAI_API_KEY": "sk-test", "EXTRACT_MAX_RETRIES": "2"},
        )
    assert result.exit_code == 0, result.stderr
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert server.calls == 2 and line["extractor"]["model_calls"] == 1
    assert line["extractor"].get("model_failures", []) == []
