"""The mock's compiled fast yes (`dynamic_sdk_mock._fast`) never says yes where the one
checker says no, and does say yes to the valid requests a load sends (issue 30)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from dynamic_sdk_mock import load_spec, spec_from_document
from dynamic_sdk_mock._fast import request_accepts, value_accepts
from dynamic_sdk_runtime.fragment import ABSENT, NO_BODY, Operation, RawRequest
from dynamic_sdk_runtime.schema import Property, Schema, schema_violations

THREE = Path(__file__).with_name("fragments") / "three-operations.yaml"
BUNDLED = load_spec()
OPERATIONS: list[Operation] = [
    *BUNDLED.operations,
    *spec_from_document(yaml.safe_load(THREE.read_text(encoding="utf-8"))).operations,
]


def _example_request(operation: Operation) -> RawRequest:
    """The operation's documented examples as one request (the stateful one's: the record
    its examples describe, which the mock can seed)."""
    lookup = BUNDLED.lookup
    example = BUNDLED.example()
    if lookup is not None and example is not None and lookup.operation == operation:
        path, fields = example
        body = {**(operation.body_example or {}), **fields}
        return RawRequest(path, {}, {}, body)
    located = {
        location: {p.name: p.example for p in operation.located(location)}
        for location in ("path", "query", "header")
    }
    body = NO_BODY if operation.body is None else operation.body_example
    return RawRequest(located["path"], located["query"], located["header"], body)


def _samples() -> list[object]:
    """Values from the fragments' examples and their near misses: the strategy's seeds."""
    found: list[object] = []
    for operation in OPERATIONS:
        request = _example_request(operation)
        values = [*request.path.values(), *request.query.values(), *request.headers.values()]
        if isinstance(request.body, dict):
            values += request.body.values()
        for value in values:
            if isinstance(value, str):
                found += [value, value[:-1], value + "a", value.upper(), f" {value}", value + "é"]
    return found


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.sampled_from(_samples())
)
JSON = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


def _no_wrong_yes(operation: Operation, request: RawRequest) -> None:
    fast = request_accepts(operation)
    headers = {name.lower(): value for name, value in request.headers.items()}
    if fast(request.path, request.query, headers, request.body):
        assert operation.violations(request) == [], request


def test_the_valid_examples_take_the_fast_yes() -> None:
    """Not a function that always says "look closer": the valid requests get the yes."""
    valid = [
        (operation, request)
        for operation in OPERATIONS
        if not operation.violations(request := _example_request(operation))
    ]
    assert BUNDLED.operations[0] in [operation for operation, _ in valid]
    for operation, request in valid:
        fast = request_accepts(operation)
        headers = {name.lower(): value for name, value in request.headers.items()}
        assert fast(request.path, request.query, headers, request.body), operation.operation_id


@given(
    operation=st.sampled_from(OPERATIONS),
    changes=st.lists(st.tuples(st.integers(0, 50), st.one_of(st.just(ABSENT), JSON)), max_size=4),
    body=st.one_of(st.just(None), JSON),
)
def test_no_yes_where_the_checker_says_no(
    operation: Operation, changes: list[tuple[int, Any]], body: object
) -> None:
    request = _example_request(operation)
    places = [place.where for place in operation.places()]
    for index, value in changes:
        where = places[index % len(places)] if places else "body"
        if where.startswith("body") and not isinstance(request.body, dict):
            continue
        request = request.with_value(where, value)
    _no_wrong_yes(operation, request)
    if body is not None:  # a whole body of any JSON shape
        _no_wrong_yes(operation, RawRequest(request.path, request.query, request.headers, body))
    _no_wrong_yes(operation, RawRequest(request.path, request.query, request.headers, NO_BODY))


STRING = Schema(type="string", min_length=2, max_length=4, pattern="^[a-z]+$")
SCHEMAS = [
    STRING,
    Schema(type="string", nullable=True, max_length=3),
    Schema(type="string", enum=("ab", "cd")),
    Schema(type="string", format="uuid"),
    Schema(type="integer"),
    Schema(type=None),
    Schema(
        type="object",
        properties=(
            Property("a", STRING, True),
            Property("b", Schema(type="object", properties=(Property("c", STRING, False),)), False),
        ),
        additional_properties=False,
    ),
    Schema(type="object", properties=(Property("a", STRING, False),), additional_properties=STRING),
    Schema(type="object", nullable=True, properties=(Property("a", STRING, True),)),
    Schema(type="array", items=STRING),
]


@given(schema=st.sampled_from(SCHEMAS), value=JSON | st.sampled_from(["ab", "abc", "abcde", "A"]))
def test_a_value_yes_is_the_checkers_yes(schema: Schema, value: object) -> None:
    if value_accepts(schema)(value):
        assert schema_violations(schema, value, "value") == []


def test_the_value_yes_covers_strings_and_objects() -> None:
    obj = SCHEMAS[6]
    assert value_accepts(STRING)("abc")
    assert not value_accepts(STRING)("abcde")
    assert value_accepts(obj)({"a": "ab", "b": {"c": "cd"}})
    assert not value_accepts(obj)({"a": "ab", "z": "ab"})  # no other members
    assert not value_accepts(obj)({"b": {}})  # a required member missing
