"""The mock's memory: seeded verifications, the outbox of sent codes, queued faults.

All of it sits behind one lock: the ASGI app and test code seeding from another thread
(running_mock) touch it at once, and a burst of retries must never grant more than
`max_retries` codes. Nothing here awaits, so the lock is never held across I/O.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from dynamic_sdk_runtime.exceptions import ValidationError
from dynamic_sdk_runtime.rules import rules_violations

from ._config import MockConfig
from ._fragment import Spec

__all__ = ["Fault", "FaultKind", "MockState", "Outcome"]

FaultKind = Literal["latency", "error", "drop", "truncate"]
FAULT_KINDS: tuple[FaultKind, ...] = ("latency", "error", "drop", "truncate")
PHONE_FIELDS = ("phoneCountryCode", "phoneNumber", "isoCountryCode")


@dataclass(frozen=True)
class Fault:
    """One injected failure for the next `count` operation requests that match it.

    latency: wait `seconds`, then answer normally; error: answer `status` (5xx; 503 carries
    Retry-After); drop: close the connection without a response; truncate: announce the
    full Content-Length, send part of the body, close.
    """

    kind: FaultKind
    count: int = 1
    seconds: float = 0.0
    status: int = 500
    retry_after: int | None = None
    verification_uuid: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        if self.count < 1:
            raise ValueError("count must be >= 1")
        if not math.isfinite(self.seconds) or not 0 <= self.seconds <= 60:
            raise ValueError("seconds must be between 0 and 60")
        if not 500 <= self.status <= 599:
            raise ValueError("status must be a 5xx status")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must be >= 0")

    @classmethod
    def from_json(cls, data: object) -> Fault:
        """Build a fault from the control endpoint's JSON (wire names), or raise ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError("a fault must be a JSON object")
        known = {"kind", "count", "seconds", "status", "retryAfter", "verificationUUID"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault fields {unknown}")
        kind = data.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        return cls(
            kind=kind,
            count=_or(_integer(data, "count"), 1),
            seconds=_number(data, "seconds", 0.0),
            status=_or(_integer(data, "status"), 500),
            retry_after=_integer(data, "retryAfter"),
            verification_uuid=_string(data, "verificationUUID"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "seconds": self.seconds,
            "status": self.status,
            "retryAfter": self.retry_after,
            "verificationUUID": self.verification_uuid,
        }

    def matches(self, verification_uuid: object) -> bool:
        return self.verification_uuid is None or self.verification_uuid == verification_uuid


def _integer(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError(f"{key} must be an integer")


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _number(data: Mapping[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"{key} must be a number")


def _string(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{key} must be a string")


@dataclass
class _Verification:
    environment_id: str
    verification_uuid: str
    phone_country_code: str
    phone_number: str
    iso_country_code: str
    retries: int = 0
    last_sent: float | None = None

    def response(self) -> dict[str, str]:
        """The verification as SmsVerificationCreateResponse."""
        return {
            "verificationUUID": self.verification_uuid,
            "phoneNumber": self.phone_number,
            "phoneCountryCode": self.phone_country_code,
            "isoCountryCode": self.iso_country_code,
        }

    def phone_fields(self) -> tuple[str, str, str]:
        return (self.phone_country_code, self.phone_number, self.iso_country_code)


@dataclass(frozen=True)
class Outcome:
    """The answer the state gives to one valid retry."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class MockState:
    """Verifications, the outbox and the fault queue of one mock instance (thread-safe)."""

    def __init__(
        self, spec: Spec, config: MockConfig, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._spec = spec
        self._config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._verifications: dict[tuple[str, str], _Verification] = {}
        self._outbox: list[dict[str, Any]] = []
        self._faults: list[Fault] = []
        self._sequence = 0
        self._windows: dict[str, tuple[float, int]] = {}

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"MockState(verifications={len(self._verifications)}, "
                f"outbox={len(self._outbox)}, faults={len(self._faults)})"
            )

    def rate_limited(self, client: str) -> int | None:
        """Count one operation request from `client`; seconds to wait when over the limit.

        A fixed window per client IP (`rate_limit` per `rate_window_seconds`), like the
        vendor's per-IP limit: the answer is 429 with Retry-After, never a verdict.
        """
        limit = self._config.rate_limit
        if limit is None:
            return None
        now = self._clock()
        with self._lock:
            start, count = self._windows.get(client, (now, 0))
            if now - start >= self._config.rate_window_seconds:
                start, count = now, 0
            self._windows[client] = (start, count + 1)
            if count < limit:
                return None
            return max(1, math.ceil(start + self._config.rate_window_seconds - now))

    # -- verifications -------------------------------------------------------------------

    def seed(
        self,
        environment_id: str,
        verification_uuid: str,
        phone_country_code: str,
        phone_number: str,
        iso_country_code: str,
    ) -> dict[str, str]:
        """Put a verification on file (replacing one with the same ids, counters reset).

        The values must satisfy the fragment's request rules, so that a valid retry can
        match them; raises the client's ValidationError otherwise.
        """
        body = {
            "verificationUUID": verification_uuid,
            "phoneCountryCode": phone_country_code,
            "phoneNumber": phone_number,
            "isoCountryCode": iso_country_code,
        }
        violations = self.violations(environment_id, body)
        if violations:
            raise violations[0]
        record = _Verification(
            environment_id, verification_uuid, phone_country_code, phone_number, iso_country_code
        )
        with self._lock:
            self._verifications[(environment_id, verification_uuid)] = record
        return record.response()

    def seed_example(self) -> dict[str, str]:
        """Put the fragment's own example verification on file (path and body examples)."""
        if self._spec.example is None:
            raise ValueError("the fragment has no path and body example to seed")
        environment_id, body = self._spec.example
        return self.seed(
            environment_id,
            *(str(body.get(name)) for name in ("verificationUUID", *PHONE_FIELDS)),
        )

    def violations(self, environment_id: object, body: object) -> list[ValidationError]:
        """Every documented rule the request breaks, with the fragment's rules."""
        path = {rule.name: environment_id for rule in self._spec.path_rules}
        return rules_violations(self._spec.path_rules, self._spec.body_rules, path, body)

    def retry(self, environment_id: str, body: Mapping[str, Any]) -> Outcome:
        """Apply one valid retry: 404, 422, 429 or success with a fresh code in the outbox."""
        if self._config.lenient:
            return Outcome(
                self._config.success_status, {name: body[name] for name in _RESPONSE_FIELDS}
            )
        with self._lock:
            record = self._verifications.get((environment_id, body["verificationUUID"]))
            if record is None:
                return Outcome(
                    404,
                    {"error": "verification not found", "code": "verification_not_found"},
                )
            if tuple(body[name] for name in PHONE_FIELDS) != record.phone_fields():
                return Outcome(
                    422,
                    {
                        "error": "phone fields do not match the verification on file",
                        "code": "invalid_sms_verification",
                    },
                )
            if record.retries >= self._config.max_retries:
                return Outcome(
                    422,
                    {
                        "error": f"at most {self._config.max_retries} retries per verification",
                        "code": "too_many_sms_verification_attempts",
                    },
                )
            now = self._clock()
            if record.last_sent is not None:
                wait = record.last_sent + self._config.cooldown_seconds - now
                if wait > 0:
                    return Outcome(
                        429,
                        {"error": "rate limit exceeded"},
                        {"Retry-After": str(max(1, math.ceil(wait)))},
                    )
            record.retries += 1
            record.last_sent = now
            self._sequence += 1
            self._outbox.append(
                {
                    "sequence": self._sequence,
                    "environmentId": environment_id,
                    **record.response(),
                    "code": f"{secrets.randbelow(1_000_000):06d}",
                }
            )
            return Outcome(self._config.success_status, record.response())

    def outbox(self) -> list[dict[str, Any]]:
        """Every code sent so far, oldest first (copies)."""
        with self._lock:
            return [dict(message) for message in self._outbox]

    def verifications(self) -> list[dict[str, Any]]:
        """Every verification on file with its counters (copies)."""
        with self._lock:
            return [
                {"environmentId": v.environment_id, **v.response(), "retries": v.retries}
                for v in self._verifications.values()
            ]

    # -- faults --------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault behind the ones already queued."""
        with self._lock:
            self._faults.append(fault)

    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take_fault(self, verification_uuid: object) -> Fault | None:
        """The first queued fault matching this request, used up by one."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(verification_uuid):
                    if fault.count == 1:
                        del self._faults[index]
                    else:
                        self._faults[index] = replace(fault, count=fault.count - 1)
                    return fault
            return None

    def reset(self) -> None:
        """Forget every verification, sent code and queued fault."""
        with self._lock:
            self._verifications.clear()
            self._outbox.clear()
            self._faults.clear()
            self._sequence = 0


_RESPONSE_FIELDS = ("verificationUUID", "phoneNumber", "phoneCountryCode", "isoCountryCode")
