"""The contract suite's plan catches each deliberately broken server, and passes correct ones.

Each server from `broken_servers.breakages` (one mutant of every kind the mutant model
knows, spread over the places, and the defects outside the model) runs on a real loopback
socket and gets the suite's own plan, judged exactly as a real target is. Every broken
server must fail on a check of the place it breaks; correct servers (Unicode 17 and
Unicode 16 tables) must pass, so a check that fails on everything cannot pass this test
either. Every mutant of the model is measured in `test_mutant_power.py`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from contract_tests.core.model import Probe, TargetKind, changes_the_route
from contract_tests.core.spec import fragment
from contract_tests.judge.statuses import NoVerdict
from contract_tests.plan.mutants import mutants
from contract_tests.plan.planner import build_plan
from contract_tests.report.summary import unicode_estimate
from contract_tests.run.pacing import Budget
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import ROOT, Target
from dynamic_sdk_mock import serve_app
from tests.support.broken_servers import TOKEN, Breakage, breakages, reference_app, unicode_server
from tests.support.tiers import spread

SEED = 20261129
EXAMPLES = 2
TIMINGS: dict[str, float] = {}
FRAGMENT = fragment()
PLACES = {
    f"{op.operation_id}:{place.where}": place for op in FRAGMENT.operations for place in op.places()
}


BROKEN = breakages(FRAGMENT)
"""Each tells itself apart: a mutant is served only when the model found a witness."""


def kind(breakage: Breakage) -> str:
    """The kind of mistake: the mutant's kind, else the defect's name without its place."""
    if breakage.mutant is not None:
        return breakage.mutant.kind.value
    return breakage.name.rsplit(":", 1)[-1] if breakage.place else breakage.name


@pytest.fixture(scope="module")
def plan() -> list[Probe]:
    """A small fixed plan: every derived witness plus two drawn examples per place."""
    return build_plan(FRAGMENT, {}, seed=SEED, examples=EXAMPLES)


@pytest.fixture(scope="module", autouse=True)
def _write_timings() -> Iterator[None]:
    yield
    path = ROOT / "reports" / "contract-time-to-verdict.json"
    path.parent.mkdir(exist_ok=True)
    known = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(known | TIMINGS, indent=2, sort_keys=True) + "\n")


def judge(
    breakage: Breakage | None, plan: list[Probe], pinned: str | None = None
) -> tuple[RunReport, list[str], float]:
    """Start the server, run the plan against it, stop it: (report, failures, seconds)."""
    started = time.perf_counter()
    with (
        serve_app(reference_app(FRAGMENT, breakage)) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        target = Target("server", client, "", TOKEN, {}, TargetKind.MOCK, url)
        target.recorded = False
        report = run_plan(target, FRAGMENT, plan, Budget(), report=RunReport(pinned_version=pinned))
    seconds = time.perf_counter() - started
    failures = [key for (_name, key) in report.failures()]
    failures += [f"response: {p.split(': ', 1)[1]}" for p in report.response_failures]
    return report, failures, seconds


def test_reference_server_passes_every_check(plan: list[Probe]) -> None:
    report, failures, seconds = judge(None, plan)
    TIMINGS["reference (passes)"] = round(seconds, 2)
    assert failures == []
    assert unicode_estimate(report, "server") == "17.0"
    unjudged = [o for o in report.outcomes if not o.judged]
    # only the router's answers to path values no route takes go without a verdict
    assert unjudged, "the plan has probes whose path value no route takes"
    for outcome in unjudged:
        assert outcome.reason is NoVerdict.INTERMEDIARY, outcome
        assert outcome.why == "answered by an intermediary (404, application/json)", outcome
        assert changes_the_route(outcome.probe.path), outcome.probe.path


@pytest.mark.parametrize("version", ["16.0", "17.0"])
def test_correct_servers_on_other_unicode_versions_pass(plan: list[Probe], version: str) -> None:
    """Older letter tables are not a defect: nothing fails, and the estimate names them."""
    report, failures, seconds = judge(unicode_server(version), plan)
    TIMINGS[f"unicode-{version} (passes)"] = round(seconds, 2)
    assert failures == []
    assert unicode_estimate(report, "server") == version
    refused = {key for (_name, key) in report.version_dependent()}
    versioned = {
        p.check.key for p in plan if p.check.unicode_since and p.check.unicode_since > version
    }
    assert refused == versioned


@pytest.mark.slow  # CI time: the two unpinned Unicode versions above run in CI
def test_pinned_unicode_version_judges_the_version_dependent_probes(plan: list[Probe]) -> None:
    """--unicode-version 17 turns a Unicode-16 server's refusals into failures; 16 passes it."""
    _report, failures, _seconds = judge(unicode_server("16.0"), plan, pinned="17.0")
    assert failures
    assert all(key.endswith(":unicode-17.0") for key in failures), failures
    _report, failures, _seconds = judge(unicode_server("16.0"), plan, pinned="16.0")
    assert failures == []


def test_the_defects_cover_every_place_and_every_kind_of_mistake_the_model_knows() -> None:
    """The servers a whole plan is sent to are the model's: every kind, every place."""
    served = [b.mutant for b in breakages(FRAGMENT) if b.mutant is not None]
    model = [m for m in mutants(FRAGMENT) if m.status == "distinguishable"]
    assert {m.kind for m in served} == {m.kind for m in model}
    assert {f"{m.operation}:{m.place}" for m in served} == {
        f"{m.operation}:{m.place}" for m in model
    }
    assert all(b.name == b.mutant.key for b in breakages(FRAGMENT) if b.mutant is not None)


# CI runs a spread (each place and each kind once); `nox -s slow` runs every defect.
@pytest.mark.parametrize(
    "breakage",
    spread(BROKEN, lambda b: (b.place or b.name, kind(b))),
    ids=[b.name for b in BROKEN],
)
def test_each_broken_server_is_caught(plan: list[Probe], breakage: Breakage) -> None:
    _report, failures, seconds = judge(breakage, plan)
    TIMINGS[breakage.name] = round(seconds, 2)
    assert failures, "the contract plan passed a server that breaks a documented rule"
    if breakage.place is not None and breakage.crash_on_array is None:
        operation = breakage.name.split(":", 1)[0]
        assert any(
            key.startswith(f"{operation}:{breakage.place}:") or key.startswith(f"{operation}:body:")
            for key in failures
        ), failures


def test_the_documented_defect_counts_are_todays() -> None:
    """docs/contract.md quotes how many defects are derived and told apart: kept true here."""
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    served = len([b for b in BROKEN if b.mutant is not None])
    quoted = f"Today: {len(BROKEN)} servers, {served} of them the model's mutants"
    assert quoted in " ".join(text.split()), quoted
