"""`python -m contract_tests [pytest options]`: the installed suite, no checkout needed.

Runs pytest on the installed package, whose `conftest.py` is the suite's pytest plugin
(options --target, --base-url, --max-requests, --rate, --replay, --unicode-version, ...),
with the Hypothesis profiles of `contract_tests.profiles`. Reports go to ./reports
(or $DYNAMIC_CONTRACT_REPORTS).
"""

from __future__ import annotations

import sys

import pytest

from .targets import REPORTS


def main(argv: list[str] | None = None) -> int:
    """Exit with pytest's code; JUnit lands beside the summary."""
    args = list(sys.argv[1:] if argv is None else argv)
    REPORTS.mkdir(parents=True, exist_ok=True)
    return int(
        pytest.main(
            [
                "--pyargs",
                "contract_tests",
                "-p",
                "contract_tests.profiles",
                "-p",
                "no:cacheprovider",
                f"--junitxml={REPORTS / 'junit-contract.xml'}",
                *args,
            ]
        )
    )


if __name__ == "__main__":
    sys.exit(main())
