"""Client-side enforcement of the fragment's documented rules, before any network I/O.

The generator ignores `pattern` and `maxLength`; these checks read them from
`_constraints` (rendered from openapi/ at generation time) and evaluate patterns
with ECMA-262 semantics (`_ecma`), lengths in code points. Values are masked in
messages: phone numbers are personal data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ._constraints import PATH_PARAMETERS, SCHEMAS
from ._ecma import code_point_length, compile_pattern, ecma_test
from ._rules import FieldRule
from .exceptions import ValidationError, mask
from .types import Unset

__all__ = [
    "ValidationError",
    "json_type",
    "mask",
    "parameter_violations",
    "request_violations",
    "rules_violations",
    "schema_violations",
    "validate_assignment",
    "validate_model",
    "validate_parameters",
]

OPERATION = "retry_sms_verification"  # the endpoint module; operationId retrySmsVerification
REQUEST_SCHEMA = "SmsVerificationRetryRequest"


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    return "array" if isinstance(value, list) else type(value).__name__


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f"got {mask(value)!r}, {code_point_length(value)} code points"
    return f"got {json_type(value)}"


def value_violation(rule: FieldRule, value: object) -> ValidationError | None:
    """The first documented rule `value` breaks for `rule`'s field, or None."""
    if not isinstance(value, str):
        return ValidationError(rule.name, "type", f"must be a string ({_describe(value)})")
    length = code_point_length(value)
    if rule.max_length is not None and length > rule.max_length:
        detail = f"must be at most {rule.max_length} characters ({_describe(value)})"
        return ValidationError(rule.name, "maxLength", detail)
    if rule.min_length is not None and length < rule.min_length:
        detail = f"must be at least {rule.min_length} characters ({_describe(value)})"
        return ValidationError(rule.name, "minLength", detail)
    if rule.pattern is not None and not ecma_test(rule.pattern, value):
        detail = f"must match the pattern {rule.pattern} ({_describe(value)})"
        return ValidationError(rule.name, "pattern", detail)
    return None


def rules_violations(
    path_rules: Iterable[FieldRule],
    body_rules: Iterable[FieldRule],
    path: Mapping[str, object],
    body: object,
) -> list[ValidationError]:
    """Every rule a raw request breaks: path parameters, then the JSON body's fields."""
    found = [v for rule in path_rules if (v := value_violation(rule, path.get(rule.name)))]
    if not isinstance(body, Mapping):
        return [
            *found,
            ValidationError("body", "object", f"must be a JSON object ({_describe(body)})"),
        ]
    for rule in body_rules:
        if rule.name not in body:
            if rule.required:
                found.append(ValidationError(rule.name, "required", "is required"))
            continue
        violation = value_violation(rule, body[rule.name])
        if violation is not None:
            found.append(violation)
    return found


def schema_violations(schema_name: str, data: object) -> list[ValidationError]:
    """Every documented rule of `schema_name` that the raw JSON value `data` breaks."""
    return rules_violations((), SCHEMAS.get(schema_name, ()), {}, data)


def parameter_violations(operation: str, params: Mapping[str, object]) -> list[ValidationError]:
    """Every documented rule of the operation's path parameters that `params` breaks."""
    return rules_violations(PATH_PARAMETERS.get(operation, ()), (), params, {})


def request_violations(environment_id: object, body: object) -> list[ValidationError]:
    """The client's verdict on a raw retrySmsVerification request: [] means it would send it."""
    return rules_violations(
        PATH_PARAMETERS[OPERATION], SCHEMAS[REQUEST_SCHEMA], {"environmentId": environment_id}, body
    )


def validate_parameters(operation: str, params: Mapping[str, object]) -> None:
    """Raise the first path-parameter violation, before the request is built."""
    found = parameter_violations(operation, params)
    if found:
        raise found[0]


def validate_model(schema_name: str, instance: Any) -> None:
    """Raise the first documented rule a model instance breaks (attrs post-init hook)."""
    for rule in SCHEMAS.get(schema_name, ()):
        value = getattr(instance, rule.python_name)
        if isinstance(value, Unset):
            if rule.required:
                raise ValidationError(rule.name, "required", "is required")
            continue
        violation = value_violation(rule, value)
        if violation is not None:
            raise violation


@functools.cache
def _rule_for(schema_name: str, python_name: str) -> FieldRule | None:
    for rule in SCHEMAS.get(schema_name, ()):
        if rule.python_name == python_name:
            return rule
    return None


def validate_assignment(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> Any:
    """attrs `on_setattr` hook: a model stays valid after construction, so no re-check at send."""
    rule = _rule_for(type(instance).__name__, attribute.name)
    if rule is None:
        return value
    if isinstance(value, Unset):
        if rule.required:
            raise ValidationError(rule.name, "required", "is required")
        return value
    violation = value_violation(rule, value)
    if violation is not None:
        raise violation
    return value


def precompile() -> None:
    """Compile every documented pattern once, so the first request pays nothing extra."""
    for rules in (*PATH_PARAMETERS.values(), *SCHEMAS.values()):
        for rule in rules:
            if rule.pattern is not None:
                compile_pattern(rule.pattern)
