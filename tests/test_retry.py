"""The retry policy: only what surely never reached the server, or what said when to return.

The loop runs around `httpx.Client.send` on httpx.MockTransport; sleep, random and the
clock are injected (`Pacing`), so every wait is asserted exactly and nothing sleeps.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynamic_sdk_client import APITimeoutError, AuthenticatedClient
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.models import SmsVerificationRetryRequest
from dynamic_sdk_runtime.outcomes import retry_after_seconds
from dynamic_sdk_runtime.retry import (
    Pacing,
    RetryPolicy,
    send_with_retries,
    send_with_retries_async,
)

PURE = settings.get_profile("pure")
"""A pure-function property: many examples (contract_tests/profiles.py, PURE_EXAMPLES)."""

URL = "https://sandbox.invalid/api/v0/sdk/env-1/smsVerifications/retry"
NOW = datetime(2025, 3, 4, 12, 0, 0, tzinfo=UTC)
Step = httpx.Response | Exception

NEVER_SENT = [
    httpx.ConnectError("connection refused"),
    httpx.ConnectError("[Errno -2] Name or service not known"),
    httpx.ConnectTimeout("connect timed out"),
    httpx.PoolTimeout("no free connection"),
]
MAYBE_SENT = [
    httpx.ReadTimeout("read timed out"),
    httpx.ReadError("connection reset"),
    httpx.WriteTimeout("write timed out"),
    httpx.WriteError("broken pipe"),
    httpx.RemoteProtocolError("server disconnected without sending a response"),
]


class Script:
    """A MockTransport handler that plays the given steps in order and records each request."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.content)
        if not self.steps:
            raise AssertionError("more attempts than the test scripted")
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    @property
    def calls(self) -> int:
        return len(self.requests)


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that remembers whether it was read and closed."""

    def __init__(self, body: bytes, broken: bool = False) -> None:
        self.body = body
        self.broken = broken
        self.read = False
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        self.read = True
        yield self.body
        if self.broken:
            raise httpx.ReadError("connection reset mid-body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.read = True
        yield self.body
        if self.broken:
            raise httpx.ReadError("connection reset mid-body")

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def tracked(response: httpx.Response) -> TrackedStream:
    """The response's own stream (httpx wraps it once the response is sent: ask first)."""
    assert isinstance(response.stream, TrackedStream)
    return response.stream


def response(
    status: int, retry_after: str | bytes | None = None, body: bytes = b"{}"
) -> httpx.Response:
    headers: list[tuple[bytes, bytes]] = []
    if retry_after is not None:
        raw = retry_after if isinstance(retry_after, bytes) else retry_after.encode("ascii")
        headers.append((b"Retry-After", raw))
    return httpx.Response(status, headers=headers, stream=TrackedStream(body))


def ok() -> httpx.Response:
    return response(200, body=b'{"ok": true}')


def post(content: bytes = b'{"phoneNumber": "9171113333"}') -> httpx.Request:
    return httpx.Request("POST", URL, content=content)


class Loop:
    """The retry loop on an httpx client over `script`, recording the waits it would sleep."""

    def __init__(
        self,
        script: Callable[[httpx.Request], httpx.Response],
        policy: RetryPolicy | None = None,
        *,
        random: Callable[[], float] = lambda: 1.0,
        now: Callable[[], datetime] = lambda: NOW,
    ) -> None:
        self.policy = policy if policy is not None else RetryPolicy()
        self.sleeps: list[float] = []

        async def sleep_async(seconds: float) -> None:
            self.sleeps.append(seconds)
            await asyncio.sleep(0)  # yield, as a real sleep would

        self.pacing = Pacing(
            sleep=self.sleeps.append, sleep_async=sleep_async, random=random, now=now
        )
        self.http = httpx.Client(transport=httpx.MockTransport(script))
        self.async_http = httpx.AsyncClient(transport=httpx.MockTransport(script))

    def send(self, request: httpx.Request) -> httpx.Response:
        return send_with_retries(self.http, request, self.policy, pacing=self.pacing)

    async def send_async(self, request: httpx.Request) -> httpx.Response:
        return await send_with_retries_async(
            self.async_http, request, self.policy, pacing=self.pacing
        )


