"""The suite's one door to the client's rules: public APIs of the runtime and the client.

The suite judges raw requests with the same checker as the client and the mock
(`dynamic_sdk_runtime.rules`) and the same ECMA-262 engine (`dynamic_sdk_runtime.ecma`),
over the rules rendered from the fragment into `dynamic_sdk_client.constraints`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from dynamic_sdk_client.constraints import PATH_PARAMETERS, SCHEMAS
from dynamic_sdk_runtime.ecma import UNICODE_VERSION, code_point_length, ecma_test
from dynamic_sdk_runtime.exceptions import ValidationError
from dynamic_sdk_runtime.rules import FieldRule, rules_violations

__all__ = [
    "OPERATION",
    "PATH_PARAMETERS",
    "REQUEST_SCHEMA",
    "SCHEMAS",
    "UNICODE_VERSION",
    "FieldRule",
    "ValidationError",
    "code_point_length",
    "ecma_test",
    "fragment_path",
    "request_violations",
    "schema_violations",
]

OPERATION = "retry_sms_verification"
REQUEST_SCHEMA = "SmsVerificationRetryRequest"


def request_violations(environment_id: object, body: object) -> list[ValidationError]:
    """The client's verdict on a raw retrySmsVerification request: [] means it would send it."""
    return rules_violations(
        PATH_PARAMETERS[OPERATION], SCHEMAS[REQUEST_SCHEMA], {"environmentId": environment_id}, body
    )


def schema_violations(schema_name: str, data: object) -> list[ValidationError]:
    """Every documented rule of `schema_name` that the raw JSON value `data` breaks."""
    return rules_violations((), SCHEMAS.get(schema_name, ()), {}, data)


def fragment_path() -> Path:
    """The fragment the installed client was generated from (no checkout needed)."""
    return Path(str(resources.files("dynamic_sdk_client").joinpath("openapi.json")))
