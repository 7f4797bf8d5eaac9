"""Section 3: how fast the contract tooling runs, in examples per second and wall time.

The example rate comes from a fixed-count Schemathesis run driven directly with
Hypothesis (positive and negative cases of the operation, the same expected statuses as
the contract suite, failures counted rather than raised) against the embedded mock, once
in process through its ASGI app and once over HTTP to a mock subprocess on loopback.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.config import SchemathesisConfig

from contract_tests.core.pattern_nodes import uncached_witnesses
from contract_tests.core.spec import fragment, fragment_path

from .servers import OPERATION, ROOT, mock_server, operation_path

__all__ = ["run"]

TOKEN = "bench-suite-token"  # noqa: S105 - a fake credential for a loopback mock
_CONFIG = {
    "generation": {"database": "none"},
    "checks": {
        "enabled": True,
        "positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422", "429"]},
        "negative_data_rejection": {"expected-statuses": ["400", "401", "413", "415"]},
        "missing_required_header": {"expected-statuses": ["400", "401", "415", "422"]},
    },
}


def _strategy() -> st.SearchStrategy[Case[Any]]:
    schema = schemathesis.openapi.from_path(
        fragment_path(), config=SchemathesisConfig.from_dict(_CONFIG)
    )
    operation = schema[OPERATION.path][OPERATION.method]
    return st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )


def _drive(examples: int, call: Any) -> dict[str, Any]:
    """Run `examples` generated cases through `call(case)`; time the whole loop."""
    counts = {"examples": 0, "check_failures": 0}

    @settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy())
    def one(case: Case[Any]) -> None:
        counts["examples"] += 1
        try:
            call(case)
        except AssertionError:  # schemathesis' check failures derive from it
            counts["check_failures"] += 1

    started = time.perf_counter()
    one()
    seconds = time.perf_counter() - started
    return {
        "examples": counts["examples"],
        "seconds": round(seconds, 3),
        "examples_per_s": round(counts["examples"] / seconds, 1) if seconds else None,
        "check_failures": counts["check_failures"],
    }


def _in_process(examples: int) -> dict[str, Any]:
    from dynamic_sdk_mock import MockConfig, create_app

    app = create_app(MockConfig(token=TOKEN))

    async def answer() -> int:
        """One request in process through httpx's own ASGI transport (no Starlette TestClient)."""
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            probe = operation_path("not-a-valid-value")
            return (await client.request(OPERATION.method, probe, content=b"{}")).status_code

    prefix = "" if asyncio.run(answer()) != 404 else fragment().server_prefix
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def call(case: Case[Any]) -> None:
        case.call_and_validate(base_url="http://testserver" + prefix, app=app, headers=headers)

    return _drive(examples, call)


def _over_http(examples: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with mock_server("mock-default", TOKEN) as server:

        def call(case: Case[Any]) -> None:
            case.call_and_validate(base_url=server.url + server.prefix, headers=headers)

        return _drive(examples, call)


def _regeneration(runs: int) -> dict[str, Any]:
    """Wall time of `python -m codegen --check generated` (median of runs)."""
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "codegen", "--check", "generated"],
            cwd=ROOT,
            capture_output=True,
            timeout=300,
            check=False,
        )
        times.append(time.perf_counter() - started)
        if completed.returncode != 0:
            return {
                "seconds": None,
                "runs": len(times),
                "note": f"exited {completed.returncode}: "
                + completed.stderr.decode("utf-8", "replace")[-300:],
            }
    return {"seconds": round(statistics.median(times), 3), "runs": runs, "note": None}


LONG_PATTERN = (
    r"^(?=\S)(?:[A-Z][a-z]{1,15}|\p{Lu}\p{Ll}+)"
    r"(?:[ '\-](?:[A-Z][a-z]{1,15}|\p{Lu}\p{Ll}+)){0,3}"
    r"(?<=\S)@[0-9a-f]{4,8}\.(?:com|org|net)$"
)
"""A pattern of over 100 characters with lookarounds, alternatives, classes and bounds."""
DERIVATION_GOAL_SECONDS = 0.1
"""Witnesses for a 100-character pattern, uncached, in under 0.1 s: the plan derives every
pattern of a changed fragment at collection."""


def _derivation(runs: int) -> dict[str, Any]:
    """Wall time of deriving every node's witnesses of `LONG_PATTERN`, uncached (median)."""
    times: list[float] = []
    count = 0
    for _ in range(runs):
        started = time.perf_counter()
        count = len(uncached_witnesses(LONG_PATTERN, max_length=80))
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return {
        "seconds": round(median, 4),
        "runs": runs,
        "witnesses": count,
        "pattern_length": len(LONG_PATTERN),
        "goal_met": median < DERIVATION_GOAL_SECONDS,
    }


def _nox_wall_time() -> dict[str, Any]:
    """Wall time of a warm default `nox` run: one run to warm the venvs, then the timed one."""
    nox = shutil.which("nox")
    argv = [nox] if nox else [sys.executable, "-m", "nox"]
    timings: list[float] = []
    for _ in range(2):
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 - nox from PATH on our own noxfile
            argv, cwd=ROOT, capture_output=True, timeout=1800, check=False
        )
        timings.append(time.perf_counter() - started)
        if completed.returncode != 0:
            tail = completed.stdout.decode("utf-8", "replace")[-300:]
            return {"seconds": None, "cold_seconds": None, "note": f"nox failed: {tail}"}
    return {
        "seconds": round(timings[1], 1),
        "cold_seconds": round(timings[0], 1),
        "note": "second of two back-to-back runs (venvs reused)",
    }


def run(*, quick: bool, with_nox: bool) -> dict[str, Any]:
    examples = 30 if quick else 300
    return {
        "contract_in_process": _in_process(examples),
        "contract_over_http": _over_http(examples),
        "regeneration_check": _regeneration(1 if quick else 3),
        "witness_derivation": _derivation(3 if quick else 15),
        "nox_default_warm": (
            _nox_wall_time()
            if with_nox
            else {"seconds": None, "cold_seconds": None, "note": "not run (use --with-nox)"}
        ),
    }