def sync_transport(
    script: Callable[[httpx.Request], httpx.Response],
    policy: RetryPolicy | None = None,
    *,
    random: Callable[[], float] = lambda: 1.0,
    now: Callable[[], datetime] = lambda: NOW,
) -> tuple[Loop, list[float]]:
    loop = Loop(script, policy, random=random, now=now)
    return loop, loop.sleeps


async_transport = sync_transport


def send(
    script: Script,
    policy: RetryPolicy | None = None,
    *,
    random: Callable[[], float] = lambda: 1.0,
    now: Callable[[], datetime] = lambda: NOW,
) -> list[float]:
    """Send one POST, expect 200 at the end, return the waits."""
    transport, sleeps = sync_transport(script, policy, random=random, now=now)
    assert transport.send(post()).status_code == 200
    return sleeps


# --- what is retried by default --------------------------------------------------------


@pytest.mark.parametrize("error", NEVER_SENT, ids=lambda e: type(e).__name__)
def test_never_sent_failure_is_retried_with_backoff(error: Exception) -> None:
    script = Script(error, ok())
    assert send(script) == [0.5]
    assert script.calls == 2


@pytest.mark.parametrize("status", [429, 503])
def test_status_with_retry_after_waits_that_long(status: int) -> None:
    script = Script(response(status, "3"), ok())
    assert send(script) == [3.0]
    assert script.calls == 2


def test_mixed_failures_each_wait_their_own_way() -> None:
    script = Script(httpx.ConnectError("refused"), response(429, "4"), ok())
    assert send(script) == [0.5, 4.0]


# --- at most max_retries, then the last outcome as is ------------------------------------


def test_attempts_are_capped_and_the_last_exception_surfaces_unchanged() -> None:
    errors = [httpx.ConnectError(f"refused {n}") for n in range(3)]
    script = Script(*errors)
    transport, sleeps = sync_transport(script)
    with pytest.raises(httpx.ConnectError) as caught:
        transport.send(post())
    assert caught.value is errors[-1]
    assert script.calls == 3
    assert sleeps == [0.5, 1.0]


def test_attempts_are_capped_and_the_last_response_is_returned_read() -> None:
    responses = [response(503, "2", body=f"busy {n}".encode()) for n in range(3)]
    streams = [tracked(r) for r in responses]
    script = Script(*responses)
    transport, sleeps = sync_transport(script)
    final = transport.send(post())
    assert final is responses[-1]
    assert sleeps == [2.0, 2.0]
    # Every one was drained and closed (connection back to the pool), and the caller's
    # error mapping sees the last one's real body.
    assert [(s.read, s.closed) for s in streams] == [(True, True)] * 3
    assert final.content == b"busy 2"


def test_retried_response_with_a_broken_body_is_still_closed_and_retried() -> None:
    broken = httpx.Response(503, headers={"Retry-After": "1"}, stream=TrackedStream(b"x", True))
    stream = tracked(broken)
    script = Script(broken, ok())
    assert send(script) == [1.0]
    assert stream.closed


async def test_async_retried_response_with_a_broken_body_is_still_closed() -> None:
    broken = httpx.Response(429, headers={"Retry-After": "1"}, stream=TrackedStream(b"x", True))
    stream = tracked(broken)
    script = Script(broken, ok())
    result, sleeps = await async_send(script)
    assert (result.status_code, sleeps) == (200, [1.0])
    assert stream.closed


def test_max_retries_is_configurable() -> None:
    script = Script(*[httpx.ConnectTimeout("slow") for _ in range(5)], ok())
    assert send(script, RetryPolicy(max_retries=5)) == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert script.calls == 6


