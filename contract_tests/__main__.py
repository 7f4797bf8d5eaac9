"""`python -m contract_tests [options]` (or `dynamic-sdk-contract`): the installed suite.

Runs pytest on the installed package with the suite's options (`plugin.py`) and Hypothesis
profiles (`profiles.py`) loaded before pytest parses the command line. The distribution
registers no pytest11 entry point, so other pytest runs never see these options; here, the
plugins that claim the same option names (`FOREIGN`) are blocked instead. `--help` lists the
suite's own options first; every pytest option is accepted too. Reports go to ./reports
(or $DYNAMIC_CONTRACT_REPORTS).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from contract_tests.core.settings import EXIT_INCONCLUSIVE, EXIT_INTERRUPTED, TOKEN_VARIABLE
from contract_tests.plugin import GROUPS, OPTIONS
from contract_tests.run.targets import REPORTS

README = Path(__file__).with_name("README.md")
"""Shipped in the wheel, so `--help` points at documentation every install has."""
FOREIGN = ("base_url",)
"""pytest plugins that define one of the suite's option names (pytest-base-url's --base-url,
pulled in by pytest-playwright and pytest-selenium): pytest refuses two owners of one option,
and the suite's run needs none of them."""

EPILOG = f"""\
environment:
  {TOKEN_VARIABLE}           bearer token for --base-url and --target sandbox
  DYNAMIC_ENVIRONMENT_ID      environment id (default: a random one)
  DYNAMIC_SANDBOX_BASE_URL    the sandbox's URL for --target sandbox
  DYNAMIC_SANDBOX_SMS_BUDGET  default of --sms-budget
  DYNAMIC_CONTRACT_REPORTS    where reports go (default: ./reports)
  DYNAMIC_CONTRACT_STATE      default of --state (the plan carried across runs)
  HYPOTHESIS_PROFILE          dev (default) or ci (more examples)

exit codes:
  0  pass: no check failed, and each target judged at least --min-judged of its checks
  1  a check failed (FAIL lines in the contract summary)
  2  interrupted before the plan was sent; 3 internal error; 5 no tests collected
  4  usage error, before anything is sent (e.g. --base-url without {TOKEN_VARIABLE})
  {EXIT_INCONCLUSIVE}  inconclusive: too few checks judged (404, 429, budget spent), or the
     credentials were refused or nothing answers at the URL (the run stops within a few
     requests)
  {EXIT_INTERRUPTED}  interrupted (SIGINT, SIGTERM) while judging: the verdict line and the
     summary say what was judged so far

Every pytest option is accepted too (-x, -k, -q, --hypothesis-seed N, ...):
`python -m pytest --help` lists them. Reports: contract-summary.json, .md and .html, JUnit,
contract-replay.json. In a pytest command of your own: pytest -p contract_tests.plugin
-p contract_tests.profiles --pyargs contract_tests [options]. More: %(prog)s --readme
(the package's README, shipped with it).
"""


def help_parser() -> argparse.ArgumentParser:
    """The suite's options as `--help` shows them, built from the plugin's one table."""
    parser = argparse.ArgumentParser(
        prog="dynamic-sdk-contract",
        usage="%(prog)s [options] [pytest options]   (also: python -m contract_tests)",
        description="Contract-test a server's POST /sdk/{environmentId}/smsVerifications/retry "
        "against the documented patterns and lengths: the embedded mock unless told otherwise.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for key, title in GROUPS.items():
        group = parser.add_argument_group(title)
        for option in OPTIONS:
            if option.group == key:
                group.add_argument(*option.names, help=option.full_help(), **option.kwargs)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit with pytest's code, or the suite's own for an inconclusive run."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "-h" in args or "--help" in args:
        help_parser().print_help()
        return 0
    if "--readme" in args:
        print(README.read_text(encoding="utf-8"), end="")
        return 0
    REPORTS.mkdir(parents=True, exist_ok=True)
    return int(
        pytest.main(
            [
                "--pyargs",
                "contract_tests",
                "-p",
                "contract_tests.plugin",
                "-p",
                "contract_tests.profiles",
                "-p",
                "no:cacheprovider",
                *(part for name in FOREIGN for part in ("-p", f"no:{name}")),
                f"--junitxml={REPORTS / 'junit-contract.xml'}",
                *args,
            ]
        )
    )


if __name__ == "__main__":
    sys.exit(main())
