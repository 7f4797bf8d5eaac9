"""Section 2: the embedded mock against Stoplight Prism and against its own stack's ceiling.

Servers: the mock with `--lenient` (every valid request gets the success echo), the mock in its
default stateful mode with a seeded verification and no cooldown / retry limit (so valid
requests also take the success path), a bare ASGI app on the mock's own stack that only
parses the JSON and echoes it (`bench.bare_app`: what the mock could reach at most), and
`prism mock` on the same fragment. Each round runs one bounded load against each server in
turn (A B C D A B C D ...); figures are medians over rounds and each ratio is the median of
the ratios taken within a round.
"""

from __future__ import annotations

import contextlib
import json
import statistics
from typing import Any

import httpx

from dynamic_sdk_mock import MockConfig, create_app

from .bare_app import app_us_per_request
from .client_overhead import ENVIRONMENT_ID, REQUEST_BODY
from .load import LoadResult, LoadSpec, generator_name, run_load
from .servers import (
    OPERATION,
    Server,
    ServerUnavailableError,
    bare_server,
    mock_server,
    operation_path,
    prism_server,
    prism_unavailable_reason,
)

__all__ = ["run"]

TOKEN = "bench-load-token"  # noqa: S105 - a fake credential for loopback servers
GOAL_THROUGHPUT_RATIO = 5.0  # issue 30: mock req/s >= 5x Prism's (and p99 below Prism's)
GOAL_BARE_RATIO = 0.5  # issue 30: mock req/s >= half the bare app's on the same stack
MOCKS = ("mock_lenient", "mock_default")
# Enough retries that a run never reaches the limit; cooldown 0 keeps every retry a success.
_STATEFUL_ARGS = ("--max-retries", "1000000000", "--cooldown", "0", "--log-level", "warning")


def _seed(server: Server) -> None:
    """Put the benchmark's verification on file through the control interface."""
    with httpx.Client(base_url=server.url, timeout=5) as client:
        response = client.post(
            "/__mock/verifications",
            json={"environmentId": ENVIRONMENT_ID, **REQUEST_BODY},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        response.raise_for_status()


def _probe(server: Server) -> int:
    """The status one valid request gets before the load (what the load measures)."""
    with httpx.Client(timeout=5) as client:
        return client.post(
            server.operation_url(ENVIRONMENT_ID),
            json=REQUEST_BODY,
            headers={"Authorization": f"Bearer {TOKEN}"},
        ).status_code


def _summary(results: list[LoadResult], status: int) -> dict[str, Any]:
    return {
        "status": status,
        "rps": round(statistics.median(r.rps for r in results), 1),
        "p50_ms": round(statistics.median(r.p50_ms for r in results), 3),
        "p99_ms": round(statistics.median(r.p99_ms for r in results), 3),
        "requests": sum(r.requests for r in results),
        "errors": sum(r.errors for r in results),
        "statuses": _merge([r.statuses for r in results]),
        "rounds": len(results),
    }


def _merge(counters: list[dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for counter in counters:
        for key, value in counter.items():
            merged[key] = merged.get(key, 0) + value
    return merged


def _ratios(
    mock: list[LoadResult], other: list[LoadResult], *, goal: float, p99_below: bool
) -> dict[str, float | bool | str]:
    """Round-by-round ratios mock/other (medians); the goal: throughput (and p99) bounds."""
    throughput = statistics.median(m.rps / o.rps for m, o in zip(mock, other, strict=True))
    p99 = statistics.median(m.p99_ms / o.p99_ms for m, o in zip(mock, other, strict=True))
    meets = throughput >= goal and (p99 < 1.0 or not p99_below)
    return {
        "throughput_ratio": round(throughput, 3),
        "p99_ratio": round(p99, 3),
        "goal": f"throughput >= {goal:g}x" + (", p99 below" if p99_below else ""),
        "meets_goal": meets,
    }


def _in_process(quick: bool) -> dict[str, float | int]:
    """The lenient mock's app and the bare app, each handed the load's request in process."""
    path = operation_path(ENVIRONMENT_ID)
    body = json.dumps(REQUEST_BODY).encode()
    headers = [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {TOKEN}".encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": OPERATION.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    mock = create_app(MockConfig(token=TOKEN, lenient=True))
    rounds, calls = (3, 200) if quick else (9, 2000)
    return app_us_per_request(mock, scope, body, rounds=rounds, calls=calls)


def run(*, quick: bool, prefer_wrk: bool = True) -> dict[str, Any]:
    generator = generator_name(prefer_wrk)
    rounds = 1 if quick else 3
    connections = 4 if quick else 8
    duration = 1.0 if quick else 4.0
    max_requests = 200 if quick else 5000  # the asyncio loop's cap; wrk is bounded by time
    notes: list[str] = []
    servers: dict[str, Server] = {}
    statuses: dict[str, int] = {}
    with contextlib.ExitStack() as stack:
        servers["mock_lenient"] = stack.enter_context(
            mock_server("mock-lenient", TOKEN, ("--lenient", "--log-level", "warning"))
        )
        servers["mock_default"] = stack.enter_context(
            mock_server("mock-default", TOKEN, _STATEFUL_ARGS)
        )
        _seed(servers["mock_default"])
        servers["bare"] = stack.enter_context(bare_server(TOKEN))
        prism_reason = prism_unavailable_reason()
        if prism_reason is None:
            try:
                servers["prism"] = stack.enter_context(prism_server(TOKEN))
            except ServerUnavailableError as error:
                prism_reason = str(error)
        if prism_reason is not None:
            notes.append(prism_reason)
        for name, server in servers.items():
            statuses[name] = _probe(server)
        results: dict[str, list[LoadResult]] = {name: [] for name in servers}
        for _ in range(rounds):
            for name, server in servers.items():
                spec = LoadSpec(
                    url=server.operation_url(ENVIRONMENT_ID),
                    body=REQUEST_BODY,
                    token=TOKEN,
                    connections=connections,
                    duration_s=duration,
                    max_requests=max_requests,
                )
                results[name].append(run_load(spec, generator))
    rows: dict[str, Any] = {name: _summary(results[name], statuses[name]) for name in servers}
    rows.setdefault("prism", None)
    comparison: dict[str, Any] = {}
    for mock_name in MOCKS:
        comparison[f"{mock_name}_vs_bare"] = _ratios(
            results[mock_name], results["bare"], goal=GOAL_BARE_RATIO, p99_below=False
        )
        comparison[f"{mock_name}_vs_prism"] = (
            _ratios(
                results[mock_name], results["prism"], goal=GOAL_THROUGHPUT_RATIO, p99_below=True
            )
            if "prism" in results
            else None
        )
    return {
        "generator": generator,
        "connections": connections,
        "duration_s_per_load": duration,
        "rounds": rounds,
        "goal": f"mock rps >= {GOAL_THROUGHPUT_RATIO:g}x Prism's, mock p99 < Prism's; "
        f"mock rps >= {GOAL_BARE_RATIO:g}x the bare app's",
        "servers": rows,
        "comparison": comparison,
        "in_process": _in_process(quick),
        "prism_skipped": prism_reason,
        "notes": notes,
    }
