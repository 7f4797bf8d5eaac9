"""Behind a real forwarding proxy on 127.0.0.1: retries still wrap the route httpx takes,
whether the proxy comes from `proxy=`, `mounts=` or the environment (trust_env)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest

from dynamic_sdk_client import AuthenticatedClient, RetryPolicy
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


def _call(client: AuthenticatedClient) -> str:
    body = SmsVerificationRetryRequest.from_dict(BODY)
    with client:
        return retry_sms_verification.sync(ENV, client=client, body=body).phone_number


def _client(mock: RunningMock, **httpx_args: object) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=mock.url,
        token=TOKEN,
        retry_policy=RetryPolicy(backoff_initial=0.0),
        httpx_args=dict(httpx_args),
    )


def test_proxy_argument_keeps_retries(proxy: ForwardingProxy, mock: RunningMock) -> None:
    assert _call(_client(mock, proxy=proxy.url)) == "9171113333"
    assert len(proxy.seen) == 2  # the 503 and the retry both went through the proxy


def test_mounts_keep_retries(proxy: ForwardingProxy, mock: RunningMock) -> None:
    mounts = {"http://": httpx.HTTPTransport(proxy=proxy.url)}
    assert _call(_client(mock, mounts=mounts)) == "9171113333"
    assert len(proxy.seen) == 2


def test_environment_proxy_is_used_with_retries(
    proxy: ForwardingProxy, mock: RunningMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    assert _call(_client(mock)) == "9171113333"
    assert len(proxy.seen) == 2
