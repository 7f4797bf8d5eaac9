"""The embedded mock in process (httpx.ASGITransport): auth, validation, state, faults.

Every response is checked against the fragment (documented status, JSON content type,
body schema) by `conforms`, which the socket tests reuse.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]  # no stubs in the typecheck group
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from contract_tests.core.spec import fragment
from dynamic_sdk_client import AuthenticatedClient, RetryPolicy
from dynamic_sdk_client import ValidationError as ClientValidationError
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.constraints import PARAMETERS, SCHEMAS
from dynamic_sdk_client.models import SmsVerificationRetryRequest
from dynamic_sdk_mock import (
    ConnectionDroppedError,
    Fault,
    FragmentError,
    MockApp,
    MockConfig,
    create_app,
    load_spec,
    locate_fragment,
)
from dynamic_sdk_mock import __main__ as mock_cli
from dynamic_sdk_runtime.fragment import RawRequest
from dynamic_sdk_runtime.rules import FieldRule

pytest_plugins = ["dynamic_sdk_mock.pytest_plugin"]

TOKEN = "unit-test-token"
ENV = "95b11417-f18f-457f-8804-68e361f9164f"
UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
PHONE = "9171113333"
FRAGMENT = Path(__file__).resolve().parents[1] / "openapi" / "retry-sms-verification.yaml"
DOCUMENT: dict[str, Any] = yaml.safe_load(FRAGMENT.read_text(encoding="utf-8"))
OPERATION = DOCUMENT["paths"]["/sdk/{environmentId}/smsVerifications/retry"]["post"]
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def path(environment_id: str = ENV, prefix: str = "") -> str:
    return f"{prefix}/sdk/{environment_id}/smsVerifications/retry"


def body(**changes: object) -> dict[str, object]:
    """A valid request body matching the verification `seed_default` puts on file."""
    data: dict[str, object] = {
        "verificationUUID": UUID,
        "phoneCountryCode": "1",
        "phoneNumber": PHONE,
        "isoCountryCode": "US",
    }
    data.update(changes)
    return data


def conforms(response: httpx.Response) -> Any:
    """Assert the response is one the fragment documents for the operation; return its JSON."""
    status = str(response.status_code)
    key = status if status in OPERATION["responses"] else f"{status[0]}XX"
    assert key in OPERATION["responses"], f"undocumented status {status}"
    documented = OPERATION["responses"][key]
    assert response.headers["content-type"] == "application/json"
    payload = response.json()
    schema = {
        **documented["content"]["application/json"]["schema"],
        "components": DOCUMENT["components"],
    }
    jsonschema.Draft202012Validator(schema).validate(payload)
    for header in documented.get("headers", {}):
        if status in {"401", "429"}:
            assert header in response.headers, f"{status} without {header}"
    return payload


class FakeClock:
    """A monotonic clock the test moves by hand, so the cooldown needs no waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config() -> MockConfig:
    return MockConfig(token=TOKEN, cooldown_seconds=0)


@pytest.fixture
def app(config: MockConfig, clock: FakeClock) -> MockApp:
    return create_app(config, clock=clock)


@pytest.fixture
async def client(app: MockApp) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as http:
        yield http


def seed_default(app: MockApp) -> None:
    app.mock.seed({"environmentId": ENV}, body())


_VALID = object()


async def retry(client: httpx.AsyncClient, data: object = _VALID, **kwargs: Any) -> httpx.Response:
    """POST the operation with the test token; `data` defaults to the seeded verification."""
    headers = {**AUTH, "Content-Type": "application/json", **kwargs.pop("headers", {})}
    if "content" not in kwargs:
        kwargs["content"] = json.dumps(body() if data is _VALID else data).encode()
    return await client.post(kwargs.pop("url", path()), headers=headers, **kwargs)


