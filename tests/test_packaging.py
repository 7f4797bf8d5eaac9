"""The four distributions build from their own roots, pass `twine check`, carry no file
URLs, and work from a fresh virtualenv with no checkout on the path: import the client,
start the installed mock with `python -m dynamic_sdk_mock`, make one call, run the
installed contract suite (`python -m contract_tests`) against the embedded mock, and point
`--help` at documentation the wheels ship. (The README's CI job: tests/test_action.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from codegen import release
from contract_tests.core.settings import EXIT_INCONCLUSIVE
from contract_tests.plugin import OPTIONS
from contract_tests.run.targets import PRISM_PACKAGE

from .wheelhouse import ROOT, ROOTS, clean_environment, run, shown

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


def _wheel_names(wheels: list[Path], distribution: str) -> list[str]:
    wheel = next(p for p in wheels if p.name.startswith(distribution) and p.suffix == ".whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _runtime_modules_imported_by(*folders: Path) -> set[str]:
    """`dynamic_sdk_runtime.X` modules that the code in these folders imports."""
    found: set[str] = set()
    for folder in folders:
        for source in folder.rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            found |= set(re.findall(r"dynamic_sdk_runtime\.(\w+)", text))
    return found


def test_the_runtime_wheel_holds_what_the_client_and_the_mock_run(wheels: list[Path]) -> None:
    """Every runtime module is imported by the generated client or the mock, or by another
    runtime module (the checker's parts); the suite's pattern parser is not among them."""
    names = _wheel_names(wheels, "dynamic_sdk_runtime")
    shipped = {
        Path(n).stem for n in names if n.startswith("dynamic_sdk_runtime/") and n.endswith(".py")
    } - {"__init__"}
    used = _runtime_modules_imported_by(ROOT / "generated", ROOT / "mock" / "dynamic_sdk_mock")
    runtime = ROOT / "runtime" / "dynamic_sdk_runtime"
    for module in sorted(used):
        used |= _runtime_modules_imported_by(runtime / f"{module}.py")
        text = (runtime / f"{module}.py").read_text(encoding="utf-8")
        used |= set(re.findall(r"^from \.(\w+) import", text, re.M))
    assert shipped <= used, f"shipped but run by no client or mock: {shipped - used}"
    assert "pattern_nodes" not in shipped


def test_the_suite_wheel_holds_no_self_check_material(wheels: list[Path]) -> None:
    """The servers, oracle and table builder the project's own tests use stay out of the
    installed suite; the suite's own layers and its pattern parser are in it."""
    names = _wheel_names(wheels, "dynamic_sdk_contract")
    support = {
        p.name for p in (ROOT / "tests" / "support").iterdir() if p.suffix in (".py", ".mjs")
    }
    shipped = {Path(n).name for n in names if n.startswith("contract_tests/")}
    assert not (support - {"__init__.py"}) & shipped, (support - {"__init__.py"}) & shipped
    for layer in ("core", "plan", "judge", "run", "report"):
        assert f"contract_tests/{layer}/__init__.py" in names, layer
    assert "contract_tests/core/pattern_nodes.py" in names


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


SAMPLES: dict[str, list[str]] = {
    "--target": ["mock"],
    "--base-url": ["http://127.0.0.1:9/api/v0"],
    "--no-auth": [],
    "--no-prism": [],
    "--strict-assumptions": [],
    "--max-requests": ["60"],
    "--rate": ["3/min"],
    "--max-wait": ["65"],
    "--sms-budget": ["0"],
    "--min-judged": ["0.5"],
    "--unicode-version": ["17.0"],
    "--replay": ["contract-replay.json"],
    "--state": ["contract-state.json"],
    "--state-max-age": ["30"],
    "--hypothesis-seed": ["7"],
}
"""A value for every option of the plugin (a new option without one fails here)."""


@pytest.mark.parametrize(
    "command",
    [
        ["dynamic-sdk-contract"],
        # CI: the console script; `nox -s slow`: the other two doors to the same options
        pytest.param(["python", "-m", "contract_tests"], marks=pytest.mark.slow),
        pytest.param(
            ["python", "-m", "pytest", "-p", "contract_tests.plugin", "--pyargs", "contract_tests"],
            marks=pytest.mark.slow,
        ),
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


@pytest.mark.slow  # CI time: a whole installed run to read one hint
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


@pytest.mark.parametrize(
    ("command", "readme"),
    [
        (["dynamic-sdk-contract"], ROOT / "contract_tests" / "README.md"),
        (["python", "-m", "dynamic_sdk_mock"], ROOT / "mock" / "dynamic_sdk_mock" / "README.md"),
    ],
    ids=["contract", "mock"],
)
def test_the_installed_help_points_at_documentation_the_wheel_ships(
    installed: Path, tmp_path: Path, command: list[str], readme: Path
) -> None:
    """`--help` names no file of the repository; its `--readme` prints the shipped README."""
    binary = [str(installed.parent / command[0]), *command[1:]]
    helped = subprocess.run(  # noqa: S603 - the installed commands
        [*binary, "--help"], cwd=tmp_path, capture_output=True, text=True, env=clean_environment()
    )
    assert helped.returncode == 0, shown(helped)
    assert "docs/" not in helped.stdout
    assert "--readme" in helped.stdout
    printed = subprocess.run(  # noqa: S603 - the installed commands
        [*binary, "--readme"], cwd=tmp_path, capture_output=True, text=True, env=clean_environment()
    )
    assert printed.returncode == 0, shown(printed)
    assert printed.stdout == readme.read_text(encoding="utf-8")
