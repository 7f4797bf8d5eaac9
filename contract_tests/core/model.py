"""The suite's own data: what it checks (`Check`), what it sends (`Probe`), what came back.

Every `Check` is derived from the operation model (`dynamic_sdk_runtime.fragment`): an
operation, a place in the request (`path.x`, `query.x`, `header.x`, `body.a.b`, `body`,
`auth`), a keyword of the fragment (`pattern`, `maxLength`, `type`, `required`, ...), a
reason (for a pattern: the node it exercises) and the side of the boundary. Nothing here
names a field of today's fragment.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from dynamic_sdk_runtime.fragment import NO_BODY, RawRequest

if TYPE_CHECKING:
    from contract_tests.judge.statuses import Answer, Problem, ServerProfile

__all__ = [
    "NO_BODY",
    "Auth",
    "Check",
    "Outcome",
    "Probe",
    "RunReport",
    "Side",
    "Verdict",
]

Side = Literal["accept", "reject"]
Verdict = Literal["refused", "accepted", "no-verdict", "server-error"]
Auth = Literal["token", "none", "wrong"]


@dataclass(frozen=True)
class Check:
    """One (operation, place, rule, side) the suite judges, and what one probe of it tries.

    A check is judged once any of its probes gets a verdict and fails on the smallest
    disagreeing one; `reason` (and, for a pattern, `node`) say what that probe tried. The
    pattern-node coverage table keeps the node-level detail.
    """

    operation: str
    where: str
    rule: str
    reason: str = field(compare=False)
    side: Side
    unicode_since: str | None = None
    """Set on version-dependent checks: accepted only by servers on this Unicode or newer."""
    pattern: str | None = field(default=None, compare=False)
    """The pattern whose node `node` this check exercises (coverage by pattern node)."""
    node: str | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """Identifier used in test ids, the summary and the replay file."""
        since = f":unicode-{self.unicode_since}" if self.unicode_since else ""
        return f"{self.operation}:{self.where}:{self.rule}:{self.side}{since}"

    @property
    def field_name(self) -> str:
        """The field or parameter name alone (`body.a.b` -> `a.b`), for messages."""
        return self.where.split(".", 1)[1] if "." in self.where else self.where

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "where": self.where,
            "rule": self.rule,
            "reason": self.reason,
            "side": self.side,
            "unicodeSince": self.unicode_since,
            "pattern": self.pattern,
            "node": self.node,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Check:
        side: Side = "accept" if data["side"] == "accept" else "reject"
        return cls(
            str(data["operation"]),
            str(data["where"]),
            str(data["rule"]),
            str(data["reason"]),
            side,
            data.get("unicodeSince"),
            data.get("pattern"),
            data.get("node"),
        )


@dataclass(frozen=True)
class Probe:
    """One request of the plan: which check it serves, and exactly what is sent.

    `path` holds only the path values the probe sets itself; the rest are the target's
    own (its environment, say). `body` is `NO_BODY` when nothing is sent.
    """

    check: Check
    path: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    tier: int
    auth: Auth = "token"
    members: tuple[Probe, ...] = ()
    """A composed probe: accept witnesses of several places in one valid request. When it
    is accepted every member is judged by it; otherwise the members go out on their own."""

    @classmethod
    def of(
        cls,
        check: Check,
        request: RawRequest,
        tier: int = 0,
        auth: Auth = "token",
        members: tuple[Probe, ...] = (),
    ) -> Probe:
        """The probe that sends `request` for `check`."""
        path, query, headers = dict(request.path), dict(request.query), dict(request.headers)
        return cls(check, path, query, headers, request.body, tier, auth, members)

    @property
    def request(self) -> RawRequest:
        """What the probe sends (path values: only its own; the target adds the rest)."""
        return RawRequest(self.path, self.query, self.headers, self.body)

    def value(self) -> object:
        """The value this probe's check is about (`ABSENT` when the request leaves it out)."""
        return self.request.value(self.check.where)

    @property
    def request_key(self) -> str:
        """What goes over the wire, as one string: equal keys are the same request (the
        operation gives the method and the path template)."""
        sent = {} if self.body is NO_BODY else {"body": self.body}
        parts = {"operation": self.check.operation, "auth": self.auth, "path": self.path, **sent}
        return json.dumps({**parts, "query": self.query, "headers": self.headers}, sort_keys=True)

    def to_json(self) -> dict[str, Any]:
        """Replay form: no token, ever (the runner adds the target's own)."""
        return {
            "check": self.check.to_json(),
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            **({} if self.body is NO_BODY else {"body": self.body}),
            "auth": self.auth,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Probe:
        """Rebuild one replayed probe (tier 0: replays are sent in file order)."""
        auth: Auth = data.get("auth", "token")
        return cls(
            Check.from_json(data["check"]),
            dict(data.get("path", {})),
            dict(data.get("query", {})),
            dict(data.get("headers", {})),
            data.get("body", NO_BODY),
            0,
            auth,
        )

    def size(self) -> int:
        """How big the request is: the smallest failing probe is the one reported."""
        body = None if self.body is NO_BODY else self.body
        return len(json.dumps([self.path, self.query, self.headers, body]))


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
    """Why there is no verdict (statuses.judge), shown among the not-judged reasons."""
    answer: Answer | None = None
    problem: Problem | None = None
    """What the answer breaks of its documented response, held only when it is the
    operation's own answer (not an intermediary's)."""
    curl: str = ""
    """A curl line reproducing the probe, kept when the answer has a problem."""

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
    kinds: dict[str, str] = field(default_factory=dict)
    """target -> its kind (mock, prism, base-url, ...), for the status table."""
    settled: dict[str, tuple[object, int]] = field(default_factory=dict)
    """target -> (evidence, answers) last judged: unchanged evidence judges only new ones."""

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
