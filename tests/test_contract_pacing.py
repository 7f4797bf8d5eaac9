"""The run keeps the vendor's pace, learns a slower one from a 429, and says when it ends.

Why: the vendor allows this operation 3 requests per minute per IP; a run that meets 429s
judges less, and a log that stays silent for minutes, or promises the end too early, looks
hung. These tests run the plan against a fake server limited like the vendor, on a fake
clock (no test waits in real time, except one short loopback run), and read the status
lines the run writes.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest

from contract_tests.conftest import _budget
from contract_tests.core.model import TargetKind
from contract_tests.core.settings import REMOTE_RATE
from contract_tests.core.spec import fragment
from contract_tests.plan.planner import build_plan
from contract_tests.plugin import OPTIONS
from contract_tests.report.recorder import Recorder
from contract_tests.run.pacing import Budget, StatedLimit, stated_limit
from contract_tests.run.progress import LINE_EVERY, Progress
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import ROOT, Target, detect_prefix
from dynamic_sdk_mock import MockConfig, running_mock, serve_app
from tests.support.broken_servers import TOKEN, reference_app

FRAGMENT = fragment()
PLAN = build_plan(FRAGMENT, {}, seed=23, examples=1)
VENDOR_QUOTA, VENDOR_WINDOW = 3, 60.0
"""The fake server's limit: the vendor's published one for this operation, per IP (stated
here on its own, so a default above it fails these tests)."""


class FakeTime:
    """A clock that moves only when the run sleeps or a request takes its time."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class LimitedServer:
    """A server that refuses every request (400) and allows `quota` per `window` seconds.

    `sliding`: the requests taken in the last `window` seconds count; else fixed windows
    aligned to the clock (a window may start just before the first request). A refused
    request does not count, so Retry-After says truly when the next one is taken.
    Each answer takes `latency` seconds, alternating long and short (jitter). `style` names
    the rate-limit fields its 429 carries besides Retry-After.
    """

    def __init__(
        self, time_: FakeTime, *, sliding: bool = False, style: str = "retry-after"
    ) -> None:
        self.time = time_
        self.sliding = sliding
        self.style = style
        self.arrivals: list[float] = []
        self.taken: list[float] = []
        self.limited: list[float] = []
        self.latencies = [0.9, 0.1]

    def _window_start(self, now: float) -> float:
        if self.sliding:
            return now - VENDOR_WINDOW
        return math.floor(now / VENDOR_WINDOW) * VENDOR_WINDOW

    def _reset(self, now: float, counted: list[float]) -> float:
        if self.sliding:
            return counted[0] + VENDOR_WINDOW - now
        return self._window_start(now) + VENDOR_WINDOW - now

    def handle(self, request: httpx.Request) -> httpx.Response:
        now = self.time.now
        self.time.now += self.latencies[len(self.arrivals) % 2]
        start = self._window_start(now)
        counted = [t for t in self.taken if t > start or (not self.sliding and t >= start)]
        self.arrivals.append(now)
        if len(counted) < VENDOR_QUOTA:
            self.taken.append(now)
            return httpx.Response(400, json={"error": "refused"})
        self.limited.append(now)
        reset = max(1, math.ceil(self._reset(now, counted)))
        return httpx.Response(429, json={"error": "limited"}, headers=self._fields(reset))

    def _fields(self, reset: int) -> dict[str, str]:
        quota, window = VENDOR_QUOTA, int(VENDOR_WINDOW)
        fields = {"Retry-After": str(reset)}
        if self.style == "ietf-policy":
            fields |= {"RateLimit-Policy": f"{quota};w={window}", "RateLimit-Remaining": "0"}
            fields["RateLimit-Reset"] = str(reset)
        elif self.style == "ietf-limit":
            del fields["Retry-After"]
            fields |= {"RateLimit-Limit": str(quota), "RateLimit-Remaining": "0"}
            fields["RateLimit-Reset"] = str(reset)
        elif self.style == "ietf-structured":
            fields["RateLimit-Policy"] = f'"otp";q={quota};w={window}'
            fields["RateLimit"] = f'"otp";r=0;t={reset}'
        elif self.style == "x-ratelimit":
            del fields["Retry-After"]
            epoch = int(datetime.now(UTC).timestamp()) + reset
            fields |= {"X-RateLimit-Limit": str(quota), "X-RateLimit-Remaining": "0"}
            fields["X-RateLimit-Reset"] = str(epoch)
        return fields

    def target(self) -> Target:
        client = httpx.Client(transport=httpx.MockTransport(self.handle), base_url="http://fake")
        return Target("fake", client, "", TOKEN, {}, TargetKind.BASE_URL, "http://fake")

    def second_429_in_one_window(self) -> bool:
        """Whether two 429s came within one window (the first one taught nothing)."""
        return any(b - a < VENDOR_WINDOW for a, b in itertools.pairwise(self.limited))


