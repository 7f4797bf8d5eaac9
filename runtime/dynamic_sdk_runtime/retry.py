"""Safe retries for an operation that texts a person: a blind retry can send two SMS.

By default only failures where the request surely never reached the server are retried
(refused connection / DNS failure, connect timeout, pool timeout; a proxy's refusal is
final, see `outcomes`), plus 429 and 503 responses that say when to come back
(`Retry-After`) within `retry_after_max`; a longer Retry-After is handed to the caller at
once (RateLimitError with `.retry_after`), since a retry before the server's time is bound
to fail. Everything else is retried only on explicit opt-in, see `RetryPolicy`.

The loop (`send_with_retries`, `send_with_retries_async`) runs in the call path around
httpx's public `Client.send`, so it holds for any httpx client a caller hands the generated
client (built from `httpx_args`, or given with `set_httpx_client`): it owns the attempts,
the waits, the call's deadline and the "was it sent?" decision.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random as _random
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx

from .outcomes import retry_after_seconds, transient_and_never_sent

__all__ = ["Pacing", "RetryPolicy", "send_with_retries", "send_with_retries_async"]

logger = logging.getLogger("dynamic_sdk_client.retry")

# The request may have reached the server (and the SMS may have gone out): opt-in only.
_MAYBE_SENT: tuple[type[Exception], ...] = (
    httpx.ReadTimeout,
    httpx.ReadError,
    httpx.WriteTimeout,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)
# Statuses whose Retry-After means "not processed, come back then".
_RETRY_AFTER_STATUSES = frozenset({429, 503})
# Enough doublings to pass any sane backoff_max without overflowing a float.
_MAX_DOUBLINGS = 64


def _status_set(values: Iterable[int]) -> frozenset[int]:
    """Accept any iterable of statuses (a set literal, a list) and keep it immutable."""
    return frozenset(values)


def _check_statuses(_instance: object, _attribute: object, value: frozenset[int]) -> None:
    """Only error statuses can be opted in; a typo like 5000 should fail loudly."""
    for status in value:
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"retry_statuses: {status!r} is not an HTTP error status (400-599)")


def _non_negative(_instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    """Counts and seconds: a finite number, zero or more (NaN, inf and True are mistakes)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise ValueError(f"{attribute.name}: must be a finite number >= 0, got {value!r}")


def _whole(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int):
        raise ValueError(f"{attribute.name}: must be an int, got {value!r}")


@attrs.frozen
class RetryPolicy:
    """Which failures are retried, how often, and how long to wait between attempts.

    ``max_retries`` counts retries, so the default 2 means at most 3 attempts. Connection
    failures wait a random time in ``[0, min(backoff_max, backoff_initial * 2**n))`` (full
    jitter); 429/503 wait their Retry-After when it is at most ``retry_after_max`` and are
    not retried when it is longer (or missing). ``retry_rate_limited=False`` hands every 429
    to the caller at once while keeping the safe connection retries.
    ``retry_unsafe_errors`` also retries read/write timeouts and errors and remote protocol
    errors, and ``retry_statuses`` adds statuses (e.g. ``{500, 502, 504}``) retried with
    backoff, or with their Retry-After when they carry a valid one. Both may send the SMS
    twice: opt in only if a duplicate text is acceptable.
    """

    max_retries: int = attrs.field(default=2, validator=[_whole, _non_negative])
    retry_rate_limited: bool = attrs.field(
        default=True, validator=attrs.validators.instance_of(bool)
    )
    backoff_initial: float = attrs.field(default=0.5, validator=_non_negative)
    backoff_max: float = attrs.field(default=8.0, validator=_non_negative)
    retry_after_max: float = attrs.field(default=10.0, validator=_non_negative)
    retry_unsafe_errors: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    retry_statuses: frozenset[int] = attrs.field(
        default=frozenset(), converter=_status_set, validator=_check_statuses
    )

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """One attempt, whatever happens (tests, or callers with their own retry loop)."""
        return cls(max_retries=0)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@attrs.frozen
class Pacing:
    """Where the loop reads time and chance: injectable, so tests assert every wait exactly."""

    sleep: Callable[[float], None] = time.sleep
    sleep_async: Callable[[float], Awaitable[None]] = asyncio.sleep
    random: Callable[[], float] = _random.random
    now: Callable[[], datetime] = _utc_now
    clock: Callable[[], float] = time.monotonic


_PACING = Pacing()


def _may_retry_error(error: BaseException, policy: RetryPolicy) -> bool:
    """A transport error worth another attempt: surely never sent, or opted in."""
    if transient_and_never_sent(error):
        return True
    return policy.retry_unsafe_errors and isinstance(error, _MAYBE_SENT)


def _backoff(policy: RetryPolicy, attempt: int, random: Callable[[], float]) -> float:
    doublings = min(attempt - 1, _MAX_DOUBLINGS)
    return random() * min(policy.backoff_max, policy.backoff_initial * 2.0**doublings)


def _is_replayable(request: httpx.Request) -> bool:
    """A body already in memory can be sent again byte for byte; a one-shot stream cannot."""
    try:
        request.content  # noqa: B018  (raises RequestNotRead for an unread stream)
    except httpx.RequestNotRead:
        return False
    return True


def _attempts(request: httpx.Request, policy: RetryPolicy) -> int:
    """How many attempts `request` may take (asked before the first: sending reads a body)."""
    return policy.max_retries + 1 if _is_replayable(request) else 1


