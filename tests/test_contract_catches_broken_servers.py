"""The contract suite's own checks catch each deliberately broken server, and pass the correct one.

Each server from contract_tests/broken_servers.py runs on a real loopback socket; the
suite's check functions (family probes, client-vs-server verdicts, auth, response
documentation) are run against it exactly as against a real target. Every broken server
must produce at least one ContractViolation; the reference server must produce none, so a
check that fails on everything cannot pass this test either.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from contract_tests.broken_servers import BROKEN, TOKEN, Breakage, reference_app
from contract_tests.checks import (
    ContractViolation,
    check_auth_required,
    check_family_probe,
    check_verdict,
)
from contract_tests.strategies import BASELINE_FAMILIES as FAMILIES
from contract_tests.strategies import Family, raw_requests
from contract_tests.targets import Target, serve_asgi

# No shrinking and a fixed derandomized search: each run asks the same questions.
PROBE_SETTINGS = settings(
    max_examples=2,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    deadline=None,
)


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[Target]:
    breakage: Breakage | None = request.param
    with (
        serve_asgi(reference_app(breakage)) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        yield Target("broken", client, "", TOKEN, str(uuid.uuid4()), "mock", url, recorded=False)


def _family_probe(target: Target, family: Family) -> Callable[[], None]:
    @PROBE_SETTINGS
    @given(value=family.values())
    def probe(value: str) -> None:
        check_family_probe(target, family, value)

    return probe


def suite_failures(target: Target, *, stop_at_first: bool = False) -> list[str]:
    """Run the suite's check functions against `target`; the first failure of each kind."""
    failures: list[str] = []

    def attempt(label: str, run: Callable[[], None]) -> None:
        if stop_at_first and failures:
            return
        try:
            run()
        except ContractViolation as violation:
            failures.append(f"{label}: {str(violation).splitlines()[0]}")

    attempt("auth", lambda: check_auth_required(target))
    for family in FAMILIES:
        attempt(family.key, _family_probe(target, family))

    @settings(PROBE_SETTINGS, max_examples=100)
    @given(request=raw_requests())
    def differential(request: tuple[str, object]) -> None:
        check_verdict(target, *request)

    attempt("differential", differential)
    return failures


@pytest.mark.parametrize("served", [None], indirect=True, ids=["reference"])
def test_reference_server_passes_every_check(served: Target) -> None:
    assert suite_failures(served) == []


# What the first failure must mention: the check that is meant to catch each defect.
CAUGHT_BY = {
    "python-re-dollar": "python-dollar-newline",
    "utf16-length": "maxLength:exactly-255",
    "iso-maxlength-ignored": "isoCountryCode:maxLength:5-matching-pattern",
    "unicode-digits": "python-unicode-digit",
    "no-leading-whitespace-lookahead": "leading-space",
    "500-on-null": "differential",
    "auth-skipped": "auth:",
    "wrong-response-schema": "body breaks SmsVerificationCreateResponse",
    "wrong-content-type": "content type 'text/plain'",
}


def test_every_breakage_names_its_catching_check() -> None:
    assert set(CAUGHT_BY) == {breakage.name for breakage in BROKEN}


@pytest.mark.parametrize("served", BROKEN, indirect=True, ids=[b.name for b in BROKEN])
def test_each_broken_server_is_caught(served: Target, request: pytest.FixtureRequest) -> None:
    failures = suite_failures(served, stop_at_first=True)
    assert failures, "the contract checks passed a server that breaks a documented rule"
    name = request.node.callspec.id
    assert CAUGHT_BY[name] in failures[0], failures
