"""The four distributions build from their own roots, pass `twine check`, carry no file
URLs, and work from a fresh virtualenv with no checkout on the path: import the client,
start the installed mock with `python -m dynamic_sdk_mock`, make one call, run the
installed contract suite (`python -m contract_tests`) against the embedded mock, and run
the README's CI job, step by step, against the installed mock: green with the right token,
a usage error without one, inconclusive with a wrong one."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen import release
from contract_tests.plugin import EXIT_INCONCLUSIVE, OPTIONS, TOKEN_VARIABLE
from contract_tests.targets import PRISM_PACKAGE

from .wheelhouse import CI_TOKEN, ROOT, ROOTS, clean_environment, run, shown

SMOKE = """
import os, re, subprocess, sys
from dynamic_sdk_client import AuthenticatedClient, __version__
from dynamic_sdk_client.api.sdk import retry_sms_verification
from dynamic_sdk_client.models import SmsVerificationRetryRequest
assert "site-packages" in retry_sms_verification.__file__, retry_sms_verification.__file__
mock = subprocess.Popen(
    [sys.executable, "-m", "dynamic_sdk_mock", "--port", "0", "--seed-example",
     "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
try:
    url = re.search(r"http://\\S+", mock.stdout.readline()).group(0)
    env = "95b11417-f18f-457f-8804-68e361f9164f"
    body = SmsVerificationRetryRequest(verification_uuid=env, phone_country_code="1",
                                       phone_number="9171113333", iso_country_code="US")
    with AuthenticatedClient(base_url=url + "/api/v0", token="mock-token") as client:
        sent = retry_sms_verification.sync(env, client=client, body=body)
    print("sent", __version__, sent.iso_country_code)
finally:
    mock.terminate()
    mock.wait(timeout=10)
"""


def test_every_distribution_builds_and_passes_twine_check(wheels: list[Path]) -> None:
    names = {path.name.split("-")[0] for path in wheels}
    assert names == set(ROOTS)
    assert len(wheels) == 2 * len(ROOTS)  # a wheel and an sdist each
    run(sys.executable, "-m", "twine", "check", "--strict", *wheels)


def test_metadata_names_versions_not_file_urls(wheels: list[Path]) -> None:
    for wheel in (path for path in wheels if path.suffix == ".whl"):
        with zipfile.ZipFile(wheel) as archive:
            metadata = next(n for n in archive.namelist() if n.endswith("METADATA"))
            text = archive.read(metadata).decode()
        assert "file:" not in text, wheel.name
        for requirement in re.findall(r"^Requires-Dist: (dynamic-sdk-\S+ .*)$", text, re.M):
            assert "==" in requirement, requirement


def test_the_client_wheel_ships_the_fragment(wheels: list[Path]) -> None:
    wheel = next(
        p for p in wheels if p.name.startswith("dynamic_sdk_client") and p.suffix == ".whl"
    )
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "dynamic_sdk_client/openapi.json" in names
    assert "dynamic_sdk_client/py.typed" in names
    assert not any(name.startswith("dynamic_sdk_runtime/") for name in names)


def test_installed_wheels_work_without_a_checkout(installed: Path, tmp_path: Path) -> None:
    script = tmp_path / "smoke.py"
    script.write_text(SMOKE, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - the fresh venv's python on our own script
        [str(installed), str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_environment(),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.strip() == f"sent {release.version()} US"


def test_the_installed_contract_suite_runs_against_the_embedded_mock(
    installed: Path, tmp_path: Path
) -> None:
    script = installed.parent / "dynamic-sdk-contract"
    listed = subprocess.run(  # noqa: S603 - the installed console script
        [str(script), "--collect-only", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_environment(),
    )
    assert listed.returncode == 0, listed.stdout[-3000:] + listed.stderr[-3000:]
    assert "test_check[" in listed.stdout
    result = subprocess.run(  # noqa: S603 - the fresh venv's python, the installed suite
        [str(installed), "-m", "contract_tests", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_environment(),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("verdict: PASS (exit 0): mock ")
    assert (tmp_path / "reports" / "contract-summary.json").is_file()
    assert (tmp_path / "reports" / "junit-contract.xml").is_file()


README = ROOT / "README.md"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def readme_ci_job() -> dict[str, Any]:
    """The GitHub Actions job of README.md's one YAML block (test and README cannot drift)."""
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, "README.md should have exactly one YAML block: the CI job"
    job: dict[str, Any] = yaml.safe_load(blocks[0])["contract"]
    return job


def _run_ci_job(
    installed: Path, wheels: list[Path], cwd: Path, expressions: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """Every `run:` step of the README's job, verbatim, with bash, until one fails.

    The fresh virtualenv stands in for setup-python (first on PATH), pip sees only the built
    wheels, and each `${{ ... }}` takes its value from `expressions` (an unknown one fails).
    """
    job = readme_ci_job()
    actions = {step["uses"].split("@")[0] for step in job["steps"] if "uses" in step}
    assert actions == {"actions/setup-python", "actions/upload-artifact"}
    base = clean_environment() | {
        "PATH": f"{installed.parent}{os.pathsep}{os.environ['PATH']}",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels[0].parent),
    }
    result: subprocess.CompletedProcess[str] | None = None
    for step in (step for step in job["steps"] if "run" in step):
        env = base | {
            name: EXPRESSION.sub(lambda match: expressions[match.group(1)], str(value))
            for name, value in step.get("env", {}).items()
        }
        result = subprocess.run(  # noqa: S603 - the README's own steps
            ["bash", "-e", "-c", step["run"]],  # noqa: S607 - bash, as a runner uses
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            break
    assert result is not None, "the README's job has no run: step"
    return result


def _expressions(url: str, token: str) -> dict[str, str]:
    """The repository's variables and secrets the job reads, pointed at the installed mock.

    The rate is a repository variable in the job (the vendor's limit depends on the plan):
    5/min would make this test take 12 minutes.
    """
    return {
        "vars.DYNAMIC_BASE_URL": url,
        "vars.DYNAMIC_ENVIRONMENT_ID": "95b11417-f18f-457f-8804-68e361f9164f",
        "secrets.DYNAMIC_API_TOKEN": token,
        "vars.CONTRACT_RATE || '5/min'": "6000/min",
    }


def _summary(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "reports" / "contract-summary.json").read_text())
    return data


def test_the_readme_ci_job_passes_against_the_installed_mock(
    installed: Path, wheels: list[Path], installed_mock: str, tmp_path: Path
) -> None:
    result = _run_ci_job(installed, wheels, tmp_path, _expressions(installed_mock, CI_TOKEN))
    assert result.returncode == 0, shown(result)
    assert result.stdout.strip().splitlines()[-1].startswith("verdict: PASS (exit 0): base-url")
    verdict = _summary(tmp_path)["meta"]["verdict"]
    assert verdict["word"] == "PASS"
    assert verdict["targets"][0]["judged"] >= 0.5 * verdict["targets"][0]["in_scope"]
    reports = tmp_path / "reports"  # what the job's upload step keeps
    assert (reports / "junit-contract.xml").is_file()
    assert CI_TOKEN not in result.stdout + result.stderr
    for report in reports.iterdir():
        assert CI_TOKEN not in report.read_text(encoding="utf-8"), report.name


def test_the_readme_ci_job_without_a_token_is_a_usage_error(
    installed: Path, wheels: list[Path], installed_mock: str, tmp_path: Path
) -> None:
    """A missing secret is an empty string in GitHub Actions."""
    result = _run_ci_job(installed, wheels, tmp_path, _expressions(installed_mock, ""))
    assert result.returncode == 4, shown(result)
    assert f"--base-url needs {TOKEN_VARIABLE}" in result.stderr
    assert not (tmp_path / "reports" / "contract-summary.json").exists()


def test_the_readme_ci_job_with_a_wrong_token_is_inconclusive(
    installed: Path, wheels: list[Path], installed_mock: str, tmp_path: Path
) -> None:
    result = _run_ci_job(installed, wheels, tmp_path, _expressions(installed_mock, "wrong"))
    assert result.returncode == EXIT_INCONCLUSIVE, shown(result)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"verdict: INCONCLUSIVE (exit {EXIT_INCONCLUSIVE}): base-url"), last
    assert "no verdict from status 401" in last
    assert _summary(tmp_path)["meta"]["verdict"]["word"] == "INCONCLUSIVE"


SAMPLES: dict[str, list[str]] = {
    "--target": ["mock"],
    "--base-url": ["http://127.0.0.1:9/api/v0"],
    "--no-auth": [],
    "--no-prism": [],
    "--max-requests": ["60"],
    "--rate": ["5/min"],
    "--max-wait": ["65"],
    "--sms-budget": ["0"],
    "--min-judged": ["0.5"],
    "--unicode-version": ["17.0"],
    "--replay": ["contract-replay.json"],
}
"""A value for every option of the plugin (a new option without one fails here)."""


@pytest.mark.parametrize(
    "command",
    [
        ["dynamic-sdk-contract"],
        ["python", "-m", "contract_tests"],
        ["python", "-m", "pytest", "-p", "contract_tests.plugin", "--pyargs", "contract_tests"],
    ],
    ids=["console-script", "python-m", "pytest-pyargs"],
)
def test_the_installed_commands_accept_every_option(
    installed: Path, tmp_path: Path, command: list[str]
) -> None:
    options = [part for option in OPTIONS for part in (option.names[0], *SAMPLES[option.names[0]])]
    result = subprocess.run(  # noqa: S603 - the fresh venv's own commands
        [str(installed.parent / command[0]), *command[1:], *options, "--collect-only", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_environment(),
    )
    assert result.returncode == 0, shown(result)
    assert "test_check[" in result.stdout


def test_the_installed_help_shows_the_suites_options_first(installed: Path) -> None:
    result = subprocess.run(  # noqa: S603 - the installed console script
        [str(installed.parent / "dynamic-sdk-contract"), "--help"],
        capture_output=True,
        text=True,
        env=clean_environment(),
    )
    assert result.returncode == 0, shown(result)
    lines = result.stdout.splitlines()
    groups = [line for line in lines if line and not line.startswith(" ") and line.endswith(":")]
    assert groups[:2] == ["options:", "target (which server is judged):"]
    options = result.stdout.split("\nenvironment:")[0]  # the epilog lists variables after
    assert re.sub(r"\s", "", options).count("(default:") == len(OPTIONS)  # lines wrap
    assert f"{EXIT_INCONCLUSIVE}  inconclusive" in result.stdout


def test_the_installed_prism_hint_assumes_no_checkout(installed: Path, tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - the installed console script
        [str(installed.parent / "dynamic-sdk-contract"), "--target", "prism", "-x", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_environment(),
    )
    assert result.returncode == 1, shown(result)
    assert f"npm install {PRISM_PACKAGE}" in result.stdout
    assert "repository root" not in result.stdout
