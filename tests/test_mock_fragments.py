"""The mock follows the fragment it loads: several operations, and edited variants of ours.

Every value a test sends at a boundary is read from the (edited) document, never typed a
second time, so each test states a rule of the fragment and checks the mock enforces it.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]  # no stubs in the typecheck group
import pytest
import yaml

from dynamic_sdk_mock import FragmentError, MockConfig, create_app, spec_from_document

TOKEN = "fragments-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROOT = Path(__file__).resolve().parents[1]
SHIPPED: dict[str, Any] = yaml.safe_load(
    (ROOT / "openapi" / "retry-sms-verification.yaml").read_text(encoding="utf-8")
)
THREE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "fragments" / "three-operations.yaml").read_text(encoding="utf-8")
)


# -- reading a document the way a reader of the fragment would --------------------------------


def operation_of(document: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """(path template, method, operation object) of `operation_id` in the raw document."""
    for template, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return template, method.upper(), operation
    raise LookupError(operation_id)


def component(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def request_schema(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    operation = operation_of(document, operation_id)[2]
    return component(document, operation["requestBody"]["content"]["application/json"]["schema"])


def parameter(document: dict[str, Any], operation_id: str, name: str) -> dict[str, Any]:
    operation = operation_of(document, operation_id)[2]
    found: dict[str, Any] = next(p for p in operation["parameters"] if p["name"] == name)
    return found


def url(document: dict[str, Any], operation_id: str, query: str = "", **values: str) -> str:
    """The operation's URL with the path parameters' examples unless given."""
    template, _, operation = operation_of(document, operation_id)
    for item in operation.get("parameters", ()):
        if item["in"] == "path":
            value = values.get(item["name"], item["example"])
            template = template.replace("{" + item["name"] + "}", value)
    return template + (f"?{query}" if query else "")


def example_body(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    """A valid body: each request property's own example (the create/retry examples)."""
    schema = request_schema(document, operation_id)
    return {
        name: prop["example"]
        for name, prop in schema["properties"].items()
        if "example" in prop and name in schema.get("required", ())
    }


def conforms(document: dict[str, Any], operation_id: str, response: httpx.Response) -> Any:
    """The status is documented by that operation and the body fits its documented schema."""
    responses = operation_of(document, operation_id)[2]["responses"]
    status = str(response.status_code)
    key = status if status in responses else f"{status[0]}XX"
    assert key in responses, f"{operation_id}: undocumented status {status}"
    payload = response.json()
    schema = {
        **responses[key]["content"]["application/json"]["schema"],
        "components": document["components"],
    }
    jsonschema.Draft202012Validator(schema).validate(payload)
    return payload


class Mock:
    """The mock on `document` (written to a file, key order kept) and its answers to retry."""

    def __init__(self, tmp_path: Path, document: dict[str, Any], **settings: Any) -> None:
        self.document = document
        fragment = Path(tempfile.mkdtemp(dir=tmp_path)) / "fragment.yaml"
        fragment.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        self.app = create_app(MockConfig(token=TOKEN, fragment=fragment, **settings))

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://m")

    async def answer(self, data: object, **values: str) -> httpx.Response:
        """POST the retry operation; the answer must be one the document allows."""
        async with self.client() as http:
            response = await http.post(url(self.document, RETRY, **values), json=data, headers=AUTH)
        conforms(self.document, RETRY, response)
        return response

    async def status(self, data: object, **values: str) -> int:
        return (await self.answer(data, **values)).status_code


def lenient(tmp_path: Path, document: dict[str, Any], **settings: Any) -> Mock:
    return Mock(tmp_path, document, lenient=True, **settings)


# -- three operations ------------------------------------------------------------------------

RETRY, CREATE, LIST = "retrySmsVerification", "createSmsVerification", "listSmsVerifications"


@pytest.fixture
def three(tmp_path: Path) -> Mock:
    return Mock(tmp_path, THREE, cooldown_seconds=0)


def list_query(**changes: str) -> str:
    values = {
        p["name"]: p["example"]
        for p in operation_of(THREE, LIST)[2]["parameters"]
        if p["in"] == "query" and p["required"]
    }
    values.update(changes)
    return "&".join(f"{name}={value}" for name, value in values.items())


