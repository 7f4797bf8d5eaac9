"""The hot path's shortcuts give the answers of the long way round (issue 12).

Each shortcut is checked against what it replaces: the cached request URL against
httpx's own merge, the compiled model check against the per-rule checker, the deadline's
"nothing to cut" case against the cutting case.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynamic_sdk_client import AuthenticatedClient, RetryPolicy, ValidationError
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.constraints import SCHEMAS
from dynamic_sdk_client.models import SmsVerificationCreateResponse, SmsVerificationRetryRequest
from dynamic_sdk_client.types import UNSET
from dynamic_sdk_runtime import retry, transport
from dynamic_sdk_runtime.rules import FieldRule, ModelRules, rules_violations
from dynamic_sdk_runtime.transport import absolute_url

PURE = settings.get_profile("pure")
"""A pure-function property: many examples (contract_tests/profiles.py, PURE_EXAMPLES)."""

ENV = "95b11417-f18f-457f-8804-68e361f9164f"
BODY: dict[str, Any] = {
    "verificationUUID": ENV,
    "phoneCountryCode": "1",
    "phoneNumber": "9171113333",
    "isoCountryCode": "US",
}

BASES = st.sampled_from(
    [
        "https://api.dynamicauth.com/api/v0",
        "https://api.dynamicauth.com/api/v0/",
        "https://api.dynamicauth.com",
        "http://127.0.0.1:4010",
        "http://user:pw@proxy.invalid:8080/a%20b/",
        "https://xn--bcher-kva.example/sdk?x=1",
        "",
    ]
)
SEGMENT = st.text(alphabet="abcAZ09-._~%/?#é :", max_size=12)
PATHS = st.one_of(
    st.builds(lambda s: f"/sdk/{s}/smsVerifications/retry", SEGMENT),
    st.builds(lambda s: f"sdk/{s}", SEGMENT),
    st.sampled_from(["https://other.invalid/x", "/", "//host.invalid/p", "/a/../b"]),
)


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, httpx.Client]]:
    """One httpx client per base URL for all examples (a client costs milliseconds to make,
    a URL microseconds): the cache then also meets paths it has seen before."""
    made: dict[str, httpx.Client] = {}
    yield made
    for client in made.values():
        client.close()


@settings(PURE)
@given(base=BASES, path=PATHS)
def test_the_cached_url_is_the_url_httpx_would_build(
    clients: dict[str, httpx.Client], base: str, path: str
) -> None:
    if base not in clients:
        clients[base] = httpx.Client(base_url=base)
    http = clients[base]
    try:
        expected = http.build_request("POST", path).url
    except httpx.InvalidURL:
        with pytest.raises(httpx.InvalidURL):
            absolute_url(http, path)
        return
    assert absolute_url(http, path) == expected
    assert absolute_url(http, path) == expected  # and again, from the cache


def test_a_new_base_url_on_the_httpx_client_is_honoured() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(201, json=BODY)

    client = AuthenticatedClient(
        base_url="https://first.invalid/api/v0",
        token="t",
        httpx_args={"transport": httpx.MockTransport(answer)},
        retry_policy=RetryPolicy.disabled(),
    )
    body = SmsVerificationRetryRequest.from_dict(BODY)
    with client:
        retry_sms_verification.sync_detailed(ENV, client=client, body=body)
        client.get_httpx_client().base_url = httpx.URL("https://second.invalid/v1")
        retry_sms_verification.sync_detailed(ENV, client=client, body=body)
    assert seen == [
        f"https://first.invalid/api/v0/sdk/{ENV}/smsVerifications/retry",
        f"https://second.invalid/v1/sdk/{ENV}/smsVerifications/retry",
    ]


def test_the_url_cache_stays_bounded() -> None:
    with httpx.Client(base_url="https://api.invalid/") as http:
        for number in range(3 * transport._URL_CACHE_SIZE):
            assert absolute_url(http, f"/p/{number}") == f"https://api.invalid/p/{number}"
            assert len(transport._absolute_urls) <= transport._URL_CACHE_SIZE


def test_a_deadline_far_off_leaves_the_timeouts_as_they_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json=BODY)

    # One clock that stands still, for where the deadline is set and where it is read: the
    # time left is then exactly the deadline given, on any machine.
    monkeypatch.setattr(transport, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    kwdefaults = retry.send_with_retries.__kwdefaults__
    assert kwdefaults is not None
    monkeypatch.setitem(kwdefaults, "pacing", retry.Pacing(clock=lambda: 1000.0))
    client = AuthenticatedClient(
        base_url="https://api.invalid",
        token="t",
        httpx_args={"transport": httpx.MockTransport(answer)},
        timeout=httpx.Timeout(5.0, read=20.0),
    )
    body = SmsVerificationRetryRequest.from_dict(BODY)
    with client:
        retry_sms_verification.sync_detailed(ENV, client=client, body=body, deadline=60.0)
        retry_sms_verification.sync_detailed(ENV, client=client, body=body, deadline=10.0)
    far, near = (request.extensions["timeout"] for request in sent)
    assert far == {"connect": 5.0, "read": 20.0, "write": 5.0, "pool": 5.0}
    # only the timeout that outlasts the deadline is cut, to the time left
    assert near == {"connect": 5.0, "read": 10.0, "write": 5.0, "pool": 5.0}


REQUEST_RULES = SCHEMAS["SmsVerificationRetryRequest"]
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789abcdefUS -\n", min_size=1, max_size=40),
    st.sampled_from([ENV, "US", "ABCD1", "9171113333", "", "é", "\ud800"]),
    st.none(),
    st.integers(),
    st.just(UNSET),
)


class _Instance:
    """Any object with the model's attributes: the compiled check reads attributes only."""

    def __init__(self, values: dict[str, object]) -> None:
        self.__dict__.update(values)


