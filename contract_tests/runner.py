"""Send a plan to one target within a budget, and judge every answer.

A 429 is never a verdict: the runner waits `Retry-After` (bounded) and re-sends the same
probe. Statuses become verdicts by one table (`interpret`, docs/contract.md "Statuses and
verdicts"); every answer is also checked against the response the operation documents
for its status (`documented`), read from the operation model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

import httpx

from dynamic_sdk_runtime.fragment import Fragment, Operation
from dynamic_sdk_runtime.schema import schema_violations

from .model import NO_BODY, Check, Outcome, Probe, RunReport, Verdict
from .pacing import Budget
from .progress import Progress
from .targets import Target
from .unicode_ages import VERSIONS

__all__ = [
    "ANY_TOKEN",
    "BY_DESIGN",
    "SAFE_MODE",
    "documented",
    "expected_verdict",
    "interpret",
    "run_plan",
]

ANY_TOKEN = "Prism takes any token"
SAFE_MODE = "valid request, no SMS budget (safe mode)"
STOPPED = "not sent: the run stopped at its first failures (-x / --maxfail)"
BY_DESIGN = (ANY_TOKEN, SAFE_MODE)
"""Reasons a check is left out on purpose: not judged, but not counted against the run."""


def interpret(target: Target, probe: Probe, response: httpx.Response) -> Verdict:
    """The status-to-verdict table (docs/contract.md, "Statuses and verdicts")."""
    status = response.status_code
    check = probe.check
    if status >= 500:
        return "server-error"
    if check.where == "auth":
        return "refused" if status == 401 else "accepted"
    if target.kind == "prism":
        return "refused" if target.rejected(response) else "accepted"
    if status == 400:
        return "refused"
    if status == 404:
        path_reject = check.where.startswith("path.") and check.side == "reject"
        return "refused" if path_reject else "no-verdict"
    if status in (401, 403, 413, 415, 429):
        return "no-verdict"
    if status == 422 and target.kind in ("base-url", "sandbox"):
        return "no-verdict"
    return "accepted"


def expected_verdict(check: Check, pinned: str | None) -> Literal["refused", "accepted"] | None:
    """What a correct server answers; version-dependent checks only when a version is pinned."""
    if check.unicode_since is not None:
        if pinned is None:
            return None
        since, upto = VERSIONS.index(check.unicode_since), VERSIONS.index(pinned)
        return "accepted" if since <= upto else "refused"
    return "accepted" if check.side == "accept" else "refused"


def documented(
    target: Target, operation: Operation, probe: Probe, response: httpx.Response
) -> str | None:
    """Why the response breaks what the operation documents for its status, or None."""
    status = response.status_code
    documented_response = operation.response_for(status)
    if documented_response is None:
        return f"{operation.operation_id}: status {status} not documented"
    if documented_response.schema is None:
        return None
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if status == 429 and content_type != "application/json":
        return None  # the vendor warns its 429 body may not be JSON: only status + Retry-After
    if content_type != "application/json":
        return f"{operation.operation_id} {status}: content type {content_type!r}, not JSON"
    try:
        answer = response.json()
    except ValueError:
        return f"{operation.operation_id} {status}: body is not JSON"
    broken = [
        f"{e.field}:{e.rule}" for e in schema_violations(documented_response.schema, answer, "")
    ]
    if broken:
        name = documented_response.schema.component or documented_response.key
        return f"{operation.operation_id} {status}: body breaks {name} {broken}"
    if status == 400 and target.kind in ("mock", "asgi") and probe.auth == "token":
        message = str(answer.get("error", "")) if isinstance(answer, dict) else ""
        body = None if probe.body is NO_BODY else probe.body
        path = {**target.path_values, **probe.path}
        fields = {
            e.field
            for e in operation.violations(
                path,
                body,
                query=probe.query,
                headers=probe.headers,
                body_sent=probe.body is not NO_BODY,
            )
        }
        if fields and not any(name in message for name in fields):
            return f"{operation.operation_id} 400 message names none of {sorted(fields)}"
    return None


def _send(target: Target, operation: Operation, probe: Probe, *, resend: bool) -> httpx.Response:
    """Send one probe. A request a correct server must refuse is re-sent once on a transport
    error: a keep-alive connection the server closed after an earlier answer (e.g. a 500)
    is not this probe's fault. A valid request never is: it might text someone twice."""
    try:
        return target.send_probe(operation, probe)
    except httpx.TransportError:
        if not resend:
            raise
        return target.send_probe(operation, probe)


