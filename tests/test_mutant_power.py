"""The score the plan reports is what runs against the mutant servers measure.

Why: a predicted mutation score is only worth printing if it is the truth about real
runs. Each distinguishable mutant of the model is served by a vendor-like server
(`broken_servers.mutant_breakages`: validates with the mutant at its place, then a lookup
miss); a safe run within a budget kills it when it reports a failure. For the shipped
fragment and each fixture fragment, the mutants a run kills are exactly those
`planner.predicted_score` names, at the remote budgets and unlimited, and no request
reaches a verification on file; the summary's headline (likely mistakes caught, each
mutant its share of its kind's weight) is the weighted sum of the servers the runs fail.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from bench.safe_runs import measured_kills, plan_share
from contract_tests.core.settings import REMOTE_MAX_REQUESTS
from contract_tests.plan.mutants import shares
from contract_tests.plan.planner import build_plan, predicted_score
from contract_tests.plan.values import lookup_examples
from contract_tests.report.summary import mutation_power
from contract_tests.run.pacing import Budget, reserved_for_schemathesis
from dynamic_sdk_runtime.fragment import Fragment, read_fragment
from tests.support.broken_servers import mutant_breakages
from tests.test_contract_safe_runs import FRAGMENT as SHIPPED
from tests.test_contract_safe_runs import SAFE_SEEN

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
    # the summary's headline: the likely mistakes the runs catch, each server its share
    share = {k: v for op in fragment.operations for k, v in shares(op).items()}
    measured = sum((share[name] for name in killed), Fraction(0))
    assert measured == predicted.weighted
    reserved = 0 if max_requests is None else reserved_for_schemathesis(max_requests)
    budget = Budget(max_requests=max_requests, reserved=reserved, valid_requests=0)
    lines, _detail = mutation_power(fragment, plan, budget)
    caught = measured / sum(share.values(), Fraction(0))
    assert lines[0].strip().startswith(f"likely mistakes caught: {float(caught) * 100:.0f} %")
    if max_requests is not None:
        assert predicted.killed < len(servers)  # the budget bites: the two can differ


def test_one_run_at_the_remote_defaults_catches_the_request_side_mistake_servers() -> None:
    """The request-side mistake servers of `broken_servers.breakages` a safe run can see
    (one mutant of every kind, spread over the places): one run at the remote defaults
    (60 requests, Schemathesis' share kept, no SMS budget) catches all but two (16 of 22
    before the plan was weighted), and reaches no verification on file; docs/contract.md
    quotes the figure."""
    plan = build_plan(SHIPPED, {}, seed=17, examples=settings.get_profile("dev").max_examples)
    servers = [b for b in SAFE_SEEN if b.mutant is not None]
    killed, reached = measured_kills(plan, servers, REMOTE_MAX_REQUESTS)
    assert reached == 0, "a request reached a verification on file"
    missed = sorted(b.name for b in servers if b.name not in killed)
    assert len(missed) <= 2, missed
    quoted = (
        f"catches {len(killed)} of the {len(servers)} request-side mistake servers "
        f"(`--max-requests {REMOTE_MAX_REQUESTS}`, safe mode)"
    )
    text = " ".join((ROOT / "docs" / "contract.md").read_text(encoding="utf-8").split())
    assert quoted in text, quoted
