"""Hypothesis profiles for the whole repository, and one recorded seed per run.

`dev` (default) keeps a local run of both test trees fast; `ci` draws more examples and is
what nox sets in CI. HYPOTHESIS_PROFILE selects one. Unless `--hypothesis-seed` is given,
a seed is drawn here and handed to Hypothesis, so the contract summary can print the seed
that reproduces the run.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev",
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    print_blob=True,
)
settings.register_profile(
    "ci",
    max_examples=40,
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


# Test tiers: what a test needs beyond Python. `nox -s fast` runs none of these; the
# README's `nox -s tests` runs all of them. One table, so a new module picks its tier here.
TIERS: dict[str, tuple[str, ...]] = {
    "node": (
        "tests/test_ecma.py",
        "tests/test_ecma_exhaustive.py",
        "contract_tests/",
    ),
    "servers": (
        "tests/test_mock_socket.py",
        "tests/test_mock_schemathesis_cli.py",
        "tests/test_bench.py",
        "tests/test_readme.py",
        "tests/test_proxy.py",
        "tests/test_contract_catches_broken_servers.py",
        "contract_tests/",
    ),
    "build": ("tests/test_generated.py", "tests/test_packaging.py"),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with the tiers of its module (see TIERS)."""
    root = config.rootpath
    for item in items:
        relative = item.path.relative_to(root).as_posix()
        for marker, prefixes in TIERS.items():
            if relative.startswith(prefixes):
                item.add_marker(marker)
