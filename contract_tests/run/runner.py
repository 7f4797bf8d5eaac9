"""Send a plan to one target within a budget, and judge every answer.

A 429 is never a verdict: the runner waits `Retry-After` (bounded) and re-sends the same
probe. Statuses become verdicts by one table (`interpret`, docs/contract.md "Statuses and
verdicts"); every answer is also checked against the response the operation documents
for its status (`documented`), read from the operation model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Literal

import httpx

from contract_tests.core.model import Check, Probe, Stage, TargetKind, changes_the_route
from contract_tests.core.settings import TOKEN_VARIABLE
from contract_tests.core.unicode_ages import VERSIONS
from contract_tests.judge.statuses import (
    Answer,
    Asked,
    NoVerdict,
    Problem,
    ServerProfile,
    judge,
    location_of,
    response_problem,
)
from contract_tests.run.pacing import Budget
from contract_tests.run.progress import Progress
from contract_tests.run.results import Outcome, RunReport
from contract_tests.run.targets import Target
from dynamic_sdk_runtime.fragment import Fragment, Operation

__all__ = [
    "ANY_TOKEN",
    "BY_DESIGN",
    "SAFE_MODE",
    "NotSent",
    "documented",
    "expected_verdict",
    "run_plan",
    "unreachable",
]


class NotSent(StrEnum):
    """Why a planned probe was not sent (the summary's not-judged reason)."""

    ANY_TOKEN = "Prism takes any token"
    SAFE_MODE = "valid request, no SMS budget (safe mode)"
    STOPPED = "not sent: the run stopped at its first failures (-x / --maxfail)"
    BUDGET_SPENT = "budget spent"


ANY_TOKEN = NotSent.ANY_TOKEN
SAFE_MODE = NotSent.SAFE_MODE
STOPPED = NotSent.STOPPED
BY_DESIGN = (NotSent.ANY_TOKEN, NotSent.SAFE_MODE)
"""Reasons a check is left out on purpose: not judged, but not counted against the run."""


def asked(probe: Probe) -> Asked:
    """What one probe tries, for the status table: its place, side, credentials, route, and
    the members it is about (its check's place; a composed probe's: each member's)."""
    where = probe.check.where
    checks = [member.check for member in probe.members] or [probe.check]
    members = tuple(dict.fromkeys(c.where for c in checks if c.where != "auth"))
    route = changes_the_route(probe.path)
    stage: Stage = "content" if any(c.stage == "content" for c in checks) else "parse"
    return Asked(location_of(where), probe.check.side, probe.auth, route, members, stage)


def expected_verdict(check: Check, pinned: str | None) -> Literal["refused", "accepted"] | None:
    """What a correct server answers; version-dependent checks only when a version is pinned."""
    if check.unicode_since is not None:
        if pinned is None:
            return None
        since, upto = VERSIONS.index(check.unicode_since), VERSIONS.index(pinned)
        return "accepted" if since <= upto else "refused"
    return "accepted" if check.side == "accept" else "refused"


def documented(
    target: Target, operation: Operation, probe: Probe, answer: Answer
) -> Problem | None:
    """What the answer breaks of the response the operation documents for its status.

    The embedded mock also promises a 400 message that names a broken field.
    """
    problem = response_problem(operation, answer, _context(operation, probe, answer))
    if problem is not None and not target.kind.remote:
        return dataclasses.replace(problem, finding=False)  # built from the fragment: all of it
    if (
        problem is not None
        or answer.status != 400
        or target.kind not in (TargetKind.MOCK, TargetKind.ASGI)
    ):
        return problem
    if probe.auth != "token":
        return None
    body = answer.body
    message = str(body.get("error", "")) if isinstance(body, dict) else ""
    fields = {e.field for e in operation.violations(target.raw_request(probe))}
    if fields and not any(name in message for name in fields):
        return Problem(
            f"{operation.operation_id} 400 message names none of {sorted(fields)}", False
        )
    return None


def _context(operation: Operation, probe: Probe, answer: Answer) -> str:
    """The request in words: `unknown <lookup field>` for a valid-shaped lookup miss."""
    if asked(probe).valid_shaped and operation.lookup_miss(answer.status, answer.body):
        return f"unknown {operation.lookup_field}"
    if probe.auth != "token":
        return f"auth {probe.auth}"
    return f"{probe.check.where} {probe.check.side}"


def _send(target: Target, operation: Operation, probe: Probe, *, resend: bool) -> httpx.Response:
    """Send one probe. A request a correct server must refuse is re-sent once on a transport
    error once the target has answered: a keep-alive connection the server closed after an
    earlier answer (e.g. a 500) is not this probe's fault. A valid request never is: it might
    text someone twice."""
    try:
        return target.send_probe(operation, probe)
    except httpx.TransportError:
        if not resend:
            raise
        return target.send_probe(operation, probe)


CREDENTIALS_REFUSED_AFTER = 3
"""Requests sent with the token, all answered 401/403 in the operation's own shape and
nothing else seen, after which the credentials are taken as refused and the run stops."""


def credentials_refused(report: RunReport, target: str) -> str | None:
    """Why the target's answers show the token is refused, or None.

    Only requests the token alone can explain count: sent with the token, answered 401 or
    403 by the operation itself (an intermediary's 403 for a body holding `<` does not).
    """
    refused = 0
    for outcome in report.outcomes:
        if outcome.target != target or outcome.probe.auth != "token" or outcome.answer is None:
            continue
        if outcome.status == 429 or (outcome.status or 0) >= 500:
            continue
        intermediary_answer = outcome.reason is NoVerdict.INTERMEDIARY
        if outcome.status in (401, 403) and not intermediary_answer:
            refused += 1
        elif not intermediary_answer:
            return None
    if refused >= CREDENTIALS_REFUSED_AFTER:
        return (
            f"the credentials were refused: the first {refused} requests sent with the token "
            f"got 401/403; check {TOKEN_VARIABLE}"
        )
    return None


UNREACHABLE_AFTER = 3
"""Requests that got no answer at all (connection refused, DNS failure, a timeout) from a
target that never answered, after which it is taken as unreachable and the run stops."""
DROPPED = "dropped the request"
"""The note of a request that got no answer: `dropped the request (ConnectError: ...)`."""
_CHECK_URL = {
    TargetKind.BASE_URL: "check --base-url",
    TargetKind.SANDBOX: "check DYNAMIC_SANDBOX_BASE_URL",
}


def _dropped(error: httpx.TransportError) -> str:
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"{DROPPED} ({detail})"


def unreachable(report: RunReport, target: str, url: str = "") -> str | None:
    """Why the target is taken as unreachable (at `url`), or None.

    Only a target that never answered anything: its first requests, `UNREACHABLE_AFTER` of
    them, all got no answer at all (a transport error). Once it answered even once, a request
    it drops is a server error (a failure), as before: that server is there, and broke.
    """
    dropped = []
    for outcome in report.outcomes:
        if outcome.target != target:
            continue
        if outcome.answer is not None:
            return None
        dropped.append(outcome)
    if len(dropped) < UNREACHABLE_AFTER:
        return None
    details = dict.fromkeys(o.note.removeprefix(DROPPED).strip(" ()") for o in dropped)
    got = ", ".join(d for d in details if d) or "a transport error"
    kind = report.kinds.get(target)
    hint = _CHECK_URL.get(kind, "is it running?") if kind is not None else "is it running?"
    return (
        f"the server is unreachable: the first {len(dropped)} requests"
        f"{f' to {url}' if url else ''} got no answer ({got}); {hint}"
    )


def _no_answer_is_no_verdict(report: RunReport, target: str) -> None:
    """An unreachable target judged nothing: its dropped requests are not failures."""
    for outcome in report.outcomes:
        if outcome.target == target and outcome.answer is None:
            outcome.verdict, outcome.reason = "no-verdict", NoVerdict.NO_ANSWER
            outcome.why = "no answer" + outcome.note.removeprefix(DROPPED)


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
    stops sending once that many checks failed. When the first answers show the token is
    refused, or the first requests got no answer at all (`unreachable`), sending stops (the
    run is INCONCLUSIVE). An interrupt (SIGINT, or SIGTERM turned into one) stops sending
    too: what was judged so far is settled, then it goes on.
    """
    reported: set[str] = set()
    if progress is not None:
        budget.progress = progress
    profile = report.profiles.setdefault(target.name, ServerProfile())
    report.kinds[target.name] = target.kind

    heard = False
    """Whether the target answered anything yet: until then a dropped request may mean it
    is unreachable (no verdict), so it is neither written nor counted as a failure."""

    def tell_failures(*, final: bool = False) -> bool:
        """Write the newly failing checks; True when the run must stop sending."""
        for outcome in report.outcomes:
            key = outcome.probe.check.key
            if outcome.target == target.name and outcome.agreed is False and key not in reported:
                if outcome.answer is None and not (heard or final):
                    continue
                reported.add(key)
                if progress is not None:
                    progress.failed(describe(outcome) if describe else key)
        return max_failures is not None and len(reported) >= max_failures

    stopped: str | None = None
    covered: set[int] = set()
    """Probes judged through an accepted composed probe: not sent again."""
    answers: dict[str, httpx.Response] = {}
    """Reusable answers by request content: a probe identical to a request already answered
    (the plan holds the same request for several checks) is judged by that answer, free."""
    try:
        for probe in plan:
            if id(probe) in covered:
                continue
            key = (target.name, probe.check.key)
            if stopped is not None:
                report.not_sent_reason.setdefault(key, stopped)
                continue
            if target.kind is TargetKind.PRISM and probe.auth == "wrong":
                report.not_sent_reason[key] = ANY_TOKEN
                continue
            operation = fragment.operation(probe.check.operation)
            valid = probe.auth == "token" and probe.check.side == "accept"
            limit = budget.valid_requests
            if valid and may_act(operation) and limit is not None and budget.valid_sent >= limit:
                report.not_sent_reason[key] = SAFE_MODE
                continue
            response: httpx.Response | None = answers.get(probe.request_key)
            note = ""
            if response is None:  # not the same as a request already answered: send it
                if budget.exhausted(keep=budget.reserved):
                    report.not_sent_reason.setdefault(key, NotSent.BUDGET_SPENT)
                    continue
                for _attempt in range(budget.max_rate_limited_retries + 1):
                    budget.pace()
                    try:
                        response = _send(target, operation, probe, resend=heard and not valid)
                    except httpx.TransportError as error:
                        budget.answered(None)
                        response = None
                        note = _dropped(error)
                        break
                    heard = True
                    budget.answered(response.status_code, response.headers)
                    if response.status_code != 429:
                        break
                    if budget.exhausted(keep=budget.reserved):
                        break
                budget.valid_sent += int(valid and may_act(operation) and response is not None)
                if response is not None and reusable(response.status_code):
                    answers[probe.request_key] = response
            _record(target, operation, probe, response, note, report, profile, covered)
            settle(report, fragment, target.name)
            gone = None if heard else unreachable(report, target.name, target.public_url)
            if gone is not None:
                _no_answer_is_no_verdict(report, target.name)
                stopped = report.stopped[target.name] = f"not sent: {gone}"
                budget.halted = gone
            if max_failures is not None and tell_failures():
                stopped = STOPPED
            refused = credentials_refused(report, target.name)
            if refused is not None:
                stopped = report.stopped[target.name] = f"not sent: {refused}"
                budget.halted = refused
            if progress is not None:
                tell_failures()
    except KeyboardInterrupt:
        report.stopped.setdefault(target.name, "interrupted (SIGINT/SIGTERM)")
        raise
    finally:
        settle(report, fragment, target.name)
        tell_failures(final=True)
        if progress is not None:
            progress.done()
    return report


def _record(
    target: Target,
    operation: Operation,
    probe: Probe,
    response: httpx.Response | None,
    note: str,
    report: RunReport,
    profile: ServerProfile,
    covered: set[int],
) -> None:
    """Record the outcome(s) of one answer: a composed probe's members when its answer
    judges them all (a success, or a lookup miss), else the probe alone."""
    expected = expected_verdict(probe.check, report.pinned_version)
    if response is None:
        report.outcomes.append(Outcome(probe, target.name, None, "server-error", expected, note))
        return
    answer = Answer.of(response)
    profile.learn(operation, asked(probe), answer)
    problem = documented(target, operation, probe, answer)
    curl = target.curl(operation, probe) if problem is not None else ""
    outcome = Outcome(
        probe,
        target.name,
        answer.status,
        "no-verdict",
        expected,
        "rate limited" if answer.status == 429 else response.text[:120],
        answer=answer,
        problem=problem,
        curl=curl,
    )
    if not probe.members:  # judged by the settle that follows, with every answer new to it
        report.outcomes.append(outcome)
        return
    _judge(target.kind, operation, outcome, profile)
    if outcome.verdict == "accepted" or operation.lookup_miss(answer.status, answer.body):
        # one answer judges every member (a lookup miss once the order is learned);
        # a refusal or an error splits it: the members go out on their own
        covered.update(id(member) for member in probe.members)
        report.outcomes += [
            Outcome(
                member,
                target.name,
                answer.status,
                outcome.verdict,
                expected_verdict(member.check, report.pinned_version),
                "composed",
                answer=answer,
            )
            for member in probe.members
        ]
    else:
        # the composed answer itself is still evidence for the response checks
        outcome.verdict, outcome.reason = "no-verdict", NoVerdict.COMPOSED_SPLIT
        outcome.why = "composed probe split"
        report.outcomes.append(outcome)


def reusable(status: int) -> bool:
    """Whether an answer judges an identical request sent later: not a 5xx, a rate limit or
    an auth refusal (those may differ the next time, and count as evidence of their own)."""
    return status < 500 and status not in (401, 403, 408, 429)


def may_act(operation: Operation) -> bool:
    """Whether a valid probe of `operation` may make the server act (send an SMS).

    Probes of an operation with `x-lookup-field` always name a resource that does not
    exist (derive.base_request), so a valid one is answered 404 and costs nothing; any
    other operation's valid request may act, and spends the SMS budget.
    """
    return operation.lookup_field is None


def _judge(
    kind: TargetKind, operation: Operation, outcome: Outcome, profile: ServerProfile
) -> None:
    """Read one answer through the status table (statuses.judge) with the target's evidence."""
    assert outcome.answer is not None
    judgement = judge(kind, operation, asked(outcome.probe), outcome.answer, profile)
    outcome.verdict, outcome.why = judgement.verdict, judgement.why
    outcome.reason = judgement.reason
    if judgement.why and (judgement.intermediary or judgement.verdict == "accepted"):
        outcome.note = judgement.why  # shown on the failure line
    outcome.judged_with = profile.evidence()


def settle(report: RunReport, fragment: Fragment, target: str) -> None:
    """Judge every answer of `target` not yet judged with what it has shown about itself.

    Evidence grows as answers come (a lookup miss beside a 400 at the same member; the
    content types of the operation's own answers): an answer judged with older evidence is
    judged again, one judged with today's is not. Then every answer that is the operation's
    own is held against its documented response: a failure where the vendor documents it,
    a finding where the fragment only assumes it (all of them again when the evidence
    changed, since which answers are the operation's own may have changed).
    """
    profile = report.profiles.setdefault(target, ServerProfile())
    evidence = profile.evidence()
    held_with, scanned, operations = report.settled.get(target, (None, 0, frozenset()))
    changed = held_with != evidence
    # outcomes are only ever appended: unchanged evidence reads only the ones since
    fresh = [
        o
        for o in report.outcomes[0 if changed else scanned :]
        if o.target == target and o.answer is not None
    ]
    if not fresh:
        return
    kind = report.kinds[target]
    for outcome in fresh:
        if outcome.judged_with != evidence and outcome.reason is not NoVerdict.COMPOSED_SPLIT:
            _judge(kind, fragment.operation(outcome.probe.check.operation), outcome, profile)
    operations |= {o.probe.check.operation for o in fresh}
    report.settled[target] = (evidence, len(report.outcomes), operations)
    _held_against_documents(report, target, fresh, rebuild=changed)
    for name in sorted(operations):
        words = profile.describe(fragment.operation(name))
        if words:
            report.lookup_order[target] = words


def _held_against_documents(
    report: RunReport, target: str, outcomes: list[Outcome], *, rebuild: bool
) -> None:
    """The target's response failures and findings from its own answers (`rebuild`: all
    of them again, since which answers are its own may have changed)."""
    prefix = f"{target}: "
    if rebuild:
        for store in (report.response_failures, report.findings):
            for key in [k for k in store if k.startswith(prefix)]:
                del store[key]
    for outcome in outcomes:
        problem = outcome.problem
        if problem is None or outcome.reason is NoVerdict.INTERMEDIARY:
            continue
        if problem.finding:
            report.findings.setdefault(prefix + problem.text, (problem.suggestion, outcome.curl))
        else:
            report.response_failures.setdefault(prefix + problem.text, outcome.curl)
