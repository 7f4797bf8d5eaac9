"""What the generated `Client` classes lack: finite timeouts, a deadline, safe retries and
the bearer token in the call path (whatever httpx client is in use), typed transport
errors, a User-Agent, and redaction.

Kept out of the generated package so the copied `client.py.jinja` and
`endpoint_module.py.jinja` change by a few lines only.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from .exceptions import connection_error
from .retry import RetryPolicy, send_with_retries, send_with_retries_async

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "GeneratedClient",
    "absolute_url",
    "async_client",
    "finite_timeout",
    "redact_headers",
    "send",
    "send_async",
    "sync_client",
    "user_agent",
]

# httpx's own default is 5 s everywhere; the generated client passed None (no limit).
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEFAULT_DEADLINE = 30.0
"""Seconds one call may take, retries and their waits included."""

_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "x-api-key"}


def finite_timeout(value: httpx.Timeout | float | None) -> httpx.Timeout:
    """Never an infinite hang: None means the default, a number means that many seconds."""
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        if None in (value.connect, value.read, value.write, value.pool):
            return httpx.Timeout(
                connect=value.connect or DEFAULT_TIMEOUT.connect,
                read=value.read or DEFAULT_TIMEOUT.read,
                write=value.write or DEFAULT_TIMEOUT.write,
                pool=value.pool or DEFAULT_TIMEOUT.pool,
            )
        return value
    return httpx.Timeout(value)


def redact_headers(headers: Mapping[str, str]) -> str:
    """repr for header dicts that never shows a credential."""
    shown = {k: ("[redacted]" if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}
    return repr(shown)


def user_agent(distribution: str, version: str) -> str:
    """`dynamic-sdk-client/0.2.0 httpx/0.28.1 python/3.12.1`: names us in server logs."""
    return f"{distribution}/{version} httpx/{httpx.__version__} python/{platform.python_version()}"


def _check_transports(args: Mapping[str, Any], expected: type, kind: str) -> None:
    """A sync client cannot drive an async-only transport (and the other way round)."""
    transports = [("transport", args.get("transport"))]
    transports += [(f"mounts[{key!r}]", t) for key, t in (args.get("mounts") or {}).items()]
    for where, transport in transports:
        if transport is not None and not isinstance(transport, expected):
            raise TypeError(
                f"httpx_args {where} is a {type(transport).__name__}, which a {kind} call "
                f"cannot use: pass an {expected.__module__}.{expected.__qualname__}"
            )


def sync_client(**kwargs: Any) -> httpx.Client:
    """The generated client's httpx.Client, refusing an async-only transport up front."""
    _check_transports(kwargs, httpx.BaseTransport, "sync")
    return httpx.Client(**kwargs)


def async_client(**kwargs: Any) -> httpx.AsyncClient:
    """The async twin of `sync_client`."""
    _check_transports(kwargs, httpx.AsyncBaseTransport, "async")
    return httpx.AsyncClient(**kwargs)


_URL_CACHE_SIZE = 256
# (id(base_url), path) -> (base_url, merged URL); the base is kept so its id stays unique.
_absolute_urls: dict[tuple[int, str], tuple[httpx.URL, httpx.URL]] = {}


def absolute_url(http: httpx.Client | httpx.AsyncClient, path: str) -> httpx.URL:
    """The request URL, parsed once per base URL and path instead of twice per call.

    Given a string, httpx parses it and then the URL merged with `base_url` on every
    request (about a fifth of an in-memory call); an `httpx.URL` passes through unparsed.
    The merge is the one `httpx.Client.build_request` does, written with public `httpx.URL`
    calls (tests compare the two).
    """
    base = http.base_url
    key = (id(base), path)
    hit = _absolute_urls.get(key)
    if hit is not None and hit[0] is base:
        return hit[1]
    url = httpx.URL(path)
    if url.is_relative_url:
        url = base.copy_with(raw_path=base.raw_path + url.raw_path.lstrip(b"/"))
    if len(_absolute_urls) >= _URL_CACHE_SIZE:
        _absolute_urls.clear()
    _absolute_urls[key] = (base, url)
    return url


class GeneratedClient(Protocol):
    """What `send` reads of a generated `Client`/`AuthenticatedClient` (it cannot import them)."""

    @property
    def retry_policy(self) -> RetryPolicy: ...

    @property
    def deadline(self) -> float | None: ...

    @property
    def auth_headers(self) -> Mapping[str, str]: ...

    def get_httpx_client(self) -> httpx.Client: ...

    def get_async_httpx_client(self) -> httpx.AsyncClient: ...


def _request(
    client: GeneratedClient,
    http: httpx.Client | httpx.AsyncClient,
    kwargs: dict[str, Any],
    timeout: httpx.Timeout | float | None,
) -> httpx.Request:
    """The request, with the client's auth headers on it.

    The token is set here, per request, not in the httpx client's default headers, so a
    client given with `set_httpx_client` sends it too (openai-python's `_build_headers`
    does the same). A header of the same name already on the request wins: one you put on
    your own httpx client (or in `headers=`) is yours to choose. Every attempt of the
    retry loop sends this request, so retries carry it too.
    """
    kwargs["url"] = absolute_url(http, kwargs["url"])
    if timeout is not None:  # None keeps the httpx client's timeout
        kwargs["timeout"] = timeout
    request = http.build_request(**kwargs)
    for name, value in client.auth_headers.items():
        if name not in request.headers:
            request.headers[name] = value
    return request


def _end(client: GeneratedClient, deadline: float | None) -> float | None:
    """The call's deadline as a `time.monotonic()` value (the client's when none is given)."""
    seconds = client.deadline if deadline is None else deadline
    return None if seconds is None else time.monotonic() + seconds


def send(
    client: GeneratedClient,
    kwargs: dict[str, Any],
    *,
    timeout: httpx.Timeout | float | None,
    deadline: float | None,
    retry_policy: RetryPolicy | None,
) -> httpx.Response:
    """One call through the retry loop, on whatever httpx client `client` holds.

    The per-call `timeout`, `deadline` and `retry_policy` override the client's; transport
    errors become this package's `APIConnectionError` tree.
    """
    http = client.get_httpx_client()
    try:
        return send_with_retries(
            http,
            _request(client, http, kwargs, timeout),
            retry_policy or client.retry_policy,
            deadline=_end(client, deadline),
        )
    except httpx.TransportError as error:
        raise connection_error(error) from error


async def send_async(
    client: GeneratedClient,
    kwargs: dict[str, Any],
    *,
    timeout: httpx.Timeout | float | None,
    deadline: float | None,
    retry_policy: RetryPolicy | None,
) -> httpx.Response:
    """The async twin of `send`."""
    http = client.get_async_httpx_client()
    try:
        return await send_with_retries_async(
            http,
            _request(client, http, kwargs, timeout),
            retry_policy or client.retry_policy,
            deadline=_end(client, deadline),
        )
    except httpx.TransportError as error:
        raise connection_error(error) from error
