"""The per-field, per-constraint summary the contract suite writes at session end.

Each probe the constraint and differential tests send is recorded here: which family
(field, rule, side of the boundary), which target, whether the verdicts agreed. At the
end `write()` produces reports/contract-summary.json, .md and .html, and `lines()` feeds the
terminal summary; failures carry a curl line with the token left as $DYNAMIC_API_TOKEN.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from contract_tests.report import pattern_picture

__all__ = ["PlanSummary", "Recorder", "RunMeta"]

MAX_FAILURES_KEPT = 20


@dataclass
class _Tally:
    tried: int = 0
    target_accepted: int = 0
    target_rejected: int = 0
    disagreements: int = 0


@dataclass(frozen=True)
class PlanSummary:
    """What `summary.summarize` makes of the plan's answers: the reports are written from it."""

    unicode_pinned: str | None
    plan_lines: list[str]
    plan_probes: int
    pattern_coverage: dict[str, list[dict[str, Any]]]
    """target -> one row per pattern node: exercised on each side, or why not."""
    mutation_power: dict[str, dict[str, Any]]
    """target -> the plan's mutation score at that target's budget."""
    mutation_score: dict[str, str]
    """place -> "a/n mutants killed within N" (the first target's), beside each pattern."""
    findings: list[dict[str, str]]
    strict_assumptions: bool


@dataclass
class RunMeta:
    """What the run was, beside the tallies: written as the summary's `meta` (JSON)."""

    hypothesis_seed: int | None = None
    profile: str | None = None
    targets: list[str] = field(default_factory=list)
    not_run: str | None = None
    prism_comparison: str | None = None
    schemathesis_cases: int = 0
    schemathesis_budgeted: dict[str, int] = field(default_factory=dict)
    """outcome ("sent", "not sent: ...") -> Schemathesis cases, in a budgeted run."""
    schemathesis_findings: list[str] = field(default_factory=list)
    plan: PlanSummary | None = None
    verdict_lines: list[str] = field(default_factory=list)
    """The per-target counts and the verdict line, after the plan's own lines."""
    verdict: dict[str, Any] | None = None
    state_lines: list[str] = field(default_factory=list)
    """The state file's lines (--state): this run's and the cumulative score, what it
    set aside or dropped, what is fixed since."""
    state: dict[str, Any] | None = None
    """The same as data (`run.state.Carried.summary`)."""

    @property
    def plan_lines(self) -> list[str]:
        plan = self.plan.plan_lines if self.plan else ()
        return [*plan, *self.state_lines, *self.verdict_lines]

    def as_json(self) -> dict[str, Any]:
        """The summary's `meta` object: one flat mapping (the plan's fields inline)."""
        left_out = ("plan", "verdict_lines", "state_lines")
        data = {k: v for k, v in asdict(self).items() if k not in left_out}
        if self.plan is not None:
            data |= asdict(self.plan)
        data["plan_lines"] = self.plan_lines
        return data