def run_plan(
    target: Target,
    fragment: Fragment,
    plan: Iterable[Probe],
    budget: Budget,
    *,
    report: RunReport,
    progress: Progress | None = None,
    describe: Callable[[Outcome], str] | None = None,
    max_failures: int | None = None,
) -> RunReport:
    """Send the plan in order within the budget; every probe ends judged or listed as not.

    With `progress`, each answer updates the live status and each failing check is written
    (through `describe`) the moment it is known; `max_failures` (pytest's -x / --maxfail)
    stops sending once that many checks failed.
    """
    reported: set[str] = set()
    if progress is not None:
        budget.progress = progress

    def tell_failures() -> bool:
        """Write the newly failing checks; True when the run must stop sending."""
        for outcome in report.outcomes:
            key = outcome.probe.check.key
            if outcome.target == target.name and outcome.agreed is False and key not in reported:
                reported.add(key)
                if progress is not None:
                    progress.failed(describe(outcome) if describe else key)
        return max_failures is not None and len(reported) >= max_failures

    stopped = False
    covered: set[int] = set()
    """Probes judged through an accepted composed probe: not sent again."""
    for probe in plan:
        if id(probe) in covered:
            continue
        key = (target.name, probe.check.key)
        if stopped:
            report.not_sent_reason.setdefault(key, STOPPED)
            continue
        if target.kind == "prism" and probe.auth == "wrong":
            report.not_sent_reason[key] = ANY_TOKEN
            continue
        operation = fragment.operation(probe.check.operation)
        expected = expected_verdict(probe.check, report.pinned_version)
        valid = probe.auth == "token" and probe.check.side == "accept"
        limit = budget.valid_requests
        if valid and may_act(operation) and limit is not None and budget.valid_sent >= limit:
            report.not_sent_reason[key] = SAFE_MODE
            continue
        if budget.exhausted(keep=budget.reserved):
            report.not_sent_reason.setdefault(key, "budget spent")
            continue
        response: httpx.Response | None = None
        note = ""
        for _attempt in range(budget.max_rate_limited_retries + 1):
            budget.pace()
            try:
                response = _send(target, operation, probe, resend=not valid)
            except httpx.TransportError as error:
                budget.answered(None)
                response = None
                note = f"dropped the request ({type(error).__name__})"
                break
            budget.answered(response.status_code, response.headers)
            if response.status_code != 429:
                break
            if budget.exhausted(keep=budget.reserved):
                break
        budget.valid_sent += int(valid and may_act(operation) and response is not None)
        outcome = _outcome(target, operation, probe, response, expected, note, report)
        if not probe.members:
            report.outcomes.append(outcome)
        elif outcome.verdict == "accepted" or (
            outcome.status == 404 and operation.lookup_field is not None
        ):
            # one answer judges every member (a 404 once the lookup order is learned);
            # a refusal or an error splits it: the members go out on their own
            covered.update(id(member) for member in probe.members)
            report.outcomes += [
                Outcome(member, target.name, outcome.status, outcome.verdict, expected, "composed")
                for member in probe.members
            ]
        if progress is not None or max_failures is not None:
            settle_lookups(report, fragment, target.name)
            stopped = tell_failures()
    settle_lookups(report, fragment, target.name)
    tell_failures()
    if progress is not None:
        progress.done()
    return report


def _outcome(
    target: Target,
    operation: Operation,
    probe: Probe,
    response: httpx.Response | None,
    expected: Literal["refused", "accepted"] | None,
    note: str,
    report: RunReport,
) -> Outcome:
    """The verdict on one answer (a dropped request is a server error, a 429 no verdict);
    a response that breaks what the operation documents is recorded on the report."""
    if response is None:
        return Outcome(probe, target.name, None, "server-error", expected, note)
    if response.status_code == 429:
        return Outcome(probe, target.name, 429, "no-verdict", expected, "rate limited")
    problem = documented(target, operation, probe, response)
    if problem is not None:
        report.response_failures.setdefault(
            f"{target.name}: {problem}", target.curl(operation, probe)
        )
    verdict = interpret(target, probe, response)
    return Outcome(probe, target.name, response.status_code, verdict, expected, response.text[:120])


def may_act(operation: Operation) -> bool:
    """Whether a valid probe of `operation` may make the server act (send an SMS).

    Probes of an operation with `x-lookup-field` always name a resource that does not
    exist (derive.base_request), so a valid one is answered 404 and costs nothing; any
    other operation's valid request may act, and spends the SMS budget.
    """
    return operation.lookup_field is None


def _looked_up(fragment: Fragment, outcome: Outcome) -> bool:
    """A 404 to a probe of a lookup operation that did not change a path parameter."""
    check = outcome.probe.check
    if outcome.status != 404 or check.where.startswith("path.") or check.where == "auth":
        return False
    return fragment.operation(check.operation).lookup_field is not None


def _changes_the_route(outcome: Outcome) -> bool:
    """A path value that no longer makes one segment: its 404 is the router's, not a verdict."""
    values = outcome.probe.path.values()
    return any(not v or "/" in v or v in (".", "..") for v in values)


def settle_lookups(report: RunReport, fragment: Fragment, target: str) -> None:
    """Turn "404: not found" into a verdict when the server showed it validates first.

    Evidence from the server's own answers: an invalid probe got 400 while a valid-shaped
    one (the same unknown resource) got 404. Then 404 means "passed validation": accepted,
    which fails a reject probe and passes an accept probe. Without that evidence the 404s
    stay unjudged, with the reason in the summary. Path values the same way: when some
    invalid path values got 400, another invalid one answered 404 slipped past validation.
    """
    mine = [o for o in report.outcomes if o.target == target]
    path_rejects = [
        o
        for o in mine
        if o.probe.check.where.startswith("path.")
        and o.probe.check.side == "reject"
        and o.probe.check.unicode_since is None
        and not _changes_the_route(o)
    ]
    if any(o.status == 400 for o in path_rejects):
        for outcome in path_rejects:
            if outcome.status == 404:
                outcome.verdict = "accepted"
                outcome.note = "404 where other invalid path values got 400: passed validation"
    lookups = [o for o in mine if _looked_up(fragment, o)]
    if not lookups:
        return
    refused_invalid = any(
        o.status == 400
        and o.probe.check.side == "reject"
        and not o.probe.check.where.startswith("path.")
        for o in mine
    )
    found_valid = any(o.probe.check.side == "accept" for o in lookups)
    if refused_invalid and found_valid:
        report.lookup_order[target] = (
            "validates, then looks up: 400 for invalid probes, 404 for valid-shaped ones "
            "naming an unknown resource; such a 404 is judged as passed validation"
        )
        for outcome in lookups:
            outcome.verdict = "accepted"
            outcome.note = "404 after validation (unknown resource)"
    else:
        report.lookup_order[target] = (
            "not seen to validate before the lookup (no 400 beside a valid-shaped 404): "
            f"{len(lookups)} answers of 404 are not judged"
        )
