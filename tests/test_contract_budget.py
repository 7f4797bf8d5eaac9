"""The contract plan respects request budgets, rate limits and safe mode, and replays exactly.

Why: against the vendor a run has a few requests per minute, a 429 is "try later", and a
valid request may text a real person. These tests run the plan against the embedded mock
with its per-IP rate limit switched on, and against a recording server.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from contract_tests.core.model import Probe, TargetKind
from contract_tests.core.spec import fragment
from contract_tests.plan.mutants import Kind
from contract_tests.plan.planner import build_plan
from contract_tests.run.pacing import Budget, plan_requests
from contract_tests.run.replay import load_replay, write_replay
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import ROOT, Target, detect_prefix
from dynamic_sdk_mock import MockConfig, running_mock, serve_app
from dynamic_sdk_runtime.fragment import NO_BODY, RawRequest
from tests.support.broken_servers import TOKEN, Breakage, breakages, reference_app

MOCK_TOKEN = "budget-test-token"
FRAGMENT = fragment()


def _plan(seed: int, examples: int) -> list[Probe]:
    return build_plan(FRAGMENT, {}, seed=seed, examples=examples)


@pytest.fixture(scope="module")
def small_plan() -> list[Probe]:
    """One place's derived probes plus every explicit (tier 1) probe, each a request of its
    own (the pacing tests count requests: no composed probe covering others, no repeat
    reusing an answer)."""
    plan = _plan(7, 1)
    place = next(p.check.where for p in plan if p.check.rule == "maxLength")
    chosen: dict[str, Probe] = {}
    for probe in plan:
        if (probe.check.where == place or probe.tier == 1) and not probe.members:
            chosen.setdefault(probe.request_key, probe)
    return list(chosen.values())


def _run(target: Target, plan: list[Probe], budget: Budget) -> RunReport:
    return run_plan(target, FRAGMENT, plan, budget, report=RunReport())


def _mock_target(config: MockConfig) -> Iterator[Target]:
    with (
        running_mock(config) as mock,
        httpx.Client(base_url=str(mock.url).rstrip("/"), timeout=10) as client,
    ):
        prefix = detect_prefix(client, MOCK_TOKEN, FRAGMENT)
        yield Target("mock", client, prefix, MOCK_TOKEN, {}, TargetKind.MOCK)


def _broken(kind: Kind) -> Breakage:
    """The model's mutant server of one kind (`breakages` serves one of each)."""
    return next(b for b in breakages(FRAGMENT) if b.mutant is not None and b.mutant.kind is kind)


@pytest.fixture
def limited_mock() -> Iterator[Target]:
    """The mock in lenient mode with 10 requests per client IP per second."""
    config = MockConfig(token=MOCK_TOKEN, lenient=True, rate_limit=10, rate_window_seconds=1.0)
    yield from _mock_target(config)


def test_429_waits_and_resends_the_same_probe(
    limited_mock: Target, small_plan: list[Probe]
) -> None:
    # 40 probes: past the limit of 10 a second, then at the pace the 429 taught
    probes = small_plan[:40]
    budget = Budget()
    report = _run(limited_mock, probes, budget)
    assert budget.rate_limited > 0, "the mock's rate limit never triggered"
    assert budget.waited_seconds > 0
    assert all(outcome.judged for outcome in report.outcomes), "a 429 became a verdict"
    assert all(outcome.status != 429 for outcome in report.outcomes)
    assert report.failures() == {}
    assert len(report.outcomes) == len(probes)


def test_a_rate_below_the_limit_never_meets_a_429(
    limited_mock: Target, small_plan: list[Probe]
) -> None:
    budget = Budget(rate_per_minute=8 * 60)  # 8/s under a limit of 10/s
    report = _run(limited_mock, small_plan[:24], budget)
    assert budget.rate_limited == 0
    assert budget.sent == 24
    assert report.failures() == {}


def test_retry_after_is_bounded_and_persistent_429_is_not_judged(small_plan: list[Probe]) -> None:
    waits: list[float] = []
    # two requests per 600 s: the route detection and the first probe
    config = MockConfig(token=MOCK_TOKEN, lenient=True, rate_limit=2, rate_window_seconds=600)
    for target in _mock_target(config):
        budget = Budget(max_wait_seconds=0.05, max_rate_limited_retries=2, sleep=waits.append)
        report = _run(target, small_plan[:3], budget)
    assert waits
    assert max(waits) <= 0.05, "Retry-After (600 s) was not capped"
    first, *rest = report.outcomes
    assert first.judged
    assert rest
    assert all(o.verdict == "no-verdict" and o.note == "rate limited" for o in rest)
    assert report.failures() == {}, "rate limiting must never fail a check"
    assert budget.sent == 1 + 2 * 3  # each probe: one send plus two re-sends


