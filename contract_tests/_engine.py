"""The suite's one door to the client's rules: public APIs of the runtime and the client.

The suite judges raw requests with the same checker as the client and the mock
(`dynamic_sdk_runtime.rules`) and the same ECMA-262 engine (`dynamic_sdk_runtime.ecma`),
over the rules rendered from the fragment into `dynamic_sdk_client.constraints`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Protocol

from dynamic_sdk_client.constraints import PATH_PARAMETERS, SCHEMAS
from dynamic_sdk_runtime.ecma import UNICODE_VERSION, code_point_length, ecma_test
from dynamic_sdk_runtime.exceptions import ValidationError
from dynamic_sdk_runtime.rules import FieldRule, rules_violations

__all__ = [
    "BODY_RULES",
    "OPERATION",
    "PATH_PARAMETERS",
    "PATH_RULES",
    "REQUEST_SCHEMA",
    "SCHEMAS",
    "UNICODE_VERSION",
    "FieldRule",
    "ValidationError",
    "Violation",
    "code_point_length",
    "ecma_test",
    "fragment_path",
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
    """The client's verdict on a raw retrySmsVerification request: [] means it would send it."""
    return list(rules_violations(PATH_RULES, BODY_RULES, {"environmentId": environment_id}, body))


def schema_violations(schema_name: str, data: object) -> list[Violation]:
    """Every documented rule of `schema_name` that the raw JSON value `data` breaks."""
    return list(rules_violations((), SCHEMAS.get(schema_name, ()), {}, data))


def fragment_path() -> Path:
    """The fragment the installed client was generated from (no checkout needed)."""
    return Path(str(resources.files("dynamic_sdk_client").joinpath("openapi.json")))
