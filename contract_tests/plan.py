"""A deterministic, prioritised, budgeted plan of probes, and the runner that sends it.

Why a plan rather than `@given` over HTTP: values are drawn locally (seeded, no server in
the loop), so a disagreement never triggers Hypothesis' shrinking over the network, a
request budget can be spent in priority order, and a run can be replayed exactly.

Priority tiers: 0, one deterministic minimal witness per (field, rule, side) boundary;
1, every wrong JSON type per body field, each required field missing, non-object bodies,
auth; 2, the minimal witness of every other family (the version-dependent ones included);
3 + i, the i-th drawn example of every family. A 429 is never a verdict: the runner waits
`Retry-After` (bounded) and re-sends the same probe.
"""

from __future__ import annotations

import json
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from ._engine import BODY_RULES, request_violations, schema_violations
from .checks import RESPONSE_SCHEMAS, VALID_BODY
from .strategies import FAMILIES, Family
from .targets import Target
from .unicode_ages import BASELINE, VERSIONS

__all__ = [
    "CHECKS",
    "Budget",
    "Check",
    "Outcome",
    "Probe",
    "RunReport",
    "build_plan",
    "load_replay",
    "normalize_version",
    "run_plan",
    "write_replay",
]

Side = Literal["accept", "reject"]
Verdict = Literal["refused", "accepted", "no-verdict", "server-error"]

WRONG_TYPES: dict[str, object] = {
    "null": None,
    "number": 12345,
    "boolean": True,
    "array": ["1"],
    "object": {"value": "1"},
}
"""One value of every JSON type a string field must refuse."""
NON_OBJECT_BODIES: dict[str, object] = {
    "null": None,
    "array": [VALID_BODY],
    "string": "{}",
    "number": 1,
}
PATH_LOOKALIKES: dict[str, str] = {
    "null": "null",
    "number": "12345",
    "boolean": "true",
    "array": "[]",
    "object": "{}",
}
"""A path segment is always a string: the JSON type names as text are its 'wrong types'."""

PLACEHOLDER_TOKEN = "$DYNAMIC_API_TOKEN"
ANY_TOKEN = "Prism takes any token"
SAFE_MODE = "valid request, no SMS budget (safe mode)"
BY_DESIGN = (ANY_TOKEN, SAFE_MODE)
"""Reasons a check is left out on purpose: not judged, but not counted against the run."""


@dataclass(frozen=True)
class Check:
    """One (field, rule, reason, side) the suite judges; a family or an explicit probe."""

    field: str
    rule: str
    reason: str
    side: Side
    unicode_since: str | None = None

    @property
    def key(self) -> str:
        """Identifier used in test ids, the summary and the replay file."""
        return f"{self.field}:{self.rule}:{self.reason}:{self.side}"


@dataclass(frozen=True)
class Probe:
    """One request of the plan: which check it serves, and exactly what is sent."""

    check: Check
    environment_id: str | None  # None: the target's own environment id
    body: object
    tier: int
    auth: Literal["token", "none", "wrong"] = "token"

    def to_json(self) -> dict[str, Any]:
        """Replay form: no token, ever (the runner adds the target's own)."""
        return {
            "check": self.check.key,
            "unicodeSince": self.check.unicode_since,
            "environmentId": self.environment_id,
            "body": self.body,
            "auth": self.auth,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Probe:
        """Rebuild one replayed probe (tier 0: replays are sent in file order)."""
        field_name, rule, reason, side = str(data["check"]).split(":", 3)
        sides: dict[str, Side] = {"accept": "accept", "reject": "reject"}
        check = Check(field_name, rule, reason, sides[side], data.get("unicodeSince"))
        return cls(check, data.get("environmentId"), data["body"], 0, data.get("auth", "token"))


def _family_check(family: Family) -> Check:
    side: Side = "accept" if family.accept else "reject"
    return Check(family.field, family.rule, family.reason, side, family.unicode_since)


def _explicit_checks() -> list[Check]:
    checks = [
        Check(rule.name, "type", json_type, "reject")
        for rule in BODY_RULES
        for json_type in WRONG_TYPES
    ]
    checks += [Check("environmentId", "pattern", f"{t}-as-text", "reject") for t in PATH_LOOKALIKES]
    checks += [
        Check(rule.name, "required", "missing", "reject") for rule in BODY_RULES if rule.required
    ]
    checks += [Check("body", "object", kind, "reject") for kind in NON_OBJECT_BODIES]
    checks += [Check("auth", "bearer", label, "reject") for label in ("no-token", "wrong-token")]
    return checks


CHECKS: tuple[Check, ...] = (*(_family_check(f) for f in FAMILIES), *_explicit_checks())
"""Everything the plan can judge: each strategy family plus the explicit probes."""

_QUIET = settings(
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.generate],
)


