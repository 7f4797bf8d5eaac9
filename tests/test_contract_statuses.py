"""Statuses mean what they say: the status-to-verdict table of docs/contract.md, end to end.

Why: a 404 for a malformed environmentId is the server refusing it ("environment not
found"), while a 404 for a body probe may only mean "unknown verification", which says
nothing about validation; neither may turn into a false alarm or a false pass.
"""

from __future__ import annotations

import uuid

import httpx

from contract_tests.broken_servers import TOKEN, Breakage, reference_app
from contract_tests.plan import Budget, RunReport, build_plan, run_plan
from contract_tests.strategies import FAMILIES
from contract_tests.targets import Target, serve_asgi

FAMILY_SUBSET = [f for f in FAMILIES if f.field in ("environmentId", "phoneNumber")]


def _run(breakage: Breakage) -> RunReport:
    plan = build_plan(9, 1, families=FAMILY_SUBSET)
    with (
        serve_asgi(reference_app(breakage)) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        target = Target("server", client, "", TOKEN, str(uuid.uuid4()), "mock", url)
        return run_plan(target, plan, Budget())


def _path_404(broken: list[str]) -> int:
    return 404 if any(item.startswith("environmentId:") for item in broken) else 400


def _body_404(broken: list[str]) -> int:
    return 400 if any(item.startswith("environmentId:") for item in broken) else 404


def test_404_for_a_bad_environment_id_is_a_refusal() -> None:
    report = _run(Breakage("path-404", "none", reject_status=_path_404))
    assert report.failures() == {}
    path = [o for o in report.outcomes if o.probe.check.field == "environmentId"]
    rejects = [o for o in path if o.probe.check.side == "reject"]
    assert rejects
    assert all(o.status == 404 for o in rejects)
    assert all(o.verdict == "refused" for o in rejects)


def test_404_for_a_body_probe_is_no_verdict_and_no_failure() -> None:
    report = _run(Breakage("body-404", "none", reject_status=_body_404))
    assert report.failures() == {}
    body_rejects = [
        o
        for o in report.outcomes
        if o.probe.check.field not in ("environmentId", "auth") and o.probe.check.side == "reject"
    ]
    assert body_rejects
    assert {o.status for o in body_rejects} == {404}
    assert {o.verdict for o in body_rejects} == {"no-verdict"}
    path_rejects = [
        o
        for o in report.outcomes
        if o.probe.check.field == "environmentId" and o.probe.check.side == "reject"
    ]
    assert {o.verdict for o in path_rejects} == {"refused"}


def test_404_does_not_hide_a_server_that_accepts_a_bad_body() -> None:
    """A 404 is no verdict, but a 200 to a broken body still is one (and fails)."""
    report = _run(Breakage("body-200", "none", verdict=lambda _env, _body: []))
    failed = {key for (_target, key) in report.failures()}
    assert "phoneNumber:pattern:leading-space:reject" in failed
