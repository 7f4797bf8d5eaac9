"""The state file (`--state`): a plan carried across scheduled runs against one server.

Why these tests: a nightly job at the vendor's 3 requests a minute sends 51 plan requests a
run; without a state every run sends the same 51. With one, each run re-sends what failed,
a few sentinels, then the plan's next probes, so the runs together reach the unlimited
plan's score, in the number of runs the summary predicts. A state file a user hands in
that this run cannot use is set aside with one line, never lost and never a failure; a
killed write leaves the old file whole; old or edited-away evidence is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import settings

from bench.safe_runs import _Switch
from contract_tests.core.model import Probe, TargetKind
from contract_tests.core.settings import REMOTE_MAX_REQUESTS
from contract_tests.plan.planner import build_plan
from contract_tests.plan.values import lookup_examples
from contract_tests.run import state as state_module
from contract_tests.run.pacing import Budget, reserved_for_schemathesis
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.state import Carried, probe_id
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from dynamic_sdk_runtime.fragment import Fragment, read_fragment
from tests.support.broken_servers import SHAPES, TOKEN, Breakage, Shape, reference_app
from tests.test_contract_safe_runs import FRAGMENT, ON_FILE, SERVED

ROOT = Path(__file__).resolve().parent.parent
URL = "https://sandbox.example/api/v0"
"""The state's server: what the file is keyed by (the loopback port changes every run)."""
DAY = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
DEFAULT_EXAMPLES = 10
"""The `dev` profile's draws: what the README's default run plans with."""


@pytest.fixture(scope="module")
def plan() -> list[Probe]:
    return build_plan(FRAGMENT, {}, seed=17, examples=1)


@contextmanager
def served(app: Any) -> Iterator[tuple[_Switch, httpx.Client]]:
    """One loopback server whose app a test may swap between runs (a redeployed server)."""
    switch = _Switch(app)
    with serve_app(switch) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield switch, client


def one_run(
    client: httpx.Client,
    path: Path,
    plan: list[Probe],
    now: dt.datetime,
    *,
    fragment: Fragment = FRAGMENT,
    max_requests: int | None = REMOTE_MAX_REQUESTS,
    max_age_days: float = 30,
    path_values: dict[str, str] | None = None,
) -> tuple[RunReport, Carried, list[str], dict[str, Any], list[Probe]]:
    """One scheduled run with the state file, as the suite's conftest makes it: the remote
    default budget, safe mode; returns what it sent too (in order)."""
    carried = Carried.open(
        path,
        base_url=URL,
        fragment=fragment,
        plan=plan,
        seed=17,
        now=now,
        max_age_days=max_age_days,
    )
    values = path_values or {}
    target = Target("vendor-like", client, "", TOKEN, values, TargetKind.BASE_URL, URL)
    reserved = 0 if max_requests is None else reserved_for_schemathesis(max_requests)
    budget = Budget(max_requests=max_requests, reserved=reserved, valid_requests=0)
    report = RunReport()
    sent: list[Probe] = []

    def order() -> Iterator[Probe]:
        for probe in carried.start(report, target.name):
            sent.append(probe)
            yield probe

    run_plan(target, fragment, order(), budget, report=report)
    carried.carry(report, target.name)
    lines, data = carried.finish(report, target.name, budget, unicode="17.0")
    return report, carried, lines, data, sent


def answered(report: RunReport) -> list[Probe]:
    """The probes this run got an answer to (not the carried verdicts)."""
    return [o.probe for o in report.outcomes if o.answer is not None]


# -- two runs against one server ------------------------------------------------------------


