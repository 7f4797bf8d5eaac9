"""The per-field, per-constraint summary the contract suite writes at session end.

Each probe the constraint and differential tests send is recorded here: which family
(field, rule, side of the boundary), which target, whether the verdicts agreed. At the
end `write()` produces reports/contract-summary.json, .md and .html, and `lines()` feeds the
terminal summary; failures carry a curl line with the token left as $DYNAMIC_API_TOKEN.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract_tests.report import pattern_picture

__all__ = ["RECORDER", "Recorder"]

MAX_FAILURES_KEPT = 20


@dataclass
class _Tally:
    tried: int = 0
    target_accepted: int = 0
    target_rejected: int = 0
    disagreements: int = 0


@dataclass
class Recorder:
    """Counts verdicts per (field, rule, side, target) and keeps reproducers of failures."""

    tallies: dict[tuple[str, str, str, str], _Tally] = field(
        default_factory=lambda: defaultdict(_Tally)
    )
    failures: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

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
        return {"meta": self.meta, "rows": rows, "failures": self.failures}

    def lines(self) -> list[str]:
        """A compact text table: one line per field, rule, side and target."""
        out = [
            f"seed={self.meta.get('hypothesis_seed')} profile={self.meta.get('profile')} "
            f"targets={self.meta.get('targets')} "
            f"schemathesis_cases={self.meta.get('schemathesis_cases', 0)} "
            f"prism_comparison={self.meta.get('prism_comparison', 'n/a')} "
            f"unicode_pinned={self.meta.get('unicode_pinned')} "
            f"plan_probes={self.meta.get('plan_probes', 0)}"
        ]
        if self.meta.get("not_run"):
            out.append(f"not run: {self.meta['not_run']}")
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
        for line in self.meta.get("plan_lines", []):
            out.extend(str(line).splitlines())
        return out

    def write(self, directory: Path) -> None:
        """Write contract-summary.json, .md and .html into `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        data = self.as_dict()
        (directory / "contract-summary.json").write_text(json.dumps(data, indent=2) + "\n")
        md = [
            "# Contract summary",
            "",
            f"Hypothesis seed `{self.meta.get('hypothesis_seed')}`, profile "
            f"`{self.meta.get('profile')}`, targets {', '.join(self.meta.get('targets', []))}.",
            "",
            "| field | rule | side | target | tried | accepted | rejected | disagreements |",
            "|---|---|---|---|---:|---:|---:|---:|",
        ]
        md += [
            f"| {r['field']} | {r['rule']} | {r['side']} | {r['target']} | {r['tried']} "
            f"| {r['accepted']} | {r['rejected']} | {r['disagreements']} |"
            for r in data["rows"]
        ]
        if self.meta.get("plan_lines"):
            md += ["", "## Plan", "", "```", *self.meta["plan_lines"], "```"]
        if self.meta.get("findings"):
            md += ["", "## What the server showed (findings, not failures)", ""]
            if self.meta.get("strict_assumptions"):
                md[-2] = "## What the server showed (failures: --strict-assumptions)"
            for finding in self.meta["findings"]:
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
        md += pattern_picture.markdown(self.meta)
        (directory / "contract-summary.md").write_text("\n".join(md) + "\n")
        pattern_picture.write_html(directory, self.meta)


RECORDER = Recorder()
"""The session's recorder (one pytest process, one summary)."""
