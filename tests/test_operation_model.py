"""The operation model: every operation of a fragment read once, and its one checker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dynamic_sdk_runtime.fragment import ABSENT, FragmentError, Place, RawRequest, read_fragment
from dynamic_sdk_runtime.schema import Schema, schema_violations

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "openapi" / "retry-sms-verification.yaml"
THREE = Path(__file__).parent / "fragments" / "three-operations.yaml"


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_shipped_fragment_reads_into_one_operation_with_every_documented_part() -> None:
    document = _load(SHIPPED)
    fragment = read_fragment(document)
    (operation,) = fragment.operations
    raw = next(iter(document["paths"].values()))["post"]
    assert operation.operation_id == raw["operationId"]
    assert {r.key for r in operation.responses} == {str(k).upper() for k in raw["responses"]}
    assert set(operation.successes) == {int(k) for k in raw["responses"] if str(k)[0] == "2"}
    assert operation.security == ("bearerAuth",)
    assert fragment.server_prefix == "/" + document["servers"][0]["url"].split("/", 3)[3]
    assert operation.body is not None
    assert operation.body_required
    body_schema = document["components"]["schemas"][operation.body.component]
    assert [p.name for p in operation.body.properties] == list(body_schema["properties"])
    assert set(operation.body.required_names) == set(body_schema["required"])
    assert operation.lookup_field in body_schema["properties"]
    # x-personal-data marks, nothing else
    assert fragment.personal_fields == {
        name
        for schema in document["components"]["schemas"].values()
        for name, prop in (schema.get("properties") or {}).items()
        if prop.get("x-personal-data")
    }


def test_responses_are_found_by_exact_status_then_range_then_default() -> None:
    operation = read_fragment(_load(SHIPPED)).operations[0]
    bad_request = operation.response_for(400)
    assert bad_request is not None
    assert bad_request.key == "400"
    server_error = operation.response_for(599)
    assert server_error is not None
    assert server_error.key == "5XX"
    assert operation.response_for(418) is None


def test_three_operations_each_with_its_own_parameters_and_body() -> None:
    fragment = read_fragment(_load(THREE))
    listing = fragment.operation("listSmsVerifications")
    assert listing.method == "GET"
    assert listing.body is None
    assert [(p.name, p.required) for p in listing.located("query")] == [
        ("isoCountryCode", True),
        ("cursor", False),
    ]
    create = fragment.operation("createSmsVerification")
    assert create.successes == (201,)
    assert create.lookup_field is None
    assert create.body is not None
    assert "verificationUUID" not in create.body.required_names
    with pytest.raises(FragmentError, match="noSuchOperation"):
        fragment.operation("noSuchOperation")


def test_the_checker_judges_query_parameters_and_a_missing_body() -> None:
    fragment = read_fragment(_load(THREE))
    listing = fragment.operation("listSmsVerifications")
    path = {"environmentId": str(listing.parameters[0].example)}
    assert listing.violations(RawRequest(path, {"isoCountryCode": "US"})) == []
    found = listing.violations(RawRequest(path, {"cursor": "a b"}))
    assert [(v.field, v.rule) for v in found] == [
        ("isoCountryCode", "required"),
        ("cursor", "pattern"),
    ]
    create = fragment.operation("createSmsVerification")
    missing = create.violations(RawRequest(path))
    assert [(v.field, v.rule) for v in missing] == [("body", "required")]


def test_nested_objects_arrays_enums_and_additional_properties() -> None:
    document = {
        "openapi": "3.1.0",
        "paths": {
            "/things": {
                "post": {
                    "operationId": "makeThing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    },
                    "responses": {"204": {"description": "made"}},
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["kind", "tags"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["a", "b"]},
                        "tags": {"type": "array", "items": {"type": "string", "maxLength": 2}},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                        "next": {"$ref": "#/components/schemas/Thing"},
                    },
                },
                "Owner": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string", "format": "uuid"}},
                },
            }
        },
    }
    operation = read_fragment(document).operation("makeThing")
    assert operation.successes == (204,)
    owner_id = next(p for p in operation.places() if p.where == "body.owner.id")
    assert (owner_id.location, owner_id.names, owner_id.name) == ("body", ("owner", "id"), "id")
    assert not any("[]" in p.names for p in operation.places())  # array items are no place
    good = {"kind": "a", "tags": ["xy"], "owner": {"id": "95b11417-f18f-457f-8804-68e361f9164f"}}
    assert operation.violations(RawRequest({}, body=good)) == []
    bad = {"kind": "c", "tags": ["xyz", 1], "owner": {"id": "nope"}, "extra": 1}
    found = {(v.field, v.rule) for v in operation.violations(RawRequest({}, body=bad))}
    assert found == {
        ("kind", "enum"),
        ("tags[0]", "maxLength"),
        ("tags[1]", "type"),
        ("owner.id", "format"),
        ("body", "additionalProperties"),
    }
    assert [(v.field, v.rule) for v in operation.violations(RawRequest({}, body=[]))] == [
        ("body", "object")
    ]
    # the self-reference stays finite and accepts whatever it holds
    assert operation.violations(RawRequest({}, body={**good, "next": {"anything": True}})) == []


def test_a_nullable_type_accepts_null_and_nothing_else_of_another_type() -> None:
    schema = Schema(type="string", nullable=True, max_length=1)
    assert schema_violations(schema, None, "x") == []
    assert [v.rule for v in schema_violations(schema, 5, "x")] == ["type"]
    assert [v.rule for v in schema_violations(schema, "ab", "x")] == ["maxLength"]


def test_a_raw_request_places_and_values_and_a_repr_without_values() -> None:
    """`value`/`with_value` address a place by `where`; the repr names places only (a
    header may hold a token, the body a phone number)."""
    request = RawRequest(
        {"environmentId": "e"}, headers={"Authorization": "Bearer s3cret"}, body={"a": {"b": 1}}
    )
    assert request.value("header.authorization") == "Bearer s3cret"  # names case-insensitive
    assert request.value("body.a.b") == 1
    assert request.value("body.a.c") is ABSENT
    assert request.value("query.q") is ABSENT
    changed = request.with_value("body.a.c", "+15551234567").with_value(
        "path.environmentId", ABSENT
    )
    assert changed.value("body.a") == {"b": 1, "c": "+15551234567"}
    assert changed.value("path.environmentId") is ABSENT
    assert request.value("body.a") == {"b": 1}  # the original is unchanged
    assert RawRequest({}).value("body.a") is ABSENT
    assert not RawRequest({}).body_sent
    shown = repr(changed) + repr(RawRequest({}, body=[1]))
    assert "s3cret" not in shown
    assert "5551234567" not in shown
    assert "Authorization" in shown
    assert "body=[a]" in shown


def test_a_place_carries_its_location_and_names_and_reads_its_own_text_back() -> None:
    """A place's text (`where`) is written from its location and names, and `Place.split`,
    the one reader of that text, gives them back; nested members keep every name."""
    fragment = read_fragment(_load(THREE))
    places = [place for op in fragment.operations for place in op.places()]
    assert places
    for place in places:
        assert Place.split(place.where) == (place.location, place.names)
        assert place.name == place.names[-1]
    assert Place.split("body") == ("body", ())
    assert Place.split("auth") == ("auth", ())
    assert Place.split("header.X-Request.Id") == ("header", ("X-Request.Id",))
    assert Place.split("body.a.b") == ("body", ("a", "b"))
