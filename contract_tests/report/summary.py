"""What a run judged, in words: tallies, not-judged reasons, failures, pattern-node coverage.

Failure lines show one minimal request per check with a curl line; values of members the
fragment marks `x-personal-data` are masked with the runtime's `mask`. The coverage table
goes one level below schemathesis' per-keyword coverage: for every pattern, which of its
nodes were exercised on the accept and on the reject side, and why the others were not.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

from contract_tests.core.model import Probe, leaf_of
from contract_tests.core.pattern_nodes import parse as parse_pattern
from contract_tests.core.unicode_ages import BASELINE, VERSIONS
from contract_tests.plan.mutants import Score, every_kind_within, kills, tally
from contract_tests.plan.planner import requests_to_kill
from contract_tests.report.recorder import PlanSummary, Recorder
from contract_tests.report.verdict import why_not_judged
from contract_tests.run.pacing import Budget, max_requests_for
from contract_tests.run.results import Outcome, RunReport
from contract_tests.run.targets import Target
from dynamic_sdk_runtime.ecma import UnsupportedPatternError
from dynamic_sdk_runtime.exceptions import mask
from dynamic_sdk_runtime.fragment import ABSENT, Fragment

__all__ = ["failure_line", "mutation_power", "node_coverage", "summarize", "unicode_estimate"]

SURVIVORS_SHOWN = 12
"""Survivors (and mistake kinds not probed) named in the terminal and markdown lines (the
JSON lists every one)."""


def shown(fragment: Fragment, probe: Probe) -> str:
    """The changed value as JSON, masked when the fragment marks it personal data."""
    value = probe.value()
    if value is ABSENT:
        return "(left out)"
    if probe.check.leaf in fragment.personal_fields and isinstance(value, str):
        value = mask(value)
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."


def failure_line(target: Target, fragment: Fragment, outcome: Outcome) -> str:
    """One readable line per check: minimal value, status, verdict, curl."""
    probe = outcome.probe
    operation = fragment.operation(probe.check.operation)
    why = f": {outcome.note}" if outcome.note and outcome.status is None else ""
    return (
        f"{outcome.target}: {probe.check.key}: expected {outcome.expected or '?'}, got "
        f"{outcome.status} ({outcome.verdict}{why}) for {shown(fragment, probe)}\n"
        f"    {target.curl(operation, probe)}"
    )


def unicode_estimate(report: RunReport, target: str) -> str:
    """Newest Unicode version whose new letters/numbers the target accepts (in order)."""
    verdicts: dict[str, set[str]] = defaultdict(set)
    for outcome in report.outcomes:
        since = outcome.probe.check.unicode_since
        if outcome.target == target and since is not None and outcome.judged:
            verdicts[since].add(outcome.verdict)
    if not verdicts:
        return "not estimated (no version-dependent probe judged)"
    estimate = BASELINE
    for version in VERSIONS[1:]:
        seen = verdicts.get(version)
        if seen is None:
            return f">= {estimate} (letters new in {version} not judged)"
        if seen != {"accepted"}:
            break
        estimate = version
    later = VERSIONS[VERSIONS.index(estimate) + 1 :]
    newer = [v for v in later if verdicts.get(v) == {"accepted"}]
    if newer:
        return f"{estimate}? (inconsistent: also accepts letters new in {', '.join(newer)})"
    return estimate if estimate != BASELINE else f"{BASELINE} or older"


def _why_not(report: RunReport, target: str, probes: list[Probe]) -> str:
    """Why none of these probes (one pattern node's side) gave a verdict on `target`."""
    if not probes:
        return "no witness derived"
    return why_not_judged(report, target, probes[0].check.key)


def node_coverage(report: RunReport, plan: list[Probe], target: str) -> list[dict[str, Any]]:
    """Per pattern and node: exercised on each side, or why not (one row per node)."""
    rows: list[dict[str, Any]] = []
    places: dict[tuple[str, str, str], list[Probe]] = defaultdict(list)
    for probe in plan:
        if probe.check.pattern is not None and probe.check.rule == "pattern":
            places[(probe.check.operation, probe.check.where, probe.check.pattern)].append(probe)
    judged = {
        (o.probe.check.operation, o.probe.check.where, o.probe.check.node, o.probe.check.side)
        for o in report.outcomes
        if o.target == target and o.judged
    }
    for (operation, where, pattern), probes in sorted(places.items()):
        try:
            nodes = parse_pattern(pattern)
        except UnsupportedPatternError as error:
            rows.append(
                {"operation": operation, "where": where, "pattern": pattern, "error": str(error)}
            )
            continue
        for node in nodes:
            row: dict[str, Any] = {
                "operation": operation,
                "where": where,
                "pattern": pattern,
                "node": node.id,
                "kind": node.kind,
                "source": node.source,
            }
            for side in ("accept", "reject"):
                if (operation, where, node.id, side) in judged:
                    row[side] = "exercised"
                else:
                    mine = [p for p in probes if p.check.node == node.id and p.check.side == side]
                    row[side] = "not exercised: " + _why_not(report, target, mine)
            rows.append(row)
    return rows


def _percent(score: Score) -> str:
    return f"{score.killed} of {score.distinguishable} ({score.fraction * 100:.0f} %)"


def mutation_power(
    fragment: Fragment, plan: list[Probe], budget: Budget
) -> tuple[list[str], dict[str, Any]]:
    """What the plan can kill within the budget in force, and unlimited: lines and JSON.

    Why: a green run is worth what it could have turned red. The score is the mutant
    model's (`contract_tests.plan.mutants`), predicted request by request as the runner sends
    (`planner.requests_to_kill`); survivors are named with the request that would kill them,
    and the 90 % and 100 % scores with the budget each takes.
    """
    requests = None
    if budget.max_requests is not None:
        requests = max(0, budget.max_requests - budget.reserved)
    safe = budget.valid_requests == 0
    killed_at = requests_to_kill(fragment, plan, safe=safe)
    within = tally(fragment, {k for k, n in killed_at.items() if requests is None or n <= requests})
    unlimited = tally(fragment, set(killed_at))
    needed = {share: _requests_for(share, killed_at, within.distinguishable) for share in NEEDS}
    where = "unlimited requests" if requests is None else f"{requests} plan requests"
    every_kind = every_kind_within(fragment, killed_at)
    wants = {"every mistake kind probed on every field": every_kind} | {
        f"{share * 100:.0f} %": n for share, n in needed.items()
    }
    takes = "; ".join(
        f"{what} takes {n} plan requests (--max-requests {max_requests_for(n)})"
        for what, n in wants.items()
        if n is not None and requests is not None and n > requests
    )
    lines = [
        f"  likely mistakes caught: {within.likely * 100:.0f} % within {where} ("
        f"{'safe mode; ' if safe else ''}each mistake kind weighted per place by the server "
        f"stacks that make it); mutation score: kills {within.killed} of "
        f"{within.distinguishable} distinguishable mutants of the fragment "
        f"({within.fraction * 100:.0f} %, per node); the unlimited plan kills "
        f"{_percent(unlimited)}" + (f"; {takes}" if takes else "")
    ]
    places = ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(within.by_place.items()))
    kinds = ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(within.by_kind.items()) if a < n)
    lines.append(f"    per place: {places}")
    unprobed = within.unprobed
    if unprobed:
        more = len(unprobed) - SURVIVORS_SHOWN
        lines.append(
            "    mistake kinds not probed: "
            + ", ".join(f"{at} {kind} (weight {w})" for at, kind, w in unprobed[:SURVIVORS_SHOWN])
            + (f" ... and {more} more (contract-summary.json)" if more > 0 else "")
        )
    if kinds:
        lines.append(f"    kinds not all killed: {kinds}")
    killers: dict[str, Probe] = {}
    for operation in fragment.operations:
        mine = [p for p in plan if p.check.operation == operation.operation_id]
        killers |= kills(operation, mine)
    survivors: list[dict[str, str | None]] = []
    for mutant in within.survivors:
        probe = killers.get(mutant.key)
        value = mutant.witness
        if leaf_of(mutant.place) in fragment.personal_fields and isinstance(value, str):
            value = mask(value)
        survivors.append(
            {
                "mutant": mutant.key,
                "kind": mutant.kind.value,
                "witness": "absent" if value is ABSENT else json.dumps(value)[:80],
                "killed_by": None if probe is None else probe.check.key,
                "killed_by_value": None if probe is None else shown(fragment, probe),
            }
        )
    for row in survivors[:SURVIVORS_SHOWN]:
        by = f"; killed by {row['killed_by']} {row['killed_by_value']}" if row["killed_by"] else ""
        lines.append(f"    survives: {row['mutant']} (witness {row['witness']}{by})")
    if len(survivors) > SURVIVORS_SHOWN:
        lines.append(f"    ... and {len(survivors) - SURVIVORS_SHOWN} more (contract-summary.json)")
    detail = {
        "requests": requests,
        "safe": safe,
        "killed": within.killed,
        "distinguishable": within.distinguishable,
        "fraction": round(within.fraction, 4),
        "likely": round(within.likely, 4),
        "likely_weight": [str(within.weighted), str(within.weighted_total)],
        "unprobed": [list(row) for row in unprobed],
        "by_place": {k: list(v) for k, v in within.by_place.items()},
        "by_kind": {k: list(v) for k, v in within.by_kind.items()},
        "survivors": survivors,
        "unlimited": {
            "killed": unlimited.killed,
            "distinguishable": unlimited.distinguishable,
            "fraction": round(unlimited.fraction, 4),
            "likely": round(unlimited.likely, 4),
        },
        "plan_requests_for_every_kind": every_kind,
        "plan_requests_for": {
            f"{share:.2f}": None if n is None else {"plan": n, "max_requests": max_requests_for(n)}
            for share, n in needed.items()
        },
    }
    return lines, detail


