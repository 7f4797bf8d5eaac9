"""Retries, the deadline and the bearer token live in the call path: every way of giving
the client an httpx client keeps them, sync and async (issues 18 and 23). In memory
(httpx.MockTransport); the same routes through a real proxy on loopback are in
test_proxy.py."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from dynamic_sdk_client import (
    APIConnectionError,
    AuthenticatedClient,
    AuthenticationError,
    Client,
    RetryPolicy,
    ServerError,
)
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.models import SmsVerificationRetryRequest

from .test_vendor_world import BODY, ENV, Handler, Script

BASE = "https://sandbox.invalid/api/v0"


def _client(**kwargs: Any) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=BASE, token="t", retry_policy=RetryPolicy(backoff_initial=0.0), **kwargs
    )


def _httpx_args_transport(handler: Handler, is_async: bool) -> AuthenticatedClient:
    return _client(httpx_args={"transport": httpx.MockTransport(handler)})


def _httpx_args_mounts(handler: Handler, is_async: bool) -> AuthenticatedClient:
    return _client(httpx_args={"mounts": {"https://": httpx.MockTransport(handler)}})


def _set_httpx_client(handler: Handler, is_async: bool) -> AuthenticatedClient:
    """The route openapi-python-client documents for a custom httpx client."""
    transport = httpx.MockTransport(handler)
    if is_async:
        return _client().set_async_httpx_client(
            httpx.AsyncClient(base_url=BASE, transport=transport)
        )
    return _client().set_httpx_client(httpx.Client(base_url=BASE, transport=transport))


def _user_built_with_mounts(handler: Handler, is_async: bool) -> AuthenticatedClient:
    """A client the user built with routes of their own (no default transport used)."""
    mounts = {"https://sandbox.invalid": httpx.MockTransport(handler)}
    if is_async:
        return _client().set_async_httpx_client(httpx.AsyncClient(base_url=BASE, mounts=mounts))
    return _client().set_httpx_client(httpx.Client(base_url=BASE, mounts=mounts))


ROUTES = {
    "httpx_args-transport": _httpx_args_transport,
    "httpx_args-mounts": _httpx_args_mounts,
    "set_httpx_client": _set_httpx_client,
    "user-built-mounts": _user_built_with_mounts,
}


def call(client: AuthenticatedClient | Client, is_async: bool, **kwargs: Any) -> str:
    """One retrySmsVerification call, sync or async; the phone number it echoes."""
    body = SmsVerificationRetryRequest.from_dict(BODY)
    if is_async:

        async def run() -> str:
            async with client:
                sent = await retry_sms_verification.asyncio(ENV, client=client, body=body, **kwargs)
            return sent.phone_number

        return asyncio.run(run())
    with client:
        return retry_sms_verification.sync(ENV, client=client, body=body, **kwargs).phone_number


def busy(retry_after: str) -> httpx.Response:
    return httpx.Response(503, headers={"Retry-After": retry_after}, json={"error": "busy"})


def created() -> httpx.Response:
    return httpx.Response(201, json=BODY)


routes = pytest.mark.parametrize("route", ROUTES)
modes = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


@routes
@modes
def test_a_503_with_retry_after_then_201_succeeds_after_two_attempts(
    route: str, is_async: bool
) -> None:
    script = Script(busy("0"), created())
    assert call(ROUTES[route](script, is_async), is_async) == BODY["phoneNumber"]
    assert len(script.requests) == 2


@routes
@modes
def test_a_refused_connection_is_retried(route: str, is_async: bool) -> None:
    script = Script(httpx.ConnectError("refused"), created())
    assert call(ROUTES[route](script, is_async), is_async) == BODY["phoneNumber"]
    assert len(script.requests) == 2


@routes
@modes
def test_refused_every_time_says_the_sms_never_went_out(route: str, is_async: bool) -> None:
    script = Script(*[httpx.ConnectError("refused") for _ in range(3)])
    with pytest.raises(APIConnectionError) as caught:
        call(ROUTES[route](script, is_async), is_async)
    assert len(script.requests) == 3
    assert caught.value.may_have_reached_server is False


@routes
@modes
def test_no_wait_runs_past_the_deadline(route: str, is_async: bool) -> None:
    script = Script(busy("5"), created())
    with pytest.raises(ServerError):
        call(ROUTES[route](script, is_async), is_async, deadline=1.0)
    assert len(script.requests) == 1  # a 5 s wait would end past the 1 s deadline


@routes
@modes
def test_the_deadline_cuts_each_attempts_timeouts(route: str, is_async: bool) -> None:
    script = Script(created())
    call(ROUTES[route](script, is_async), is_async, deadline=2.0, timeout=60.0)
    timeouts = script.requests[0].extensions["timeout"]
    assert all(0 < timeouts[kind] <= 2.0 for kind in ("connect", "read", "write", "pool"))


def test_the_client_deadline_applies_to_a_given_httpx_client() -> None:
    script = Script(busy("5"), created())
    client = AuthenticatedClient(base_url=BASE, token="t", deadline=1.0).set_httpx_client(
        httpx.Client(base_url=BASE, transport=httpx.MockTransport(script))
    )
    with pytest.raises(ServerError):
        call(client, is_async=False)
    assert len(script.requests) == 1


# --- the bearer token -----------------------------------------------------------------


def _bearer_only(token: str) -> Handler:
    """A server that answers 401 unless the request carries exactly this bearer token."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("Authorization") != f"Bearer {token}":
            return httpx.Response(401, json={"error": "missing or wrong token"})
        return created()

    return handler


