"""Schemathesis over the fragment: every applicable built-in check, plus the verdict check.

Every generated case goes twice: to the strict (stateful) embedded mock on its own loopback
socket, and to the selected target (by default the lenient embedded mock). Phases:
examples, coverage (boundary values derived from the schema) and fuzzing, positive and
negative data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from schemathesis import Case
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from contract_tests.conftest import BUDGETS, MOCK_TOKEN, budgeted, recorder
from contract_tests.core.model import TargetKind
from contract_tests.core.spec import fragment, fragment_path
from contract_tests.run.results import RunReport
from contract_tests.run.targets import Target, TargetUnavailableError, detect_prefix
from contract_tests.st_checks import (
    body_is_json,
    case_violations,
    configure,
    load_schema,
    make_documented_check,
    make_verdict_check,
    st_operation,
    without_stored_resources,
)


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    """The embedded mock (strict, stateful) on its own loopback socket, with its prefix."""
    try:
        from dynamic_sdk_mock import MockConfig, running_mock
    except ImportError as error:
        pytest.fail(f"the embedded mock is not importable ({error})", pytrace=False)
    with running_mock(MockConfig(token=MOCK_TOKEN, fragment=fragment_path())) as mock:
        url = str(mock.url).rstrip("/")
        with httpx.Client(base_url=url, timeout=10) as client:
            try:
                yield url + detect_prefix(client, MOCK_TOKEN, fragment())
            except TargetUnavailableError as error:
                pytest.fail(str(error), pytrace=False)


# One schema for both transports: building the coverage phase's cases (boundary strings of
# 255/256 code points under the name pattern) costs seconds at collection, once per schema.
# (The pinned schemathesis' from_fixture() loader breaks on pytest 9: request.node._nodeid.)
SCHEMA = load_schema(TargetKind.ASGI)


@SCHEMA.parametrize()  # type: ignore[untyped-decorator]
def test_fragment(
    case: Case[Any],
    mock_url: str,
    target: Target,
    request: pytest.FixtureRequest,
    plan_report: RunReport,
) -> None:
    """Each generated case: against the strict embedded mock, then to the selected target.

    In a budgeted run (a real server) only cases the checker finds invalid go out, after
    the plan, within the same request budget and pacing, never naming a verification that
    may exist, and without the checks that send requests of their own.
    """
    recorder(request.config).meta.schemathesis_cases += 1
    if budgeted(request.config):
        _send_budgeted(case, target, request.config, plan_report)
        return
    configure(SCHEMA, TargetKind.ASGI)
    case.call_and_validate(
        base_url=mock_url,
        headers={"Authorization": f"Bearer {MOCK_TOKEN}"},
        additional_checks=[make_verdict_check(TargetKind.ASGI)],
    )
    if target.kind is TargetKind.PRISM and not body_is_json(case):
        return  # Prism 5.16.0 never answers a malformed JSON body (docs/contract.md)
    configure(SCHEMA, target.kind)
    case.call_and_validate(
        base_url=target.public_url + target.prefix,
        headers=_auth(target),
        additional_checks=[make_verdict_check(target.kind, plan_report.profiles.get(target.name))],
        # Prism 5.16.0 cannot know which tokens are valid (it takes any bearer), and answers
        # undeclared methods 405 without the `Allow` header RFC 9110 requires; neither is
        # something the fragment states (docs/contract.md, "Prism findings").
        excluded_checks=[ignored_auth, unsupported_method]
        if target.kind is TargetKind.PRISM
        else None,
    )


def _auth(target: Target) -> dict[str, str]:
    return {} if target.token is None else {"Authorization": f"Bearer {target.token}"}


def _tally(config: pytest.Config, outcome: str) -> None:
    counts = recorder(config).meta.schemathesis_budgeted
    counts[outcome] = counts.get(outcome, 0) + 1


# Against a real server these would hold every answer against the fragment as if it were
# the operation's own and every assumption as documented; `make_documented_check` and
# `make_verdict_check` judge the same things under the plan's rules (statuses.py).
_HELD_BY_THE_PLAN_RULES = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    allow_header_conformance,
    negative_data_rejection,
    missing_required_header,
]


def _send_budgeted(
    case: Case[Any], target: Target, config: pytest.Config, report: RunReport
) -> None:
    """One negative case to a real server, if the checker calls it invalid and budget allows."""
    operation = st_operation(case)
    if case.method.upper() != operation.method:
        _tally(config, "left out: another method (sent by no budgeted run)")
        return
    harmless = without_stored_resources(case, operation)
    if not harmless or not case_violations(case, operation):
        _tally(config, "left out: valid by the documented rules")
        return
    budget = config.stash[BUDGETS][target.name]
    if budget.exhausted():
        _tally(config, "left out: budget spent")
        return
    base_url, headers = target.public_url + target.prefix, _auth(target)
    for _attempt in range(budget.max_rate_limited_retries + 1):
        budget.pace()  # the plan's pace, counter and status line; a 429 is re-sent, as there
        status, answer_headers = None, {}
        try:
            response = case.call(base_url=base_url, headers=headers)
            status = response.status_code
            answer_headers = {name: ", ".join(v) for name, v in response.headers.items()}
        finally:
            budget.answered(status, answer_headers)
        if status != 429 or budget.exhausted():
            break
    if status == 429:
        _tally(config, "sent, rate limited every time (no verdict)")
        return
    _tally(config, "sent")
    configure(SCHEMA, target.kind)
    profile = report.profiles.get(target.name)
    strict = bool(config.getoption("--strict-assumptions"))
    case.validate_response(
        response,
        additional_checks=[
            make_verdict_check(target.kind, profile),
            make_documented_check(
                target.kind,
                profile,
                strict=strict,
                findings=recorder(config).meta.schemathesis_findings,
            ),
        ],
        # these send requests of their own (outside the budget) or judge valid data; the
        # response checks run under the plan's rules instead (whose answer, assumed or not)
        excluded_checks=[
            ignored_auth,
            unsupported_method,
            positive_data_acceptance,
            *_HELD_BY_THE_PLAN_RULES,
        ],
        headers=headers,
        transport_kwargs={"base_url": base_url, "headers": headers},
    )
