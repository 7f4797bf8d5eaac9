"""What the generated `Client` classes lack: a finite default timeout, safe retries, redaction.

Kept beside the generated package so the copied `client.py.jinja` changes by a few
lines only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from .retry import AsyncRetryTransport, RetryPolicy, RetryTransport

# httpx's own default is 5 s everywhere; the generated client passed None (no limit).
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)

# Arguments that configure httpx's default transport; they must move to ours.
_TRANSPORT_ARGS = ("cert", "http1", "http2", "limits", "trust_env", "retries", "socket_options")
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "x-api-key"}


def finite_timeout(value: httpx.Timeout | float | None) -> httpx.Timeout:
    """Never an infinite hang: None means the default, a number means that many seconds."""
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(value)


def redact_headers(headers: Mapping[str, str]) -> str:
    """repr for header dicts that never shows a credential."""
    shown = {k: ("[redacted]" if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}
    return repr(shown)


def _split(httpx_args: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(client kwargs, default-transport kwargs, the user's own transport or None)."""
    args = dict(httpx_args)
    transport_args = {name: args.pop(name) for name in _TRANSPORT_ARGS if name in args}
    return args, transport_args, args.pop("transport", None)


def sync_client_args(
    httpx_args: Mapping[str, Any], verify: Any, policy: RetryPolicy
) -> dict[str, Any]:
    """httpx.Client kwargs with the retrying transport around the user's or the default one."""
    args, transport_args, inner = _split(httpx_args)
    inner = inner or httpx.HTTPTransport(verify=verify, **transport_args)
    return {**args, "transport": RetryTransport(inner, policy)}


def async_client_args(
    httpx_args: Mapping[str, Any], verify: Any, policy: RetryPolicy
) -> dict[str, Any]:
    """httpx.AsyncClient kwargs with the retrying transport around the inner one."""
    args, transport_args, inner = _split(httpx_args)
    inner = inner or httpx.AsyncHTTPTransport(verify=verify, **transport_args)
    return {**args, "transport": AsyncRetryTransport(inner, policy)}
