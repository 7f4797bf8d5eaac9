"""Every Python snippet in README.md runs, in order, against the embedded mock."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from dynamic_sdk_mock import MockConfig, running_mock

README = Path(__file__).resolve().parent.parent / "README.md"
ENVIRONMENT_ID = "95b11417-f18f-457f-8804-68e361f9164f"
VERIFICATION = "0c4f4a4e-2f6b-4c36-9a55-0a7f0d1e2b3c"
TOKEN = "readme-token"


def snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_readme_has_the_client_snippets() -> None:
    assert len(snippets()) >= 5


def test_readme_snippets_run_against_the_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    config = MockConfig(token=TOKEN, max_retries=10, cooldown_seconds=0.0)
    with running_mock(config) as mock:
        mock.state.seed(ENVIRONMENT_ID, VERIFICATION, "1", "9171113333", "US")
        monkeypatch.setenv("DYNAMIC_BASE_URL", mock.url + "/api/v0")
        monkeypatch.setenv("DYNAMIC_API_TOKEN", TOKEN)
        monkeypatch.setenv("DYNAMIC_ENVIRONMENT_ID", ENVIRONMENT_ID)
        monkeypatch.setenv("DYNAMIC_VERIFICATION_UUID", VERIFICATION)
        namespace: dict[str, object] = {"__name__": "readme"}
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            for number, code in enumerate(snippets(), start=1):
                exec(compile(code, f"README.md snippet {number}", "exec"), namespace)  # noqa: S102
        sent = mock.state.outbox()
    printed = output.getvalue()
    assert f"{VERIFICATION} US" in printed
    assert "no such verification: verification_not_found" in printed
    assert "9171113333" in printed  # the async snippet prints the phone number it got back
    assert len(sent) == 3  # sync, async and the patient client each sent one code