def test_a_second_run_sends_the_plans_next_probes_and_counts_the_first_runs_verdicts(
    plan: list[Probe], tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    with served(reference_app(FRAGMENT, None, on_file=ON_FILE)) as (_switch, client):
        first, _c1, _lines1, data1, _sent1 = one_run(client, path, plan, DAY)
        second, carried, lines2, data2, _sent2 = one_run(client, path, plan, DAY + dt.timedelta(1))
    assert first.failures() == {}
    assert second.failures() == {}
    one = {probe_id(p) for p in answered(first)}
    two = [probe_id(p) for p in answered(second)]
    again = [key for key in two if key in one]
    assert 1 <= len(again) <= state_module.SENTINELS, "only the sentinels are sent again"
    assert two[: len(again)] == again, "the sentinels go first"
    assert data2["killed"] > data1["killed"] == data1["this_run_killed"]
    assert data2["runs"] == 2
    assert data2["since"].startswith("2026-12-01")
    dated = [o for o in second.outcomes if o.answer is None and "2026-12-01" in o.note]
    assert dated, "the first run's verdicts count, dated"
    assert all(o.judged for o in dated)
    assert "across 2 runs since 2026-12-01" in lines2[-1], lines2
    assert carried.notes == []


def test_a_failure_is_sent_first_every_run_and_its_fix_is_a_finding(
    plan: list[Probe], tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    mistake = next(b for b, _shape in SERVED if b.mutant is not None)
    with served(reference_app(FRAGMENT, mistake, on_file=ON_FILE)) as (switch, client):
        first, _c, _l, _d, _s = one_run(client, path, plan, DAY)
        failing = {probe_id(o.probe) for o in first.outcomes if o.agreed is False}
        assert failing, mistake.name
        second, _c, _l, _d, sent = one_run(client, path, plan, DAY + dt.timedelta(1))
        assert {probe_id(p) for p in sent[: len(failing)]} == failing
        assert second.failures(), "it still fails, on the probes sent first"
        switch.current = reference_app(FRAGMENT, None, on_file=ON_FILE)  # the vendor fixed it
        third, carried, lines, data, _s = one_run(client, path, plan, DAY + dt.timedelta(2))
    assert third.failures() == {}
    assert carried.fixed
    assert all(f.startswith("fixed since ") for f in carried.fixed)
    assert any(line.startswith("finding: fixed since ") for line in lines), lines
    assert data["fixed_since"] == carried.fixed


def test_a_server_that_answers_otherwise_than_recorded_starts_the_plan_over(
    plan: list[Probe], tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    by_name = {shape.name: shape for shape in SHAPES}
    before = reference_app(FRAGMENT, None, on_file=ON_FILE, shape=by_name["validate-then-404"])
    with served(before) as (switch, client):
        one_run(client, path, plan, DAY)
        switch.current = reference_app(
            FRAGMENT, None, on_file=ON_FILE, shape=by_name["validate-then-422"]
        )
        report, carried, lines, data, sent = one_run(client, path, plan, DAY + dt.timedelta(1))
    assert carried.changed is not None
    assert any("no longer answers as recorded" in line for line in lines), lines
    assert report.failures() == {}, "a changed server is no failure"
    assert data["runs"] == 1, "the runs are counted afresh"
    assert not [o for o in report.outcomes if "earlier run" in o.note], "nothing carried"
    sentinels = sent[: state_module.SENTINELS]
    restart = [p for p in plan if not any(p is s for s in sentinels)]
    assert sent[len(sentinels) :][:10] == restart[:10], "the plan from its start"


# -- the state file itself ------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_night(plan: list[Probe], tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real state file of one run against a correct vendor-like server: its bytes."""
    path = tmp_path_factory.mktemp("night") / "state.json"
    with served(reference_app(FRAGMENT, None, on_file=ON_FILE)) as (_switch, client):
        one_run(client, path, plan, DAY)
    return path.read_bytes()


def _a_state(night: bytes, path: Path) -> bytes:
    path.write_bytes(night)
    return night


def _broken(kind: str, good: bytes) -> bytes:
    data = json.loads(good)
    if kind == "not JSON":
        return good[: len(good) // 2]
    if kind == "not an object":
        return b"[1, 2, 3]\n"
    if kind == "a member missing":
        del data["probes"]
    elif kind == "a wrong type":
        data["seed"] = "seventeen"
    elif kind == "another server":
        data["baseUrl"] = "https://other.example"
    elif kind == "another fragment":
        data["places"] = {"createThing:*": "0", "createThing:body.name": "1"}
    elif kind == "a newer format":
        data["format"] = state_module.FORMAT + 1
    elif kind == "not UTF-8":
        return b"\xff\xfe" + good
    return json.dumps(data).encode()


BAD = [
    "not JSON",
    "not an object",
    "a member missing",
    "a wrong type",
    "another server",
    "another fragment",
    "a newer format",
    "not UTF-8",
]


@pytest.mark.parametrize("kind", BAD)
def test_a_state_file_this_run_cannot_use_is_set_aside_with_one_line_and_the_run_starts_afresh(
    plan: list[Probe], one_night: bytes, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "state.json"
    bad = _broken(kind, _a_state(one_night, path))
    path.write_bytes(bad)
    with served(reference_app(FRAGMENT, None, on_file=ON_FILE)) as (_switch, client):
        report, carried, _lines, data, sent = one_run(client, path, plan, DAY + dt.timedelta(1))
    assert len(carried.notes) == 1, carried.notes
    assert "\n" not in carried.notes[0]
    assert carried.notes[0].startswith(f"state: {path} not used: "), carried.notes[0]
    assert "starting afresh" in carried.notes[0]
    aside = [p for p in tmp_path.iterdir() if p.name.endswith(".set-aside")]
    assert len(aside) == 1, aside
    assert aside[0].read_bytes() == bad, "kept, byte for byte"
    assert report.failures() == {}
    assert sent[:5] == plan[:5], "a fresh start: the plan from its first probe"
    assert data["runs"] == 1
    assert json.loads(path.read_text())["format"] == state_module.FORMAT, "a new state"


def test_a_run_killed_while_writing_leaves_the_old_state_whole(
    plan: list[Probe], one_night: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    good = _a_state(one_night, path)

    def killed(handle: Any, text: str) -> None:
        handle.write(text[: len(text) // 2])
        handle.flush()
        raise KeyboardInterrupt  # SIGTERM turned into one, mid-write

    monkeypatch.setattr(state_module, "_write", killed)
    with (
        served(reference_app(FRAGMENT, None, on_file=ON_FILE)) as (_switch, client),
        pytest.raises(KeyboardInterrupt),
    ):
        one_run(client, path, plan, DAY + dt.timedelta(1))
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"], "no temporary left"
    monkeypatch.undo()
    reopened = Carried.open(
        path, base_url=URL, fragment=FRAGMENT, plan=plan, seed=17, now=DAY, max_age_days=30
    )
    assert reopened.notes == []
    assert not reopened.fresh


def test_answers_older_than_the_maximum_age_are_dropped(
    plan: list[Probe], one_night: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    _a_state(one_night, path)

    def opened_after(days: int) -> Carried:
        now = DAY + dt.timedelta(days=days)
        return Carried.open(
            path, base_url=URL, fragment=FRAGMENT, plan=plan, seed=17, now=now, max_age_days=30
        )

    kept = opened_after(29)
    assert kept.notes == []
    assert kept.state.probes
    assert kept.state.learned["refusedAt"]
    expired = opened_after(31)
    assert expired.state.probes == {}
    assert expired.state.learned["refusedAt"] == {}
    assert expired.state.learned["ownTypes"] == {}
    assert len(expired.notes) == 1
    assert "older than 30 days dropped" in expired.notes[0]
    with served(reference_app(FRAGMENT, None, on_file=ON_FILE)) as (_switch, client):
        _r, _c, _l, _d, sent = one_run(client, path, plan, DAY + dt.timedelta(days=31))
    assert sent[:5] == plan[:5], "nothing left to carry: the plan from its start"


def _edited(change: dict[str, Any]) -> Fragment:
    """The shipped fragment with one schema's keywords changed."""
    text = (ROOT / "openapi" / "retry-sms-verification.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    schemas = document["components"]["schemas"]
    for name, keywords in change.items():
        holder, member = name.split(".")
        schemas[holder]["properties"][member].update(keywords)
    return read_fragment(document)


def test_a_fragment_change_drops_the_answers_of_the_places_it_changed_and_keeps_the_rest(
    plan: list[Probe], one_night: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    _a_state(one_night, path)
    operation = FRAGMENT.operations[0]
    body = operation.body
    assert body is not None
    assert body.component is not None
    place = next(p for p in operation.places() if p.where == "body.isoCountryCode")
    edited = _edited({f"{body.component}.isoCountryCode": {"maxLength": 5}})
    # the old plan: what is forgotten depends on the recorded places, not on the plan
    before = json.loads(path.read_text())["probes"]
    at_place = {
        k for k, v in before.items() if f"{operation.operation_id}:{place.where}" in v["places"]
    }
    assert at_place
    assert len(at_place) < len(before)
    carried = Carried.open(
        path, base_url=URL, fragment=edited, plan=plan, seed=17, now=DAY, max_age_days=30
    )
    assert not carried.fresh
    assert len(carried.notes) == 1
    assert "body.isoCountryCode" in carried.notes[0]
    assert carried.state.probes.keys() == before.keys() - at_place
    assert "body.isoCountryCode" not in carried.state.learned["refusedAt"]
    assert carried.state.learned["refusedAt"], "the other members' evidence is kept"


def test_a_state_file_holds_no_token_no_environment_value_and_no_response_body(
    plan: list[Probe], tmp_path: Path
) -> None:
    """The target's own path values (its environment) and its token are sent; the file names
    probes by hash and keeps statuses and content types only."""
    path = tmp_path / "state.json"
    environment_id = "0f0e0d0c-0b0a-4909-8807-060504030201"
    with served(reference_app(FRAGMENT, None, on_file=ON_FILE)) as (_switch, client):
        one_run(client, path, plan, DAY, path_values={"environmentId": environment_id})
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["probes"], "answers were recorded"
    for secret in (TOKEN, environment_id, "Bearer"):
        assert secret not in text, secret
    for body_text in ('"error"', "not found", "must be JSON"):  # the answers' bodies
        assert body_text not in text, body_text
    bodies = [p.body for p in plan if isinstance(p.body, dict)]
    values = {v for body in bodies for v in body.values() if isinstance(v, str) and len(v) >= 8}
    assert values
    assert not [v for v in values if v in text], "no value sent is kept, in any escaping"


@pytest.mark.slow
def test_the_suites_run_sets_a_corrupt_file_aside_in_one_line_and_its_state_holds_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole suite, as a team's nightly job runs it, twice: a corrupt state file is one
    line and a pass; then the state it wrote holds no token, no value of the environment (an
    environment id, a phone number), no answer's body."""
    from .test_contract_safe_runs import run_suite

    path = tmp_path / "state.json"
    path.write_text("{ not json", encoding="utf-8")
    environment_id = "0f0e0d0c-0b0a-4909-8807-060504030201"
    phone = "+15555550123"
    monkeypatch.setenv("DYNAMIC_ENVIRONMENT_ID", environment_id)
    monkeypatch.setenv("DYNAMIC_PHONE_NUMBER", phone)
    with serve_app(reference_app(FRAGMENT, None, on_file=ON_FILE)) as url:
        first = run_suite(url, tmp_path, "--state", str(path))
        again = run_suite(url, tmp_path, "--state", str(path))
    assert first.returncode == 0, first.stdout[-3000:]
    assert "Traceback" not in first.stdout + first.stderr
    said = [line for line in first.stdout.splitlines() if "not used: " in line]
    assert len(said) == 1, said
    assert [p.name.endswith(".set-aside") for p in tmp_path.glob("state.json.*")] == [True]
    assert again.returncode == 0, again.stdout[-3000:]
    assert "across 2 runs since" in again.stdout, again.stdout[-3000:]
    text = path.read_text(encoding="utf-8")
    for secret in (TOKEN, environment_id, phone, phone.lstrip("+"), "Bearer"):
        assert secret not in text, secret
    for body_text in ('"error"', "not found", "must be JSON"):  # the answers' bodies
        assert body_text not in text, body_text
    summary = json.loads((tmp_path / "contract-summary.json").read_text())
    assert summary["meta"]["state"]["runs"] == 2
    picture = (tmp_path / "contract-summary.html").read_text(encoding="utf-8")
    assert "across 2 runs since" in picture
    assert "across 2 runs since" in (tmp_path / "contract-summary.md").read_text()


# -- the cumulative score and its prediction ------------------------------------------------


def _runs_until_the_unlimited_score(
    fragment: Fragment, max_requests: int, tmp_path: Path
) -> tuple[int | None, list[int], int]:
    """(runs the first summary predicts, cumulative kills after each run, the unlimited plan's)"""
    plan = build_plan(fragment, {}, seed=17, examples=1)
    on_file = frozenset().union(*(lookup_examples(op) for op in fragment.operations))
    path = tmp_path / f"{len(fragment.operations)}-{max_requests}.json"
    kills: list[int] = []
    predicted = None
    with served(reference_app(fragment, None, on_file=on_file)) as (_switch, client):
        for night in range(60):
            now = DAY + dt.timedelta(days=night)
            _r, _c, _l, data, _s = one_run(
                client, path, plan, now, fragment=fragment, max_requests=max_requests
            )
            kills.append(data["killed"])
            if predicted is None:
                more = data["more_runs"]
                predicted = None if more is None else 1 + more
            if data["killed"] >= data["unlimited"]:
                break
    return predicted, kills, data["unlimited"]


FRAGMENTS = [
    ROOT / "openapi" / "retry-sms-verification.yaml",
    *sorted((ROOT / "tests" / "fragments").glob("*.yaml")),
]
PREDICTIONS = [
    pytest.param(FRAGMENTS[0], 60, id=f"{FRAGMENTS[0].stem}-60"),
    pytest.param(FRAGMENTS[0], 20, id=f"{FRAGMENTS[0].stem}-20", marks=pytest.mark.slow),
] + [
    pytest.param(path, budget, id=f"{path.stem}-{budget}", marks=pytest.mark.slow)
    for path in FRAGMENTS[1:]
    for budget in (60, 20)
]


@pytest.mark.parametrize(("path", "max_requests"), PREDICTIONS)
def test_the_cumulative_score_reaches_the_unlimited_plans_in_the_runs_the_summary_predicted(
    path: Path, max_requests: int, tmp_path: Path
) -> None:
    fragment = read_fragment(yaml.safe_load(path.read_text(encoding="utf-8")))
    predicted, kills, unlimited = _runs_until_the_unlimited_score(fragment, max_requests, tmp_path)
    assert predicted is not None
    assert predicted > 1, "the budget bites: more than one run"
    assert len(kills) == predicted, (predicted, kills)
    assert kills[-1] == unlimited
    assert kills == sorted(kills), "a cumulative score never falls"


# -- three nightly runs against each mistake, and every correct shape (slow) ----------------

MUTANT_SERVED = [(b, s) for b, s in SERVED if b.mutant is not None]


@pytest.fixture(scope="module")
def default_plan() -> list[Probe]:
    """The README's default remote run's plan: the `dev` profile's draws."""
    return build_plan(FRAGMENT, {}, seed=17, examples=DEFAULT_EXAMPLES)


def test_the_default_plan_draws_what_the_dev_profile_draws() -> None:
    assert settings.get_profile("dev").max_examples == DEFAULT_EXAMPLES


@pytest.mark.slow
@pytest.mark.parametrize(
    ("breakage", "shape"), MUTANT_SERVED, ids=[f"{b.name}@{s.name}" for b, s in MUTANT_SERVED]
)
def test_three_nightly_runs_catch_each_mistake_and_fail_every_run_after(
    default_plan: list[Probe], tmp_path: Path, breakage: Breakage, shape: Shape
) -> None:
    path = tmp_path / "state.json"
    failed: list[bool] = []
    with served(reference_app(FRAGMENT, breakage, on_file=ON_FILE, shape=shape)) as (_s, client):
        for night in range(3):
            report, _c, _l, _d, _sent = one_run(
                client, path, default_plan, DAY + dt.timedelta(days=night)
            )
            own = [o for o in report.outcomes if o.agreed is False and o.answer is not None]
            failed.append(bool(own or report.response_failures))
    assert any(failed), f"{breakage.name} behind {shape.name}: never caught in 3 runs"
    first = failed.index(True)
    assert all(failed[first:]), failed


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_three_nightly_runs_against_a_correct_server_pass_in_every_shape(
    default_plan: list[Probe], tmp_path: Path, shape: Shape
) -> None:
    path = tmp_path / "state.json"
    with served(reference_app(FRAGMENT, None, on_file=ON_FILE, shape=shape)) as (_s, client):
        for night in range(3):
            report, carried, _l, data, _sent = one_run(
                client, path, default_plan, DAY + dt.timedelta(days=night)
            )
            assert report.failures() == {}, shape.name
            assert report.response_failures == {}, shape.name
            assert carried.changed is None, carried.changed
            assert carried.notes == [], carried.notes
    assert data["runs"] == 3


def test_the_options_reach_the_installed_suites_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "contract_tests", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert "--state FILE" in result.stdout
    assert "--state-max-age DAYS" in result.stdout
    assert "DYNAMIC_CONTRACT_STATE" in result.stdout
