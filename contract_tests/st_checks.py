"""Schemathesis configuration and the extra check it runs: the client-vs-server verdict.

`load_schema(kind)` loads the fragment with every applicable built-in check enabled and
the examples, coverage and fuzzing phases on; the statuses each check expects depend on
the kind of target (see docs/contract.md). `verdict_agrees` is an additional check: the
server's verdict on every generated request must equal the client's.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import unquote

import schemathesis
from schemathesis import Case, CheckContext, Response
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NotSet  # `Case.body` when no body is set (4.32.5, pinned)

from contract_tests.core.model import Auth, Side, TargetKind, changes_the_route
from contract_tests.core.spec import fragment, fragment_path
from contract_tests.judge.statuses import (
    NEGATIVE_STATUSES,
    POSITIVE_STATUSES,
    Answer,
    Asked,
    ServerProfile,
    broken_members,
    broken_place,
    judge,
)
from contract_tests.judge.statuses import response_problem as _response_problem
from contract_tests.plan.strategies import profile_max_examples
from contract_tests.plan.values import accepted_value, lookup_examples
from dynamic_sdk_runtime.exceptions import ValidationError
from dynamic_sdk_runtime.fragment import NO_BODY, Operation, RawRequest

__all__ = ["configure", "load_schema", "make_documented_check", "make_verdict_check"]

_AUTH_REFUSED = ["401", "403"]
"""What this API answers a missing or wrong token (the fragment documents both)."""


def load_schema(kind: TargetKind) -> Any:
    """The fragment as a Schemathesis schema, configured for one kind of target."""
    config = SchemathesisConfig.from_dict(
        {
            "generation": {
                "mode": "all",
                "max-examples": max(20, profile_max_examples() * 3),
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                # Positive coverage (valid strings of exactly 255 code points under the name
                # pattern) costs ~15 s of CPU at collection; the strategy families cover
                # that boundary, so coverage here derives the negative boundary cases.
                "coverage": {"enabled": True, "generation": {"mode": "negative"}},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "checks": {
                "enabled": True,
                "positive_data_acceptance": {"expected-statuses": list(POSITIVE_STATUSES[kind])},
                "negative_data_rejection": {"expected-statuses": list(NEGATIVE_STATUSES[kind])},
                "missing_required_header": {
                    "expected-statuses": ["400", *_AUTH_REFUSED, "415", "422"]
                },
            },
        }
    )
    return schemathesis.openapi.from_path(fragment_path(), config=config)


def _path(case: Case[Any]) -> dict[str, str]:
    return {k: unquote(str(v)) for k, v in (case.path_parameters or {}).items()}


def case_violations(case: Case[Any], operation: Operation) -> list[ValidationError]:
    """The checker's verdict on the request a case sends ([] = every documented rule holds).

    A body that is not JSON at all is a violation of its own (the server cannot read it).
    """
    readable, body = _sent_body(case)
    sent = not isinstance(case.body, NotSet)
    query = {k: str(v) for k, v in (case.query or {}).items()}
    request = RawRequest(_path(case), query, dict(case.headers or {}), body if sent else NO_BODY)
    found = operation.violations(request)
    if readable or not sent:
        return found
    return [*found, ValidationError("body", "json", "is not JSON")]


def without_stored_resources(case: Case[Any], operation: Operation) -> bool:
    """Make the case name no resource that may exist; False when that cannot be ensured.

    Schemathesis builds cases from the fragment's examples, so the lookup member may carry
    the example verification: it is replaced by a value that cannot exist (derive).
    """

    name = operation.lookup_field
    if name is None or operation.body is None:
        return True
    forbidden = lookup_examples(operation) | _configured()
    body = case.body
    if isinstance(body, bytes | bytearray):
        return not any(value.encode() in body for value in forbidden)
    if isinstance(body, dict) and isinstance(body.get(name), str) and body[name] in forbidden:
        prop = operation.body.property(name)
        if prop is None:
            return False
        case.body = {**body, name: accepted_value(prop.schema, forbidden)}
    return True


def _configured() -> frozenset[str]:
    """The sandbox's own test verification (DYNAMIC_VERIFICATION_UUID), if configured."""
    value = os.environ.get("DYNAMIC_VERIFICATION_UUID")
    return frozenset({value}) if value else frozenset()


