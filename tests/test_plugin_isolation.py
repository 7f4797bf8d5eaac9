"""Installing the suite changes nothing in other pytest runs (issue 23): with
pytest-base-url installed beside it (pytest-playwright and pytest-selenium pull it in), a
team's own tests that use `--base-url` still pass, and the installed suite still runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .wheelhouse import CI_TOKEN, clean_environment, fresh_venv, shown

PYTEST_BASE_URL = "pytest-base-url==2.1.0"
"""The plugin whose --base-url (dest `base_url`) the suite's option once clashed with."""

FOREIGN_TEST = """
def test_the_base_url_fixture_is_pytest_base_urls(base_url):
    assert base_url == "http://example.invalid/app"
"""


@pytest.fixture(scope="module")
def beside_base_url(wheels: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the four wheels and pytest-base-url."""
    return fresh_venv(wheels, tmp_path_factory.mktemp("beside"), PYTEST_BASE_URL)


def _run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the fresh venv's own commands
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=clean_environment() | {"DYNAMIC_API_TOKEN": CI_TOKEN},
        timeout=600,
    )


def test_a_foreign_test_run_keeps_pytest_base_urls_option(
    beside_base_url: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_foreign.py").write_text(FOREIGN_TEST, encoding="utf-8")
    command: list[str | Path] = [beside_base_url, "-m", "pytest", "-p", "no:cacheprovider"]
    command.append("test_foreign.py")
    result = _run([*command, "--base-url", "http://example.invalid/app"], tmp_path)
    assert result.returncode == 0, shown(result)
    assert "1 passed" in result.stdout
    listed = _run([beside_base_url, "-m", "pytest", "--help"], tmp_path)
    assert listed.returncode == 0, shown(listed)
    assert "--sms-budget" not in listed.stdout  # the suite's options stay in the suite's runs


def test_the_installed_suite_runs_beside_pytest_base_url(
    beside_base_url: Path, installed_mock: str, tmp_path: Path
) -> None:
    script = beside_base_url.parent / "dynamic-sdk-contract"
    result = _run([script, "--base-url", installed_mock, "--rate", "6000/min", "-q"], tmp_path)
    assert result.returncode == 0, shown(result)
    assert result.stdout.strip().splitlines()[-1].startswith("verdict: PASS (exit 0): base-url")