# -- auth -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
    ids=["missing", "no-scheme", "basic", "empty", "wrong", "prefix-of-longer"],
)
async def test_only_the_configured_bearer_token_passes(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(path(), json=body(), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "error" in conforms(response)
    assert TOKEN not in response.text


async def test_auth_is_checked_before_the_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        path(), content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401


async def test_two_authorization_headers_are_refused(client: httpx.AsyncClient) -> None:
    headers = [("Authorization", f"Bearer {TOKEN}"), ("Authorization", f"Bearer {TOKEN}")]
    response = await client.post(path(), json=body(), headers=headers)
    assert response.status_code == 401


async def test_bearer_scheme_is_case_insensitive(client: httpx.AsyncClient, app: MockApp) -> None:
    seed_default(app)
    response = await client.post(path(), json=body(), headers={"Authorization": f"bearer {TOKEN}"})
    assert response.status_code == 201


async def test_no_auth_mode_needs_no_header() -> None:
    app = create_app(MockConfig(require_auth=False, lenient=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as c:
        response = await c.post(path(), json=body())
    assert response.status_code == 201


def test_config_repr_hides_the_token() -> None:
    assert TOKEN not in repr(MockConfig(token=TOKEN))


# -- validation (400) ---------------------------------------------------------------------

INVALID_BODIES = [
    ("verificationUUID", "pattern", body(verificationUUID=UUID.upper())),
    ("verificationUUID", "maxLength", body(verificationUUID=UUID + "0")),
    ("phoneNumber", "pattern", body(phoneNumber=" " + PHONE)),
    ("phoneNumber", "pattern", body(phoneNumber=PHONE + "\n")),
    ("phoneNumber", "pattern", body(phoneNumber="917#111")),
    ("phoneNumber", "maxLength", body(phoneNumber="9" * 256)),
    ("phoneCountryCode", "pattern", body(phoneCountryCode="")),
    ("isoCountryCode", "maxLength", body(isoCountryCode="ABCD1")),
    ("isoCountryCode", "pattern", body(isoCountryCode="U")),
    ("isoCountryCode", "pattern", body(isoCountryCode="US12")),
    ("phoneNumber", "type", body(phoneNumber=9171113333)),
    ("phoneNumber", "type", body(phoneNumber=None)),
    ("isoCountryCode", "type", body(isoCountryCode=["US"])),
    ("captchaToken", "type", body(captchaToken=7)),
    ("verificationUUID", "required", {k: v for k, v in body().items() if k != "verificationUUID"}),
    ("isoCountryCode", "required", {k: v for k, v in body().items() if k != "isoCountryCode"}),
    ("body", "object", [body()]),
    ("body", "object", "a string"),
    ("body", "object", None),
]


@pytest.mark.parametrize(("field", "rule", "data"), INVALID_BODIES)
async def test_a_broken_body_rule_is_400_naming_field_and_rule(
    client: httpx.AsyncClient, field: str, rule: str, data: object
) -> None:
    response = await retry(client, data)
    assert response.status_code == 400
    message = conforms(response)["error"]
    assert f"{field}:" in message
    assert f"[rule: {rule}]" in message
    assert PHONE not in message


@pytest.mark.parametrize(
    ("environment_id", "rule"),
    [
        (ENV.upper(), "pattern"),
        (ENV + "0", "maxLength"),
        ("not-a-uuid", "minLength"),
        (ENV[:-1] + "%0A", "pattern"),  # ECMA $: no newline before
        ("95b11417%2Ff18f-457f-8804-68e361f9164f", "pattern"),  # encoded "/" is no new segment
        ("%FF", "type"),  # not UTF-8: no string at all
    ],
)
async def test_a_broken_environment_id_is_400(
    client: httpx.AsyncClient, environment_id: str, rule: str
) -> None:
    response = await retry(client, url=path(environment_id))
    assert response.status_code == 400
    message = conforms(response)["error"]
    assert "environmentId:" in message
    assert f"[rule: {rule}]" in message


async def test_every_broken_rule_is_named(client: httpx.AsyncClient) -> None:
    data = body(phoneNumber="", isoCountryCode="USAAA")
    response = await retry(client, data, url=path("bad"))
    message = conforms(response)["error"]
    for field in ("environmentId", "phoneNumber", "isoCountryCode"):
        assert f"{field}:" in message


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"{", "not valid JSON"),
        (b'{"a": 1} trailing', "not valid JSON"),
        (b"", "is required"),
        (b"   ", "is required"),
        (b"\xef\xbb\xbf{}", "not valid JSON"),  # a BOM is not JSON
        (b'{"phoneNumber": "\xff"}', "not valid UTF-8"),
        (b'{"a": NaN}', "NaN is not valid JSON"),
        (b'{"a": Infinity}', "Infinity is not valid JSON"),
        (b'{"verificationUUID": "x", "verificationUUID": "y"}', "duplicate key"),
        (b"[" * 30000, "nested too deeply"),
        (b'{"a":' * 10000, "nested too deeply"),
    ],
    ids=lambda value: value[:20] if isinstance(value, bytes) else value,
)
async def test_hostile_json_is_a_clear_400(
    client: httpx.AsyncClient, raw: bytes, needle: str
) -> None:
    response = await retry(client, url=path(), content=raw)
    assert response.status_code == 400
    message = conforms(response)["error"]
    assert message.startswith("body:")
    assert needle in message


@pytest.mark.parametrize(
    "raw",
    [
        b"1e999999",
        b"-" + b"9" * 60000,
        json.dumps(body(phoneNumber=10**4000)).encode(),
        json.dumps(body()).replace(f'"{PHONE}"', "1" * 5000).encode(),
        json.dumps(body()).replace(f'"{PHONE}"', "1e999999").encode(),
    ],
    ids=["exponent", "60k-digit-int", "4001-digit-int", "5000-digit-int", "huge-float-field"],
)
async def test_huge_numbers_are_a_type_error(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await retry(client, url=path(), content=raw)
    assert response.status_code == 400
    assert "[rule: type]" in conforms(response)["error"] or "[rule: object]" in response.text


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("text/plain", 415),
        ("application/x-www-form-urlencoded", 415),
        ("application/json; charset=latin-1", 415),
        ("application/json; charset=utf-8", 201),
        ("Application/JSON", 201),
        (None, 415),
    ],
)
async def test_content_type_must_be_json(
    client: httpx.AsyncClient, app: MockApp, content_type: str | None, status: int
) -> None:
    seed_default(app)
    headers = dict(AUTH)
    if content_type is not None:
        headers["Content-Type"] = content_type
    raw = json.dumps(body()).encode()
    response = await client.post(path(), content=raw, headers=headers)
    assert response.status_code == status
    conforms(response)


