"""A paced run talks while it waits, reports a failure the moment it is known, and -x stops.

Against the vendor a run waits many seconds between requests: status lines must come
while it waits (before the next request is sent), a failing check must be printed when
its probe answers (not at the end), and `-x` must stop sending at the first failure. Each
output line is tagged with the number of requests the server had received when the line
was read: the order of events, never a clock, is what is checked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

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


def _lines_and_requests(app: Any, *args: str) -> tuple[list[tuple[int, str]], list[str]]:
    """Run the suite against `app`: each output line with the number of requests the server
    had received when the line was read, and the paths of all requests."""
    requests: list[str] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            requests.append(scope["path"])
        await app(scope, receive, send)

    environment = {**os.environ, "DYNAMIC_API_TOKEN": TOKEN, "HYPOTHESIS_PROFILE": "dev"}
    with serve_app(recording) as url:
        process = subprocess.Popen(  # noqa: S603 - our own suite, fixed arguments
            [*SUITE, "--hypothesis-seed", SEED, "--base-url", url, *args],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        lines = [(len(requests), line.rstrip()) for line in process.stdout]
        process.wait(timeout=120)
    return lines, requests


@pytest.mark.slow  # CI time: a paced whole run; the failure-line test here runs in CI
def test_a_5_per_minute_run_talks_before_its_next_request_and_announces_its_waits() -> None:
    lines, requests = _lines_and_requests(
        reference_app(FRAGMENT), "--rate", "5/min", "--max-requests", "2"
    )
    status = [(seen, line) for seen, line in lines if line.startswith("[contract]")]
    assert status, [line for _seen, line in lines][-20:]
    assert len(requests) == 2, requests
    # 12 s lie between the two requests at 5/min: the run has spoken before the second
    assert status[0][0] < len(requests), status
    waits = [(seen, line) for seen, line in status if "next request in 1" in line]
    assert waits, status
    assert waits[0][0] < len(requests), waits


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
    lines, requests = _lines_and_requests(reference_app(FRAGMENT, defect), "--rate", "60/min", "-x")
    failures = [(seen, line) for seen, line in lines if line.startswith("FAIL ")]
    assert failures, [line for _seen, line in lines][-20:]
    # printed as its probe answered: before the line that ends the sending (the summary's
    # FAIL lines come after it), and once the failing probe (at `index`) had been sent
    done = next(
        i
        for i, (_seen, line) in enumerate(lines)
        if line.startswith("[contract]") and line.endswith("done")
    )
    first = lines.index(failures[0])
    assert first < done, lines[first : done + 1]
    assert failures[0][0] >= index + 1, (failures[0], index)
    # -x: nothing is sent after the first failing check (route detection: one request)
    assert len(requests) <= index + 2, (len(requests), index)
