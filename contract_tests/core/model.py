"""The suite's own data: what it checks (`Check`), what it sends (`Probe`), what came back.

Every `Check` is derived from the operation model (`dynamic_sdk_runtime.fragment`): an
operation, a place in the request (`path.x`, `query.x`, `header.x`, `body.a.b`, `body`,
`auth`), a keyword of the fragment (`pattern`, `maxLength`, `type`, `required`, ...), a
reason (for a pattern: the node it exercises) and the side of the boundary. Nothing here
names a field of today's fragment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from dynamic_sdk_runtime.fragment import NO_BODY, Place, RawRequest

__all__ = [
    "NO_BODY",
    "Auth",
    "Check",
    "Probe",
    "Side",
    "Stage",
    "TargetKind",
    "Verdict",
    "changes_the_route",
    "leaf_of",
]

Side = Literal["accept", "reject"]
Verdict = Literal["refused", "accepted", "no-verdict", "server-error"]
Auth = Literal["token", "none", "wrong"]
Stage = Literal["parse", "content"]


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
        names = Place.split(self.where)[1]
        return ".".join(names) if names else self.where

    @property
    def stage(self) -> Stage:
        """Which validation an invalid value of this check meets: "parse" for a member left
        out or of another JSON type (a parser's presence and type checks), "content" for a
        value of the member's type that breaks a rule (length, pattern, format, enum). A
        server may parse, look the resource up, then check the content: a 400 at one stage
        says nothing of the other's order. The body's own JSON shape is "content"."""
        return "parse" if self.where != "body" and self.rule in ("required", "type") else "content"

    @property
    def leaf(self) -> str:
        """The innermost name (`body.a.b` -> `b`): what the personal-data marks name."""
        return leaf_of(self.where)

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


class TargetKind(StrEnum):
    """What kind of server a target is: how its answers are read (statuses.judge)."""

    MOCK = "mock"
    """The embedded mock, lenient: every valid request gets the success echo."""
    ASGI = "asgi"
    PRISM = "prism"
    """Stoplight Prism: refusals carry an `sl-violations` header."""
    BASE_URL = "base-url"
    """Any server (--base-url): a real one, whose 422 may be state, not a verdict."""
    SANDBOX = "sandbox"
    """The vendor's sandbox (--target sandbox): a real server, with the SMS budget."""

    @property
    def remote(self) -> bool:
        """A real server (--base-url, sandbox), not one built from the fragment."""
        return self in (TargetKind.BASE_URL, TargetKind.SANDBOX)


def leaf_of(where: str) -> str:
    """The innermost name of a place's text (`body.a.b` -> `b`; `auth` -> `auth`)."""
    names = Place.split(where)[1]
    return names[-1] if names else where


def changes_the_route(path: Mapping[str, str]) -> bool:
    """A path value that no longer makes one segment: empty, holding a `/` (or `\\`, which
    some routers read as one), a dot segment, or a line break a router may cut at."""
    return any(
        not value or value in (".", "..") or any(c in value for c in "/\\\r\n")
        for value in path.values()
    )
