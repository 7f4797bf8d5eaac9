"""Statuses mean what they say: the status-to-verdict table of docs/contract.md, end to end.

Why: a 404 for a malformed path parameter is the server refusing it ("environment not
found"), while a 404 for a body probe may only mean "unknown verification", which says
nothing about validation; neither may turn into a false alarm or a false pass.
"""

from __future__ import annotations

import httpx

from contract_tests.core.model import Side, TargetKind, changes_the_route
from contract_tests.core.spec import fragment
from contract_tests.judge.statuses import (
    Answer,
    Asked,
    Judgement,
    NoVerdict,
    ServerProfile,
    broken_members,
    judge,
)
from contract_tests.plan.planner import build_plan
from contract_tests.run.pacing import Budget
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from dynamic_sdk_runtime.exceptions import ValidationError
from tests.support.broken_servers import TOKEN, Breakage, reference_app

FRAGMENT = fragment()


def _run(breakage: Breakage) -> RunReport:
    plan = [p for p in build_plan(FRAGMENT, {}, seed=9, examples=1) if p.tier <= 1]
    with (
        serve_app(reference_app(FRAGMENT, breakage)) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        target = Target("server", client, "", TOKEN, {}, TargetKind.MOCK, url)
        return run_plan(target, FRAGMENT, plan, Budget(), report=RunReport())


def _path_404(broken: list[str]) -> int:
    return 404 if any(item.startswith("path.") for item in broken) else 400


def _body_404(broken: list[str]) -> int:
    return 400 if any(item.startswith("path.") for item in broken) else 404


def _is_path(where: str) -> bool:
    return where.startswith("path.")


def test_404_for_a_bad_path_parameter_is_a_refusal() -> None:
    report = _run(Breakage("path-404", "none", reject_status=_path_404))
    assert report.failures() == {}
    rejects = [
        o
        for o in report.outcomes
        if _is_path(o.probe.check.where)
        and o.probe.check.side == "reject"
        and not changes_the_route(o.probe.path)
    ]
    assert rejects
    assert all(o.status == 404 for o in rejects)
    assert all(o.verdict == "refused" for o in rejects)


def test_404_for_a_body_probe_is_no_verdict_and_no_failure() -> None:
    report = _run(Breakage("body-404", "none", reject_status=_body_404))
    assert report.failures() == {}
    body_rejects = [
        o
        for o in report.outcomes
        if o.probe.check.where.startswith("body") and o.probe.check.side == "reject"
    ]
    assert body_rejects
    assert {o.status for o in body_rejects} == {404}
    assert {o.verdict for o in body_rejects} == {"no-verdict"}
    path_rejects = [
        o
        for o in report.outcomes
        if _is_path(o.probe.check.where)
        and o.probe.check.side == "reject"
        and not changes_the_route(o.probe.path)  # the router's 404: no verdict
    ]
    assert {o.verdict for o in path_rejects} == {"refused"}


def test_404_does_not_hide_a_server_that_accepts_a_bad_body() -> None:
    """A 404 is no verdict, but a success to a broken body still is one (and fails)."""
    report = _run(Breakage("accepts-everything", "none", validates=False))
    failed = {key for (_target, key) in report.failures()}
    body_rejects = {
        o.probe.check.key
        for o in report.outcomes
        if o.probe.check.where.startswith("body.") and o.probe.check.side == "reject"
    }
    assert body_rejects
    assert body_rejects <= failed


def test_the_lookup_order_is_learned_per_member_never_from_another() -> None:
    """A 400 at one member (or at the body's JSON shape) is no evidence about another: a
    server may check the lookup key, look up, then validate the rest."""
    operation = FRAGMENT.operations[0]
    lookup = f"body.{operation.lookup_field}"
    other = next(p.where for p in operation.places() if p.location == "body" and p.where != lookup)
    miss = Answer.parse(404, "application/json", b'{"error": "not found", "code": "not_found"}')
    refused = Answer.parse(400, "application/json", b'{"error": "bad"}')
    profile = ServerProfile()
    profile.learn(operation, Asked("body", "accept", members=(lookup,)), miss)
    profile.learn(operation, Asked("body", "reject", members=("body",)), refused)
    profile.learn(operation, Asked("body", "reject", members=(lookup,)), refused)
    profile.learn(operation, Asked("body", "reject", members=(other, lookup)), refused)

    def verdict(member: str, side: Side) -> Judgement:
        asked = Asked("body", side, members=(member,))
        return judge(TargetKind.BASE_URL, operation, asked, miss, profile)

    assert verdict(lookup, "reject").verdict == "accepted"  # it took an invalid key: a failure
    assert verdict(lookup, "accept").verdict == "accepted"
    for side in ("accept", "reject"):
        unseen = verdict(other, side)
        assert unseen.reason is NoVerdict.LOOKUP_ORDER_UNSEEN
        assert other in unseen.why
    words = profile.describe(operation)
    assert f"seen for: body, {lookup}" in words, words
    assert other in words.split("not seen for: ")[1], words
    assert "--sms-budget 1" in words, words


def test_broken_members_names_each_member_and_the_body_itself() -> None:
    operation = FRAGMENT.operations[0]
    path = next(p for p in operation.places() if p.location == "path")
    member = next(p for p in operation.places() if p.location == "body")
    broken = [
        ValidationError(path.name, "pattern", "x"),
        ValidationError(member.name, "type", "x"),
        ValidationError(member.name, "maxLength", "x"),
        ValidationError("body", "object", "x"),
    ]
    assert broken_members(operation, broken) == (path.where, member.where, "body")
