"""The suite's command-line options: one table for pytest and for `dynamic-sdk-contract --help`.

Why a plugin of its own: pytest parses the command line before it collects the installed
package, so options defined in `conftest.py` are unknown to `python -m contract_tests`,
`dynamic-sdk-contract` and `pytest --pyargs contract_tests`. This module is loaded first
(`-p contract_tests.plugin` by `__main__` or by hand, `pytest_plugins` in the checkout's
root conftest; no pytest11 entry point, so other pytest runs never see it) and does nothing
unless its options are used: it only adds them and refuses bad values before anything is sent.

PYTEST_DONT_REWRITE: `__main__` imports it before pytest starts (no assertions here).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contract_tests.core.model import TargetKind
from contract_tests.core.settings import (
    DEFAULT_MIN_JUDGED,
    DEFAULT_STATE_MAX_AGE_DAYS,
    EXIT_INCONCLUSIVE,
    REMOTE_MAX_REQUESTS,
    REMOTE_RATE,
    STATE_VARIABLE,
    TOKEN_VARIABLE,
    env_name,
    state_file,
)
from contract_tests.core.spec import fragment
from contract_tests.core.unicode_ages import VERSIONS

__all__ = [
    "GROUPS",
    "OPTIONS",
    "Option",
    "rate_per_minute",
    "selected",
    "state_path",
    "token",
]


@dataclass(frozen=True)
class Option:
    """One option: its names, argparse keywords, and the default as the help shows it."""

    names: tuple[str, ...]
    group: str
    help: str
    default_text: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    defined_by: str | None = None
    """Another pytest plugin that adds the option itself (here only listed in --help)."""

    def full_help(self) -> str:
        return f"{self.help} (default: {self.default_text})"


GROUPS: dict[str, str] = {
    "target": "target (which server is judged)",
    "budget": "budget (how much is sent to a real server)",
    "verdict": "verdict",
    "reproduce": "reproduce",
}

OPTIONS: tuple[Option, ...] = (
    Option(
        ("--target",),
        "target",
        "server to test: the embedded mock, Stoplight Prism (needs Node.js and "
        "@stoplight/prism-cli), or the vendor sandbox (DYNAMIC_SANDBOX_BASE_URL, "
        f"DYNAMIC_<PATH_PARAMETER> for each path parameter, {TOKEN_VARIABLE})",
        "mock",
        {
            "choices": (TargetKind.MOCK, TargetKind.PRISM, TargetKind.SANDBOX),
            "default": TargetKind.MOCK,
        },
    ),
    Option(
        ("--base-url",),
        "target",
        "test any server at this URL (the fragment's paths live under it); token from "
        f"{TOKEN_VARIABLE}, path values from DYNAMIC_<PATH_PARAMETER> (else generated)",
        "none (the embedded mock)",
        {"metavar": "URL", "default": None},
    ),
    Option(
        ("--no-auth",),
        "target",
        f"send no bearer token to --base-url/sandbox (the vendor's own SDK sends none); "
        f"without it a missing {TOKEN_VARIABLE} is a usage error",
        "off",
        {"action": "store_true", "default": False},
    ),
    Option(
        ("--no-prism",),
        "target",
        "leave out the Prism comparison of the default (embedded mock) run",
        "off (compared when Node.js and Prism are installed)",
        {"action": "store_true", "default": False},
    ),
    Option(
        ("--max-requests",),
        "budget",
        "at most N requests per target; boundaries first, then more examples",
        f"unlimited for mock/prism, {REMOTE_MAX_REQUESTS} for --base-url/sandbox",
        {"type": int, "metavar": "N", "default": None},
    ),
    Option(
        ("--rate",),
        "budget",
        "at most N requests per minute, e.g. 3/min, counted from the end of each answer; "
        "a 429 slows the pace for the rest of the run (Retry-After, RateLimit-*)",
        f"unlimited for mock/prism, {REMOTE_RATE:g}/min for --base-url/sandbox: the vendor's "
        "published limit per IP for one-time-password endpoints (its rate-limit page)",
        {"metavar": "N/min", "default": None},
    ),
    Option(
        ("--max-wait",),
        "budget",
        "longest wait a 429 may impose, in seconds: its Retry-After, and the pace it teaches",
        "65",
        {"type": float, "metavar": "S", "default": 65.0},
    ),
    Option(
        ("--sms-budget",),
        "budget",
        "requests a correct server must ACCEPT (may send an SMS) allowed against "
        "--base-url/sandbox; 0 = reject-only",
        "DYNAMIC_SANDBOX_SMS_BUDGET, else 0",
        {"type": int, "metavar": "N", "default": None},
    ),
    Option(
        ("--min-judged",),
        "verdict",
        "fraction of the checks in scope (all but those left out by design: valid requests "
        "in reject-only mode, Prism's any-token) a target must judge; below it the run is "
        f"INCONCLUSIVE, exit {EXIT_INCONCLUSIVE}",
        f"{DEFAULT_MIN_JUDGED:g}",
        {"type": float, "metavar": "FRACTION", "default": DEFAULT_MIN_JUDGED},
    ),
    Option(
        ("--strict-assumptions",),
        "verdict",
        "fail on answers that break only what the fragment assumes (x-documented-by: "
        "assumption) or carry a status it does not list; without it they are findings",
        "off (findings are reported, not failed)",
        {"action": "store_true", "default": False},
    ),
    Option(
        ("--unicode-version",),
        "verdict",
        "judge version-dependent letters/numbers against this Unicode version "
        "(15.0, 15.1, 16.0, 17.0, 18.0)",
        "none (reported as version-dependent, never failing)",
        {"metavar": "V", "default": None},
    ),
    Option(
        ("--replay",),
        "reproduce",
        "re-send exactly the requests of a replay file (reports/contract-replay.json)",
        "none (the seeded plan)",
        {"metavar": "FILE", "default": None},
    ),
    Option(
        ("--state",),
        "reproduce",
        "carry the plan across runs in this file: re-send what failed, check a few answers "
        "still hold, then send the plan's next unsent probes; earlier verdicts count, dated "
        "(never a token, a phone number or a response body in it)",
        f"{STATE_VARIABLE}, else none (every run starts from the plan's first probe)",
        {"metavar": "FILE", "default": None},
    ),
    Option(
        ("--state-max-age",),
        "reproduce",
        "answers and evidence in the state file older than this many days are dropped",
        f"{DEFAULT_STATE_MAX_AGE_DAYS:g}",
        {"type": float, "metavar": "DAYS", "default": DEFAULT_STATE_MAX_AGE_DAYS},
    ),
    Option(
        ("--hypothesis-seed",),
        "reproduce",
        "the seed of the run: the same seed builds the same plan and the same draws",
        "drawn per run, printed in the summary",
        {"metavar": "N", "default": None},
        defined_by="hypothesis",
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add every option of the table to pytest's parser, one group per table group."""
    for key, title in GROUPS.items():
        group = parser.getgroup(f"contract-{key}", f"dynamic-sdk-contract: {title}")
        for option in OPTIONS:
            if option.group == key and option.defined_by is None:
                group.addoption(*option.names, help=option.full_help(), **option.kwargs)


