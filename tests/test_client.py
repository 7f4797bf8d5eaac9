"""The generated client with its overrides, driven through httpx.MockTransport (no sockets)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from dynamic_sdk_client import AuthenticatedClient, RetryPolicy
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    DynamicSdkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    ServiceUnavailableError,
    UnprocessableEntityError,
    ValidationError,
)
from dynamic_sdk_client.models import SmsVerificationCreateResponse, SmsVerificationRetryRequest

ENV = "95b11417-f18f-457f-8804-68e361f9164f"
TOKEN = "sk-live-very-secret-token"
PHONE = "9171113333"
VALID_BODY: dict[str, Any] = {
    "verificationUUID": "95b11417-f18f-457f-8804-68e361f9164f",
    "phoneCountryCode": "1",
    "phoneNumber": PHONE,
    "isoCountryCode": "US",
}
Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, **kwargs: Any) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="https://sandbox.invalid/api/v0",
        token=TOKEN,
        httpx_args={"transport": httpx.MockTransport(handler)},
        retry_policy=RetryPolicy.disabled(),
        **kwargs,
    )


def echo(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    body.pop("captchaToken", None)
    return httpx.Response(200, json=body)


def never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing may be sent, got {request.method} {request.url}")


def request_model(**overrides: Any) -> SmsVerificationRetryRequest:
    return SmsVerificationRetryRequest.from_dict({**VALID_BODY, **overrides})


# --- request validation -------------------------------------------------------------


def test_valid_request_round_trips() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return echo(request)

    with make_client(handler) as client:
        result = retry_sms_verification.sync(ENV, client=client, body=request_model())
    assert isinstance(result, SmsVerificationCreateResponse)
    assert result.phone_number == PHONE
    (request,) = seen
    assert request.url.path == f"/api/v0/sdk/{ENV}/smsVerifications/retry"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert json.loads(request.content) == VALID_BODY


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("verificationUUID", "95B11417-F18F-457F-8804-68E361F9164F", "pattern"),
        ("verificationUUID", "95b11417-f18f-457f-8804-68e361f9164f\n", "maxLength"),
        ("phoneNumber", " 9171113333", "pattern"),
        ("phoneNumber", "9171113333 ", "pattern"),
        ("phoneNumber", "917$111", "pattern"),
        ("phoneNumber", "9" * 256, "maxLength"),
        ("phoneCountryCode", "1\n", "pattern"),
        ("isoCountryCode", "ABCD1", "maxLength"),
        ("isoCountryCode", "US٣", "pattern"),
        ("isoCountryCode", "U", "pattern"),
        ("isoCountryCode", 12, "type"),
        ("phoneNumber", None, "type"),
    ],
)
def test_invalid_field_raises_before_io(field: str, value: Any, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        request_model(**{field: value})
    assert caught.value.field == field
    assert caught.value.rule == rule
    assert isinstance(caught.value, ValueError)
    assert field in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phoneNumber", "9" * 255),
        ("phoneNumber", "+1 (917) 111-3333".replace("(", "").replace(")", "")),
        ("phoneNumber", "𝐀١٢३ Ωж中"),
        ("phoneCountryCode", "_.,:!?&%@/+-'|x"),
        ("isoCountryCode", "ABC1"),
        ("isoCountryCode", "usa"),
    ],
)
def test_valid_edge_values_are_accepted(field: str, value: str) -> None:
    model = request_model(**{field: value})
    assert model.to_dict()[field] == value


def test_missing_required_field_names_it() -> None:
    body = dict(VALID_BODY)
    del body["phoneNumber"]
    with pytest.raises(ValidationError, match="phoneNumber: is required"):
        SmsVerificationRetryRequest.from_dict(body)


def test_direct_construction_validates() -> None:
    with pytest.raises(ValidationError) as caught:
        SmsVerificationRetryRequest(
            verification_uuid=VALID_BODY["verificationUUID"],
            phone_country_code="1",
            phone_number="917 111 3333 ",
            iso_country_code="US",
        )
    assert caught.value.rule == "pattern"


def test_phone_number_is_masked_in_messages() -> None:
    with pytest.raises(ValidationError) as caught:
        request_model(phoneNumber=PHONE + " ")
    assert PHONE not in str(caught.value)
    assert "'*********3 ', 11 code points" in str(caught.value)


@pytest.mark.parametrize(
    "environment_id",
    ["95B11417-F18F-457F-8804-68E361F9164F", f"{ENV}\n", "../../admin", ""],
)
def test_bad_environment_id_sends_nothing(environment_id: str) -> None:
    with make_client(never_called) as client, pytest.raises(ValidationError) as caught:
        retry_sms_verification.sync(environment_id, client=client, body=request_model())
    assert caught.value.field == "environmentId"


def test_assigning_a_bad_value_later_raises_at_once() -> None:
    model = request_model()
    with pytest.raises(ValidationError) as caught:
        model.phone_number = " bad"
    assert (caught.value.field, caught.value.rule) == ("phoneNumber", "pattern")
    assert model.phone_number == PHONE  # the model keeps its valid value
    model.phone_number = "+44 20 7946 0958"
    assert model.to_dict()["phoneNumber"] == "+44 20 7946 0958"


# --- status errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (400, {"error": "phoneNumber: must match the pattern"}, BadRequestError),
        (401, {"error": "unauthorized"}, AuthenticationError),
        (403, {"error": "forbidden"}, PermissionDeniedError),
        (404, {"error": "not found", "code": "verification_not_found"}, NotFoundError),
        (422, {"error": "no", "code": "invalid_sms_verification"}, UnprocessableEntityError),
        (429, {"error": "rate limit exceeded"}, RateLimitError),
        (500, {"error": "boom"}, ServerError),
        (503, {"error": "down"}, ServiceUnavailableError),
        (413, {"error": "too large"}, APIStatusError),
        (418, {}, APIStatusError),
        (520, {"error": "cloudflare"}, ServerError),  # non-standard 5xx: still the server side
        (599, {}, ServerError),
    ],
)
def test_each_status_raises_its_exception(
    status: int, body: dict[str, Any], error_class: type[APIStatusError]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers={"X-Request-Id": "abc"})

    with make_client(handler) as client, pytest.raises(APIStatusError) as caught:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, DynamicSdkError)
    assert error.status_code == status
    assert error.headers["X-Request-Id"] == "abc"
    assert error.response.status_code == status
    assert error.error == body.get("error")
    assert error.code == body.get("code")
    assert str(status) in str(error)


def test_unprocessable_entity_keeps_code_and_payload() -> None:
    payload = {"attempts": 4}

    def handler(request: httpx.Request) -> httpx.Response:
        body = {"error": "x", "code": "too_many_sms_verification_attempts", "payload": payload}
        return httpx.Response(422, json=body)

    with make_client(handler) as client, pytest.raises(UnprocessableEntityError) as caught:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
    assert caught.value.code == "too_many_sms_verification_attempts"
    assert caught.value.payload == payload


def test_rate_limit_exposes_retry_after() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={}, headers={"Retry-After": "7"})

    with make_client(handler) as client, pytest.raises(RateLimitError) as caught:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
    assert caught.value.retry_after == 7.0


def test_a_503_with_a_long_retry_after_is_raised_at_once_and_carries_it() -> None:
    """The issue's case: `Retry-After: 20` is past the 10 s cap, so it is the caller's."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={"error": "down"}, headers={"Retry-After": "20"})

    with make_client(handler) as client, pytest.raises(ServiceUnavailableError) as caught:
        retry_sms_verification.sync(
            ENV, client=client, body=request_model(), retry_policy=RetryPolicy()
        )
    assert len(seen) == 1
    assert caught.value.retry_after == 20.0
    assert isinstance(caught.value, ServerError)
    assert caught.value.status_code == 503