@routes
@modes
def test_the_token_is_on_every_request_whatever_httpx_client_is_set(
    route: str, is_async: bool
) -> None:
    script = Script(busy("0"), created())
    assert call(ROUTES[route](script, is_async), is_async) == BODY["phoneNumber"]
    assert [r.headers["Authorization"] for r in script.requests] == ["Bearer t", "Bearer t"]


@modes
def test_a_plain_httpx_client_of_your_own_gets_no_401(is_async: bool) -> None:
    """The issue's case: `set_httpx_client(httpx.Client(base_url=...))` lost the token."""
    transport = httpx.MockTransport(_bearer_only("secret"))
    client = AuthenticatedClient(base_url=BASE, token="secret")
    if is_async:
        client.set_async_httpx_client(httpx.AsyncClient(base_url=BASE, transport=transport))
    else:
        client.set_httpx_client(httpx.Client(base_url=BASE, transport=transport))
    assert call(client, is_async) == BODY["phoneNumber"]


@modes
def test_an_authorization_header_on_your_own_client_wins_over_the_token(is_async: bool) -> None:
    transport = httpx.MockTransport(_bearer_only("theirs"))
    mine = {"Authorization": "Bearer theirs"}
    client = AuthenticatedClient(base_url=BASE, token="ours")
    if is_async:
        client.set_async_httpx_client(
            httpx.AsyncClient(base_url=BASE, transport=transport, headers=mine)
        )
    else:
        client.set_httpx_client(httpx.Client(base_url=BASE, transport=transport, headers=mine))
    assert call(client, is_async) == BODY["phoneNumber"]
    with pytest.raises(AuthenticationError):  # and the token alone would have been refused
        call(
            AuthenticatedClient(base_url=BASE, token="ours").set_httpx_client(
                httpx.Client(base_url=BASE, transport=transport)
            ),
            is_async=False,
        )


@modes
def test_a_custom_prefix_and_header_name_reach_a_client_of_your_own(is_async: bool) -> None:
    script = Script(created())
    client = AuthenticatedClient(base_url=BASE, token="k", prefix="", auth_header_name="X-Key")
    transport = httpx.MockTransport(script)
    if is_async:
        client.set_async_httpx_client(httpx.AsyncClient(base_url=BASE, transport=transport))
    else:
        client.set_httpx_client(httpx.Client(base_url=BASE, transport=transport))
    call(client, is_async)
    assert script.requests[0].headers["X-Key"] == "k"
    assert "Authorization" not in script.requests[0].headers


@modes
def test_a_plain_client_sends_no_authorization(is_async: bool) -> None:
    script = Script(created())
    transport = httpx.MockTransport(script)
    client = Client(base_url=BASE)
    if is_async:
        client.set_async_httpx_client(httpx.AsyncClient(base_url=BASE, transport=transport))
    else:
        client.set_httpx_client(httpx.Client(base_url=BASE, transport=transport))
    call(client, is_async)
    assert "Authorization" not in script.requests[0].headers
