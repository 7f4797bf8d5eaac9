"""Safe retries for an operation that texts a person: a blind retry can send two SMS.

By default only failures where the request surely never reached the server are retried
(refused connection / DNS failure, connect timeout, pool timeout, a refused proxy tunnel),
plus 429 and 503 responses that say when to come back (`Retry-After`) within
`retry_after_max`; a longer Retry-After is handed to the caller at once (RateLimitError
with `.retry_after`), since a retry before the server's time is bound to fail. Everything
else is retried only on explicit opt-in, see `RetryPolicy`.

A call's deadline (request extension `DEADLINE`) bounds the whole call: every attempt's
timeouts are cut to the time left, and no wait runs past it. A call may carry its own
policy (extension `POLICY`). The loop itself is tenacity's; this module supplies the rule
(`retry`), the waits (`wait`), the limit (`stop`) and the clean-up (`before_sleep`).
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
from typing import Any, cast

import attrs
import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying

from .outcomes import retry_after_seconds, transient_and_never_sent

__all__ = ["DEADLINE", "POLICY", "AsyncRetryTransport", "RetryPolicy", "RetryTransport"]

DEADLINE = "dynamic_sdk.deadline"
"""Request extension: the `time.monotonic()` value by which the whole call must end."""
POLICY = "dynamic_sdk.retry_policy"
"""Request extension: a `RetryPolicy` for this call only."""

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


def _may_retry_error(error: BaseException, policy: RetryPolicy) -> bool:
    """A transport error worth another attempt: surely never sent, or opted in."""
    if transient_and_never_sent(error):
        return True
    return policy.retry_unsafe_errors and isinstance(error, _MAYBE_SENT)


def _may_retry_status(status: int, policy: RetryPolicy) -> bool:
    """A status worth a look at its Retry-After, or opted in (`_Attempts.should_retry`)."""
    if status in policy.retry_statuses:
        return True
    return status in _RETRY_AFTER_STATUSES and (status != 429 or policy.retry_rate_limited)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _is_replayable(request: httpx.Request) -> bool:
    """A body already in memory can be sent again byte for byte; a one-shot stream cannot."""
    try:
        request.content  # noqa: B018  (raises RequestNotRead for an unread stream)
    except httpx.RequestNotRead:
        return False
    return True


class _Attempts:
    """The rule for one request: tenacity's `retry`, `wait` and `before_sleep` hooks.

    One instance per request, so concurrent requests never share state.
    """

    def __init__(
        self,
        request: httpx.Request,
        policy: RetryPolicy,
        random: Callable[[], float],
        now: Callable[[], datetime],
        clock: Callable[[], float],
    ) -> None:
        self.request = request
        self.policy = policy
        self.clock = clock
        deadline = request.extensions.get(DEADLINE)
        self.deadline: float | None = float(deadline) if deadline is not None else None
        self.random = random
        self.now = now
        # Set by `should_retry`: the Retry-After to honour, or None for backoff.
        self.retry_after: float | None = None
        self.reason = ""

    def should_retry(self, state: RetryCallState) -> bool:
        outcome = state.outcome
        if outcome is None:  # pragma: no cover - tenacity always sets it before `retry`
            return False
        self.retry_after = None
        if outcome.failed:
            error = outcome.exception()
            self.reason = type(error).__name__
            return error is not None and _may_retry_error(error, self.policy)
        response = cast(httpx.Response, outcome.result())
        status = response.status_code
        if not _may_retry_status(status, self.policy):
            return False
        opted_in = status in self.policy.retry_statuses
        self.reason = f"HTTP {status}"
        delay = retry_after_seconds(response.headers.get("Retry-After"), self.now())
        if delay is not None:
            if delay > self.policy.retry_after_max:
                return False  # retrying before the server's time is bound to fail
            self.retry_after = delay
            self.reason += " with Retry-After"
            return True
        return opted_in

    def should_stop(self, state: RetryCallState) -> bool:
        """Out of attempts, or the next wait would end past the call's deadline."""
        if state.attempt_number > self.policy.max_retries:
            return True
        return self.deadline is not None and self.clock() + state.upcoming_sleep >= self.deadline

    def wait(self, state: RetryCallState) -> float:
        if self.retry_after is not None:
            return self.retry_after
        doublings = min(state.attempt_number - 1, _MAX_DOUBLINGS)
        ceiling = min(self.policy.backoff_max, self.policy.backoff_initial * 2.0**doublings)
        return self.random() * ceiling

    def log(self, state: RetryCallState) -> None:
        # Method and path only: no query, headers or body, so no token or phone number.
        logger.warning(
            "%s %s: attempt %d of %d failed (%s); retrying in %.3f s",
            self.request.method,
            self.request.url.path,
            state.attempt_number,
            self.policy.max_retries + 1,
            self.reason,
            state.upcoming_sleep,
        )

    def discarded_response(self, state: RetryCallState) -> httpx.Response | None:
        outcome = state.outcome
        if outcome is None or outcome.failed:
            return None
        return cast(httpx.Response, outcome.result())

    def close_and_log(self, state: RetryCallState) -> None:
        """Drain and close the response being retried so its connection goes back to the pool."""
        self.log(state)
        response = self.discarded_response(state)
        if response is not None:
            try:
                with contextlib.suppress(httpx.TransportError):
                    response.read()
            finally:
                response.close()

    async def aclose_and_log(self, state: RetryCallState) -> None:
        self.log(state)
        response = self.discarded_response(state)
        if response is not None:
            try:
                with contextlib.suppress(httpx.TransportError):
                    await response.aread()
            finally:
                await response.aclose()


