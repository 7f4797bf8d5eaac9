"""Safe runs against vendor-like servers: what a run without an SMS budget judges and catches.

Each server validates, then answers 404 for a verification it does not know (the
fragment's example is on file); one documented rule is broken at a time (the request-side
defects `contract_tests.broken_servers` derives from the fragment, those some value tells
apart). Rows: the remote default budget (60 requests) and an unlimited one.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from contract_tests.broken_servers import TOKEN, reference_app
from contract_tests.model import RunReport
from contract_tests.pacing import Budget
from contract_tests.planner import build_plan
from contract_tests.plugin import REMOTE_MAX_REQUESTS
from contract_tests.runner import run_plan
from contract_tests.targets import Target, TargetKind
from dynamic_sdk_mock import serve_app
from tests.test_contract_safe_runs import FRAGMENT, ON_FILE, REQUEST_SIDE

__all__ = ["run"]

SEED = 17


def _safe_run(plan: list[Any], breakage: Any, max_requests: int | None) -> tuple[RunReport, int]:
    seen: list[object] = []
    app = reference_app(FRAGMENT, breakage, on_file=ON_FILE, seen=seen)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("vendor-like", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
        budget = Budget(valid_requests=0, max_requests=max_requests)
        report = run_plan(target, FRAGMENT, plan, budget, report=RunReport())
    return report, len(seen)


def run(quick: bool = False) -> dict[str, Any]:
    """One row per budget: checks judged by the correct server, defects caught, SMS risked."""
    plan = build_plan(FRAGMENT, {}, seed=SEED, examples=2 if quick else 10)
    defects = REQUEST_SIDE[:5] if quick else REQUEST_SIDE
    planned = {probe.check.key for probe in plan}
    rows = []
    for budget in (REMOTE_MAX_REQUESTS, None):
        started = time.perf_counter()
        reference, reached = _safe_run(plan, None, budget)
        caught = 0
        for breakage in defects:
            report, seen = _safe_run(plan, breakage, budget)
            reached += seen
            caught += bool(report.failures() or report.response_failures)
        rows.append(
            {
                "max_requests": budget,
                "checks_planned": len(planned),
                "checks_judged": len(reference.judged_keys("vendor-like") & planned),
                "reference_failures": len(reference.failures()),
                "defects": len(defects),
                "caught": caught,
                "requests_reaching_a_verification_on_file": reached,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    return {"seed": SEED, "rows": rows}
