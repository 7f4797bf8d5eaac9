"""Targets for the contract suite, chosen by pytest options, and the session summary.

pytest contract_tests                      # embedded mock on a free loopback port
                                           # (+ Prism comparison when Node/Prism are here)
pytest contract_tests --target prism       # Stoplight Prism on the fragment
pytest contract_tests --base-url URL       # any server (DYNAMIC_API_TOKEN, DYNAMIC_ENVIRONMENT_ID)
pytest contract_tests --target sandbox     # vendor sandbox: DYNAMIC_SANDBOX_BASE_URL etc.;
                                           # only requests the server must reject
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

from .report import RECORDER
from .strategies import BASELINE_FAMILIES, Family
from .targets import (
    ROOT,
    Target,
    TargetUnavailableError,
    detect_prefix,
    environment_id_from_env,
    prism_unavailable_reason,
    random_environment_id,
    start_prism,
)

MOCK_TOKEN = "contract-suite-token"
PRISM_TOKEN = "prism-accepts-any-bearer"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "retrySmsVerification contract suite")
    group.addoption(
        "--target",
        choices=("mock", "prism", "sandbox"),
        default="mock",
        help="server to test: the embedded mock (default), Stoplight Prism, or the vendor sandbox",
    )
    group.addoption(
        "--base-url",
        default=None,
        help="test any server at this URL (the operation lives at URL/sdk/...); "
        "token from DYNAMIC_API_TOKEN, environment id from DYNAMIC_ENVIRONMENT_ID",
    )


def _selected(config: pytest.Config) -> str:
    if config.getoption("--base-url"):
        return "base-url"
    return str(config.getoption("--target"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `probe` (a strategy family) over the probes this target may receive."""
    if "probe" not in metafunc.fixturenames:
        return
    kind = _selected(metafunc.config)
    families: list[Family] = list(BASELINE_FAMILIES)
    if kind == "sandbox":  # never send the vendor anything it might act on
        families = [family for family in families if not family.accept]
    metafunc.parametrize("probe", families, ids=[family.key for family in families])


def sms_budget() -> int:
    """DYNAMIC_SANDBOX_SMS_BUDGET: how many requests that may send a real SMS (default 0)."""
    return int(os.environ.get("DYNAMIC_SANDBOX_SMS_BUDGET", "0") or 0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Requests that may send a real SMS run only against the sandbox, within the budget."""
    if _selected(config) == "sandbox" and sms_budget() > 0:
        return
    keep = [item for item in items if item.get_closest_marker("sends_sms") is None]
    dropped = [item for item in items if item.get_closest_marker("sends_sms") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sends_sms: may send a real SMS; runs only with --target sandbox and a budget"
    )
    RECORDER.meta.update(
        hypothesis_seed=getattr(config.option, "hypothesis_seed", None),
        profile=settings.get_current_profile_name(),
        targets=[],
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RECORDER.tallies and not RECORDER.meta.get("schemathesis_cases"):
        return
    terminalreporter.section("contract summary")
    for line in RECORDER.lines():
        terminalreporter.write_line(line)
    RECORDER.write(ROOT / "reports")
    terminalreporter.write_line(f"written: {ROOT / 'reports' / 'contract-summary.json'} and .md")


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


@contextlib.contextmanager
def _embedded_mock() -> Iterator[Target]:
    try:
        from dynamic_sdk_mock import MockConfig, running_mock
    except ImportError as error:
        raise TargetUnavailableError(
            f"the embedded mock is not importable ({error}); install it: pip install -e ./mock"
        ) from error
    with running_mock(MockConfig(token=MOCK_TOKEN)) as mock:
        url = str(mock.url).rstrip("/")
        with httpx.Client(base_url=url, timeout=10) as client:
            prefix = detect_prefix(client, MOCK_TOKEN)
            yield Target("mock", client, prefix, MOCK_TOKEN, random_environment_id(), "mock", url)


@contextlib.contextmanager
def _prism() -> Iterator[Target]:
    with start_prism() as url, httpx.Client(base_url=url, timeout=10) as client:
        yield Target("prism", client, "", PRISM_TOKEN, random_environment_id(), "prism", url)


@contextlib.contextmanager
def _remote(kind: str, url: str) -> Iterator[Target]:
    token = os.environ.get("DYNAMIC_API_TOKEN")
    with httpx.Client(base_url=url.rstrip("/"), timeout=20) as client:
        yield Target(kind, client, "", token, environment_id_from_env(), kind, url.rstrip("/"))


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The server selected on the command line, started and stopped by the suite."""
    kind = _selected(request.config)
    try:
        if kind == "base-url":
            context = _remote("base-url", str(request.config.getoption("--base-url")))
        elif kind == "sandbox":
            url = os.environ.get("DYNAMIC_SANDBOX_BASE_URL")
            if not url or not os.environ.get("DYNAMIC_ENVIRONMENT_ID"):
                raise TargetUnavailableError(
                    "--target sandbox needs DYNAMIC_SANDBOX_BASE_URL and DYNAMIC_ENVIRONMENT_ID "
                    "(and DYNAMIC_API_TOKEN when the sandbox enforces auth)"
                )
            context = _remote("sandbox", url)
        elif kind == "prism":
            context = _prism()
        else:
            context = _embedded_mock()
        with context as selected:
            RECORDER.meta["targets"].append(selected.name)
            yield selected
    except TargetUnavailableError as error:
        _fail(str(error))


@pytest.fixture(scope="session")
def comparison_target(request: pytest.FixtureRequest) -> Iterator[Target | None]:
    """Prism beside the embedded mock in the default run, when Node and Prism are installed."""
    if _selected(request.config) != "mock":
        yield None
        return
    reason = prism_unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):  # CI promises the mock-vs-Prism comparison: never drop it quietly
            _fail(f"CI requires the Prism comparison, but {reason}")
        RECORDER.meta["prism_comparison"] = f"not run: {reason}"
        yield None
        return
    try:
        with _prism() as prism:
            RECORDER.meta["targets"].append(prism.name)
            RECORDER.meta["prism_comparison"] = "run"
            yield prism
    except TargetUnavailableError as error:
        _fail(str(error))


@pytest.fixture(scope="session")
def targets(target: Target, comparison_target: Target | None) -> list[Target]:
    """Every server the differential tests compare: the selected one, plus Prism if present."""
    return [target] if comparison_target is None else [target, comparison_target]


@pytest.fixture(scope="session")
def reports_dir() -> Path:
    return ROOT / "reports"
