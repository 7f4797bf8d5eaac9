"""The plan: every derived probe of every operation, seeded, prioritised, deterministic.

Why a plan rather than `@given` over HTTP: values are drawn locally (seeded, no server in
the loop), so a disagreement never triggers Hypothesis' shrinking over the network, a
request budget can be spent in priority order, and a run can be replayed exactly.

Priority tiers, most informative first: 0, one probe of every check (every place, rule
and side: a 60-request remote budget judges nearly all of them); 1, one probe of every
other pattern node and every other explicit probe (wrong JSON types, missing members,
auth); 2, the other witnesses (more class members and near misses, sample characters,
multi-byte lengths); 3 + i, the i-th seeded draw of every pattern-constrained place.
Tier 0's picks, and the order after it, go to the likeliest mistakes first (`_Worth`).
"""

from __future__ import annotations

import heapq
import math
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from contract_tests.core.model import Check, Probe, Side, changes_the_route
from contract_tests.plan.derive import derive_probes
from contract_tests.plan.mutants import Score, kill_set, operation_mutants, shares, tally
from contract_tests.plan.strategies import pattern_text
from contract_tests.plan.values import base_request
from dynamic_sdk_runtime.fragment import Fragment, Operation, Place, RawRequest

__all__ = [
    "all_checks",
    "build_plan",
    "by_marginal_kills",
    "draw_examples",
    "predicted_score",
    "requests_to_kill",
]

_QUIET = settings(
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.generate],
)


