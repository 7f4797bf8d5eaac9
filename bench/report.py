"""The printed table: the same figures as the JSON, laid out for a terminal or a doc."""

from __future__ import annotations

from typing import Any

__all__ = ["render"]


def _num(value: object, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}"
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| "
        + " | ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        + " |"
        for row in rows
    ]
    return [line, rule, *body]


def _client(section: dict[str, Any]) -> list[str]:
    out = [
        f"## 1. Client overhead: generated / bare httpx ({section['transport']}; "
        f"goal <= {section['goal_ratio_max']})",
        "",
    ]
    rows = []
    modes = ("sync", "async", "sync_default_policy", "async_default_policy")
    for mode in (*modes, "sync_preparsed_url", "async_preparsed_url"):
        row = section.get(mode)
        if row is None:  # a report from before the pre-parsed rows existed
            continue
        rows.append(
            [
                mode,
                _num(row["a_us_per_call"]),
                _num(row["b_us_per_call"]),
                _num(row["overhead_us_per_call"]),
                _num(row["ratio"], 3),
                f"{_num(row['ratio_min'], 3)}-{_num(row['ratio_max'], 3)}",
                f"{row['rounds']}x{row['calls_per_round']}",
                _num(row["meets_goal"]),
            ]
        )
    out += _table(
        [
            "mode",
            "client us/req",
            "bare us/req",
            "extra us",
            "ratio",
            "ratio range",
            "rounds",
            "goal",
        ],
        rows,
    )
    validation = section["validation_us"]
    out += [
        "",
        "sync/async: retries disabled; *_default_policy: the default RetryPolicy. The"
        " *_preparsed_url rows (no goal) give bare httpx the parsed URL the client uses,"
        " so they show what the client itself adds.",
        f"Validation alone: SmsVerificationRetryRequest.from_dict {validation['model_from_dict']}"
        f" us, request_violations {validation['request_violations']} us per request.",
    ]
    return out


def _servers(section: dict[str, Any]) -> list[str]:
    out = [
        f"## 2. Mock vs Prism and the bare stack ({section['generator']}, "
        f"{section['connections']} connections, "
        f"{section['duration_s_per_load']:g} s per load, {section['rounds']} rounds, ABCD...)",
        "",
    ]
    rows = []
    for name, row in section["servers"].items():
        if row is None:
            rows.append([name, "skipped", "-", "-", "-", "-"])
            continue
        rows.append(
            [
                name,
                str(row["status"]),
                _num(row["rps"]),
                _num(row["p50_ms"], 2),
                _num(row["p99_ms"], 2),
                str(row["errors"]),
            ]
        )
    out += _table(["server", "status", "req/s", "p50 ms", "p99 ms", "errors"], rows)
    inside = section.get("in_process")  # older reports have no in-process row
    if inside is not None:
        out += [
            "",
            f"In process (the load's request handed to each app, no server; "
            f"{inside['rounds']}x{inside['calls_per_round']}, alternating): mock app "
            f"{_num(inside['a_us_per_call'])} us, bare app {_num(inside['b_us_per_call'])} us "
            f"per request: the mock's own work {_num(inside['own_us'])} us.",
        ]
    out.append("")
    for name, ratio in section["comparison"].items():
        if ratio is None:
            out.append(f"{name}: skipped ({section['prism_skipped']})")
        else:
            goal = ratio.get("goal", section["goal"])  # older reports: one goal per section
            out.append(
                f"{name}: throughput x{ratio['throughput_ratio']}, p99 ratio "
                f"{ratio['p99_ratio']} (goal {goal}: {_num(ratio['meets_goal'])})"
            )
    return out


