"""The contract suite's check functions, shared by the real targets and the broken servers.

Each takes a `Target` and a raw request and raises `ContractViolation` (with a curl line)
when the server disagrees with the documented rules. The client's validator
(`_engine.request_violations`) is the executable form of those rules.
The plan (plan.py) additionally asserts each family's claimed verdict before sending, so
a bug shared by client and server cannot hide.
"""

from __future__ import annotations

import httpx

from ._engine import request_violations, schema_violations
from .targets import Target

__all__ = [
    "ContractViolation",
    "check_auth_required",
    "check_error_body",
    "check_response_documented",
    "check_verdict",
]

# The fragment's response models by status (5XX -> InternalServerError).
RESPONSE_SCHEMAS = {
    200: "SmsVerificationCreateResponse",
    201: "SmsVerificationCreateResponse",
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    413: "BadRequest",
    415: "BadRequest",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
}

VALID_BODY: dict[str, str] = {
    "verificationUUID": "95b11417-f18f-457f-8804-68e361f9164f",
    "phoneCountryCode": "1",
    "phoneNumber": "9171113333",
    "isoCountryCode": "US",
}


class ContractViolation(AssertionError):
    """The target broke a documented rule; the message ends with a reproducing curl line."""


def client_accepts(environment_id: object, body: object) -> bool:
    """The client's verdict: it would send the request."""
    return not request_violations(environment_id, body)


def check_response_documented(
    target: Target, environment_id: str, body: object, response: httpx.Response
) -> None:
    """The status is documented, the body is application/json and fits that status's model."""
    status = response.status_code
    schema = RESPONSE_SCHEMAS.get(status, "InternalServerError" if status >= 500 else None)
    where = f"{target.name} {status}"
    curl = target.curl(environment_id, body)
    if schema is None:
        raise ContractViolation(f"{where}: status not documented by the fragment\n{curl}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ContractViolation(f"{where}: content type {content_type!r}, not JSON\n{curl}")
    try:
        payload = response.json()
    except ValueError as error:
        raise ContractViolation(f"{where}: body is not JSON ({error})\n{curl}") from None
    broken = [f"{e.field}:{e.rule}" for e in schema_violations(schema, payload)]
    if broken:
        raise ContractViolation(f"{where}: body breaks {schema} {broken}\n{curl}")


def check_error_body(
    target: Target, environment_id: str, body: object, response: httpx.Response
) -> None:
    """Documented response; a mock's 400 also names the field it rejected (team standard)."""
    check_response_documented(target, environment_id, body, response)
    if response.status_code != 400 or target.kind not in ("mock", "asgi"):
        return
    message = str(response.json().get("error", ""))
    fields = {e.field for e in request_violations(environment_id, body)}
    if fields and not any(field in message for field in fields):
        raise ContractViolation(
            f"400 message {message!r} names none of {sorted(fields)}\n"
            + target.curl(environment_id, body)
        )


def check_auth_required(target: Target) -> None:
    """A valid request without a token, or with a wrong one, gets 401 (bearerAuth)."""
    body = dict(VALID_BODY)
    for label, headers in (
        ("no token", {"Content-Type": "application/json"}),
        ("wrong token", {"Content-Type": "application/json", "Authorization": "Bearer wrong"}),
    ):
        if label == "wrong token" and target.kind == "prism":
            continue  # Prism checks that a bearer token is present, not which one
        response = target.client.post(
            target.path(target.environment_id), json=body, headers=headers
        )
        if response.status_code != 401:
            raise ContractViolation(
                f"{target.name} answered {response.status_code} to a request with {label}"
            )
        check_response_documented(target, target.environment_id, body, response)


def _send(target: Target, environment_id: str, body: object) -> httpx.Response:
    """Send one request; a dropped connection or a timeout is itself a contract failure."""
    try:
        return target.send(environment_id, body)
    except httpx.TransportError as error:
        raise ContractViolation(
            f"{target.name} dropped the request ({type(error).__name__}: {error})\n"
            + target.curl(environment_id, body)
        ) from error


def check_verdict(target: Target, environment_id: str, body: object) -> bool:
    """Send one raw request; the target's verdict must equal the client's. Returns it."""
    expected = client_accepts(environment_id, body)
    response = _send(target, environment_id, body)
    if response.status_code >= 500:
        raise ContractViolation(
            f"{target.name} answered {response.status_code} to a well-formed request\n"
            + target.curl(environment_id, body)
        )
    accepted = not target.rejected(response)
    if accepted != expected:
        reasons = [f"{e.field}:{e.rule}" for e in request_violations(environment_id, body)]
        raise ContractViolation(
            f"{target.name} {'accepted' if accepted else 'rejected'} ({response.status_code}) a "
            f"request the documented rules {'reject' if reasons else 'accept'} {reasons}: "
            f"{response.text[:200]!r}\n" + target.curl(environment_id, body)
        )
    check_error_body(target, environment_id, body, response)
    return accepted
