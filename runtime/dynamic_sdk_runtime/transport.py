"""What the generated `Client` classes lack: finite timeouts, a deadline, safe retries on
every route httpx may take, typed transport errors, a User-Agent, and redaction.

Kept out of the generated package so the copied `client.py.jinja` and
`endpoint_module.py.jinja` change by a few lines only.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Mapping
from typing import Any

import httpx

from .exceptions import connection_error
from .retry import DEADLINE, POLICY, AsyncRetryTransport, RetryPolicy, RetryTransport

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
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


def sync_client(*, retry_policy: RetryPolicy, **kwargs: Any) -> httpx.Client:
    """An httpx.Client whose every route (default, proxy, mounts) goes through retries.

    httpx picks the transport itself (environment proxies with trust_env, `proxy=`,
    `mounts=`, a custom `transport=`); wrapping after construction keeps that choice.
    """
    _check_transports(kwargs, httpx.BaseTransport, "sync")
    client = httpx.Client(**kwargs)
    client._transport = RetryTransport(client._transport, retry_policy)
    client._mounts = {
        pattern: None if inner is None else RetryTransport(inner, retry_policy)
        for pattern, inner in client._mounts.items()
    }
    return client


def async_client(*, retry_policy: RetryPolicy, **kwargs: Any) -> httpx.AsyncClient:
    """The async twin of `sync_client`."""
    _check_transports(kwargs, httpx.AsyncBaseTransport, "async")
    client = httpx.AsyncClient(**kwargs)
    client._transport = AsyncRetryTransport(client._transport, retry_policy)
    client._mounts = {
        pattern: None if inner is None else AsyncRetryTransport(inner, retry_policy)
        for pattern, inner in client._mounts.items()
    }
    return client


_URL_CACHE_SIZE = 256
# (id(base_url), path) -> (base_url, merged URL); the base is kept so its id stays unique.
_absolute_urls: dict[tuple[int, str], tuple[httpx.URL, httpx.URL]] = {}


def absolute_url(http: httpx.Client | httpx.AsyncClient, path: str) -> httpx.URL:
    """The request URL, parsed once per base URL and path instead of twice per call.

    Given a string, httpx parses it and then the URL merged with `base_url` on every
    request (about a fifth of an in-memory call); an `httpx.URL` passes through unparsed.
    The merge is httpx's own (`Client._merge_url`), written with public `httpx.URL` calls.
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


def _call_options(
    http: httpx.Client | httpx.AsyncClient,
    kwargs: dict[str, Any],
    timeout: httpx.Timeout | float | None,
    deadline: float | None,
    retry_policy: RetryPolicy | None,
) -> dict[str, Any]:
    kwargs["url"] = absolute_url(http, kwargs["url"])
    if timeout is not None:  # None keeps the client's (finite) default
        kwargs["timeout"] = timeout
    extensions: dict[str, Any] = {}
    if deadline is not None:
        extensions[DEADLINE] = time.monotonic() + deadline
    if retry_policy is not None:
        extensions[POLICY] = retry_policy
    if extensions:
        kwargs["extensions"] = extensions
    return kwargs


def send(
    http: httpx.Client,
    kwargs: dict[str, Any],
    *,
    timeout: httpx.Timeout | float | None,
    deadline: float | None,
    retry_policy: RetryPolicy | None,
) -> httpx.Response:
    """One call: the request with its deadline and policy; transport errors become ours."""
    try:
        return http.request(**_call_options(http, kwargs, timeout, deadline, retry_policy))
    except httpx.TransportError as error:
        raise connection_error(error) from error


async def send_async(
    http: httpx.AsyncClient,
    kwargs: dict[str, Any],
    *,
    timeout: httpx.Timeout | float | None,
    deadline: float | None,
    retry_policy: RetryPolicy | None,
) -> httpx.Response:
    """The async twin of `send`."""
    try:
        return await http.request(**_call_options(http, kwargs, timeout, deadline, retry_policy))
    except httpx.TransportError as error:
        raise connection_error(error) from error
