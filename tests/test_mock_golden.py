"""The mock's answers to the contract suite's whole local plan, byte for byte (issue 30).

`mock_golden.json` holds the status, headers (all but Date) and body bytes the mock gave
every probe of the suite's local plan (seed 0, the dev profile's draws) over loopback,
recorded before the mock's hot path was rewritten. Three configurations: the suite's own
(lenient), the stateful default with a verification on file (201, then 429 by cooldown,
422 for other phone fields, 404 for other verifications) and a per-IP rate limit (429
after `RATE_LIMIT` requests). A fixed clock makes cooldown and rate-limit answers
(Retry-After) the same in every run.

Record again only when the plan itself changes (never to absorb a changed answer):
`python -m tests.test_mock_golden --record`.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests.core.model import TargetKind
from contract_tests.core.spec import fragment, fragment_path
from contract_tests.plan.planner import build_plan
from contract_tests.run.targets import Target, detect_prefix
from dynamic_sdk_mock import MockApp, MockConfig, create_app, serve_app

GOLDEN = Path(__file__).with_name("mock_golden.json")
SEED = 0
EXAMPLES = 10  # the dev profile's max_examples: the plan of a default local run
TOKEN = "contract-suite-token"  # the suite's fake token for its embedded mock
RATE_LIMIT = 200
CLOCK = 1_000.0


@dataclass(frozen=True)
class Planned:
    """One probe of the plan: what identifies it, what it sends, and how."""

    key: str
    valid: bool
    path: dict[str, str]
    body: object
    send: Callable[[], httpx.Response]


@dataclass(frozen=True)
class LocalPlan:
    fragment_path: Path
    probes: Callable[[httpx.Client], list[Planned]]


def _local_plan() -> LocalPlan:
    """The suite's local plan, sent as the suite sends it (its targets' own request
    encoding)."""
    model = fragment()
    operations = {operation.operation_id: operation for operation in model.operations}
    plan = build_plan(model, {}, seed=SEED, examples=EXAMPLES)

    def probes(client: httpx.Client) -> list[Planned]:
        prefix = detect_prefix(client, TOKEN, model)
        target = Target("mock", client, prefix, TOKEN, {}, TargetKind.MOCK)
        return [
            Planned(
                probe.request_key,
                probe.check.side == "accept" and probe.auth == "token",
                probe.path,
                probe.body,
                functools.partial(target.send_probe, operations[probe.check.operation], probe),
            )
            for probe in plan
        ]

    return LocalPlan(fragment_path(), probes)


def _fixed_clock() -> float:
    return CLOCK


def _seed_most_shared(app: MockApp, probes: list[Planned]) -> None:
    """Put on file the record most valid probes carry (the plan's base request): it gets
    the success, its repeats the cooldown, the same lookup value with other fields on
    file the mismatch."""
    lookup = app.spec.lookup
    assert lookup is not None

    def key(probe: Planned) -> tuple[object, ...]:
        assert isinstance(probe.body, dict)
        path = (probe.path.get(name) for name in lookup.path_names)
        return (*path, *(json.dumps(probe.body.get(name)) for name in lookup.needed))

    valid = [p for p in probes if p.valid and isinstance(p.body, dict) and lookup.field in p.body]
    shared, _count = Counter(map(key, valid)).most_common(1)[0]
    first = next(p for p in valid if key(p) == shared)
    assert isinstance(first.body, dict)
    app.mock.seed(first.path, first.body)


MODES: dict[str, tuple[dict[str, Any], bool]] = {
    "lenient": ({"lenient": True}, False),
    "stateful": ({}, True),
    "rate_limited": ({"lenient": True, "rate_limit": RATE_LIMIT}, False),
}


def _answer(response: httpx.Response) -> dict[str, Any]:
    headers = [[name, value] for name, value in response.headers.items() if name != "date"]
    return {"status": response.status_code, "headers": headers, "body": response.text}


def _answers(plan: LocalPlan, mode: str) -> list[tuple[str, dict[str, Any]]]:
    settings, seeded = MODES[mode]
    config = MockConfig(token=TOKEN, fragment=plan.fragment_path, **settings)
    app = create_app(config, clock=_fixed_clock)
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        probes = plan.probes(client)  # its prefix detection counts once for the rate limit
        if seeded:
            _seed_most_shared(app, probes)
        return [(p.key, _answer(p.send())) for p in probes]


def record(plan: LocalPlan) -> dict[str, Any]:
    """Distinct answers once, each probe as (its request's hash, the index of its answer)."""
    distinct: dict[str, int] = {}
    answers: list[dict[str, Any]] = []
    modes: dict[str, list[list[object]]] = {}
    for mode in MODES:
        rows = []
        for key, answer in _answers(plan, mode):
            text = json.dumps(answer, sort_keys=True)
            if text not in distinct:
                distinct[text] = len(answers)
                answers.append(answer)
            rows.append([hashlib.sha256(key.encode()).hexdigest()[:16], distinct[text]])
        modes[mode] = rows
    return {"seed": SEED, "examples": EXAMPLES, "answers": answers, "modes": modes}


def _expand(recorded: dict[str, Any], mode: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for key_hash, index in recorded["modes"][mode]:
        yield key_hash, recorded["answers"][index]


@pytest.fixture(scope="module")
def plan() -> LocalPlan:
    return _local_plan()


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    recorded: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return recorded


@pytest.mark.parametrize("mode", list(MODES))
def test_answers_to_the_whole_plan_are_unchanged(
    plan: LocalPlan, golden: dict[str, Any], mode: str
) -> None:
    expected = list(_expand(golden, mode))
    got = [
        (hashlib.sha256(key.encode()).hexdigest()[:16], answer)
        for key, answer in _answers(plan, mode)
    ]
    assert [key for key, _ in got] == [key for key, _ in expected], "the plan changed: record"
    changed = [
        (index, want, have)
        for index, ((_, want), (_, have)) in enumerate(zip(expected, got, strict=True))
        if want != have
    ]
    assert not changed, f"{len(changed)} answers differ; first: {changed[0]}"


def test_the_golden_file_covers_every_kind_of_answer(golden: dict[str, Any]) -> None:
    """The recording holds what the rewrite must keep: successes, every refusal the plan
    draws out, and the state's answers (cooldown, mismatch, not found, rate limit)."""
    statuses = {mode: {answer["status"] for _, answer in _expand(golden, mode)} for mode in MODES}
    assert {201, 400, 401}.issubset(statuses["lenient"])
    assert {201, 404, 422, 429}.issubset(statuses["stateful"])
    assert {201, 429}.issubset(statuses["rate_limited"])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.test_mock_golden")
    parser.add_argument("--record", action="store_true", help=f"write {GOLDEN.name}")
    if parser.parse_args().record:
        text = json.dumps(record(_local_plan()), indent=0, sort_keys=True)
        GOLDEN.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