def test_disabled_policy_never_retries() -> None:
    for step in (httpx.ConnectError("refused"), response(503, "1")):
        script = Script(step)
        transport, sleeps = sync_transport(script, RetryPolicy.disabled())
        if isinstance(step, Exception):
            with pytest.raises(httpx.ConnectError):
                transport.send(post())
        else:
            assert transport.send(post()) is step
        assert (script.calls, sleeps) == (1, [])


# --- backoff: capped exponential, full jitter --------------------------------------------


@pytest.mark.parametrize(
    ("policy", "jitter", "expected"),
    [
        (RetryPolicy(max_retries=6), 1.0, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]),
        (RetryPolicy(max_retries=6), 0.0, [0.0] * 6),
        (RetryPolicy(max_retries=6), 0.5, [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]),
        (RetryPolicy(max_retries=4, backoff_initial=1.5, backoff_max=5.0), 1.0, [1.5, 3, 5, 5]),
        (RetryPolicy(max_retries=3, backoff_initial=0.0), 1.0, [0.0, 0.0, 0.0]),
    ],
)
def test_backoff_sequence(policy: RetryPolicy, jitter: float, expected: list[float]) -> None:
    script = Script(*[httpx.ConnectError("refused") for _ in expected], ok())
    assert send(script, policy, random=lambda: jitter) == expected


@settings(PURE)
@given(
    initial=st.floats(0, 10, allow_nan=False),
    ceiling=st.floats(0, 100, allow_nan=False),
    retries=st.integers(1, 8),
    jitter=st.floats(0, 1, exclude_max=True),
)
def test_backoff_never_exceeds_its_cap(
    initial: float, ceiling: float, retries: int, jitter: float
) -> None:
    policy = RetryPolicy(max_retries=retries, backoff_initial=initial, backoff_max=ceiling)
    script = Script(*[httpx.PoolTimeout("busy") for _ in range(retries)], ok())
    sleeps = send(script, policy, random=lambda: jitter)
    assert sleeps == [jitter * min(ceiling, initial * 2.0**n) for n in range(retries)]
    assert all(0 <= s <= ceiling for s in sleeps)


# --- Retry-After -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 8 ", 8.0),
        (format_datetime(NOW + timedelta(seconds=9), usegmt=True), 9.0),
        ("Tue, 04 Mar 2025 12:00:05 GMT", 5.0),
        ("Tuesday, 04-Mar-25 12:00:06 GMT", 6.0),  # RFC 850, still an HTTP-date
        ("Tue Mar  4 12:00:07 2025", 7.0),  # asctime, still an HTTP-date
        ("Tue, 04 Mar 2025 11:59:00 GMT", 0.0),  # already past: come back now
        ("10", 10.0),  # at retry_after_max: still waited for
    ],
)
def test_retry_after_wait(header: str, expected: float) -> None:
    script = Script(response(503, header), ok())
    assert send(script) == [expected]


@pytest.mark.parametrize(
    "header",
    ["11", "86400", "9" * 40, "9" * 5000, format_datetime(NOW + timedelta(hours=2), usegmt=True)],
)
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_past_the_cap_is_handed_back_at_once(status: int, header: str) -> None:
    """Retrying before the server's time is bound to fail: the caller gets it at once."""
    first = response(status, header)
    script = Script(first, ok())
    transport, sleeps = sync_transport(script)
    assert transport.send(post()) is first
    assert (script.calls, sleeps) == (1, [])


def test_retry_after_cap_is_configurable() -> None:
    script = Script(response(429, "60"), response(429, "3"), ok())
    assert send(script, RetryPolicy(retry_after_max=60.0)) == [60.0, 3.0]


