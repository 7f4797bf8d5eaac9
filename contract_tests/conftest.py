"""Targets for the contract suite, chosen by pytest options, and the session summary.

pytest contract_tests                      # embedded mock on a free loopback port
                                           # (+ Prism comparison when Node/Prism are here)
pytest contract_tests --target prism       # Stoplight Prism on the fragment
pytest contract_tests --base-url URL       # any server (DYNAMIC_API_TOKEN, DYNAMIC_ENVIRONMENT_ID)
pytest contract_tests --target sandbox     # vendor sandbox: DYNAMIC_SANDBOX_BASE_URL etc.;
                                           # only requests the server must reject

The options live in `plugin.py` (pytest parses them before it collects this package);
budget and reproduction: --max-requests N, --rate N/min, --sms-budget N, --min-judged F,
--unicode-version V, --replay FILE (see docs/contract.md).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import signal
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType

import httpx
import pytest
from hypothesis import settings

from contract_tests import (
    profiles,  # the Hypothesis profiles, under a plain `pytest --pyargs` run too
)
from contract_tests.core.model import Check, Probe, TargetKind
from contract_tests.core.settings import REMOTE_MAX_REQUESTS, REMOTE_RATE
from contract_tests.core.spec import fragment, fragment_path
from contract_tests.plan.planner import all_checks, build_plan
from contract_tests.plan.strategies import profile_max_examples
from contract_tests.plugin import (
    normalize_version,
    rate_per_minute,
    selected,
    state_path,
    token,
)
from contract_tests.report.recorder import Recorder
from contract_tests.report.summary import failure_line, summarize, unicode_estimate
from contract_tests.report.verdict import TargetCounts, Verdict, count, decide
from contract_tests.run.pacing import Budget, reserved_for_schemathesis
from contract_tests.run.progress import Progress
from contract_tests.run.replay import REPLAY_FILE, load_replay, write_replay
from contract_tests.run.results import Outcome, RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.state import Carried
from contract_tests.run.targets import (
    REPORTS,
    Target,
    TargetUnavailableError,
    detect_prefix,
    path_values_from_env,
    prism_unavailable_reason,
    start_prism,
)

RECORDER = pytest.StashKey[Recorder]()
"""The session's recorder (one pytest session, one summary), made in pytest_configure."""


def recorder(config: pytest.Config) -> Recorder:
    """The session's recorder: tallies, what the run was, the plan's summary."""
    return config.stash.setdefault(RECORDER, Recorder())


MOCK_TOKEN = "contract-suite-token"
PRISM_TOKEN = "prism-accepts-any-bearer"
BUDGETS = pytest.StashKey[dict[str, Budget]]()
"""Each target's budget, shared by the plan and the budgeted Schemathesis cases after it."""
COUNTS = pytest.StashKey[list[TargetCounts]]()
"""The plan's per-target counts, for the verdict at session end."""