def st_operation(case: Case[Any]) -> Operation:
    """The operation model behind a schemathesis case (matched by method and path)."""
    method, path = case.operation.method.upper(), case.operation.path
    return next(op for op in fragment().operations if (op.method, op.path) == (method, path))


def _sent_body(case: Case[Any]) -> tuple[bool, object]:
    """(readable, value): the JSON value the server received, when it is JSON at all."""
    body = case.body
    if isinstance(body, bytes | bytearray):
        try:
            return True, json.loads(body)
        except ValueError:
            return False, None
    if isinstance(body, NotSet):
        return False, None
    return True, body


def body_is_json(case: Case[Any]) -> bool:
    """Whether the case's body, as sent, parses as JSON (or there is no body)."""
    return isinstance(case.body, NotSet) or _sent_body(case)[0]


def _answer(response: Response) -> Answer:
    """A Schemathesis response as the status table reads it."""
    headers = {k.lower(): v for k, v in response.headers.items()}
    first = {k: (v[0] if isinstance(v, list) and v else str(v)) for k, v in headers.items()}
    return Answer.parse(
        response.status_code,
        first.get("content-type", ""),
        response.content or b"",
        first.get("sl-violations"),
    )


def _asked(
    case: Case[Any], operation: Operation, violations: list[ValidationError], response: Response
) -> Asked:
    """The case as the status table reads it: the first broken place (path first), every
    broken member, and whether the request that went out carried a token."""
    place = broken_place(operation, violations)
    has_token = "authorization" in {k.lower() for k in response.request.headers}
    auth: Auth = "token" if has_token or not operation.security else "none"
    side: Side = "reject" if violations else "accept"
    members = broken_members(operation, violations)
    return Asked(place, side, auth, changes_the_route(_path(case)), members)


def make_verdict_check(
    kind: TargetKind, profile: ServerProfile | None = None
) -> schemathesis.CheckFunction:
    """A check: the server's verdict on a readable request must equal the client's, read
    through the one status table with what the target showed in the plan (`profile`)."""

    def verdict_agrees(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        if case.method.upper() != case.operation.method.upper():
            return None  # an undocumented method: 405 is the unsupported_method check's
        if case.media_type not in (None, "application/json"):
            return None
        operation = st_operation(case)
        violations = case_violations(case, operation)
        asked = _asked(case, operation, violations, response)
        if asked.route_changed or asked.auth != "token":
            return None  # no longer the operation's route, or the token is what is tested
        judgement = judge(kind, operation, asked, _answer(response), profile or ServerProfile())
        if judgement.verdict not in ("accepted", "refused"):
            return None
        rejected = judgement.verdict == "refused"
        expected_accept = not violations
        if expected_accept == rejected:
            reasons = [f"{e.field}:{e.rule}" for e in violations]
            raise AssertionError(
                f"verdict mismatch: server {'rejected' if rejected else 'accepted'} "
                f"({response.status_code}) a request the client "
                f"{'accepts' if expected_accept else 'rejects'} {reasons}"
            )
        return None

    return verdict_agrees


def make_documented_check(
    kind: TargetKind,
    profile: ServerProfile | None = None,
    *,
    strict: bool = False,
    findings: list[str] | None = None,
) -> schemathesis.CheckFunction:
    """Schemathesis' status, content-type and schema checks under the plan's rules: only the
    operation's own answers are held; what the vendor documents fails, what the fragment
    assumes is a finding, added to `findings` (a failure with --strict-assumptions)."""
    if findings is None:
        findings = []

    def documented_answer(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        if case.method.upper() != case.operation.method.upper():
            return None
        operation = st_operation(case)
        violations = case_violations(case, operation)
        asked = _asked(case, operation, violations, response)
        answer = _answer(response)
        judgement = judge(kind, operation, asked, answer, profile or ServerProfile())
        if judgement.intermediary or answer.status == 429:
            return None
        problem = _response_problem(operation, answer, f"schemathesis {asked.place} {asked.side}")
        if problem is None:
            return None
        if problem.finding and not strict:
            if problem.text not in findings:
                findings.append(problem.text)
            return None
        raise AssertionError(problem.text)

    return documented_answer


def configure(schema: Any, kind: TargetKind) -> None:
    """Point the status expectations of the acceptance/rejection checks at one target kind."""
    checks = schema.config.checks
    checks.positive_data_acceptance.expected_statuses = list(POSITIVE_STATUSES[kind])
    checks.negative_data_rejection.expected_statuses = list(NEGATIVE_STATUSES[kind])
