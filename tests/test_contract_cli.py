"""The suite's command line: the documented options are the ones it takes, `--help` puts them
first with their defaults, and a run that judged too little is INCONCLUSIVE, never a pass.
(Through pytest, end to end: tests/test_contract_verdict.py.)

Why: a team runs the installed suite in CI from the README; an option pytest does not know,
or a run of 401s reported green, is the difference between a contract test and a green tick.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from contract_tests.__main__ import help_parser
from contract_tests.core.settings import DEFAULT_MIN_JUDGED, EXIT_INCONCLUSIVE, TOKEN_VARIABLE
from contract_tests.plugin import OPTIONS
from contract_tests.report.verdict import TargetCounts, decide
from contract_tests.run.runner import SAFE_MODE
from contract_tests.run.targets import PRISM_PACKAGE

ROOT = Path(__file__).resolve().parent.parent
HYPOTHESIS_OWN = {"--hypothesis-seed"}  # documented beside ours, added by Hypothesis' plugin


def documented_options() -> set[str]:
    """The option names of docs/contract.md's option table."""
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `(--[a-z-]+)", text, re.MULTILINE))


def test_the_documented_options_are_the_plugins() -> None:
    names = {name for option in OPTIONS for name in option.names}
    assert documented_options() == names | HYPOTHESIS_OWN


def test_help_lists_the_suites_options_first_grouped_with_defaults() -> None:
    text = help_parser().format_help()
    lines = text.splitlines()
    assert len(lines) < 100, "the suite's help, not pytest's"
    first_group = next(i for i, line in enumerate(lines) if line.startswith("target ("))
    assert lines[first_group - 2].startswith("  -h, --help")  # nothing else before the groups
    flat = re.sub(r"\s", "", text)  # argparse wraps lines, even inside --base-url
    for option in OPTIONS:
        assert option.names[0] in text
        assert re.sub(r"\s", "", f"(default: {option.default_text})") in flat, option.names
    assert f"(default:{DEFAULT_MIN_JUDGED:g})" in flat
    assert "(default:unlimitedformock/prism,60for--base-url/sandbox)" in flat
    assert f"{EXIT_INCONCLUSIVE}  inconclusive" in text
    assert "4  usage error" in text


def test_the_prism_hint_names_the_pinned_version() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert f"@stoplight/prism-cli@{pinned['@stoplight/prism-cli']}" == PRISM_PACKAGE


def _counts(judged: int, planned: int = 100, **not_judged: int) -> TargetCounts:
    reasons = {reason.replace("_", " "): n for reason, n in not_judged.items()}
    return TargetCounts("server", planned, judged, 0, reasons)


def test_a_run_that_judged_most_checks_passes() -> None:
    verdict = decide([_counts(60, budget_spent=40)], 0.5, 0)
    assert (verdict.word, verdict.exit_code) == ("PASS", 0)


def test_checks_left_out_by_design_do_not_count_against_the_run() -> None:
    counts = TargetCounts("server", 158, 59, 0, {"budget spent": 44, SAFE_MODE: 55})
    assert counts.in_scope == 103
    assert decide([counts], 0.5, 0).word == "PASS"
    assert decide([counts], 0.6, 0).word == "INCONCLUSIVE"


def test_401_everywhere_is_inconclusive_with_a_one_line_reason() -> None:
    counts = _counts(2, **{"no verdict from status 401": 60, "budget spent": 38})
    verdict = decide([counts], 0.5, 0)
    assert (verdict.word, verdict.exit_code) == ("INCONCLUSIVE", EXIT_INCONCLUSIVE)
    assert "\n" not in verdict.line()
    assert "no verdict from status 401 (60 checks)" in verdict.reason
    assert TOKEN_VARIABLE in verdict.reason


def test_a_failure_stays_a_failure_and_a_run_without_the_plan_is_not_a_pass() -> None:
    assert decide([_counts(2, budget_spent=98)], 0.5, 1).exit_code == 1
    assert decide(None, 0.5, 0).exit_code == EXIT_INCONCLUSIVE
    assert decide(None, 0.5, 1).word == "FAIL"
    assert decide([_counts(0, planned=0)], 0.0, 0).word == "PASS"
