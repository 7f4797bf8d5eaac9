"""How many requests a run may send and how fast; what a 429 teaches about the server's pace.

Why a module of its own: the plan and the budgeted Schemathesis cases share one budget per
target, one counter and one status line. The pace is measured from the end of the last
answer, so network jitter cannot put two requests closer than the interval at the server.
A 429 sets the pace for the rest of the run from what the server says: `Retry-After`, the
IETF draft's `RateLimit-Limit` / `-Remaining` / `-Reset` / `-Policy` (`3;w=60`, or
`"name";q=3;w=60`) and the combined `RateLimit` field, or the older `X-RateLimit-*`; when
it states no quota and window, they are estimated from the requests it took before the 429.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from contract_tests.run.progress import LINE_EVERY, Progress
from dynamic_sdk_runtime.outcomes import retry_after_seconds

__all__ = [
    "SCHEMATHESIS_SHARE",
    "WAIT_SLICE",
    "Budget",
    "StatedLimit",
    "max_requests_for",
    "plan_requests",
    "reserved_for_schemathesis",
    "stated_limit",
]

SCHEMATHESIS_SHARE = 0.15
"""Of a budgeted run's requests, the share left after the plan for Schemathesis' invalid
cases (9 of the 60 default: the plan's one probe per check still fits)."""


def reserved_for_schemathesis(max_requests: int) -> int:
    """The requests of a `--max-requests` budget kept for Schemathesis' cases."""
    return int(max_requests * SCHEMATHESIS_SHARE)


def plan_requests(max_requests: int) -> int:
    """The requests of a `--max-requests` budget the plan sends."""
    return max_requests - reserved_for_schemathesis(max_requests)


def max_requests_for(plan: int) -> int:
    """The smallest `--max-requests` whose plan share is at least `plan` requests."""
    found = plan
    while plan_requests(found) < plan:
        found += 1
    return found


WAIT_SLICE = LINE_EVERY - 2.0
"""Longest single sleep: each slice writes a status line, and 2 s are left for the request
that follows, so a log gets a line at least every `LINE_EVERY` seconds during long waits."""
_EPOCH_AFTER = 1e9
"""An `X-RateLimit-Reset` this large is a Unix time (GitHub's style), not delta-seconds."""


@dataclass(frozen=True)
class StatedLimit:
    """What a response says about the server's limit (None: not said)."""

    quota: float | None = None
    window: float | None = None
    remaining: float | None = None
    reset: float | None = None
    """Seconds until the server takes requests again (Retry-After first, then *-Reset)."""


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().strip('"'))
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def _items(value: str) -> list[tuple[str, dict[str, str]]]:
    """A structured-field list: `3;w=60, "day";q=100;w=86400` -> [(head, params), ...]."""
    items = []
    for item in value.split(","):
        head, *params = (part.strip() for part in item.split(";"))
        pairs = dict(p.split("=", 1) for p in params if "=" in p)
        items.append((head, {k.strip().lower(): v.strip() for k, v in pairs.items()}))
    return items


def _policies(value: str) -> list[tuple[float, float | None]]:
    """(quota, window) per item of a policy list; the quota is `q=` or the item's head."""
    found = []
    for head, params in _items(value):
        quota = _number(params.get("q", head))
        if quota:
            found.append((quota, _number(params["w"]) if "w" in params else None))
    return found


def stated_limit(headers: Mapping[str, str], now: datetime) -> StatedLimit:
    """Read every rate-limit field a response carries (names case-insensitive)."""
    fields = {name.lower(): value for name, value in headers.items()}
    quota = window = None
    names = ("ratelimit-policy", "ratelimit-limit", "x-ratelimit-limit")
    policies = [p for name in names for p in _policies(fields.get(name, ""))]
    windowed = [(q, w) for q, w in policies if w]
    if windowed:  # several policies: the slowest pace binds
        quota, window = max(windowed, key=lambda p: (p[1] or 0.0) / p[0])
    elif policies:
        quota = policies[0][0]
    combined: dict[str, str] = {}  # draft 07 `limit=3, reset=20`; draft 08+ `"x";r=0;t=20`
    for head, params in _items(fields.get("ratelimit", "")):
        if "=" in head:
            key, value = head.split("=", 1)
            combined[key.strip().lower()] = value
        combined.update(params)
    if quota is None:
        quota = _number(combined.get("limit", ""))
    left = [fields[n] for n in ("ratelimit-remaining", "x-ratelimit-remaining") if n in fields]
    remaining = _number(left[0] if left else combined.get("r", combined.get("remaining", "")))
    reset = retry_after_seconds(fields.get("retry-after"), now)
    for name in ("ratelimit-reset", "x-ratelimit-reset"):
        if reset is None and name in fields:
            reset = _number(fields[name])
            if reset is not None and reset > _EPOCH_AFTER:
                reset = max(0.0, reset - now.timestamp())
    if reset is None:
        reset = _number(combined.get("t", combined.get("reset", "")))
    return StatedLimit(quota, window, remaining, reset)


