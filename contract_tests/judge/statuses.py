"""The one status-to-verdict table: whose answer it is, and what it says about the request.

Every judge of an answer reads it here: the plan's runner, the checks the tests and the
broken servers share, and the check Schemathesis runs. What a target showed about itself
in this run (`ServerProfile`: the content types of the operation's own answers, and for
each member of the request (`body.a`, `path.x`; `body` itself: that it
is a JSON object) whether it is validated before the resource is looked up) is the only
evidence; nothing here is a fact typed in about one vendor.

    answer                                                   verdict
    5xx, or the connection dropped                            server error
    429                                                      no verdict (rate limited)
    an intermediary's: a 404/405 to a path the operation     no verdict: answered by an
      cannot match, a 405 to the documented method, a 4xx     intermediary (status, type)
      in a content type the operation never answers in
    auth probe: 401 or 403                                   refused (else accepted)
    Prism: its sl-violations header names the request data   refused (else accepted)
    400                                                      refused
    a lookup miss (x-lookup-miss: 404, 422 with a code)      accepted once the run saw this
                                                             member validated before the
                                                             lookup; else refused for an
                                                             invalid path value (it is
                                                             what was not found), no
                                                             verdict for the rest
    401, 403, 404, 413, 415; 422 from a real server          no verdict
    anything else (2xx ...)                                  accepted

`response_problem` holds an answer against the response the operation documents for its
status: a break of what the vendor documents is a failure, a break of the fragment's
assumption (`x-documented-by: assumption`) or an unlisted status is a finding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, get_args

import httpx

from contract_tests.core.model import Auth, Side, Stage, TargetKind, Verdict
from dynamic_sdk_runtime.exceptions import ValidationError
from dynamic_sdk_runtime.fragment import Operation, Place
from dynamic_sdk_runtime.schema import schema_violations

__all__ = [
    "NEGATIVE_STATUSES",
    "NOT_JSON",
    "POSITIVE_STATUSES",
    "Answer",
    "Asked",
    "AskedAt",
    "Judgement",
    "NoVerdict",
    "Problem",
    "ServerProfile",
    "broken_members",
    "broken_place",
    "judge",
    "location_of",
    "prism_input_violations",
    "response_problem",
]

# Schemathesis' own acceptance and rejection checks, per kind of target (the same kinds as
# `judge`; against a real server `verdict_agrees` and `documented_answer` read `judge`).
# Statuses a valid request may get: state decides between 200, 404 (unknown verification),
# 422 (phone mismatch, too many attempts) and 429.
POSITIVE_STATUSES: dict[TargetKind, tuple[str, ...]] = {
    TargetKind.MOCK: ("2xx", "404", "422", "429"),
    TargetKind.ASGI: ("2xx", "404", "422", "429"),
    TargetKind.PRISM: ("2xx",),
    TargetKind.BASE_URL: ("2xx", "403", "404", "422", "429"),
    TargetKind.SANDBOX: ("2xx", "403", "404", "422", "429"),
}
# Statuses an invalid request may get: 400 (documented), 401 when the credentials were the
# thing broken, 413/415 for a body the server cannot read as JSON; Prism answers 422.
NEGATIVE_STATUSES: dict[TargetKind, tuple[str, ...]] = {
    TargetKind.MOCK: ("400", "401", "403", "413", "415"),
    TargetKind.ASGI: ("400", "401", "403", "413", "415"),
    TargetKind.PRISM: ("400", "401", "403", "415", "422"),
    TargetKind.BASE_URL: ("400", "401", "403", "404", "413", "415", "422"),
    TargetKind.SANDBOX: ("400", "401", "403", "404", "413", "415", "422"),
}
AskedAt = Literal["path", "query", "header", "body", "auth"]
"""The part of a request a probe changed: a place's location, or its credentials."""


def location_of(where: str) -> AskedAt:
    """`path.x` -> "path", `body.a.b` -> "body", "auth" -> "auth"."""
    location = Place.split(where)[0]
    for known in get_args(AskedAt):
        if location == known:
            return known  # type: ignore[no-any-return]
    raise ValueError(f"not a place of a request: {where!r}")


def broken_place(operation: Operation, violations: Sequence[ValidationError]) -> AskedAt:
    """Where a request breaks the documented rules, as the status table reads it: the path
    when it is among them (a router may answer), else the first; "body" when none is."""
    located = {p.name: p.location for p in operation.parameters}
    places = [location_of(located.get(v.field, "body")) for v in violations]
    return "path" if "path" in places else (places[0] if places else "body")


