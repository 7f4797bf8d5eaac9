"""Bounded loopback load: wrk with a Lua script when installed, else an asyncio httpx loop.

Both generators send the same valid POST with a fixed number of open connections and stop
by themselves: wrk after a fixed duration, the asyncio loop after a fixed request count or
a deadline, whichever comes first. Only 127.0.0.1 URLs are accepted.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from ._stats import percentile

__all__ = ["LoadResult", "LoadSpec", "generator_name", "run_load"]

_WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = {authorization}

done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH_RESULT %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class LoadSpec:
    """One bounded load: where, what, how many connections, for how long at most."""

    url: str
    body: dict[str, str]
    token: str
    connections: int
    duration_s: float
    max_requests: int

    def __post_init__(self) -> None:
        if urlsplit(self.url).hostname != "127.0.0.1":
            raise ValueError("load is only ever sent to 127.0.0.1")


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def generator_name(prefer_wrk: bool = True) -> str:
    """ "wrk" when it is on PATH (and wanted), else "httpx-asyncio"."""
    return "wrk" if prefer_wrk and shutil.which("wrk") else "httpx-asyncio"


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal of ASCII text is a valid Lua literal


def _run_wrk(spec: LoadSpec) -> LoadResult:
    script = _WRK_SCRIPT.format(
        body=_lua_string(json.dumps(spec.body)),
        authorization=_lua_string(f"Bearer {spec.token}"),
    )
    with tempfile.TemporaryDirectory() as scratch:
        script_path = Path(scratch) / "post.lua"
        script_path.write_text(script, encoding="ascii")
        duration = max(1, round(spec.duration_s))
        completed = subprocess.run(  # noqa: S603 - wrk from PATH, loopback URL only
            [
                str(shutil.which("wrk")),
                "-t1",
                f"-c{spec.connections}",
                f"-d{duration}s",
                "--timeout",
                "5s",
                "-s",
                str(script_path),
                spec.url,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 30,
            check=True,
        )
    line = next(
        (row for row in completed.stdout.splitlines() if row.startswith("BENCH_RESULT ")), None
    )
    if line is None:
        raise RuntimeError(f"wrk printed no result: {completed.stdout[-500:]}")
    requests, duration_us, *errors, p50_us, p99_us = (int(x) for x in line.split()[1:])
    connect, read, write, status, timeout = errors
    return LoadResult(
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50_us / 1000,
        p99_ms=p99_us / 1000,
        errors=connect + read + write + timeout,
        statuses={"non_2xx_3xx": status},
    )


async def _run_httpx(spec: LoadSpec) -> LoadResult:
    payload = json.dumps(spec.body).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {spec.token}"}
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors = 0
    issued = 0
    limits = httpx.Limits(max_connections=spec.connections)
    deadline = time.perf_counter() + spec.duration_s

    async with httpx.AsyncClient(limits=limits, timeout=5) as client:

        async def worker() -> None:
            nonlocal issued, errors
            while issued < spec.max_requests and time.perf_counter() < deadline:
                issued += 1
                start = time.perf_counter()
                try:
                    response = await client.post(spec.url, content=payload, headers=headers)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - start)
                statuses[str(response.status_code)] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(spec.connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 0.50) * 1000 if latencies else 0.0,
        p99_ms=percentile(latencies, 0.99) * 1000 if latencies else 0.0,
        errors=errors,
        statuses=dict(statuses),
    )


def run_load(spec: LoadSpec, generator: str) -> LoadResult:
    """Apply one bounded load with the named generator ("wrk" or "httpx-asyncio")."""
    if generator == "wrk":
        return _run_wrk(spec)
    return asyncio.run(_run_httpx(spec))