def _next_wait(
    outcome: httpx.Response | Exception, policy: RetryPolicy, attempt: int, pacing: Pacing
) -> tuple[float, str] | None:
    """The wait before another attempt and its reason, or None: `outcome` is the answer."""
    if isinstance(outcome, Exception):
        if not _may_retry_error(outcome, policy):
            return None
        wait, reason = _backoff(policy, attempt, pacing.random), type(outcome).__name__
    else:
        status = outcome.status_code
        opted_in = status in policy.retry_statuses
        if not opted_in and (
            status not in _RETRY_AFTER_STATUSES or (status == 429 and not policy.retry_rate_limited)
        ):
            return None
        delay = retry_after_seconds(outcome.headers.get("Retry-After"), pacing.now())
        if delay is None and not opted_in:
            return None
        if delay is not None and delay > policy.retry_after_max:
            return None  # retrying before the server's time is bound to fail
        if delay is None:
            wait, reason = _backoff(policy, attempt, pacing.random), f"HTTP {status}"
        else:
            wait, reason = delay, f"HTTP {status} with Retry-After"
    return wait, reason


def _past(deadline: float | None, wait: float, clock: Callable[[], float]) -> bool:
    """The wait would end at or after the call's deadline: no time for another attempt."""
    return deadline is not None and clock() + wait >= deadline


def _within_deadline(
    request: httpx.Request, deadline: float | None, clock: Callable[[], float]
) -> httpx.Request:
    """Cut this attempt's timeouts (the request's public `timeout` extension) to the time left."""
    if deadline is None:
        return request
    left = deadline - clock()
    if left <= 0:
        # Nothing is sent: a timeout that says so (APITimeoutError, never reached).
        raise httpx.PoolTimeout("the call's deadline passed before this attempt", request=request)
    given = request.extensions.get("timeout")
    if given and None not in given.values() and max(given.values()) <= left:
        return request  # the usual case: every timeout ends before the deadline
    timeouts = dict(given or {})
    for kind in ("connect", "read", "write", "pool"):
        current = timeouts.get(kind)
        timeouts[kind] = left if current is None else min(float(current), left)
    request.extensions = {**request.extensions, "timeout": timeouts}
    return request


def _log(request: httpx.Request, attempt: int, policy: RetryPolicy, wait: float, why: str) -> None:
    # Method and path only: no query, headers or body, so no token or phone number.
    logger.warning(
        "%s %s: attempt %d of %d failed (%s); retrying in %.3f s",
        request.method,
        request.url.path,
        attempt,
        policy.max_retries + 1,
        why,
        wait,
    )


def _answer(outcome: httpx.Response | Exception) -> httpx.Response:
    """The final outcome as the caller sees it: its exception raised, or the response read."""
    if isinstance(outcome, Exception):
        raise outcome
    try:
        outcome.read()
    except BaseException:
        outcome.close()  # as `httpx.Client.send` does when its read fails
        raise
    return outcome


async def _answer_async(outcome: httpx.Response | Exception) -> httpx.Response:
    if isinstance(outcome, Exception):
        raise outcome
    try:
        await outcome.aread()
    except BaseException:
        await outcome.aclose()
        raise
    return outcome


def send_with_retries(
    http: httpx.Client,
    request: httpx.Request,
    policy: RetryPolicy,
    *,
    deadline: float | None = None,
    pacing: Pacing = _PACING,
) -> httpx.Response:
    """Send `request` with `http` as `policy` allows, before `deadline` (a `pacing.clock` time).

    Returns the last response, read; raises the last exception as it was.
    """
    attempt, attempts = 1, _attempts(request, policy)
    while True:
        outcome: httpx.Response | Exception
        try:
            outcome = http.send(_within_deadline(request, deadline, pacing.clock), stream=True)
        except Exception as error:  # judged below, raised again when final
            outcome = error
        step = None if attempt == attempts else _next_wait(outcome, policy, attempt, pacing)
        if step is None or _past(deadline, step[0], pacing.clock):
            return _answer(outcome)
        if isinstance(outcome, httpx.Response):
            # Drained, so its connection goes back to the pool (a broken body is no matter).
            try:
                with contextlib.suppress(httpx.TransportError):
                    outcome.read()
            finally:
                outcome.close()
        _log(request, attempt, policy, *step)
        pacing.sleep(step[0])
        attempt += 1


async def send_with_retries_async(
    http: httpx.AsyncClient,
    request: httpx.Request,
    policy: RetryPolicy,
    *,
    deadline: float | None = None,
    pacing: Pacing = _PACING,
) -> httpx.Response:
    """The async twin of `send_with_retries` (it sleeps with `pacing.sleep_async`)."""
    attempt, attempts = 1, _attempts(request, policy)
    while True:
        outcome: httpx.Response | Exception
        try:
            attempt_request = _within_deadline(request, deadline, pacing.clock)
            outcome = await http.send(attempt_request, stream=True)
        except Exception as error:  # judged below, raised again when final
            outcome = error
        step = None if attempt == attempts else _next_wait(outcome, policy, attempt, pacing)
        if step is None or _past(deadline, step[0], pacing.clock):
            return await _answer_async(outcome)
        if isinstance(outcome, httpx.Response):
            try:
                with contextlib.suppress(httpx.TransportError):
                    await outcome.aread()
            finally:
                await outcome.aclose()
        _log(request, attempt, policy, *step)
        await pacing.sleep_async(step[0])
        attempt += 1