def _plan(config: pytest.Config, path_values: dict[str, str]) -> list[Probe]:
    """The run's seeded plan for the fragment under test (the same at collection and run).

    x-auth-discrepancy: against the sandbox, or with --no-auth, no auth probe is planned.
    """
    kind = selected(config)
    allow_auth = kind is not TargetKind.SANDBOX and not (
        kind is TargetKind.BASE_URL and token(config) is None
    )
    avoid = frozenset(v for v in (os.environ.get("DYNAMIC_VERIFICATION_UUID"),) if v)
    return build_plan(
        fragment(),
        path_values,
        seed=_seed(config),
        examples=profile_max_examples(),
        avoid=avoid,
        allow_auth=allow_auth,
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
        selected(config).remote
        or config.getoption("--max-requests") is not None
        or config.getoption("--rate") is not None
        or config.getoption("--replay") is not None
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Only planned (budgeted, safe) requests in budgeted runs; real SMS only within budget.

    The random differential test sends unbudgeted and valid requests, so a budgeted run
    leaves it out (the summary says so); Schemathesis there sends only invalid cases, within
    the budget (test_schemathesis.py).
    """
    sms_allowed = selected(config) is TargetKind.SANDBOX and _sms_budget(config) > 0

    def unplanned(item: pytest.Item) -> bool:
        if item.get_closest_marker("sends_sms") is not None:
            return not sms_allowed
        return budgeted(config) and item.get_closest_marker("unbudgeted") is not None

    keep = [item for item in items if not unplanned(item)]
    dropped = [item for item in items if unplanned(item)]
    if budgeted(config):
        recorder(config).meta.not_run = (
            "random differential tests (budgeted run); schemathesis sends only cases the "
            "checker finds invalid, within the budget"
        )
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
    if budgeted(config) and config.pluginmanager.hasplugin("timeout"):
        # A paced plan takes as long as its budget at the vendor's rate (20 minutes by
        # default), all within its first test: a per-test timeout (the checkout's 300 s)
        # would kill it mid-run. --max-requests, --rate and --max-wait bound it instead.
        for item in items:
            item.add_marker(pytest.mark.timeout(0))


INTERRUPTED_BY = pytest.StashKey[str]()
"""The signal that stopped the run (SIGINT or SIGTERM), once one did."""
_PREVIOUS_SIGTERM = pytest.StashKey[object]()


def _on_sigterm(config: pytest.Config) -> None:
    """SIGTERM (what a CI job's timeout sends) stops the run like Ctrl-C: sending stops,
    the plan's answers so far are judged, the verdict and the summary are written."""

    def handler(signum: int, frame: FrameType | None) -> None:
        config.stash[INTERRUPTED_BY] = "SIGTERM"
        raise KeyboardInterrupt("SIGTERM")

    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        config.stash[_PREVIOUS_SIGTERM] = signal.signal(signal.SIGTERM, handler)


def pytest_configure(config: pytest.Config) -> None:
    _on_sigterm(config)
    # Without `-p contract_tests.profiles` this runs after Hypothesis read its options: the
    # seed drawn here then rebuilds the plan (what the server saw), not the local draws.
    profiles.pytest_configure(config)
    config.addinivalue_line(
        "markers", "sends_sms: may send a real SMS; runs only with --target sandbox and a budget"
    )
    config.addinivalue_line(
        "markers", "unbudgeted: sends requests outside the plan; left out of budgeted runs"
    )
    meta = recorder(config).meta
    meta.hypothesis_seed = getattr(config.option, "hypothesis_seed", None)
    meta.profile = settings.get_current_profile_name()


VERDICT = pytest.StashKey[Verdict]()


def _judges(session: pytest.Session) -> bool:
    """Whether this run sends the plan: some selected test needs its report."""
    if session.config.getoption("collectonly"):
        return False
    return any("plan_report" in getattr(item, "fixturenames", ()) for item in session.items)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Judge the run from its checks, not its test items; too little judged: INCONCLUSIVE;
    a signal while judging: INTERRUPTED, with what was judged so far."""
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED and COUNTS in session.config.stash
    if (exitstatus not in (0, 1) and not interrupted) or not _judges(session):
        return
    counts = session.config.stash.get(COUNTS, None)
    verdict = decide(
        counts,
        float(session.config.getoption("--min-judged")),
        int(exitstatus),
        interrupted=session.config.stash.get(INTERRUPTED_BY, "SIGINT") if interrupted else None,
    )
    session.config.stash[VERDICT] = verdict
    session.exitstatus = verdict.exit_code
    lines = [c.line() for c in counts or []] + [verdict.line()]
    meta = recorder(session.config).meta
    meta.verdict_lines.extend(lines)
    meta.verdict = {
        "word": verdict.word,
        "exit_code": verdict.exit_code,
        "reason": verdict.reason,
        "min_judged": session.config.getoption("--min-judged"),
        "targets": [c.as_dict() for c in counts or []],
    }


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The contract summary, printed and written whenever the plan ran or was meant to."""
    judged = VERDICT in terminalreporter.config.stash
    written = recorder(terminalreporter.config)
    if not judged and not written.tallies and not written.meta.schemathesis_cases:
        return
    terminalreporter.section("contract summary")
    for line in written.lines():
        terminalreporter.write_line(line)
    written.write(REPORTS)
    terminalreporter.write_line(f"written: {REPORTS / 'contract-summary.json'} and .md")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Repeat the verdict as the last line, below pytest's count of test items."""
    previous = config.stash.get(_PREVIOUS_SIGTERM, None)
    if callable(previous) or isinstance(previous, int):
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)
    verdict = config.stash.get(VERDICT, None)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if verdict is not None and reporter is not None:
        reporter.write_line(verdict.line())


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
            yield Target("mock", client, prefix, MOCK_TOKEN, {}, TargetKind.MOCK, url)


@contextlib.contextmanager
def _prism() -> Iterator[Target]:
    with start_prism() as url, httpx.Client(base_url=url, timeout=10) as client:
        yield Target("prism", client, "", PRISM_TOKEN, {}, TargetKind.PRISM, url)


@contextlib.contextmanager
def _remote(kind: TargetKind, url: str, bearer: str | None) -> Iterator[Target]:
    with httpx.Client(base_url=url.rstrip("/"), timeout=20) as client:
        values = path_values_from_env(fragment(), os.environ)
        yield Target(kind, client, "", bearer, values, kind, url.rstrip("/"))


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The server selected on the command line, started and stopped by the suite."""
    kind = selected(request.config)
    try:
        if kind.remote:  # plugin.py refused a missing URL or token
            url = request.config.getoption("--base-url") or os.environ["DYNAMIC_SANDBOX_BASE_URL"]
            context = _remote(kind, str(url), token(request.config))
        elif kind is TargetKind.PRISM:
            context = _prism()
        else:
            context = _embedded_mock()
        with context as chosen:
            recorder(request.config).meta.targets.append(chosen.name)
            yield chosen
    except TargetUnavailableError as error:
        _fail(str(error))


@pytest.fixture(scope="session")
def comparison_target(request: pytest.FixtureRequest) -> Iterator[Target | None]:
    """Prism beside the embedded mock in the default run, when Node and Prism are installed."""
    if selected(request.config) is not TargetKind.MOCK:
        yield None
        return
    if request.config.getoption("--no-prism"):
        recorder(request.config).meta.prism_comparison = "not run: --no-prism"
        yield None
        return
    reason = prism_unavailable_reason()
    if reason is not None:
        # This project's CI promises the mock-vs-Prism comparison: never drop it quietly there.
        # (Not `CI`: a team's own pipeline running the installed suite may have no Prism.)
        if os.environ.get("DYNAMIC_CONTRACT_REQUIRE_PRISM"):
            _fail(f"DYNAMIC_CONTRACT_REQUIRE_PRISM is set, but {reason}")
        recorder(request.config).meta.prism_comparison = f"not run: {reason}"
        yield None
        return
    try:
        with _prism() as prism:
            meta = recorder(request.config).meta
            meta.targets.append(prism.name)
            meta.prism_comparison = "run"
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


def _budget(config: pytest.Config, target: Target) -> Budget:
    """The request budget for one target: explicit options, else the target kind's default."""
    remote = target.kind.remote
    max_requests = config.getoption("--max-requests")
    if max_requests is None and remote:
        max_requests = REMOTE_MAX_REQUESTS
    rate = rate_per_minute(config.getoption("--rate"))
    return Budget(
        max_requests=max_requests,
        rate_per_minute=rate if rate is not None else (REMOTE_RATE if remote else None),
        max_wait_seconds=float(config.getoption("--max-wait")),
        valid_requests=_sms_budget(config) if remote else None,
        # a budgeted run keeps a share of its requests for Schemathesis' cases (pacing)
        reserved=reserved_for_schemathesis(max_requests or 0) if budgeted(config) else 0,
    )


@pytest.fixture(scope="session")
def pinned_unicode(request: pytest.FixtureRequest) -> str | None:
    raw = request.config.getoption("--unicode-version")
    try:
        return None if raw is None else normalize_version(str(raw))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


def _progress(config: pytest.Config, target: str, planned: int) -> Progress | None:
    """Live feedback on the terminal, past pytest's output capture (as its live logging
    does): a paced run against the vendor must talk while it waits."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return None

    def write(text: str) -> None:
        suspended = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
        with suspended:
            reporter.write(text)
            reporter.flush()

    # TerminalReporter.isatty (pytest 9.2): one rewritten line on a terminal, lines in a log
    return Progress(write, target, planned, live=bool(getattr(reporter, "isatty", False)))


def _failure_line(target: Target, outcome: Outcome) -> str:
    return failure_line(target, fragment(), outcome)


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
    budgets: dict[str, Budget] = {}
    maxfail = int(request.config.getoption("maxfail") or 0)
    carried = _carried(request.config, targets[0], plan)
    try:
        for target in targets:
            budgets[target.name] = budget = _budget(request.config, target)
            cases = any("test_schemathesis.py::" in item.nodeid for item in request.session.items)
            planned = budget.planned(len(plan), schemathesis=cases and budgeted(request.config))
            progress = _progress(request.config, target.name, planned)
            order: Iterable[Probe] = plan
            if carried is not None and target is targets[0]:
                order = carried.start(report, target.name)
            run_plan(
                target,
                fragment(),
                order,
                budget,
                report=report,
                progress=progress,
                describe=functools.partial(_failure_line, target),
                max_failures=maxfail or None,
            )
    except KeyboardInterrupt:
        request.config.stash.setdefault(INTERRUPTED_BY, "SIGINT")
        raise
    finally:
        # also on an interrupt: the replay, the summary and the counts of what was judged
        judged_targets = [t for t in targets if t.name in budgets]
        if carried is not None and judged_targets:
            carried.carry(report, targets[0].name)
        entries = write_replay(REPORTS / REPLAY_FILE, report, _seed(request.config))
        strict = bool(request.config.getoption("--strict-assumptions"))
        written = recorder(request.config)
        written.meta.plan = summarize(
            report, judged_targets, plan, budgets, len(entries), fragment(), written, strict=strict
        )
        request.config.stash[COUNTS] = count(report, [t.name for t in judged_targets], plan)
        request.config.stash[BUDGETS] = budgets
        if carried is not None and judged_targets:
            _keep_state(carried, report, targets[0].name, budgets[targets[0].name], written)
    return report


def _carried(config: pytest.Config, target: Target, plan: list[Probe]) -> Carried | None:
    """The run's state file (--state), opened for the selected target, or None.

    A server built from the fragment (the mock, Prism) has a new port each run: its state is
    keyed by its kind; any other by its URL."""
    path = state_path(config)
    if path is None or config.getoption("--replay") is not None:
        return None
    return Carried.open(
        path,
        base_url=target.public_url if target.kind.remote else str(target.kind),
        fragment=fragment(),
        plan=plan,
        seed=_seed(config),
        now=datetime.datetime.now(datetime.UTC),
        max_age_days=float(config.getoption("--state-max-age")),
    )


def _keep_state(
    carried: Carried, report: RunReport, name: str, budget: Budget, written: Recorder
) -> None:
    """This run into the state file, and the state's lines into the summary."""
    lines, data = carried.finish(report, name, budget, unicode=unicode_estimate(report, name))
    written.meta.state_lines = lines
    written.meta.state = data
