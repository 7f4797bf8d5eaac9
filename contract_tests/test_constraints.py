"""One documented rule at a time, every target, from the seeded and prioritised plan.

Each check (a strategy family, a wrong JSON type, a missing field, a non-object body, the
bearer token) is one test. The plan (plan.py) is sent once per session, in priority order
and within the request budget; each test then gives one verdict per target: the minimal
disagreeing request with a curl line, never one line per drawn example. Checks the budget
left unjudged pass and are listed in the contract summary as "not judged".
"""

from __future__ import annotations

import pytest

from .plan import Check, RunReport, failure_line
from .targets import Target


def test_check(check: Check, plan_report: RunReport, targets: list[Target]) -> None:
    failures = plan_report.failures()
    lines = [
        failure_line(target, failures[(target.name, check.key)])
        for target in targets
        if (target.name, check.key) in failures
    ]
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


def test_responses_are_documented(plan_report: RunReport) -> None:
    """Every answer to the plan has a documented status, JSON content and the status's model."""
    problems = [f"{problem}\n    {curl}" for problem, curl in plan_report.response_failures.items()]
    if problems:
        pytest.fail("\n".join(sorted(problems)), pytrace=False)
