"""The fragment's documented field rules, and the one checker the client, mock and suite share.

The generator ignores `pattern`, `maxLength` and `minLength`; `FieldRule`s carry them (read
from the fragment by `dynamic_sdk_runtime.fragment`, rendered into the generated package's
`constraints` module), and `rules_violations` judges a raw request against them: patterns
with ECMA-262 semantics (`ecma`), lengths in code points. Values are masked in messages:
phone numbers are personal data.
"""

from __future__ import annotations

import functools
import keyword
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
    "not_an_object",
    "rules_violations",
    "validate_parameters",
    "value_violation",
]


@frozen(cache_hash=True)
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


def _fast_condition(rule: FieldRule, value: str, names: dict[str, object]) -> str:
    """Python source for "`value` is an ASCII string that keeps `rule`" (see `accepts`)."""
    parts = [f"type({value}) is str", f"{value}.isascii()"]
    low = int(rule.min_length or 0)  # int(): only numbers are written into the source
    if rule.max_length is not None:
        parts.append(f"{low} <= len({value}) <= {int(rule.max_length)}")
    elif low:
        parts.append(f"len({value}) >= {low}")
    if rule.pattern is not None:
        search = f"_search_{len(names)}"
        names[search] = compile_pattern(rule.pattern).ascii_search
        parts.append(f"{search}({value}) is not None")
    return " and ".join(parts)


def _compile(name: str, source: str, names: dict[str, object]) -> Callable[[Any], bool]:
    """One plain function for a fixed set of rules: no per-field calls on the hot path."""
    namespace = dict(names)
    exec(compile(source, f"<dynamic_sdk_runtime.rules {name}>", "exec"), namespace)  # noqa: S102
    function: Callable[[Any], bool] = namespace[name]  # type: ignore[assignment]
    return function


@functools.cache
def accepts(rule: FieldRule) -> Callable[[object], bool]:
    """A fast yes for the common case (an ASCII string that keeps every rule).

    False means "look closer" (`value_violation` decides); never a wrong yes. It keeps the
    checks on the hot path to one length comparison and one regress search per field.
    """
    names: dict[str, object] = {}
    condition = _fast_condition(rule, "value", names)
    return _compile("accepts", f"def accepts(value):\n    return {condition}\n", names)


def _attribute(python_name: str) -> str:
    if python_name.isidentifier() and not keyword.iskeyword(python_name):
        return f"instance.{python_name}"
    return f"getattr(instance, {python_name!r})"


def _model_accepts(rules: Sequence[FieldRule], unset: object) -> Callable[[object], bool]:
    """`accepts` for every field of a model at once: one call, every field inline."""
    names: dict[str, object] = {"_unset": unset}
    lines = ["def model_accepts(instance):"]
    for rule in rules:
        lines.append(f"    value = {_attribute(rule.python_name)}")
        condition = _fast_condition(rule, "value", names)
        optional = "" if rule.required else "value is not _unset and "
        lines.append(f"    if {optional}not ({condition}):")
        lines.append("        return False")
    lines.append("    return True")
    return _compile("model_accepts", "\n".join(lines) + "\n", names)


def not_an_object(body: object) -> ValidationError:
    """The one wording for a request body that is not a JSON object."""
    return ValidationError("body", "object", f"must be a JSON object ({_describe(body)})")


def rules_violations(
    path_rules: Iterable[FieldRule],
    body_rules: Iterable[FieldRule],
    path: Mapping[str, object],
    body: object,
) -> list[ValidationError]:
    """Every rule a raw request breaks: path parameters, then the JSON body's fields."""
    found = [v for rule in path_rules if (v := value_violation(rule, path.get(rule.name)))]
    if not isinstance(body, Mapping):
        return [*found, not_an_object(body)]
    for rule in body_rules:
        if rule.name not in body:
            if rule.required:
                found.append(ValidationError(rule.name, "required", "is required"))
            continue
        violation = value_violation(rule, body[rule.name])
        if violation is not None:
            found.append(violation)
    return found


def validate_parameters(
    rules: Sequence[FieldRule], params: Mapping[str, object], *, unset: object = None
) -> None:
    """Raise one error naming every parameter that breaks a rule, before any I/O.

    A parameter whose value is `unset` (an optional query or header parameter left out)
    is judged only by `required`.
    """
    for rule in rules:
        value = params.get(rule.name, unset)
        if not accepts(rule)(value) and (value is not unset or rule.required):
            break
    else:
        return
    given = {name: value for name, value in params.items() if value is not unset}
    present = [rule for rule in rules if rule.name in given or rule.required]
    found = rules_violations(present, (), given, {})
    if found:
        raise ValidationError.combine(found)


class ModelRules:
    """The rules of one generated model: checked at construction and on every assignment.

    A model stays valid once built, so sending it needs no second check. `unset` is the
    generated package's UNSET sentinel (an absent optional field).
    """

    __slots__ = ("_accepts", "_by_attribute", "rules", "unset")

    def __init__(self, rules: Sequence[FieldRule], *, unset: object) -> None:
        self.rules = tuple(rules)
        self.unset = unset
        self._by_attribute = {rule.python_name: rule for rule in self.rules}
        self._accepts = _model_accepts(self.rules, unset)

    def _violation(self, rule: FieldRule, value: object) -> ValidationError | None:
        if value is self.unset:
            return ValidationError(rule.name, "required", "is required") if rule.required else None
        return value_violation(rule, value)

    def check(self, instance: object) -> None:
        """attrs post-init: raise one error naming every invalid field (a form shows them all)."""
        if self._accepts(instance):
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
