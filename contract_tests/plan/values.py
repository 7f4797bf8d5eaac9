"""Accepted values every planner builds on: sample characters, seeds a schema accepts, a
request every documented rule accepts (`base_request`), and the values the fragment shows
for the lookup member (never sent: they might exist somewhere).

Derived from the operation model only; no field of today's fragment is named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract_tests.core.pattern_nodes import witnesses as pattern_witnesses
from contract_tests.core.unicode_ages import LETTER_NUMBER_SINCE
from dynamic_sdk_runtime.fragment import NO_BODY, Operation, RawRequest
from dynamic_sdk_runtime.schema import Schema, schema_violations

__all__ = [
    "MULTI_BYTE",
    "SAMPLE_CHARACTERS",
    "accepted_value",
    "base_request",
    "lookup_examples",
    "newer_letter",
    "string_accepts",
    "string_seeds",
]


SAMPLE_CHARACTERS: dict[str, str] = {
    "ascii-letter": "q",
    "ascii-digit": "7",
    "space": " ",
    "latin-1-letter": "é",
    "greek": "Ω",
    "cyrillic": "Ж",
    "arabic": "ع",
    "devanagari": "क",
    "cjk": "日",
    "hangul": "한",
    "astral-letter": "\U00010400",
    "arabic-indic-digit": "\u0663",
    "fullwidth-digit": "\uff10",
    "superscript-two": "\u00b2",
    "roman-numeral": "\u216b",
    "tab": "\t",
    "no-break-space": "\u00a0",
    "line-separator": "\u2028",
    "ideographic-space": "\u3000",
    "zero-width-space": "\u200b",
    "byte-order-mark": "\ufeff",
    "control-char": "\x01",
    "combining-mark": "\u0301",
    "private-use": "\ue000",
    "unassigned": "\u0378",
    "emoji": "\U0001f600",
    "dollar": "$",
    "hash": "#",
    "backslash": "\\",
    "quote": '"',
    "angle-bracket": "<",
    "middle-dot": "\u00b7",
    "en-dash": "\u2013",
    "euro": "\u20ac",
    "copyright": "\u00a9",
    "newline": "\n",
}
"""Extra witnesses for any pattern-constrained string: one character of each kind, each
Unicode 6.0 or older (a server on any supported Unicode agrees). No field is named."""


MULTI_BYTE = ("é", "日", "\U00010400")
"""2-byte, 3-byte and astral (two UTF-16 units) characters: lengths are code points."""


def string_accepts(schema: Schema, value: str) -> bool:
    return not schema_violations(schema, value, "value")


def string_seeds(schema: Schema, avoid: frozenset[str] = frozenset()) -> list[str]:
    """Accepted strings in a fixed order: the example, enum members, pattern witnesses;
    never one of `avoid` (values naming a resource that may exist)."""
    seeds: list[str] = []
    if isinstance(schema.example, str):
        seeds.append(schema.example)
    seeds += [m for m in schema.enum or () if isinstance(m, str)]
    if schema.pattern is not None:
        seeds += [
            w.value
            for w in pattern_witnesses(
                schema.pattern, min_length=schema.min_length, max_length=schema.max_length
            )
            if w.side == "accept"
        ]
    low = schema.min_length or 1
    seeds.append("a" * (low if schema.max_length is None else min(low, schema.max_length)))
    return [s for s in dict.fromkeys(seeds) if s not in avoid and string_accepts(schema, s)]


def accepted_value(schema: Schema, avoid: frozenset[str] = frozenset()) -> Any:
    """A value `schema` accepts (deterministic); never one of `avoid` (ids that may exist)."""
    if schema.type == "string" or (schema.type is None and schema.pattern is not None):
        choices = [s for s in string_seeds(schema) if s not in avoid]
        if not choices:
            raise ValueError(f"no accepted string found for {schema}")
        # The example is the documented, most ordinary value: it goes first unless avoided.
        return choices[0]
    if schema.type == "object" or schema.properties:
        return {p.name: accepted_value(p.schema, avoid) for p in schema.properties if p.required}
    if schema.type == "array":
        return []
    if schema.enum:
        return schema.enum[0]
    if schema.example is not None:
        return schema.example
    return {"integer": 1, "number": 1, "boolean": True, "null": None}.get(schema.type or "", "a")


def base_request(
    operation: Operation, path: Mapping[str, str], avoid: frozenset[str]
) -> RawRequest:
    """A request every documented rule accepts, that probes change in one place: the
    target's own path values, required query/header parameters and body members.

    The lookup member (`x-lookup-field`) gets a value that cannot name a stored resource:
    never the fragment's example, never one of `avoid` (the configured test verification).
    """
    examples = lookup_examples(operation)
    body: Any = NO_BODY
    if operation.body is not None:
        body = accepted_value(operation.body, avoid)
        if operation.lookup_field is not None and isinstance(body, dict):
            prop = operation.body.property(operation.lookup_field)
            if prop is not None:
                body[prop.name] = accepted_value(prop.schema, avoid | examples)
    return RawRequest(
        path={
            p.name: path.get(p.name) or str(accepted_value(p.schema))
            for p in operation.located("path")
        },
        query={
            p.name: str(accepted_value(p.schema)) for p in operation.located("query") if p.required
        },
        headers={
            p.name: str(accepted_value(p.schema)) for p in operation.located("header") if p.required
        },
        body=body,
    )


def lookup_examples(operation: Operation) -> frozenset[str]:
    """Every value the fragment shows for the lookup member: it might exist somewhere."""
    found: set[str] = set()
    name = operation.lookup_field
    if name is None or operation.body is None:
        return frozenset()
    prop = operation.body.property(name)
    if prop is not None and isinstance(prop.schema.example, str):
        found.add(prop.schema.example)
    for example in [operation.body_example, *(r.example for r in operation.responses)]:
        if isinstance(example, Mapping) and isinstance(example.get(name), str):
            found.add(example[name])
    return frozenset(found)


def newer_letter(version: str) -> str | None:
    """A letter (Lo/Lu/Ll) that is one only since `version`."""
    for category in ("Lo", "Lu", "Ll", "Nd"):
        ranges = LETTER_NUMBER_SINCE.get(category, {}).get(version, ())
        if ranges:
            return chr(ranges[0][0])
    return None
