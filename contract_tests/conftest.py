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
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

from . import profiles  # the Hypothesis profiles, under a plain `pytest --pyargs` run too
from .plan import (
    CHECKS,
    Budget,
    Probe,
    RunReport,
    build_plan,
    failure_line,
    load_replay,
    normalize_version,
    run_plan,
    write_replay,
)
from .plugin import (
    REMOTE_MAX_REQUESTS,
    REMOTE_RATE,
    rate_per_minute,
    selected,
    token,
)
from .report import RECORDER
from .strategies import BASELINE_FAMILIES, Family, profile_max_examples
from .targets import (
    REPORTS,
    Target,
    TargetUnavailableError,
    detect_prefix,
    environment_id_from_env,
    prism_unavailable_reason,
    random_environment_id,
    start_prism,
)
from .verdict import TargetCounts, Verdict, count, decide, why_not_judged

MOCK_TOKEN = "contract-suite-token"
PRISM_TOKEN = "prism-accepts-any-bearer"
REPLAY_FILE = "contract-replay.json"
COUNTS = pytest.StashKey[list[TargetCounts]]()
"""The plan's per-target counts, for the verdict at session end."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `probe` (a strategy family) and `check` (every planned check)."""
    if "check" in metafunc.fixturenames:
        metafunc.parametrize("check", CHECKS, ids=[check.key for check in CHECKS])
    if "probe" not in metafunc.fixturenames:
        return
    kind = selected(metafunc.config)
    families: list[Family] = list(BASELINE_FAMILIES)
    if kind == "sandbox":  # never send the vendor anything it might act on
        families = [family for family in families if not family.accept]
    metafunc.parametrize("probe", families, ids=[family.key for family in families])


def sms_budget() -> int:
    """DYNAMIC_SANDBOX_SMS_BUDGET: how many requests that may send a real SMS (default 0)."""
    return int(os.environ.get("DYNAMIC_SANDBOX_SMS_BUDGET", "0") or 0)


def _sms_budget(config: pytest.Config) -> int:
    option = config.getoption("--sms-budget")
    return sms_budget() if option is None else int(option)


