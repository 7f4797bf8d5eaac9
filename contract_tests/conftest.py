"""Targets for the contract suite, chosen by pytest options, and the session summary.

pytest contract_tests                      # embedded mock on a free loopback port
                                           # (+ Prism comparison when Node/Prism are here)
pytest contract_tests --target prism       # Stoplight Prism on the fragment
pytest contract_tests --base-url URL       # any server (DYNAMIC_API_TOKEN, DYNAMIC_ENVIRONMENT_ID)
pytest contract_tests --target sandbox     # vendor sandbox: DYNAMIC_SANDBOX_BASE_URL etc.;
                                           # only requests the server must reject

Budget and reproduction: --max-requests N, --rate N/min, --sms-budget N,
--unicode-version V, --replay FILE (see docs/contract.md).
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

from ._engine import fragment, fragment_path
from .model import Check, Probe, RunReport
from .planner import all_checks, build_plan
from .replay import REPLAY_FILE, load_replay, write_replay
from .report import RECORDER
from .runner import Budget, run_plan
from .strategies import profile_max_examples
from .summary import summarize
from .targets import (
    REPORTS,
    Target,
    TargetUnavailableError,
    detect_prefix,
    env_name,
    path_values_from_env,
    prism_unavailable_reason,
    start_prism,
)
from .unicode_ages import VERSIONS

MOCK_TOKEN = "contract-suite-token"
PRISM_TOKEN = "prism-accepts-any-bearer"
REMOTE_MAX_REQUESTS = 60
REMOTE_RATE = 5.0
"""The vendor limits OTP endpoints to a few requests per minute per IP: 60 probes at 5/min
take 12 minutes, cover every boundary and every explicit probe (about 50 in reject-only
mode), and leave room for the team's own traffic (docs/contract.md)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "contract suite for the fragment's operations")
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
    group.addoption(
        "--max-requests",
        type=int,
        default=None,
        help="at most N requests per target (default: unlimited for mock/prism, "
        f"{REMOTE_MAX_REQUESTS} for --base-url/sandbox); boundaries first, then more examples",
    )
    group.addoption(
        "--rate",
        default=None,
        help="at most N requests per minute, e.g. 5/min (default: unlimited for mock/prism, "
        f"{REMOTE_RATE}/min for --base-url/sandbox)",
    )
    group.addoption(
        "--sms-budget",
        type=int,
        default=None,
        help="requests a correct server must ACCEPT (may send an SMS) allowed against "
        "--base-url/sandbox (default DYNAMIC_SANDBOX_SMS_BUDGET, else 0: reject-only)",
    )
    group.addoption(
        "--unicode-version",
        default=None,
        help="judge version-dependent letters/numbers against this Unicode version "
        "(default: report them as version-dependent, never failing)",
    )
    group.addoption(
        "--replay",
        default=None,
        help="re-send exactly the requests of a replay file (reports/contract-replay.json)",
    )
    group.addoption(
        "--no-prism",
        action="store_true",
        default=False,
        help="leave out the Prism comparison of the default (embedded mock) run",
    )
    group.addoption(
        "--max-wait",
        type=float,
        default=65.0,
        help="longest Retry-After honoured for one 429, in seconds (default 65)",
    )


def _selected(config: pytest.Config) -> str:
    if config.getoption("--base-url"):
        return "base-url"
    return str(config.getoption("--target"))


def _allow_auth(config: pytest.Config) -> bool:
    """x-auth-discrepancy: against the vendor, which auth rule it enforces is still open."""
    kind = _selected(config)
    return not (
        kind == "sandbox" or (kind == "base-url" and not os.environ.get("DYNAMIC_API_TOKEN"))
    )


def _plan(config: pytest.Config, path_values: dict[str, str]) -> list[Probe]:
    """The run's seeded plan for the fragment under test (the same at collection and run)."""
    avoid = frozenset(v for v in (os.environ.get("DYNAMIC_VERIFICATION_UUID"),) if v)
    return build_plan(
        fragment(),
        path_values,
        seed=_seed(config),
        examples=profile_max_examples(),
        avoid=avoid,
        allow_auth=_allow_auth(config),
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `check` with every check the plan derives from the fragment."""
    if "check" in metafunc.fixturenames:
        checks: list[Check] = all_checks(_plan(metafunc.config, {}))
        metafunc.parametrize("check", checks, ids=[check.key for check in checks])


def sms_budget() -> int:
    """DYNAMIC_SANDBOX_SMS_BUDGET: how many requests that may send a real SMS (default 0)."""
    return int(os.environ.get("DYNAMIC_SANDBOX_SMS_BUDGET", "0") or 0)


def _sms_budget(config: pytest.Config) -> int:
    option = config.getoption("--sms-budget")
    return sms_budget() if option is None else int(option)


def budgeted(config: pytest.Config) -> bool:
    """A run whose requests are all planned: a remote target, a budget, or a replay."""
    return (
        _selected(config) in ("base-url", "sandbox")
        or config.getoption("--max-requests") is not None
        or config.getoption("--rate") is not None
        or config.getoption("--replay") is not None
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Only planned (budgeted, safe) requests in budgeted runs; real SMS only within budget.

    Schemathesis and the random differential test send unbudgeted and valid requests, so a
    budgeted run leaves them out (the summary says so).
    """
    sms_allowed = _selected(config) == "sandbox" and _sms_budget(config) > 0

    def unplanned(item: pytest.Item) -> bool:
        if item.get_closest_marker("sends_sms") is not None:
            return not sms_allowed
        return budgeted(config) and item.get_closest_marker("unbudgeted") is not None

    keep = [item for item in items if not unplanned(item)]
    dropped = [item for item in items if unplanned(item)]
    if budgeted(config):
        RECORDER.meta["not_run"] = "schemathesis and random differential tests (budgeted run)"
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sends_sms: may send a real SMS; runs only with --target sandbox and a budget"
    )
    config.addinivalue_line(
        "markers", "unbudgeted: sends requests outside the plan; left out of budgeted runs"
    )
    raw = config.getoption("--unicode-version", None)
    if raw is not None:  # a bad value is a usage error before anything is sent
        try:
            _normalize_version(str(raw))
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
    _rate(config.getoption("--rate", None))
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
    RECORDER.write(REPORTS)
    terminalreporter.write_line(f"written: {REPORTS / 'contract-summary.json'} and .md")


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
    # lenient: every valid request gets the success echo, so acceptance is a verdict (a 404 for
    # an unknown verification would not be one; docs/contract.md, "Statuses and verdicts")
    config = MockConfig(token=MOCK_TOKEN, lenient=True, fragment=fragment_path())
    with running_mock(config) as mock:
        url = str(mock.url).rstrip("/")
        with httpx.Client(base_url=url, timeout=10) as client:
            prefix = detect_prefix(client, MOCK_TOKEN, fragment())
            yield Target("mock", client, prefix, MOCK_TOKEN, {}, "mock", url)


