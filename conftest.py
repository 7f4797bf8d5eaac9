"""Test tiers for the whole repository; Hypothesis profiles and the run's seed come from
`contract_tests.profiles`, and the contract suite's options from `contract_tests.plugin`,
which the installed contract suite loads the same way."""

from __future__ import annotations

import pytest

pytest_plugins = ["contract_tests.profiles", "contract_tests.plugin"]


# Test tiers: what a test needs beyond Python, or its time. `nox -s fast` runs none of these;
# the README's `nox -s tests` runs all but `slow`; `nox -s slow` runs those. One table, so a
# new module picks its tier here.
TIERS: dict[str, tuple[str, ...]] = {
    "node": (
        "tests/test_ecma.py",
        "tests/test_ecma_exhaustive.py",
        "tests/test_pattern_nodes_v8.py",
        "tests/test_strategies_engines.py",
        "contract_tests/",
    ),
    "servers": (
        "tests/test_mock_socket.py",
        "tests/test_mock_golden.py",
        "tests/test_mock_schemathesis_cli.py",
        "tests/test_bench.py",
        "tests/test_readme.py",
        "tests/test_proxy.py",
        "tests/test_contract_catches_broken_servers.py",
        "tests/test_contract_budget.py",
        "tests/test_spec_changes.py",
        "tests/test_contract_safe_runs.py",
        "tests/test_mutant_power.py",
        "tests/test_contract_live.py",
        "tests/test_contract_verdict.py",
        "tests/test_contract_shapes.py",
        "tests/test_contract_state.py",
        "tests/test_st_checks.py",
        "contract_tests/",
    ),
    "build": (
        "tests/test_generated.py",
        "tests/test_packaging.py",
        "tests/test_spec_changes.py",
        "tests/test_plugin_isolation.py",
        "tests/test_install_docs.py",
        "tests/test_action.py",
    ),
    # minutes each: out of the README's `nox -s tests` (CI stays under 15 minutes); they run
    # with `nox -s slow` (every spec variant through the whole suite, fresh venvs per install
    # line, the composite action's three runs, the bench smoke run, Schemathesis' own CLI
    # against the mock; single slow cases carry the `slow` mark themselves, and long
    # parametrized tests keep a spread in CI: tests/support/tiers.py)
    "slow": (
        "tests/test_bench.py",
        "tests/test_mock_schemathesis_cli.py",
        "tests/test_spec_changes.py",
        "tests/test_install_docs.py",
        "tests/test_plugin_isolation.py",
        "tests/test_action.py",
    ),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with the tiers of its module (see TIERS)."""
    root = config.rootpath
    for item in items:
        relative = item.path.relative_to(root).as_posix()
        for marker, prefixes in TIERS.items():
            if relative.startswith(prefixes):
                item.add_marker(marker)