def test_retry_after_date_is_measured_against_the_injected_clock() -> None:
    clock = iter([NOW, NOW + timedelta(seconds=10)])
    header = format_datetime(NOW + timedelta(seconds=15), usegmt=True)
    script = Script(response(503, header), response(503, header), ok())
    assert send(script, RetryPolicy(retry_after_max=15.0), now=lambda: next(clock)) == [15.0, 5.0]


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(
    "header",
    [None, "", "   ", "-1", "-0", "1.5", "1e3", "+5", "soon", "5 seconds",
     "٣".encode(), "²".encode("latin-1"),
     "Tue, 32 Mar 2025 12:00:00 GMT", "Foo, 04 Bar 2025 12:00:00 GMT"],
)  # fmt: skip
def test_missing_or_unusable_retry_after_is_not_retried(
    status: int, header: str | bytes | None
) -> None:
    first = response(status, header)
    script = Script(first)
    transport, sleeps = sync_transport(script)
    assert transport.send(post()) is first
    assert (script.calls, sleeps) == (1, [])


@settings(PURE)
@given(st.integers(min_value=0, max_value=10**12))
def test_delta_seconds_parse_exactly(seconds: int) -> None:
    assert retry_after_seconds(str(seconds), NOW) == float(seconds)


@settings(PURE)
@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_http_dates_parse_relative_to_now(offset: int) -> None:
    header = format_datetime(NOW + timedelta(seconds=offset), usegmt=True)
    assert retry_after_seconds(header, NOW) == max(0.0, float(offset))


@settings(PURE)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("latin-1"))))
def test_any_header_text_gives_a_wait_or_none_never_an_error(header: str) -> None:
    seconds = retry_after_seconds(header, NOW)
    assert seconds is None or seconds >= 0


def test_naive_dates_and_clocks_count_as_utc() -> None:
    naive_now = NOW.replace(tzinfo=None)
    assert retry_after_seconds("Tue, 04 Mar 2025 12:00:05 -0000", NOW) == 5.0
    assert retry_after_seconds("Tue, 04 Mar 2025 12:00:05 GMT", naive_now) == 5.0


# --- not retried unless opted in ---------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_are_not_retried_by_default(status: int) -> None:
    first = response(status)
    script = Script(first)
    transport, sleeps = sync_transport(script)
    assert transport.send(post()) is first
    assert (script.calls, sleeps) == (1, [])


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_with_retry_after_are_not_retried_by_default_except_503(
    status: int,
) -> None:
    script = Script(response(status, "1"), ok())
    transport, sleeps = sync_transport(script)
    result = transport.send(post())
    assert result.status_code == (200 if status == 503 else status)
    assert (script.calls, sleeps) == ((2, [1.0]) if status == 503 else (1, []))


@pytest.mark.parametrize("status", [500, 502, 504])
def test_opted_in_status_is_retried_with_backoff(status: int) -> None:
    script = Script(response(status), response(status, "junk"), ok())
    assert send(script, RetryPolicy(retry_statuses=frozenset({500, 502, 504}))) == [0.5, 1.0]


def test_opted_in_status_with_retry_after_waits_that_long() -> None:
    script = Script(response(502, "6"), ok())
    assert send(script, RetryPolicy(retry_statuses=frozenset({502}))) == [6.0]


def test_opting_in_429_retries_it_even_without_retry_after() -> None:
    script = Script(response(429), ok())
    assert send(script, RetryPolicy(retry_statuses=frozenset({429}))) == [0.5]


def test_only_the_opted_in_statuses_are_retried() -> None:
    first = response(500)
    script = Script(first)
    transport, _ = sync_transport(script, RetryPolicy(retry_statuses=frozenset({502})))
    assert transport.send(post()) is first


@pytest.mark.parametrize("status", [400, 401, 403, 404, 408, 409, 422, 501, 520])
def test_other_statuses_are_never_retried_by_default(status: int) -> None:
    script = Script(response(status, "1"))
    transport, sleeps = sync_transport(script)
    assert transport.send(post()).status_code == status
    assert (script.calls, sleeps) == (1, [])