@settings(PURE)
@given(values=st.fixed_dictionaries({rule.python_name: VALUES for rule in REQUEST_RULES}))
def test_the_compiled_model_check_agrees_with_the_rule_by_rule_check(
    values: dict[str, object],
) -> None:
    rules = ModelRules(REQUEST_RULES, unset=UNSET)
    body = {
        rule.name: values[rule.python_name]
        for rule in REQUEST_RULES
        if values[rule.python_name] is not UNSET  # UNSET: the field is absent
    }
    expected = rules_violations((), REQUEST_RULES, {}, body)
    if expected:
        with pytest.raises(ValidationError) as caught:
            rules.check(_Instance(values))
        found = [(v.field, v.rule, v.detail) for v in caught.value.violations]
        assert found == [(v.field, v.rule, v.detail) for v in expected]
    else:
        rules.check(_Instance(values))


def test_an_absent_optional_field_passes_and_a_missing_required_one_does_not() -> None:
    rules = ModelRules(REQUEST_RULES, unset=UNSET)
    present = {rule.python_name: BODY.get(rule.name, UNSET) for rule in REQUEST_RULES}
    rules.check(_Instance(present))
    with pytest.raises(ValueError, match="phoneNumber"):
        rules.check(_Instance({**present, "phone_number": UNSET}))


def test_field_names_that_are_not_identifiers_are_read_and_never_run() -> None:
    odd = FieldRule(
        schema="Odd",
        name="class",
        python_name="class",  # a keyword: read with getattr, not `instance.class`
        required=True,
        max_length=3,
        pattern="^a",
    )
    injected = FieldRule(
        schema="Odd",
        name="x",
        python_name="x; import os",
        required=False,
        max_length=3,
    )
    rules = ModelRules([odd, injected], unset=UNSET)
    rules.check(_Instance({"class": "abc", "x; import os": UNSET}))
    with pytest.raises(ValueError, match="class"):
        rules.check(_Instance({"class": "abcd", "x; import os": UNSET}))
    with pytest.raises(ValueError, match="x"):
        rules.check(_Instance({"class": "abc", "x; import os": "long"}))


def test_a_response_model_built_on_the_hot_path_is_still_checked() -> None:
    with pytest.raises(ValueError, match="verificationUUID"):
        SmsVerificationCreateResponse.from_dict({**BODY, "verificationUUID": ENV.upper()})
    with pytest.raises(ValueError, match="phoneNumber"):
        SmsVerificationCreateResponse.from_dict({**BODY, "phoneNumber": 9171113333})
