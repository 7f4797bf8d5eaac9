"""Hypothesis profiles for the whole repository, and one recorded seed per run.

`dev` (default) keeps a local run fast; `ci` draws more examples and is
what nox sets in CI. HYPOTHESIS_PROFILE selects one. Unless `--hypothesis-seed` is given,
a seed is drawn here and handed to Hypothesis, so the contract summary can print the seed
that reproduces the run.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, settings

# The profiles differ only in how many examples they draw.
for _name, _examples in (("dev", 10), ("ci", 40)):
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
        print_blob=True,
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Fix the run's Hypothesis seed before Hypothesis's own plugin reads the option."""
    if getattr(config.option, "hypothesis_seed", None) is None:
        config.option.hypothesis_seed = str(random.SystemRandom().getrandbits(32))