def broken_members(operation: Operation, violations: Sequence[ValidationError]) -> tuple[str, ...]:
    """The members a request breaks, as places (`path.x`, `body.a.b`; `body`
    when the body itself is: missing, not JSON, not an object), each once, in order."""
    located = {p.name: f"{p.location}.{p.name}" for p in operation.parameters}
    located |= {"": "body", "body": "body"}
    return tuple(dict.fromkeys(located.get(v.field, f"body.{v.field}") for v in violations))


class _NotJson:
    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: object = _NotJson()
"""An answer body that is not JSON (or no body at all)."""


@dataclass(frozen=True)
class Answer:
    """What one response showed: status, content type (main type), JSON body if any."""

    status: int
    content_type: str
    body: object = NOT_JSON
    prism_violations: str | None = None
    """Prism's `sl-violations` header, raw."""

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        return cls.parse(
            response.status_code,
            response.headers.get("content-type", ""),
            response.content,
            response.headers.get("sl-violations"),
        )

    @classmethod
    def parse(
        cls, status: int, content_type: str, content: bytes, prism: str | None = None
    ) -> Answer:
        main = content_type.split(";")[0].strip().lower()
        body: object = NOT_JSON
        if content:
            try:
                body = json.loads(content)
            except ValueError:
                body = NOT_JSON
        return cls(status, main, body, prism)

    @property
    def shape(self) -> str:
        """`404 text/html` / `404 application/json {error, code}`: for people."""
        what = self.content_type or "no content type"
        if isinstance(self.body, Mapping):
            what += " {" + ", ".join(sorted(str(k) for k in self.body)) + "}"
        return f"{self.status} {what}"


@dataclass(frozen=True)
class Asked:
    """What a request tried: the place it changed, on which side, with which credentials."""

    place: AskedAt
    side: Side
    auth: Auth = "token"
    route_changed: bool = False
    """A path value that no longer makes one segment: the operation cannot be routed."""
    members: tuple[str, ...] = ()
    """The members the request is about, as places (`body.a`, `path.x`,
    `body` for the body's JSON shape): a probe's check's place, or every member a
    Schemathesis case breaks. What a lookup miss says is learned per member."""
    stage: Stage = "content"
    """The validation its invalid value meets (`Check.stage`): a 400 is evidence for that
    stage at its member, a lookup miss is judged with that stage's evidence."""

    @property
    def valid_shaped(self) -> bool:
        """Valid everywhere, with the token: the operation's own answer, whatever it is."""
        return self.side == "accept" and self.auth == "token" and not self.route_changed