async def test_an_empty_body_without_content_type_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(path(), headers=AUTH)
    assert response.status_code == 400
    assert "[rule: required]" in conforms(response)["error"]


async def test_a_declared_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    raw = json.dumps(body(captchaToken="x" * 70000)).encode()
    response = await retry(client, url=path(), content=raw)
    assert response.status_code == 413
    assert "maxBodyBytes" in conforms(response)["error"]


async def test_a_streamed_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b" " * 1024

    headers = {**AUTH, "Content-Type": "application/json"}
    response = await client.post(path(), content=chunks(), headers=headers)
    assert response.status_code == 413


async def test_extra_fields_and_captcha_token_are_allowed(
    client: httpx.AsyncClient, app: MockApp
) -> None:
    seed_default(app)
    response = await retry(client, body(captchaToken="<string>", extra={"nested": [1]}))
    assert response.status_code == 201


# -- state --------------------------------------------------------------------------------


async def test_unknown_verification_is_404(client: httpx.AsyncClient, app: MockApp) -> None:
    seed_default(app)
    other_env = "00000000-0000-4000-8000-000000000000"
    for response in (
        await retry(client, body(verificationUUID=other_env)),
        await retry(client, url=path(other_env)),
    ):
        assert response.status_code == 404
        assert conforms(response)["code"] == "verification_not_found"


