"""The replay file: every disagreeing request of a run, token-free, re-sent by `--replay`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contract_tests.core.model import Probe
from contract_tests.run.results import RunReport

__all__ = ["PLACEHOLDER_TOKEN", "REPLAY_FILE", "load_replay", "write_replay"]

PLACEHOLDER_TOKEN = "$DYNAMIC_API_TOKEN"
REPLAY_FILE = "contract-replay.json"


def write_replay(path: Path, report: RunReport, seed: int) -> list[dict[str, Any]]:
    """Every disagreeing request, token-free, for `--replay`."""
    entries = []
    seen: set[str] = set()
    for outcome in report.outcomes:
        if outcome.agreed is False:
            marker = json.dumps(outcome.probe.to_json(), sort_keys=True)
            if marker not in seen:
                seen.add(marker)
                entries.append(outcome.probe.to_json() | {"target": outcome.target})
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"seed": seed, "token": PLACEHOLDER_TOKEN, "probes": entries}
    path.write_text(json.dumps(document, indent=2) + "\n")
    return entries


def load_replay(path: Path) -> list[Probe]:
    """The probes of a replay file, in file order."""
    document = json.loads(path.read_text())
    return [Probe.from_json(entry) for entry in document["probes"]]