@dataclass
class Budget:
    """How many requests may be sent, how fast, and how long a 429 may make us wait."""

    max_requests: int | None = None
    rate_per_minute: float | None = None
    max_wait_seconds: float = 65.0
    """Longest wait for one request: a Retry-After, and an interval a 429 taught."""
    max_rate_limited_retries: int = 3
    valid_requests: int | None = None
    """Requests a correct server must accept (may act, e.g. send an SMS); None: unlimited."""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    progress: Progress | None = None
    """The target's status line: told of every request and every wait."""
    sent: int = 0
    valid_sent: int = 0
    rate_limited: int = 0
    waited_seconds: float = 0.0
    reserved: int = 0
    """Requests the plan leaves for the budgeted Schemathesis cases sent after it."""
    halted: str | None = None
    """Why nothing more may be sent (the credentials were refused)."""
    learned_interval: float = 0.0
    """Seconds between an answer and the next request that a 429 taught (0: none yet)."""
    _free_at: float | None = field(default=None, repr=False)
    """Clock time before which no request goes out."""
    _started: float = field(default=0.0, repr=False)
    _busy: float = field(default=0.0, repr=False)
    _answers: int = field(default=0, repr=False)
    """Seconds spent in requests and their number: the mean duration in the ETA."""
    _stretch: list[float] = field(default_factory=list, repr=False)
    """Start times of the requests the server took since the last 429 (the window's)."""

    def exhausted(self, keep: int = 0) -> bool:
        """No request left (keeping `keep` of them for later senders), or halted."""
        if self.halted is not None:
            return True
        return self.max_requests is not None and self.sent >= self.max_requests - keep

    def planned(self, probes: int, *, schemathesis: bool) -> int:
        """Requests a plan of `probes` is expected to use, and Schemathesis' share after it."""
        if self.max_requests is None:
            return probes
        share = self.reserved if schemathesis else 0
        return min(probes, self.max_requests - self.reserved) + share

    @property
    def interval(self) -> float:
        """Seconds from an answer to the next request: `--rate`, or slower once a 429 said so."""
        asked = 60.0 / self.rate_per_minute if self.rate_per_minute else 0.0
        return max(asked, self.learned_interval)

    def cycle(self) -> float:
        """Seconds one more request costs at the current pace: the interval and a mean answer."""
        mean = self._busy / self._answers if self._answers else 0.0
        return self.interval + mean

    def eta(self, remaining: int) -> float:
        """Seconds until `remaining` more requests are answered, the pending wait included."""
        if remaining <= 0:
            return 0.0
        pending = 0.0 if self._free_at is None else max(0.0, self._free_at - self.clock())
        return pending + remaining * self.cycle() - self.interval

    def pace(self) -> None:
        """Wait until the next request keeps the pace; then it counts as sent."""
        if self._free_at is not None:
            left = self._free_at - self.clock()
            while left > 0:
                slice_ = left / math.ceil(left / WAIT_SLICE)
                if self.progress is not None:
                    self.progress.waiting(left, self.eta)
                self.sleep(slice_)
                self.waited_seconds += slice_
                left -= slice_
        self._started = self.clock()
        self.sent += 1

    def answered(self, status: int | None, headers: Mapping[str, str] | None = None) -> None:
        """The request `pace` let out got `status` (None: dropped); a 429 sets the pace, and
        an answer saying no request is left in the window holds the next one until it resets."""
        now = self.clock()
        self._busy += now - self._started
        self._answers += 1
        limit = stated_limit(headers or {}, datetime.now(UTC))
        reset = None if limit.reset is None else min(limit.reset, self.max_wait_seconds)
        wait = self.interval
        if status == 429:
            self.rate_limited += 1
            reset = 1.0 if reset is None else reset
            taught = self._taught(limit, now + reset)
            self.learned_interval = min(max(self.learned_interval, taught), self.max_wait_seconds)
            self._stretch.clear()
            wait = max(reset, self.interval)
        else:
            self._stretch.append(self._started)
            if limit.remaining == 0 and reset is not None:
                wait = max(reset, wait)
        self._free_at = now + wait
        if self.progress is not None:
            self.progress.request_sent(self.sent, self.rate_limited, self.eta)

    def _taught(self, limit: StatedLimit, reopens: float) -> float:
        """The interval a 429 asks for: the stated quota per window; otherwise the requests
        taken since the last 429 per the time until the server reopens, and at least double
        the pace that met the 429."""
        if limit.quota and limit.window:
            return limit.window / limit.quota
        taken = self._stretch
        quota = limit.quota or len(taken)
        if quota and taken:
            first = taken[-int(quota) - 1] if len(taken) > quota else taken[0]
            estimate = (reopens - first) / quota
        else:
            estimate = 0.0
        return max(estimate, 2 * self.cycle())