@pytest.mark.parametrize("error", MAYBE_SENT, ids=lambda e: type(e).__name__)
def test_maybe_sent_failure_is_not_retried_by_default(error: Exception) -> None:
    script = Script(error, ok())
    transport, sleeps = sync_transport(script)
    with pytest.raises(type(error)) as caught:
        transport.send(post())
    assert caught.value is error
    assert (script.calls, sleeps) == (1, [])


@pytest.mark.parametrize("error", MAYBE_SENT, ids=lambda e: type(e).__name__)
def test_maybe_sent_failure_is_retried_when_opted_in(error: Exception) -> None:
    script = Script(error, ok())
    assert send(script, RetryPolicy(retry_unsafe_errors=True)) == [0.5]


@pytest.mark.parametrize(
    "error",
    [
        httpx.LocalProtocolError("bad header"),
        httpx.UnsupportedProtocol("ftp"),
        httpx.ProxyError("proxy said no"),
        RuntimeError("bug in a handler"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_other_errors_are_never_retried_even_when_opted_in(error: Exception) -> None:
    script = Script(error, ok())
    transport, _ = sync_transport(script, RetryPolicy(retry_unsafe_errors=True))
    with pytest.raises(type(error)):
        transport.send(post())
    assert script.calls == 1


# --- request bodies ----------------------------------------------------------------------


def test_post_body_and_headers_are_resent_identically() -> None:
    body = b'{"verificationUUID": "95b11417-f18f-457f-8804-68e361f9164f", "phoneNumber": "1"}'
    request = httpx.Request(
        "POST", URL, content=body, headers={"Authorization": "Bearer t", "Content-Type": "x/y"}
    )
    script = Script(httpx.ConnectError("refused"), response(503, "0"), ok())
    transport, _ = sync_transport(script)
    assert transport.send(request).status_code == 200
    assert script.bodies == [body, body, body]
    assert {tuple(r.headers.multi_items()) for r in script.requests} == {
        tuple(request.headers.multi_items())
    }


def test_one_shot_stream_body_is_not_retried() -> None:
    request = httpx.Request("POST", URL, content=iter([b"chunk-1", b"chunk-2"]))
    script = Script(httpx.ConnectError("refused"), ok())
    transport, sleeps = sync_transport(script)
    with pytest.raises(httpx.ConnectError):
        transport.send(request)
    assert (script.calls, sleeps) == (1, [])


# --- logging -----------------------------------------------------------------------------


def test_retries_are_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    token, phone = "secret-token", "+19171113333"
    request = httpx.Request(
        "POST",
        URL + "?captcha=query-secret",
        headers={"Authorization": f"Bearer {token}"},
        json={"phoneNumber": phone, "verificationUUID": "uuid-in-body"},
    )
    script = Script(
        httpx.ConnectError(f"refused, Bearer {token} {phone}"), response(503, "2"), ok()
    )
    transport, _ = sync_transport(script)
    with caplog.at_level(logging.DEBUG, logger="dynamic_sdk_client.retry"):
        transport.send(request)
    records = [r for r in caplog.records if r.name == "dynamic_sdk_client.retry"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]
    messages = [r.getMessage() for r in records]
    path = "/api/v0/sdk/env-1/smsVerifications/retry"
    assert messages == [
        f"POST {path}: attempt 1 of 3 failed (ConnectError); retrying in 0.500 s",
        f"POST {path}: attempt 2 of 3 failed (HTTP 503 with Retry-After); retrying in 2.000 s",
    ]
    logged = caplog.text + "".join(repr(r.args) + repr(r.__dict__) for r in records)
    for secret in (token, phone, "9171113333", "query-secret", "uuid-in-body"):
        assert secret not in logged


def test_nothing_is_logged_without_a_retry(caplog: pytest.LogCaptureFixture) -> None:
    transport, _ = sync_transport(Script(ok()))
    with caplog.at_level(logging.DEBUG, logger="dynamic_sdk_client.retry"):
        transport.send(post())
    assert not [r for r in caplog.records if r.name == "dynamic_sdk_client.retry"]


# --- the policy object -------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"max_retries": True},
        {"backoff_initial": -0.1},
        {"backoff_max": float("nan")},
        {"backoff_max": float("inf")},
        {"retry_after_max": -1},
        {"retry_unsafe_errors": "yes"},
        {"retry_statuses": {200}},
        {"retry_statuses": {5000}},
        {"retry_statuses": {"500"}},
    ],
    ids=repr,
)
def test_bad_policy_is_rejected_naming_the_field(kwargs: dict[str, object]) -> None:
    (name,) = kwargs
    with pytest.raises((ValueError, TypeError), match=name):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_policy_defaults_and_statuses_from_any_iterable() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.backoff_initial, policy.backoff_max) == (2, 0.5, 8.0)
    assert (policy.retry_after_max, policy.retry_unsafe_errors) == (10.0, False)
    assert policy.retry_rate_limited is True
    assert policy.retry_statuses == frozenset()
    assert RetryPolicy(retry_statuses=[502, 500]).retry_statuses == frozenset({500, 502})
    assert RetryPolicy.disabled().max_retries == 0


