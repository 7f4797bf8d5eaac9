"""What a failed attempt tells about the request's fate: was it sent, when to come back.

One home for the two facts that both the retry policy and the exceptions read, so the
rule for "may the SMS have gone out?" and for `Retry-After` exists once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["never_sent", "retry_after_seconds", "transient_and_never_sent"]

# The request surely never left the client (or never passed the proxy): nothing was sent.
_NEVER_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)


def never_sent(error: BaseException) -> bool:
    """True when `error` proves the request never reached the server."""
    return isinstance(error, _NEVER_SENT)


# Of those, the ones a second attempt may cure (a bad URL or a proxy's refusal will not).
_TRANSIENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


def transient_and_never_sent(error: BaseException) -> bool:
    """Safe and worth retrying: nothing was sent, and the cause may pass."""
    return isinstance(error, _TRANSIENT)


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