def draw_examples(strategy: st.SearchStrategy[Any], seed: int, count: int) -> list[Any]:
    """`count` values of `strategy`, the same ones for the same seed; no I/O involved."""
    drawn: list[Any] = []
    if count <= 0:
        return drawn

    @settings(_QUIET, max_examples=count)
    @hypothesis_seed(seed)
    @given(value=strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


def _prioritised(probes: list[Probe], operation: Operation | None = None) -> list[Probe]:
    """Most informative first: every check once (tier 0), then every pattern node and
    explicit probe once (tier 1), then the rest (tier 2). A check's tier-0 probe is one the
    operation's own route takes, where it has one: a router answers the others. Among
    those, with `operation`, each check gets the probe worth most beside the others
    (`_Worth`: the likeliest mistake kinds first; greedy over the checks), and tier 0 goes
    in that order: a budget smaller than tier 0 still spends its requests on the likeliest
    mistakes."""
    first = _representatives(probes, operation)
    nodes: set[tuple[str, str | None, str]] = set()
    ordered = []
    for index, probe in enumerate(probes):
        check = probe.check
        node = (check.key, check.node, check.reason if check.node is None else "")
        if first[check.key] == index:
            tier = 0
        elif probe.tier >= 3:  # the seeded draws keep their order
            tier = probe.tier
        elif node not in nodes and probe.tier <= 1:
            tier = 1
        else:
            tier = 2
        nodes.add(node)
        ordered.append(
            Probe(check, probe.path, probe.query, probe.headers, probe.body, tier, probe.auth)
        )
    rank = {index: order for order, index in enumerate(first.values())}
    return [ordered[i] for i in sorted(range(len(ordered)), key=lambda i: rank.get(i, len(rank)))]


def _representatives(probes: list[Probe], operation: Operation | None) -> dict[str, int]:
    """Check key -> the index of its tier-0 probe, in the order they were chosen."""
    candidates: dict[str, list[int]] = {}
    for index, probe in enumerate(probes):
        if not changes_the_route(probe.path):
            candidates.setdefault(probe.check.key, []).append(index)
    for index, probe in enumerate(probes):
        candidates.setdefault(probe.check.key, [index])  # only route-changing probes
    if operation is None:
        return {key: indexes[0] for key, indexes in sorted(candidates.items(), key=_at)}
    sets = {i: kill_set(operation, probes[i]) for ids in candidates.values() for i in ids}
    worth = _Worth([operation])
    chosen: dict[str, int] = {}
    remaining = dict(candidates)
    while remaining:
        _gain, index, key = max(
            (worth.gain(sets[i]), -i, key) for key, ids in remaining.items() for i in ids
        )
        chosen[key] = -index
        worth.take(sets[-index])
        del remaining[key]
    return chosen


class _Worth:
    """What a request's kills are worth, given those of the requests before it: first the
    weight of the mistake kinds it is the first to probe at their place, then the weighted
    mutants it kills first (`mutants.weight`, `mutants.shares`).

    Why: a budget must probe every likely kind of mistake on every field before it spends a
    request on a second node variant of a kind it has already probed there; a pattern's
    many nodes must not outweigh another field's likeliest mistake.
    """

    def __init__(self, operations: Sequence[Operation]) -> None:
        judged = [
            m for op in operations for m in operation_mutants(op) if m.status == "distinguishable"
        ]
        self.kind = {m.key: (m.operation, m.place, m.kind.value) for m in judged}
        self.weight = {self.kind[m.key]: m.weight for m in judged}
        share = {k: v for op in operations for k, v in shares(op).items()}
        scale = math.lcm(*(v.denominator for v in share.values()), 1)
        self.share = {k: int(v * scale) for k, v in share.items()}  # exact, and fast
        self.killed: set[str] = set()
        self.probed: set[tuple[str, str, str]] = set()

    def gain(self, kills: frozenset[str]) -> tuple[int, int]:
        new = kills - self.killed
        first = {self.kind[k] for k in new} - self.probed
        return sum(self.weight[c] for c in first), sum(self.share[k] for k in new)

    def take(self, kills: frozenset[str]) -> None:
        self.killed |= kills
        self.probed |= {self.kind[k] for k in kills}


def _at(item: tuple[str, list[int]]) -> int:
    return item[1][0]


def _drawn(operation: Operation, base: RawRequest, seed: int, examples: int) -> list[Probe]:
    """Seeded random values per pattern-constrained place; the checker gives each its side."""
    probes: list[Probe] = []
    for place in operation.places():
        if place.schema.pattern is None:
            continue
        nested = place.location == "body" and len(place.names) > 1
        if nested or (place.location == "body" and not isinstance(base.body, dict)):
            continue  # drawn values go into top-level places only
        key = f"{operation.operation_id}:{place.where}"
        values = draw_examples(
            pattern_text(place.schema), seed ^ zlib.crc32(key.encode()), examples
        )
        for index, value in enumerate(dict.fromkeys(values)):
            request = base.with_value(place.where, value)
            if changes_the_route(request.path):
                continue  # no route takes it: a router answers, never the operation
            side: Side = "reject" if operation.violations(request) else "accept"
            check = Check(
                operation.operation_id,
                place.where,
                "drawn",
                "seeded",
                side,
                pattern=place.schema.pattern,
            )
            probes.append(Probe.of(check, request, 3 + index))
    return probes


def build_plan(
    fragment: Fragment,
    path_values: Mapping[str, str],
    *,
    seed: int,
    examples: int,
    avoid: frozenset[str] = frozenset(),
    allow_auth: bool = True,
) -> list[Probe]:
    """Every probe of a run, in priority order; the same seed gives the same plan.

    `path_values` are the target's own (its environment); `avoid` lists lookup values
    that may exist (a configured test verification): no probe carries one.
    """
    probes: list[Probe] = []
    for operation in fragment.operations:
        base = base_request(operation, path_values, avoid)
        derived = derive_probes(operation, base, allow_auth=allow_auth, avoid=avoid)
        ordered = _prioritised(derived + _drawn(operation, base, seed, examples), operation)
        for composed in _composed(operation, base, ordered):
            # just before its first member: that member's turn covers them all
            at = min(ordered.index(member) for member in composed.members)
            ordered.insert(at, composed)
        probes += ordered
    probes.sort(key=lambda probe: probe.tier)
    return by_marginal_kills(fragment, probes)


def by_marginal_kills(fragment: Fragment, probes: Sequence[Probe]) -> list[Probe]:
    """Tier 0 first, as it is; then, greedily, the probe worth most (`_Worth`: the weight of
    the mistake kinds it probes first at their place, then the weighted mutants it kills
    first; ties: plan order).

    Why: after every check has its probe, a budget is best spent on the likeliest mistakes
    real servers make, every kind on every field before a second variant of one. Probes
    that kill nothing new keep their order.
    """
    operations = {op.operation_id: op for op in fragment.operations}

    def kills(probe: Probe) -> frozenset[str]:
        operation = operations.get(probe.check.operation)
        return kill_set(operation, probe) if operation is not None else frozenset()

    first = [p for p in probes if p.tier == 0]
    rest = [p for p in probes if p.tier != 0]
    worth = _Worth(fragment.operations)
    for probe in first:
        worth.take(kills(probe))
    sets = [kills(p) for p in rest]

    def priority(index: int) -> tuple[int, int, int]:
        kinds, mutants = worth.gain(sets[index])
        return (-kinds, -mutants, index)

    heap = [priority(i) for i in range(len(rest))]
    heapq.heapify(heap)
    chosen: list[int] = []
    while heap:
        entry = heapq.heappop(heap)
        if entry[:2] == (0, 0):
            break
        fresh = priority(entry[2])
        if fresh != entry:  # gains only shrink: a stale entry goes back with its true one
            heapq.heappush(heap, fresh)
            continue
        chosen.append(entry[2])
        worth.take(sets[entry[2]])
    picked = set(chosen)
    return first + [rest[i] for i in chosen] + [p for i, p in enumerate(rest) if i not in picked]


def predicted_score(
    fragment: Fragment,
    plan: Sequence[Probe],
    max_requests: int | None,
    *,
    safe: bool = False,
) -> Score:
    """The mutant score of the plan's first `max_requests` requests: what a run can kill.

    It follows the runner request by request: a composed probe a server accepts covers its
    members (they cost nothing), one the mutant refuses is split (its members go out on
    their own, in plan order, each a request). `safe`: valid probes of an operation that
    may act are not sent (no SMS budget). A mutant is killed when a request it judges
    otherwise than the documented rules is sent within the budget; for an operation with
    `x-lookup-field` an invalid value it takes is answered with a lookup miss, judged once
    an invalid value at the same member got 400 (the lookup order is learned per member).
    """
    killed_at = requests_to_kill(fragment, plan, safe=safe)
    killed = {key for key, n in killed_at.items() if max_requests is None or n <= max_requests}
    return tally(fragment, killed)


def requests_to_kill(
    fragment: Fragment, plan: Sequence[Probe], *, safe: bool = False
) -> dict[str, int]:
    """Mutant key -> how many plan requests a run sends up to the one that kills it (the
    mutants the plan kills at all; `predicted_score` reads its budget's share)."""
    operations = {op.operation_id: op for op in fragment.operations}
    sets = [
        kill_set(operations[p.check.operation], p) if p.check.operation in operations else None
        for p in plan
    ]
    sendable = [
        not (
            safe
            and p.check.side == "accept"
            and p.auth == "token"
            and operations.get(p.check.operation) is not None
            and operations[p.check.operation].lookup_field is None
        )
        for p in plan
    ]
    contents = [p.request_key for p in plan]
    looked_up = [
        p.check.side == "reject"
        and p.auth == "token"
        and not p.members
        and not changes_the_route(p.path)
        and operations.get(p.check.operation) is not None
        and operations[p.check.operation].lookup_field is not None
        for p in plan
    ]
    found: dict[str, int] = {}
    for key in set().union(*(s for s in sets if s is not None)):
        sent = _requests_until_killed(plan, contents, sets, sendable, looked_up, key)
        if sent is not None:
            found[key] = sent
    return found


def _requests_until_killed(
    plan: Sequence[Probe],
    contents: Sequence[str],
    sets: Sequence[frozenset[str] | None],
    sendable: Sequence[bool],
    looked_up: Sequence[bool],
    key: str,
) -> int | None:
    """The requests sent until a server with mutant `key` answers one wrongly, or None.

    `looked_up`: an invalid request of an operation with `x-lookup-field`: one the mutant
    takes gets a lookup miss, a failure only once an invalid value at the same member got
    400 (`ServerProfile.validates_first`); one it refuses is that evidence."""
    covered: set[int] = set()
    answered: set[str] = set()
    refused_at: set[tuple[str, str]] = set()
    """(member, stage) validated before the lookup: a 400 there (content implies parse)."""
    waiting: set[tuple[str, str]] = set()
    sent = 0
    for index, probe in enumerate(plan):
        if id(probe) in covered or not sendable[index]:
            continue
        if contents[index] not in answered:  # else the same answer judges it, free
            sent += 1
            answered.add(contents[index])
        hit = key in (sets[index] or ())
        if probe.members:
            if not hit:  # accepted: one answer judges every member
                covered.update(id(member) for member in probe.members)
            continue  # refused: split, the members go out on their own
        where = probe.check.where
        if not looked_up[index]:
            if hit:
                return sent
            continue
        stage = probe.check.stage
        if not hit:  # a 400 here is evidence for the member at its stage
            shown = {(where, stage)} | ({(where, "parse")} if stage == "content" else set())
            refused_at |= shown
            if waiting & shown:  # the miss it took is judged now: passed validation
                return sent
        elif (where, stage) in refused_at:
            return sent
        else:
            waiting.add((where, stage))
    return None


def _composed(operation: Operation, base: RawRequest, probes: list[Probe]) -> list[Probe]:
    """Valid requests each carrying a tier-0 accept witness of several places at once: the
    first takes each place's first one, the next each place's second one, and so on.

    Most informative first: one request can judge the accept side of every place; if the
    server refuses it, the members are sent on their own (the runner splits it). A
    budgeted run so spends one request where it would spend one per accept check.
    """
    layers: list[dict[str, Probe]] = []
    for probe in probes:
        check = probe.check
        location, names = Place.split(check.where)
        # path values stay apart: a 404 for a path is the route's or the environment's
        top_level = location in ("query", "header") or (location == "body" and len(names) == 1)
        if (
            probe.tier == 0
            and check.side == "accept"
            and probe.auth == "token"
            and check.unicode_since is None
            and top_level
        ):
            layer = next((lay for lay in layers if check.where not in lay), None)
            if layer is None:
                layers.append(layer := {})
            layer[check.where] = probe
    return [c for layer in layers if (c := _compose(operation, base, layer)) is not None]


def _compose(operation: Operation, base: RawRequest, picks: dict[str, Probe]) -> Probe | None:
    """One request carrying every pick's value, or None (fewer than two, or not valid)."""
    if len(picks) < 2:
        return None
    request = base
    for where, probe in picks.items():
        request = request.with_value(where, probe.value())
    if operation.violations(request):
        return None  # the witnesses do not hold together: each goes alone
    members = tuple(picks.values())
    return Probe.of(members[0].check, request, members=members)


def all_checks(plan: list[Probe]) -> list[Check]:
    """The distinct checks of a plan, in plan order (one test each)."""
    return list({probe.check.key: probe.check for probe in plan}.values())