async def test_retry_answers_the_verification_on_file(
    client: httpx.AsyncClient, app: MockApp
) -> None:
    seed_default(app)
    response = await retry(client, url=path(prefix="/api/v0"))
    assert response.status_code == 201
    assert conforms(response) == {
        "verificationUUID": UUID,
        "phoneNumber": PHONE,
        "phoneCountryCode": "1",
        "isoCountryCode": "US",
    }
    [message] = app.mock.outbox()
    assert message["phoneNumber"] == PHONE
    assert message["environmentId"] == ENV
    assert len(message["code"]) == 6
    assert message["code"].isdigit()


@pytest.mark.parametrize(
    "change",
    [{"phoneNumber": "9171113334"}, {"phoneCountryCode": "44"}, {"isoCountryCode": "GB"}],
)
async def test_phone_fields_must_match_the_file(
    client: httpx.AsyncClient, app: MockApp, change: dict[str, str]
) -> None:
    seed_default(app)
    response = await retry(client, body(**change))
    assert response.status_code == 422
    assert conforms(response)["code"] == "invalid_sms_verification"
    assert app.mock.outbox() == []


async def test_retries_beyond_the_maximum_are_422(client: httpx.AsyncClient, app: MockApp) -> None:
    seed_default(app)
    statuses = [(await retry(client)).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 422]
    response = await retry(client)
    assert conforms(response)["code"] == "too_many_sms_verification_attempts"
    codes = [message["code"] for message in app.mock.outbox()]
    assert len(codes) == 3


@pytest.mark.parametrize("config", [MockConfig(token=TOKEN, cooldown_seconds=30)])
async def test_retries_inside_the_cooldown_are_429(
    client: httpx.AsyncClient, app: MockApp, clock: FakeClock
) -> None:
    seed_default(app)
    assert (await retry(client)).status_code == 201
    clock.now += 10.5
    response = await retry(client)
    assert response.status_code == 429
    assert response.headers["retry-after"] == str(math.ceil(30 - 10.5))
    conforms(response)
    clock.now += 19.5
    assert (await retry(client)).status_code == 201
    assert len(app.mock.outbox()) == 2


async def test_control_endpoints_seed_read_and_reset(client: httpx.AsyncClient) -> None:
    seed = {"environmentId": ENV, **body()}
    created = await client.post("/__mock/verifications", json=seed)
    assert created.status_code == 201
    assert (await retry(client)).status_code == 201
    outbox = (await client.get("/__mock/outbox")).json()["messages"]
    assert [m["verificationUUID"] for m in outbox] == [UUID]
    listed = (await client.get("/__mock/verifications")).json()["verifications"]
    assert listed[0]["retries"] == 1
    assert (await client.post("/__mock/reset")).status_code == 200
    assert (await client.get("/__mock/outbox")).json() == {"messages": []}
    assert (await retry(client)).status_code == 404


@pytest.mark.parametrize(
    "seed",
    [
        {"environmentId": "nope", **body()},
        {"environmentId": ENV, **body(phoneNumber=" 1")},
        {"environmentId": ENV, **body(isoCountryCode=None)},
        {**body()},
        [1],
    ],
)
async def test_invalid_seeds_are_refused(client: httpx.AsyncClient, seed: object) -> None:
    response = await client.post("/__mock/verifications", json=seed)
    assert response.status_code == 400
    assert "[rule:" in response.json()["error"]


def test_python_seed_validates_with_the_fragment(mock_app: MockApp) -> None:
    with pytest.raises(ValueError, match=r"phoneNumber"):
        mock_app.mock.seed({"environmentId": ENV}, body(phoneNumber=""))
    assert mock_app.mock.verifications() == []


