"""The four distributions build from their own roots, pass `twine check`, carry no file
URLs, and work from a fresh virtualenv with no checkout on the path: import the client,
start the installed mock with `python -m dynamic_sdk_mock`, make one call, and run the
installed contract suite (`python -m contract_tests`) against the embedded mock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOTS = {
    "dynamic_sdk_runtime": ROOT / "runtime",
    "dynamic_sdk_client": ROOT,
    "dynamic_sdk_mock": ROOT / "mock",
    "dynamic_sdk_contract": ROOT / "contract_tests",
}

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


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argv of our own tools
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    dist = tmp_path_factory.mktemp("dist")
    for source in ROOTS.values():
        _run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", dist, source)
    return sorted(dist.iterdir())


def test_every_distribution_builds_and_passes_twine_check(wheels: list[Path]) -> None:
    names = {path.name.split("-")[0] for path in wheels}
    assert names == set(ROOTS)
    assert len(wheels) == 2 * len(ROOTS)  # a wheel and an sdist each
    _run(sys.executable, "-m", "twine", "check", "--strict", *wheels)


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


def _fresh_venv(wheels: list[Path], folder: Path) -> Path:
    environment = folder / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", *(p for p in wheels if p.suffix == ".whl"))
    return python


def _clean_environment() -> dict[str, str]:
    """No checkout on the path, and none of this project's CI switches."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "DYNAMIC_CONTRACT_REQUIRE_PRISM", "HYPOTHESIS_PROFILE")
    return {k: v for k, v in os.environ.items() if k not in dropped}


@pytest.fixture(scope="module")
def installed(wheels: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _fresh_venv(wheels, tmp_path_factory.mktemp("installed"))


def test_installed_wheels_work_without_a_checkout(installed: Path, tmp_path: Path) -> None:
    script = tmp_path / "smoke.py"
    script.write_text(SMOKE, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - the fresh venv's python on our own script
        [str(installed), str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_clean_environment(),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.strip() == "sent 0.2.0 US"


def test_the_installed_contract_suite_runs_against_the_embedded_mock(
    installed: Path, tmp_path: Path
) -> None:
    script = installed.parent / "dynamic-sdk-contract"
    listed = subprocess.run(  # noqa: S603 - the installed console script
        [str(script), "--collect-only", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_clean_environment(),
    )
    assert listed.returncode == 0, listed.stdout[-3000:] + listed.stderr[-3000:]
    assert "test_check[" in listed.stdout
    result = subprocess.run(  # noqa: S603 - the fresh venv's python, the installed suite
        [str(installed), "-m", "contract_tests", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_clean_environment(),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
    assert (tmp_path / "reports" / "contract-summary.json").is_file()
    assert (tmp_path / "reports" / "junit-contract.xml").is_file()
