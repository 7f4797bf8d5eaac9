"""Probes derived from the operation model: every keyword of every field, both sides.

For each operation of the fragment, each parameter and body member (nested ones too) and
each keyword the fragment uses there, this module derives the values on either side of
the documented boundary:

- `pattern`: the witnesses of `dynamic_sdk_runtime.pattern_nodes`, one or more per node
  of the parsed ECMA-262 pattern (quantifier bounds from both sides, class members and
  near misses, anchors, lookarounds, alternatives), each checked by the ECMA engine;
- `minLength` / `maxLength`: a value at the limit and one past it, counted in code points,
  with multi-byte and astral variants where the pattern admits them;
- `type`, `required`, `enum`, `format`, `additionalProperties`, and a body that is not
  the documented JSON type; `auth` when the operation has security;
- extra witnesses: sample characters of many kinds (scripts, digits, spaces, marks,
  symbols, emoji) put into an accepted value, and letters new in each Unicode version
  (version-dependent checks). Their side is the engine's verdict, never a claim.

Each value is judged by `Operation.violations` (the client's and the mock's checker)
before it is planned; a value whose verdict contradicts its side is dropped, so the plan
can never disagree with the documented rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from dynamic_sdk_runtime.ecma import UNICODE_VERSION, code_point_length
from dynamic_sdk_runtime.fragment import Operation
from dynamic_sdk_runtime.pattern_nodes import witnesses as pattern_witnesses
from dynamic_sdk_runtime.schema import Schema, schema_violations

from .model import NO_BODY, Auth, Check, Probe, Side
from .unicode_ages import BASELINE, LETTER_NUMBER_SINCE, VERSIONS

__all__ = [
    "ABSENT",
    "BaseRequest",
    "accepted_value",
    "base_request",
    "derive_probes",
    "field_places",
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

WRONG_TYPE_VALUES: dict[str, object] = {
    "null": None,
    "number": 12345,
    "integer": 7,
    "boolean": True,
    "array": ["1"],
    "object": {"value": "1"},
    "string": "1",
}
"""One value of each JSON type; a member refuses every one but its own."""

NON_OBJECT_BODIES: dict[str, object] = {"null": None, "array": [], "string": "{}", "number": 1}
EXTRA_MEMBER = "unexpectedMemberFromTheContractSuite"


@dataclass(frozen=True)
class BaseRequest:
    """A request every documented rule accepts, that probes change in one place."""

    path: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


def _string_accepts(schema: Schema, value: str) -> bool:
    return not schema_violations(schema, value, "value")


def _string_seeds(schema: Schema, avoid: frozenset[str] = frozenset()) -> list[str]:
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
    return [s for s in dict.fromkeys(seeds) if s not in avoid and _string_accepts(schema, s)]


def accepted_value(schema: Schema, avoid: frozenset[str] = frozenset()) -> Any:
    """A value `schema` accepts (deterministic); never one of `avoid` (ids that may exist)."""
    if schema.type == "string" or (schema.type is None and schema.pattern is not None):
        choices = [s for s in _string_seeds(schema) if s not in avoid]
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
) -> BaseRequest:
    """The target's own path values, required query/header parameters and body members.

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
    return BaseRequest(
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


# -- places and values ------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One parameter or body member: where it is, its schema, whether it is required."""

    where: str
    schema: Schema
    required: bool


def field_places(operation: Operation) -> list[Place]:
    """Every parameter and body member (nested objects too) of the operation, in order."""
    places = [Place(f"{p.location}.{p.name}", p.schema, p.required) for p in operation.parameters]
    if operation.body is not None:
        for path, schema, required in operation.body.walk():
            if path and "[]" not in path:
                places.append(Place(f"body.{path}", schema, required))
    return places


Candidate = tuple[str, str, object, Side, int, str | None, str | None]
"""(rule, reason, value, side, tier, pattern node id, unicode_since)."""


def _length_values(schema: Schema, seeds: list[str], length: int) -> Iterator[str]:
    """Strings of exactly `length` code points grown or cut from accepted seeds."""
    for seed in seeds:
        size = code_point_length(seed)
        if size == length:
            yield seed
            continue
        chars = list(dict.fromkeys(seed))
        if size < length:
            for index in (size // 2, 1, size - 1, 0, size):
                for char in chars:
                    yield seed[:index] + char * (length - size) + seed[index:]
        else:
            cut = size - length
            for index in range(0, size - cut + 1):
                yield seed[:index] + seed[index + cut :]


def _at_length(schema: Schema, seeds: list[str], length: int, *, keep_pattern: bool) -> str | None:
    """A string of `length` code points that keeps the pattern (or not, when impossible)."""
    if length < 0:
        return None
    pattern_only = Schema(type="string", pattern=schema.pattern)
    fallback = None
    for value in _length_values(schema, seeds, length):
        if _string_accepts(pattern_only, value):
            return value
        fallback = fallback or value
    return None if keep_pattern else fallback


def _string_candidates(schema: Schema, avoid: frozenset[str]) -> Iterator[Candidate]:
    seeds = _string_seeds(schema, avoid)
    if not seeds:
        return
    base = seeds[0]
    if schema.pattern is not None:
        for witness in pattern_witnesses(
            schema.pattern, min_length=schema.min_length, max_length=schema.max_length
        ):
            yield (
                "pattern",
                f"{witness.node} {witness.reason}",
                witness.value,
                witness.side,
                0,
                witness.node,
                None,
            )
    for bound, limit in (("maxLength", schema.max_length), ("minLength", schema.min_length)):
        if limit is None:
            continue
        at = _at_length(schema, seeds, limit, keep_pattern=True)
        if at is not None:
            yield (bound, f"exactly-{limit}", at, "accept", 0, None, None)
            for char in MULTI_BYTE:
                wide = _multi_byte(schema, at, char)
                if wide is not None:
                    yield (
                        bound,
                        f"exactly-{limit}-U+{ord(char):04X}",
                        wide,
                        "accept",
                        2,
                        None,
                        None,
                    )
        past = limit + 1 if bound == "maxLength" else limit - 1
        outside = _at_length(schema, seeds, past, keep_pattern=True)
        reason = f"{past}-code-points"
        if outside is None:
            outside = _at_length(schema, seeds, past, keep_pattern=False)
            reason += "-pattern-broken-too"
        if outside is not None:
            yield (bound, reason, outside, "reject", 0, None, None)
            for char in MULTI_BYTE:
                wide = _multi_byte(Schema(type="string", pattern=schema.pattern), outside, char)
                if wide is not None and code_point_length(wide) == past:
                    yield (bound, f"{reason}-U+{ord(char):04X}", wide, "reject", 2, None, None)
    if schema.pattern is not None:
        yield from _sample_candidates(schema, base)
    for member in schema.enum or ():
        yield ("enum", f"member-{json.dumps(member)}", member, "accept", 0, None, None)
        if isinstance(member, str):
            yield ("enum", f"near-{json.dumps(member)}", member + "x", "reject", 0, None, None)
    if schema.format is not None and not _string_accepts(schema, "not-a-" + schema.format):
        yield (
            "format",
            f"not-a-{schema.format}",
            "not-a-" + schema.format,
            "reject",
            0,
            None,
            None,
        )


def _multi_byte(schema: Schema, value: str, char: str) -> str | None:
    """`value` with every character but the first and last replaced by `char`, if kept."""
    size = code_point_length(value)
    candidate = char * size if size < 3 else value[0] + char * (size - 2) + value[-1]
    return candidate if _string_accepts(schema, candidate) and candidate != value else None


def _placements(base: str, char: str) -> Iterator[tuple[str, str]]:
    """`char` replacing, or added beside, the first, an interior or the last character."""
    middle = len(base) // 2
    yield "first", char + base[1:]
    if len(base) > 2:
        yield "interior", base[:middle] + char + base[middle + 1 :]
    yield "last", base[:-1] + char
    yield "prepended", char + base
    yield "inserted", base[:middle] + char + base[middle:]
    yield "appended", base + char


def _sample_candidates(schema: Schema, base: str) -> Iterator[Candidate]:
    """Sample characters and newer letters in an accepted value; the engine picks the side.

    Only values that keep every other rule (lengths) are kept: each breaks the pattern
    alone, or nothing.
    """
    for label, char in SAMPLE_CHARACTERS.items():
        for where, value in _placements(base, char):
            broken = {v.rule for v in schema_violations(schema, value, "value")}
            if value == base or broken - {"pattern"}:
                continue
            side: Side = "reject" if broken else "accept"
            yield ("pattern", f"char-{label}-{where}", value, side, 2, None, None)
    if schema.pattern is None or ("\\p{" not in schema.pattern and "\\P{" not in schema.pattern):
        return
    for version in VERSIONS:
        if version == BASELINE:
            continue
        newer = newer_letter(version)
        if newer is None:
            continue
        value = base[:-1] + newer if len(base) > 1 else newer
        # The engine knows letters up to its own Unicode; newer ones are judged by the table.
        if version <= UNICODE_VERSION and not _string_accepts(schema, value):
            continue
        yield ("pattern", f"unicode-{version}-letter", value, "accept", 2, None, version)


def newer_letter(version: str) -> str | None:
    """A letter (Lo/Lu/Ll) that is one only since `version`."""
    for category in ("Lo", "Lu", "Ll", "Nd"):
        ranges = LETTER_NUMBER_SINCE.get(category, {}).get(version, ())
        if ranges:
            return chr(ranges[0][0])
    return None


def _type_candidates(place: Place) -> Iterator[Candidate]:
    expected = place.schema.type
    if expected is None or not place.where.startswith("body."):
        return
    for name, value in WRONG_TYPE_VALUES.items():
        if name == expected or (name == "integer" and expected == "number"):
            continue
        if value is None and place.schema.nullable:
            continue
        yield ("type", name, value, "reject", 1, None, None)


def _place_candidates(place: Place, avoid: frozenset[str]) -> Iterator[Candidate]:
    schema = place.schema
    if schema.type == "string" or (schema.type is None and schema.pattern is not None):
        yield from _string_candidates(schema, avoid)
    elif schema.enum is not None:
        for member in schema.enum:
            yield ("enum", f"member-{json.dumps(member)}", member, "accept", 0, None, None)
    yield from _type_candidates(place)
    if place.required and not place.where.startswith("path."):  # a path always has its segment
        yield ("required", "missing", _ABSENT, "reject", 1, None, None)
    if schema.additional_properties is False:
        extra = {**accepted_value(schema), EXTRA_MEMBER: "1"}
        yield ("additionalProperties", "extra-member", extra, "reject", 1, None, None)


def _mutant_candidates(operation: Operation, place: Place) -> Iterator[Candidate]:
    """One witness per distinguishable mutant of the place (`contract_tests.mutants`): a
    value a server with that defect answers differently; its reason names the mutant and
    the documented rules the value breaks. Values already sent for another mutant are not
    repeated (one request kills every mutant it tells apart)."""
    from .mutants import (  # (builds on this one)
        accept_rule,
        maximal_accept,
        newer_letters,
        operation_mutants,
    )

    maximal = maximal_accept(operation, place.where)
    if maximal is not None and len(maximal[1]) > 1 and place.schema.pattern is not None:
        value, refusing = maximal
        reason = f"maximal accept witness: refused by {len(refusing)} accept-side mutants"
        yield ("pattern", reason, value, "accept", 2, None, newer_letters(value))

    seen: set[str] = set()
    for mutant in operation_mutants(operation):
        judged = mutant.status in ("distinguishable", "version-dependent")
        if mutant.place != place.where or not judged:
            continue
        key = json.dumps(mutant.witness, sort_keys=True) if mutant.witness is not _ABSENT else ""
        if key in seen:
            continue
        seen.add(key)
        side: Side = "reject" if mutant.breaks else "accept"
        rule = accept_rule(place.schema, mutant)
        if mutant.breaks:
            found = schema_violations(place.schema, mutant.witness, "value")
            # filed under the rule the checker names first, as every reject value is
            rule = found[0].rule if found else mutant.breaks[0]
        since = newer_letters(mutant.witness)
        yield (rule, mutant.target, mutant.witness, side, 2, None, since)


_ABSENT: Any = object()
ABSENT: Any = _ABSENT
"""A member or parameter left out of the request (the mutant model judges it too)."""


def with_value(base: BaseRequest, where: str, value: object) -> BaseRequest:
    location, _, name = where.partition(".")
    if location in ("path", "query", "header"):
        values = dict(getattr(base, location if location != "header" else "headers"))
        if value is _ABSENT:
            values.pop(name, None)
        else:
            values[name] = value  # a raw probe may hold any JSON
        return BaseRequest(
            values if location == "path" else base.path,
            values if location == "query" else base.query,
            values if location == "header" else base.headers,
            base.body,
        )
    body = json.loads(json.dumps(base.body))
    *parents, leaf = name.split(".")
    node = body
    for parent in parents:
        node = node.setdefault(parent, {})
    if value is _ABSENT:
        node.pop(leaf, None)
    else:
        node[leaf] = value
    return BaseRequest(base.path, base.query, base.headers, body)


def _ensure_parents(operation: Operation, base: BaseRequest, where: str) -> BaseRequest:
    """An optional nested object is created (accepted) so a member inside it can be probed."""
    if not where.startswith("body.") or operation.body is None or "." not in where[5:]:
        return base
    parents = where[5:].split(".")[:-1]
    schema = operation.body
    body = json.loads(json.dumps(base.body))
    node = body
    for parent in parents:
        prop = schema.property(parent)
        if prop is None:
            return base
        schema = prop.schema
        if parent not in node:
            node[parent] = accepted_value(schema)
        node = node[parent]
    return BaseRequest(base.path, base.query, base.headers, body)


def _verdict(operation: Operation, request: BaseRequest) -> bool:
    """True when every documented rule accepts the request (the client would send it)."""
    return not operation.violations(
        request.path,
        None if request.body is NO_BODY else request.body,
        query=request.query,
        headers=request.headers,
        body_sent=request.body is not NO_BODY,
    )


def derive_probes(
    operation: Operation,
    base: BaseRequest,
    *,
    allow_auth: bool = True,
    avoid: frozenset[str] = frozenset(),
) -> list[Probe]:
    """Every derived probe of one operation; each one's side is the checker's verdict.

    No probe names a resource that may exist: the lookup member never carries one of
    `avoid` or a value the fragment shows for it (a broken server must not act on it).
    """
    forbidden = avoid | lookup_examples(operation)
    if not _verdict(operation, base):
        found = operation.violations(base.path, base.body, query=base.query, headers=base.headers)
        raise AssertionError(f"{operation.operation_id}: the base request breaks {found}")
    probes: list[Probe] = []
    op = operation.operation_id

    def add(where: str, candidate: Candidate, request: BaseRequest) -> None:
        rule, reason, _value, side, tier, node, since = candidate
        body = request.body
        named = body.get(operation.lookup_field or "") if isinstance(body, dict) else None
        if isinstance(named, str) and named in forbidden:
            return
        accepted = _verdict(operation, request)
        if since is None and accepted != (side == "accept"):
            return  # the engine and the checker disagree with the claim: not a witness
        pattern = None
        if node is not None or rule == "pattern":
            place = next((p for p in field_places(operation) if p.where == where), None)
            pattern = place.schema.pattern if place is not None else None
        check = Check(op, where, rule, reason, side, since, pattern, node)
        probes.append(Probe(check, request.path, request.query, request.headers, body, tier))

    for place in field_places(operation):
        start = _ensure_parents(operation, base, place.where)
        lookup_place = place.where == f"body.{operation.lookup_field}"
        for candidate in _place_candidates(place, forbidden if lookup_place else frozenset()):
            add(place.where, candidate, with_value(start, place.where, candidate[2]))
        for candidate in _mutant_candidates(operation, place):
            add(place.where, candidate, with_value(start, place.where, candidate[2]))
    if operation.body is not None:
        if operation.body.type in ("object", None) and operation.body.properties:
            for label, value in NON_OBJECT_BODIES.items():
                request = BaseRequest(base.path, base.query, base.headers, value)
                add("body", ("type", label, value, "reject", 1, None, None), request)
        if operation.body_required:
            request = BaseRequest(base.path, base.query, base.headers, NO_BODY)
            add("body", ("required", "absent", None, "reject", 1, None, None), request)
    if operation.security and allow_auth:
        auths: tuple[tuple[str, Auth], ...] = (("no-token", "none"), ("wrong-token", "wrong"))
        for label, auth in auths:
            check = Check(op, "auth", "bearer", label, "reject")
            probes.append(Probe(check, base.path, base.query, base.headers, base.body, 1, auth))
    return probes


def configured_requests(fragment: Any, environ: Mapping[str, str]) -> list[tuple[Operation, Probe]]:
    """The one budgeted success: a stored resource named by DYNAMIC_<MEMBER> variables.

    For each operation with `x-lookup-field`, every required body member comes from the
    environment (a member fooBar from DYNAMIC_FOO_BAR, ...), path values from
    DYNAMIC_<PARAMETER>; an operation whose variables are not all set is left out.
    """
    from .targets import env_name

    found = []
    for operation in fragment.operations:
        if operation.lookup_field is None or operation.body is None:
            continue
        names = [p.name for p in operation.located("path")] + list(operation.body.required_names)
        if not all(environ.get(env_name(name)) for name in names):
            continue
        path = {p.name: environ[env_name(p.name)] for p in operation.located("path")}
        body = {name: environ[env_name(name)] for name in operation.body.required_names}
        check = Check(operation.operation_id, "body", "success", "configured-resource", "accept")
        found.append((operation, Probe(check, path, {}, {}, body, 0)))
    return found