def _suite(section: dict[str, Any]) -> list[str]:
    rows = []
    for name in ("contract_in_process", "contract_over_http"):
        row = section[name]
        rows.append(
            [
                name,
                str(row["examples"]),
                _num(row["seconds"], 2),
                _num(row["examples_per_s"]),
                str(row["check_failures"]),
            ]
        )
    out = ["## 3. Suite speed", ""]
    out += _table(["run", "examples", "seconds", "examples/s", "check failures"], rows)
    regen = section["regeneration_check"]
    nox = section["nox_default_warm"]
    derivation = section.get("witness_derivation")
    out += [
        "",
        f"Regeneration check (python -m codegen --check generated): "
        f"{_num(regen['seconds'], 2)} s (median of {regen['runs']})"
        + (f" - {regen['note']}" if regen["note"] else ""),
        f"Warm default nox run: {_num(nox['seconds'])} s ({nox['note']})",
    ]
    if derivation is not None:
        out.append(
            f"Witnesses of a {derivation['pattern_length']}-character pattern, uncached: "
            f"{_num(derivation['seconds'] * 1000, 1)} ms (median of {derivation['runs']}, "
            f"{derivation['witnesses']} witnesses); goal < 100 ms: "
            + ("met" if derivation["goal_met"] else "NOT met")
        )
    return out


def render(results: dict[str, Any]) -> str:
    """The whole report as Markdown-compatible text."""
    meta = results["meta"]
    lines = [
        f"# Benchmarks ({meta['command']}; Python {meta['python']}, {meta['cpus']} CPUs"
        f"{', quick' if meta['quick'] else ''})",
    ]
    sections = (
        ("client_overhead", _client),
        ("mock_vs_prism", _servers),
        ("suite_speed", _suite),
        ("verdicts", _verdicts),
        ("safe_runs", _safe_runs),
        ("shapes", _shapes),
        ("mutant_power", _mutant_power),
        ("state_runs", _state_runs),
    )
    for name, render_section in sections:
        if name in results:
            lines += ["", *render_section(results[name])]
    return "\n".join(lines)