def minimal_witness(family: Family) -> str:
    """The family's simplest value: Hypothesis tries the all-zero choice sequence first, so
    the first derandomized draw is the minimal example (no shrinking, no I/O: milliseconds)."""
    drawn: list[str] = []

    @settings(_QUIET, max_examples=1, derandomize=True)
    @given(value=family.values())
    def first(value: str) -> None:
        drawn.append(value)

    first()
    return drawn[0]


def draw_examples(strategy: st.SearchStrategy[Any], seed: int, count: int) -> list[Any]:
    """`count` values of `strategy`, the same ones for the same seed; no I/O involved."""
    drawn: list[Any] = []
    if count <= 0:
        return drawn

    @settings(_QUIET, max_examples=count)
    @hypothesis_seed(seed)
    @given(value=strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


def _request(field_name: str, value: object) -> tuple[str | None, object]:
    if field_name == "environmentId":
        assert isinstance(value, str)
        return value, dict(VALID_BODY)
    return None, {**VALID_BODY, field_name: value}


_WITNESS_CACHE: dict[str, str] = {}

PINNED_VALUES: dict[str, tuple[str, ...]] = {
    "isoCountryCode:maxLength:5-matching-pattern:reject": ("ABCD1",),
    "isoCountryCode:maxLength:exactly-4-with-digit:accept": ("ABC1",),
    "isoCountryCode:pattern:within-length-valid:accept": ("AB1",),
}
"""The isoCountryCode contradiction: ABCD1 matches the pattern but breaks maxLength 4."""


def build_plan(
    seed: int,
    examples: int,
    *,
    allow_auth: bool = True,
    families: Sequence[Family] = FAMILIES,
) -> list[Probe]:
    """Every probe of a run, in priority order; the same seed gives the same plan."""
    probes: list[Probe] = []
    first_of_boundary: set[tuple[str, str, str]] = set()
    for family in families:
        check = _family_check(family)
        if family.key not in _WITNESS_CACHE:
            _WITNESS_CACHE[family.key] = minimal_witness(family)
        boundary = (check.field, check.rule, check.side)
        tier = 2
        if check.unicode_since is None and boundary not in first_of_boundary:
            first_of_boundary.add(boundary)
            tier = 0
        environment_id, body = _request(check.field, _WITNESS_CACHE[family.key])
        probes.append(Probe(check, environment_id, body, tier))
        for pinned in PINNED_VALUES.get(family.key, ()):
            environment_id, body = _request(check.field, pinned)
            probes.append(Probe(check, environment_id, body, 0))
        values = draw_examples(family.values(), seed ^ zlib.crc32(family.key.encode()), examples)
        fresh = [v for v in dict.fromkeys(values) if v != _WITNESS_CACHE[family.key]]
        for index, value in enumerate(fresh):
            environment_id, body = _request(check.field, value)
            probes.append(Probe(check, environment_id, body, 3 + index))
    probes += _explicit_probes(allow_auth)
    probes.sort(key=lambda probe: probe.tier)
    for probe in probes:  # a plan that contradicts the documented rules is a suite bug
        if probe.check.unicode_since is None and probe.auth == "token":
            client_accepts = not request_violations(
                probe.environment_id or VALID_ENVIRONMENT_ID, probe.body
            )
            assert client_accepts == (probe.check.side == "accept"), probe.check.key
    return probes


VALID_ENVIRONMENT_ID = "0b4f9a4e-6a4e-4c2e-9c8e-2f1d3c4b5a69"


def _explicit_probes(allow_auth: bool) -> list[Probe]:
    probes: list[Probe] = []
    for check in _explicit_checks():
        if check.rule == "type":
            body = {**VALID_BODY, check.field: WRONG_TYPES[check.reason]}
            probes.append(Probe(check, None, body, 1))
        elif check.field == "environmentId":
            text = PATH_LOOKALIKES[check.reason.removesuffix("-as-text")]
            probes.append(Probe(check, text, dict(VALID_BODY), 1))
        elif check.rule == "required":
            body = {k: v for k, v in VALID_BODY.items() if k != check.field}
            probes.append(Probe(check, None, body, 1))
        elif check.rule == "object":
            probes.append(Probe(check, None, NON_OBJECT_BODIES[check.reason], 1))
        elif allow_auth:
            auth: Literal["none", "wrong"] = "none" if check.reason == "no-token" else "wrong"
            probes.append(Probe(check, None, dict(VALID_BODY), 1, auth))
    return probes


def normalize_version(version: str) -> str:
    """'16' -> '16.0'; '17.0.1' -> '17.0'; must be a tabled version."""
    parts = [*version.split("."), "0"][:2]
    short = ".".join(parts)
    if short not in VERSIONS:
        raise ValueError(f"--unicode-version must be one of {', '.join(VERSIONS)}")
    return short


@dataclass
class Budget:
    """How many requests may be sent, how fast, and how long a 429 may make us wait."""

    max_requests: int | None = None
    rate_per_minute: float | None = None
    max_wait_seconds: float = 65.0
    max_rate_limited_retries: int = 3
    valid_requests: int | None = None
    """Requests a correct server must accept (may act, e.g. send an SMS); None: unlimited."""
    sleep: Callable[[float], None] = time.sleep
    sent: int = 0
    valid_sent: int = 0
    rate_limited: int = 0
    waited_seconds: float = 0.0
    _last_sent: float | None = None

    def exhausted(self) -> bool:
        return self.max_requests is not None and self.sent >= self.max_requests

    def pace(self) -> None:
        """Wait until the next request keeps within `rate_per_minute`."""
        if self.rate_per_minute and self._last_sent is not None:
            wait = self._last_sent + 60.0 / self.rate_per_minute - time.monotonic()
            if wait > 0:
                self.sleep(wait)
                self.waited_seconds += wait
        self._last_sent = time.monotonic()


def retry_after_seconds(response: httpx.Response, cap: float) -> float:
    """Retry-After in seconds (integer or HTTP date), bounded by `cap`; 1 s when absent."""
    raw = response.headers.get("retry-after", "").strip()
    seconds = 1.0
    if raw.isdigit():
        seconds = float(raw)
    elif raw:
        from email.utils import parsedate_to_datetime

        try:
            seconds = parsedate_to_datetime(raw).timestamp() - time.time()
        except (TypeError, ValueError):
            seconds = 1.0
    return min(max(seconds, 0.0), cap)


@dataclass
class Outcome:
    """What one probe got from one target, and whether it agrees with the documented rule."""

    probe: Probe
    target: str
    status: int | None
    verdict: Verdict
    expected: Literal["refused", "accepted"] | None  # None: version-dependent, not pinned
    note: str = ""

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


def interpret(target: Target, probe: Probe, response: httpx.Response) -> Verdict:
    """The status-to-verdict table (docs/contract.md, "Statuses and verdicts")."""
    status = response.status_code
    if status >= 500:
        return "server-error"
    if probe.check.field == "auth":
        return "refused" if status == 401 else "accepted"
    if target.kind == "prism":
        return "refused" if target.rejected(response) else "accepted"
    if status == 400:
        return "refused"
    if status == 404:
        path_reject = probe.check.field == "environmentId" and probe.check.side == "reject"
        return "refused" if path_reject else "no-verdict"
    if status in (401, 403, 413, 415, 429):
        return "no-verdict"
    if status == 422 and target.kind in ("base-url", "sandbox"):
        return "no-verdict"
    return "accepted"


def _headers(target: Target, probe: Probe) -> dict[str, str]:
    headers = target.headers(auth=probe.auth == "token")
    if probe.auth == "wrong":
        headers["Authorization"] = "Bearer wrong-token-from-the-contract-suite"
    return headers


@dataclass
class RunReport:
    """Every outcome of a run, grouped for one-line-per-check verdicts."""

    outcomes: list[Outcome] = field(default_factory=list)
    not_sent: list[Probe] = field(default_factory=list)
    not_sent_reason: dict[tuple[str, str], str] = field(default_factory=dict)
    """(target, check key) -> why some of its probes were not sent."""
    response_failures: dict[str, str] = field(default_factory=dict)
    budget: Budget = field(default_factory=Budget)
    pinned_version: str | None = None

    def by_check(self) -> dict[str, list[Outcome]]:
        grouped: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.outcomes:
            grouped[outcome.probe.check.key].append(outcome)
        return grouped

    def failures(self) -> dict[tuple[str, str], Outcome]:
        """(target, check key) -> the minimal disagreeing outcome (shortest request)."""
        found: dict[tuple[str, str], Outcome] = {}
        for outcome in self.outcomes:
            if outcome.agreed is False:
                key = (outcome.target, outcome.probe.check.key)
                if key not in found or _size(outcome) < _size(found[key]):
                    found[key] = outcome
        return found

    def version_dependent(self) -> dict[tuple[str, str], Outcome]:
        """Unpinned version-dependent probes the server refused (reported, never failing)."""
        found: dict[tuple[str, str], Outcome] = {}
        for outcome in self.outcomes:
            if outcome.expected is None and outcome.verdict == "refused":
                found.setdefault((outcome.target, outcome.probe.check.key), outcome)
        return found

    def unicode_estimate(self, target: str) -> str:
        """Newest Unicode version whose new letters/numbers the target accepts (in order)."""
        verdicts: dict[str, set[str]] = defaultdict(set)
        for outcome in self.outcomes:
            since = outcome.probe.check.unicode_since
            if outcome.target == target and since is not None and outcome.judged:
                verdicts[since].add(outcome.verdict)
        if not verdicts:
            return "not estimated (no version-dependent probe judged)"
        estimate = BASELINE
        for version in VERSIONS[1:]:
            seen = verdicts.get(version)
            if seen is None:
                return f">= {estimate} (letters new in {version} not judged)"
            if seen != {"accepted"}:
                break
            estimate = version
        later = VERSIONS[VERSIONS.index(estimate) + 1 :]
        newer = [v for v in later if verdicts.get(v) == {"accepted"}]
        if newer:
            return f"{estimate}? (inconsistent: also accepts letters new in {', '.join(newer)})"
        return estimate if estimate != BASELINE else f"{BASELINE} or older"


def _size(outcome: Outcome) -> int:
    return len(json.dumps([outcome.probe.environment_id, outcome.probe.body]))


def expected_verdict(check: Check, pinned: str | None) -> Literal["refused", "accepted"] | None:
    """What a correct server answers; version-dependent checks only when a version is pinned."""
    if check.unicode_since is not None:
        if pinned is None:
            return None
        return (
            "accepted"
            if VERSIONS.index(check.unicode_since) <= VERSIONS.index(pinned)
            else "refused"
        )
    return "accepted" if check.side == "accept" else "refused"


def _documented(
    target: Target, probe: Probe, environment_id: str, response: httpx.Response
) -> str | None:
    """Why the response breaks the fragment's response documentation, or None."""
    status = response.status_code
    schema = RESPONSE_SCHEMAS.get(status, "InternalServerError" if status >= 500 else None)
    if schema is None:
        return f"status {status} not documented by the fragment"
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return f"content type {content_type!r}, not JSON"
    if status == 429:
        return None  # the vendor warns its 429 body may not be JSON: only status + Retry-After
    try:
        payload = response.json()
    except ValueError:
        return "body is not JSON"
    broken = [f"{e.field}:{e.rule}" for e in schema_violations(schema, payload)]
    if broken:
        return f"body breaks {schema} {broken}"
    if status == 400 and target.kind in ("mock", "asgi") and probe.auth == "token":
        message = str(payload.get("error", "")) if isinstance(payload, dict) else ""
        fields = {e.field for e in request_violations(environment_id, probe.body)}
        if fields and not any(name in message for name in fields):
            return f"400 message names none of {sorted(fields)}"
    return None


def _post(
    target: Target, environment_id: str, content: bytes, probe: Probe, *, resend: bool
) -> httpx.Response:
    """POST one probe. A request a correct server must refuse is re-sent once on a transport
    error: a keep-alive connection the server closed after an earlier answer (e.g. a 500)
    is not this probe's fault. A valid request never is: it might text someone twice."""
    path, headers = target.path(environment_id), _headers(target, probe)
    try:
        return target.client.post(path, content=content, headers=headers)
    except httpx.TransportError:
        if not resend:
            raise
        return target.client.post(path, content=content, headers=headers)


def run_plan(
    target: Target,
    plan: Iterable[Probe],
    budget: Budget,
    *,
    pinned_version: str | None = None,
    report: RunReport | None = None,
) -> RunReport:
    """Send the plan in order within the budget; every probe ends judged or listed as not."""
    report = report or RunReport(budget=budget, pinned_version=pinned_version)
    for probe in plan:
        if target.kind == "prism" and probe.auth == "wrong":
            report.not_sent_reason[(target.name, probe.check.key)] = ANY_TOKEN
            continue
        expected = expected_verdict(probe.check, pinned_version)
        valid = probe.auth == "token" and probe.check.side == "accept"
        limit = budget.valid_requests
        if valid and limit is not None and budget.valid_sent >= limit:
            report.not_sent.append(probe)
            report.not_sent_reason[(target.name, probe.check.key)] = SAFE_MODE
            continue
        if budget.exhausted():
            report.not_sent.append(probe)
            report.not_sent_reason.setdefault((target.name, probe.check.key), "budget spent")
            continue
        environment_id = probe.environment_id or target.environment_id
        content = json.dumps(probe.body).encode("ascii")
        response: httpx.Response | None = None
        note = ""
        for _attempt in range(budget.max_rate_limited_retries + 1):
            budget.pace()
            budget.sent += 1
            try:
                response = _post(target, environment_id, content, probe, resend=not valid)
            except httpx.TransportError as error:
                response = None
                note = f"dropped the request ({type(error).__name__})"
                break
            if response.status_code != 429:
                break
            budget.rate_limited += 1
            wait = retry_after_seconds(response, budget.max_wait_seconds)
            budget.sleep(wait)
            budget.waited_seconds += wait
            if budget.exhausted():
                break
        valid_sent = valid and response is not None
        budget.valid_sent += int(valid_sent)
        if response is None:
            report.outcomes.append(
                Outcome(probe, target.name, None, "server-error", expected, note)
            )
            continue
        if response.status_code == 429:
            report.outcomes.append(
                Outcome(probe, target.name, 429, "no-verdict", expected, "rate limited")
            )
            continue
        verdict = interpret(target, probe, response)
        problem = _documented(target, probe, environment_id, response)
        if problem is not None:
            report.response_failures.setdefault(
                f"{target.name}: {problem}", target.curl(environment_id, probe.body)
            )
        report.outcomes.append(
            Outcome(
                probe, target.name, response.status_code, verdict, expected, response.text[:120]
            )
        )
    return report


def failure_line(target: Target, outcome: Outcome) -> str:
    """One readable line per (field, rule, family): minimal value, statuses, curl."""
    probe = outcome.probe
    environment_id = probe.environment_id or target.environment_id
    value: object = environment_id if probe.check.field == "environmentId" else probe.body
    if isinstance(probe.body, dict) and probe.check.field in probe.body:
        value = probe.body[probe.check.field]
    shown = _masked(probe.check.field, value)
    expected = outcome.expected or "?"
    why = f": {outcome.note}" if outcome.note and outcome.status is None else ""
    return (
        f"{outcome.target}: {probe.check.key}: expected {expected}, got {outcome.status} "
        f"({outcome.verdict}{why}) for {shown}\n    {target.curl(environment_id, probe.body)}"
    )


def _masked(field_name: str, value: object) -> str:
    """Phone numbers are personal data: show only their shape in messages."""
    text = json.dumps(value)
    if field_name == "phoneNumber" and isinstance(value, str) and len(value) > 2:
        text = json.dumps("*" * (len(value) - 2) + value[-2:])
    return text if len(text) <= 80 else text[:77] + "..."


def write_replay(path: Path, report: RunReport, seed: int) -> list[dict[str, Any]]:
    """Every disagreeing request, token-free, for `--replay`."""
    entries = []
    seen: set[str] = set()
    for outcome in report.outcomes:
        if outcome.agreed is False:
            entry = outcome.probe.to_json() | {"target": outcome.target}
            marker = json.dumps(outcome.probe.to_json(), sort_keys=True)
            if marker not in seen:
                seen.add(marker)
                entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"seed": seed, "token": PLACEHOLDER_TOKEN, "probes": entries}
    path.write_text(json.dumps(document, indent=2) + "\n")
    return entries


def load_replay(path: Path) -> list[Probe]:
    """The probes of a replay file, in file order."""
    document = json.loads(path.read_text())
    return [Probe.from_json(entry) for entry in document["probes"]]