def normalize_version(version: str) -> str:
    """'16' -> '16.0'; '17.0.1' -> '17.0'; must be a tabled Unicode version."""

    short = ".".join([*version.split("."), "0"][:2])
    if short not in VERSIONS:
        raise ValueError(f"--unicode-version must be one of {', '.join(VERSIONS)}")
    return short


def selected(config: pytest.Config) -> TargetKind:
    """The target kind the command line selects: base-url, sandbox, prism or mock."""
    if config.getoption("--base-url"):
        return TargetKind.BASE_URL
    return TargetKind(config.getoption("--target"))


def token(config: pytest.Config) -> str | None:
    """The bearer token for --base-url/sandbox: None with --no-auth."""
    if config.getoption("--no-auth"):
        return None
    return os.environ.get(TOKEN_VARIABLE) or None


def state_path(config: pytest.Config) -> Path | None:
    """The state file: --state, else $DYNAMIC_CONTRACT_STATE, else None."""
    return state_file(config.getoption("--state"))


def rate_per_minute(raw: str | None) -> float | None:
    """`5/min` -> 5.0; a malformed value is a usage error."""
    if raw is None:
        return None
    number = raw.strip().lower().removesuffix("/min").removesuffix("/m")
    try:
        return float(number)
    except ValueError:
        raise pytest.UsageError(f"--rate expects N/min, got {raw!r}") from None


def pytest_configure(config: pytest.Config) -> None:
    """Refuse bad option values and a remote target without credentials, before any request."""
    rate_per_minute(config.getoption("--rate"))
    fraction = config.getoption("--min-judged")
    if not 0.0 <= fraction <= 1.0:
        raise pytest.UsageError(f"--min-judged expects a fraction from 0 to 1, got {fraction}")
    raw = config.getoption("--unicode-version")
    if raw is not None:
        try:
            normalize_version(str(raw))
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
    max_age = config.getoption("--state-max-age")
    if not max_age > 0:
        raise pytest.UsageError(f"--state-max-age expects a number of days above 0, got {max_age}")
    kind = selected(config)
    if kind is TargetKind.SANDBOX:
        path_names = {p.name for op in fragment().operations for p in op.located("path")}
        needed = ["DYNAMIC_SANDBOX_BASE_URL", *sorted(env_name(name) for name in path_names)]
        missing = [name for name in needed if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(f"--target sandbox needs {' and '.join(missing)}")
    if kind.remote and token(config) is None and not config.getoption("--no-auth"):
        flag = "--base-url" if kind is TargetKind.BASE_URL else "--target sandbox"
        raise pytest.UsageError(
            f"{flag} needs {TOKEN_VARIABLE} (the bearer token); nothing was sent. "
            "Pass --no-auth for a server that takes no token."
        )
