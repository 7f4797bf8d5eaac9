"""What a run got back: one `Outcome` per probe and target, the `RunReport` grouping them.

Apart from the plan's data (`core.model`) because an outcome holds the judge's reading of
an answer (`judge.statuses.Answer`, `Problem`, `ServerProfile`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from contract_tests.core.model import Probe, TargetKind, Verdict
from contract_tests.judge.statuses import Answer, NoVerdict, Problem, ServerProfile

__all__ = ["Outcome", "RunReport"]


@dataclass
class Outcome:
    """What one probe got from one target, and whether it agrees with the documented rule."""

    probe: Probe
    target: str
    status: int | None
    verdict: Verdict
    expected: Literal["refused", "accepted"] | None  # None: version-dependent, not pinned
    note: str = ""
    why: str = ""
    """Words for people: why there is no verdict (statuses.judge), shown among the
    not-judged reasons; what code reads is `reason`."""
    reason: NoVerdict | None = None
    """Why there is no verdict, typed (None: judged, or not judged yet)."""
    answer: Answer | None = None
    problem: Problem | None = None
    """What the answer breaks of its documented response, held only when it is the
    operation's own answer (not an intermediary's)."""
    curl: str = ""
    """A curl line reproducing the probe, kept when the answer has a problem."""
    judged_with: object = None
    """The target's evidence (`ServerProfile.evidence`) when `judge` last read this answer:
    it is read again only when the evidence changed."""

    @property
    def judged(self) -> bool:
        return self.verdict in ("refused", "accepted", "server-error")

    @property
    def agreed(self) -> bool | None:
        """True/False when judged against a fixed expectation, None otherwise."""
        if self.verdict == "server-error":
            return False
        if not self.judged or self.expected is None:
            return None
        return self.verdict == self.expected


@dataclass
class RunReport:
    """Every outcome of a run, grouped for one-line-per-check verdicts."""

    outcomes: list[Outcome] = field(default_factory=list)
    not_sent_reason: dict[tuple[str, str], str] = field(default_factory=dict)
    """(target, check key) -> why some of its probes were not sent."""
    response_failures: dict[str, str] = field(default_factory=dict)
    pinned_version: str | None = None
    lookup_order: dict[str, str] = field(default_factory=dict)
    """target -> what its answers showed about validation before lookup (see runner)."""
    profiles: dict[str, ServerProfile] = field(default_factory=dict)
    """target -> what it showed about itself (statuses.ServerProfile)."""
    findings: dict[str, tuple[str, str]] = field(default_factory=dict)
    """"target: problem" -> (suggested fragment edit, curl): broken assumptions and
    unlisted statuses, reported (failures only with --strict-assumptions)."""
    stopped: dict[str, str] = field(default_factory=dict)
    """target -> why the run stopped sending early (credentials refused, unreachable,
    interrupted)."""
    kinds: dict[str, TargetKind] = field(default_factory=dict)
    """target -> its kind (mock, prism, base-url, ...), for the status table."""
    settled: dict[str, tuple[object, int, frozenset[str]]] = field(default_factory=dict)
    """target -> (evidence, outcomes scanned, operations answered) when its answers were last
    judged and held against their documents: unchanged evidence reads only the outcomes
    that came since."""

    def by_check(self) -> dict[str, list[Outcome]]:
        grouped: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.outcomes:
            grouped[outcome.probe.check.key].append(outcome)
        return grouped

    def failures(self) -> dict[tuple[str, str], Outcome]:
        """(target, check key) -> the minimal disagreeing outcome (smallest request)."""
        found: dict[tuple[str, str], Outcome] = {}
        for outcome in self.outcomes:
            if outcome.agreed is False:
                key = (outcome.target, outcome.probe.check.key)
                if key not in found or outcome.probe.size() < found[key].probe.size():
                    found[key] = outcome
        return found

    def version_dependent(self) -> dict[tuple[str, str], Outcome]:
        """Unpinned version-dependent probes the server refused (reported, never failing)."""
        found: dict[tuple[str, str], Outcome] = {}
        for outcome in self.outcomes:
            if outcome.expected is None and outcome.verdict == "refused":
                found.setdefault((outcome.target, outcome.probe.check.key), outcome)
        return found

    def judged_keys(self, target: str) -> set[str]:
        return {o.probe.check.key for o in self.outcomes if o.target == target and o.judged}
