"""Behind a real forwarding proxy on 127.0.0.1: retries hold on every route httpx takes,
whether the proxy comes from `proxy=`, `mounts=`, the environment (trust_env) or an httpx
client given with `set_httpx_client` / `set_async_httpx_client`, sync and async."""

from __future__ import annotations

import asyncio
import http.client
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest

from dynamic_sdk_client import APIConnectionError, AuthenticatedClient, RetryPolicy
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.models import SmsVerificationRetryRequest
from dynamic_sdk_mock import Fault, MockConfig, RunningMock, running_mock

ENV = "95b11417-f18f-457f-8804-68e361f9164f"
TOKEN = "proxy-test-token"
BODY = {
    "verificationUUID": ENV,
    "phoneCountryCode": "1",
    "phoneNumber": "9171113333",
    "isoCountryCode": "US",
}


class ForwardingProxy(ThreadingHTTPServer):
    """A plain HTTP forward proxy: absolute-form requests in, the origin's answer out."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(BaseHTTPRequestHandler):
    server: ForwardingProxy

    def do_POST(self) -> None:
        target = urlsplit(self.path)
        self.server.seen.append(target.path)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        try:
            upstream.request("POST", target.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)
        finally:
            upstream.close()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads `seen` instead."""


@pytest.fixture
def proxy() -> Iterator[ForwardingProxy]:
    server = ForwardingProxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def mock() -> Iterator[RunningMock]:
    with running_mock(MockConfig(token=TOKEN, cooldown_seconds=0.0)) as running:
        running.state.seed({"environmentId": ENV}, BODY)
        # The first attempt meets a 503 with Retry-After: only a retry gets the 201.
        running.state.add_fault(Fault(kind="error", status=503, retry_after=0))
        yield running


def _call(client: AuthenticatedClient, is_async: bool) -> str:
    body = SmsVerificationRetryRequest.from_dict(BODY)
    if is_async:

        async def run() -> str:
            async with client:
                sent = await retry_sms_verification.asyncio(ENV, client=client, body=body)
            return sent.phone_number

        return asyncio.run(run())
    with client:
        return retry_sms_verification.sync(ENV, client=client, body=body).phone_number


def _client(base_url: str, **httpx_args: object) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=base_url,
        token=TOKEN,
        retry_policy=RetryPolicy(backoff_initial=0.0),
        httpx_args=dict(httpx_args),
    )


def _proxy_argument(
    base: str, proxy: str, is_async: bool, env: pytest.MonkeyPatch
) -> AuthenticatedClient:
    return _client(base, proxy=proxy)


def _mounts(base: str, proxy: str, is_async: bool, env: pytest.MonkeyPatch) -> AuthenticatedClient:
    transport = httpx.AsyncHTTPTransport if is_async else httpx.HTTPTransport
    return _client(base, mounts={"http://": transport(proxy=proxy)})


def _environment(
    base: str, proxy: str, is_async: bool, env: pytest.MonkeyPatch
) -> AuthenticatedClient:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        env.delenv(name, raising=False)
    env.setenv("HTTP_PROXY", proxy)
    return _client(base)


def _set_httpx_client(
    base: str, proxy: str, is_async: bool, env: pytest.MonkeyPatch
) -> AuthenticatedClient:
    """The user's own httpx client, with no token of its own: the call path sets it."""
    client = _client(base)
    if is_async:
        return client.set_async_httpx_client(httpx.AsyncClient(base_url=base, proxy=proxy))
    return client.set_httpx_client(httpx.Client(base_url=base, proxy=proxy))


Route = Callable[[str, str, bool, pytest.MonkeyPatch], AuthenticatedClient]
ROUTES: dict[str, Route] = {
    "proxy=": _proxy_argument,
    "mounts=": _mounts,
    "environment": _environment,
    "set_httpx_client": _set_httpx_client,
}
routes = pytest.mark.parametrize("route", ROUTES)
modes = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


@routes
@modes
def test_a_503_then_201_is_retried_through_the_proxy(
    proxy: ForwardingProxy,
    mock: RunningMock,
    route: str,
    is_async: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = ROUTES[route](mock.url, proxy.url, is_async, monkeypatch)
    assert _call(client, is_async) == "9171113333"
    assert len(proxy.seen) == 2  # the 503 and the retry both went through the proxy


def _refused_url() -> str:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@routes
@modes
def test_a_refused_proxy_is_retried_and_said_never_sent(
    mock: RunningMock,
    route: str,
    is_async: bool,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = ROUTES[route](mock.url, _refused_url(), is_async, monkeypatch)
    with (
        caplog.at_level(logging.WARNING, logger="dynamic_sdk_client.retry"),
        pytest.raises(APIConnectionError) as caught,
    ):
        _call(client, is_async)
    retries = [r.getMessage() for r in caplog.records if r.name == "dynamic_sdk_client.retry"]
    assert [m.split("(")[1].split(")")[0] for m in retries] == ["ConnectError", "ConnectError"]
    assert caught.value.may_have_reached_server is False
    assert mock.state.outbox() == []