@pytest.mark.parametrize("config", [MockConfig(token=TOKEN, lenient=True)])
async def test_lenient_mode_echoes_every_valid_request(
    client: httpx.AsyncClient, app: MockApp
) -> None:
    data = body(phoneNumber="+1 917 111-3333", phoneCountryCode="\u0661", isoCountryCode="ab1")
    response = await retry(client, data)
    assert response.status_code == 201
    assert conforms(response) == {k: data[k] for k in conforms(response)}
    assert app.mock.outbox() == []
    assert (await retry(client, body(isoCountryCode="ABCD1"))).status_code == 400


# -- faults -------------------------------------------------------------------------------


async def test_error_faults_answer_the_given_5xx(client: httpx.AsyncClient, app: MockApp) -> None:
    seed_default(app)
    queued = await client.post(
        "/__mock/faults",
        json={"faults": [{"kind": "error", "status": 503}, {"kind": "error", "count": 2}]},
    )
    assert queued.status_code == 201
    first = await retry(client)
    assert first.status_code == 503
    assert first.headers["retry-after"] == "1"
    conforms(first)
    for _ in range(2):
        response = await retry(client)
        assert response.status_code == 500
        assert "retry-after" not in response.headers
        conforms(response)
    assert (await retry(client)).status_code == 201
    assert app.mock.faults() == []


async def test_faults_can_target_one_verification(client: httpx.AsyncClient, app: MockApp) -> None:
    seed_default(app)
    other = "11111111-1111-4111-8111-111111111111"
    app.mock.add_fault(Fault("error", status=502, lookup=other))
    assert (await retry(client)).status_code == 201
    assert len(app.mock.faults()) == 1
    response = await retry(client, body(verificationUUID=other))
    assert response.status_code == 502


async def test_latency_faults_delay_then_answer(client: httpx.AsyncClient, app: MockApp) -> None:
    seed_default(app)
    app.mock.add_fault(Fault("latency", seconds=0.01))
    assert (await retry(client)).status_code == 201
    assert app.mock.faults() == []


@pytest.mark.parametrize("kind", ["drop", "truncate"])
async def test_connection_faults_raise_in_process(
    client: httpx.AsyncClient, app: MockApp, kind: str
) -> None:
    seed_default(app)
    app.mock.add_fault(Fault.from_json({"kind": kind}))
    with pytest.raises(ConnectionDroppedError):
        await retry(client)
    assert (await retry(client)).status_code == 201


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "explode"},
        {"kind": "error", "status": 404},
        {"kind": "error", "count": 0},
        {"kind": "latency", "seconds": "1"},
        {"kind": "latency", "seconds": 1e9},
        {"kind": "drop", "unknown": 1},
        {"faults": []},
        "drop",
    ],
)
async def test_invalid_faults_are_refused(client: httpx.AsyncClient, fault: object) -> None:
    response = await client.post("/__mock/faults", json=fault)
    assert response.status_code == 400
    assert (await client.get("/__mock/faults")).json() == {"faults": []}


async def test_invalid_requests_do_not_use_up_faults(
    client: httpx.AsyncClient, app: MockApp
) -> None:
    app.mock.add_fault(Fault("error"))
    assert (await retry(client, body(phoneNumber=""))).status_code == 400
    assert len(app.mock.faults()) == 1


# -- routing, logging ---------------------------------------------------------------------


