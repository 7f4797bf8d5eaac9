"""The suite's settings every layer reads: the remote defaults, exit codes, environment
variable names. Options themselves (the table `--help` prints) live in `plugin`, on top.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = [
    "DEFAULT_MIN_JUDGED",
    "DEFAULT_STATE_MAX_AGE_DAYS",
    "EXIT_INCONCLUSIVE",
    "EXIT_INTERRUPTED",
    "REMOTE_MAX_REQUESTS",
    "REMOTE_RATE",
    "STATE_VARIABLE",
    "TOKEN_VARIABLE",
    "env_name",
    "state_file",
]


REMOTE_MAX_REQUESTS = 60


REMOTE_RATE = 3.0
"""Per minute: the vendor's published per-IP limit for its one-time-password endpoints, this
one among them (its "Rate limits" page, quoted in the project's vendor reference); paced
from the end of each answer, so jitter never puts two requests closer at the server."""


DEFAULT_MIN_JUDGED = 0.5
"""Below half of the checks a run could judge, its "pass" would say too little."""


EXIT_INCONCLUSIVE = 6
"""pytest's own exit codes are 0-5; 6 is a run that judged too little to pass or fail."""


EXIT_INTERRUPTED = 7
"""SIGINT or SIGTERM (a CI job's timeout) stopped the run: its verdict and summary say
what was judged before it stopped."""


TOKEN_VARIABLE = "DYNAMIC_API_TOKEN"


STATE_VARIABLE = "DYNAMIC_CONTRACT_STATE"
"""The state file carried across scheduled runs, when `--state` is not given."""


DEFAULT_STATE_MAX_AGE_DAYS = 30.0
"""A month of nightly runs: older answers may describe a server since redeployed."""


def state_file(given: str | None) -> Path | None:
    """The state file of a run: `--state`'s value, else $DYNAMIC_CONTRACT_STATE, else None."""
    raw = given or os.environ.get(STATE_VARIABLE)
    return Path(raw) if raw else None


def env_name(parameter: str) -> str:
    """The environment variable that sets a path parameter: camelCase -> DYNAMIC_CAMEL_CASE."""
    return "DYNAMIC_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", parameter).upper()
