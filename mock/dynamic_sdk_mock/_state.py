"""The mock's memory: verifications on file, the outbox of sent codes, queued faults.

Verifications belong to the fragment's one operation with `x-lookup-field`; their key
(the path values and the lookup field's value) and the fields compared with a request
(the body properties the success response also holds) are read from the fragment.

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

from ._bodies import MISMATCH_CODE, NOT_FOUND_CODE, TOO_MANY_CODE, Answers, build_answers
from ._config import MockConfig
from ._fragment import Lookup, Spec

__all__ = ["Fault", "FaultKind", "MockState", "Outcome"]

FaultKind = Literal["latency", "error", "drop", "truncate"]
FAULT_KINDS: tuple[FaultKind, ...] = ("latency", "error", "drop", "truncate")


@dataclass(frozen=True)
class Fault:
    """One injected failure for the next `count` operation requests that match it.

    A fault matches every request, or only those of `operation` (an operationId) and/or
    those whose lookup field (`x-lookup-field`) holds `lookup`.

        latency: wait `seconds`, then answer normally; error: answer `status` (5xx; 503 carries
        Retry-After); drop: send a 500 head announcing the full Content-Length, then close
        without the body; truncate: the same head, part of the body, close.
    """

    kind: FaultKind
    count: int = 1
    seconds: float = 0.0
    status: int = 500
    retry_after: int | None = None
    lookup: str | None = None
    operation: str | None = None

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
        known = {"kind", "count", "seconds", "status", "retryAfter", "lookup", "operation"}
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
            lookup=_string(data, "lookup"),
            operation=_string(data, "operation"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "seconds": self.seconds,
            "status": self.status,
            "retryAfter": self.retry_after,
            "lookup": self.lookup,
            "operation": self.operation,
        }

    def matches(self, operation: str, lookup: object) -> bool:
        return self.operation in (None, operation) and self.lookup in (None, lookup)


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
class _Record:
    """One verification on file: its path values and body fields (names from the fragment)."""

    path: dict[str, str]
    fields: dict[str, str]
    """The lookup field first, then the fields on file (names from the fragment)."""
    retries: int = 0
    last_sent: float | None = None
    answer: dict[str, Any] = field(default_factory=dict)
    """The success body for this record (fixed by its fields): built once, at seeding."""


@dataclass(frozen=True)
class Outcome:
    """The answer the state gives to one valid request."""

    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)


class MockState:
    """Verifications, the outbox and the fault queue of one mock instance (thread-safe)."""

    def __init__(
        self,
        spec: Spec,
        config: MockConfig,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._spec = spec
        self._config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._records: dict[tuple[tuple[str, ...], str], _Record] = {}
        self._outbox: list[dict[str, Any]] = []
        self._faults: list[Fault] = []
        self._sequence = 0
        self._windows: dict[str, tuple[float, int]] = {}
        self.answers: Mapping[str, Answers] = build_answers(spec, config)
        """Each operation's answers, checked against the fragment (start-up fails here)."""

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"MockState(records={len(self._records)}, "
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

    # -- verifications (the stateful operation) ---------------------------------------------

    def _lookup(self) -> Lookup:
        if self._spec.lookup is None:
            raise ValueError("the fragment has no operation with x-lookup-field: nothing to seed")
        return self._spec.lookup

    def seed(self, path: Mapping[str, object], fields: Mapping[str, object]) -> dict[str, Any]:
        """Put a verification on file (replacing one with the same key, counters reset).

        `path` holds the stateful operation's path values, `fields` its lookup field and
        the fields on file (other members are ignored). The values must satisfy the
        fragment's request rules, so that a valid request can match them; raises the
        client's ValidationError otherwise. Returns the record as the success response.
        """
        lookup = self._lookup()
        violations = lookup.record_violations(path, fields)
        if violations:
            raise violations[0]
        record = _Record(
            {name: str(path[name]) for name in lookup.path_names},
            {name: str(fields[name]) for name in lookup.needed},
        )
        record.answer = self._answer(record)
        with self._lock:
            self._records[self._key(record.path, record.fields)] = record
        return dict(record.answer)

    def seed_example(self) -> dict[str, Any]:
        """Put the fragment's own example verification on file (path and body examples)."""
        example = self._spec.example()
        if example is None:
            raise ValueError("the fragment has no path and body example to seed")
        return self.seed(*example)

    def _key(
        self, path: Mapping[str, object], body: Mapping[str, object]
    ) -> tuple[tuple[str, ...], str]:
        lookup = self._lookup()
        return tuple(str(path[name]) for name in lookup.path_names), str(body[lookup.field])

    def _answer(self, record: _Record) -> dict[str, Any]:
        answers = self.answers[self._lookup().operation.operation_id]
        return answers.success_body(record.fields) or {}

    def lookup_answer(self, path: Mapping[str, str], body: Mapping[str, Any]) -> Outcome:
        """Apply one valid request to the stateful operation: 404, 422, 429 or success.

        Success appends a fresh code to the outbox. With `lenient`, every valid request
        gets the success echo instead, without state.
        """
        lookup = self._lookup()
        answers = self.answers[lookup.operation.operation_id]
        if self._config.lenient:
            return Outcome(answers.success, answers.success_body(body))
        with self._lock:
            record = self._records.get(self._key(path, body))
            if record is None:
                message = "verification not found"
                return Outcome(404, answers.error(404, message, NOT_FOUND_CODE))
            if any(body.get(name) != record.fields[name] for name in lookup.on_file):
                message = "phone fields do not match the verification on file"
                return Outcome(422, answers.error(422, message, MISMATCH_CODE))
            if record.retries >= self._config.max_retries:
                message = f"at most {self._config.max_retries} retries per verification"
                return Outcome(422, answers.error(422, message, TOO_MANY_CODE))
            now = self._clock()
            if record.last_sent is not None:
                wait = record.last_sent + self._config.cooldown_seconds - now
                if wait > 0:
                    retry_after = {"Retry-After": str(max(1, math.ceil(wait)))}
                    return Outcome(429, answers.error(429, "rate limit exceeded"), retry_after)
            record.retries += 1
            record.last_sent = now
            self._sequence += 1
            answer = dict(record.answer)
            self._outbox.append(
                {
                    "sequence": self._sequence,
                    **record.path,
                    **answer,
                    "code": f"{secrets.randbelow(1_000_000):06d}",
                }
            )
            return Outcome(answers.success, answer)

    def outbox(self) -> list[dict[str, Any]]:
        """Every code sent so far, oldest first (copies)."""
        with self._lock:
            return [dict(message) for message in self._outbox]

    def verifications(self) -> list[dict[str, Any]]:
        """Every verification on file (path values, success body, retry count), as copies."""
        with self._lock:
            records = list(self._records.values())
        return [{**r.path, **r.answer, "retries": r.retries} for r in records]

    # -- faults --------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault behind the ones already queued.

        ValueError when it names no operation of the fragment, or sends a status one of the
        operations it matches does not document.
        """
        targets = [op for op in self._spec.operations if fault.operation in (None, op.operation_id)]
        if not targets:
            raise ValueError(f"the fragment has no operation {fault.operation!r}")
        status = {"error": fault.status, "truncate": 500}.get(fault.kind)
        undocumented = [op.operation_id for op in targets if status and not op.response_for(status)]
        if undocumented:
            raise ValueError(f"status {status} is not documented by {', '.join(undocumented)}")
        with self._lock:
            self._faults.append(fault)

    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take_fault(self, operation: str, lookup: object = None) -> Fault | None:
        """The first queued fault matching this request, used up by one."""
        if not self._faults:  # no lock for the usual empty queue: a fault queued meanwhile
            return None  # is one queued just after this request
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(operation, lookup):
                    if fault.count == 1:
                        del self._faults[index]
                    else:
                        self._faults[index] = replace(fault, count=fault.count - 1)
                    return fault
            return None

    def reset(self) -> None:
        """Forget every verification, sent code and queued fault."""
        with self._lock:
            self._records.clear()
            self._outbox.clear()
            self._faults.clear()
            self._sequence = 0
