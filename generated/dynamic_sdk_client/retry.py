"""Safe retries for an operation that texts a person: a blind retry can send two SMS.

By default only failures where the request surely never reached the server are retried
(refused connection / DNS failure, connect timeout, pool timeout), plus 429 and 503
responses that say when to come back (`Retry-After`). Everything else is retried only on
explicit opt-in, see `RetryPolicy`. The loop itself is tenacity's; this module supplies the
rule (`retry`), the waits (`wait`), the limit (`stop`) and the clean-up (`before_sleep`).
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
from email.utils import parsedate_to_datetime
from typing import Any, cast

import attrs
import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying, stop_after_attempt

__all__ = ["AsyncRetryTransport", "RetryPolicy", "RetryTransport"]

logger = logging.getLogger("dynamic_sdk_client.retry")

# The request never left the client: retrying cannot send a second SMS.
_NEVER_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
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
    jitter); 429/503 wait their Retry-After, capped at ``retry_after_max``.
    ``retry_unsafe_errors`` also retries read/write timeouts and errors and remote protocol
    errors, and ``retry_statuses`` adds statuses (e.g. ``{500, 502, 504}``) retried with
    backoff, or with their Retry-After when they carry a valid one. Both may send the SMS
    twice: opt in only if a duplicate text is acceptable.
    """

    max_retries: int = attrs.field(default=2, validator=[_whole, _non_negative])
    backoff_initial: float = attrs.field(default=0.5, validator=_non_negative)
    backoff_max: float = attrs.field(default=8.0, validator=_non_negative)
    retry_after_max: float = attrs.field(default=30.0, validator=_non_negative)
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


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for; None when it is missing or unusable.

    Delta-seconds must be a non-negative integer (RFC 9110); anything else is tried as an
    HTTP-date. A date already past means "now" (0). Naive dates and clocks count as UTC.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)  # float, not int: no digit limit; an absurd value becomes inf
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


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
    ) -> None:
        self.request = request
        self.policy = policy
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
            if isinstance(error, _NEVER_SENT):
                return True
            return self.policy.retry_unsafe_errors and isinstance(error, _MAYBE_SENT)
        response = cast(httpx.Response, outcome.result())
        status = response.status_code
        opted_in = status in self.policy.retry_statuses
        if not opted_in and status not in _RETRY_AFTER_STATUSES:
            return False
        self.reason = f"HTTP {status}"
        delay = retry_after_seconds(response.headers.get("Retry-After"), self.now())
        if delay is not None:
            self.retry_after = min(delay, self.policy.retry_after_max)
            self.reason += " with Retry-After"
            return True
        return opted_in

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


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport and retries what `RetryPolicy` allows; everything else passes through.

    ``sleep``, ``random`` and ``now`` are injectable so tests assert the waits exactly.
    """

    def __init__(
        self,
        wrapped: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.HTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._sleep = sleep
        self._random = random
        self._now = now

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.policy.max_retries == 0 or not _is_replayable(request):
            return self.wrapped.handle_request(request)
        attempts = _Attempts(request, self.policy, self._random, self._now)
        retrying = Retrying(
            sleep=self._sleep,
            stop=stop_after_attempt(self.policy.max_retries + 1),
            wait=attempts.wait,
            retry=attempts.should_retry,
            before_sleep=attempts.close_and_log,
            retry_error_callback=_last_outcome,
        )
        return retrying(self.wrapped.handle_request, request)

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
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.AsyncHTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._sleep = sleep
        self._random = random
        self._now = now

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.policy.max_retries == 0 or not _is_replayable(request):
            return await self.wrapped.handle_async_request(request)
        attempts = _Attempts(request, self.policy, self._random, self._now)
        retrying = AsyncRetrying(
            sleep=self._sleep,
            stop=stop_after_attempt(self.policy.max_retries + 1),
            wait=attempts.wait,
            retry=attempts.should_retry,
            before_sleep=attempts.aclose_and_log,
            retry_error_callback=_last_outcome,
        )
        response: httpx.Response = await retrying(self.wrapped.handle_async_request, request)
        return response

    async def aclose(self) -> None:
        await self.wrapped.aclose()
