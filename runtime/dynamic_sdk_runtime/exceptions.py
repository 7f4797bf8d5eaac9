"""The exceptions the client raises, one tree under `DynamicSdkError`.

    DynamicSdkError
    ├── ValidationError (also ValueError)      a request value breaks a documented rule;
    │                                          raised before any network I/O
    ├── APIConnectionError                     no usable response (refused, dropped, proxy);
    │   │                                      `.may_have_reached_server` says if the SMS
    │   │                                      may have gone out
    │   └── APITimeoutError                    a timeout, or the call's deadline ran out
    ├── ResponseValidationError                a documented 2xx whose body is not its shape
    ├── UnexpectedSuccessError                 an undocumented 2xx (e.g. 202, 204): the
    │                                          request reached the server
    └── APIStatusError                         any non-2xx response (undocumented ones too)
        ├── BadRequestError                    400
        ├── AuthenticationError                401
        ├── PermissionDeniedError              403
        ├── NotFoundError                      404
        ├── UnprocessableEntityError           422 (see `.code`)
        ├── RateLimitError                     429 (see `.retry_after`)
        └── ServerError                        any 5xx (500-599, non-standard ones such as 520 too)
            └── ServiceUnavailableError        503 (see `.retry_after`)

`status_error` is the one mapping from status to class. A 429 or 503 whose Retry-After is
at most the policy's `retry_after_max` is retried first (see `retry`); the one raised,
after the last attempt or at once for a longer wait, carries the last response's
Retry-After as `.retry_after` (seconds, None when missing or unusable).

httpx's own exception is kept as `__cause__` of an APIConnectionError. No message carries
the bearer token, and phone-like digit runs in server messages are masked.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from .outcomes import never_sent, retry_after_seconds

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "DynamicSdkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "ServiceUnavailableError",
    "UnexpectedSuccessError",
    "UnprocessableEntityError",
    "ValidationError",
]
"""The exception tree (the client's `errors` module re-exports exactly these). The helpers
below (`documented_success`, `status_error`, `connection_error`, `mask`, `mask_digit_runs`)
are imported by name by the generated code and the runtime."""

# A UUID in its canonical text (judged by the stdlib, either case: an identifier, never a
# phone number) is kept whole; other digit runs are masked.
_DIGIT_RUN = re.compile(r"\d[\d\s().-]{2,}\d")
_UUID_SIZED_OR_DIGIT_RUN = re.compile(r"(?P<word>[0-9a-fA-F-]{36})|" + _DIGIT_RUN.pattern)


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def mask(value: str) -> str:
    """Hide a value that may be personal data, keeping its length and last two characters."""
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 2) + value[-2:]


def mask_digit_runs(text: str) -> str:
    """Mask phone-number-like runs (4+ digits) in text: server messages, model reprs.

    UUIDs (verification and environment ids) stay readable: they are what a log reader
    needs to find a request, and no phone number has their shape.
    """

    def shown(match: re.Match[str]) -> str:
        found = match.group(0)
        if match["word"] is not None and _is_uuid(found):
            return found
        return _DIGIT_RUN.sub(lambda run: mask(run.group(0)), found)

    return _UUID_SIZED_OR_DIGIT_RUN.sub(shown, text)


class DynamicSdkError(Exception):
    """Root of every error this client raises on purpose."""


class ValidationError(DynamicSdkError, ValueError):
    """Values break constraints the fragment documents; nothing was sent.

    `field`, `rule` and `detail` describe the first broken rule; `violations` lists every
    one (each a ValidationError of its own), so a form can show them all.
    """

    def __init__(
        self,
        field: str,
        rule: str,
        detail: str,
        *,
        violations: Sequence[ValidationError] = (),
    ) -> None:
        self.field = field
        self.rule = rule
        self.detail = detail
        self.violations: tuple[ValidationError, ...] = tuple(violations) or (self,)
        super().__init__("; ".join(f"{v.field}: {v.detail}" for v in self.violations))

    @classmethod
    def combine(cls, violations: Sequence[ValidationError]) -> ValidationError:
        """One error for several broken rules (the first names `field` and `rule`)."""
        if len(violations) == 1:
            return violations[0]
        first = violations[0]
        return cls(first.field, first.rule, first.detail, violations=violations)


class ResponseValidationError(DynamicSdkError):
    """The server answered a documented 2xx with a body that is not the documented shape."""

    may_have_reached_server = True

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        super().__init__(message)


class UnexpectedSuccessError(DynamicSdkError):
    """A 2xx the fragment does not document (202, 204...): the server took the request.

    Not an APIStatusError (that means non-2xx): the SMS may well have been sent.
    """

    may_have_reached_server = True

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        reason = response.reason_phrase or "Unknown status"
        super().__init__(
            f"HTTP {self.status_code} {reason} is not a documented success of this operation; "
            "the request reached the server"
        )


class APIConnectionError(DynamicSdkError):
    """No usable response arrived. `may_have_reached_server` answers the one question a
    caller of a non-idempotent send has: could the SMS have gone out?

    False only when the request surely never left (refused connection, DNS failure,
    connect or pool timeout, a proxy that refused the tunnel); True otherwise.
    """

    def __init__(
        self, message: str, *, request: httpx.Request | None, may_have_reached_server: bool
    ) -> None:
        self.request = request
        self.may_have_reached_server = may_have_reached_server
        sent = "may have reached" if may_have_reached_server else "never reached"
        super().__init__(f"{message} (the request {sent} the server)")


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout, or the call's deadline ran out."""


class APIStatusError(DynamicSdkError):
    """The server answered with a non-2xx status; the parsed vendor error body is kept.

    `body` is the JSON object (None when the body is not one: a proxy's HTML page, a
    plain-text 429); `parsed` is the generated model of a documented error body, when it
    parses; `error` reads the vendor's `error` or `message` field.
    """

    status_code: int
    documented_status: ClassVar[int | None] = None
    may_have_reached_server = True

    def __init__(self, response: httpx.Response, *, parsed: object = None) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.parsed = parsed
        self.body: dict[str, Any] | None = _json_object(response)
        body = self.body or {}
        self.error: str | None = _str_or_none(body.get("error")) or _str_or_none(
            body.get("message")
        )
        code = body.get("code")
        self.code: str | None = str(code) if isinstance(code, str | int) else None
        payload = body.get("payload")
        self.payload: dict[str, Any] | None = payload if isinstance(payload, dict) else None
        super().__init__(self._message())

    def _message(self) -> str:
        reason = self.response.reason_phrase or "Unknown status"
        text = f"HTTP {self.status_code} {reason}"
        if self.code:
            text += f" [{self.code}]"
        if self.error:
            text += f": {mask_digit_runs(self.error)}"
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
    """422: the verification cannot be retried; `.code` says why.

    `.code` is the generated `UnprocessableEntityErrorCode` member when the body parses
    as the documented model, else the raw string (a code newer than the fragment).
    """

    documented_status = 422

    def __init__(self, response: httpx.Response, *, parsed: object = None) -> None:
        super().__init__(response, parsed=parsed)
        typed = getattr(parsed, "code", None)
        if isinstance(typed, str):  # a StrEnum member; UNSET is not a str
            self.code = typed


class RateLimitError(APIStatusError):
    """429: rate limited; `.retry_after` is the server's hint in seconds, if any."""

    documented_status = 429

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait, read exactly as the retry policy reads Retry-After."""
        return _retry_after(self.headers)


class ServerError(APIStatusError):
    """5xx, any of 500-599: the server (or a gateway in front of it, as Cloudflare's 520) failed."""


class ServiceUnavailableError(ServerError):
    """503: the server is down for now; `.retry_after` is its hint in seconds, if any."""

    documented_status = 503

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait, read exactly as the retry policy reads Retry-After."""
        return _retry_after(self.headers)


def _retry_after(headers: httpx.Headers) -> float | None:
    """The one reading of Retry-After (`outcomes`), against the clock at the time of asking."""
    return retry_after_seconds(headers.get("Retry-After"), datetime.now(UTC))


_BY_STATUS: dict[int, type[APIStatusError]] = {
    cls.documented_status: cls
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        UnprocessableEntityError,
        RateLimitError,
        ServiceUnavailableError,
    )
    if cls.documented_status is not None
}


def status_error(
    response: httpx.Response, *, parse: Callable[[], object] | None = None
) -> APIStatusError:
    """The exception for a non-2xx response: its status's class, or the root status error.

    `parse` builds the generated model of the documented error body; a body that does not
    parse leaves `.parsed` None and never hides the status.
    """
    parsed = None
    if parse is not None:
        try:
            parsed = parse()
        except (ValueError, TypeError, KeyError, AttributeError):
            parsed = None
    if response.status_code in _BY_STATUS:
        return _BY_STATUS[response.status_code](response, parsed=parsed)
    if 500 <= response.status_code <= 599:
        return ServerError(response, parsed=parsed)
    return APIStatusError(response, parsed=parsed)


def documented_success(response: httpx.Response, parse: Callable[[], object]) -> object:
    """The parsed body of a documented 2xx; every other answer raises its exception.

    `parse` is the generated `_parse_response`: the model of each documented status, None
    for an undocumented one (so a 2xx documented without a body would count as undocumented;
    the fragment has none).
    """
    if not 200 <= response.status_code <= 299:
        raise status_error(response, parse=parse)
    try:
        parsed = parse()
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise ResponseValidationError(
            f"HTTP {response.status_code} body is not the documented shape: {exc}",
            response=response,
        ) from None
    if parsed is None:
        raise UnexpectedSuccessError(response)
    return parsed


def connection_error(error: httpx.TransportError) -> APIConnectionError:
    """httpx's transport error as this tree's error (the caller chains it as __cause__)."""
    request = _request_or_none(error)
    reached = not never_sent(error)
    what = type(error).__name__
    target = f" on {request.method} {request.url.path}" if request is not None else ""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"{what}{target}", request=request, may_have_reached_server=reached)
    return APIConnectionError(f"{what}{target}", request=request, may_have_reached_server=reached)


def _request_or_none(error: httpx.TransportError) -> httpx.Request | None:
    try:
        return error.request
    except RuntimeError:  # httpx raises when the error was built without a request
        return None


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = json.loads(response.content)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