async def test_other_methods_are_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.get(path(), headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_other_paths_are_json_404(client: httpx.AsyncClient) -> None:
    for url in ("/sdk/x/smsVerifications", "/api/v1" + path(), path() + "/", "/"):
        response = await client.post(url, json=body(), headers=AUTH)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


async def test_logs_never_hold_a_phone_number_or_token(
    client: httpx.AsyncClient, app: MockApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seed_default(app)
    await retry(client)
    await retry(client, body(phoneNumber=PHONE + "#"))
    await client.post(path(), json=body(), headers={"Authorization": "Bearer " + PHONE})
    assert "retrySmsVerification" in caplog.text
    assert PHONE not in caplog.text
    assert TOKEN not in caplog.text


# -- one verdict with the client -----------------------------------------------------------

_ALLOWED_PUNCTUATION = " _.,:!?&%@/+-'|"
_phone_text = st.text(
    st.characters(categories=["L", "N"]) | st.sampled_from(_ALLOWED_PUNCTUATION),
    min_size=1,
    max_size=12,
)
_field_values = (
    _phone_text
    | st.text(max_size=6)
    | st.none()
    | st.integers()
    | st.sampled_from([UUID, "US", "ABCD1", "us1", "", " 1", "1 "])
)
_bodies = st.dictionaries(
    st.sampled_from(["verificationUUID", "phoneCountryCode", "phoneNumber", "isoCountryCode"]),
    _field_values,
) | st.builds(
    body,
    phoneNumber=_phone_text,
    phoneCountryCode=_phone_text,
    isoCountryCode=st.from_regex(r"\A[a-zA-Z]{2,4}[0-9]?\Z"),
)


LENIENT_APP = create_app(MockConfig(token=TOKEN, lenient=True))


class _Sent(Exception):
    """The generated client sent its request: it found nothing to refuse."""


def client_refusals(data: dict[str, object], environment_id: str) -> list[tuple[str, str]]:
    """What the generated client refuses to send, as (field, rule): the independent verdict
    (its rules are the generated tables, the mock's the fragment read by the mock)."""

    def sent(request: httpx.Request) -> httpx.Response:
        raise _Sent

    client = AuthenticatedClient(
        base_url="http://client.invalid",
        token=TOKEN,
        httpx_args={"transport": httpx.MockTransport(sent)},
        retry_policy=RetryPolicy.disabled(),
    )
    refused: list[tuple[str, str]] = []
    try:
        model = SmsVerificationRetryRequest.from_dict(data)
    except ClientValidationError as error:  # the body: refused before any call
        refused += [(v.field, v.rule) for v in error.violations]
        model = SmsVerificationRetryRequest.from_dict(body())
    try:
        with client:
            retry_sms_verification.sync_detailed(environment_id, client=client, body=model)
    except ClientValidationError as error:  # the path value: refused at the call
        refused = [(v.field, v.rule) for v in error.violations] + refused
    except _Sent:
        pass
    return refused


@given(data=_bodies, environment_id=st.sampled_from([ENV, "bad", ENV.upper()]))
async def test_the_mock_rejects_exactly_what_the_client_rejects(
    data: dict[str, object], environment_id: str
) -> None:
    transport = httpx.ASGITransport(app=LENIENT_APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        response = await client.post(path(environment_id), json=data, headers=AUTH)
    refused = client_refusals(data, environment_id)
    assert response.status_code == (400 if refused else 201), (refused, response.text)
    conforms(response)
    if refused:
        error = response.json()["error"]
        assert error.count("[rule: ") == len(refused), (refused, error)
        assert all(f"{field}: " in error for field, _rule in refused), (refused, error)
        assert all(f"[rule: {rule}]" in error for _field, rule in refused), (refused, error)
    (operation,) = fragment().operations  # and the operation model, which the mock asks
    path_values = {p.name: environment_id for p in operation.located("path")}
    assert bool(operation.violations(RawRequest(path_values, body=data))) == bool(refused)


PHONE_KEYS = ("phoneCountryCode", "phoneNumber", "isoCountryCode")


# -- the fragment --------------------------------------------------------------------------


def _essence(rules: tuple[FieldRule, ...]) -> list[tuple[object, ...]]:
    return [(r.name, r.required, r.pattern, r.max_length, r.min_length) for r in rules]


def test_rules_read_from_the_fragment_equal_the_generated_client_tables() -> None:
    """The mock reads the fragment itself; a stale generated client would disagree here."""
    spec = load_spec()
    assert spec.lookup is not None
    operation = spec.lookup.operation
    assert operation.body is not None
    body_rules = tuple(
        p.schema.string_rule("", p.name, p.name, p.required) for p in operation.body.properties
    )
    assert _essence(operation.parameter_rules()) == _essence(PARAMETERS["retry_sms_verification"])
    assert _essence(body_rules) == _essence(SCHEMAS["SmsVerificationRetryRequest"])
    assert spec.server_prefix == ("api", "v0")


def test_the_fragment_is_found_explicitly_or_from_the_installed_client(tmp_path: Path) -> None:
    assert locate_fragment().name == "openapi.json"
    assert yaml.safe_load(locate_fragment().read_text(encoding="utf-8")) == yaml.safe_load(
        FRAGMENT.read_text(encoding="utf-8")
    )
    assert locate_fragment(FRAGMENT) == FRAGMENT
    with pytest.raises(FragmentError, match="not found"):
        locate_fragment(tmp_path / "missing.yaml")


def test_a_fragment_lacking_a_needed_response_is_refused(tmp_path: Path) -> None:
    document = yaml.safe_load(FRAGMENT.read_text(encoding="utf-8"))
    del document["paths"]["/sdk/{environmentId}/smsVerifications/retry"]["post"]["responses"]["429"]
    variant = tmp_path / "variant.yaml"
    variant.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(FragmentError, match="429"):
        create_app(MockConfig(fragment=variant))


async def test_a_fragment_edit_changes_the_mock(tmp_path: Path) -> None:
    document = yaml.safe_load(FRAGMENT.read_text(encoding="utf-8"))
    document["components"]["schemas"]["SmsVerificationRetryRequest"]["properties"][
        "isoCountryCode"
    ]["maxLength"] = 5
    variant = tmp_path / "variant.yaml"
    variant.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    app = create_app(MockConfig(token=TOKEN, lenient=True, fragment=variant))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as c:
        response = await c.post(path(), json=body(isoCountryCode="ABCD1"), headers=AUTH)
    assert response.status_code == 201


async def test_the_fragment_example_can_be_seeded(client: httpx.AsyncClient, app: MockApp) -> None:
    request_example = OPERATION["requestBody"]["content"]["application/json"]["example"]
    environment_example = OPERATION["parameters"][0]["example"]
    success_example = OPERATION["responses"]["201"]["content"]["application/json"]["example"]
    app.mock.seed_example()
    # The request example holds the page's placeholders; the verification on file holds
    # the success example's phone values, which the README's examples use.
    on_file = {**request_example, **{k: success_example[k] for k in PHONE_KEYS}}
    response = await retry(client, on_file, url=path(environment_example))
    assert response.status_code == 201
    assert conforms(response)["phoneNumber"] == success_example["phoneNumber"]
    assert (await retry(client, request_example, url=path(environment_example))).status_code == 422


# --- the command line's defaults are MockConfig's ------------------------------------


def test_the_command_line_without_options_is_the_default_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(mock_cli.TOKEN_VARIABLE, raising=False)
    assert mock_cli.config_from(mock_cli.parse_args([])) == MockConfig()


def test_each_behaviour_option_sets_its_config_field() -> None:
    argv = ["--no-auth", "--lenient", "--success-status", "200", "--max-retries", "5",
            "--cooldown", "0", "--max-body-bytes", "10", "--rate-limit", "7",
            "--rate-window", "9", "--fragment", "f.yaml"]  # fmt: skip
    config = mock_cli.config_from(mock_cli.parse_args(argv))
    assert (config.require_auth, config.lenient, config.success_status) == (False, True, 200)
    assert (config.max_retries, config.cooldown_seconds, config.max_body_bytes) == (5, 0.0, 10)
    assert (config.rate_limit, config.rate_window_seconds, config.fragment) == (7, 9.0, "f.yaml")
