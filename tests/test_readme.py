"""Every Python snippet in README.md runs, in order and then each alone (a fresh namespace:
it imports and builds what it uses), against one mock started the way the README says, so
the examples can be re-run on it; once answering 201 and once 200."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
pytestmark = pytest.mark.servers


def snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def readme_environment() -> dict[str, str]:
    """The `export` lines of the README, as a newcomer would paste them."""
    text = README.read_text(encoding="utf-8")
    pairs = re.findall(r"(DYNAMIC_[A-Z_]+)=(\S+)", "\n".join(re.findall(r"export (.*)", text)))
    return dict(pairs)


@contextlib.contextmanager
def readme_mock(*extra: str) -> Iterator[str]:
    """The README's mock command, on a free port; yields its base URL."""
    command = re.search(r"python -m dynamic_sdk_mock (.*)", README.read_text(encoding="utf-8"))
    assert command is not None
    args = command.group(1).replace("--port 8080", "--port 0").split()
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "dynamic_sdk_mock", *args, *extra, "--log-level", "warning"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://\S+", line)
        assert match, line
        yield match.group(0)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_readme_has_the_client_snippets() -> None:
    assert len(snippets()) >= 5
    assert set(readme_environment()) == {
        "DYNAMIC_BASE_URL",
        "DYNAMIC_API_TOKEN",
        "DYNAMIC_ENVIRONMENT_ID",
        "DYNAMIC_VERIFICATION_UUID",
    }


@pytest.mark.parametrize("success", ["201", "200"])
def test_readme_snippets_run_against_the_readme_mock(
    success: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = readme_environment()
    with readme_mock("--success-status", success) as url:
        for name, value in environment.items():
            monkeypatch.setenv(name, value.replace("http://127.0.0.1:8080", url))
        namespace: dict[str, object] = {"__name__": "readme"}
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            for number, code in enumerate(snippets(), start=1):
                exec(compile(code, f"README.md snippet {number}", "exec"), namespace)  # noqa: S102
        in_order = httpx.get(url + "/__mock/outbox").json()["messages"]
        alone = io.StringIO()
        with contextlib.redirect_stdout(alone):
            for number, code in enumerate(snippets(), start=1):
                fresh = {"__name__": "readme"}
                exec(compile(code, f"README.md snippet {number} alone", "exec"), fresh)  # noqa: S102
        again = httpx.get(url + "/__mock/outbox").json()["messages"]
    printed = output.getvalue()
    assert f"{os.environ['DYNAMIC_VERIFICATION_UUID']} US" in printed
    assert "[('phoneNumber', 'pattern'), ('isoCountryCode', 'maxLength')]" in printed
    assert "no such verification: verification_not_found" in printed
    assert "9171113333" in printed  # the async snippet prints the phone number it got back
    assert len(in_order) == 3  # sync, async and the patient client each sent one code
    assert alone.getvalue() == printed  # alone, on the same mock, each says the same
    assert len(again) == 6  # and re-running them sent three more (no 422 for too many)
