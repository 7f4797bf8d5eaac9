"""A JSON Schema node as the fragment uses it, and the one checker of raw values against it.

`Schema` is what `dynamic_sdk_runtime.fragment` reads every parameter, request body and
response body into: the keywords the fragment uses (`type`, `required`, `pattern`,
`minLength`, `maxLength`, `enum`, `format`, `additionalProperties`, `properties`,
`items`) and nothing else. `schema_violations` judges a raw JSON value against it; string
leaves go through `rules.value_violation`, so the client, the mock and the suite share one
verdict (ECMA-262 patterns, lengths in code points) and one wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from attrs import field, frozen

from .ecma import code_point_length
from .exceptions import ValidationError, mask
from .rules import FieldRule, json_type, value_violation

__all__ = ["JSON_TYPES", "Property", "Schema", "schema_violations"]

JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")
"""The JSON Schema type names; `Schema.type` is one of them or None (any type)."""

# `format` is an annotation in JSON Schema 2020-12 unless a validator opts in; the fragment's
# formats that this project asserts, each by the RFC's own shape.
_FORMATS = {
    "uuid": re.compile(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    ),
}


@frozen(cache_hash=True)
class Property:
    """One named member of an object schema."""

    name: str
    schema: Schema
    required: bool


@frozen(cache_hash=True)
class Schema:
    """One resolved schema node (local `$ref`s followed; `component` names where it came from)."""

    type: str | None = None
    component: str | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    enum: tuple[Any, ...] | None = None
    format: str | None = None
    properties: tuple[Property, ...] = ()
    additional_properties: bool | Schema | None = None
    """False: no other member allowed; a Schema: other members must fit it; None: undeclared."""
    items: Schema | None = None
    nullable: bool = False
    personal_data: bool = False
    """`x-personal-data: true`: the value is masked in every message, report and repr."""
    recursive: bool = False
    """A `$ref` met again inside itself: accepted as is (the reader stays finite)."""
    example: Any = field(default=None, eq=False, hash=False)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties if p.required)

    def property(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)

    def string_rule(self, owner: str, name: str, python_name: str, required: bool) -> FieldRule:
        """The client's `FieldRule` for a string field with this schema."""
        return FieldRule(
            schema=owner,
            name=name,
            python_name=python_name,
            required=required,
            max_length=self.max_length,
            min_length=self.min_length,
            pattern=self.pattern,
        )

    def walk(self, names: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Schema, bool]]:
        """(member names from the top, schema, required) for this node and every node below
        it; an array's items add the name "[]"."""
        yield names, self, True
        for prop in self.properties:
            for inner, schema, required in prop.schema.walk((*names, prop.name)):
                yield inner, schema, required and prop.required
        if self.items is not None:
            yield from self.items.walk((*names, "[]"))


def _type_ok(expected: str, value: object) -> bool:
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "null":
        return value is None
    return json_type(value) == expected


def _shown(schema: Schema, value: object) -> str:
    if isinstance(value, str):
        return f"got {mask(value)!r}, {code_point_length(value)} code points"
    return f"got {json_type(value)}"


def schema_violations(schema: Schema, value: object, where: str) -> list[ValidationError]:
    """Every documented rule `value` breaks; `where` names the field in each error."""
    if schema.recursive or (value is None and schema.nullable):
        return []
    if schema.type == "string" or (schema.type is None and isinstance(value, str)):
        found = value_violation(schema.string_rule("", where, where, True), value)
        if found is not None:
            return [found]
    elif schema.type is not None and not _type_ok(schema.type, value):
        detail = f"must be {'an' if schema.type[0] in 'aeiou' else 'a'} {schema.type} "
        return [ValidationError(where, "type", detail + f"({_shown(schema, value)})")]
    found_all: list[ValidationError] = []
    if schema.enum is not None and value not in schema.enum:
        allowed = ", ".join(map(repr, schema.enum[:8]))
        found_all.append(
            ValidationError(where, "enum", f"must be one of {allowed} ({_shown(schema, value)})")
        )
    shape = _FORMATS.get(schema.format or "")
    if shape is not None and isinstance(value, str) and not shape.fullmatch(value):
        detail = f"must be a {schema.format} ({_shown(schema, value)})"
        found_all.append(ValidationError(where, "format", detail))
    if isinstance(value, Mapping) and (schema.properties or schema.type == "object"):
        found_all += _object_violations(schema, value, where)
    if isinstance(value, list) and schema.items is not None:
        for index, item in enumerate(value):
            found_all += schema_violations(schema.items, item, f"{where}[{index}]")
    return found_all


def _object_violations(
    schema: Schema, value: Mapping[str, Any], where: str
) -> list[ValidationError]:
    found: list[ValidationError] = []
    prefix = f"{where}." if where and where != "body" else ""
    for prop in schema.properties:
        name = prefix + prop.name
        if prop.name not in value:
            if prop.required:
                found.append(ValidationError(name, "required", "is required"))
            continue
        found += schema_violations(prop.schema, value[prop.name], name)
    extra = sorted(key for key in value if schema.property(key) is None)
    if schema.additional_properties is False and extra:
        names = ", ".join(repr(key[:40]) for key in extra[:5])
        detail = f"must have no other members (got {names})"
        found.append(ValidationError(where or "body", "additionalProperties", detail))
    elif isinstance(schema.additional_properties, Schema):
        for key in extra:
            found += schema_violations(schema.additional_properties, value[key], prefix + key)
    return found
