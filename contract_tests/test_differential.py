"""Differential checks: the client's verdict equals every target's, request by request.

Requests are raw (derived witnesses of several places combined: several broken rules at
once, accepted values beside refused ones), sent with httpx because the generated client
refuses invalid input. In the default run with Node present, the same requests go to the
embedded mock and to Prism, and their verdicts must agree.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import Phase, given, settings

from contract_tests.checks import (
    ContractViolation,
    check_auth_required,
    check_verdict,
    client_accepts,
)
from contract_tests.conftest import sms_budget
from contract_tests.core.model import Check, Probe, Side, TargetKind
from contract_tests.core.spec import fragment
from contract_tests.judge.statuses import broken_place
from contract_tests.plan.derive import configured_requests
from contract_tests.plan.planner import build_plan
from contract_tests.plan.strategies import profile_max_examples, raw_requests
from contract_tests.run.targets import Target
from dynamic_sdk_runtime.fragment import RawRequest

POOL = build_plan(fragment(), {}, seed=0, examples=0)
"""Derived probes to combine (valid requests: never sent to a sandbox, see `unbudgeted`)."""


@pytest.mark.unbudgeted
@settings(
    max_examples=profile_max_examples() * 5,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking over HTTP
)
@given(drawn=raw_requests([p for p in POOL if p.auth == "token"]))
def test_client_and_targets_agree(targets: list[Target], drawn: tuple[str, RawRequest]) -> None:
    operation_id, request = drawn
    operation = fragment().operation(operation_id)
    broken = operation.violations(request)  # the probes carry every path value
    side: Side = "reject" if broken else "accept"
    check = Check(operation.operation_id, broken_place(operation, broken), "combined", "", side)
    probe = Probe.of(check, request)
    verdicts = {target.name: check_verdict(target, operation, probe) for target in targets}
    if len(set(verdicts.values())) > 1:
        accepts = client_accepts(targets[0], operation, probe)
        raise ContractViolation(
            f"targets disagree {verdicts} (client: {accepts})\n" + targets[0].curl(operation, probe)
        )


@pytest.mark.unbudgeted
def test_bearer_token_is_required(targets: list[Target]) -> None:
    for operation in fragment().operations:
        if not operation.security:
            continue
        valid = next(
            p for p in POOL if p.check.operation == operation.operation_id and p.auth != "token"
        )
        for target in targets:
            if target.kind is TargetKind.SANDBOX or (
                target.kind is TargetKind.BASE_URL and target.token is None
            ):
                continue  # x-auth-discrepancy: which rule the vendor enforces is what a run settles
            check_auth_required(target, operation, valid)


@pytest.mark.sends_sms
def test_sandbox_accepts_the_documented_request(target: Target) -> None:
    """At most DYNAMIC_SANDBOX_SMS_BUDGET valid requests for a real verification (real SMS)."""

    for operation, probe in configured_requests(fragment(), os.environ)[: min(sms_budget(), 1)]:
        assert client_accepts(target, operation, probe), "the DYNAMIC_* values break the rules"
        check_verdict(target, operation, probe)
