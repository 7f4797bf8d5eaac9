"""The fragment's documented field rules, and the one checker the client, mock and suite share.

The generator ignores `pattern`, `maxLength` and `minLength`; `FieldRule`s carry them (read
from the fragment by `dynamic_sdk_runtime.fragment`, rendered into the generated package's
`constraints` module), and `rules_violations` judges a raw request against them: patterns
with ECMA-262 semantics (`ecma`), lengths in code points. Values are masked in messages:
phone numbers are personal data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from .ecma import code_point_length, compile_pattern
from .exceptions import ValidationError, mask, mask_digit_runs

__all__ = [
    "FieldRule",
    "ModelRules",
    "accepts",
    "json_type",
    "rules_violations",
    "validate_parameters",
    "value_violation",
]


@frozen
class FieldRule:
    """What the fragment documents for one string field or path parameter."""

    schema: str
    """Component schema name, or the operationId for a path parameter."""
    name: str
    """Name on the wire (JSON key or path parameter)."""
    python_name: str
    required: bool
    max_length: int | None = None
    min_length: int | None = None
    pattern: str | None = None


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
    return "array" if isinstance(value, list | tuple) else type(value).__name__


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f"got {mask(value)!r}, {code_point_length(value)} code points"
    return f"got {json_type(value)}"


def value_violation(rule: FieldRule, value: object) -> ValidationError | None:
    """The first documented rule `value` breaks for `rule`'s field, or None."""
    if not isinstance(value, str):
        return ValidationError(rule.name, "type", f"must be a string ({_describe(value)})")
    length = len(value) if value.isascii() else code_point_length(value)
    if rule.max_length is not None and length > rule.max_length:
        detail = f"must be at most {rule.max_length} characters ({_describe(value)})"
        return ValidationError(rule.name, "maxLength", detail)
    if rule.min_length is not None and length < rule.min_length:
        detail = f"must be at least {rule.min_length} characters ({_describe(value)})"
        return ValidationError(rule.name, "minLength", detail)
    if rule.pattern is not None and not compile_pattern(rule.pattern).test(value):
        detail = f"must match the pattern {rule.pattern} ({_describe(value)})"
        return ValidationError(rule.name, "pattern", detail)
    return None


@functools.cache
def accepts(rule: FieldRule) -> Callable[[object], bool]:
    """A fast yes for the common case (an ASCII string that keeps every rule).

    False means "look closer" (`value_violation` decides); never a wrong yes. It keeps the
    checks on the hot path to one length comparison and one regress search per field.
    """
    low = rule.min_length or 0
    high = rule.max_length if rule.max_length is not None else float("inf")
    search = compile_pattern(rule.pattern).test if rule.pattern is not None else None

    def fast(value: object) -> bool:
        if type(value) is not str or not value.isascii() or not low <= len(value) <= high:
            return False
        return search is None or search(value)

    return fast


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


def validate_parameters(rules: Sequence[FieldRule], params: Mapping[str, object]) -> None:
    """Raise one error naming every path parameter that breaks a rule, before any I/O."""
    if all(accepts(rule)(params.get(rule.name)) for rule in rules):
        return
    found = rules_violations(rules, (), params, {})
    if found:
        raise ValidationError.combine(found)


class ModelRules:
    """The rules of one generated model: checked at construction and on every assignment.

    A model stays valid once built, so sending it needs no second check. `unset` is the
    generated package's UNSET sentinel (an absent optional field).
    """

    __slots__ = ("_by_attribute", "_fast", "rules", "unset")

    def __init__(self, rules: Sequence[FieldRule], *, unset: object) -> None:
        self.rules = tuple(rules)
        self.unset = unset
        self._by_attribute = {rule.python_name: rule for rule in self.rules}
        self._fast = tuple(
            (rule.python_name, accepts(rule), not rule.required) for rule in self.rules
        )

    def _violation(self, rule: FieldRule, value: object) -> ValidationError | None:
        if value is self.unset:
            return ValidationError(rule.name, "required", "is required") if rule.required else None
        return value_violation(rule, value)

    def check(self, instance: object) -> None:
        """attrs post-init: raise one error naming every invalid field (a form shows them all)."""
        unset = self.unset
        for name, fast, optional in self._fast:
            value = getattr(instance, name)
            if not (fast(value) or (optional and value is unset)):
                break
        else:
            return
        found = [
            violation
            for rule in self.rules
            if (violation := self._violation(rule, getattr(instance, rule.python_name)))
        ]
        if found:
            raise ValidationError.combine(found)

    def on_setattr(self, _instance: object, attribute: attrs.Attribute[Any], value: Any) -> Any:
        """attrs `on_setattr` hook: refuse an assignment that breaks the field's rule."""
        rule = self._by_attribute.get(attribute.name)
        if rule is not None and not accepts(rule)(value):
            violation = self._violation(rule, value)
            if violation is not None:
                raise violation
        return value

    def repr(self, instance: Any) -> str:
        """`Model(field=value, ...)` with phone-like digit runs masked: reprs reach logs."""
        shown = ", ".join(
            f"{field.name}={_masked(getattr(instance, field.name), self.unset)}"
            for field in attrs.fields(type(instance))
        )
        return f"{type(instance).__name__}({shown})"


def _masked(value: object, unset: object) -> str:
    if value is unset:
        return "UNSET"
    return repr(mask_digit_runs(value)) if isinstance(value, str) else repr(value)