def test_max_requests_spends_the_budget_on_every_boundary_first() -> None:
    plan = _plan(11, 3)
    boundary_probes = [probe for probe in plan if probe.tier == 0]
    boundaries = {
        (p.check.where, p.check.rule, p.check.node, p.check.side) for p in boundary_probes
    }
    app = reference_app(FRAGMENT)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("server", client, "", TOKEN, {}, TargetKind.MOCK, url)
        budget = Budget(max_requests=len(boundary_probes) + 5)
        report = _run(target, plan, budget)
    assert budget.sent == len(boundary_probes) + 5
    judged = {
        (o.probe.check.where, o.probe.check.rule, o.probe.check.node, o.probe.check.side)
        for o in report.outcomes
    }
    assert boundaries <= judged
    assert {p.check.key for p in plan} == {o.probe.check.key for o in report.outcomes}
    assert budget.sent < len(plan)
    # the composed probe judged the accept side of several places with one request
    assert len(report.outcomes) > budget.sent
    assert set(report.not_sent_reason.values()) == {"budget spent"}


def test_safe_mode_sends_nothing_a_server_could_act_on() -> None:
    """No SMS budget: only refusable requests, or valid ones naming no stored resource."""
    plan = _plan(3, 1)
    app = reference_app(FRAGMENT)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("server", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
        report = _run(target, plan, Budget(valid_requests=0))
    sent = [outcome.probe for outcome in report.outcomes]
    assert sent
    for probe in sent:
        operation = FRAGMENT.operation(probe.check.operation)
        assert probe.check.side == "reject" or operation.lookup_field is not None, probe
    acting = {
        p.check.key
        for p in plan
        if p.check.side == "accept" and FRAGMENT.operation(p.check.operation).lookup_field is None
    }
    not_sent = {p.check.key for p in plan} - {p.check.key for p in sent}
    assert not_sent == acting
    # Each unsent probe has a reason, and it is not the budget's: safe mode held them back.
    assert {key for (_target, key) in report.not_sent_reason} >= not_sent
    assert "budget spent" not in report.not_sent_reason.values()


def test_the_seed_reproduces_the_plan_and_a_replay_resends_exactly_the_failures(
    tmp_path: Path,
) -> None:
    assert _plan(5, 2) == _plan(5, 2)
    assert _plan(5, 2) != _plan(6, 2)
    app = reference_app(FRAGMENT, _broken(Kind.TRIMMED))
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("server", client, "", TOKEN, {}, TargetKind.MOCK, url)
        first = _run(target, _plan(5, 2), Budget())
        replay = tmp_path / "replay.json"
        entries = write_replay(replay, first, seed=5)
        again = _run(target, load_replay(replay), Budget())
    assert entries
    assert TOKEN not in replay.read_text()
    assert json.loads(replay.read_text())["token"] == "$DYNAMIC_API_TOKEN"
    assert len(again.outcomes) == len(entries)
    assert all(outcome.agreed is False for outcome in again.outcomes)
    assert set(again.failures()) == set(first.failures())


class _Recorder:
    """ASGI wrapper remembering every request body the reference server received."""

    def __init__(self, breakage: Breakage | None = None) -> None:
        self.app = reference_app(FRAGMENT, breakage)
        self.requests: list[tuple[str, bytes, bool]] = []
        """(raw path, body, whether the right bearer token came along)"""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def replay() -> dict[str, object]:
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = dict(scope["headers"])
        authorized = headers.get(b"authorization") == f"Bearer {TOKEN}".encode()
        self.requests.append((str(scope["path"]), b"".join(chunks), authorized))
        await self.app(scope, replay, send)


def test_base_url_run_is_safe_budgeted_and_judges_every_check(tmp_path: Path) -> None:
    """End to end through pytest: --base-url sends no request a correct server must accept."""
    recorder = _Recorder()
    with serve_app(recorder) as url:
        env = {**os.environ, "DYNAMIC_API_TOKEN": TOKEN, "HYPOTHESIS_PROFILE": "dev"}
        env["DYNAMIC_CONTRACT_REPORTS"] = str(tmp_path / "reports")
        result = subprocess.run(  # noqa: S603 - fixed argv
            [
                *(sys.executable, "-m", "pytest", "contract_tests/test_constraints.py", "-q"),
                *("-p", "no:cacheprovider", "--base-url", url, "--max-requests", "60"),
                *("--rate", "100000/min", "--hypothesis-seed", "42"),
                f"--junitxml={tmp_path / 'junit.xml'}",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stdout[-3000:]
    # the plan leaves Schemathesis' share of the 60 (this run selects only the plan)
    assert len(recorder.requests) == plan_requests(60)
    for raw_path, body, authorized in recorder.requests:
        harmless = _refused_by_the_rules(raw_path, body) or _names_no_stored_resource(body)
        assert not authorized or harmless, (raw_path, body)
    # 60 requests judge every check: one probe of each first (the not-judged reasons
    # themselves are covered in process)
    assert "checks in scope (100%)" in result.stdout
    assert TOKEN not in result.stdout
    assert TOKEN not in (tmp_path / "junit.xml").read_text()
    assert TOKEN not in (tmp_path / "reports" / "contract-summary.md").read_text()


def _refused_by_the_rules(raw_path: str, body: bytes) -> bool:
    """The checker refuses a recorded request (path values decoded from the raw path)."""
    for operation in FRAGMENT.operations:
        segments = raw_path.strip("/").split("/")
        if len(segments) != len(operation.segments):
            continue
        values = {
            template[1:-1]: unquote(segment)
            for template, segment in zip(operation.segments, segments, strict=True)
            if template.startswith("{")
        }
        data = json.loads(body) if body else None
        return bool(operation.violations(RawRequest(values, body=data if body else NO_BODY)))
    return True  # no operation's route: the server answers 404, a refusal


def _names_no_stored_resource(body: bytes) -> bool:
    """A valid request whose lookup member names none of the fragment's example resources."""
    data = json.loads(body) if body else None
    for operation in FRAGMENT.operations:
        name = operation.lookup_field
        if name is None or not isinstance(data, dict) or name not in data:
            continue
        shown = [operation.body_example, *(r.example for r in operation.responses)]
        examples = {e.get(name) for e in shown if isinstance(e, dict)}
        return data[name] not in examples
    return False


def test_replay_through_pytest_resends_exactly_the_file(tmp_path: Path) -> None:
    """`--replay FILE` sends the file's requests and nothing else, and fails on them again."""
    broken = _broken(Kind.TRIMMED)
    recorder = _Recorder(broken)
    with serve_app(recorder) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("server", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
        first = _run(target, _plan(13, 1), Budget())
        replay = tmp_path / "replay.json"
        entries = write_replay(replay, first, seed=13)
        recorder.requests.clear()
        result = subprocess.run(  # noqa: S603 - fixed argv
            [
                *(sys.executable, "-m", "pytest", "contract_tests/test_constraints.py", "-q"),
                *("-p", "no:cacheprovider", "--base-url", url, "--replay", str(replay)),
                *("--rate=100000/min", "--max-requests=100000"),
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DYNAMIC_API_TOKEN": TOKEN,
                "DYNAMIC_CONTRACT_REPORTS": str(tmp_path / "reports"),
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert entries
    assert result.returncode == 1, result.stdout[-3000:]
    sent = [json.loads(body) if body else None for _path, body, _auth in recorder.requests]
    assert sent == [entry.get("body") for entry in entries]
    for key in {entry["check"]["operation"] for entry in entries}:
        assert key in result.stdout


def test_a_target_never_shows_its_token() -> None:
    with httpx.Client() as client:
        target = Target("t", client, "", "s3cret-token-value", {})
        assert "s3cret-token-value" not in repr(target)


def test_a_refused_composed_probe_is_split_into_its_members() -> None:
    """The first request (the composed accept probe) is refused: each member is then sent
    on its own and judged by its own answer, so a refusal never hides which place failed."""
    plan = _plan(11, 1)
    composed = next(p for p in plan if p.members)
    inner = reference_app(FRAGMENT)
    answered: list[str] = []

    async def refuse_first(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not answered:
            answered.append(scope["path"])
            body = b'{"error":"refused once"}'
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 400, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await inner(scope, receive, send)

    with serve_app(refuse_first) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("server", client, "", TOKEN, {}, TargetKind.MOCK, url)
        report = _run(target, plan, Budget())
    members = {id(member) for member in composed.members}
    judged = [o for o in report.outcomes if id(o.probe) in members]
    assert len(judged) == len(composed.members)
    assert all(o.note != "composed" and o.verdict == "accepted" for o in judged)
    assert report.failures() == {}


def test_an_answer_is_reused_only_for_the_same_request_of_the_same_operation() -> None:
    """Two operations may share path values and a body: their requests differ on the wire."""
    probe = next(p for p in _plan(5, 0) if not p.members)
    same = Probe.of(probe.check, probe.request, tier=7)
    other = Probe.of(dataclasses.replace(probe.check, operation="anotherOperation"), probe.request)
    assert same.request_key == probe.request_key
    assert other.request_key != probe.request_key
