"""Serving ASGI apps over a real loopback socket: `serve_app`, `running_mock`, the CLI's."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from ._app import MockApp, QuietDrops, create_app
from ._config import MockConfig
from ._state import MockState

__all__ = [
    "RunningMock",
    "bind_socket",
    "running_mock",
    "serve_app",
    "url_of",
    "uvicorn_config",
]

_START_TIMEOUT_SECONDS = 10.0
_QUIET_DROPS = QuietDrops()


@dataclass(frozen=True)
class RunningMock:
    """A mock being served: its base URL, its state and its app."""

    url: str
    app: MockApp

    @property
    def state(self) -> MockState:
        return self.app.mock


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 lets the OS pick a free one (no race with other users).

    IPPROTO_TCP is explicit: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    and without it Nagle plus delayed ACKs add ~40 ms to every response.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: ASGIApp, log_level: str = "warning") -> uvicorn.Config:
    """uvicorn settings: no access log (the mock logs masked lines), no lifespan, no proxy."""
    logging.getLogger("uvicorn.error").addFilter(_QUIET_DROPS)  # uvicorn's documented logger
    return uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=2,
        h11_max_incomplete_event_size=16 * 1024,
    )


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextlib.contextmanager
def serve_app(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve any ASGI app with uvicorn in a background thread; yield its base URL.

    The socket is bound before uvicorn starts (port 0: a free one, no race); the block
    runs once uvicorn is accepting, and the server is stopped and the port freed after it.
    """
    sock = bind_socket(host, port)
    server = uvicorn.Server(uvicorn_config(app))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="dynamic-sdk-mock", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the server stopped during start-up (see its log)")
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in time")
            thread.join(0.01)
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(_START_TIMEOUT_SECONDS)
        sock.close()


@contextlib.contextmanager
def running_mock(
    config: MockConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningMock]:
    """Serve the mock with uvicorn in a background thread until the block ends."""
    app = create_app(config)
    with serve_app(app, host=host, port=port) as url:
        yield RunningMock(url, app)
