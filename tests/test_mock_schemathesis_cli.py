"""Schemathesis's own CLI, every check, against the mock over a real socket, both modes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dynamic_sdk_mock import MockConfig, running_mock

FRAGMENT = Path(__file__).resolve().parent.parent / "openapi" / "retry-sms-verification.yaml"
TOKEN = "cli-token"


@pytest.mark.parametrize("lenient", [False, True], ids=["default", "lenient"])
def test_schemathesis_cli_finds_no_issue(lenient: bool, tmp_path: Path) -> None:
    with running_mock(MockConfig(token=TOKEN, lenient=lenient)) as mock:
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                str(FRAGMENT),
                "--url",
                mock.url + "/api/v0",
                "-H",
                f"Authorization: Bearer {TOKEN}",
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "8",
                "--seed",
                "20261127",
                "--workers",
                "1",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=tmp_path,
            env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
            check=False,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    counts = re.search(r"(\d+) generated, (\d+) passed", output)
    assert counts is not None, output[-4000:]
    assert counts.group(1) == counts.group(2) != "0", output[-4000:]  # every case passed
    assert "failed" not in output.lower().split("test cases:")[-1], output[-4000:]
    assert TOKEN not in output.replace(f"Bearer {TOKEN}", "")  # only our own -H echo, if any
