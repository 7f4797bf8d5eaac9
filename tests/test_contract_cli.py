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
from contract_tests.plugin import GROUPS, OPTIONS
from contract_tests.profiles import EXAMPLES, PURE_EXAMPLES
from contract_tests.report.verdict import TargetCounts, decide
from contract_tests.run.runner import SAFE_MODE
from contract_tests.run.targets import PRISM_PACKAGE

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_DOC = ROOT / "docs" / "contract.md"
TABLE_START = "<!-- option table: generated from contract_tests.plugin.OPTIONS"
TABLE_END = "<!-- end of the option table -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def option_table() -> str:
    """docs/contract.md's option table, from the table `--help` is built from (OPTIONS),
    in `--help`'s order: group by group."""
    rows = ["| option | default | meaning |", "|---|---|---|"]
    for group in GROUPS:
        for option in (o for o in OPTIONS if o.group == group):
            choices = option.kwargs.get("choices")
            shown = " " + "|".join(choices) if choices else ""
            shown += f" {option.kwargs['metavar']}" if "metavar" in option.kwargs else ""
            name = _cell(f"`{option.names[0]}{shown}`")
            rows.append(f"| {name} | {_cell(option.default_text)} | {_cell(option.help)} |")
    return "\n".join(rows)


def documented_table(text: str) -> str:
    """The table between the markers of docs/contract.md."""
    start = text.index(TABLE_START)
    return text[text.index("\n", start) + 1 : text.index(TABLE_END)].strip()


def write_option_table() -> None:
    """Rewrite docs/contract.md's option table from OPTIONS: python -m tests.test_contract_cli"""
    text = CONTRACT_DOC.read_text(encoding="utf-8")
    CONTRACT_DOC.write_text(text.replace(documented_table(text), option_table()), encoding="utf-8")


def test_the_documented_option_table_is_generated_from_the_plugins_options() -> None:
    """Every row of the doc's table comes from OPTIONS, like every entry of --help."""
    documented = documented_table(CONTRACT_DOC.read_text(encoding="utf-8"))
    assert documented == option_table(), "run: python -m tests.test_contract_cli"


def test_help_lists_every_documented_option_with_its_default() -> None:
    text = help_parser().format_help()
    flat = re.sub(r"\s", "", text)  # argparse wraps lines
    for line in option_table().splitlines()[2:]:
        name = re.match(r"\| `(--[a-z-]+)", line)
        assert name is not None, line
        assert f"  {name[1]}" in text, name[1]
    for option in OPTIONS:
        assert re.sub(r"\s", "", option.full_help()) in flat, option.names


def test_every_documented_pytest_command_loads_the_profiles_first() -> None:
    """Without `-p contract_tests.profiles` the seed is drawn after Hypothesis has read its
    options: the printed seed would not reproduce the run's draws (docs/contract.md)."""
    texts = [help_parser().format_help()]
    for doc in (ROOT / "README.md", ROOT / "contract_tests" / "README.md", CONTRACT_DOC):
        texts.append(doc.read_text(encoding="utf-8"))
    commands = [
        command
        for text in texts
        for command in re.findall(
            r"pytest -p contract_tests\.plugin[^`]*?--pyargs", " ".join(text.split())
        )
    ]
    assert len(commands) >= len(texts), commands
    for command in commands:
        assert "-p contract_tests.profiles" in command, command


def test_the_documented_example_counts_are_the_profiles() -> None:
    """README and docs/contract.md quote how many examples each profile draws."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert (
        f"draws {EXAMPLES['dev']} examples per property locally and {EXAMPLES['ci']} in CI"
        in readme
    )
    pure = f"`pure` profile instead: {PURE_EXAMPLES['dev']} locally, {PURE_EXAMPLES['ci']} in CI"
    assert pure in readme
    contract = " ".join(CONTRACT_DOC.read_text(encoding="utf-8").split())
    assert f"(profile `max_examples`: dev {EXAMPLES['dev']}, ci {EXAMPLES['ci']};" in contract


def test_each_test_a_doc_names_for_its_figures_reads_that_doc() -> None:
    """A doc sentence that quotes figures names the test that keeps them true: that test
    exists and reads the doc (so a figure that drifts from the code fails it)."""
    named = 0
    for doc in (ROOT / "README.md", CONTRACT_DOC):
        text = " ".join(doc.read_text(encoding="utf-8").split())
        for test in re.findall(r"`(tests/test_\w+\.py)` keeps (?:this|these|both)[^.)]*true", text):
            source = (ROOT / test).read_text(encoding="utf-8")
            assert f'"{doc.name}"' in source or f"'{doc.name}'" in source, (doc.name, test)
            named += 1
    assert named >= 6, named


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


if __name__ == "__main__":
    write_option_table()
