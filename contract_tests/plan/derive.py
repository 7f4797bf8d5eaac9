"""Probes derived from the operation model: every keyword of every field, both sides.

For each operation of the fragment, each parameter and body member (nested ones too) and
each keyword the fragment uses there, this module derives the values on either side of
the documented boundary:

- `pattern`: the witnesses of `contract_tests.core.pattern_nodes`, one or more per node
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
from typing import Any, NamedTuple

from contract_tests.core.model import Auth, Check, Probe, Side
from contract_tests.core.pattern_nodes import witnesses as pattern_witnesses
from contract_tests.core.settings import env_name
from contract_tests.core.unicode_ages import BASELINE, VERSIONS
from contract_tests.plan.mutants import (
    accept_rule,
    maximal_accept,
    newer_letters,
    operation_mutants,
)
from contract_tests.plan.values import (
    MULTI_BYTE,
    SAMPLE_CHARACTERS,
    accepted_value,
    lookup_examples,
    newer_letter,
    string_accepts,
    string_seeds,
)
from dynamic_sdk_runtime.ecma import UNICODE_VERSION, code_point_length
from dynamic_sdk_runtime.fragment import ABSENT, NO_BODY, Operation, Place, RawRequest
from dynamic_sdk_runtime.schema import Schema, schema_violations

__all__ = [
    "Candidate",
    "derive_probes",
]


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


# -- values per place ---------------------------------------------------------------------


class Candidate(NamedTuple):
    """One value to try at a place: the rule it is filed under, why it is tried, its side
    (the checker confirms it), the plan tier, and the pattern node or Unicode version."""

    rule: str
    reason: str
    value: object
    side: Side
    tier: int = 0
    node: str | None = None
    unicode_since: str | None = None


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
        if string_accepts(pattern_only, value):
            return value
        fallback = fallback or value
    return None if keep_pattern else fallback


def _string_candidates(schema: Schema, avoid: frozenset[str]) -> Iterator[Candidate]:
    seeds = string_seeds(schema, avoid)
    if not seeds:
        return
    base = seeds[0]
    if schema.pattern is not None:
        for witness in pattern_witnesses(
            schema.pattern, min_length=schema.min_length, max_length=schema.max_length
        ):
            yield Candidate(
                "pattern",
                f"{witness.node} {witness.reason}",
                witness.value,
                witness.side,
                node=witness.node,
            )
    for bound, limit in (("maxLength", schema.max_length), ("minLength", schema.min_length)):
        if limit is None:
            continue
        at = _at_length(schema, seeds, limit, keep_pattern=True)
        if at is not None:
            yield Candidate(bound, f"exactly-{limit}", at, "accept")
            for char in MULTI_BYTE:
                wide = _multi_byte(schema, at, char)
                if wide is not None:
                    yield Candidate(
                        bound, f"exactly-{limit}-U+{ord(char):04X}", wide, "accept", tier=2
                    )
        past = limit + 1 if bound == "maxLength" else limit - 1
        outside = _at_length(schema, seeds, past, keep_pattern=True)
        reason = f"{past}-code-points"
        if outside is None:
            outside = _at_length(schema, seeds, past, keep_pattern=False)
            reason += "-pattern-broken-too"
        if outside is not None:
            yield Candidate(bound, reason, outside, "reject")
            for char in MULTI_BYTE:
                wide = _multi_byte(Schema(type="string", pattern=schema.pattern), outside, char)
                if wide is not None and code_point_length(wide) == past:
                    yield Candidate(bound, f"{reason}-U+{ord(char):04X}", wide, "reject", tier=2)
    if schema.pattern is not None:
        yield from _sample_candidates(schema, base)
    for member in schema.enum or ():
        yield Candidate("enum", f"member-{json.dumps(member)}", member, "accept")
        if isinstance(member, str):
            yield Candidate("enum", f"near-{json.dumps(member)}", member + "x", "reject")
    if schema.format is not None and not string_accepts(schema, "not-a-" + schema.format):
        yield Candidate("format", f"not-a-{schema.format}", "not-a-" + schema.format, "reject")


def _multi_byte(schema: Schema, value: str, char: str) -> str | None:
    """`value` with every character but the first and last replaced by `char`, if kept."""
    size = code_point_length(value)
    candidate = char * size if size < 3 else value[0] + char * (size - 2) + value[-1]
    return candidate if string_accepts(schema, candidate) and candidate != value else None


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
            yield Candidate("pattern", f"char-{label}-{where}", value, side, tier=2)
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
        if version <= UNICODE_VERSION and not string_accepts(schema, value):
            continue
        yield Candidate(
            "pattern", f"unicode-{version}-letter", value, "accept", tier=2, unicode_since=version
        )


def _type_candidates(place: Place) -> Iterator[Candidate]:
    expected = place.schema.type
    if expected is None or place.location != "body":
        return
    for name, value in WRONG_TYPE_VALUES.items():
        if name == expected or (name == "integer" and expected == "number"):
            continue
        if value is None and place.schema.nullable:
            continue
        yield Candidate("type", name, value, "reject", tier=1)


def _place_candidates(place: Place, avoid: frozenset[str]) -> Iterator[Candidate]:
    schema = place.schema
    if schema.type == "string" or (schema.type is None and schema.pattern is not None):
        yield from _string_candidates(schema, avoid)
    elif schema.enum is not None:
        for member in schema.enum:
            yield Candidate("enum", f"member-{json.dumps(member)}", member, "accept")
    yield from _type_candidates(place)
    if place.required and place.location != "path":  # a path always has its segment
        yield Candidate("required", "missing", ABSENT, "reject", tier=1)
    if schema.additional_properties is False:
        extra = {**accepted_value(schema), EXTRA_MEMBER: "1"}
        yield Candidate("additionalProperties", "extra-member", extra, "reject", tier=1)


def _mutant_candidates(operation: Operation, place: Place) -> Iterator[Candidate]:
    """One witness per distinguishable mutant of the place (`contract_tests.plan.mutants`): a
    value a server with that defect answers differently; its reason names the mutant and
    the documented rules the value breaks. Values already sent for another mutant are not
    repeated (one request kills every mutant it tells apart)."""

    maximal = maximal_accept(operation, place.where)
    if maximal is not None and len(maximal[1]) > 1 and place.schema.pattern is not None:
        value, refusing = maximal
        reason = f"maximal accept witness: refused by {len(refusing)} accept-side mutants"
        yield Candidate(
            "pattern", reason, value, "accept", tier=2, unicode_since=newer_letters(value)
        )

    seen: set[str] = set()
    for mutant in operation_mutants(operation):
        judged = mutant.status in ("distinguishable", "version-dependent")
        if mutant.place != place.where or not judged:
            continue
        key = json.dumps(mutant.witness, sort_keys=True) if mutant.witness is not ABSENT else ""
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
        # a compound witness (its node and a length broken together) exercises its node too
        yield Candidate(
            rule, mutant.target, mutant.witness, side, tier=2, node=mutant.node, unicode_since=since
        )


def _ensure_parents(operation: Operation, base: RawRequest, place: Place) -> RawRequest:
    """An optional nested object is created (accepted) so a member inside it can be probed."""
    if place.location != "body" or operation.body is None or len(place.names) < 2:
        return base
    parents = place.names[:-1]
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
    return RawRequest(base.path, base.query, base.headers, body)


def derive_probes(
    operation: Operation,
    base: RawRequest,
    *,
    allow_auth: bool = True,
    avoid: frozenset[str] = frozenset(),
) -> list[Probe]:
    """Every derived probe of one operation; each one's side is the checker's verdict.

    No probe names a resource that may exist: the lookup member never carries one of
    `avoid` or a value the fragment shows for it (a broken server must not act on it).
    """
    forbidden = avoid | lookup_examples(operation)
    found = operation.violations(base)
    if found:
        raise AssertionError(f"{operation.operation_id}: the base request breaks {found}")
    probes: list[Probe] = []
    op = operation.operation_id

    def add(where: str, candidate: Candidate, request: RawRequest) -> None:
        body = request.body
        named = body.get(operation.lookup_field or "") if isinstance(body, dict) else None
        if isinstance(named, str) and named in forbidden:
            return
        accepted = not operation.violations(request)
        if candidate.unicode_since is None and accepted != (candidate.side == "accept"):
            return  # the engine and the checker disagree with the claim: not a witness
        pattern = None
        if candidate.node is not None or candidate.rule == "pattern":
            place = next((p for p in operation.places() if p.where == where), None)
            pattern = place.schema.pattern if place is not None else None
        check = Check(
            op,
            where,
            candidate.rule,
            candidate.reason,
            candidate.side,
            candidate.unicode_since,
            pattern,
            candidate.node,
        )
        probes.append(Probe.of(check, request, candidate.tier))

    for place in operation.places():
        start = _ensure_parents(operation, base, place)
        lookup_place = place.where == f"body.{operation.lookup_field}"
        for candidate in _place_candidates(place, forbidden if lookup_place else frozenset()):
            add(place.where, candidate, start.with_value(place.where, candidate.value))
        for candidate in _mutant_candidates(operation, place):
            add(place.where, candidate, start.with_value(place.where, candidate.value))
    if operation.body is not None:
        if operation.body.type in ("object", None) and operation.body.properties:
            for label, value in NON_OBJECT_BODIES.items():
                request = RawRequest(base.path, base.query, base.headers, value)
                add("body", Candidate("type", label, value, "reject", tier=1), request)
        if operation.body_required:
            request = RawRequest(base.path, base.query, base.headers, NO_BODY)
            add("body", Candidate("required", "absent", None, "reject", tier=1), request)
    if operation.security and allow_auth:
        auths: tuple[tuple[str, Auth], ...] = (("no-token", "none"), ("wrong-token", "wrong"))
        for label, auth in auths:
            check = Check(op, "auth", "bearer", label, "reject")
            probes.append(Probe.of(check, base, 1, auth))
    return probes


def configured_requests(fragment: Any, environ: Mapping[str, str]) -> list[tuple[Operation, Probe]]:
    """The one budgeted success: a stored resource named by DYNAMIC_<MEMBER> variables.

    For each operation with `x-lookup-field`, every required body member comes from the
    environment (a member fooBar from DYNAMIC_FOO_BAR, ...), path values from
    DYNAMIC_<PARAMETER>; an operation whose variables are not all set is left out.
    """

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
