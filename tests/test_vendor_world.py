"""The client against the vendor's world (issue 9), on httpx.MockTransport: 201 and 200,
undocumented 2xx, transport errors that say whether the SMS may have gone out, 429s a
request handler can live with, deadlines, per-call policies, reprs, package surface."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import dynamic_sdk_client
from codegen import release
from dynamic_sdk_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticatedClient,
    Client,
    DynamicSdkError,
    RateLimitError,
    RetryPolicy,
    UnexpectedSuccessError,
    UnprocessableEntityError,
    ValidationError,
)
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.models import (
    SmsVerificationCreateResponse,
    SmsVerificationRetryRequest,
    UnprocessableEntityErrorCode,
)
from dynamic_sdk_runtime.exceptions import mask_digit_runs

ENV = "95b11417-f18f-457f-8804-68e361f9164f"
TOKEN = "sk-live-very-secret-token"
PHONE = "9171113333"
BODY: dict[str, Any] = {
    "verificationUUID": ENV,
    "phoneCountryCode": "1",
    "phoneNumber": PHONE,
    "isoCountryCode": "US",
}
JSON = "application/json"
Handler = Callable[[httpx.Request], httpx.Response]


def client_for(handler: Handler, **kwargs: Any) -> AuthenticatedClient:
    kwargs.setdefault("retry_policy", RetryPolicy(backoff_initial=0.0))
    return AuthenticatedClient(
        base_url="https://sandbox.invalid/api/v0",
        token=TOKEN,
        httpx_args={"transport": httpx.MockTransport(handler)},
        **kwargs,
    )


def call(client: AuthenticatedClient | Client, **kwargs: Any) -> SmsVerificationCreateResponse:
    body = SmsVerificationRetryRequest.from_dict(BODY)
    with client:
        return retry_sms_verification.sync(ENV, client=client, body=body, **kwargs)


class Script:
    """Answers (or raises) in order and records what was sent."""

    def __init__(self, *steps: httpx.Response | Exception) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


# --- success statuses ------------------------------------------------------------------


@pytest.mark.parametrize("status", [201, 200])
def test_both_documented_successes_return_the_parsed_body(status: int) -> None:
    script = Script(httpx.Response(status, json=BODY))
    sent = call(client_for(script))
    assert isinstance(sent, SmsVerificationCreateResponse)
    assert sent.phone_number == PHONE


def test_detailed_response_is_typed_and_keeps_the_status() -> None:
    body = SmsVerificationRetryRequest.from_dict(BODY)
    with client_for(Script(httpx.Response(201, json=BODY))) as client:
        response = retry_sms_verification.sync_detailed(ENV, client=client, body=body)
    assert response.status_code == 201
    assert response.parsed.iso_country_code == "US"


@pytest.mark.parametrize("status", [202, 204, 299])
def test_an_undocumented_success_says_the_request_reached_the_server(status: int) -> None:
    with pytest.raises(UnexpectedSuccessError) as caught:
        call(client_for(Script(httpx.Response(status))))
    assert not isinstance(caught.value, APIStatusError)
    assert caught.value.may_have_reached_server is True
    assert caught.value.status_code == status


# --- transport errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "kind", "reached"),
    [
        (httpx.ConnectError("refused"), APIConnectionError, False),
        (httpx.ConnectTimeout("slow connect"), APITimeoutError, False),
        (httpx.PoolTimeout("pool"), APITimeoutError, False),
        (httpx.ProxyError("403 from the proxy"), APIConnectionError, False),
        (httpx.ReadTimeout("slow answer"), APITimeoutError, True),
        (httpx.WriteTimeout("slow upload"), APITimeoutError, True),
        (httpx.ReadError("reset"), APIConnectionError, True),
        (httpx.RemoteProtocolError("dropped mid-response"), APIConnectionError, True),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_transport_errors_join_the_tree_and_say_if_the_sms_may_have_gone_out(
    error: Exception, kind: type[APIConnectionError], reached: bool
) -> None:
    script = Script(error)
    with pytest.raises(kind) as caught:
        call(client_for(script, retry_policy=RetryPolicy.disabled()))
    assert isinstance(caught.value, DynamicSdkError)
    assert caught.value.__cause__ is error
    assert caught.value.may_have_reached_server is reached
    assert ("may have reached" if reached else "never reached") in str(caught.value)
    assert TOKEN not in str(caught.value)


# --- 429 and deadlines -----------------------------------------------------------------


def test_a_retry_after_longer_than_the_cap_is_raised_at_once() -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "100"}, json={"error": "slow"}))
    with pytest.raises(RateLimitError) as caught:
        call(client_for(script))
    assert caught.value.retry_after == 100.0
    assert len(script.requests) == 1


def test_retrying_429s_can_be_switched_off_alone() -> None:
    script = Script(
        httpx.ConnectError("refused"),
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(201, json=BODY),
    )
    with pytest.raises(RateLimitError):
        call(client_for(script, retry_policy=RetryPolicy(retry_rate_limited=False)))
    assert len(script.requests) == 2  # the safe connection retry still happened


def test_a_call_can_carry_its_own_policy() -> None:
    script = Script(httpx.ConnectError("refused"), httpx.Response(201, json=BODY))
    client = client_for(script, retry_policy=RetryPolicy.disabled())
    sent = call(client, retry_policy=RetryPolicy(max_retries=1, backoff_initial=0.0))
    assert sent.phone_number == PHONE
    assert len(script.requests) == 2


def test_no_wait_runs_past_the_deadline() -> None:
    busy = httpx.Response(503, headers={"Retry-After": "5"}, json={"error": "busy"})
    script = Script(busy, httpx.Response(201, json=BODY))
    with pytest.raises(APIStatusError) as caught:
        call(client_for(script), deadline=1.0)
    assert caught.value.status_code == 503
    assert len(script.requests) == 1  # a 5 s wait would end past the 1 s deadline


def test_the_deadline_cuts_each_attempts_timeouts() -> None:
    script = Script(httpx.Response(201, json=BODY))
    call(client_for(script), deadline=2.0, timeout=60.0)
    timeouts = script.requests[0].extensions["timeout"]
    assert all(0 < timeouts[kind] <= 2.0 for kind in ("connect", "read", "write", "pool"))


def test_an_exhausted_deadline_sends_nothing() -> None:
    script = Script(httpx.Response(201, json=BODY))
    with pytest.raises(APITimeoutError) as caught:
        call(client_for(script), deadline=-1.0)
    assert script.requests == []
    assert caught.value.may_have_reached_server is False


@pytest.mark.parametrize(
    ("content", "content_type", "error", "code"),
    [
        (b'{"message": "Rate limit exceeded", "code": 429}', JSON, "Rate limit exceeded", "429"),
        (b'{"error": "Too many requests"}', JSON, "Too many requests", None),
        (b"<html>Too Many Requests</html>", "text/html", None, None),
        (b"Rate limit exceeded", "text/plain", None, None),
    ],
)  # fmt: skip
def test_every_documented_429_body_is_a_rate_limit_error(
    content: bytes, content_type: str, error: str | None, code: str | None
) -> None:
    answer = httpx.Response(429, content=content, headers={"Content-Type": content_type})
    with pytest.raises(RateLimitError) as caught:
        call(client_for(Script(answer), retry_policy=RetryPolicy.disabled()))
    assert (caught.value.error, caught.value.code) == (error, code)
    assert caught.value.retry_after is None


# --- error bodies ----------------------------------------------------------------------


def test_unprocessable_code_is_the_generated_enum_and_unknown_codes_stay_strings() -> None:
    known = httpx.Response(422, json={"error": "no", "code": "invalid_sms_verification"})
    with pytest.raises(UnprocessableEntityError) as caught:
        call(client_for(Script(known)))
    assert caught.value.code is UnprocessableEntityErrorCode.INVALID_SMS_VERIFICATION
    newer = httpx.Response(422, json={"error": "no", "code": "brand_new_reason"})
    with pytest.raises(UnprocessableEntityError) as caught:
        call(client_for(Script(newer)))
    assert caught.value.code == "brand_new_reason"
    assert caught.value.parsed is None


# --- clients ---------------------------------------------------------------------------


def test_a_plain_client_sends_no_token_and_names_itself() -> None:
    script = Script(httpx.Response(201, json=BODY))
    client = Client(
        base_url="https://sandbox.invalid/api/v0",
        httpx_args={"transport": httpx.MockTransport(script)},
    )
    call(client)
    sent = script.requests[0]
    assert "Authorization" not in sent.headers
    version = dynamic_sdk_client.__version__
    assert sent.headers["User-Agent"].startswith(f"dynamic-sdk-client/{version} httpx/")


def test_with_methods_return_new_clients_and_never_an_unbounded_timeout() -> None:
    client = client_for(Script(httpx.Response(201, json=BODY)))
    with client:
        live = client.get_httpx_client()
        before = live.timeout
        other = client.with_timeout(None).with_headers({"X-Extra": "1"})
        assert live.timeout == before
        assert "X-Extra" not in live.headers
    assert other is not client
    assert other.get_httpx_client().timeout.read == 10.0


def test_a_sync_call_on_an_async_only_transport_is_refused_clearly() -> None:
    client = AuthenticatedClient(
        base_url="https://sandbox.invalid",
        token=TOKEN,
        httpx_args={"transport": httpx.AsyncHTTPTransport()},
    )
    with pytest.raises(TypeError, match="sync call cannot use"):
        call(client)


# --- personal data, secrets, surface ---------------------------------------------------


def test_model_reprs_mask_phone_numbers() -> None:
    request = SmsVerificationRetryRequest.from_dict(BODY)
    response = SmsVerificationCreateResponse.from_dict(BODY)
    for text in (repr(request), repr(response)):
        assert PHONE not in text
        assert "********33" in text
        assert f"verification_uuid={ENV!r}" in text  # an id, not personal data: readable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"id {ENV}, phone +1 (917) 111-3333", f"id {ENV}, phone +**************33"),
        (f"{ENV}9171113333", f"{ENV}********33"),  # digits glued to an id are still masked
        ("95b11417-f18f-457f-8804", "95b***17-f18f-457f-****"),  # not a whole UUID
    ],
)
def test_digit_runs_are_masked_except_inside_a_uuid(text: str, shown: str) -> None:
    assert mask_digit_runs(text) == shown


def test_every_invalid_field_is_listed_in_one_error() -> None:
    with pytest.raises(ValidationError) as caught:
        SmsVerificationRetryRequest.from_dict(
            {**BODY, "phoneNumber": " 1", "isoCountryCode": "ABCD1", "verificationUUID": "x"}
        )
    assert [(v.field, v.rule) for v in caught.value.violations] == [
        ("verificationUUID", "minLength"),
        ("phoneNumber", "pattern"),
        ("isoCountryCode", "maxLength"),
    ]


def test_the_token_is_never_logged_or_shown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    script = Script(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"))
    client = client_for(script)
    with pytest.raises(APITimeoutError) as caught:
        call(client)
    shown = "\n".join([caplog.text, repr(client), str(caught.value), repr(caught.value)])
    assert TOKEN not in shown


def test_the_package_root_exports_clients_errors_policy_and_version() -> None:
    for name in ("AuthenticatedClient", "Client", "RetryPolicy", "APIConnectionError"):
        assert name in dynamic_sdk_client.__all__
    assert dynamic_sdk_client.__version__ == release.version()


def test_the_contract_suites_target_never_shows_its_token() -> None:
    from contract_tests.run.targets import Target

    with httpx.Client() as http:
        target = Target("sandbox", http, "", TOKEN, {"environment": ENV})
        assert TOKEN not in repr(target)
        assert TOKEN not in str(target)
