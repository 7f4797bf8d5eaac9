"""The embedded mock over a real loopback socket (uvicorn): faults, limits, bursts, the CLI."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from dynamic_sdk_mock import Fault, MockConfig, RunningMock, running_mock
from dynamic_sdk_mock._server import bind_socket

from .test_mock import AUTH, ENV, PHONE, TOKEN, UUID, body, conforms, path

pytest_plugins = ["dynamic_sdk_mock.pytest_plugin"]


@pytest.fixture
def mock_config() -> MockConfig:
    """The plugin's `mock_server` runs with this configuration (no cooldown: no waiting)."""
    return MockConfig(token=TOKEN, cooldown_seconds=0)


@pytest.fixture
def seeded(mock_server: RunningMock) -> RunningMock:
    mock_server.state.seed({"environmentId": ENV}, body())
    return mock_server


@pytest.fixture
def http(mock_server: RunningMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_server.url, timeout=10) as client:
        yield client


def post(client: httpx.Client, **kwargs: Any) -> httpx.Response:
    headers = {**AUTH, "Content-Type": "application/json", **kwargs.pop("headers", {})}
    content = kwargs.pop("content", None)
    if content is None:
        content = json.dumps(kwargs.pop("data", body())).encode()
    return client.post(kwargs.pop("url", path()), content=content, headers=headers, **kwargs)


def test_a_seeded_retry_over_http(seeded: RunningMock, http: httpx.Client) -> None:
    assert seeded.url.startswith("http://127.0.0.1:")
    response = post(http, url=path(prefix="/api/v0"))
    assert response.status_code == 201
    assert conforms(response)["phoneNumber"] == PHONE
    assert [m["verificationUUID"] for m in seeded.state.outbox()] == [UUID]


def test_control_endpoints_over_http(mock_server: RunningMock, http: httpx.Client) -> None:
    seed = http.post("/__mock/verifications", json={"environmentId": ENV, **body()})
    assert seed.status_code == 201
    assert post(http).status_code == 201
    assert len(http.get("/__mock/outbox").json()["messages"]) == 1
    assert http.post("/__mock/reset").status_code == 200
    assert mock_server.state.outbox() == []


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize(("kind", "received"), [("drop", r"\(received 0 bytes"), ("truncate", "")])
def test_a_connection_fault_closes_the_socket_mid_response(
    seeded: RunningMock, http: httpx.Client, kind: str, received: str
) -> None:
    """uvicorn closes the connection when the app raises mid-response (no ASGI message)."""
    server_log = _Records()
    logging.getLogger("uvicorn.error").addHandler(server_log)
    try:
        http.post("/__mock/faults", json={"kind": kind})
        with pytest.raises(httpx.RemoteProtocolError, match=f"complete message body {received}"):
            post(http)
    finally:
        logging.getLogger("uvicorn.error").removeHandler(server_log)
    assert post(http).status_code == 201  # the server keeps serving
    assert [r.exc_info for r in server_log.records if r.exc_info] == []  # no traceback logged


def test_a_503_fault_carries_retry_after(seeded: RunningMock, http: httpx.Client) -> None:
    seeded.state.add_fault(Fault("error", status=503, retry_after=7))
    response = post(http)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    conforms(response)


def test_oversized_bodies_are_413_declared_or_streamed(
    mock_server: RunningMock, http: httpx.Client
) -> None:
    declared = post(http, content=b" " * 70_000)
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: Transfer-Encoding chunked
        for _ in range(80):
            yield b" " * 1024

    streamed = http.post(path(), content=chunks(), headers={**AUTH, "Content-Type": "x/y"})
    assert streamed.status_code == 413
    assert "maxBodyBytes" in conforms(streamed)["error"]
    assert post(http).status_code == 404  # still serving, state untouched


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"[" * 60_000, 400),
        (b"[" * 100_000, 413),
        (b"1" * 60_000, 400),
        (b"1" * 100_000, 413),
        (b"1e999999", 400),
        (b'{"phoneNumber": "\xed\xa0\x80"}', 400),  # UTF-8-encoded surrogate: invalid UTF-8
        (b'{"a": 1, "a": 2}', 400),
    ],
    ids=["deep-60k", "deep-100k", "int-60k", "int-100k", "exp", "surrogate-bytes", "dup-keys"],
)
def test_hostile_bodies_are_a_clear_4xx(
    mock_server: RunningMock, http: httpx.Client, raw: bytes, status: int
) -> None:
    response = post(http, content=raw)
    assert response.status_code == status
    assert conforms(response)["error"].startswith("body:")
    assert post(http).status_code == 404  # the mock keeps serving


def test_malformed_http_does_not_stop_the_server(
    mock_server: RunningMock, http: httpx.Client
) -> None:
    host, port = mock_server.url.removeprefix("http://").split(":")
    for garbage in (b"\x00\x01\x02 nonsense\r\n\r\n", b"POST /sdk HTTP/1.1\r\nBad Header\r\n\r\n"):
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            raw.sendall(garbage)
            assert raw.recv(64).startswith(b"HTTP/1.1 400")
    assert post(http).status_code == 404


async def test_a_burst_never_grants_more_than_max_retries(seeded: RunningMock) -> None:
    limits = httpx.Limits(max_connections=10)
    async with httpx.AsyncClient(base_url=seeded.url, limits=limits, timeout=30) as client:
        responses = await asyncio.gather(
            *(client.post(path(), json=body(), headers=AUTH) for _ in range(50))
        )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 3 + [422] * 47
    outbox = seeded.state.outbox()
    assert [message["sequence"] for message in outbox] == [1, 2, 3]
    assert all(len(m["code"]) == 6 and m["code"].isdigit() for m in outbox)
    assert seeded.state.verifications()[0]["retries"] == 3


def test_running_mock_stops_and_frees_its_port() -> None:
    with running_mock(MockConfig(token=TOKEN, lenient=True)) as mock:
        url = mock.url
        assert httpx.post(url + path(), json=body(), headers=AUTH).status_code == 201
    with pytest.raises(httpx.ConnectError):
        httpx.post(url + path(), json=body(), headers=AUTH, timeout=2)


def test_the_cli_serves_and_logs_nothing_personal() -> None:
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "dynamic_sdk_mock", "--port", "0", "--token", TOKEN]
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [*command, "--max-retries", "1", "--cooldown", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("Mock listening on http://127.0.0.1:")
        url = line.removeprefix("Mock listening on ")
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.post("/__mock/verifications", json={"environmentId": ENV, **body()})
            assert post(client).status_code == 201
            assert post(client).status_code == 422  # --max-retries 1
            assert post(client, data=body(phoneNumber=PHONE + "#")).status_code == 400
            assert post(client, headers={"Authorization": "Bearer nope"}).status_code == 401
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=10)
    assert "retrySmsVerification -> 201" in errors
    assert PHONE not in errors
    assert TOKEN not in errors


def test_the_cli_refuses_bad_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dynamic_sdk_mock", "--max-retries", "-1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "max_retries" in result.stderr


def test_the_listening_socket_is_tcp_so_asyncio_disables_nagle() -> None:
    """asyncio sets TCP_NODELAY only when proto is TCP; else every answer waits ~40 ms."""
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