def _last_outcome(state: RetryCallState) -> httpx.Response:
    """Retries exhausted: hand back the last response, or raise the last exception, as is."""
    if state.outcome is None:  # pragma: no cover - tenacity always sets it before stopping
        raise RuntimeError("retry loop stopped without an outcome")
    return cast(httpx.Response, state.outcome.result())


def _within_deadline(request: httpx.Request, clock: Callable[[], float]) -> httpx.Request:
    """Cut this attempt's timeouts to the time left before the call's deadline."""
    deadline = request.extensions.get(DEADLINE)
    if deadline is None:
        return request
    left = float(deadline) - clock()
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


def _settled(first: httpx.Response | Exception, policy: RetryPolicy) -> bool:
    """The first attempt's outcome is final: the policy retries nothing like it."""
    if isinstance(first, Exception):
        return not _may_retry_error(first, policy)
    return not _may_retry_status(first.status_code, policy)


def _result(outcome: httpx.Response | Exception) -> httpx.Response:
    """An attempt's outcome as the caller sees it: the response, or its exception raised."""
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _replaying(
    first: httpx.Response | Exception, attempt: Callable[[httpx.Request], httpx.Response]
) -> Callable[[httpx.Request], httpx.Response]:
    """tenacity's attempts: the first one already made (its outcome replayed), then real ones."""
    pending = [first]

    def call(request: httpx.Request) -> httpx.Response:
        return _result(pending.pop()) if pending else attempt(request)

    return call


def _replaying_async(
    first: httpx.Response | Exception,
    attempt: Callable[[httpx.Request], Awaitable[httpx.Response]],
) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    """The async twin of `_replaying`."""
    pending = [first]

    async def call(request: httpx.Request) -> httpx.Response:
        return _result(pending.pop()) if pending else await attempt(request)

    return call


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport and retries what `RetryPolicy` allows; everything else passes through.

    ``sleep``, ``random``, ``now`` and ``clock`` are injectable so tests assert the waits
    exactly.
    """

    def __init__(
        self,
        wrapped: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        now: Callable[[], datetime] = _utc_now,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.HTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._sleep = sleep
        self._random = random
        self._now = now
        self._clock = clock

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        return self.wrapped.handle_request(_within_deadline(request, self._clock))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        policy = request.extensions.get(POLICY) or self.policy
        if policy.max_retries == 0 or not _is_replayable(request):
            return self._attempt(request)
        # The first attempt runs outside the retry loop: most calls end with it.
        first: httpx.Response | Exception
        try:
            first = self._attempt(request)
        except Exception as error:  # judged by `_settled`, raised again by `_result`
            first = error
        if _settled(first, policy):
            return _result(first)
        attempts = _Attempts(request, policy, self._random, self._now, self._clock)
        retrying = Retrying(
            sleep=self._sleep,
            stop=attempts.should_stop,
            wait=attempts.wait,
            retry=attempts.should_retry,
            before_sleep=attempts.close_and_log,
            retry_error_callback=_last_outcome,
        )
        return retrying(_replaying(first, self._attempt), request)

    def close(self) -> None:
        self.wrapped.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of `RetryTransport`, with an awaitable ``sleep``."""

    def __init__(
        self,
        wrapped: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        now: Callable[[], datetime] = _utc_now,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.AsyncHTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._sleep = sleep
        self._random = random
        self._now = now
        self._clock = clock

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        return await self.wrapped.handle_async_request(_within_deadline(request, self._clock))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        policy = request.extensions.get(POLICY) or self.policy
        if policy.max_retries == 0 or not _is_replayable(request):
            return await self._attempt(request)
        first: httpx.Response | Exception
        try:
            first = await self._attempt(request)
        except Exception as error:  # judged by `_settled`, raised again by `_result`
            first = error
        if _settled(first, policy):
            return _result(first)
        attempts = _Attempts(request, policy, self._random, self._now, self._clock)
        retrying = AsyncRetrying(
            sleep=self._sleep,
            stop=attempts.should_stop,
            wait=attempts.wait,
            retry=attempts.should_retry,
            before_sleep=attempts.aclose_and_log,
            retry_error_callback=_last_outcome,
        )
        response: httpx.Response = await retrying(_replaying_async(first, self._attempt), request)
        return response

    async def aclose(self) -> None:
        await self.wrapped.aclose()
