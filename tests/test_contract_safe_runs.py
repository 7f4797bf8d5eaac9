"""A safe run (no SMS budget) judges both sides against a server that validates, then looks up.

The vendor very likely validates a request before it looks the verification up, and answers
404 for one it does not know. Every probe names a verification that does not exist, so a
valid-shaped probe gets 404 and costs nothing; once the run has seen an invalid value at a
member get 400 beside such a 404, a 404 for that member means "passed validation". Against
vendor-like servers with one documented rule broken at a time, the safe run must catch each
defect but one at a member the server never refuses (`HIDDEN`: it must say it could not
judge that member, and why), and no request may ever reach a verification that exists
(the fragment's example is on file).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

from contract_tests.core.model import Probe, TargetKind
from contract_tests.core.settings import REMOTE_MAX_REQUESTS
from contract_tests.core.spec import fragment
from contract_tests.judge.statuses import NoVerdict
from contract_tests.plan.planner import build_plan
from contract_tests.plan.values import lookup_examples
from contract_tests.run.pacing import Budget, reserved_for_schemathesis
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from tests.support.broken_servers import (
    SHAPES,
    TOKEN,
    Breakage,
    Shape,
    never_refused,
    reference_app,
)
from tests.support.tiers import spread

from .test_contract_catches_broken_servers import BROKEN, kind

FRAGMENT = fragment()
ROOT = Path(__file__).resolve().parent.parent
SUITE = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
SUITE += ["contract_tests/test_constraints.py", "contract_tests/test_schemathesis.py"]
ON_FILE = frozenset().union(*(lookup_examples(op) for op in FRAGMENT.operations))
# Response-side defects need one real success (--sms-budget 1); they are not in a safe run.
# (BROKEN: the derived defects that some value tells apart from the documented rules.)
REQUEST_SIDE = [
    b for b in BROKEN if not b.drop_response_member and b.content_type == "application/json"
]
# The price of judging a lookup miss per member: a member the server never refuses (optional,
# its type unchecked) looks like one validated after the lookup until a verification on
# file answers (--sms-budget 1). A safe run reports its checks as not judged, saying so.
HIDDEN = [b for b in REQUEST_SIDE if never_refused(FRAGMENT, b)]
SAFE_SEEN = [b for b in REQUEST_SIDE if b not in HIDDEN]


@pytest.fixture(scope="module")
def plan() -> list[Probe]:
    return build_plan(FRAGMENT, {}, seed=17, examples=1)


def _safe_run(
    plan: list[Probe], breakage: Breakage | None, shape: Shape | None = None
) -> tuple[RunReport, list[object]]:
    seen: list[object] = []
    app = reference_app(FRAGMENT, breakage, on_file=ON_FILE, seen=seen, shape=shape)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("vendor-like", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
        report = run_plan(target, FRAGMENT, plan, Budget(valid_requests=0), report=RunReport())
    return report, seen


def test_the_correct_vendor_like_server_passes_and_every_check_is_judged(plan: list[Probe]) -> None:
    assert ON_FILE, "the fragment shows an example verification"
    report, seen = _safe_run(plan, None)
    assert seen == []
    assert report.failures() == {}
    assert "validates, then looks up" in report.lookup_order["vendor-like"]
    judged = report.judged_keys("vendor-like")
    planned = {p.check.key for p in plan}
    assert judged == planned, sorted(planned - judged)[:10]
    accepted_404 = [o for o in report.outcomes if o.status == 404 and o.verdict == "accepted"]
    assert any(o.probe.check.side == "accept" for o in accepted_404)


def test_the_documented_ci_job_figure_is_todays() -> None:
    """docs/contract.md quotes how many checks the README's CI job (the remote defaults,
    reject-only, the default profile's draws) judges against a correct vendor-like server."""
    examples = settings.get_profile("dev").max_examples
    plan = build_plan(FRAGMENT, {}, seed=17, examples=examples)
    app = reference_app(FRAGMENT, on_file=ON_FILE)
    budget = Budget(
        max_requests=REMOTE_MAX_REQUESTS,
        reserved=reserved_for_schemathesis(REMOTE_MAX_REQUESTS),
        valid_requests=0,
    )
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("ci-job", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
        report = run_plan(target, FRAGMENT, plan, budget, report=RunReport())
    planned = {p.check.key for p in plan}
    judged = report.judged_keys("ci-job") & planned
    quoted = (
        f"CI job ({REMOTE_MAX_REQUESTS} requests, reject-only) judges {len(judged)} of the "
        f"{len(planned)} checks"
    )
    text = " ".join((ROOT / "docs" / "contract.md").read_text(encoding="utf-8").split())
    assert quoted in text, quoted


def shows(shape: Shape, breakage: Breakage) -> bool:
    """Whether a safe run can see the defect behind `shape`: a server that looks up before
    it validates some member hides those members (every probe names an unknown resource),
    so only defects of what it validates before the lookup go there."""
    place = breakage.place
    if not shape.lookup_first:
        return True
    return place is not None and all(
        shape.validated_before_lookup(place, op.lookup_field) for op in FRAGMENT.operations
    )


def _served(defects: list[Breakage]) -> list[tuple[Breakage, Shape]]:
    """Each defect behind the shape that shows it and serves the fewest so far (first in
    SHAPES on a tie): every shape is shown to hide none of several defects."""
    load = dict.fromkeys((s.name for s in SHAPES), 0)
    served = []
    for breakage in defects:
        shape = min((s for s in SHAPES if shows(s, breakage)), key=lambda s: load[s.name])
        load[shape.name] += 1
        served.append((breakage, shape))
    return served


SERVED = _served(SAFE_SEEN)


# CI runs one defect behind each shape, of kinds not repeated; `nox -s slow` runs them all.
@pytest.mark.parametrize(
    ("breakage", "shape"),
    spread(SERVED, lambda served: (served[1].name, kind(served[0])), unpack=True),
    ids=[f"{b.name}@{s.name}" for b, s in SERVED],
)
def test_a_safe_run_catches_each_request_side_defect_behind_a_shape_and_texts_nobody(
    plan: list[Probe], breakage: Breakage, shape: Shape
) -> None:
    report, seen = _safe_run(plan, breakage, shape)
    assert seen == [], "a probe reached a verification that exists"
    caught = [key for _target, key in report.failures()] + list(report.response_failures)
    assert caught, f"{breakage.name} behind {shape.name}"
    if breakage.place is not None:
        assert any(f":{breakage.place}:" in key for key in caught), (breakage.place, caught)


@pytest.mark.parametrize("breakage", HIDDEN, ids=[b.name for b in HIDDEN])
def test_a_member_never_refused_is_not_judged_in_a_safe_run_and_the_run_says_why(
    plan: list[Probe], breakage: Breakage
) -> None:
    report, seen = _safe_run(plan, breakage)
    assert seen == []
    words = report.lookup_order["vendor-like"]
    for member in never_refused(FRAGMENT, breakage):
        assert f"{member}" in words.split("not seen for: ")[1], words
        assert "--sms-budget 1" in words, words
        mine = [o for o in report.outcomes if o.probe.check.where == member]
        assert mine, member
        for outcome in mine:
            assert outcome.reason is NoVerdict.LOOKUP_ORDER_UNSEEN, (outcome.status, outcome.why)
            assert member in outcome.why, outcome.why


def test_every_shape_serves_some_defect() -> None:
    assert {shape.name for _b, shape in SERVED} == {shape.name for shape in SHAPES}


def run_suite(url: str, reports: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The plan's and Schemathesis' tests against `url`, as a team's CI would run them."""
    environment = {
        **os.environ,
        "DYNAMIC_API_TOKEN": TOKEN,
        "HYPOTHESIS_PROFILE": "dev",
        "DYNAMIC_CONTRACT_REPORTS": str(reports),
    }
    return subprocess.run(  # noqa: S603 - our own suite, fixed arguments
        [*SUITE, "--base-url", url, "--rate", "100000/min", *args],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_schemathesis_runs_in_a_budgeted_run_within_the_budget_and_only_invalid(
    tmp_path: Path,
) -> None:
    """Against a real server Schemathesis sends only cases the checker finds invalid, after
    the plan, inside the same 60 requests; none names a verification that may exist."""
    from .test_contract_budget import _names_no_stored_resource, _Recorder, _refused_by_the_rules

    recorder = _Recorder()
    with serve_app(recorder) as url:
        result = run_suite(url, tmp_path, "--max-requests", "60")
    assert result.returncode == 0, result.stdout[-3000:]
    assert len(recorder.requests) <= 60
    for raw_path, body, _authorized in recorder.requests:
        assert _refused_by_the_rules(raw_path, body) or _names_no_stored_resource(body)
    summary = json.loads((tmp_path / "contract-summary.json").read_text())
    assert summary["meta"]["schemathesis_budgeted"]["sent"] >= 1
