"""The one place the contract suite reaches into the client's rule engine.

Why: the client's private modules (`_ecma`, `_rules`, `_constraints`, `validation`) are
being replaced by a public API; every import the suite needs goes through this adapter,
so repointing the suite is a change to this file only.
"""

from __future__ import annotations

from typing import Protocol

from dynamic_sdk_client._constraints import PATH_PARAMETERS, SCHEMAS
from dynamic_sdk_client._ecma import code_point_length, ecma_test
from dynamic_sdk_client._rules import FieldRule
from dynamic_sdk_client.validation import request_violations as _request_violations
from dynamic_sdk_client.validation import schema_violations as _schema_violations

__all__ = [
    "BODY_RULES",
    "PATH_RULES",
    "FieldRule",
    "Violation",
    "code_point_length",
    "ecma_test",
    "request_violations",
    "schema_violations",
]

OPERATION = "retry_sms_verification"
REQUEST_SCHEMA = "SmsVerificationRetryRequest"

PATH_RULES: tuple[FieldRule, ...] = PATH_PARAMETERS[OPERATION]
"""The operation's path parameters (environmentId)."""
BODY_RULES: tuple[FieldRule, ...] = SCHEMAS[REQUEST_SCHEMA]
"""Every field of the request body, required and optional."""


class Violation(Protocol):
    """One broken documented rule: which field, which rule."""

    @property
    def field(self) -> str: ...

    @property
    def rule(self) -> str: ...


def request_violations(environment_id: object, body: object) -> list[Violation]:
    """The documented rules a raw request breaks ([] means a correct server accepts it)."""
    return list(_request_violations(environment_id, body))


def schema_violations(schema_name: str, data: object) -> list[Violation]:
    """The documented rules of one component schema that a raw JSON value breaks."""
    return list(_schema_violations(schema_name, data))