async def test_every_operation_of_the_fixture_is_served(
    three: Mock,
) -> None:
    app = three.app
    assert {op.operation_id for op in app.spec.operations} == {RETRY, CREATE, LIST}
    prefix = app.spec.fragment.server_prefix
    async with three.client() as client:
        for base in ("", prefix):
            listed = await client.get(base + url(THREE, LIST, list_query()), headers=AUTH)
            assert listed.status_code == 200
            conforms(THREE, LIST, listed)
            created = await client.post(
                base + url(THREE, CREATE), json=example_body(THREE, CREATE), headers=AUTH
            )
            assert created.status_code == 201
            conforms(THREE, CREATE, created)
            # retry validates, then answers 404 for a verification nobody put on file
            retried = await client.post(
                base + url(THREE, RETRY), json=example_body(THREE, RETRY), headers=AUTH
            )
            assert retried.status_code == 404
            conforms(THREE, RETRY, retried)


async def test_create_answers_its_documented_body_without_the_lookup_field(
    three: Mock,
) -> None:
    app = three.app
    assert app.spec.lookup is not None
    lookup_field = app.spec.lookup.field
    sent = example_body(THREE, CREATE)
    assert lookup_field not in sent
    async with three.client() as client:
        response = await client.post(url(THREE, CREATE), json=sent, headers=AUTH)
    assert response.status_code == 201
    payload = conforms(THREE, CREATE, response)
    assert lookup_field in payload  # filled from the documented example
    assert {name: payload[name] for name in sent} == sent  # request fields echoed


async def test_query_parameters_are_validated(three: Mock) -> None:
    required = [p for p in operation_of(THREE, LIST)[2]["parameters"] if p["in"] == "query"]
    mandatory = next(p for p in required if p["required"])
    optional = next(p for p in required if not p["required"])
    too_long = "a" * (optional["schema"]["maxLength"] + 1)
    async with three.client() as client:
        missing = await client.get(url(THREE, LIST), headers=AUTH)
        assert missing.status_code == 400
        message = conforms(THREE, LIST, missing)["error"]
        assert f"{mandatory['name']}: is required [rule: required]" in message
        for value, rule in ((too_long, "maxLength"), ("", "pattern"), ("-", "pattern")):
            query = list_query(**{optional["name"]: value})
            response = await client.get(url(THREE, LIST, query), headers=AUTH)
            assert response.status_code == 400, value
            message = conforms(THREE, LIST, response)["error"]
            assert f"{optional['name']}:" in message
            assert f"[rule: {rule}]" in message
        fits = list_query(**{optional["name"]: "a" * optional["schema"]["maxLength"]})
        assert (await client.get(url(THREE, LIST, fits), headers=AUTH)).status_code == 200
        # a query parameter given twice is no string: a type error
        twice = list_query() + "&" + list_query()
        response = await client.get(url(THREE, LIST, twice), headers=AUTH)
        assert "[rule: type]" in conforms(THREE, LIST, response)["error"]


