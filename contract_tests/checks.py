"""The contract suite's check functions, shared by the real targets and the broken servers.

Each takes a `Target` and a raw request and raises `ContractViolation` (with a curl line)
when the server disagrees with the documented rules. The client's validator
(`_engine.request_violations`, the runtime's checker) is the executable form of those rules;
`check_family_probe` additionally asserts the strategy family's claimed verdict, so a bug
shared by client and server cannot hide.
"""

from __future__ import annotations

import json

import httpx

from ._engine import request_violations, schema_violations
from .report import RECORDER
from .strategies import Family
from .targets import Target

__all__ = [
    "ContractViolation",
    "check_auth_required",
    "check_error_body",
    "check_family_probe",
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


def request_for(field: str, value: str, target: Target) -> tuple[str, dict[str, object]]:
    """A request valid everywhere except (possibly) `field`, which carries `value`."""
    if field == "environmentId":
        return value, dict(VALID_BODY)
    return target.environment_id, {**VALID_BODY, field: value}


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


def check_family_probe(target: Target, family: Family, value: str) -> None:
    """One family probe: the client and the target must both give the family's verdict."""
    environment_id, body = request_for(family.field, value, target)
    side = "accept" if family.accept else "reject"
    curl = target.curl(environment_id, body)
    client_verdict = client_accepts(environment_id, body)
    if client_verdict != family.accept:
        raise ContractViolation(
            f"client gives {client_verdict} on {family.key} value {json.dumps(value)[:80]}"
        )
    response = _send(target, environment_id, body)
    accepted = response.status_code < 500 and not target.rejected(response)
    agreed = accepted == family.accept and response.status_code < 500
    if target.recorded:
        RECORDER.record(
            field_name=family.field,
            rule=family.rule,
            side=side,
            target=target.name,
            accepted=accepted,
            agreed=agreed,
            curl=curl,
            detail=f"{family.reason}: got {response.status_code}",
        )
    if not agreed:
        raise ContractViolation(
            f"{target.name} answered {response.status_code} to {family.key} "
            f"(expected {'acceptance' if family.accept else 'rejection'}): "
            f"{response.text[:200]!r}\n{curl}"
        )
    check_error_body(target, environment_id, body, response)
