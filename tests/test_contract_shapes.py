"""A correct server is never failed, whatever shape the vendor's real service has.

Each server of `broken_servers.SHAPES` keeps every documented rule but answers what the
fragment leaves open in its own way: a router's 404 without the assumed `code`, an HTML
front (CDN/WAF), validate-then-404, validate-then-422 with the vendor's miss code, the
lookup before the body is validated, 403 for a missing token, the body parsed (400 for one
that is not an object) then the lookup then the members, the lookup key checked then the
lookup then the rest. The full local plan and the
remote defaults (60 requests, no SMS budget) must end PASS or INCONCLUSIVE with a reason
that says what to do, never FAIL; the whole installed-style suite too (exit 0 or 6).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests.core.model import Probe, TargetKind
from contract_tests.core.settings import EXIT_INCONCLUSIVE, REMOTE_MAX_REQUESTS
from contract_tests.core.spec import fragment
from contract_tests.judge.statuses import NoVerdict
from contract_tests.plan.mutants import operation_mutants
from contract_tests.plan.planner import build_plan
from contract_tests.report.summary import node_coverage
from contract_tests.report.verdict import count, decide
from contract_tests.run.pacing import Budget
from contract_tests.run.results import Outcome, RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from dynamic_sdk_runtime.fragment import Place
from tests.support.broken_servers import SHAPES, TOKEN, Shape, reference_app

from .test_contract_safe_runs import ON_FILE, run_suite

FRAGMENT = fragment()


@pytest.fixture(scope="module")
def plan() -> list[Probe]:
    return build_plan(FRAGMENT, {}, seed=17, examples=1)


def _run(
    shape: Shape, plan: list[Probe], budget: Budget, *, misses_as_router: bool = False
) -> tuple[RunReport, list[object]]:
    seen: list[object] = []
    app = reference_app(FRAGMENT, on_file=ON_FILE, seen=seen, shape=shape)
    served = _router_answers_misses(app, shape) if misses_as_router else app
    with serve_app(served) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("vendor", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
        report = run_plan(target, FRAGMENT, plan, budget, report=RunReport())
    return report, seen


def _router_answers_misses(app: Any, shape: Shape) -> Any:
    """`app` whose every 404 carries the shape's router answer: the lookup miss then lacks the
    `code` the fragment assumes for NotFound (the router shape alone never shows it to the
    plan, which sends no request to a path no operation takes)."""

    async def served(scope: Any, receive: Any, send: Any) -> None:
        status: list[int] = []

        async def answer(message: Any) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                if message["status"] != 404:
                    await send(message)
                return
            if status[0] != 404:
                await send(message)
                return
            body = json.dumps(shape.router_answer).encode()
            start = {"type": "http.response.start", "status": 404}
            await send({**start, "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, answer)

    return served


def _in_body(outcome: Outcome) -> bool:
    """The outcome's probe changed the body (its JSON shape or a member)."""
    return Place.split(outcome.probe.check.where)[0] == "body"


def _body_member(outcome: Outcome) -> bool:
    """The outcome's probe changed one member of the body."""
    location, names = Place.split(outcome.probe.check.where)
    return location == "body" and bool(names)


MODES = {
    "full-local-plan": lambda: Budget(),
    "remote-defaults-safe": lambda: Budget(max_requests=REMOTE_MAX_REQUESTS, valid_requests=0),
}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_a_correct_server_in_every_shape_is_never_failed(
    plan: list[Probe], shape: Shape, mode: str
) -> None:
    report, seen = _run(shape, plan, MODES[mode]())
    assert report.failures() == {}, sorted(k for _t, k in report.failures())[:5]
    assert report.response_failures == {}
    if mode.endswith("safe"):
        assert seen == [], "a safe run named a verification on file"
    verdict = decide(count(report, ["vendor"], plan), 0.5, 0)
    assert verdict.word in ("PASS", "INCONCLUSIVE"), verdict.line()
    if verdict.word == "INCONCLUSIVE":
        assert "lookup" in verdict.reason, verdict.line()
        assert "--sms-budget 1" in verdict.reason, verdict.line()


def test_what_the_fragment_only_assumes_is_a_finding_with_an_edit(plan: list[Probe]) -> None:
    """A lookup miss answered in the router's shape lacks the `code` the fragment assumes for
    NotFound: a finding that names what the server showed and the edit, never a failure."""
    router = SHAPES[0]
    assert "code" not in router.router_answer
    report, _seen = _run(router, plan, Budget(), misses_as_router=True)
    assert report.failures() == {}
    assert report.response_failures == {}
    assert report.findings, "the miss without `code` was not reported"
    for problem, (edit, curl) in report.findings.items():
        assert problem.startswith("vendor: "), problem
        assert "breaks NotFound ['code:required']; the fragment assumes NotFound" in problem
        assert edit == "make `code` optional in NotFound", (problem, edit)
        assert curl.startswith("curl "), curl


def test_the_422_miss_is_learned_and_judges_the_body(plan: list[Probe]) -> None:
    report, _seen = _run(SHAPES[3], plan, Budget(valid_requests=0))
    accepted_422 = [o for o in report.outcomes if o.status == 422 and o.verdict == "accepted"]
    assert any(_in_body(o) for o in accepted_422)
    assert "validates, then looks up" in report.lookup_order["vendor"]