class _DefaultOptions:
    """A pytest config whose every plugin option has its default, pointed at a URL."""

    def getoption(self, name: str) -> object:
        if name == "--base-url":
            return "http://fake"
        return next(option.kwargs.get("default") for option in OPTIONS if name in option.names)


def _default_budget(target: Target, time_: FakeTime) -> Budget:
    """The budget the suite builds for a remote target with every option at its default."""
    budget = _budget(cast(pytest.Config, _DefaultOptions()), target)
    budget.clock, budget.sleep = time_.clock, time_.sleep
    return budget


def _lines(time_: FakeTime) -> tuple[list[tuple[float, str]], Callable[[str], None]]:
    """Status lines with the fake time they were written at, and the writer to pass."""
    lines: list[tuple[float, str]] = []
    return lines, lambda text: lines.append((time_.now, text.rstrip("\n")))


def _eta(line: str) -> float:
    found = re.search(r"ETA (\d+) s", line)
    assert found, line
    return float(found.group(1))


def _schemathesis_share(budget: Budget, target: Target) -> None:
    """The budgeted Schemathesis cases after the plan: paced and counted the same way."""
    probe = PLAN[-1]
    operation = FRAGMENT.operation(probe.check.operation)
    while not budget.exhausted():
        budget.pace()
        response = target.send_probe(operation, probe)
        budget.answered(response.status_code, response.headers)


@pytest.mark.parametrize("sliding", [False, True], ids=["fixed-window", "sliding-window"])
def test_the_default_run_keeps_within_the_vendor_limit(sliding: bool) -> None:
    time_ = FakeTime()
    server = LimitedServer(time_, sliding=sliding)
    target = server.target()
    budget = _default_budget(target, time_)
    assert budget.rate_per_minute == REMOTE_RATE <= VENDOR_QUOTA * 60 / VENDOR_WINDOW
    run_plan(target, FRAGMENT, PLAN, budget, report=RunReport())
    _schemathesis_share(budget, target)
    assert budget.max_requests is not None
    assert budget.sent == len(server.arrivals) == budget.max_requests
    assert len(server.limited) <= 1, server.limited
    gaps = [b - a for a, b in itertools.pairwise(server.arrivals)]
    assert min(gaps) >= VENDOR_WINDOW / VENDOR_QUOTA, "jitter put two requests too close"


@pytest.mark.parametrize(
    "style", ["retry-after", "ietf-policy", "ietf-limit", "ietf-structured", "x-ratelimit"]
)
@pytest.mark.parametrize("sliding", [False, True], ids=["fixed-window", "sliding-window"])
def test_a_429_sets_the_pace_so_no_second_one_comes(style: str, sliding: bool) -> None:
    """Sent at 5/min to a 3/min server: the first 429 must come, and teach the pace."""
    time_ = FakeTime()
    server = LimitedServer(time_, sliding=sliding, style=style)
    budget = Budget(max_requests=40, rate_per_minute=5, clock=time_.clock, sleep=time_.sleep)
    report = run_plan(server.target(), FRAGMENT, PLAN, budget, report=RunReport())
    assert server.limited, "the server's limit never triggered"
    assert not server.second_429_in_one_window(), server.limited
    assert len(server.limited) == 1, server.limited
    assert all(outcome.status != 429 for outcome in report.outcomes)
    # slowed to the server's pace, not far below it
    assert VENDOR_WINDOW / VENDOR_QUOTA <= budget.interval <= 2.5 * VENDOR_WINDOW / VENDOR_QUOTA


