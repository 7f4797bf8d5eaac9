"""Helpers for tests that build the distributions and use them from a fresh virtualenv,
with no checkout on the path (fixtures: tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOTS = {
    "dynamic_sdk_runtime": ROOT / "runtime",
    "dynamic_sdk_client": ROOT,
    "dynamic_sdk_mock": ROOT / "mock",
    "dynamic_sdk_contract": ROOT / "contract_tests",
}
CI_TOKEN = "contract-ci-token"
"""The token the installed mock of tests/conftest.py accepts."""


def run(*args: str | Path, cwd: Path | None = None) -> str:
    """Run a command of our own tools; fail the test with its output unless it exits 0."""
    result = subprocess.run(  # noqa: S603 - fixed argv of our own tools
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def fresh_venv(wheels: list[Path], folder: Path, *extra: str) -> Path:
    """A new virtualenv under `folder` with the built wheels (and `extra` requirements)."""
    environment = folder / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", *(p for p in wheels if p.suffix == ".whl"),
        *extra)  # fmt: skip
    return python


def clean_environment() -> dict[str, str]:
    """No checkout on the path, and none of this project's CI switches or credentials."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "HYPOTHESIS_PROFILE")
    return {
        k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("DYNAMIC_")
    }


def shown(result: subprocess.CompletedProcess[str]) -> str:
    """The tail of a command's output, for an assertion message."""
    return result.stdout[-3000:] + result.stderr[-3000:]
