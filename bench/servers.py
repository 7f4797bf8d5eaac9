"""Loopback servers for the benchmarks, each a subprocess that is always stopped afterwards."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

import httpx

from contract_tests.core.spec import fragment, fragment_path
from contract_tests.run.targets import PRISM_BIN, ROOT, free_port
from contract_tests.run.targets import prism_unavailable_reason as _contract_prism_reason

__all__ = [
    "OPERATION",
    "PRISM_BIN",
    "ROOT",
    "ServerUnavailableError",
    "bare_server",
    "free_port",
    "mock_server",
    "operation_path",
    "prism_server",
    "prism_unavailable_reason",
]

OPERATION = fragment().operations[0]
"""The operation the benchmarks call: the fragment's first (read through the model)."""


def operation_path(value: str) -> str:
    """The operation's path with every path parameter set to `value` (percent-encoded)."""
    return OPERATION.url_path({p.name: value for p in OPERATION.located("path")})


_LISTENING = re.compile(r"(http://127\.0\.0\.1:\d+)")
_START_TIMEOUT_S = 60.0


class ServerUnavailableError(RuntimeError):
    """A server could not be started here; the message says why."""


@dataclass(frozen=True)
class Server:
    """A started server: its base URL (the operation lives at URL + prefix + path)."""

    name: str
    url: str
    prefix: str

    def operation_url(self, environment_id: str) -> str:
        return self.url + self.prefix + operation_path(environment_id)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _detect_prefix(url: str, token: str) -> str:
    """ "" or "/api/v0": where the server routes the operation (404 means no route)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=url, timeout=5) as client:
        for prefix in dict.fromkeys(("", fragment().server_prefix)):
            path = prefix + operation_path("not-a-valid-value")
            response = client.request(OPERATION.method, path, content=b"{}", headers=headers)
            if response.status_code != 404:
                return prefix
    raise ServerUnavailableError(f"{url} routes the operation neither at / nor under its prefix")


def _read_url(stream: IO[bytes], process: subprocess.Popen[bytes]) -> str:
    """The first http://127.0.0.1:PORT the server prints, within the start timeout."""
    found: list[str] = []

    def reader() -> None:
        for raw in iter(stream.readline, b""):
            match = _LISTENING.search(raw.decode("utf-8", "replace"))
            if match and not found:
                found.append(match.group(1))
        # keep draining so the child never blocks on a full pipe

    thread = threading.Thread(target=reader, name="bench-mock-stdout", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not found:
        if process.poll() is not None:
            raise ServerUnavailableError(f"{process.args!r} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise ServerUnavailableError(f"{process.args!r} printed no URL within 60 s")
        time.sleep(0.02)
    return found[0]


@contextlib.contextmanager
def _python_server(name: str, token: str, argv: Sequence[str]) -> Iterator[Server]:
    """A Python server module in a subprocess that prints its URL; yields it."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        url = _read_url(process.stdout, process)
        yield Server(name, url, _detect_prefix(url, token))
    finally:
        _stop(process)


def mock_server(
    name: str, token: str, extra_args: Sequence[str] = ()
) -> contextlib.AbstractContextManager[Server]:
    """`python -m dynamic_sdk_mock --port 0 ...` in a subprocess; yields its URL."""
    argv = ["dynamic_sdk_mock", "--host", "127.0.0.1", "--port", "0", "--token", token]
    return _python_server(name, token, [*argv, *extra_args])


def bare_server(token: str) -> contextlib.AbstractContextManager[Server]:
    """`python -m bench.bare_app`: the mock's stack with no work of its own (the ceiling)."""
    return _python_server("bare-asgi", token, ["bench.bare_app", "--port", "0"])


def prism_unavailable_reason() -> str | None:
    """Why Prism cannot run here (no Node.js, or `npm ci` not run), or None."""
    reason = _contract_prism_reason()
    return None if reason is None else f"{reason}: Prism rows skipped"


@contextlib.contextmanager
def prism_server(token: str) -> Iterator[Server]:
    """`prism mock` on the fragment on a free loopback port, once it answers."""
    reason = prism_unavailable_reason()
    if reason is not None:
        raise ServerUnavailableError(reason)
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv from the repository
            [
                str(PRISM_BIN),
                "mock",
                str(fragment_path()),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-v",
                "warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + _START_TIMEOUT_S
            with httpx.Client(base_url=url, timeout=2) as probe:
                while True:
                    if process.poll() is not None:
                        log.seek(0)
                        tail = log.read()[-500:].decode("utf-8", "replace")
                        raise ServerUnavailableError(f"prism exited: {tail}")
                    with contextlib.suppress(httpx.TransportError):
                        probe.get("/")
                        break
                    if time.monotonic() > deadline:
                        raise ServerUnavailableError("prism did not answer within 60 s")
                    time.sleep(0.2)
            yield Server("prism", url, _detect_prefix(url, token))
        finally:
            _stop(process)
