"""One documented rule at a time, every target, from the seeded and prioritised plan.

Each check (a pattern node's witness, a length limit, a wrong JSON type, a missing member,
a body of the wrong type, the bearer token, ...) derived from the fragment is one test.
The plan is sent once per session, in priority order and within the request budget; each
test then gives one verdict per target: the minimal disagreeing request with a curl line,
never one line per drawn example. Checks the budget left unjudged pass and are listed in
the contract summary as "not judged".
"""

from __future__ import annotations

import pytest

from contract_tests.core.model import Check
from contract_tests.core.spec import fragment
from contract_tests.report.summary import failure_line
from contract_tests.run.results import RunReport
from contract_tests.run.targets import Target


def test_check(check: Check, plan_report: RunReport, targets: list[Target]) -> None:
    failures = plan_report.failures()
    lines = [
        failure_line(target, fragment(), failures[(target.name, check.key)])
        for target in targets
        if (target.name, check.key) in failures
    ]
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


def test_responses_are_documented(plan_report: RunReport, request: pytest.FixtureRequest) -> None:
    """Every answer the operation itself gave has the content and the model the vendor
    documents for its status; with --strict-assumptions, also what the fragment assumes."""
    problems = [f"{problem}\n    {curl}" for problem, curl in plan_report.response_failures.items()]
    if request.config.getoption("--strict-assumptions"):
        problems += [
            f"{problem} (assumed; suggested edit: {edit})\n    {curl}"
            for problem, (edit, curl) in plan_report.findings.items()
        ]
    if problems:
        pytest.fail("\n".join(sorted(problems)), pytrace=False)
