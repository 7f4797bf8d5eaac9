"""Hypothesis profiles for the whole repository, and one recorded seed per run.

`dev` (default) keeps a local run fast; `ci` draws more examples and is
what nox sets in CI. HYPOTHESIS_PROFILE selects one. Unless `--hypothesis-seed` is given,
a seed is drawn here (or read from the run's state file, whose carried plan it rebuilds)
and handed to Hypothesis, so the contract summary can print the seed that reproduces the run.

Properties of pure functions (no server, no subprocess: the retry loop's arithmetic, the
rules, the hot path's shortcuts, `ecma` against V8) cost microseconds an example, so they
draw many more: they take `settings(settings.get_profile("pure"))`, whose example count
follows the selected profile (PURE_EXAMPLES).
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, settings

EXAMPLES = {"dev": 10, "ci": 40}
"""Examples per property, by profile: servers and subprocesses make each one dear."""
PURE_EXAMPLES = {"dev": 50, "ci": 500}
"""Examples per pure-function property, by profile (the `pure` profile)."""

# The profiles differ only in how many examples they draw.
for _name, _examples in EXAMPLES.items():
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
        print_blob=True,
    )
_selected = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.load_profile(_selected)
settings.register_profile(
    "pure",
    parent=settings.get_profile(_selected),
    max_examples=PURE_EXAMPLES.get(_selected, PURE_EXAMPLES["dev"]),
)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Fix the run's Hypothesis seed before Hypothesis's own plugin reads the option."""
    if getattr(config.option, "hypothesis_seed", None) is None:
        carried = _state_seed(config)
        drawn = random.SystemRandom().getrandbits(32) if carried is None else carried
        config.option.hypothesis_seed = str(drawn)


def _state_seed(config: pytest.Config) -> int | None:
    """The plan seed of the run's state file (--state): a carried plan is rebuilt from it."""
    if not hasattr(config.option, "state"):
        return None  # the suite's options are not loaded: no state file
    from contract_tests.core.settings import state_file
    from contract_tests.run.state import peek_seed  # imported only for a run with a state file

    path = state_file(config.option.state)
    return None if path is None else peek_seed(path)
