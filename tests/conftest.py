"""Built distributions shared by the packaging, plugin, install-docs and action tests.

Session-scoped so the four wheels and their virtualenv are built once per run, however
many `build` modules use them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .wheelhouse import CI_TOKEN, ROOTS, clean_environment, fresh_venv, run


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A wheel and an sdist of each distribution, built from its own root."""
    dist = tmp_path_factory.mktemp("dist")
    # uv makes build's isolated environments in a fraction of pip's time, where it is here
    installer = ["--installer", "uv"] if shutil.which("uv") else []
    for source in ROOTS.values():
        run(
            sys.executable,
            "-m",
            "build",
            *installer,
            "--sdist",
            "--wheel",
            "--outdir",
            dist,
            source,
        )
    return sorted(dist.iterdir())


@pytest.fixture(scope="session")
def installed(wheels: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh virtualenv holding the four wheels."""
    return fresh_venv(wheels, tmp_path_factory.mktemp("installed"))


@pytest.fixture(scope="session")
def installed_mock(installed: Path) -> Iterator[str]:
    """The installed mock as a team would start it, with a token; yields the base URL."""
    process = subprocess.Popen(  # noqa: S603 - the fresh venv's python, the installed mock
        [
            *(str(installed), "-m", "dynamic_sdk_mock", "--port", "0"),
            *("--token", CI_TOKEN, "--log-level", "warning"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=clean_environment(),
    )
    try:
        assert process.stdout is not None
        found = re.search(r"http://\S+", process.stdout.readline())
        assert found, "the installed mock printed no URL"
        yield found.group(0).rstrip("/") + "/api/v0"
    finally:
        process.terminate()
        process.wait(timeout=10)