def test_a_503_still_there_after_the_last_retry_carries_its_retry_after() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={}, headers={"Retry-After": "0"})

    with make_client(handler) as client, pytest.raises(ServiceUnavailableError) as caught:
        retry_sms_verification.sync(
            ENV, client=client, body=request_model(), retry_policy=RetryPolicy(max_retries=2)
        )
    assert len(seen) == 3
    assert caught.value.retry_after == 0.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("3600", 3600.0)],
)
def test_a_503_reads_retry_after_with_the_one_parser(
    header: str | None, expected: float | None
) -> None:
    headers = {} if header is None else {"Retry-After": header}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={}, headers=headers)

    with make_client(handler) as client, pytest.raises(ServiceUnavailableError) as caught:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
    assert caught.value.retry_after == expected


def test_non_json_error_body_is_kept_raw() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>bad gateway</html>")

    with make_client(handler) as client, pytest.raises(ServerError) as caught:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
    assert caught.value.body is None
    assert caught.value.response.text == "<html>bad gateway</html>"


def test_server_message_echoing_a_phone_number_is_masked() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"error": f"phone {PHONE} does not match"})

    with make_client(handler) as client, pytest.raises(UnprocessableEntityError) as caught:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
    assert PHONE not in str(caught.value)


# --- malformed 2xx bodies -----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"",
        b"[]",
        b'"a string"',
        json.dumps({k: v for k, v in VALID_BODY.items() if k != "phoneNumber"}).encode(),
        json.dumps({**VALID_BODY, "phoneNumber": 9171113333}).encode(),
        json.dumps({**VALID_BODY, "verificationUUID": "not-a-uuid"}).encode(),
    ],
)
def test_malformed_success_body_is_a_typed_error(content: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content)

    with make_client(handler) as client, pytest.raises(ResponseValidationError) as caught:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
    assert caught.value.status_code == 200
    assert PHONE not in str(caught.value)