def _mutant_power(section: dict[str, Any]) -> list[str]:
    lines = [
        "## 7. The plan's power: predicted against measured (safe runs, mutant servers)",
        "",
        f"Plan seed {section['seed']}. One vendor-like server (validate, then 404) per "
        "distinguishable mutant of the model; a budgeted run sends 85 % of its requests from "
        "the plan (the rest is Schemathesis'). Predicted: `planner.predicted_score`; "
        "measured: the runs that report a failure.",
        "",
        "| max requests | plan requests | mutants | predicted kills | measured kills | same "
        "mutants | likely mistakes caught (predicted / measured) | requests reaching a "
        "verification on file | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in section["rows"]:
        budget = row["max_requests"] or "unlimited"
        plan = row["plan_requests"] or "all"
        share = f" ({100 * row['measured'] / row['mutants']:.0f} %)" if row["mutants"] else ""
        lines.append(
            f"| {budget} | {plan} | {row['mutants']} | {row['predicted']} | "
            f"{row['measured']}{share} | {'yes' if row['agree'] else 'NO'} | "
            f"{100 * row['likely_predicted']:.0f} % / {100 * row['likely_measured']:.0f} % | "
            f"{row['requests_reaching_a_verification_on_file']} | {row['seconds']} |"
        )
    return [
        *lines,
        "",
        f"No run judged by status kills 90 % in fewer than {section['fewest_requests_90']} "
        "plan requests (`mutants.fewest_requests`: independent reject-side mutants need a "
        f"request each); this plan takes {section['plan_requests_90']} for 90 % and "
        f"{section['plan_requests_100']} for all.",
    ]


def _shapes(section: dict[str, Any]) -> list[str]:
    lines = [
        "## 6. Servers in every shape the vendor may have (never fail a correct one)",
        "",
        f"Plan seed {section['seed']}. Correct server: the run's word and the checks it "
        "judged with the full local plan and with the remote defaults (safe, 60 requests), "
        "and its failures (must be 0); a lookup miss is judged per member, so a member a "
        "shape validates after the lookup stays not judged (`--sms-budget 1` settles it). "
        "Broken servers: request-side defects served in that shape, caught by an unlimited "
        "safe run; of them, those at a place the shape validates before the lookup.",
        "",
        "| shape | correct: full plan | judged | correct: remote defaults | judged | failures "
        "| defects caught | shown before the lookup: caught | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in section["rows"]:
        failures = row["full-failures"] + row["safe-60-failures"]
        checks = row["checks"]
        lines.append(
            f"| {row['shape']} | {row['full']} | {row['full-judged']} / {checks} | "
            f"{row['safe-60']} | {row['safe-60-judged']} / {checks} | {failures} | "
            f"{row['caught']} / {row['defects']} | "
            f"{row['shown_caught']} / {row['shown_defects']} | {row['seconds']} |"
        )
    return lines


def _safe_runs(section: dict[str, Any]) -> list[str]:
    lines = [
        "## 5. Safe runs against vendor-like servers (no SMS budget; validate, then 404)",
        "",
        f"Plan seed {section['seed']}; one request-side rule broken per server.",
        "",
        "| max requests | checks judged (correct server) | defects caught | requests reaching a "
        "verification on file | seconds |",
        "|---|---|---|---|---|",
    ]
    for row in section["rows"]:
        budget = row["max_requests"] or "unlimited"
        lines.append(
            f"| {budget} | {row['checks_judged']} / {row['checks_planned']} | "
            f"{row['caught']} / {row['defects']} | "
            f"{row['requests_reaching_a_verification_on_file']} | {row['seconds']} |"
        )
    hidden = section["rows"][-1].get("never_refused", 0) if section["rows"] else 0
    if hidden:
        lines += [
            "",
            f"Not counted above: {hidden} defect(s) at an optional member the server never "
            "refuses (its type unchecked). Without a verification on file it looks like a "
            "member validated after the lookup: a safe run reports its checks as not judged, "
            "naming the member (`--sms-budget 1` settles it).",
        ]
    return lines


def _verdicts(section: dict[str, Any]) -> list[str]:
    passing = section["passing_run"]
    ok = passing["exit_code"] == 0 and passing["seconds"] <= section["goal_pass_s"]
    lines = [
        "## 4. Time to verdict (pytest contract_tests, wall clock, subprocess each)",
        "",
        f"Passing run against the embedded mock (its start included): {passing['seconds']} s, "
        f"exit {passing['exit_code']} (goal <= {section['goal_pass_s']:.0f} s: "
        f"{'met' if ok else 'MISSED'})",
        "",
        "| broken server | seconds to first failure | caught | goal |",
        "|---|---|---|---|",
    ]
    for name, row in section["broken"].items():
        met = row["caught"] and row["seconds"] <= section["goal_fail_s"]
        lines.append(
            f"| {name} | {row['seconds']} | {'yes' if row['caught'] else 'NO'} | "
            f"{'met' if met else 'MISSED'} |"
        )
    return lines


def _state_runs(section: dict[str, Any]) -> list[str]:
    lines = [
        "## 8. Runs with a state file: the cumulative score, predicted beside measured",
        "",
        f"Plan seed {section['seed']}, {section['max_requests']} requests a run (safe mode), "
        "one state file per server. Predicted: the summary's cumulative score against a "
        "correct vendor-like server, and the runs it says are left; measured: the mutant "
        "servers (one per mutant, vendor-like) a run with its own state file fails, by the "
        f"run that first does. After the first run the summary predicted "
        f"{section['predicted_runs_after_the_first']} runs to the unlimited plan's score; "
        f"it took {section['runs']} ({section['seconds']} s in all).",
        "",
        "| run | cumulative (predicted, all) | this run | more runs predicted | servers "
        "| predicted kills | measured kills | same mutants |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in section["rows"]:
        more = "-" if row["more_runs_predicted"] is None else row["more_runs_predicted"]
        lines.append(
            f"| {row['run']} | {row['cumulative']} | {row['this_run']} | {more} | "
            f"{row['sample']} | {row['sample_predicted']} | {row['sample_measured']} | "
            f"{'yes' if row['agree'] else 'NO'} |"
        )
    return lines
