"""The public-forge CI workflow is valid (it cannot run here, so it is linted here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "ci.yml"


def test_workflow_matches_the_github_workflow_schema() -> None:
    binary = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert binary is not None, "check-jsonschema (test group) is not installed"
    result = subprocess.run(  # noqa: S603 - fixed argv
        [binary, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_regenerates_on_spec_changes_and_runs_ci() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    drift_steps = " ".join(str(step.get("run", "")) for step in workflow["jobs"]["drift"]["steps"])
    assert "openapi/ overrides/" in drift_steps
    assert "nox -s regenerate" in drift_steps
    assert "git diff --exit-code -- generated/" in drift_steps
    test_steps = workflow["jobs"]["tests"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in test_steps)
    assert any("upload-artifact" in str(step.get("uses", "")) for step in test_steps)
