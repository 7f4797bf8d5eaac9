"""Differential checks: the client's verdict equals every target's, request by request.

Requests are raw JSON (valid fields, family values from either side of a boundary,
non-strings, missing and extra keys, non-object bodies), sent with httpx because the
generated client refuses invalid input. In the default run with Node present, the same
requests go to the embedded mock and to Prism, and their verdicts must agree.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import Phase, given, settings

from .checks import ContractViolation, check_auth_required, check_verdict, client_accepts
from .strategies import profile_max_examples, raw_requests
from .targets import Target


@pytest.mark.unbudgeted
@settings(
    max_examples=profile_max_examples() * 5,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking over HTTP
)
@given(request=raw_requests())
def test_client_and_targets_agree(targets: list[Target], request: tuple[str, object]) -> None:
    environment_id, body = request
    verdicts = {target.name: check_verdict(target, environment_id, body) for target in targets}
    if len(set(verdicts.values())) > 1:
        raise ContractViolation(
            f"targets disagree {verdicts} (client: {client_accepts(environment_id, body)})\n"
            + targets[0].curl(environment_id, body)
        )


@pytest.mark.unbudgeted
def test_bearer_token_is_required(targets: list[Target]) -> None:
    for target in targets:
        if target.kind == "sandbox" or (target.kind == "base-url" and target.token is None):
            continue  # x-auth-discrepancy: which rule the vendor enforces is what a run settles
        check_auth_required(target)


@pytest.mark.sends_sms
def test_sandbox_accepts_the_documented_request(target: Target) -> None:
    """At most DYNAMIC_SANDBOX_SMS_BUDGET valid retries of a real verification (real SMS)."""
    from .conftest import sms_budget

    body = {
        "verificationUUID": os.environ["DYNAMIC_VERIFICATION_UUID"],
        "phoneCountryCode": os.environ["DYNAMIC_PHONE_COUNTRY_CODE"],
        "phoneNumber": os.environ["DYNAMIC_PHONE_NUMBER"],
        "isoCountryCode": os.environ["DYNAMIC_ISO_COUNTRY_CODE"],
    }
    assert client_accepts(target.environment_id, body), "the DYNAMIC_* values break the rules"
    for _ in range(min(sms_budget(), 1)):
        check_verdict(target, target.environment_id, body)