@contextlib.contextmanager
def _prism() -> Iterator[Target]:
    with start_prism() as url, httpx.Client(base_url=url, timeout=10) as client:
        yield Target("prism", client, "", PRISM_TOKEN, {}, "prism", url)


@contextlib.contextmanager
def _remote(kind: str, url: str) -> Iterator[Target]:
    token = os.environ.get("DYNAMIC_API_TOKEN")
    with httpx.Client(base_url=url.rstrip("/"), timeout=20) as client:
        values = path_values_from_env(fragment(), os.environ)
        yield Target(kind, client, "", token, values, kind, url.rstrip("/"))


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The server selected on the command line, started and stopped by the suite."""
    kind = _selected(request.config)
    try:
        if kind == "base-url":
            context = _remote("base-url", str(request.config.getoption("--base-url")))
        elif kind == "sandbox":
            url = os.environ.get("DYNAMIC_SANDBOX_BASE_URL")
            needed = {env_name(p.name) for op in fragment().operations for p in op.located("path")}
            missing = sorted(name for name in needed if not os.environ.get(name))
            if not url or missing:
                raise TargetUnavailableError(
                    f"--target sandbox needs DYNAMIC_SANDBOX_BASE_URL and {', '.join(missing)} "
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
    if request.config.getoption("--no-prism"):
        RECORDER.meta["prism_comparison"] = "not run: --no-prism"
        yield None
        return
    reason = prism_unavailable_reason()
    if reason is not None:
        # This project's CI promises the mock-vs-Prism comparison: never drop it quietly there.
        # (Not `CI`: a team's own pipeline running the installed suite may have no Prism.)
        if os.environ.get("DYNAMIC_CONTRACT_REQUIRE_PRISM"):
            _fail(f"DYNAMIC_CONTRACT_REQUIRE_PRISM is set, but {reason}")
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
    return REPORTS


def _seed(config: pytest.Config) -> int:
    raw = str(getattr(config.option, "hypothesis_seed", None) or "0")
    return int(raw) if raw.isdigit() else zlib.crc32(raw.encode())


def _rate(raw: str | None) -> float | None:
    if raw is None:
        return None
    number = raw.strip().lower().removesuffix("/min").removesuffix("/m")
    try:
        return float(number)
    except ValueError:
        raise pytest.UsageError(f"--rate expects N/min, got {raw!r}") from None


def _budget(config: pytest.Config, target: Target) -> Budget:
    """The request budget for one target: explicit options, else the target kind's default."""
    remote = target.kind in ("base-url", "sandbox")
    max_requests = config.getoption("--max-requests")
    rate = _rate(config.getoption("--rate"))
    return Budget(
        max_requests=max_requests
        if max_requests is not None
        else (REMOTE_MAX_REQUESTS if remote else None),
        rate_per_minute=rate if rate is not None else (REMOTE_RATE if remote else None),
        max_wait_seconds=float(config.getoption("--max-wait")),
        valid_requests=_sms_budget(config) if remote else None,
    )


@pytest.fixture(scope="session")
def pinned_unicode(request: pytest.FixtureRequest) -> str | None:
    raw = request.config.getoption("--unicode-version")
    try:
        return None if raw is None else _normalize_version(str(raw))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


@pytest.fixture(scope="session")
def plan(request: pytest.FixtureRequest, target: Target) -> list[Probe]:
    """The run's probes: a replay file's, or the seeded, prioritised plan."""
    replay = request.config.getoption("--replay")
    if replay is not None:
        return load_replay(Path(replay))
    return _plan(request.config, target.path_values)


@pytest.fixture(scope="session")
def plan_report(
    request: pytest.FixtureRequest,
    targets: list[Target],
    plan: list[Probe],
    pinned_unicode: str | None,
) -> RunReport:
    """Every target's answers to the plan, sent in priority order within its budget."""
    report = RunReport(pinned_version=pinned_unicode)
    budgets = {}
    for target in targets:
        budgets[target.name] = _budget(request.config, target)
        run_plan(target, fragment(), plan, budgets[target.name], report=report)
    entries = write_replay(REPORTS / REPLAY_FILE, report, _seed(request.config))
    summarize(report, targets, plan, budgets, len(entries), fragment())
    return report


def _normalize_version(version: str) -> str:
    """'16' -> '16.0'; '17.0.1' -> '17.0'; must be a tabled version."""
    short = ".".join([*version.split("."), "0"][:2])
    if short not in VERSIONS:
        raise ValueError(f"--unicode-version must be one of {', '.join(VERSIONS)}")
    return short
