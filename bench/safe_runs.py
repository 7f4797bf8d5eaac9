"""Safe runs against vendor-like servers: what a run without an SMS budget judges and catches.

Each server validates, then answers 404 for a verification it does not know (the
fragment's example is on file); one documented rule is broken at a time (the request-side
defects `tests.support.broken_servers` derives from the fragment, those some value tells
apart), but for those at a member the server never refuses (`HIDDEN`: a safe run cannot
tell it from one validated after the lookup, and says so). Rows: the remote default budget
(60 requests) and an unlimited one.

The mutant rows (`mutant_power`): one vendor-like server per distinguishable mutant of the
model (`broken_servers.mutant_breakages`), a safe run at 20 and 60 requests (a budgeted
run's plan share: 17 and 51 plan requests, the rest kept for Schemathesis) and unlimited;
the score the plan predicts (`planner.predicted_score`) beside the kills measured, and the
likely mistakes caught (each server its share of the weights, `mutants.shares`) both ways.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from contract_tests.core.model import Probe, TargetKind
from contract_tests.core.settings import REMOTE_MAX_REQUESTS
from contract_tests.plan.mutants import fewest_requests, mutants, shares
from contract_tests.plan.planner import build_plan, predicted_score, requests_to_kill
from contract_tests.run.pacing import Budget, plan_requests, reserved_for_schemathesis
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from dynamic_sdk_runtime.fragment import Fragment
from tests.support.broken_servers import TOKEN, Breakage, mutant_breakages, reference_app
from tests.test_contract_safe_runs import FRAGMENT, HIDDEN, ON_FILE, SAFE_SEEN

__all__ = ["measured_kills", "mutant_power", "plan_share", "run"]

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
    defects = SAFE_SEEN[:5] if quick else SAFE_SEEN
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
                "never_refused": len(HIDDEN),
                "requests_reaching_a_verification_on_file": reached,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    return {"seed": SEED, "rows": rows}


def plan_share(max_requests: int | None) -> int | None:
    """The requests a budgeted run sends from its plan (the rest is Schemathesis')."""
    return None if max_requests is None else plan_requests(max_requests)


class _Switch:
    """One loopback server for many defects: each run talks to the app set before it."""

    def __init__(self, idle: ASGIApp) -> None:
        self.idle = idle
        self.current = idle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await (self.current if scope["type"] == "http" else self.idle)(scope, receive, send)


def measured_kills(
    plan: list[Probe],
    servers: list[Breakage],
    max_requests: int | None,
    fragment: Fragment = FRAGMENT,
    on_file: frozenset[str] = ON_FILE,
) -> tuple[set[str], int]:
    """(names of the servers a safe run fails, requests reaching a verification on file).

    Each server is vendor-like (validates, then a lookup miss); the run has the remote
    budget's shape (`max_requests`, Schemathesis' share kept) and stops at its first failure.
    """
    seen: list[object] = []
    switch = _Switch(reference_app(fragment, None, on_file=on_file, seen=seen))
    reserved = 0 if max_requests is None else reserved_for_schemathesis(max_requests)
    killed: set[str] = set()
    with serve_app(switch) as url, httpx.Client(base_url=url, timeout=10) as client:
        for breakage in servers:
            switch.current = reference_app(fragment, breakage, on_file=on_file, seen=seen)
            target = Target("vendor-like", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
            budget = Budget(valid_requests=0, max_requests=max_requests, reserved=reserved)
            report = run_plan(target, fragment, plan, budget, report=RunReport(), max_failures=1)
            if report.failures() or report.response_failures:
                killed.add(breakage.name)
    return killed, len(seen)


def mutant_power(quick: bool = False) -> dict[str, Any]:
    """Per budget: the mutants the plan predicts it kills, and those safe runs kill."""
    plan = build_plan(FRAGMENT, {}, seed=SEED, examples=2 if quick else 10)
    servers = mutant_breakages(FRAGMENT)
    if quick:
        servers = servers[::25]
    share = {k: v for op in FRAGMENT.operations for k, v in shares(op).items()}
    rows = []
    for max_requests in (20, REMOTE_MAX_REQUESTS, None):
        started = time.perf_counter()
        predicted = predicted_score(FRAGMENT, plan, plan_share(max_requests), safe=True)
        expected = {b.name for b in servers} - {m.key for m in predicted.survivors}
        killed, reached = measured_kills(plan, servers, max_requests)
        served = sum((share[b.name] for b in servers), Fraction(0))
        rows.append(
            {
                "max_requests": max_requests,
                "plan_requests": plan_share(max_requests),
                "mutants": len(servers),
                "predicted": len(expected),
                "measured": len(killed),
                "agree": killed == expected,
                # likely mistakes caught, of the servers run (each its share of the weights)
                "likely_predicted": float(sum((share[k] for k in expected), Fraction(0)) / served),
                "likely_measured": float(sum((share[k] for k in killed), Fraction(0)) / served),
                "predicted_of_all": f"{predicted.killed}/{predicted.distinguishable}",
                "requests_reaching_a_verification_on_file": reached,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    killed_at = sorted(requests_to_kill(FRAGMENT, plan, safe=True).values())
    total = sum(1 for m in mutants(FRAGMENT) if m.status == "distinguishable")
    return {
        "seed": SEED,
        "rows": rows,
        "fewest_requests_90": fewest_requests(FRAGMENT, 0.9),
        "plan_requests_90": killed_at[math.ceil(0.9 * total) - 1],
        "plan_requests_100": killed_at[-1],
    }
