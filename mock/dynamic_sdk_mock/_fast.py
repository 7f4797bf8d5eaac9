"""The mock's fast yes: one function per operation, compiled at start-up, that says a raw
request keeps every documented rule.

Why: a load is almost all valid requests, and on those the one checker
(`Operation.violations`) finds nothing after building a `FieldRule` per string and walking
the schema per request. The fast yes is the client's (`dynamic_sdk_runtime.rules.accepts`,
one length comparison and one regress search per string) put together for a whole
request, parameters and body. It is derived from the operation model like the checker is,
and it is only ever a yes: False means "look closer" and the full checker decides (and
words the 400), so it never changes an answer. A schema it has no fast form for (numbers,
enums, formats, schema-valued `additionalProperties`) is judged by the checker itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dynamic_sdk_runtime.fragment import NO_BODY, Operation
from dynamic_sdk_runtime.rules import accepts
from dynamic_sdk_runtime.schema import Schema, schema_violations

__all__ = ["RequestAccepts", "request_accepts", "value_accepts"]

RequestAccepts = Callable[
    [Mapping[str, object], Mapping[str, object], Mapping[str, object], object], bool
]
"""(path values, query values, headers by lower-case name, body or NO_BODY) -> a sure yes."""

_ABSENT = object()
_SOURCES = {"path": "path", "query": "query", "header": "headers"}


def _always(_value: object) -> bool:
    return True


def _exact(schema: Schema) -> Callable[[object], bool]:
    """The checker itself, for a schema without a fast form."""

    def exact(value: object) -> bool:
        return not schema_violations(schema, value, "value")

    return exact


def value_accepts(schema: Schema) -> Callable[[object], bool]:
    """True only when `schema_violations(schema, value, ...)` finds nothing."""
    if schema.recursive:
        return _always
    if schema.enum is not None or schema.format is not None:
        return _exact(schema)
    if schema.type == "string":
        fast = accepts(schema.string_rule("", "value", "value", True))
        if schema.nullable:
            return lambda value: value is None or fast(value)
        return fast
    schema_valued = isinstance(schema.additional_properties, Schema)
    if schema.type == "object" and not schema.nullable and not schema_valued:
        return _object_accepts(schema)
    return _exact(schema)


def _compile(name: str, lines: list[str], names: dict[str, object]) -> Any:
    """One plain function from generated lines (as `rules` compiles the client's fast yes):
    no per-member calls or loops on the hot path."""
    namespace = dict(names)
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<dynamic_sdk_mock {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def _member_lines(
    lookup: str, required: bool, fits: Callable[[object], bool], names: dict[str, object]
) -> list[str]:
    """Source lines returning False unless the member read by `lookup` is acceptable."""
    check = f"_fits_{len(names)}"
    names[check] = fits
    lines = [f"    value = {lookup}"]
    if required:
        lines += ["    if value is _ABSENT:", "        return False"]
        lines += [f"    if not {check}(value):", "        return False"]
    else:
        lines += [f"    if value is not _ABSENT and not {check}(value):", "        return False"]
    return lines


def _object_accepts(schema: Schema) -> Callable[[object], bool]:
    """An object schema's members, inline; unknown members only where they are refused."""
    names: dict[str, object] = {"_ABSENT": _ABSENT}
    lines = [
        "def object_accepts(members):",
        "    if type(members) is not dict:",
        "        return False",
    ]
    for prop in schema.properties:
        lookup = f"members.get({prop.name!r}, _ABSENT)"
        lines += _member_lines(lookup, prop.required, value_accepts(prop.schema), names)
    if schema.additional_properties is False:
        names["_known"] = frozenset(prop.name for prop in schema.properties)
        lines += ["    if not _known.issuperset(members):", "        return False"]
    lines.append("    return True")
    function: Callable[[object], bool] = _compile("object_accepts", lines, names)
    return function


def request_accepts(operation: Operation) -> RequestAccepts:
    """The fast yes of `operation.violations` for one raw request (see the module)."""
    names: dict[str, object] = {"_ABSENT": _ABSENT, "_NO_BODY": NO_BODY}
    lines = ["def request_accepts(path, query, headers, body):"]
    for parameter in operation.parameters:
        source = _SOURCES[parameter.location]
        key = parameter.name.lower() if parameter.location == "header" else parameter.name
        # a path always has its segment: an absent one is judged by the checker
        required = parameter.required or parameter.location == "path"
        lookup = f"{source}.get({key!r}, _ABSENT)"
        lines += _member_lines(lookup, required, value_accepts(parameter.schema), names)
    if operation.body is None:
        lines.append("    return True")
    else:
        names["_body_fits"] = value_accepts(operation.body)
        lines += ["    if body is _NO_BODY:", f"        return {not operation.body_required}"]
        if operation.body.type == "object":  # the checker's "not an object", even if nullable
            lines += ["    if type(body) is not dict:", "        return False"]
        lines.append("    return _body_fits(body)")
    function: RequestAccepts = _compile("request_accepts", lines, names)
    return function
