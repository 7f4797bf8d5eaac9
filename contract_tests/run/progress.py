"""Live feedback while requests are sent: a paced run against the vendor takes minutes.

On a terminal one status line is rewritten in place; in a CI log (no TTY) plain lines
are written: at the first request, at every slice of a wait of a few seconds, and at least
every `LINE_EVERY` seconds. The counter counts requests (the plan's, its re-sends after a
429, and the budgeted Schemathesis cases); the ETA is the remaining requests at the
current pace, waits included (`pacing.Budget.eta`). A failing check is written the moment
its probe answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["LINE_EVERY", "Progress"]

LINE_EVERY = 10.0
"""Longest silence of a log between two status lines (docs/contract.md, "Live feedback")."""
NOTICEABLE = 3.0
"""A wait at least this long is announced ("next request in N s")."""


@dataclass
class Progress:
    """Status lines for one target: requests sent of planned, 429s, waits, ETA, failures."""

    write: Callable[[str], None]
    """Writes text as it is (the terminal reporter's `write`); lines end in "\n" here."""
    target: str
    planned: int
    """Requests the run expects to send to this target (the ETA counts down to it)."""
    live: bool = False
    """A terminal: rewrite one line (`\\r`) instead of adding lines."""
    interval: float = LINE_EVERY
    clock: Callable[[], float] = time.monotonic
    sent: int = 0
    rate_limited: int = 0
    failures: int = 0
    _last: float | None = field(default=None, init=False)
    _eta: Callable[[int], float] = field(default=lambda _remaining: 0.0, init=False)
    """The pace's ETA as last told: seconds for n more requests."""

    def _line(self, note: str = "") -> str:
        remaining = self.planned - self.sent
        shown = f", ETA {self._eta(remaining):.0f} s" if self.sent and remaining > 0 else ""
        extra = f"; {note}" if note else ""
        return (
            f"[contract] {self.target}: {self.sent}/{self.planned} requests sent, "
            f"{self.rate_limited} rate-limited, {self.failures} failing checks{shown}{extra}"
        )

    def _emit(self, note: str = "", *, force: bool = False) -> None:
        now = self.clock()
        due = self._last is None or now - self._last >= self.interval
        if not (force or due or self.live):
            return
        self._last = now
        line = self._line(note)
        self.write(("\r" + line) if self.live else line + "\n")

    def request_sent(self, sent: int, rate_limited: int, eta: Callable[[int], float]) -> None:
        """One request answered (or dropped); `eta(n)`: seconds for n more requests."""
        self.sent, self.rate_limited, self._eta = sent, rate_limited, eta
        self._emit(force=self._last is None)

    def waiting(self, seconds: float, eta: Callable[[int], float]) -> None:
        """A wait (or a slice of one) starts; say so when it is noticeable or a line is due."""
        self._eta = eta
        noticeable = seconds >= NOTICEABLE
        self._emit(f"next request in {seconds:.0f} s" if noticeable else "", force=noticeable)

    def failed(self, line: str) -> None:
        """A check failed: written at once, on its own line."""
        self.failures += 1
        self.write(("\n" if self.live else "") + "FAIL " + line + "\n")

    def done(self, note: str = "") -> None:
        """The plan is sent; budgeted Schemathesis cases may follow on the same counter."""
        self._emit(note or "plan done", force=True)
        if self.live:
            self.write("\n")