NEEDS = (0.9, 1.0)
"""The scores whose cost in requests the summary states (a budget to ask for)."""


def _requests_for(share: float, killed_at: dict[str, int], distinguishable: int) -> int | None:
    """The fewest plan requests that kill `share` of the distinguishable mutants, or None."""
    wanted = math.ceil(share * distinguishable)
    ordered = sorted(killed_at.values())
    if wanted == 0:
        return 0
    return ordered[wanted - 1] if wanted <= len(ordered) else None


def summarize(
    report: RunReport,
    targets: list[Target],
    plan: list[Probe],
    budgets: dict[str, Budget],
    replayed: int,
    fragment: Fragment,
    recorder: Recorder,
    *,
    strict: bool = False,
) -> PlanSummary:
    """Tallies into `recorder`; judged / not judged, failures, findings, node coverage into
    the summary the reports are written from.

    Findings (answers that break only what the fragment assumes) are listed under what the
    server showed, each with the fragment edit it suggests; `strict` lists them as failures.
    """
    by_name = {target.name: target for target in targets}
    for outcome in report.outcomes:
        check = outcome.probe.check
        if by_name[outcome.target].recorded and outcome.judged:
            recorder.record(
                field_name=f"{check.operation}:{check.where}",
                rule=check.rule,
                side=check.side if check.unicode_since is None else f"v{check.unicode_since}",
                target=outcome.target,
                accepted=outcome.verdict == "accepted",
                agreed=outcome.agreed is not False,
                curl="",
                detail="",
                keep_failure=False,
            )
    lines: list[str] = []
    planned = {probe.check.key for probe in plan}
    coverage: dict[str, list[dict[str, Any]]] = {}
    power: dict[str, dict[str, Any]] = {}
    powers: dict[tuple[int | None, int, bool], tuple[list[str], dict[str, Any]]] = {}
    for target in targets:
        judged = report.judged_keys(target.name) & planned
        budget = budgets[target.name]
        lines.append(
            f"{target.name}: {len(judged)}/{len(planned)} checks judged, {budget.sent} requests, "
            f"{budget.rate_limited} rate-limited (429, re-sent), "
            f"waited {budget.waited_seconds:.0f} s; "
            f"unicode_estimate={unicode_estimate(report, target.name)}"
        )
        if target.name in report.lookup_order:
            lines.append(f"  lookup order: {report.lookup_order[target.name]}")
        if target.name in report.stopped:
            lines.append(f"  stopped sending: {report.stopped[target.name]}")
        by_reason: dict[str, list[str]] = defaultdict(list)
        for key in sorted(planned - judged):
            by_reason[why_not_judged(report, target.name, key)].append(key)
        for reason, keys in sorted(by_reason.items()):
            lines.append(f"  not judged ({reason}): {len(keys)} checks, e.g. {', '.join(keys[:3])}")
        for (name, key), outcome in sorted(report.version_dependent().items()):
            if name == target.name:
                lines.append(
                    f"  version-dependent: {key} refused ({outcome.status}); a server on Unicode "
                    f"older than {outcome.probe.check.unicode_since} does this (not a failure)"
                )
        shape = (budget.max_requests, budget.reserved, budget.valid_requests == 0)
        if shape not in powers:
            powers[shape] = mutation_power(fragment, plan, budget)
        power_lines, power[target.name] = powers[shape]
        lines += power_lines
        if target.name in report.stopped:
            lines.append("    (the plan's power: this run stopped sending before its budget)")
        coverage[target.name] = rows = node_coverage(report, plan, target.name)
        for side in ("accept", "reject"):
            done = sum(1 for row in rows if row.get(side) == "exercised")
            lines.append(f"  pattern nodes exercised on the {side} side: {done}/{len(rows)}")
    for (name, _key), outcome in sorted(report.failures().items()):
        lines.append("FAIL " + failure_line(by_name[name], fragment, outcome))
    for problem, curl in sorted(report.response_failures.items()):
        lines.append(f"FAIL response: {problem}\n    {curl}")
    shown: list[dict[str, str]] = []
    for problem, (suggestion, curl) in sorted(report.findings.items()):
        word = "FAIL response (--strict-assumptions)" if strict else "finding"
        lines.append(f"{word}: {problem}\n    suggested fragment edit: {suggestion}\n    {curl}")
        target_name, _, text = problem.partition(": ")
        shown.append(
            {"target": target_name, "showed": text, "suggestion": suggestion, "curl": curl}
        )
    if replayed:
        lines.append(f"replay: {replayed} failing requests in the replay file (--replay)")
    score: dict[str, str] = {}
    if power:  # the first target's, per place (pattern_picture shows it beside each pattern)
        first = next(iter(power.values()))
        score = {
            place: f"{a}/{n} mutants killed within "
            + ("unlimited requests" if first["requests"] is None else f"{first['requests']}")
            for place, (a, n) in first["by_place"].items()
        }
    return PlanSummary(
        unicode_pinned=report.pinned_version,
        plan_lines=lines,
        plan_probes=len(plan),
        pattern_coverage=coverage,
        mutation_power=power,
        mutation_score=score,
        findings=shown,
        strict_assumptions=strict,
    )