@dataclass
class ServerProfile:
    """What one target showed about itself so far in this run (evidence only)."""

    own_types: set[str] = field(default_factory=lambda: {"application/json"})
    """Content types of the operation's own answers: documented, then seen on valid-shaped
    probes (the fragment documents JSON; a server that answers otherwise shows it)."""
    refused_at: set[str] = field(default_factory=set)
    """Members (`body.a`, `path.x`, `body` for the body's JSON shape)
    where an invalid value, the only thing broken, got 400 in the operation's own content
    type."""
    parsed_at: set[str] = field(default_factory=set)
    """Members where one left out or of another JSON type got 400 in the operation's own
    content type: presence and type are checked there, content maybe not."""
    lookup_missed: bool = False
    """A valid-shaped probe (naming an unknown resource) got a lookup miss."""

    def evidence(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """What the verdicts depend on: an answer judged with the same evidence is not judged
        again (its verdict could not change)."""
        return (
            frozenset(self.own_types),
            self.validates_first | {f"parse:{m}" for m in self.parses_first},
            frozenset(self.refused_at) | {f"parse:{m}" for m in self.parsed_at},
        )

    @property
    def parses_first(self) -> frozenset[str]:
        """Members whose presence and JSON type are checked before the lookup: a member left
        out or of another type got 400 there, beside a lookup miss when valid."""
        return frozenset(self.parsed_at) if self.lookup_missed else frozenset()

    @property
    def validates_first(self) -> frozenset[str]:
        """Members validated before the lookup: a 400 at that member beside a lookup miss
        when valid. Evidence at one member says nothing of another (a server may check the
        lookup key, look up, then check the rest), nor does the body's JSON shape."""
        return frozenset(self.refused_at) if self.lookup_missed else frozenset()

    def learn(self, operation: Operation, asked: Asked, answer: Answer) -> bool:
        """Take one answer as evidence; True when the profile changed."""
        before = (len(self.own_types), len(self.refused_at), self.lookup_missed)
        parsed = len(self.parsed_at)
        if asked.valid_shaped and answer.status < 500 and answer.status != 429:
            if answer.content_type:
                self.own_types.add(answer.content_type)
            if operation.lookup_miss(answer.status, answer.body):
                self.lookup_missed = True
        if (
            asked.side == "reject"
            and asked.auth == "token"
            and not asked.route_changed
            and asked.place != "auth"
            and len(asked.members) == 1  # several broken: the 400 names none of them alone
            and answer.status == 400
            and answer.content_type in self.own_types
        ):
            (self.refused_at if asked.stage == "content" else self.parsed_at).update(asked.members)
        after = (len(self.own_types), len(self.refused_at), self.lookup_missed)
        return before != after or parsed != len(self.parsed_at)

    def passed_validation(self, asked: Asked) -> bool:
        """Whether a lookup miss to `asked` means it passed validation: an invalid member the
        server validates first (and let through), or an accept probe whose members it does."""
        first = self.validates_first
        if asked.side == "reject":
            if asked.stage == "parse":
                first = first | self.parses_first
            return any(member in first for member in asked.members)
        if not asked.members:  # a valid request about no member in particular
            return bool(first)
        return all(member in first for member in asked.members)

    def describe(self, operation: Operation) -> str:
        """What the run learned about the lookup order, member by member, in words."""
        if operation.lookup_field is None:
            return ""
        members = (["body"] if operation.body is not None else []) + [
            place.where for place in operation.places()
        ]
        seen = [m for m in members if m in self.validates_first]
        unseen = [m for m in members if m not in self.validates_first]
        hidden = (
            f"not seen for: {', '.join(unseen)}: a lookup miss there is not judged (a member "
            "never validated and one validated after the lookup look the same until a "
            "verification on file answers: --sms-budget 1 on the sandbox route settles it)"
        )
        if seen:
            return (
                f"validates, then looks up (seen for: {', '.join(seen)}): a lookup miss there "
                f"is judged as passed validation{f'; {hidden}' if unseen else ''}"
            )
        if self.lookup_missed:
            return (
                "a valid-shaped request got a lookup miss, but no invalid member got 400 beside "
                f"it: the lookup may come before validation; {hidden}"
            )
        return "no lookup miss seen"


class NoVerdict(StrEnum):
    """Why an answer (or a probe) has no verdict: what the counts and the run's stops read.
    The words shown beside it (`Judgement.why`, `Outcome.why`) are for people only."""

    RATE_LIMITED = "rate-limited"
    INTERMEDIARY = "intermediary"
    """A router, proxy, CDN or WAF answered in front of the operation."""
    LOOKUP_ORDER_UNSEEN = "lookup-order-unseen"
    """A lookup miss at a place not yet seen validated before the lookup."""
    STATUS = "status"
    """A status that says nothing about the rule (401, 403, 404, 413, 415; 422 remotely)."""
    COMPOSED_SPLIT = "composed-split"
    """A composed probe's answer split it: its members go out on their own."""
    NO_ANSWER = "no-answer"
    """An unreachable target: the request got no answer at all."""


@dataclass(frozen=True)
class Judgement:
    """A verdict on one answer; without one, why (`reason`), and the words a person reads."""

    verdict: Verdict
    why: str = ""
    reason: NoVerdict | None = None

    @property
    def intermediary(self) -> bool:
        return self.reason is NoVerdict.INTERMEDIARY


def intermediary(asked: Asked, answer: Answer, profile: ServerProfile) -> bool:
    """Whether the answer came from in front of the operation (router, proxy, CDN, WAF)."""
    status = answer.status
    if not 400 <= status < 500 or status == 429:
        return False
    if status == 405 or (asked.route_changed and status == 404):
        return True
    return answer.content_type not in profile.own_types


def judge(
    kind: TargetKind, operation: Operation, asked: Asked, answer: Answer, profile: ServerProfile
) -> Judgement:
    """The table above: one answer to one request, read with what the target showed."""
    status = answer.status
    if status >= 500:
        return Judgement("server-error")
    if status == 429:
        return Judgement(
            "no-verdict", "no verdict from status 429 (rate limited)", NoVerdict.RATE_LIMITED
        )
    if intermediary(asked, answer, profile):
        shown = answer.content_type or "no content type"
        return Judgement(
            "no-verdict",
            f"answered by an intermediary ({status}, {shown})",
            NoVerdict.INTERMEDIARY,
        )
    if asked.place == "auth":
        return Judgement("refused" if status in (401, 403) else "accepted")
    if kind is TargetKind.PRISM:
        rejected = status in (400, 422) and bool(prism_input_violations(answer.prism_violations))
        return Judgement("refused" if rejected else "accepted")
    if status == 400:
        return Judgement("refused")
    if operation.lookup_miss(status, answer.body):
        if profile.passed_validation(asked):
            return Judgement("accepted", f"{status} after validation (unknown resource)")
        if asked.place == "path" and asked.side == "reject":
            return Judgement("refused")  # the path value is what was not found: a refusal
        members = " / ".join(asked.members) or asked.place
        return Judgement(
            "no-verdict",
            f"lookup miss {status}: not seen whether {members} is validated before the "
            "lookup (no invalid value there got 400 yet; never validated looks the same)",
            NoVerdict.LOOKUP_ORDER_UNSEEN,
        )
    if status == 404 and asked.place == "path" and asked.side == "reject":
        # no lookup: an unknown path value may be refused with 404 (but one that others
        # at the same member got 400 for slipped past validation)
        refused_before = any(member in profile.refused_at for member in asked.members)
        return Judgement("accepted" if refused_before else "refused")
    if status in (401, 403, 404, 413, 415) or (status == 422 and kind.remote):
        return Judgement("no-verdict", f"no verdict from status {status}", NoVerdict.STATUS)
    return Judgement("accepted")


@dataclass(frozen=True)
class Problem:
    """An answer that breaks what the fragment says of its status."""

    text: str
    finding: bool
    """True: it breaks only an assumption (or the status is not listed): reported, not
    failed unless --strict-assumptions."""
    suggestion: str = ""


def response_problem(operation: Operation, answer: Answer, context: str) -> Problem | None:
    """Why the operation's own answer breaks its documented response, or None.

    `context` names the request in words ("unknown <lookup field>", "body.x reject").
    """
    status = answer.status
    name = operation.operation_id
    documented = operation.response_for(status)
    if documented is None:
        return Problem(
            f"{name}: {context}: {answer.shape}: status {status} not in the fragment",
            True,
            f"add a '{status}' response to {name} (x-documented-by: assumption) "
            "describing what the server sends",
        )
    if documented.schema is None:
        return None
    if status == 429 and answer.content_type != "application/json":
        return None  # the vendor warns its 429 body may not be JSON: status + Retry-After
    model = documented.schema.component or documented.key
    finding = documented.assumed
    if answer.content_type != "application/json" or answer.body is NOT_JSON:
        return Problem(
            f"{name}: {context}: {answer.shape}: not JSON; the fragment "
            f"{'assumes' if finding else 'documents'} {model}",
            finding,
            f"document the {status} response's content type as {answer.content_type!r}",
        )
    broken = [f"{e.field}:{e.rule}" for e in schema_violations(documented.schema, answer.body, "")]
    if not broken:
        return None
    missing = [b.split(":")[0] for b in broken if b.endswith(":required")]
    suggestion = (
        f"make {', '.join(f'`{m}`' for m in missing)} optional in {model}"
        if missing
        else f"loosen {model} where it breaks: {', '.join(broken)}"
    )
    return Problem(
        f"{name}: {context}: {answer.shape} breaks {model} {broken}; the fragment "
        f"{'assumes' if finding else 'documents'} {model}",
        finding,
        suggestion,
    )


def prism_input_violations(raw: str | None) -> list[dict[str, Any]]:
    """The Error entries of a Prism `sl-violations` header about the request's data.

    Auth (code 401) and media-type (415) violations are not input-rule verdicts. A JSON
    `null` body shows up as `{"location": ["request"], "code": "required"}`.
    """
    if not raw:
        return []
    entries: list[dict[str, Any]] = json.loads(raw)
    return [
        entry
        for entry in entries
        if entry.get("severity") == "Error"
        and list(entry.get("location", []))[:1] == ["request"]
        and entry.get("code") not in (401, 403, 406, 415)
    ]
