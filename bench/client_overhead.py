"""Section 1: what the generated client costs over bare httpx on the same in-memory transport.

Both sides send the same request through an `httpx.MockTransport` that answers the
documented 201 body, so no socket or server time dilutes the difference. The client side
builds the request model (validated), validates the path parameter, sends through its
retry loop (retries disabled, and again with the default policy) and parses the
response into a model; the bare side posts a dict and decodes the JSON. A third pair gives
bare httpx the parsed URL the client caches, to show what the client itself adds.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from dynamic_sdk_client import AuthenticatedClient, RetryPolicy
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.constraints import PARAMETERS, SCHEMAS
from dynamic_sdk_client.models.sms_verification_retry_request import SmsVerificationRetryRequest
from dynamic_sdk_runtime.rules import rules_violations

from ._stats import Comparison, compare, compare_async, per_call_microseconds

__all__ = ["ENVIRONMENT_ID", "GOAL_RATIO", "REQUEST_BODY", "RESPONSE_BODY", "run"]

GOAL_RATIO = 1.15  # issue 12: validation included, body from a dict, response parsed
BASE_URL = "http://bench.invalid/api/v0"
TOKEN = "bench-token"  # noqa: S105 - a fake credential for an in-memory transport
ENVIRONMENT_ID = "95b11417-f18f-457f-8804-68e361f9164f"
REQUEST_BODY: dict[str, str] = {
    "verificationUUID": "95b11417-f18f-457f-8804-68e361f9164f",
    "phoneCountryCode": "1",
    "phoneNumber": "9171113333",
    "isoCountryCode": "US",
}
RESPONSE_BODY: dict[str, str] = {
    "verificationUUID": "95b11417-f18f-457f-8804-68e361f9164f",
    "phoneNumber": "9171113333",
    "phoneCountryCode": "1",
    "isoCountryCode": "US",
}
_RESPONSE_BYTES = json.dumps(RESPONSE_BODY).encode()
_PATH = f"/sdk/{ENVIRONMENT_ID}/smsVerifications/retry"


def _answer(request: httpx.Request) -> httpx.Response:
    """The documented 201, without per-call JSON encoding so only the clients are measured."""
    return httpx.Response(
        201, content=_RESPONSE_BYTES, headers={"Content-Type": "application/json"}
    )


def make_generated_client(retry_policy: RetryPolicy | None = None) -> AuthenticatedClient:
    """The generated client on the in-memory transport, retries off unless a policy is given."""
    return AuthenticatedClient(
        base_url=BASE_URL,
        token=TOKEN,
        httpx_args={"transport": httpx.MockTransport(_answer)},
        retry_policy=RetryPolicy.disabled() if retry_policy is None else retry_policy,
    )


def _bare_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def generated_call(client: AuthenticatedClient) -> Any:
    """One request the way an application uses the client: model in, model out."""
    body = SmsVerificationRetryRequest.from_dict(REQUEST_BODY)
    return retry_sms_verification.sync_detailed(ENVIRONMENT_ID, client=client, body=body).parsed


def bare_call(client: httpx.Client, url: httpx.URL | str = _PATH) -> Any:
    """The same request with plain httpx: dict in, dict out, no checks."""
    return client.post(url, json=REQUEST_BODY).json()


async def generated_call_async(client: AuthenticatedClient) -> Any:
    body = SmsVerificationRetryRequest.from_dict(REQUEST_BODY)
    response = await retry_sms_verification.asyncio_detailed(
        ENVIRONMENT_ID, client=client, body=body
    )
    return response.parsed


async def bare_call_async(client: httpx.AsyncClient, url: httpx.URL | str = _PATH) -> Any:
    return (await client.post(url, json=REQUEST_BODY)).json()


def _bare_url(client: httpx.Client | httpx.AsyncClient, preparsed: bool) -> httpx.URL | str:
    """The path as an application writes it, or (`preparsed`) the URL httpx would build.

    The client hands httpx a parsed URL (`dynamic_sdk_runtime.transport.absolute_url`);
    giving bare httpx the same head start shows what the client itself adds.
    """
    return client.build_request("POST", _PATH).url if preparsed else _PATH


def _sync_comparison(
    rounds: int, calls: int, *, preparsed: bool = False, retry_policy: RetryPolicy | None = None
) -> Comparison:
    generated = make_generated_client(retry_policy)
    with (
        generated,
        httpx.Client(
            base_url=BASE_URL,
            transport=httpx.MockTransport(_answer),
            headers=_bare_headers(),
        ) as bare,
    ):
        url = _bare_url(bare, preparsed)
        return compare(
            lambda: generated_call(generated),
            lambda: bare_call(bare, url),
            rounds=rounds,
            calls=calls,
        )


async def _async_comparison(
    rounds: int, calls: int, *, preparsed: bool = False, retry_policy: RetryPolicy | None = None
) -> Comparison:
    generated = make_generated_client(retry_policy)
    async with (
        generated,
        httpx.AsyncClient(
            base_url=BASE_URL,
            transport=httpx.MockTransport(_answer),
            headers=_bare_headers(),
        ) as bare,
    ):
        url = _bare_url(bare, preparsed)
        return await compare_async(
            lambda: generated_call_async(generated),
            lambda: bare_call_async(bare, url),
            rounds=rounds,
            calls=calls,
        )


def _row(comparison: Comparison, *, judged: bool = True) -> dict[str, Any]:
    return {
        **comparison.as_dict(),
        "overhead_us_per_call": round(comparison.a_us - comparison.b_us, 3),
        "meets_goal": comparison.ratio <= GOAL_RATIO if judged else None,
    }


def run(*, quick: bool) -> dict[str, Any]:
    """Sync and async ratios (generated / bare) plus the validation cost per request."""
    rounds, calls = (3, 50) if quick else (15, 400)
    sync = _sync_comparison(rounds, calls)
    async_ = asyncio.run(_async_comparison(rounds, calls))
    # The client as constructed by default: safe retries on (nothing fails here, so the
    # figure is what the retry machinery costs a call that succeeds at once).
    defaults = RetryPolicy()
    sync_default = _sync_comparison(rounds, calls, retry_policy=defaults)
    async_default = asyncio.run(_async_comparison(rounds, calls, retry_policy=defaults))
    sync_preparsed = _sync_comparison(rounds, calls, preparsed=True)
    async_preparsed = asyncio.run(_async_comparison(rounds, calls, preparsed=True))
    from_dict_us = per_call_microseconds(
        lambda: SmsVerificationRetryRequest.from_dict(REQUEST_BODY), rounds=rounds, calls=calls
    )
    violations_us = per_call_microseconds(
        lambda: rules_violations(
            PARAMETERS["retry_sms_verification"],
            SCHEMAS["SmsVerificationRetryRequest"],
            {"environmentId": ENVIRONMENT_ID},
            REQUEST_BODY,
        ),
        rounds=rounds,
        calls=calls,
    )
    return {
        "goal_ratio_max": GOAL_RATIO,
        "transport": "httpx.MockTransport (in memory, 201 body)",
        "sync": _row(sync),
        "async": _row(async_),
        "sync_default_policy": _row(sync_default),
        "async_default_policy": _row(async_default),
        # Not the goal's measurement: bare httpx given a pre-parsed URL (see `_bare_url`).
        "sync_preparsed_url": _row(sync_preparsed, judged=False),
        "async_preparsed_url": _row(async_preparsed, judged=False),
        "validation_us": {
            "model_from_dict": round(from_dict_us, 3),
            "request_violations": round(violations_us, 3),
        },
    }


def profile(*, quick: bool) -> str:
    """A pyinstrument text profile of the generated client's sync request path."""
    from pyinstrument import Profiler

    client = make_generated_client()
    for _ in range(100):
        generated_call(client)
    profiler = Profiler(interval=0.0001)
    profiler.start()
    for _ in range(500 if quick else 10_000):
        generated_call(client)
    profiler.stop()
    text: str = profiler.output_text(unicode=False, color=False)
    return text
