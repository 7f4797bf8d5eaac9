"""The exceptions the client raises, one tree under `DynamicSdkError`.

    DynamicSdkError
    ├── ValidationError (also ValueError)      a request value breaks a documented rule;
    │                                          raised before any network I/O
    ├── ResponseValidationError                a 2xx body that is not the documented shape
    └── APIStatusError                         any non-2xx response (undocumented ones too)
        ├── BadRequestError                    400
        ├── AuthenticationError                401
        ├── PermissionDeniedError              403
        ├── NotFoundError                      404
        ├── UnprocessableEntityError           422 (see `.code`)
        ├── RateLimitError                     429 (see `.retry_after`)
        └── ServerError                        5xx (standard codes; 520 etc. stay APIStatusError)

Transport failures (timeouts, refused connections) stay httpx's own exceptions,
after the retry policy has had its turn. No message carries the bearer token, and
phone-like digit runs in server messages are masked.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, ClassVar

import httpx

from .retry import retry_after_seconds

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "DynamicSdkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "UnprocessableEntityError",
    "ValidationError",
    "mask",
    "status_error",
]

_DIGIT_RUN = re.compile(r"\d[\d\s().-]{2,}\d")


def mask(value: str) -> str:
    """Hide a value that may be personal data, keeping its length and last two characters."""
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 2) + value[-2:]


def _mask_digit_runs(text: str) -> str:
    """Mask phone-number-like runs in text the server wrote (it may echo the number)."""
    return _DIGIT_RUN.sub(lambda m: mask(m.group(0)), text)


class DynamicSdkError(Exception):
    """Root of every error this client raises on purpose."""


class ValidationError(DynamicSdkError, ValueError):
    """A value breaks a constraint the fragment documents; nothing was sent."""

    def __init__(self, field: str, rule: str, detail: str) -> None:
        self.field = field
        self.rule = rule
        self.detail = detail
        super().__init__(f"{field}: {detail}")


class ResponseValidationError(DynamicSdkError):
    """The server answered 2xx with a body that is not the documented shape."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        super().__init__(message)


class APIStatusError(DynamicSdkError):
    """The server answered with a non-2xx status; the parsed vendor error body is kept."""

    status_code: int
    documented_status: ClassVar[int | None] = None

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body: dict[str, Any] | None = _json_object(response)
        body = self.body or {}
        self.error: str | None = _str_or_none(body.get("error"))
        self.code: str | None = _str_or_none(body.get("code"))
        payload = body.get("payload")
        self.payload: dict[str, Any] | None = payload if isinstance(payload, dict) else None
        super().__init__(self._message())

    def _message(self) -> str:
        reason = self.response.reason_phrase or "Unknown status"
        text = f"HTTP {self.status_code} {reason}"
        if self.code:
            text += f" [{self.code}]"
        if self.error:
            text += f": {_mask_digit_runs(self.error)}"
        return text


class BadRequestError(APIStatusError):
    """400: the server says the request breaks a rule."""

    documented_status = 400


class AuthenticationError(APIStatusError):
    """401: missing or invalid bearer token."""

    documented_status = 401


class PermissionDeniedError(APIStatusError):
    """403: the token may not act on this environment."""

    documented_status = 403


class NotFoundError(APIStatusError):
    """404: unknown environment or verification."""

    documented_status = 404


class UnprocessableEntityError(APIStatusError):
    """422: the verification cannot be retried; `.code` says why."""

    documented_status = 422


class RateLimitError(APIStatusError):
    """429: rate limited; `.retry_after` is the server's hint in seconds, if any."""

    documented_status = 429

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait, read exactly as the retry policy reads Retry-After."""
        return retry_after_seconds(self.headers.get("Retry-After"), datetime.now(UTC))


class ServerError(APIStatusError):
    """5xx: the server failed."""


_STANDARD_STATUSES = frozenset(int(status) for status in HTTPStatus)
_BY_STATUS: dict[int, type[APIStatusError]] = {
    cls.documented_status: cls
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        UnprocessableEntityError,
        RateLimitError,
    )
    if cls.documented_status is not None
}


def status_error(response: httpx.Response) -> APIStatusError:
    """The exception for a non-2xx response: its status's class, or the root status error."""
    if response.status_code in _BY_STATUS:
        return _BY_STATUS[response.status_code](response)
    if 500 <= response.status_code <= 599 and response.status_code in _STANDARD_STATUSES:
        return ServerError(response)
    # Anything else, including non-standard codes such as Cloudflare's 520, which come
    # from intermediaries rather than the vendor's server.
    return APIStatusError(response)


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = json.loads(response.content)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
