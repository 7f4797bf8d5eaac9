"""Runs with one state file (`--state`): the cumulative score, predicted beside measured.

Nightly runs at the remote default budget (60 requests, 51 from the plan, safe mode) carry
the plan in a state file. Predicted: the cumulative score the summary gives after each run
against a correct vendor-like server (the mutants the probes sent so far kill,
`planner.requests_to_kill`), and the runs it says are left. Measured: one vendor-like server
per distinguishable mutant (a sample with `--quick`), each run the same nights with a state
file of its own; a mutant counts as killed from the first run that reports a failure.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from contract_tests.core.model import Probe, TargetKind
from contract_tests.core.settings import REMOTE_MAX_REQUESTS
from contract_tests.plan.planner import build_plan, requests_to_kill
from contract_tests.run.pacing import Budget, reserved_for_schemathesis
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.state import Carried
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from tests.support.broken_servers import TOKEN, mutant_breakages, reference_app
from tests.test_contract_safe_runs import FRAGMENT, ON_FILE

from .safe_runs import SEED, _Switch

__all__ = ["run"]

URL = "https://sandbox.example/api/v0"
FIRST_NIGHT = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


def _night(
    client: httpx.Client, path: Path, plan: list[Probe], night: int
) -> tuple[RunReport, Carried, dict[str, Any]]:
    """One scheduled run with the state file at `path`, as the suite's conftest makes it."""
    carried = Carried.open(
        path,
        base_url=URL,
        fragment=FRAGMENT,
        plan=plan,
        seed=SEED,
        now=FIRST_NIGHT + dt.timedelta(days=night),
        max_age_days=30,
    )
    target = Target("vendor-like", client, "", TOKEN, {}, TargetKind.BASE_URL, URL)
    reserved = reserved_for_schemathesis(REMOTE_MAX_REQUESTS)
    budget = Budget(max_requests=REMOTE_MAX_REQUESTS, reserved=reserved, valid_requests=0)
    report = RunReport()
    run_plan(target, FRAGMENT, carried.start(report, target.name), budget, report=report)
    carried.carry(report, target.name)
    _lines, data = carried.finish(report, target.name, budget, unicode="-")
    return report, carried, data


def run(quick: bool = False) -> dict[str, Any]:
    """Per night: the predicted cumulative kills (all mutants, and the sample measured), the
    runs the summary says are left, and the measured kills of the sample."""
    plan = build_plan(FRAGMENT, {}, seed=SEED, examples=1)
    servers = mutant_breakages(FRAGMENT)
    sample = servers[::75] if quick else servers
    names = {b.name for b in sample}
    started = time.perf_counter()
    predicted: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        switch = _Switch(reference_app(FRAGMENT, None, on_file=ON_FILE))
        with serve_app(switch) as url, httpx.Client(base_url=url, timeout=10) as client:
            path = Path(folder) / "correct.json"
            for night in range(30):
                _report, carried, data = _night(client, path, plan, night)
                killed = set(requests_to_kill(FRAGMENT, carried.sent_order(), safe=True))
                predicted.append(data | {"sample_killed": sorted(killed & names)})
                if data["killed"] >= data["unlimited"]:
                    break
            nights = len(predicted)
            first_caught: dict[str, int] = {}
            for index, breakage in enumerate(sample):
                switch.current = reference_app(FRAGMENT, breakage, on_file=ON_FILE)
                path = Path(folder) / f"mutant-{index}.json"
                for night in range(nights):
                    report, _carried, _data = _night(client, path, plan, night)
                    own = [o for o in report.outcomes if o.agreed is False and o.answer]
                    if (own or report.response_failures) and breakage.name not in first_caught:
                        first_caught[breakage.name] = night
    rows = []
    for night, data in enumerate(predicted):
        measured = {name for name, caught in first_caught.items() if caught <= night}
        rows.append(
            {
                "run": night + 1,
                "cumulative": f"{data['killed']}/{data['distinguishable']}",
                "this_run": data["this_run_killed"],
                "more_runs_predicted": data["more_runs"],
                "sample": len(sample),
                "sample_predicted": len(data["sample_killed"]),
                "sample_measured": len(measured),
                "agree": measured == set(data["sample_killed"]),
            }
        )
    return {
        "seed": SEED,
        "max_requests": REMOTE_MAX_REQUESTS,
        "predicted_runs_after_the_first": 1 + (predicted[0]["more_runs"] or 0),
        "runs": len(predicted),
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 1),
    }
