"""The repository's composite action (action.yml), run here step by step as a runner would,
with the inputs of README.md's job, against the installed mock: it installs the suite from
this very commit, writes the suite's summary to $GITHUB_STEP_SUMMARY, keeps the reports the
upload step takes, and fails with the suite's own exit code (0, 4 usage error, 6
inconclusive). The job in the README and the action cannot drift apart."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.core.settings import EXIT_INCONCLUSIVE, TOKEN_VARIABLE

from .wheelhouse import CI_TOKEN, ROOT, clean_environment, shown

ACTION = ROOT / "action.yml"
README = ROOT / "README.md"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
ENVIRONMENT_ID = "95b11417-f18f-457f-8804-68e361f9164f"


def readme_ci_job() -> dict[str, Any]:
    """The GitHub Actions job of README.md's one YAML block."""
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, "README.md should have exactly one YAML block: the CI job"
    job: dict[str, Any] = yaml.safe_load(blocks[0])["contract"]
    return job


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def readme_inputs(variables: Mapping[str, str]) -> dict[str, str]:
    """The `with:` of the README job's step that uses this repository's action, resolved
    with the repository's variables and secrets, completed with the action's defaults."""
    steps = readme_ci_job()["steps"]
    ours = [step for step in steps if not step["uses"].startswith("actions/")]
    assert len(ours) == 1, ours
    assert re.fullmatch(r"[\w.-]+/dynamic-sdk-client@\S+", ours[0]["uses"]), ours[0]["uses"]
    given = {
        name: EXPRESSION.sub(lambda match: variables[match.group(1)], str(value))
        for name, value in ours[0].get("with", {}).items()
    }
    declared = action()["inputs"]
    assert set(given) <= set(declared), set(given) - set(declared)
    for name, spec in declared.items():
        assert name in given or not spec.get("required"), f"the README omits {name}"
    return {name: given.get(name, str(spec.get("default", ""))) for name, spec in declared.items()}


def _variables(url: str, token: str) -> dict[str, str]:
    """The repository's variables and secrets the job reads, pointed at the installed mock.

    The rate is a repository variable in the job (the vendor's limit depends on the plan):
    the default (3/min) would make this test take 20 minutes.
    """
    return {
        "vars.DYNAMIC_BASE_URL": url,
        "vars.DYNAMIC_ENVIRONMENT_ID": ENVIRONMENT_ID,
        "secrets.DYNAMIC_API_TOKEN": token,
        "vars.CONTRACT_RATE": "6000/min",
    }


@dataclass(frozen=True)
class Runner:
    """What a runner gives a composite action's steps: a temp folder and two files."""

    python: Path
    temp: Path

    @property
    def summary(self) -> Path:
        return self.temp / "step-summary.md"

    @property
    def output(self) -> Path:
        return self.temp / "output.txt"

    def context(self, inputs: Mapping[str, str]) -> dict[str, str]:
        return {
            "github.action_path": str(ROOT),
            "runner.temp": str(self.temp),
            **{f"inputs.{name}": value for name, value in inputs.items()},
        }

    def run(
        self, step: Mapping[str, Any], inputs: Mapping[str, str]
    ) -> subprocess.CompletedProcess[str]:
        """One `run:` step with GitHub's `shell: bash`; the fresh venv stands in for
        setup-python (first on PATH); an unknown `${{ ... }}` fails."""
        assert step["shell"] == "bash"
        context = self.context(inputs)
        env = clean_environment() | {
            "PATH": f"{self.python.parent}{os.pathsep}{os.environ['PATH']}",
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.output),
        }
        env |= {
            name: EXPRESSION.sub(lambda match: context[match.group(1)], str(value))
            for name, value in step.get("env", {}).items()
        }
        assert "${{" not in step["run"], "expressions belong in env:, not in the script"
        return subprocess.run(  # noqa: S603 - the action's own step
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],  # noqa: S607
            cwd=self.temp,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )


