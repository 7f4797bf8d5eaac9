"""Did the run judge enough to pass? Checks judged, failed and not judged, per target.

Why: pytest counts test items, and a check whose probes all got 401, 404 or 429 passes as
an item. A run that judged too little of what it could judge ends INCONCLUSIVE (its own
exit code), never green: 401 everywhere is a credentials problem, not a conforming server.
Checks left out on purpose (valid requests in reject-only mode, Prism's any-token) are
listed but not counted against the run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from contract_tests.core.model import Probe
from contract_tests.core.settings import EXIT_INCONCLUSIVE, EXIT_INTERRUPTED, TOKEN_VARIABLE
from contract_tests.judge.statuses import NoVerdict
from contract_tests.run.results import RunReport
from contract_tests.run.runner import BY_DESIGN

__all__ = ["TargetCounts", "Verdict", "count", "decide", "why_not_judged"]


def why_not_judged(report: RunReport, target: str, key: str) -> str:
    """Why one planned check got no verdict from one target: what its sent probes got, else
    why the rest were not sent. (The plan sends a check's likeliest killer first, so a check
    may have one probe answered 429 or 401 and the others unsent: the answer says more.)"""
    outcomes = [o for o in report.by_check().get(key, []) if o.target == target]
    whys = sorted(
        {
            o.why
            for o in outcomes
            if o.reason is not None and o.reason is not NoVerdict.COMPOSED_SPLIT
        }
    )
    if whys:
        return " / ".join(whys)
    reason = report.not_sent_reason.get((target, key))
    if reason is None:
        statuses = sorted({str(o.status) for o in outcomes})
        reason = f"no verdict from status {'/'.join(statuses) or 'none'}"
    return reason


@dataclass(frozen=True)
class TargetCounts:
    """One target's checks: planned, judged, failed, and why the others were not judged."""

    target: str
    planned: int
    judged: int
    failed: int
    not_judged: dict[str, int] = field(default_factory=dict)
    """reason -> number of checks"""
    stopped: str | None = None
    """Why sending stopped early (credentials refused, unreachable, interrupted), if it did."""
    findings: int = 0
    """Answers that break only an assumption of the fragment (or an unlisted status)."""

    @property
    def by_design(self) -> int:
        return sum(n for reason, n in self.not_judged.items() if reason in BY_DESIGN)

    @property
    def in_scope(self) -> int:
        """The checks this run set out to judge."""
        return self.planned - self.by_design

    @property
    def fraction(self) -> float:
        return self.judged / self.in_scope if self.in_scope else 0.0

    def line(self) -> str:
        reasons = "; ".join(f"{n} {reason}" for reason, n in sorted(self.not_judged.items()))
        missing = self.planned - self.judged
        return (
            f"checks: {self.target}: {self.judged} judged, {self.failed} failed, "
            f"{missing} not judged{f' ({reasons})' if reasons else ''}, of {self.planned}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "planned": self.planned,
            "judged": self.judged,
            "failed": self.failed,
            "in_scope": self.in_scope,
            "not_judged": dict(sorted(self.not_judged.items())),
            "stopped": self.stopped,
            "findings": self.findings,
        }


def count(report: RunReport, targets: Iterable[str], plan: Sequence[Probe]) -> list[TargetCounts]:
    """Per target, from the plan's outcomes (each check counted once)."""
    planned = {probe.check.key for probe in plan}
    failures = report.failures()
    counts = []
    for target in targets:
        judged = {o.probe.check.key for o in report.outcomes if o.target == target and o.judged}
        reasons = Counter(why_not_judged(report, target, key) for key in planned - judged)
        failed = sum(1 for name, _key in failures if name == target)
        findings = sum(1 for key in report.findings if key.startswith(f"{target}: "))
        counts.append(
            TargetCounts(
                target,
                len(planned),
                len(judged),
                failed,
                dict(reasons),
                report.stopped.get(target),
                findings,
            )
        )
    return counts


@dataclass(frozen=True)
class Verdict:
    """The run's word, its exit code, and the one-line reason."""

    word: Literal["PASS", "FAIL", "INCONCLUSIVE", "INTERRUPTED"]
    exit_code: int
    reason: str

    def line(self) -> str:
        return f"verdict: {self.word} (exit {self.exit_code}): {self.reason}"


def decide(
    counts: Sequence[TargetCounts] | None,
    min_judged: float,
    exit_code: int,
    *,
    interrupted: str | None = None,
) -> Verdict:
    """INTERRUPTED when a signal stopped the run; FAIL when pytest failed; INCONCLUSIVE when
    a target stopped the run early (the credentials were refused, it never answered) or
    judged below `min_judged`."""
    if interrupted is not None:
        so_far = "; ".join(
            f"{c.target} judged {c.judged} of {c.planned} checks, {c.failed} failed"
            for c in counts or []
        )
        return Verdict(
            "INTERRUPTED",
            EXIT_INTERRUPTED,
            f"{interrupted}: stopped sending; {so_far or 'nothing judged yet'}",
        )
    if counts is None:
        reason = "no check was judged: the plan did not run"
        if exit_code != 0:
            return Verdict("FAIL", exit_code, reason + " (see the errors above)")
        return Verdict("INCONCLUSIVE", EXIT_INCONCLUSIVE, reason)
    shares = ", ".join(
        f"{c.target} judged {c.judged} of {c.in_scope} checks in scope ({c.fraction:.0%})"
        for c in counts
    )
    if exit_code != 0:
        failed = sum(c.failed for c in counts)
        return Verdict(
            "FAIL", exit_code, f"pytest reported failures ({failed} failing checks); {shares}"
        )
    stopped = [c for c in counts if c.stopped is not None]
    if stopped:
        return Verdict(
            "INCONCLUSIVE",
            EXIT_INCONCLUSIVE,
            f"{shares}; {stopped[0].target}: {stopped[0].stopped}",
        )
    short = [c for c in counts if c.fraction < min_judged]
    if not short:
        return Verdict("PASS", 0, f"{shares}; --min-judged {min_judged:g}")
    worst = min(short, key=lambda c: c.fraction)
    return Verdict(
        "INCONCLUSIVE",
        EXIT_INCONCLUSIVE,
        f"{shares}, below --min-judged {min_judged:g}; not judged: {_causes(worst)}",
    )


def _causes(counts: TargetCounts) -> str:
    """The reasons counted against the run, largest first; 401/403 named as credentials."""
    causes = sorted(
        ((n, reason) for reason, n in counts.not_judged.items() if reason not in BY_DESIGN),
        reverse=True,
    )
    text = ", ".join(f"{reason} ({n} checks)" for n, reason in causes) or "nothing"
    if any(status in reason for _n, reason in causes for status in ("401", "403")):
        text += f"; 401/403 means the credentials were refused: check {TOKEN_VARIABLE}"
    if any(reason.startswith("lookup miss") for _n, reason in causes):
        text += (
            "; no invalid value of those members got 400: the server looks the verification "
            "up before it validates them, or never validates them (without a verification on "
            "file the two look the same): to judge those checks, give the sandbox's test "
            "verification (DYNAMIC_VERIFICATION_UUID) and --sms-budget 1"
        )
    return text