# --- the generated client ----------------------------------------------------------


ENVIRONMENT_ID = "95b11417-f18f-457f-8804-68e361f9164f"
GENERATED_BODY = {
    "verificationUUID": "95b11417-f18f-457f-8804-68e361f9164f",
    "phoneCountryCode": "1",
    "phoneNumber": "9171113333",
    "isoCountryCode": "US",
}


def echo() -> httpx.Response:
    return httpx.Response(200, json=GENERATED_BODY)


def generated_client(script: Script, policy: RetryPolicy) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="https://sandbox.invalid/api/v0",
        token="secret-token",
        httpx_args={"transport": httpx.MockTransport(script)},
        retry_policy=policy,
    )


def test_generated_client_retries_by_its_policy() -> None:
    # backoff_initial=0 makes the real sleep a no-op: nothing waits.
    script = Script(httpx.ConnectError("refused"), response(429, "0"), echo())
    body = SmsVerificationRetryRequest.from_dict(GENERATED_BODY)
    with generated_client(script, RetryPolicy(backoff_initial=0.0)) as client:
        result = retry_sms_verification.sync(ENVIRONMENT_ID, client=client, body=body)
    assert result is not None
    assert script.calls == 3
    assert script.bodies[0] == script.bodies[2]


async def test_generated_async_client_does_not_retry_a_read_timeout() -> None:
    script = Script(httpx.ReadTimeout("slow"), echo())
    body = SmsVerificationRetryRequest.from_dict(GENERATED_BODY)
    async with generated_client(script, RetryPolicy(backoff_initial=0.0)) as client:
        with pytest.raises(APITimeoutError) as caught:
            await retry_sms_verification.asyncio(ENVIRONMENT_ID, client=client, body=body)
    assert script.calls == 1
    assert caught.value.may_have_reached_server is True
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


# --- async -------------------------------------------------------------------------------


async def async_send(
    script: Script, policy: RetryPolicy | None = None, request: httpx.Request | None = None
) -> tuple[httpx.Response, list[float]]:
    transport, sleeps = async_transport(script, policy)
    return await transport.send_async(request or post()), sleeps


@pytest.mark.parametrize("error", NEVER_SENT, ids=lambda e: type(e).__name__)
async def test_async_never_sent_failure_is_retried(error: Exception) -> None:
    script = Script(error, ok())
    result, sleeps = await async_send(script)
    assert (result.status_code, sleeps, script.calls) == (200, [0.5], 2)


@pytest.mark.parametrize("status", [429, 503])
async def test_async_retry_after_is_honoured_and_capped(status: int) -> None:
    script = Script(response(status, "3"), response(status, "999"), ok())
    result, sleeps = await async_send(script)
    assert (result.status_code, sleeps) == (status, [3.0])  # 999 s: handed back at once


