"""The benchmark harness runs end to end and reports every figure (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench._stats import compare, percentile
from bench.client_overhead import ENVIRONMENT_ID, REQUEST_BODY
from bench.load import LoadSpec, run_load
from bench.report import render

ROOT = Path(__file__).resolve().parent.parent


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _assert_numbers(row: dict[str, Any], names: list[str]) -> None:
    for name in names:
        assert _is_number(row[name]), f"{name} is {row[name]!r}"


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    output = tmp_path_factory.mktemp("bench") / "bench.json"
    completed = subprocess.run(  # noqa: S603 - our interpreter running our package
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "## 1. Client overhead" in completed.stdout
    report: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return report


def test_quick_run_reports_client_overhead(quick_report: dict[str, Any]) -> None:
    section = quick_report["client_overhead"]
    for mode in ("sync", "async", "sync_default_policy", "async_default_policy"):
        _assert_numbers(
            section[mode],
            ["a_us_per_call", "b_us_per_call", "overhead_us_per_call", "ratio", "ratio_min"],
        )
        assert section[mode]["ratio_min"] <= section[mode]["ratio"] <= section[mode]["ratio_max"]
        assert isinstance(section[mode]["meets_goal"], bool)
    for mode in ("sync_preparsed_url", "async_preparsed_url"):
        _assert_numbers(section[mode], ["a_us_per_call", "b_us_per_call", "ratio"])
        assert section[mode]["meets_goal"] is None  # informative, not the goal's measurement
    _assert_numbers(section["validation_us"], ["model_from_dict", "request_violations"])


def test_quick_run_reports_mock_and_prism(quick_report: dict[str, Any]) -> None:
    section = quick_report["mock_vs_prism"]
    assert section["generator"] in ("wrk", "httpx-asyncio")
    for name in ("mock_lenient", "mock_default"):
        row = section["servers"][name]
        assert row["status"] == 201, f"{name} did not take the 201 path"
        _assert_numbers(row, ["rps", "p50_ms", "p99_ms", "requests", "errors"])
        assert row["requests"] > 0
    bare = section["servers"]["bare"]  # the mock's stack, no work of its own: always run
    assert bare["status"] == 201
    _assert_numbers(bare, ["rps", "p50_ms", "p99_ms", "requests", "errors"])
    for name in ("mock_lenient", "mock_default"):
        ratio = section["comparison"][f"{name}_vs_bare"]
        _assert_numbers(ratio, ["throughput_ratio", "p99_ratio"])
        assert isinstance(ratio["meets_goal"], bool)
    _assert_numbers(section["in_process"], ["a_us_per_call", "b_us_per_call", "own_us"])
    prism = section["servers"]["prism"]
    if prism is None:  # no Node/Prism here: the reason is reported instead of figures
        assert isinstance(section["prism_skipped"], str)
        assert section["comparison"]["mock_lenient_vs_prism"] is None
    else:
        assert prism["status"] == 200  # Prism answers the lowest documented 2xx
        _assert_numbers(prism, ["rps", "p50_ms", "p99_ms", "requests", "errors"])
        for ratio in section["comparison"].values():
            _assert_numbers(ratio, ["throughput_ratio", "p99_ratio"])


def test_quick_run_reports_suite_speed(quick_report: dict[str, Any]) -> None:
    section = quick_report["suite_speed"]
    for name in ("contract_in_process", "contract_over_http"):
        _assert_numbers(section[name], ["examples", "seconds", "examples_per_s", "check_failures"])
        assert section[name]["examples"] > 0
    _assert_numbers(section["regeneration_check"], ["seconds"])
    _assert_numbers(section["witness_derivation"], ["seconds", "witnesses"])
    assert section["witness_derivation"]["witnesses"] > 50
    nox = section["nox_default_warm"]
    assert nox["seconds"] is None
    assert "--with-nox" in nox["note"]


def test_asyncio_load_loop_counts_every_answer() -> None:
    """The fallback generator (used where wrk is absent) against the in-process mock."""
    from dynamic_sdk_mock import MockConfig, running_mock

    config = MockConfig(token="load-token", lenient=True)
    with running_mock(config) as mock:
        url = f"{mock.url}/sdk/{ENVIRONMENT_ID}/smsVerifications/retry"
        probe = run_load(
            LoadSpec(url, REQUEST_BODY, "load-token", connections=2, duration_s=30, max_requests=1),
            "httpx-asyncio",
        )
        if probe.statuses == {"404": 1}:  # the mock routes the operation under /api/v0
            url = f"{mock.url}/api/v0/sdk/{ENVIRONMENT_ID}/smsVerifications/retry"
        result = run_load(
            LoadSpec(
                url, REQUEST_BODY, "load-token", connections=2, duration_s=30, max_requests=20
            ),
            "httpx-asyncio",
        )
    assert result.statuses == {"201": 20}
    assert result.requests == 20
    assert result.errors == 0
    assert 0 < result.p50_ms <= result.p99_ms


def test_load_refuses_anything_but_loopback() -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        LoadSpec("http://example.com/", REQUEST_BODY, "t", 1, 1.0, 1)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0


def test_compare_alternates_and_reports_a_over_b() -> None:
    calls: list[str] = []
    result = compare(
        lambda: calls.append("a"), lambda: calls.append("b"), rounds=3, calls=2, warmup=0
    )
    assert calls == ["a", "a", "b", "b"] * 3
    assert result.rounds == 3
    assert result.ratio_min <= result.ratio <= result.ratio_max


def test_render_names_the_prism_skip_reason() -> None:
    row = {"status": 200, "rps": 1.0, "p50_ms": 1.0, "p99_ms": 2.0, "requests": 1, "errors": 0}
    comparison = {"a_us_per_call": 1.0, "b_us_per_call": 1.0, "ratio": 1.0}
    comparison["overhead_us_per_call"] = 0.0
    side = {**comparison, "ratio_min": 1.0, "ratio_max": 1.0, "rounds": 1}
    side |= {"calls_per_round": 1, "meets_goal": True}
    suite_row = {"examples": 1, "seconds": 1.0, "examples_per_s": 1.0, "check_failures": 0}
    text = render(
        {
            "meta": {"command": "python -m bench", "python": "3.11", "cpus": 2, "quick": True},
            "client_overhead": {
                "transport": "t",
                "goal_ratio_max": 1.05,
                "sync": side,
                "async": side,
                "validation_us": {"model_from_dict": 1.0, "request_violations": 1.0},
            },
            "mock_vs_prism": {
                "generator": "httpx-asyncio",
                "connections": 2,
                "duration_s_per_load": 1.0,
                "rounds": 1,
                "goal": "g",
                "servers": {"mock_lenient": row, "mock_default": row, "prism": None},
                "comparison": {"mock_lenient_vs_prism": None, "mock_default_vs_prism": None},
                "prism_skipped": "Node.js is not on PATH: Prism rows skipped",
                "notes": [],
            },
            "suite_speed": {
                "contract_in_process": suite_row,
                "contract_over_http": suite_row,
                "regeneration_check": {"seconds": 1.0, "runs": 1, "note": None},
                "nox_default_warm": {"seconds": None, "note": "not run (use --with-nox)"},
            },
        }
    )
    assert "| prism        | skipped |" in text
    assert "Node.js is not on PATH" in text


def test_render_judges_each_time_to_verdict_against_its_goal() -> None:
    from bench.report import _verdicts

    lines = _verdicts(
        {
            "goal_pass_s": 120.0,
            "goal_fail_s": 60.0,
            "passing_run": {"seconds": 40.0, "exit_code": 0},
            "broken": {
                "fast-and-caught": {"seconds": 12.0, "exit_code": 1, "caught": True},
                "slow": {"seconds": 61.0, "exit_code": 1, "caught": True},
                "missed": {"seconds": 5.0, "exit_code": 0, "caught": False},
            },
        }
    )
    text = "\n".join(lines)
    assert "40.0 s, exit 0 (goal <= 120 s: met)" in text
    assert "| fast-and-caught | 12.0 | yes | met |" in text
    assert "| slow | 61.0 | yes | MISSED |" in text
    assert "| missed | 5.0 | NO | MISSED |" in text


def test_quick_run_reports_safe_runs(quick_report: dict[str, Any]) -> None:
    """The safe-run section: the correct vendor-like server passes, nothing reaches a
    verification on file, and the unlimited row catches every defect it tried."""
    rows = quick_report["safe_runs"]["rows"]
    assert [row["max_requests"] for row in rows] == [60, None]
    for row in rows:
        assert row["reference_failures"] == 0
        assert row["requests_reaching_a_verification_on_file"] == 0
        assert 0 < row["checks_judged"] <= row["checks_planned"]
    assert rows[-1]["caught"] == rows[-1]["defects"] > 0


def test_quick_run_reports_correct_servers_in_their_shapes(quick_report: dict[str, Any]) -> None:
    rows = quick_report["shapes"]["rows"]
    assert rows
    for row in rows:
        assert row["full"] in ("PASS", "INCONCLUSIVE")
        assert row["safe-60"] in ("PASS", "INCONCLUSIVE")
        assert row["full-failures"] == row["safe-60-failures"] == 0
        assert 0 < row["full-judged"] <= row["checks"]
        assert 0 < row["safe-60-judged"] <= row["checks"]
        assert 0 <= row["caught"] <= row["defects"]
        assert row["shown_caught"] == row["shown_defects"]


def test_quick_run_reports_the_plan_s_power(quick_report: dict[str, Any]) -> None:
    """The mutant-power section: at 20, 60 and unlimited requests the measured kills are
    the predicted ones, none reaches a verification on file, and unlimited kills all."""
    rows = quick_report["mutant_power"]["rows"]
    assert [row["max_requests"] for row in rows] == [20, 60, None]
    for row in rows:
        assert row["agree"] is True
        assert row["measured"] == row["predicted"]
        assert row["likely_measured"] == row["likely_predicted"]
        assert row["requests_reaching_a_verification_on_file"] == 0
    assert rows[-1]["measured"] == rows[-1]["mutants"] > 0
    assert rows[0]["measured"] <= rows[1]["measured"] <= rows[-1]["measured"]
    assert "## 7. The plan's power" in render(quick_report)


def test_quick_run_reports_runs_with_a_state_file(quick_report: dict[str, Any]) -> None:
    """The state-runs section: the runs the first summary predicts are the runs it takes to
    the unlimited plan's score, and the mutant servers a run fails are the predicted ones."""
    section = quick_report["state_runs"]
    assert section["runs"] == section["predicted_runs_after_the_first"] > 1
    rows = section["rows"]
    for row in rows:
        assert row["agree"] is True
        assert row["sample_measured"] == row["sample_predicted"]
    killed, total = rows[-1]["cumulative"].split("/")
    assert killed == total
    assert "## 8. Runs with a state file" in render(quick_report)