# --- async ---------------------------------------------------------------------------


async def test_async_call_and_error() -> None:
    async with make_client(echo) as client:
        result = await retry_sms_verification.asyncio(ENV, client=client, body=request_model())
        assert result.iso_country_code == "US"
        detailed = await retry_sms_verification.asyncio_detailed(
            ENV, client=client, body=request_model()
        )
        assert detailed.status_code == 200

    def not_found(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": "nope", "code": "verification_not_found"})

    async with make_client(not_found) as client:
        with pytest.raises(NotFoundError):
            await retry_sms_verification.asyncio(ENV, client=client, body=request_model())


# --- timeouts -----------------------------------------------------------------------


def test_default_timeout_is_finite() -> None:
    client = make_client(echo)
    timeout = client.get_httpx_client().timeout
    assert timeout.connect == 5.0
    assert timeout.read == 10.0
    explicit_none = AuthenticatedClient(base_url="http://x.invalid", token=TOKEN, timeout=None)
    assert explicit_none.get_httpx_client().timeout.read == 10.0


def test_timeout_overridable_per_client_and_per_call() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return echo(request)

    with make_client(handler, timeout=httpx.Timeout(3.0)) as client:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
        retry_sms_verification.sync(ENV, client=client, body=request_model(), timeout=1.5)
    assert seen[0]["read"] == 3.0
    assert seen[1]["read"] == 1.5


# --- secrets --------------------------------------------------------------------------


def test_token_never_in_repr_or_str() -> None:
    key = "k-" + TOKEN[::-1]
    client = make_client(echo, headers={"X-Api-Key": key})
    http = client.get_httpx_client()
    for text in (repr(client), str(client)):
        assert TOKEN not in text
        assert key not in text
    assert TOKEN not in repr(http.headers)
    assert "[redacted]" in repr(client)
    # The token is set per request (the call path), not kept in the httpx client's headers.
    assert "Authorization" not in http.headers
    assert client.auth_headers == {"Authorization": f"Bearer {TOKEN}"}


def test_token_never_in_exceptions_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "bad token"})

    caplog.set_level(logging.DEBUG)
    with make_client(handler) as client, pytest.raises(AuthenticationError) as caught:
        retry_sms_verification.sync(ENV, client=client, body=request_model())
    rendered = f"{caught.value!s} {caught.value!r} {caught.value.response!r} "
    rendered += repr(caught.value.response.request.headers)
    assert TOKEN not in rendered
    assert TOKEN not in caplog.text
    assert PHONE not in caplog.text
