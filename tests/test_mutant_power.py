"""The score the plan reports is what runs against the mutant servers measure.

Why: a predicted mutation score is only worth printing if it is the truth about real
runs. Each distinguishable mutant of the model is served by a vendor-like server
(`broken_servers.mutant_breakages`: validates with the mutant at its place, then a lookup
miss); a safe run within a budget kills it when it reports a failure. For the shipped
fragment and each fixture fragment, the mutants a run kills are exactly those
`planner.predicted_score` names, at the remote budgets and unlimited, and no request
reaches a verification on file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.safe_runs import measured_kills, plan_share
from contract_tests.plan.planner import build_plan, predicted_score
from contract_tests.plan.values import lookup_examples
from dynamic_sdk_runtime.fragment import Fragment, read_fragment
from tests.support.broken_servers import mutant_breakages

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = [
    ROOT / "openapi" / "retry-sms-verification.yaml",
    *sorted((ROOT / "tests" / "fragments").glob("*.yaml")),
]


def _on_file(fragment: Fragment) -> frozenset[str]:
    """The lookup values the fragment shows: the servers keep them on file."""
    return frozenset().union(*(lookup_examples(op) for op in fragment.operations))


# The shipped fragment at every budget; each fixture at 20 requests (an unlimited safe run
# against each of its 673 servers takes minutes: its unlimited kills are test_mutants').
# CI runs the shipped fragment at 20 requests; the other budgets and fixtures (minutes each)
# and the unlimited run (a full safe run per server) are in the slow tier (nox -s slow).
CASES = [
    pytest.param(FRAGMENTS[0], budget, marks=[pytest.mark.slow] if budget != 20 else [])
    for budget in (20, 60, None)
] + [pytest.param(p, 20, marks=pytest.mark.slow) for p in FRAGMENTS[1:]]


@pytest.mark.parametrize(
    ("path", "max_requests"),
    CASES,
    ids=[f"{c.values[0].stem}-{c.values[1] or 'unlimited'}" for c in CASES],  # type: ignore[union-attr]
)
def test_the_predicted_kills_are_the_measured_kills(path: Path, max_requests: int | None) -> None:
    fragment = read_fragment(yaml.safe_load(path.read_text(encoding="utf-8")))
    plan = build_plan(fragment, {}, seed=17, examples=1)
    servers = mutant_breakages(fragment)
    assert servers
    assert all(b.mutant is not None and b.name == b.mutant.key for b in servers)
    predicted = predicted_score(fragment, plan, plan_share(max_requests), safe=True)
    assert predicted.distinguishable == len(servers)
    expected = {b.name for b in servers} - {m.key for m in predicted.survivors}
    killed, reached = measured_kills(plan, servers, max_requests, fragment, _on_file(fragment))
    assert reached == 0, "a request reached a verification on file"
    assert sorted(killed ^ expected) == []
    assert len(killed) == predicted.killed
    if max_requests is not None:
        assert predicted.killed < len(servers)  # the budget bites: the two can differ
