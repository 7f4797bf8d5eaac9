"""A paced run talks while it waits, reports a failure the moment it is known, and -x stops.

Against the vendor a run waits many seconds between requests: the first status line must
come within seconds, a failing check must be printed when its probe answers (not at the
end), and `-x` must stop sending at the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from contract_tests.core.model import TargetKind
from contract_tests.core.spec import fragment
from contract_tests.plan.planner import build_plan
from contract_tests.run.pacing import Budget
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from tests.support.broken_servers import TOKEN, Breakage, breakages, reference_app

ROOT = Path(__file__).resolve().parent.parent
FRAGMENT = fragment()
SEED = "7"
SUITE = [sys.executable, "-m", "pytest", "contract_tests/test_constraints.py", "-q"]
SUITE += ["-p", "no:cacheprovider"]


def _timed_lines(*args: str) -> list[tuple[float, str]]:
    """Run the suite, returning each output line with the seconds since start."""
    environment = {**os.environ, "DYNAMIC_API_TOKEN": TOKEN, "HYPOTHESIS_PROFILE": "dev"}
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own suite, fixed arguments
        [*SUITE, "--hypothesis-seed", SEED, *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines = [(time.monotonic() - started, line.rstrip()) for line in process.stdout]
    process.wait(timeout=120)
    return lines


def test_a_5_per_minute_run_talks_within_seconds_and_announces_its_waits() -> None:
    with serve_app(reference_app(FRAGMENT)) as url:
        lines = _timed_lines("--base-url", url, "--rate", "5/min", "--max-requests", "2")
    status = [(t, line) for t, line in lines if line.startswith("[contract]")]
    assert status, [line for _t, line in lines][-20:]
    assert status[0][0] < 15, status[0]
    assert any("next request in 1" in line for _t, line in status), status


def _earliest_caught() -> tuple[Breakage, int]:
    """The defect whose first failing probe comes earliest in the plan, and its index."""
    # the run's tier-0 probes come first and do not depend on the number of draws
    plan = build_plan(FRAGMENT, {}, seed=int(SEED), examples=1)[:12]
    best: tuple[Breakage, int] | None = None
    for breakage in breakages(FRAGMENT):
        app = reference_app(FRAGMENT, breakage)
        with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
            target = Target("t", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
            report = run_plan(target, FRAGMENT, plan, Budget(), report=RunReport())
        failing = [i for i, o in enumerate(report.outcomes) if o.agreed is False]
        if failing and (best is None or failing[0] < best[1]):
            best = (breakage, failing[0])
    assert best is not None, "no defect is caught by the plan's first probes"
    return best


def test_a_failure_is_printed_when_its_probe_answers_and_x_stops_sending() -> None:
    defect, index = _earliest_caught()
    requests: list[str] = []
    app = reference_app(FRAGMENT, defect)

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            requests.append(scope["path"])
        await app(scope, receive, send)

    with serve_app(recording) as url:
        lines = _timed_lines("--base-url", url, "--rate", "60/min", "-x")
    failures = [(t, line) for t, line in lines if line.startswith("FAIL ")]
    assert failures, [line for _t, line in lines][-20:]
    # one request per second: the probe at `index` answers after about `index` seconds
    assert failures[0][0] < index + 30, (failures[0], index)
    done = next(t for t, line in lines if line.startswith("[contract]") and line.endswith("done"))
    assert failures[0][0] <= done
    # -x: nothing is sent after the first failing check (route detection: one request)
    assert len(requests) <= index + 2, (len(requests), index)
