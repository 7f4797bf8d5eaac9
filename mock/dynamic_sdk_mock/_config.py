"""How one mock instance behaves; `python -m dynamic_sdk_mock --help` shows every default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

__all__ = ["DEFAULT_TOKEN", "MockConfig"]

DEFAULT_TOKEN = "mock-token"  # noqa: S105 - a well-known test value, not a secret


@dataclass(frozen=True)
class MockConfig:
    """Settings for `create_app` and `running_mock`; the token never appears in the repr."""

    token: str = field(default=DEFAULT_TOKEN, repr=False)
    require_auth: bool = True
    lenient: bool = False
    """Answer every valid request with the success echo of its own fields, without state."""
    success_status: int | None = None
    """None: each operation's first documented 2xx. A value: the status of a successful
    answer wherever the operation documents it (the stateful one must: see create_app)."""
    max_retries: int = 3
    """Successful retries allowed per verification; the next one gets 422."""
    cooldown_seconds: float = 30.0
    """Minimum time between two successful retries of one verification (else 429)."""
    max_body_bytes: int = 65536
    rate_limit: int | None = None
    """Operation requests allowed per client IP per `rate_window_seconds` (any request, valid
    or not, as the vendor counts them); the next gets 429 with Retry-After. None: off."""
    rate_window_seconds: float = 60.0
    fragment: str | os.PathLike[str] | None = None
    """The OpenAPI fragment; None finds the packaged or checked-out copy."""

    def __post_init__(self) -> None:
        if self.success_status is not None and not 200 <= self.success_status <= 299:
            raise ValueError("success_status must be a 2xx status (or None)")
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.cooldown_seconds < 0:
            raise ValueError("cooldown_seconds must be >= 0")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError("rate_limit must be >= 1 (or None for no limit)")
        if self.rate_window_seconds <= 0:
            raise ValueError("rate_window_seconds must be > 0")
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be >= 1")
        if self.require_auth and not self.token:
            raise ValueError("token must not be empty when auth is required")
