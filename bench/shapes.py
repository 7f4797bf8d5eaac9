"""Correct and broken servers in every shape the vendor may have (`broken_servers.SHAPES`).

Per shape: the correct server's verdict under the full local plan and under the remote
defaults (safe mode, 60 requests), how many of its checks each run judged (the price of
judging a lookup miss per member: a member the shape validates after the lookup is not
judged without a verification on file), and how many of the request-side broken servers a
safe run (no SMS budget, unlimited requests) still catches when each is served in that
shape: all of them, and those whose place the shape validates before the lookup (the only
ones a safe run can see; the rest need `--sms-budget 1` with the sandbox's verification).
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from contract_tests.core.model import TargetKind
from contract_tests.core.settings import REMOTE_MAX_REQUESTS
from contract_tests.plan.planner import build_plan
from contract_tests.report.verdict import count, decide
from contract_tests.run.pacing import Budget
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from tests.support.broken_servers import SHAPES, TOKEN, Breakage, Shape, reference_app
from tests.test_contract_safe_runs import FRAGMENT, ON_FILE, SAFE_SEEN, shows

__all__ = ["run"]

SEED = 17


def _run(plan: list[Any], shape: Shape, breakage: Breakage | None, budget: Budget) -> RunReport:
    app = reference_app(FRAGMENT, breakage, on_file=ON_FILE, shape=shape)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("vendor", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
        return run_plan(target, FRAGMENT, plan, budget, report=RunReport())


def run(quick: bool = False) -> dict[str, Any]:
    """One row per shape: the correct server's verdicts, and the defects still caught."""
    plan = build_plan(FRAGMENT, {}, seed=SEED, examples=1 if quick else 2)
    defects = SAFE_SEEN[:1] if quick else SAFE_SEEN
    planned = {probe.check.key for probe in plan}
    rows = []
    for shape in SHAPES[:2] if quick else SHAPES:
        started = time.perf_counter()
        verdicts: dict[str, Any] = {}
        for mode, budget in (
            ("full", Budget()),
            ("safe-60", Budget(max_requests=REMOTE_MAX_REQUESTS, valid_requests=0)),
        ):
            report = _run(plan, shape, None, budget)
            verdicts[mode] = decide(count(report, ["vendor"], plan), 0.5, 0).word
            verdicts[f"{mode}-failures"] = len(report.failures()) + len(report.response_failures)
            verdicts[f"{mode}-judged"] = len(report.judged_keys("vendor") & planned)
        caught = shown_caught = shown_defects = 0
        for breakage in defects:
            report = _run(plan, shape, breakage, Budget(valid_requests=0))
            hit = bool(report.failures() or report.response_failures)
            caught += hit
            if shows(shape, breakage):
                shown_defects += 1
                shown_caught += hit
        rows.append(
            {
                "shape": shape.name,
                **verdicts,
                "checks": len(planned),
                "defects": len(defects),
                "caught": caught,
                "shown_defects": shown_defects,
                "shown_caught": shown_caught,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    return {"seed": SEED, "rows": rows}
