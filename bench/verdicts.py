"""Section 4 (`--verdicts`): time to a contract verdict, the whole suite as a user runs it.

A passing run is `pytest contract_tests` against the embedded mock (the suite starts and
stops it: its start is included). A failing run serves one deliberately broken server
(`python -m tests.support.broken_servers NAME`) and times `pytest contract_tests -x
--base-url ...` to its first failure, the moment a scheduled job would report. Each run
is one subprocess, timed by wall clock, its exit code checked (0 / 1).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import httpx

from contract_tests.core.spec import fragment
from contract_tests.run.targets import free_port
from tests.support.broken_servers import TOKEN, breakages

from .servers import ROOT

__all__ = ["GOAL_FAIL_S", "GOAL_PASS_S", "run"]

GOAL_PASS_S = 120.0
GOAL_FAIL_S = 60.0
# Lift the remote-target budget: these are local servers, and every check should be judged.
_UNBUDGETED = ["--sms-budget", "100000", "--max-requests", "100000", "--rate", "1000000000/min"]


def _pytest(*args: str) -> tuple[float, int]:
    environment = {**os.environ, "DYNAMIC_API_TOKEN": TOKEN}
    environment.pop("DYNAMIC_CONTRACT_REQUIRE_PRISM", None)
    started = time.perf_counter()
    completed = subprocess.run(  # noqa: S603 - our own test suite, fixed arguments
        [sys.executable, "-m", "pytest", "contract_tests", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        env=environment,
        check=False,
    )
    return time.perf_counter() - started, completed.returncode


def _against(name: str) -> dict[str, Any]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own broken server, fixed arguments
        [sys.executable, "-m", "tests.support.broken_servers", name, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(url, timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        seconds, code = _pytest("-x", "--base-url", url, "--hypothesis-seed", "1", *_UNBUDGETED)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {"seconds": round(seconds, 1), "exit_code": code, "caught": code == 1}


def run(*, quick: bool) -> dict[str, Any]:
    """The passing run, then each broken server (the first two with --quick)."""
    passing_s, passing_code = _pytest()
    every = breakages(fragment())
    broken = every[:2] if quick else every
    rows = {breakage.name: _against(breakage.name) for breakage in broken}
    return {
        "goal_pass_s": GOAL_PASS_S,
        "goal_fail_s": GOAL_FAIL_S,
        "passing_run": {"seconds": round(passing_s, 1), "exit_code": passing_code},
        "broken": rows,
    }
