"""The contract suite's plan catches each deliberately broken server, and passes correct ones.

Each server from contract_tests/broken_servers.py runs on a real loopback socket and gets
the suite's own plan (plan.py: boundary witnesses, wrong types, missing fields, auth, drawn
examples), judged exactly as a real target is. Every broken server must fail, on the check
meant to catch it, within the time budget; correct servers (Unicode 17 and Unicode 16
tables) must pass, so a check that fails on everything cannot pass this test either. The
time to verdict of each server is written to reports/contract-time-to-verdict.json.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from contract_tests.broken_servers import BROKEN, TOKEN, Breakage, reference_app, unicode_server
from contract_tests.plan import Budget, Probe, RunReport, build_plan, run_plan
from contract_tests.targets import ROOT, Target, serve_asgi

SEED = 20261129
EXAMPLES = 2
VERDICT_SECONDS = 60.0
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def plan() -> list[Probe]:
    """A small fixed plan: every check's minimal witness plus two drawn examples."""
    return build_plan(SEED, EXAMPLES)


@pytest.fixture(scope="module", autouse=True)
def _write_timings() -> Iterator[None]:
    yield
    path = ROOT / "reports" / "contract-time-to-verdict.json"
    path.parent.mkdir(exist_ok=True)
    known = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(known | TIMINGS, indent=2, sort_keys=True) + "\n")


def judge(
    breakage: Breakage | None, plan: list[Probe], pinned: str | None = None
) -> tuple[RunReport, list[str], float]:
    """Start the server, run the plan against it, stop it: (report, failures, seconds)."""
    started = time.perf_counter()
    with (
        serve_asgi(reference_app(breakage)) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        target = Target("server", client, "", TOKEN, str(uuid.uuid4()), "mock", url)
        target.recorded = False
        report = run_plan(target, plan, Budget(), pinned_version=pinned)
    seconds = time.perf_counter() - started
    failures = [key for (_name, key) in report.failures()]
    failures += [f"response: {p.split(': ', 1)[1]}" for p in report.response_failures]
    return report, failures, seconds


def test_reference_server_passes_every_check(plan: list[Probe]) -> None:
    report, failures, seconds = judge(None, plan)
    TIMINGS["reference (passes)"] = round(seconds, 2)
    assert failures == []
    assert report.unicode_estimate("server") == "17.0"
    assert not [o for o in report.outcomes if not o.judged], "every probe gets a verdict"


@pytest.mark.parametrize("version", ["16.0", "17.0"])
def test_correct_servers_on_other_unicode_versions_pass(plan: list[Probe], version: str) -> None:
    """Older letter tables are not a defect: nothing fails, and the estimate names them."""
    report, failures, seconds = judge(unicode_server(version), plan)
    TIMINGS[f"unicode-{version} (passes)"] = round(seconds, 2)
    assert failures == []
    assert report.unicode_estimate("server") == version
    refused = {key for (_name, key) in report.version_dependent()}
    newer = [v for v in ("17.0", "18.0") if v > version]
    assert refused == {
        f"{field}:pattern:unicode-{v}-letters-numbers:accept"
        for field in ("phoneCountryCode", "phoneNumber")
        for v in newer
    }


def test_pinned_unicode_version_judges_the_version_dependent_probes(plan: list[Probe]) -> None:
    """--unicode-version 17 turns a Unicode-16 server's refusals into failures; 16 passes it."""
    _report, failures, _seconds = judge(unicode_server("16.0"), plan, pinned="17.0")
    assert sorted(failures) == [
        "phoneCountryCode:pattern:unicode-17.0-letters-numbers:accept",
        "phoneNumber:pattern:unicode-17.0-letters-numbers:accept",
    ]
    _report, failures, _seconds = judge(unicode_server("16.0"), plan, pinned="16.0")
    assert failures == []


# The check meant to catch each defect: it must be among the failures.
CAUGHT_BY = {
    "python-re-dollar": "pattern:python-dollar-newline:reject",
    "utf16-length": "maxLength:exactly-255-astral:accept",
    "iso-maxlength-ignored": "isoCountryCode:maxLength:5-matching-pattern:reject",
    "unicode-digits": "isoCountryCode:pattern:python-unicode-digit:reject",
    "no-leading-whitespace-lookahead": "pattern:leading-space:reject",
    "500-on-null": ":type:null:reject",
    "auth-skipped": "auth:bearer:no-token:reject",
    "wrong-response-schema": "response: body breaks SmsVerificationCreateResponse",
    "wrong-content-type": "response: content type 'text/plain'",
    "latin-only-letters": "pattern:category-Lo:accept",
    "500-on-array-iso": "isoCountryCode:type:array:reject",
    "missing-iso-defaulted": "isoCountryCode:required:missing:reject",
    "trims-whitespace": "pattern:trailing-space:reject",
    "uuid-case-insensitive": "verificationUUID:pattern:uppercase-hex:reject",
    "environment-id-unchecked": "environmentId:pattern:",
    "utf8-byte-length": "maxLength:exactly-255-any:accept",
    "captcha-type-unchecked": "captchaToken:type:",
}


def test_every_breakage_names_its_catching_check() -> None:
    assert set(CAUGHT_BY) == {breakage.name for breakage in BROKEN}


@pytest.mark.parametrize("breakage", BROKEN, ids=[b.name for b in BROKEN])
def test_each_broken_server_is_caught(plan: list[Probe], breakage: Breakage) -> None:
    _report, failures, seconds = judge(breakage, plan)
    TIMINGS[breakage.name] = round(seconds, 2)
    assert failures, "the contract plan passed a server that breaks a documented rule"
    assert any(CAUGHT_BY[breakage.name] in failure for failure in failures), failures
    assert seconds < VERDICT_SECONDS
