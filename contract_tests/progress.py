"""Live feedback while a plan is sent: a paced run against the vendor takes minutes.

On a terminal one status line is rewritten in place; in a CI log (no TTY) plain lines
are written: at the first probe, before every wait of a few seconds, and at least every
`interval` seconds. A failing check is written the moment its probe answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Progress"]


@dataclass
class Progress:
    """Status lines for one target: probes sent of planned, 429s, waits, ETA, failures."""

    write: Callable[[str], None]
    """Writes text as it is (the terminal reporter's `write`); lines end in "\n" here."""
    target: str
    planned: int
    live: bool = False
    """A terminal: rewrite one line (`\\r`) instead of adding lines."""
    interval: float = 10.0
    clock: Callable[[], float] = time.monotonic
    sent: int = 0
    rate_limited: int = 0
    failures: int = 0
    _started: float = field(default=0.0, init=False)
    _last: float | None = field(default=None, init=False)

    def _line(self, note: str = "") -> str:
        elapsed = self.clock() - self._started
        eta = ""
        if self.sent and self.planned > self.sent:
            eta = f", ETA {elapsed / self.sent * (self.planned - self.sent):.0f} s"
        extra = f"; {note}" if note else ""
        return (
            f"[contract] {self.target}: {self.sent}/{self.planned} probes sent, "
            f"{self.rate_limited} rate-limited, {self.failures} failing checks{eta}{extra}"
        )

    def _emit(self, note: str = "", *, force: bool = False) -> None:
        now = self.clock()
        if self._last is None:
            self._started = now
        due = self._last is None or now - self._last >= self.interval
        if not (force or due or self.live):
            return
        self._last = now
        line = self._line(note)
        self.write(("\r" + line) if self.live else line + "\n")

    def probe_sent(self, rate_limited: int) -> None:
        """One probe answered (or dropped)."""
        self.sent += 1
        self.rate_limited = rate_limited
        self._emit(force=self.sent == 1)

    def waiting(self, seconds: float) -> None:
        """The pacing or a Retry-After is about to wait; say so when it is noticeable."""
        if seconds >= 3:
            self._emit(f"next request in {seconds:.0f} s", force=True)

    def failed(self, line: str) -> None:
        """A check failed: written at once, on its own line."""
        self.failures += 1
        self.write(("\n" if self.live else "") + "FAIL " + line + "\n")

    def done(self, note: str = "") -> None:
        self._emit(note or "done", force=True)
        if self.live:
            self.write("\n")
