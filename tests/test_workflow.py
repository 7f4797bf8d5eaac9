"""The public-forge workflows are valid (they cannot run here, so they are linted here)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from codegen.release import version
from specwatch.vendor_watch import NPM_ENV

from .test_vendor_watch import _fake_npm
from .test_vendor_watch import run as run_vendor_watch
from .wheelhouse import ROOT, ROOTS

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "ci.yml"
VENDOR_WATCH = WORKFLOWS / "vendor-watch.yml"
RELEASE = WORKFLOWS / "release.yml"
ACTION = WORKFLOWS.parent.parent / "action.yml"


@pytest.mark.parametrize(
    "workflow", [WORKFLOW, VENDOR_WATCH, RELEASE, ACTION], ids=lambda path: path.name
)
def test_workflow_matches_the_github_workflow_schema(workflow: Path) -> None:
    binary = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert binary is not None, "check-jsonschema (test group) is not installed"
    schema = "vendor.github-actions" if workflow == ACTION else "vendor.github-workflows"
    result = subprocess.run(  # noqa: S603 - fixed argv
        [binary, "--builtin-schema", schema, str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_ci_checks_once_and_every_python() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    test_steps = workflow["jobs"]["tests"]["steps"]
    runs = [str(step.get("run", "")) for step in test_steps]
    assert "bash .ci/run" in runs
    assert sum("check_generated" in run for run in runs) == 1
    assert not any(run.strip().endswith("/nox") for run in runs)  # no second contract run
    assert any("upload-artifact" in str(step.get("uses", "")) for step in test_steps)
    matrix = workflow["jobs"]["unit"]["strategy"]["matrix"]["python"]
    assert matrix == ["3.11", "3.12", "3.13"]


def _steps(path: Path, job: str) -> list[dict[str, object]]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps: list[dict[str, object]] = workflow["jobs"][job]["steps"]
    return steps


def test_spec_change_job_reports_and_checks_generated() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = workflow["jobs"]["spec-change"]
    assert job["if"] == "github.event_name == 'pull_request'"
    checkout = job["steps"][0]
    assert str(checkout["uses"]).startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    runs = " ".join(str(step.get("run", "")) for step in job["steps"])
    assert "openapi/ overrides/ codegen/" in runs
    assert "nox -s spec_diff" in runs
    assert '--format md >> "$GITHUB_STEP_SUMMARY"' in runs
    assert "nox -s regenerate" in runs
    assert "git diff --exit-code -- generated/" in runs
    assert "git status --porcelain -- generated/" in runs


def test_vendor_watch_is_weekly_and_tells_no_network_from_change() -> None:
    # PyYAML reads the `on:` key as True (YAML 1.1).
    triggers = yaml.safe_load(VENDOR_WATCH.read_text(encoding="utf-8"))[True]
    assert "workflow_dispatch" in triggers
    (schedule,) = triggers["schedule"]
    _minute, _hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*")
    assert weekday.isdigit()
    run = " ".join(str(step.get("run", "")) for step in _steps(VENDOR_WATCH, "vendor-watch"))
    assert "nox -s vendor_watch" in run
    assert "NO NETWORK / REGISTRY UNREACHABLE" in run  # the marker vendor_watch prints
    assert "exit 3" in run
    assert "VENDOR CHANGE" in run
    assert "exit 1" in run


def test_the_workflows_greps_classify_what_vendor_watch_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run vendor_watch unreachable and changed: the workflow's greps tell them apart."""
    run = " ".join(str(step.get("run", "")) for step in _steps(VENDOR_WATCH, "vendor-watch"))
    unreachable, changed = re.findall(r'grep -q "([^"]+)" vendor-watch\.log', run)
    monkeypatch.setenv(NPM_ENV, str(_fake_npm(tmp_path, "fail:ENOTFOUND")))
    _, out, err = run_vendor_watch(capsys)
    assert unreachable in out + err
    assert changed not in out + err
    monkeypatch.setenv(NPM_ENV, str(_fake_npm(tmp_path, "fail:E404")))
    _, out, err = run_vendor_watch(capsys, "--version", "0.40.0")
    assert changed in out + err
    assert unreachable not in out + err


@pytest.mark.parametrize(
    "workflow", [WORKFLOW, VENDOR_WATCH, RELEASE, ACTION], ids=lambda path: path.name
)
def test_actions_are_pinned_by_commit_sha(workflow: Path) -> None:
    uses = re.findall(
        r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", workflow.read_text(encoding="utf-8"), re.M
    )
    assert uses
    for action, comment in uses:
        # owner/repo, or an action in a folder of it (actions/cache/restore), at a commit
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(?:/[\w.-]+)*@[0-9a-f]{40}", action), action
        assert re.search(r"# v\d", comment), f"{action}: name the release in a comment"


def test_release_builds_the_four_roots_and_publishes_by_trusted_publishing() -> None:
    workflow = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))
    assert workflow[True]["push"]["tags"] == ["v*"]  # PyYAML reads `on:` as True
    assert workflow["permissions"] == {"contents": "read"}
    build = " ".join(str(step.get("run", "")) for step in _steps(RELEASE, "build"))
    (roots,) = re.findall(r"for root in ([^;]+); do", build)
    assert {(ROOT / root).resolve() for root in roots.split()} == set(ROOTS.values())
    assert "--sdist --wheel" in build
    jobs = workflow["jobs"]
    trusted = [name for name, job in jobs.items() if "id-token" in job.get("permissions", {})]
    assert trusted == ["pypi"]  # only the publishing job may mint an OIDC token
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    uses = [str(step.get("uses", "")) for step in jobs["pypi"]["steps"]]
    assert any(use.startswith("pypa/gh-action-pypi-publish@") for use in uses)
    release_run = " ".join(str(step.get("run", "")) for step in jobs["github-release"]["steps"])
    assert "gh release create" in release_run
    assert "dist/*" in release_run


@pytest.mark.parametrize(("tag", "code"), [(f"v{version()}", 0), ("v0.0.0-not-this", 1)])
def test_release_refuses_a_tag_that_is_not_versions(tag: str, code: int) -> None:
    (step,) = [s for s in _steps(RELEASE, "build") if s.get("name") == "The tag is VERSION's"]
    result = subprocess.run(  # noqa: S603 - the workflow's own step
        ["bash", "-e", "-c", str(step["run"])],  # noqa: S607 - bash, as a runner uses
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "TAG": tag},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == code, result.stdout + result.stderr
