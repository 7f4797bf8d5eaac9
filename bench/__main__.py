"""`python -m bench [--output FILE] [--quick] [--with-nox] [--no-wrk] [--verdicts] [--only S]`.

Sections: client overhead, mock vs Prism and the bare stack, suite speed, (time to verdict,)
safe runs, shapes, the plan's power against the mutant servers, runs carried by a state file
(cumulative score, predicted beside measured); `--only` runs the named ones.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

from . import client_overhead, mock_vs_prism, safe_runs, shapes, state_runs, suite_speed, verdicts
from .report import render
from .servers import ROOT

DEFAULT_OUTPUT = ROOT / "reports" / "bench.json"
SECTIONS = (
    "client_overhead",
    "mock_vs_prism",
    "suite_speed",
    "verdicts",
    "safe_runs",
    "mutant_power",
    "shapes",
    "state_runs",
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON report path")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (small loads)")
    parser.add_argument(
        "--with-nox", action="store_true", help="also time a warm default `nox` run (slow)"
    )
    parser.add_argument(
        "--no-wrk", action="store_true", help="use the asyncio httpx load loop even if wrk is here"
    )
    parser.add_argument(
        "--verdicts",
        action="store_true",
        help="time the contract suite to its verdict: a passing run and each broken server (slow)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        default=None,
        help="run only this section (repeatable; default: all)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write a pyinstrument profile of the generated client's request path here",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {
        "meta": {
            "command": command.strip(),
            "quick": args.quick,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
    }
    # the --only sections, else every one but the slow verdicts (unless --verdicts)
    chosen = set(args.only or (s for s in SECTIONS if s != "verdicts" or args.verdicts))
    if "client_overhead" in chosen:
        results["client_overhead"] = client_overhead.run(quick=args.quick)
    if "mock_vs_prism" in chosen:
        results["mock_vs_prism"] = mock_vs_prism.run(quick=args.quick, prefer_wrk=not args.no_wrk)
    if "suite_speed" in chosen:
        results["suite_speed"] = suite_speed.run(quick=args.quick, with_nox=args.with_nox)
    if "verdicts" in chosen:
        results["verdicts"] = verdicts.run(quick=args.quick)
    if "safe_runs" in chosen:
        results["safe_runs"] = safe_runs.run(quick=args.quick)
    if "mutant_power" in chosen:
        results["mutant_power"] = safe_runs.mutant_power(quick=args.quick)
    if "shapes" in chosen:
        results["shapes"] = shapes.run(quick=args.quick)
    if "state_runs" in chosen:
        results["state_runs"] = state_runs.run(quick=args.quick)
    if args.profile is not None:
        args.profile.parent.mkdir(parents=True, exist_ok=True)
        args.profile.write_text(client_overhead.profile(quick=args.quick), encoding="utf-8")
    print(render(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nJSON written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