def test_lookup_first_leaves_the_body_unjudged_and_says_why(plan: list[Probe]) -> None:
    report, _seen = _run(SHAPES[4], plan, Budget(valid_requests=0))
    body_404 = [o for o in report.outcomes if o.status == 404 and _in_body(o)]
    assert body_404
    assert all(o.verdict == "no-verdict" for o in body_404)
    assert all(o.reason is NoVerdict.LOOKUP_ORDER_UNSEEN for o in body_404)
    assert all("validated before the lookup" in o.why for o in body_404)  # the words shown


def _shape(name: str) -> Shape:
    return next(shape for shape in SHAPES if shape.name == name)


def test_the_body_s_json_shape_is_no_evidence_about_its_members(plan: list[Probe]) -> None:
    """Parse the body (400 for one that is not an object), look up, then the members: the
    body's own checks are judged, every member's lookup miss is not, naming the member."""
    report, _seen = _run(_shape("parse-then-lookup"), plan, Budget(valid_requests=0))
    whole = [o for o in report.outcomes if o.probe.check.where == "body" and o.status == 400]
    assert whole
    assert all(o.verdict == "refused" for o in whole)
    members = [
        o
        for o in report.outcomes
        if _in_body(o) and o.probe.check.where != "body" and o.status == 404
    ]
    assert members
    for outcome in members:
        assert outcome.reason is NoVerdict.LOOKUP_ORDER_UNSEEN, (outcome.verdict, outcome.why)
        assert outcome.probe.check.where in outcome.why, outcome.why
    words = report.lookup_order["vendor"]
    assert "seen for: body, path." in words, words
    assert "body.phoneNumber" in words.split("not seen for: ")[1], words


def test_the_lookup_key_checked_first_is_judged_and_the_rest_is_not(plan: list[Probe]) -> None:
    """Check the lookup key, look up, then the rest: the key's checks judged, never a
    failure; the members checked after the lookup not judged."""
    shape = _shape("lookup-key-then-lookup")
    report, _seen = _run(shape, plan, Budget(valid_requests=0))
    assert report.failures() == {}
    lookup = FRAGMENT.operation(plan[0].check.operation).lookup_field
    key = f"body.{lookup}"
    judged = report.judged_keys("vendor")
    assert any(f":{key}:" in k and k.endswith(":accept") for k in judged)
    assert any(f":{key}:" in k and k.endswith(":reject") for k in judged)
    after = [
        o
        for o in report.outcomes
        if not shape.validated_before_lookup(o.probe.check.where, lookup)
        and o.probe.check.where != "auth"
    ]
    assert after
    assert all(o.reason is NoVerdict.LOOKUP_ORDER_UNSEEN for o in after if o.status == 404)
    assert not any(f":{o.probe.check.where}:" in k for o in after for k in judged)


def test_intermediary_answers_are_counted_never_judged(plan: list[Probe]) -> None:
    report, _seen = _run(SHAPES[1], plan, Budget())
    front = [o for o in report.outcomes if o.reason is NoVerdict.INTERMEDIARY]
    assert any("text/html" in o.why for o in front)
    assert all(o.verdict == "no-verdict" for o in front)


IN_CI = ("html-front",)
"""Whole-suite runs in the README's tier: a front that answers for the operation, and a
shape the run stays INCONCLUSIVE on; every shape runs in process above, and the whole
suite for the rest runs in `nox -s slow` (CI's 15 minutes)."""


@pytest.mark.parametrize(
    "shape",
    [pytest.param(s, marks=() if s.name in IN_CI else pytest.mark.slow) for s in SHAPES],
    ids=[s.name for s in SHAPES],
)
def test_the_whole_suite_with_remote_defaults_never_fails_a_correct_server(
    shape: Shape, tmp_path: Path
) -> None:
    app = reference_app(FRAGMENT, on_file=ON_FILE, shape=shape)
    with serve_app(app) as url:
        result = run_suite(url, tmp_path, "--hypothesis-seed", "7")
    last = result.stdout.strip().splitlines()[-1]
    assert result.returncode in (0, EXIT_INCONCLUSIVE), result.stdout[-4000:]
    assert last.startswith("verdict: "), last


def test_the_node_table_and_the_mutation_score_tell_one_story(plan: list[Probe]) -> None:
    """A mutant witness that turns on a pattern node (alone, or with a length broken too)
    exercises that node: once judged, the node table says so, never "no witness derived"."""
    report, _seen = _run(SHAPES[2], plan, Budget())
    table = node_coverage(report, plan, "vendor")
    rows = {(r["where"], r["node"]): r for r in table if "node" in r}
    node_of = {
        m.target: m.node
        for operation in FRAGMENT.operations
        for m in operation_mutants(operation)
        if m.node is not None
    }
    witnesses = [o for o in report.outcomes if o.judged and o.probe.check.reason in node_of]
    assert any(o.probe.check.rule != "pattern" for o in witnesses), "no compound witness"
    for outcome in witnesses:
        check = outcome.probe.check
        row = rows[(check.where, node_of[check.reason])]
        assert row[check.side] == "exercised", (check.key, check.reason, row)
