"""A target that never answered judged nothing: its run stops within 3 requests and ends
INCONCLUSIVE, never FAIL; a target that answered and then drops a request is a failure.

Why: against a base URL where nothing listens every planned request was a dropped
connection, and each one counted as a failing check: ~48 FAIL lines about a server that
was never reached. These tests run the plan in process against fake transports (no
socket); through pytest, end to end: tests/test_contract_verdict.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from contract_tests.core.model import Check, Probe, TargetKind
from contract_tests.core.settings import EXIT_INCONCLUSIVE
from contract_tests.core.spec import fragment
from contract_tests.judge.statuses import Answer
from contract_tests.plan.planner import build_plan
from contract_tests.report.verdict import count, decide
from contract_tests.run.pacing import Budget
from contract_tests.run.progress import Progress
from contract_tests.run.results import Outcome, RunReport
from contract_tests.run.runner import UNREACHABLE_AFTER, run_plan, unreachable
from contract_tests.run.targets import Target

FRAGMENT = fragment()
PLAN = build_plan(FRAGMENT, {}, seed=23, examples=1)
URL = "http://127.0.0.1:9"
REFUSED = "ConnectError: [Errno 111] Connection refused"
PROBE = Probe(Check("operation", "body.member", "pattern", "a node", "reject"), {}, {}, {}, {}, 0)


def _dropped(target: str = "base-url", detail: str = REFUSED) -> Outcome:
    return Outcome(
        PROBE, target, None, "server-error", "refused", f"dropped the request ({detail})"
    )


def _answered(target: str = "base-url") -> Outcome:
    answer = Answer.parse(400, "application/json", b'{"error": "refused"}')
    return Outcome(PROBE, target, 400, "refused", "refused", answer=answer)


def _report(*outcomes: Outcome) -> RunReport:
    return RunReport(
        outcomes=list(outcomes), kinds={"base-url": TargetKind.BASE_URL, "prism": TargetKind.PRISM}
    )


def test_the_first_requests_all_unanswered_make_the_target_unreachable() -> None:
    assert UNREACHABLE_AFTER == 3
    assert unreachable(_report(_dropped(), _dropped()), "base-url", URL) is None
    reason = unreachable(_report(_dropped(), _dropped(), _dropped()), "base-url", URL)
    assert reason == (
        f"the server is unreachable: the first 3 requests to {URL} got no answer ({REFUSED}); "
        "check --base-url"
    )
    # different errors are all named; a target the suite started is asked whether it runs
    mixed = _report(_dropped("prism"), _dropped("prism", "ConnectTimeout: timed out"))
    mixed.outcomes.append(_dropped("prism"))
    reason = unreachable(mixed, "prism")
    assert reason is not None
    assert (
        f"requests got no answer ({REFUSED}, ConnectTimeout: timed out); is it running?" in reason
    )


def test_a_target_that_answered_once_is_never_unreachable() -> None:
    for outcomes in (
        [_answered(), _dropped(), _dropped(), _dropped()],
        [_dropped(), _dropped(), _answered(), _dropped()],
    ):
        assert unreachable(_report(*outcomes), "base-url", URL) is None
    # only the target's own answers count
    other = _report(_answered("prism"), _dropped(), _dropped(), _dropped())
    assert unreachable(other, "base-url", URL) is not None
    assert unreachable(other, "prism") is None


def _target(handle: Callable[[httpx.Request], httpx.Response]) -> Target:
    client = httpx.Client(transport=httpx.MockTransport(handle), base_url=URL)
    return Target("base-url", client, "", "token", {}, TargetKind.BASE_URL, URL)


def _run_with_progress(
    handle: Callable[[httpx.Request], httpx.Response], budget: Budget, **options: Any
) -> tuple[RunReport, list[str]]:
    """The plan against a fake transport: the report, and every line the run wrote."""
    written: list[str] = []
    progress = Progress(written.append, "base-url", (budget.max_requests or 0) - budget.reserved)
    report = run_plan(
        _target(handle), FRAGMENT, PLAN, budget, report=RunReport(), progress=progress, **options
    )
    return report, written


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectError("[Errno -2] Name or service not known"),
        httpx.ConnectTimeout("timed out"),
    ],
    ids=["refused", "dns", "connect-timeout"],
)
def test_an_unreachable_target_stops_the_run_inconclusive(error: httpx.TransportError) -> None:
    attempts: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise error

    budget = Budget(max_requests=60, reserved=9)
    # -x: a dropped request of a target never heard is no failure
    report, written = _run_with_progress(handle, budget, max_failures=1)
    assert len(attempts) == budget.sent == UNREACHABLE_AFTER  # and none re-sent
    assert budget.exhausted()  # the budgeted Schemathesis cases send nothing either
    assert not report.failures()
    assert not any(line.startswith("FAIL") for line in written), written
    stopped = report.stopped["base-url"]
    assert stopped.startswith("not sent: the server is unreachable: the first 3 requests")
    assert f"to {URL} got no answer ({type(error).__name__}: {error})" in stopped
    counts = count(report, ["base-url"], PLAN)
    assert counts[0].judged == counts[0].failed == 0
    verdict = decide(counts, 0.5, 0)
    assert (verdict.word, verdict.exit_code) == ("INCONCLUSIVE", EXIT_INCONCLUSIVE)
    assert verdict.reason.endswith(f"base-url: {stopped}")


def test_a_request_dropped_after_an_answer_is_still_a_failure() -> None:
    """The server is there and broke: every dropped request is a server error, re-sent
    once first (a keep-alive connection it closed), and the run goes on."""
    attempts: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        if len(attempts) > 2:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(400, json={"error": "refused"})

    budget = Budget(max_requests=20)
    report = run_plan(_target(handle), FRAGMENT, PLAN, budget, report=RunReport())
    assert budget.sent == 20
    assert len(attempts) > budget.sent  # refusal probes were re-sent once
    assert report.stopped == {}
    dropped = [o for o in report.failures().values() if o.status is None]
    assert dropped
    assert all(o.verdict == "server-error" for o in dropped)
    assert all(o.note.startswith("dropped the request (RemoteProtocolError: ") for o in dropped)


def test_a_request_dropped_before_the_first_answer_is_a_failure_once_it_answers() -> None:
    attempts: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        if len(attempts) == 1:
            raise httpx.ConnectError("[Errno 111] Connection refused")
        return httpx.Response(400, json={"error": "refused"})

    budget = Budget(max_requests=5)
    report, written = _run_with_progress(handle, budget)
    assert len(attempts) == budget.sent == 5  # not re-sent: no connection to have gone stale
    assert report.stopped == {}
    first = report.outcomes[0]
    assert (first.status, first.verdict, first.agreed) == (None, "server-error", False)
    assert ("base-url", first.probe.check.key) in report.failures()
    assert f"FAIL {first.probe.check.key}\n" in written, written