def test_the_eta_is_the_remaining_requests_at_the_real_pace() -> None:
    """Every line's ETA points at the real end of the run, from the first line on."""
    time_ = FakeTime()
    server = LimitedServer(time_)
    target = server.target()
    budget = _default_budget(target, time_)
    lines, write = _lines(time_)
    planned = budget.planned(len(PLAN), schemathesis=True)
    budget.progress = Progress(write, "fake", planned, clock=time_.clock)
    run_plan(target, FRAGMENT, PLAN, budget, report=RunReport())
    _schemathesis_share(budget, target)
    end = time_.now
    assert budget.sent == planned
    assert not server.limited
    _at, first = lines[0]
    assert first.startswith(f"[contract] fake: 1/{planned} requests sent"), first
    per_request = 60 / REMOTE_RATE
    assert _eta(first) == pytest.approx((planned - 1) * per_request, rel=0.05)
    with_eta = [(t, line) for t, line in lines if "ETA" in line]
    assert len(with_eta) > planned  # counted through the Schemathesis share too
    for at, line in with_eta:  # the mean answer time is learned as the run goes
        assert _eta(line) == pytest.approx(end - at, rel=0.03, abs=3.0), line


def test_after_a_429_the_eta_follows_the_pace_it_set() -> None:
    time_ = FakeTime()
    server = LimitedServer(time_, style="ietf-policy")
    lines, write = _lines(time_)
    budget = Budget(max_requests=40, rate_per_minute=5, clock=time_.clock, sleep=time_.sleep)
    budget.progress = Progress(write, "fake", 40, clock=time_.clock)
    run_plan(server.target(), FRAGMENT, PLAN, budget, report=RunReport())
    end = time_.now
    before = next(line for _t, line in lines if "ETA" in line)
    assert _eta(before) == pytest.approx(39 * 60 / 5, rel=0.1), before
    after = [(t, line) for t, line in lines if " 1 rate-limited" in line and "ETA" in line]
    assert after
    sent = int(after[0][1].split(": ")[1].split("/")[0])
    interval = VENDOR_WINDOW / VENDOR_QUOTA
    assert _eta(after[0][1]) == pytest.approx((40 - sent) * interval, rel=0.1), after[0]
    for at, line in after:
        assert _eta(line) == pytest.approx(end - at, rel=0.03, abs=3.0), line


def test_a_log_gets_a_line_at_least_every_ten_seconds_during_long_waits() -> None:
    """A 3/min pace and a 429's long Retry-After: the longest silence stays within 10 s."""
    time_ = FakeTime()
    server = LimitedServer(time_)
    lines, write = _lines(time_)
    budget = Budget(max_requests=12, rate_per_minute=5, clock=time_.clock, sleep=time_.sleep)
    budget.progress = Progress(write, "fake", 12, clock=time_.clock)
    run_plan(server.target(), FRAGMENT, PLAN, budget, report=RunReport())
    assert server.limited, "no long wait happened"
    assert len(lines) > 12
    times = [t for t, _line in lines]
    silences = [b - a for a, b in itertools.pairwise(times)]
    assert max(silences) <= LINE_EVERY, max(silences)
    assert any("next request in" in line for _t, line in lines)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"Retry-After": "20"}, StatedLimit(reset=20.0)),
        (
            {"RateLimit-Policy": "3;w=60", "RateLimit-Remaining": "0", "RateLimit-Reset": "7"},
            StatedLimit(3.0, 60.0, 0.0, 7.0),
        ),
        (
            {"ratelimit-limit": "10, 10;w=1, 50;w=60", "ratelimit-remaining": "4"},
            StatedLimit(50.0, 60.0, 4.0, None),
        ),
        (
            {"RateLimit-Policy": '"otp";q=3;w=60', "RateLimit": '"otp";r=0;t=12'},
            StatedLimit(3.0, 60.0, 0.0, 12.0),
        ),
        ({"RateLimit": "limit=3, remaining=1, reset=30"}, StatedLimit(3.0, None, 1.0, 30.0)),
        (
            {"X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9"},
            StatedLimit(3.0, None, 0.0, 9.0),
        ),
        (
            {"X-RateLimit-Reset": "1800000042", "Retry-After": "soon"},
            StatedLimit(reset=42.0),
        ),
        ({"RateLimit-Policy": "many;w=x", "RateLimit-Reset": "-1"}, StatedLimit()),
    ],
)
def test_the_rate_limit_fields_are_read(fields: dict[str, str], expected: StatedLimit) -> None:
    now = datetime.fromtimestamp(1_800_000_000, UTC)
    assert stated_limit(fields, now) == expected


