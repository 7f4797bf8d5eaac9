"""The contract suite's check functions, shared by the real targets and the broken servers.

Each takes a `Target`, an operation of the model and a raw request (a `Probe`) and raises
`ContractViolation` (with a curl line) when the server disagrees with the documented
rules. `Operation.violations` is the executable form of those rules; the documented
answer for each status comes from the same operation (`runner.documented`).
"""

from __future__ import annotations

import httpx

from contract_tests.core.model import Check, Probe, TargetKind
from contract_tests.judge.statuses import Answer, ServerProfile, judge
from contract_tests.run.runner import asked, documented
from contract_tests.run.targets import Target
from dynamic_sdk_runtime.fragment import Operation

__all__ = ["ContractViolation", "check_auth_required", "check_verdict", "client_accepts"]


class ContractViolation(AssertionError):
    """The target broke a documented rule; the message ends with a reproducing curl line."""


def _violations(target: Target, operation: Operation, probe: Probe) -> list[str]:
    found = operation.violations(target.raw_request(probe))
    return [f"{e.field}:{e.rule}" for e in found]


def client_accepts(target: Target, operation: Operation, probe: Probe) -> bool:
    """The client's verdict: it would send the request."""
    return not _violations(target, operation, probe)


def _send(target: Target, operation: Operation, probe: Probe) -> httpx.Response:
    """Send one request; a dropped connection or a timeout is itself a contract failure."""
    try:
        return target.send_probe(operation, probe)
    except httpx.TransportError as error:
        raise ContractViolation(
            f"{target.name} dropped the request ({type(error).__name__}: {error})\n"
            + target.curl(operation, probe)
        ) from error


def check_verdict(target: Target, operation: Operation, probe: Probe) -> bool:
    """Send one raw request; the target's verdict must equal the client's. Returns it."""
    reasons = _violations(target, operation, probe)
    response = _send(target, operation, probe)
    curl = target.curl(operation, probe)
    if response.status_code >= 500:
        raise ContractViolation(
            f"{target.name} answered {response.status_code} to a well-formed request\n{curl}"
        )
    answer = Answer.of(response)
    judgement = judge(target.kind, operation, asked(probe), answer, ServerProfile())
    if judgement.verdict == "no-verdict":
        return not reasons  # an intermediary's or a state answer: nothing to hold
    accepted = judgement.verdict == "accepted"
    if accepted != (not reasons):
        raise ContractViolation(
            f"{target.name} {'accepted' if accepted else 'rejected'} ({response.status_code}) a "
            f"request the documented rules {'reject' if reasons else 'accept'} {reasons}: "
            f"{response.text[:200]!r}\n{curl}"
        )
    problem = documented(target, operation, probe, answer)
    if problem is not None and not problem.finding:
        raise ContractViolation(f"{target.name}: {problem.text}\n{curl}")
    return accepted


def check_auth_required(target: Target, operation: Operation, probe: Probe) -> None:
    """A valid request without a token, or with a wrong one, is refused (401 or 403)."""
    for auth in ("none", "wrong"):
        if auth == "wrong" and target.kind is TargetKind.PRISM:
            continue  # Prism checks that a bearer token is present, not which one
        check = Check(operation.operation_id, "auth", "bearer", auth, "reject")
        attempt = Probe(check, probe.path, probe.query, probe.headers, probe.body, 1, auth)
        response = target.send_probe(operation, attempt)
        answer = Answer.of(response)
        judgement = judge(target.kind, operation, asked(attempt), answer, ServerProfile())
        if judgement.verdict not in ("refused", "no-verdict"):
            raise ContractViolation(
                f"{target.name} answered {response.status_code} to a request with auth={auth}"
            )
        problem = documented(target, operation, attempt, answer)
        if problem is not None and not problem.finding:
            raise ContractViolation(f"{target.name}: {problem.text}")