def budgeted(config: pytest.Config) -> bool:
    """A run whose requests are all planned: a remote target, a budget, or a replay."""
    return (
        selected(config) in ("base-url", "sandbox")
        or config.getoption("--max-requests") is not None
        or config.getoption("--rate") is not None
        or config.getoption("--replay") is not None
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Only planned (budgeted, safe) requests in budgeted runs; real SMS only within budget.

    Schemathesis and the random differential test send unbudgeted and valid requests, so a
    budgeted run leaves them out (the summary says so).
    """
    sms_allowed = selected(config) == "sandbox" and _sms_budget(config) > 0

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
    # Without `-p contract_tests.profiles` this runs after Hypothesis read its options: the
    # seed drawn here then rebuilds the plan (what the server saw), not the local draws.
    profiles.pytest_configure(config)
    config.addinivalue_line(
        "markers", "sends_sms: may send a real SMS; runs only with --target sandbox and a budget"
    )
    config.addinivalue_line(
        "markers", "unbudgeted: sends requests outside the plan; left out of budgeted runs"
    )
    RECORDER.meta.update(
        hypothesis_seed=getattr(config.option, "hypothesis_seed", None),
        profile=settings.get_current_profile_name(),
        targets=[],
    )


VERDICT = pytest.StashKey[Verdict]()


def _judges(session: pytest.Session) -> bool:
    """Whether this run sends the plan: some selected test needs its report."""
    if session.config.getoption("collectonly"):
        return False
    return any("plan_report" in getattr(item, "fixturenames", ()) for item in session.items)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Judge the run from its checks, not its test items; too little judged: INCONCLUSIVE."""
    if exitstatus not in (0, 1) or not _judges(session):
        return
    counts = session.config.stash.get(COUNTS, None)
    verdict = decide(counts, float(session.config.getoption("--min-judged")), int(exitstatus))
    session.config.stash[VERDICT] = verdict
    session.exitstatus = verdict.exit_code
    lines = [c.line() for c in counts or []] + [verdict.line()]
    RECORDER.meta.setdefault("plan_lines", []).extend(lines)
    RECORDER.meta["verdict"] = {
        "word": verdict.word,
        "exit_code": verdict.exit_code,
        "reason": verdict.reason,
        "min_judged": session.config.getoption("--min-judged"),
        "targets": [c.as_dict() for c in counts or []],
    }


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The contract summary, printed and written whenever the plan ran or was meant to."""
    judged = VERDICT in terminalreporter.config.stash
    if not judged and not RECORDER.tallies and not RECORDER.meta.get("schemathesis_cases"):
        return
    terminalreporter.section("contract summary")
    for line in RECORDER.lines():
        terminalreporter.write_line(line)
    RECORDER.write(REPORTS)
    terminalreporter.write_line(f"written: {REPORTS / 'contract-summary.json'} and .md")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Repeat the verdict as the last line, below pytest's count of test items."""
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
    with running_mock(MockConfig(token=MOCK_TOKEN, lenient=True)) as mock:
        url = str(mock.url).rstrip("/")
        with httpx.Client(base_url=url, timeout=10) as client:
            prefix = detect_prefix(client, MOCK_TOKEN)
            yield Target("mock", client, prefix, MOCK_TOKEN, random_environment_id(), "mock", url)


@contextlib.contextmanager
def _prism() -> Iterator[Target]:
    with start_prism() as url, httpx.Client(base_url=url, timeout=10) as client:
        yield Target("prism", client, "", PRISM_TOKEN, random_environment_id(), "prism", url)


@contextlib.contextmanager
def _remote(kind: str, url: str, bearer: str | None) -> Iterator[Target]:
    with httpx.Client(base_url=url.rstrip("/"), timeout=20) as client:
        yield Target(kind, client, "", bearer, environment_id_from_env(), kind, url.rstrip("/"))


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The server selected on the command line, started and stopped by the suite."""
    kind = selected(request.config)
    try:
        if kind in ("base-url", "sandbox"):  # plugin.py refused a missing URL or token
            url = request.config.getoption("--base-url") or os.environ["DYNAMIC_SANDBOX_BASE_URL"]
            context = _remote(kind, str(url), token(request.config))
        elif kind == "prism":
            context = _prism()
        else:
            context = _embedded_mock()
        with context as chosen:
            RECORDER.meta["targets"].append(chosen.name)
            yield chosen
    except TargetUnavailableError as error:
        _fail(str(error))


@pytest.fixture(scope="session")
def comparison_target(request: pytest.FixtureRequest) -> Iterator[Target | None]:
    """Prism beside the embedded mock in the default run, when Node and Prism are installed."""
    if selected(request.config) != "mock":
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


def _budget(config: pytest.Config, target: Target) -> Budget:
    """The request budget for one target: explicit options, else the target kind's default."""
    remote = target.kind in ("base-url", "sandbox")
    max_requests = config.getoption("--max-requests")
    rate = rate_per_minute(config.getoption("--rate"))
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
        return None if raw is None else normalize_version(str(raw))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


@pytest.fixture(scope="session")
def plan(request: pytest.FixtureRequest) -> list[Probe]:
    """The run's probes: a replay file's, or the seeded, prioritised plan."""
    replay = request.config.getoption("--replay")
    if replay is not None:
        return load_replay(Path(replay))
    kind = selected(request.config)
    # x-auth-discrepancy: which rule the vendor enforces is open; --no-auth sends no token
    allow_auth = kind != "sandbox" and not (kind == "base-url" and token(request.config) is None)
    return build_plan(_seed(request.config), profile_max_examples(), allow_auth=allow_auth)


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
        run_plan(target, plan, budgets[target.name], pinned_version=pinned_unicode, report=report)
    entries = write_replay(REPORTS / REPLAY_FILE, report, _seed(request.config))
    _summarize(report, targets, plan, budgets, len(entries))
    request.config.stash[COUNTS] = count(report, [t.name for t in targets], plan)
    return report


def _summarize(
    report: RunReport,
    targets: list[Target],
    plan: list[Probe],
    budgets: dict[str, Budget],
    replayed: int,
) -> None:
    """Tallies, judged / not judged, version-dependent findings and the Unicode estimate."""
    by_name = {target.name: target for target in targets}
    for outcome in report.outcomes:
        check = outcome.probe.check
        if by_name[outcome.target].recorded and outcome.judged:
            RECORDER.record(
                field_name=check.field,
                rule=check.rule,
                side=check.side if check.unicode_since is None else f"v{check.unicode_since}",
                target=outcome.target,
                accepted=outcome.verdict == "accepted",
                agreed=outcome.agreed is not False,
                curl="",
                detail="",
                keep_failure=False,
            )
    lines: list[str] = []
    planned = {probe.check.key for probe in plan}
    for target in targets:
        judged = {
            o.probe.check.key for o in report.outcomes if o.target == target.name and o.judged
        }
        not_judged = sorted(planned - judged)
        budget = budgets[target.name]
        lines.append(
            f"{target.name}: {len(judged)}/{len(planned)} checks judged, {budget.sent} requests, "
            f"{budget.rate_limited} rate-limited (429, re-sent), "
            f"waited {budget.waited_seconds:.0f} s; "
            f"unicode_estimate={report.unicode_estimate(target.name)}"
        )
        by_reason: dict[str, list[str]] = {}
        for key in not_judged:
            by_reason.setdefault(why_not_judged(report, target.name, key), []).append(key)
        for reason, keys in sorted(by_reason.items()):
            lines.append(f"  not judged ({reason}): {', '.join(keys)}")
        for (name, key), outcome in sorted(report.version_dependent().items()):
            if name == target.name:
                lines.append(
                    f"  version-dependent: {key} refused ({outcome.status}); a server on Unicode "
                    f"older than {outcome.probe.check.unicode_since} does this (not a failure)"
                )
    for (name, _key), outcome in sorted(report.failures().items()):
        lines.append("FAIL " + failure_line(by_name[name], outcome))
    for problem, curl in sorted(report.response_failures.items()):
        lines.append(f"FAIL response: {problem}\n    {curl}")
    if replayed:
        lines.append(f"replay: {replayed} failing requests in reports/{REPLAY_FILE} (--replay)")
    RECORDER.meta["unicode_pinned"] = report.pinned_version
    RECORDER.meta["plan_lines"] = lines
    RECORDER.meta["plan_probes"] = len(plan)