def test_an_answer_with_nothing_remaining_holds_the_next_request() -> None:
    """A server that says "0 left, reset in 30 s" on a success is never sent a 429's worth."""
    time_ = FakeTime()
    budget = Budget(clock=time_.clock, sleep=time_.sleep)
    budget.pace()
    budget.answered(400, {"RateLimit-Remaining": "0", "RateLimit-Reset": "30"})
    started = time_.now
    budget.pace()
    assert time_.now - started == pytest.approx(30.0)
    assert budget.rate_limited == 0


def test_at_exactly_a_real_servers_limit_no_429_comes() -> None:
    """A loopback mock limited to 3 per 0.5 s, paced at exactly that rate: the pace counts
    from each answer's end, so scheduling jitter cannot put two requests closer."""
    config = MockConfig(token=TOKEN, lenient=True, rate_limit=3, rate_window_seconds=0.5)
    url = ""
    with running_mock(config) as mock, httpx.Client(base_url=str(mock.url), timeout=10) as client:
        url = str(mock.url)
        prefix = detect_prefix(client, TOKEN, FRAGMENT)
        time.sleep(config.rate_window_seconds)  # the route detection's window passes
        target = Target("mock", client, prefix, TOKEN, {}, TargetKind.MOCK, url)
        budget = Budget(rate_per_minute=3 * 60 / config.rate_window_seconds)
        report = run_plan(target, FRAGMENT, PLAN[:15], budget, report=RunReport())
    assert budget.sent >= 10
    assert budget.rate_limited == 0
    assert report.outcomes


def test_the_documented_remote_rate_is_the_default() -> None:
    """docs/contract.md's option table shows the default the plugin applies."""
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `--rate"))
    assert f"{REMOTE_RATE:g}/min for --base-url/sandbox" in row, row


def test_a_budgeted_schemathesis_case_is_paced_counted_and_re_sent_after_a_429() -> None:
    """The case goes through the target's budget: the same counter and status line, and a
    429 is waited out and re-sent like a probe of the plan, never judged."""
    from contract_tests.conftest import BUDGETS, RECORDER
    from contract_tests.test_schemathesis import SCHEMA, _send_budgeted

    written = Recorder()
    inner = reference_app(FRAGMENT)
    paths: list[str] = []

    async def limited_once(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            paths.append(scope["path"])
            if len(paths) == 1:
                headers = [(b"content-type", b"application/json"), (b"retry-after", b"30")]
                headers.append((b"ratelimit-policy", b"3;w=60"))
                await send({"type": "http.response.start", "status": 429, "headers": headers})
                await send({"type": "http.response.body", "body": b'{"error":"limited"}'})
                return
        await inner(scope, receive, send)

    time_ = FakeTime()
    lines, write = _lines(time_)
    operation = next(result.ok() for result in SCHEMA.get_all_operations())
    case = operation.Case(
        path_parameters={"environmentId": "not-an-environment"},
        body={"unexpected": 1},
        media_type="application/json",
    )
    with serve_app(limited_once) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("server", client, "", TOKEN, {}, TargetKind.BASE_URL, url)
        budget = Budget(max_requests=5, clock=time_.clock, sleep=time_.sleep)
        budget.progress = Progress(write, "server", 5, live=True, clock=time_.clock)
        config = cast(
            pytest.Config,
            SimpleNamespace(
                stash={BUDGETS: {"server": budget}, RECORDER: written},
                getoption=lambda _name: False,
            ),
        )
        _send_budgeted(case, target, config, RunReport())
    assert len(paths) == 2
    assert (budget.sent, budget.rate_limited) == (2, 1)
    assert budget.waited_seconds == pytest.approx(30.0)
    assert budget.interval == pytest.approx(20.0)
    assert "2/5 requests sent, 1 rate-limited" in lines[-1][1]
    assert written.meta.schemathesis_budgeted == {"sent": 1}