async def test_a_method_the_path_does_not_document_is_405_with_allow(
    three: Mock,
) -> None:
    template, method, _ = operation_of(THREE, LIST)
    documented = [m.upper() for m in THREE["paths"][template]]
    assert documented == [method]
    async with three.client() as client:
        response = await client.post(url(THREE, LIST, list_query()), json={}, headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == ", ".join(documented)


async def test_an_operation_without_a_body_ignores_one(
    three: Mock,
) -> None:
    async with three.client() as client:
        response = await client.request(
            "GET", url(THREE, LIST, list_query()), content=b"{not json", headers=AUTH
        )
    assert response.status_code == 200


async def test_the_seeded_retry_works_beside_the_lenient_operations(
    three: Mock,
) -> None:
    app = three.app
    seeded = app.mock.seed_example()
    path_values, fields = app.spec.example() or ({}, {})
    async with three.client() as client:
        response = await client.post(url(THREE, RETRY), json=fields, headers=AUTH)
    assert response.status_code == 201
    assert conforms(THREE, RETRY, response) == seeded
    assert [m[name] for m in app.mock.outbox() for name in path_values] == list(
        path_values.values()
    )


def test_faults_can_target_one_operation(three: Mock) -> None:
    from dynamic_sdk_mock import Fault

    app = three.app
    app.mock.add_fault(Fault("error", operation=LIST))
    assert app.mock.take_fault(CREATE) is None
    assert app.mock.take_fault(LIST) is not None
    with pytest.raises(ValueError, match="no operation"):
        app.mock.add_fault(Fault("error", operation="noSuchOperation"))


# -- variants of the shipped fragment -------------------------------------------------------


def variant() -> dict[str, Any]:
    return copy.deepcopy(SHIPPED)


def retry_properties(document: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = request_schema(document, RETRY)["properties"]
    return props


def retry_body(**changes: object) -> dict[str, Any]:
    return {**example_body(SHIPPED, RETRY), **changes}


def first_success(document: dict[str, Any]) -> int:
    """The first documented 2xx of the retry operation (the mock's default success)."""
    responses = operation_of(document, RETRY)[2]["responses"]
    return next(int(key) for key in responses if str(key)[0] == "2")


async def test_a_tightened_max_length_moves_the_boundary(tmp_path: Path) -> None:
    document = variant()
    rule = retry_properties(document)["phoneNumber"]
    old = rule["maxLength"]
    rule["maxLength"] = new = old // 2
    before, after = lenient(tmp_path, SHIPPED), lenient(tmp_path, document)
    assert await after.status(retry_body(phoneNumber="9" * new)) == first_success(document)
    over = retry_body(phoneNumber="9" * (new + 1))
    assert await before.status(over) == first_success(SHIPPED)  # the old boundary let it by
    response = await after.answer(over)
    assert response.status_code == 400
    assert "phoneNumber:" in response.json()["error"]
    assert "[rule: maxLength]" in response.json()["error"]


async def test_a_loosened_max_length_moves_the_boundary(tmp_path: Path) -> None:
    document = variant()
    rule = retry_properties(document)["isoCountryCode"]
    old = rule["maxLength"]
    rule["maxLength"] = old + 1
    longest = "A" * old + "1"  # the pattern admits one digit after the letters
    before, after = lenient(tmp_path, SHIPPED), lenient(tmp_path, document)
    assert await before.status(retry_body(isoCountryCode=longest)) == 400
    assert await after.status(retry_body(isoCountryCode=longest)) == first_success(document)
    assert await after.status(retry_body(isoCountryCode=longest + "1")) == 400


async def test_a_new_optional_field_brings_its_own_rules(tmp_path: Path) -> None:
    document = variant()
    name = "referralCode"
    rule: dict[str, Any] = {"type": "string", "maxLength": 8, "pattern": "^[a-z]+$"}
    retry_properties(document)[name] = rule
    mock = lenient(tmp_path, document)
    ok = first_success(document)
    assert await mock.status(retry_body()) == ok  # optional: may be left out
    assert await mock.status(retry_body(**{name: "a" * rule["maxLength"]})) == ok
    for value, broken in (("a" * (rule["maxLength"] + 1), "maxLength"), ("A", "pattern")):
        response = await mock.answer(retry_body(**{name: value}))
        assert response.status_code == 400
        assert f"{name}: " in response.json()["error"]
        assert f"[rule: {broken}]" in response.json()["error"]
    # the shipped fragment does not know the field: any value is an allowed extra member
    assert await lenient(tmp_path, SHIPPED).status(retry_body(**{name: "A" * 99})) == ok


async def test_a_removed_field_is_neither_required_nor_checked_nor_kept(tmp_path: Path) -> None:
    document = variant()
    name = "isoCountryCode"
    schema = request_schema(document, RETRY)
    broken_before = "A" * (schema["properties"][name]["maxLength"] + 5)
    del schema["properties"][name]
    schema["required"].remove(name)
    mock = lenient(tmp_path, document)
    ok = first_success(document)
    without = {k: v for k, v in retry_body().items() if k != name}
    assert await lenient(tmp_path, SHIPPED).status(without) == 400
    assert await mock.status(without) == ok
    assert await mock.status(retry_body(**{name: broken_before})) == ok
    lookup = spec_from_document(document).lookup
    assert lookup is not None
    assert name not in lookup.on_file


async def test_a_field_the_success_response_drops_is_no_longer_compared(tmp_path: Path) -> None:
    document = variant()
    name = "isoCountryCode"
    spec = spec_from_document(document)
    assert spec.lookup is not None
    assert name in spec.lookup.on_file
    for key, response in operation_of(document, RETRY)[2]["responses"].items():
        if str(key)[0] == "2":
            answered = component(document, response["content"]["application/json"]["schema"])
            answered["properties"].pop(name, None)
            answered["required"] = [k for k in answered["required"] if k != name]
    spec = spec_from_document(document)
    assert spec.lookup is not None
    assert name not in spec.lookup.on_file
    stateful = Mock(tmp_path, document, cooldown_seconds=0)
    app = stateful.app
    path_values, fields = spec.example() or ({}, {})
    app.mock.seed(path_values, fields)
    other = "".join(reversed(str(fields.get(name, "US"))))
    assert await stateful.status({**fields, name: other}) == first_success(document)


async def test_a_changed_pattern_moves_what_is_accepted(tmp_path: Path) -> None:
    document = variant()
    rule = parameter(document, RETRY, "environmentId")["schema"]
    rule["pattern"] = rule["pattern"].replace("a-f", "A-F")
    example = parameter(SHIPPED, RETRY, "environmentId")["example"]
    before, after = lenient(tmp_path, SHIPPED), lenient(tmp_path, document)
    ok = first_success(document)
    assert await before.status(retry_body(), environmentId=example.upper()) == 400
    assert await after.status(retry_body(), environmentId=example.upper()) == ok
    response = await after.answer(retry_body(), environmentId=example)
    assert response.status_code == 400
    assert "environmentId:" in response.json()["error"]
    assert "[rule: pattern]" in response.json()["error"]


async def test_a_new_documented_success_is_answered(tmp_path: Path) -> None:
    document = variant()
    responses = operation_of(document, RETRY)[2]["responses"]
    documented = [int(key) for key in responses if str(key)[0] == "2"]
    new = max(documented) + 1
    success = responses[str(documented[0])]
    operation_of(document, RETRY)[2]["responses"] = {str(new): success, **responses}
    with pytest.raises(ValueError, match=f"success_status {new} is not documented"):
        create_app(MockConfig(token=TOKEN, success_status=new))
    assert await lenient(tmp_path, document).status(retry_body()) == new  # first in document order
    explicit = lenient(tmp_path, document, success_status=documented[0])
    assert await explicit.status(retry_body()) == documented[0]


async def test_a_new_required_field_is_required(tmp_path: Path) -> None:
    document = variant()
    name, value = "locale", "en"
    schema = request_schema(document, RETRY)
    schema["properties"][name] = {"type": "string", "maxLength": len(value)}
    schema["required"].append(name)
    mock = lenient(tmp_path, document)
    response = await mock.answer(retry_body())
    assert response.status_code == 400
    assert f"{name}: is required [rule: required]" in response.json()["error"]
    assert await mock.status(retry_body(**{name: value})) == first_success(document)
    assert await mock.status(retry_body(**{name: value + value})) == 400
    assert await lenient(tmp_path, SHIPPED).status(retry_body()) == first_success(SHIPPED)


# -- start-up refuses what the mock could not answer as documented ------------------------------


def test_a_code_the_fragment_does_not_document_is_refused() -> None:
    from dynamic_sdk_mock._bodies import TOO_MANY_CODE

    document = variant()
    unprocessable = operation_of(document, RETRY)[2]["responses"]["422"]
    schema = component(document, unprocessable["content"]["application/json"]["schema"])
    codes = component(document, schema["properties"]["code"])
    codes["enum"].remove(TOO_MANY_CODE)
    with pytest.raises(FragmentError, match="422 body does not fit"):
        create_app(MockConfig(token=TOKEN), spec=spec_from_document(document))


def test_an_error_schema_the_mock_cannot_fill_is_refused() -> None:
    document = variant()
    not_found = operation_of(document, RETRY)[2]["responses"]["404"]
    schema = component(document, not_found["content"]["application/json"]["schema"])
    schema["properties"]["traceId"] = {"type": "string", "pattern": "^t-[0-9]{4}$"}
    schema["required"].append("traceId")
    with pytest.raises(FragmentError, match="traceId"):
        create_app(MockConfig(token=TOKEN), spec=spec_from_document(document))
    schema["properties"]["traceId"]["example"] = "t-0001"
    app = create_app(MockConfig(token=TOKEN), spec=spec_from_document(document))
    assert app.answers[RETRY].error(404, "x")["traceId"] == "t-0001"


def test_two_stateful_operations_are_refused() -> None:
    document = copy.deepcopy(THREE)
    create = operation_of(document, CREATE)[2]
    create["x-lookup-field"] = next(iter(request_schema(document, CREATE)["properties"]))
    with pytest.raises(FragmentError, match="x-lookup-field"):
        spec_from_document(document)


def test_a_non_ascii_query_value_is_judged_not_a_500() -> None:
    """Percent-encoded UTF-8 in a query value reaches validation (found by the derived suite)."""
    from dynamic_sdk_mock._app import query_values

    assert query_values(b"a=%CD%B8x&b=%E2%80%8B&c=&d=x+y") == {
        "a": "\u0378x",
        "b": "\u200b",
        "c": "",
        "d": "x y",
    }
    assert query_values(b"bad=%FF") == {"bad": None}