def _step(name_part: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = action()["runs"]["steps"]
    (step,) = [s for s in steps if name_part in s.get("name", "")]
    return step


@pytest.fixture(scope="module")
def suite_venv(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action's install step, as the README's job gives it (from this commit's source)."""
    runner = Runner(installed, tmp_path_factory.mktemp("runner"))
    inputs = readme_inputs(_variables("http://unused.invalid", CI_TOKEN))
    result = runner.run(_step("Install"), inputs)
    assert result.returncode == 0, shown(result)
    return runner.temp / "dynamic-sdk-contract"


def _run_action(
    installed: Path, suite_venv: Path, temp: Path, variables: Mapping[str, str]
) -> tuple[Runner, subprocess.CompletedProcess[str]]:
    runner = Runner(installed, temp)
    (temp / "dynamic-sdk-contract").symlink_to(suite_venv)
    result = runner.run(_step("Run"), readme_inputs(variables))
    return runner, result


def _reports(runner: Runner) -> Path:
    """The folder the upload step takes, as the action names it (after every run step)."""
    upload = _step("Upload")
    assert upload["if"] == "always()"
    assert upload["uses"].startswith("actions/upload-artifact@")
    context = runner.context({})
    return Path(EXPRESSION.sub(lambda match: context[match.group(1)], upload["with"]["path"]))


def test_the_action_installs_the_suite_from_its_own_commit(suite_venv: Path) -> None:
    found = subprocess.run(  # noqa: S603 - the action's virtualenv
        [str(suite_venv / "bin" / "python"), "-m", "pip", "show", "dynamic-sdk-contract"],
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, shown(found)
    version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    assert f"Version: {version}" in found.stdout


def test_the_action_passes_and_writes_the_summary(
    installed: Path, suite_venv: Path, installed_mock: str, tmp_path: Path
) -> None:
    runner, result = _run_action(
        installed, suite_venv, tmp_path, _variables(installed_mock, CI_TOKEN)
    )
    assert result.returncode == 0, shown(result)
    assert result.stdout.strip().splitlines()[-1].startswith("verdict: PASS (exit 0): base-url")
    reports = _reports(runner)
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith((reports / "contract-summary.md").read_text(encoding="utf-8"))
    assert summary.strip().splitlines()[-1].startswith("**verdict: PASS (exit 0): base-url")
    assert "exit-code=0" in runner.output.read_text(encoding="utf-8")
    verdict = json.loads((reports / "contract-summary.json").read_text())["meta"]["verdict"]
    assert verdict["word"] == "PASS"
    assert (reports / "junit-contract.xml").is_file()
    assert CI_TOKEN not in result.stdout + result.stderr + summary
    for report in reports.iterdir():
        assert CI_TOKEN not in report.read_text(encoding="utf-8"), report.name
    state = readme_inputs(_variables(installed_mock, CI_TOKEN))["state"]
    assert state, "the README's job carries its plan across runs"
    kept = (runner.temp / state).read_text(encoding="utf-8")  # where the cache steps look
    assert json.loads(kept)["runs"], kept[:200]
    assert CI_TOKEN not in kept


def test_the_action_names_the_state_cache_by_base_url_and_fragment_hash(
    installed: Path, suite_venv: Path, tmp_path: Path
) -> None:
    """The key the cache steps restore and save under: the base URL's hash and the
    fragment's (`run.state.fragment_hash`), so another server or fragment starts afresh."""
    from contract_tests.core.spec import fragment
    from contract_tests.run.state import fragment_hash

    runner = Runner(installed, tmp_path)
    (tmp_path / "dynamic-sdk-contract").symlink_to(suite_venv)
    inputs = readme_inputs(_variables("https://sandbox.example/api/v0", CI_TOKEN))
    result = runner.run(_step("Name the state file"), inputs)
    assert result.returncode == 0, shown(result)
    (line,) = runner.output.read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(
        rf"prefix=dynamic-sdk-contract-state-[0-9a-f]{{16}}-{fragment_hash(fragment())}-", line
    ), line
    other = readme_inputs(_variables("https://other.example/api/v0", CI_TOKEN))
    runner.output.unlink()
    assert runner.run(_step("Name the state file"), other).returncode == 0
    assert runner.output.read_text(encoding="utf-8").strip() != line
    restore, save = _step("Restore the state file"), _step("Save the state file")
    for step in (restore, save):
        assert step["if"].endswith("inputs.state != ''")
        assert step["with"]["path"] == "${{ inputs.state }}"
        assert step["with"]["key"].startswith("${{ steps.state-key.outputs.prefix }}")
    assert restore["with"]["restore-keys"] == "${{ steps.state-key.outputs.prefix }}"


def test_the_action_without_a_token_fails_with_the_usage_error(
    installed: Path, suite_venv: Path, installed_mock: str, tmp_path: Path
) -> None:
    """A missing secret is an empty string in GitHub Actions."""
    runner, result = _run_action(installed, suite_venv, tmp_path, _variables(installed_mock, ""))
    assert result.returncode == 4, shown(result)
    assert f"--base-url needs {TOKEN_VARIABLE}" in result.stderr
    assert "exit-code=4" in runner.output.read_text(encoding="utf-8")
    assert "exit 4, no summary" in runner.summary.read_text(encoding="utf-8")
    assert not (_reports(runner) / "contract-summary.json").exists()


def test_the_action_with_a_wrong_token_is_inconclusive(
    installed: Path, suite_venv: Path, installed_mock: str, tmp_path: Path
) -> None:
    runner, result = _run_action(
        installed, suite_venv, tmp_path, _variables(installed_mock, "wrong")
    )
    assert result.returncode == EXIT_INCONCLUSIVE, shown(result)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"verdict: INCONCLUSIVE (exit {EXIT_INCONCLUSIVE}): base-url"), last
    assert "the credentials were refused" in last
    assert f"exit-code={EXIT_INCONCLUSIVE}" in runner.output.read_text(encoding="utf-8")
    summary = runner.summary.read_text(encoding="utf-8").strip().splitlines()
    assert summary[-1] == f"**{last}**"