@dataclass
class Recorder:
    """Counts verdicts per (field, rule, side, target) and keeps reproducers of failures."""

    tallies: dict[tuple[str, str, str, str], _Tally] = field(
        default_factory=lambda: defaultdict(_Tally)
    )
    failures: list[dict[str, Any]] = field(default_factory=list)
    meta: RunMeta = field(default_factory=RunMeta)

    def record(
        self,
        *,
        field_name: str,
        rule: str,
        side: str,
        target: str,
        accepted: bool,
        agreed: bool,
        curl: str,
        detail: str,
        keep_failure: bool = True,
    ) -> None:
        """Count one verdict; keep a reproducer when it disagrees with the documented rules
        (unless the caller reports failures itself, one line per check)."""
        tally = self.tallies[(field_name, rule, side, target)]
        tally.tried += 1
        if accepted:
            tally.target_accepted += 1
        else:
            tally.target_rejected += 1
        if not agreed:
            tally.disagreements += 1
            if keep_failure and len(self.failures) < MAX_FAILURES_KEPT:
                self.failures.append(
                    {"field": field_name, "rule": rule, "side": side, "target": target}
                    | {"detail": detail, "curl": curl}
                )

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON data."""
        rows = [
            {
                "field": key[0],
                "rule": key[1],
                "side": key[2],
                "target": key[3],
                "tried": tally.tried,
                "accepted": tally.target_accepted,
                "rejected": tally.target_rejected,
                "disagreements": tally.disagreements,
            }
            for key, tally in sorted(self.tallies.items())
        ]
        return {"meta": self.meta.as_json(), "rows": rows, "failures": self.failures}

    def lines(self) -> list[str]:
        """A compact text table: one line per field, rule, side and target."""
        meta, plan = self.meta, self.meta.plan
        out = [
            f"seed={meta.hypothesis_seed} profile={meta.profile} "
            f"targets={meta.targets} "
            f"schemathesis_cases={meta.schemathesis_cases} "
            f"prism_comparison={meta.prism_comparison or 'n/a'} "
            f"unicode_pinned={plan.unicode_pinned if plan else None} "
            f"plan_probes={plan.plan_probes if plan else 0}"
        ]
        if meta.not_run:
            out.append(f"not run: {meta.not_run}")
        rows = self.as_dict()["rows"]
        columns = ("field", "rule", "side", "target")
        # each column as wide as its longest value, two spaces apart: never run together
        width = {c: max([len(c), *(len(str(row[c])) for row in rows)]) + 2 for c in columns}
        out.append("".join(f"{c:<{width[c]}}" for c in columns) + "tried    acc    rej    bad")
        for row in rows:
            out.append(
                "".join(f"{row[c]!s:<{width[c]}}" for c in columns)
                + f"{row['tried']:>5}{row['accepted']:>7}{row['rejected']:>7}"
                + f"{row['disagreements']:>7}"
            )
        for failure in self.failures:
            out.append(
                f"FAIL {failure['field']} {failure['rule']} {failure['side']}: {failure['detail']}"
            )
            out.append(f"  {failure['curl']}")
        for line in meta.plan_lines:
            out.extend(line.splitlines())
        return out

    def write(self, directory: Path) -> None:
        """Write contract-summary.json, .md and .html into `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        data = self.as_dict()
        meta, plan = self.meta, self.meta.plan
        (directory / "contract-summary.json").write_text(json.dumps(data, indent=2) + "\n")
        md = [
            "# Contract summary",
            "",
            f"Hypothesis seed `{meta.hypothesis_seed}`, profile "
            f"`{meta.profile}`, targets {', '.join(meta.targets)}.",
            "",
            "| field | rule | side | target | tried | accepted | rejected | disagreements |",
            "|---|---|---|---|---:|---:|---:|---:|",
        ]
        md += [
            f"| {r['field']} | {r['rule']} | {r['side']} | {r['target']} | {r['tried']} "
            f"| {r['accepted']} | {r['rejected']} | {r['disagreements']} |"
            for r in data["rows"]
        ]
        if meta.plan_lines:
            md += ["", "## Plan", "", "```", *meta.plan_lines, "```"]
        if plan is not None and plan.findings:
            md += ["", "## What the server showed (findings, not failures)", ""]
            if plan.strict_assumptions:
                md[-2] = "## What the server showed (failures: --strict-assumptions)"
            for finding in plan.findings:
                md += [
                    f"- **{finding['target']}**: {finding['showed']}",
                    f"  - suggested fragment edit: {finding['suggestion']}",
                    "",
                    "  ```",
                    f"  {finding['curl']}",
                    "  ```",
                ]
        if self.failures:
            md += ["", "## Failures", ""]
            for failure in self.failures:
                md += [
                    f"- {failure['field']} {failure['rule']} {failure['side']} "
                    f"({failure['target']}): {failure['detail']}",
                    "",
                    "  ```",
                    f"  {failure['curl']}",
                    "  ```",
                ]
        md += pattern_picture.markdown(data["meta"])
        (directory / "contract-summary.md").write_text("\n".join(md) + "\n")
        pattern_picture.write_html(directory, data["meta"])