async def test_async_attempts_capped_and_last_exception_surfaces() -> None:
    errors = [httpx.ConnectError(f"refused {n}") for n in range(3)]
    script = Script(*errors)
    transport, sleeps = async_transport(script)
    with pytest.raises(httpx.ConnectError) as caught:
        await transport.send_async(post())
    assert caught.value is errors[-1]
    assert sleeps == [0.5, 1.0]


async def test_async_last_response_returned_read_and_every_one_closed() -> None:
    responses = [response(429, "1", body=f"slow down {n}".encode()) for n in range(3)]
    streams = [tracked(r) for r in responses]
    script = Script(*responses)
    result, sleeps = await async_send(script)
    assert result is responses[-1]
    assert sleeps == [1.0, 1.0]
    assert [(s.read, s.closed) for s in streams] == [(True, True)] * 3
    assert result.content == b"slow down 2"


@pytest.mark.parametrize("step", [response(429), response(503), response(500, "1")])
async def test_async_unannounced_or_other_statuses_are_not_retried(step: httpx.Response) -> None:
    script = Script(step)
    result, sleeps = await async_send(script)
    assert (result, sleeps, script.calls) == (step, [], 1)


@pytest.mark.parametrize("error", MAYBE_SENT, ids=lambda e: type(e).__name__)
async def test_async_maybe_sent_failure_needs_opt_in(error: Exception) -> None:
    default, _ = async_transport(Script(error))
    with pytest.raises(type(error)):
        await default.send_async(post())
    script = Script(error, ok())
    result, sleeps = await async_send(script, RetryPolicy(retry_unsafe_errors=True))
    assert (result.status_code, sleeps) == (200, [0.5])


async def test_async_opted_in_statuses_use_backoff() -> None:
    script = Script(response(502), response(504), ok())
    result, sleeps = await async_send(script, RetryPolicy(retry_statuses=frozenset({502, 504})))
    assert (result.status_code, sleeps) == (200, [0.5, 1.0])


async def test_async_body_is_resent_identically() -> None:
    body = b'{"phoneNumber": "9171113333"}'
    script = Script(httpx.PoolTimeout("busy"), response(503, "0"), ok())
    result, _ = await async_send(script, request=post(body))
    assert result.status_code == 200
    assert script.bodies == [body, body, body]


async def test_async_disabled_policy_never_retries() -> None:
    script = Script(httpx.ConnectError("refused"))
    transport, sleeps = async_transport(script, RetryPolicy.disabled())
    with pytest.raises(httpx.ConnectError):
        await transport.send_async(post())
    assert (script.calls, sleeps) == (1, [])


async def test_async_one_shot_stream_is_not_retried() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"chunk"

    script = Script(httpx.ConnectError("refused"), ok())
    transport, _ = async_transport(script)
    with pytest.raises(httpx.ConnectError):
        await transport.send_async(httpx.Request("POST", URL, content=chunks()))
    assert script.calls == 1


async def test_async_concurrent_requests_keep_their_own_attempts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scripts = {
        "/a": Script(httpx.ConnectError("refused"), ok()),
        "/b": Script(response(503, "5"), response(503, "6"), ok()),
    }

    def route(request: httpx.Request) -> httpx.Response:
        return scripts[request.url.path](request)

    transport, sleeps = async_transport(route)
    with caplog.at_level(logging.WARNING, logger="dynamic_sdk_client.retry"):
        results = await asyncio.gather(
            transport.send_async(httpx.Request("POST", "https://h.invalid/a")),
            transport.send_async(httpx.Request("POST", "https://h.invalid/b")),
        )
    assert [r.status_code for r in results] == [200, 200]
    assert sorted(sleeps) == [0.5, 5.0, 6.0]
    assert (scripts["/a"].calls, scripts["/b"].calls) == (2, 3)
    attempts = sorted(r.getMessage().split(":")[0] + r.getMessage()[-8:] for r in caplog.records)
    assert attempts == ["POST /a 0.500 s", "POST /b 5.000 s", "POST /b 6.000 s"]
