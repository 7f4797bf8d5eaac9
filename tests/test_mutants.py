"""The mutant model: every plausible server mistake per place, its witness, its killers.

Why: the plan is only as strong as the defects it tells apart. These tests pin that each
mutant's witness really separates it from the documented rule (the model's checker),
that the mistakes the one-rule witnesses missed (uppercase hex in a UUID, an unanchored
pattern without maxLength, a dash made optional, Python's `.`) are in the model, and
that the unlimited plan kills every distinguishable mutant, which it did not before the
mutant witnesses were a source of the plan.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.core.model import Check, Probe
from contract_tests.core.pattern_nodes import dialect_variants, parse, variants
from contract_tests.plan import derive, mutants, planner, values
from contract_tests.plan.mutants import Kind, Mutant, documented, kills, score
from contract_tests.plan.planner import build_plan, predicted_score
from dynamic_sdk_runtime.ecma import ecma_test
from dynamic_sdk_runtime.fragment import ABSENT, Fragment, Operation, read_fragment

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = [
    ROOT / "openapi" / "retry-sms-verification.yaml",
    *sorted((ROOT / "tests" / "fragments").glob("*.yaml")),
]
SEED = 17


def _document(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _fragment(path: Path) -> Fragment:
    return read_fragment(_document(path))


SHIPPED = _fragment(FRAGMENTS[0])


@functools.cache
def _plan(path: Path) -> list[Probe]:
    """The unlimited plan of a fragment, built once per session (it is deterministic)."""
    return build_plan(_fragment(path), {}, seed=SEED, examples=2)


def _of(fragment: Fragment) -> Iterator[tuple[Operation, Mutant]]:
    for operation in fragment.operations:
        for mutant in mutants.operation_mutants(operation):
            yield operation, mutant


def _fixed_length_places(operation: Operation, location: str) -> list[str]:
    """Places whose pattern holds a class and whose lengths are one number (UUID-like)."""
    return [
        p.where
        for p in operation.places()
        if p.where.startswith(location)
        and p.schema.pattern is not None
        and p.schema.min_length == p.schema.max_length is not None
        and any(n.kind == "class" for n in parse(p.schema.pattern))
    ]


# -- variants ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FRAGMENTS, ids=lambda p: p.stem)
def test_every_variant_is_a_valid_pattern_that_changes_the_verdict_of_some_value(
    path: Path,
) -> None:
    """A variant equal to its pattern would be a mutant nothing can kill: none is."""
    patterns = {
        p.schema.pattern
        for op in _fragment(path).operations
        for p in op.places()
        if p.schema.pattern
    }
    assert patterns
    for pattern in patterns:
        found = variants(pattern) + dialect_variants(pattern)
        assert found
        for variant in found:
            assert variant.pattern != pattern
            ecma_test(variant.pattern, "")  # compiles on the ECMA engine


def test_class_variants_swap_case_and_move_range_ends() -> None:
    """`[0-9a-f]` gets `A-F` added (the uppercase-hex server), and its code-point
    neighbours; a lone literal gets made optional (the dash-optional server)."""
    pattern = "^[0-9a-f]{2}-x$"
    found = {(v.kind, v.pattern) for v in variants(pattern)}
    kinds = {kind for kind, _ in found}
    assert {"case-swapped", "class-member-added", "class-member-removed"} <= kinds
    case = [p for kind, p in found if kind == "case-swapped" and "A-F" in p]
    assert case
    assert all(ecma_test(p, "Ab-x") and not ecma_test(pattern, "Ab-x") for p in case)
    optional = [p for kind, p in found if kind == "quantifier-bound" and "-{0,1}" in p]
    assert optional
    assert ecma_test(optional[0], "abx")
    assert not ecma_test(pattern, "abx")


def test_dot_variants_include_python_dot_which_lets_a_carriage_return_through() -> None:
    """`(?!.*\\s$)` read with Python's `.` (`[^\\n]`) differs on `a\\r `: ECMA's `.` stops
    at `\\r`, so the documented pattern accepts it and the variant refuses it."""
    pattern = "^(?!.*\\s$)[a-z\\r ]+$"
    dots = [v.pattern for v in variants(pattern) if v.kind == "dot-line-terminators"]
    assert len(dots) == 2
    assert ecma_test(pattern, "a\r ")
    assert not all(ecma_test(p, "a\r ") for p in dots)


# -- the model -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", FRAGMENTS, ids=lambda p: p.stem)
def test_every_distinguishable_mutant_has_a_witness_the_two_rules_judge_differently(
    path: Path,
) -> None:
    fragment = _fragment(path)
    judged = list(_of(fragment))
    assert judged
    statuses = {m.status for _, m in judged}
    assert "distinguishable" in statuses
    for operation, mutant in judged:
        place = next(p for p in operation.places() if p.where == mutant.place)
        if mutant.status in ("equivalent", "unsendable"):
            assert mutant.witness is None
            assert mutant.evidence
            continue
        assert mutant.accepts(mutant.witness) != documented(place, mutant.witness), mutant.key
        assert mutant.breaks == mutants.broken_rules(place, mutant.witness)
        assert (len(mutant.breaks) > 1) == ("together" in mutant.target)
        assert mutant.weight == mutants.weight(place, mutant.kind) >= 1
        # only newer letters tell a version-dependent one apart: no run judges it unpinned
        assert (mutant.status == "version-dependent") == (
            mutants.newer_letters(mutant.witness) is not None
        )


def test_the_shipped_fragment_models_the_mistakes_the_one_rule_witnesses_missed() -> None:
    """Uppercase hex in a UUID (path and body), an unanchored UUID without maxLength, a
    dash made optional: each distinguishable, each witness a UUID-like value."""
    (operation,) = SHIPPED.operations
    judged = {m.key: m for m in mutants.operation_mutants(operation)}
    uuid_places = _fixed_length_places(operation, "path.") + _fixed_length_places(
        operation, "body."
    )
    assert any(w.startswith("path.") for w in uuid_places)
    assert any(w.startswith("body.") for w in uuid_places)
    for where in uuid_places:
        mine = [m for m in judged.values() if m.place == where]
        upper = [m for m in mine if m.kind is Kind.CASE_SWAPPED]
        assert upper
        for mutant in upper:
            assert mutant.status == "distinguishable"
            assert mutant.breaks == ("pattern",)
            assert mutant.witness != mutant.witness.lower()
        unanchored = [m for m in mine if m.kind is Kind.UNANCHORED]
        assert [m.breaks for m in unanchored] == [("pattern", "maxLength")]
        assert "maxLength unchecked" in unanchored[0].description
        dash = [m for m in mine if "made optional" in m.name and m.status == "distinguishable"]
        assert dash
        assert all(m.breaks == ("pattern", "minLength") for m in dash)
        # the length rules mask these on their own: shown by search, not assumed
        ignored = [m for m in mine if m.kind is Kind.MAX_LENGTH_IGNORED]
        assert [m.status for m in ignored] == ["equivalent"]
        assert "bounded search" in ignored[0].evidence


def test_a_python_dot_in_a_variant_fragment_is_killed_by_a_line_terminator() -> None:
    """The variant fragment: a body member's pattern becomes `^(?!.*\\s$)[\\p{L}\\s]+$`;
    the mutant that reads `.` as Python does gets a witness with `\\r`, U+2028 or U+2029."""
    document = _document(FRAGMENTS[0])
    (operation,) = SHIPPED.operations
    assert operation.body is not None
    assert operation.body.component is not None
    place = next(
        p
        for p in operation.places()
        if p.where.startswith("body.") and p.schema.pattern and p.schema.max_length
        if not p.schema.min_length
    )
    name = place.where.removeprefix("body.")
    variant = copy.deepcopy(document)
    member = variant["components"]["schemas"][operation.body.component]["properties"][name]
    member["pattern"] = "^(?!.*\\s$)[\\p{L}\\s]+$"
    (changed,) = read_fragment(variant).operations
    python_dot = [
        m
        for m in mutants.operation_mutants(changed)
        if m.place == place.where and m.kind is Kind.DOT_LINE_TERMINATORS and "Python" in m.name
    ]
    assert python_dot
    assert all(m.status == "distinguishable" for m in python_dot)
    assert all(any(c in m.witness for c in "\r\u2028\u2029") for m in python_dot)


# A test-only operation with one of each construct the fragments lack: alternatives, `.`,
# `\w`, an unanchored pattern, two `$`, a query enum, a closed nested object, minLength.
SYNTHETIC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "synthetic", "version": "1"},
    "paths": {
        "/things/{id}": {
            "post": {
                "operationId": "makeThing",
                "parameters": [
                    {"name": "id", "in": "path", "required": True,
                     "schema": {"type": "string", "pattern": "^[a-z]+$"}},
                    {"name": "kind", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["alpha", "beta"]}},
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {
                        "code": {"type": "string", "pattern": "^(?:foo$|ba[rz])\\w?$"},
                        "note": {"type": "string", "pattern": "(?!.*\\s$).+",
                                 "minLength": 2, "maxLength": 20},
                        "meta": {"type": "object", "additionalProperties": False,
                                 "properties": {"tag": {"type": "string"}}},
                    },
                }}}},
                "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}},
            }
        }
    },
}  # fmt: skip


def test_every_kind_of_mistake_is_modelled_and_killed_somewhere() -> None:
    """Each `Kind` has a distinguishable mutant in the fragments or the synthetic
    operation, and the synthetic operation's unlimited plan kills all of its own."""
    synthetic = read_fragment(SYNTHETIC)
    found = {
        m.kind
        for fragment in (SHIPPED, _fragment(FRAGMENTS[-1]), synthetic)
        for _, m in _of(fragment)
        if m.status in ("distinguishable", "version-dependent")
    }
    assert set(Kind) - found == set()
    result = score(synthetic, build_plan(synthetic, {}, seed=SEED, examples=2))
    assert [m.key for m in result.survivors] == []
    assert result.distinguishable > len(Kind)


# -- kill accounting -----------------------------------------------------------------------


def test_a_request_kills_a_mutant_only_when_the_rest_of_it_is_accepted() -> None:
    """A refused member elsewhere makes every server refuse: no defect shows."""
    (operation,) = SHIPPED.operations
    mutant = next(
        m
        for m in mutants.operation_mutants(operation)
        if m.kind is Kind.CASE_SWAPPED and m.place.startswith("body.")
    )
    base = values.base_request(operation, {}, frozenset())
    request = base.with_value(mutant.place, mutant.witness)
    check = Check(operation.operation_id, mutant.place, "pattern", "mutant", "reject")
    probe = Probe.of(check, request, 2)
    assert mutant.key in kills(operation, [probe])
    other = next(
        p.where
        for p in operation.places()
        if p.where.startswith("body.") and p.where != mutant.place and p.required
    )
    spoilt = request.with_value(other, ABSENT)
    spoilt_probe = Probe.of(check, spoilt, 2)
    assert mutant.key not in kills(operation, [spoilt_probe])


@pytest.mark.parametrize("path", FRAGMENTS, ids=lambda p: p.stem)
def test_the_unlimited_plan_kills_every_distinguishable_mutant(path: Path) -> None:
    fragment = _fragment(path)
    result = score(fragment, _plan(path))
    assert result.distinguishable > 0
    survivors = [(m.key, m.witness) for m in result.survivors]
    assert survivors == []
    assert result.killed == result.distinguishable
    assert sum(n for _, n in result.by_place.values()) == result.distinguishable
    assert sum(k for k, _ in result.by_kind.values()) == result.killed


def test_without_the_mutant_witnesses_the_plan_leaves_survivors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kill test can fail: the one-rule witnesses alone miss uppercase hex."""
    monkeypatch.setattr(derive, "_mutant_candidates", lambda operation, place: iter(()))
    plan = build_plan(SHIPPED, {}, seed=SEED, examples=2)
    result = score(SHIPPED, plan)
    assert result.killed < result.distinguishable
    assert any(m.kind is Kind.CASE_SWAPPED for m in result.survivors)
    assert all(m.witness is not None for m in result.survivors)


def test_mutant_probes_say_which_mutant_they_target_and_which_rules_they_break() -> None:
    (operation,) = SHIPPED.operations
    plan = _plan(FRAGMENTS[0])
    reasons = [p.check.reason for p in plan if p.check.reason.startswith("mutant ")]
    assert reasons
    assert any(re.search(r"breaks pattern node n\d+ and maxLength together", r) for r in reasons)
    for probe in plan:
        if probe.check.reason.startswith("mutant ") and probe.check.side == "reject":
            assert operation.violations(probe.request)


# -- the plan's order: marginal kills after tier 0 -------------------------------------------


def _worth_after(
    operation: Operation, first: list[Probe], rest: list[Probe]
) -> list[tuple[Fraction, Fraction]]:
    """Per probe of `rest`, after `first`: (the weight of the (place, kind) pairs it is the
    first to kill a mutant of, the shares of the mutants it is the first to kill)."""
    judged = {
        m.key: m for m in mutants.operation_mutants(operation) if m.status == "distinguishable"
    }
    share = mutants.shares(operation)
    weight = {(m.place, m.kind): m.weight for m in judged.values()}
    killed: set[str] = set().union(*(mutants.kill_set(operation, p) for p in first))
    probed = {(judged[k].place, judged[k].kind) for k in killed}
    found = []
    for probe in rest:
        new = mutants.kill_set(operation, probe) - killed
        kinds = {(judged[k].place, judged[k].kind) for k in new} - probed
        found.append(
            (
                sum((Fraction(weight[c]) for c in kinds), Fraction(0)),
                sum((share[k] for k in new), Fraction(0)),
            )
        )
        killed |= new
        probed |= kinds
    return found


def test_after_tier_0_every_likely_kind_comes_before_a_second_variant_of_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Greedy over the weighted mutant model: tier 0 first and unchanged, then each probe is
    worth no more than the one before (first the weight of the mistake kinds it probes first
    at their place, then the weighted mutants it kills first), so no request goes to a
    second variant of a kind while a kind of some place is unprobed; and a budget catches
    more of the likely mistakes than the tier order did."""
    plan = _plan(FRAGMENTS[0])
    monkeypatch.setattr(planner, "by_marginal_kills", lambda fragment, probes: list(probes))
    tier_order = build_plan(SHIPPED, {}, seed=SEED, examples=2)
    assert sorted(p.check.key + repr(p.to_json()) for p in plan) == sorted(
        p.check.key + repr(p.to_json()) for p in tier_order
    )
    assert [p.tier for p in tier_order] == sorted(p.tier for p in tier_order)
    first = [p for p in plan if p.tier == 0]
    assert plan[: len(first)] == first
    (operation,) = SHIPPED.operations
    worth = _worth_after(operation, first, plan[len(first) :])
    assert worth == sorted(worth, reverse=True)
    kinds = [k for k, _ in worth]
    assert kinds[0] > 1
    # every kind any later probe would probe first is probed before the first probe that
    # probes no new kind
    none = Fraction(0)
    assert none in kinds
    assert all(k == none for k in kinds[kinds.index(none) :])
    budget = len(first) + 8
    greedy = predicted_score(SHIPPED, plan, budget)
    assert greedy.weighted > predicted_score(SHIPPED, tier_order, budget).weighted
    # members a correct server's answer to their composed probe covers cost no request, so
    # the first `budget` requests reach at least as far as the first `budget` probes
    survivors = {m.key for m in greedy.survivors}
    within = set().union(*(mutants.kill_set(operation, p) for p in plan[:budget] if not p.members))
    assert within
    assert within & survivors == set()
    assert predicted_score(SHIPPED, plan, None).killed == score(SHIPPED, plan).killed


def test_at_the_remote_default_every_kind_a_stack_makes_is_probed_on_every_field() -> None:
    """The likeliest mistakes first: within a 60-request run's plan share (safe mode), every
    mistake kind that some common stack makes (weight above 1) is probed, on every field
    where it is distinguishable; only kinds no listed stack makes may be left unprobed."""
    from contract_tests.core.settings import REMOTE_MAX_REQUESTS
    from contract_tests.run.pacing import plan_requests

    plan = _plan(FRAGMENTS[0])
    within = predicted_score(SHIPPED, plan, plan_requests(REMOTE_MAX_REQUESTS), safe=True)
    assert all(weight == 1 for _where, _kind, weight in within.unprobed), within.unprobed
    (operation,) = SHIPPED.operations
    weighted = {(m.place, m.kind) for m in mutants.operation_mutants(operation) if m.weight > 1}
    assert len(weighted) > 20  # the claim is not empty


def test_the_documented_weights_are_the_code_s() -> None:
    """docs/contract.md's table of weights says what `mutants.weight` gives: each row's kinds
    at every place of the shipped fragment (the UUID places for the UUID row, the others
    otherwise), and 1 for every kind no row names (at a UUID place, every pattern-engine
    kind)."""
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    table = text[text.index("| mistake kinds | stacks that make them | weight |") :]
    rows = table.split("\n\n", 1)[0].splitlines()[2:]
    assert len(rows) > 10
    (operation,) = SHIPPED.operations
    places = operation.places()
    named: set[tuple[Kind, bool]] = set()
    for row in rows[:-1]:
        kinds_cell, _stacks, quoted = (cell.strip() for cell in row.strip().strip("|").split("|"))
        uuid = "UUID place" in kinds_cell
        for kind in (Kind(k) for k in re.findall(r"`([a-z]+:[a-zA-Z0-9-]+)`", kinds_cell)):
            named.add((kind, uuid))
            for place in places:
                if mutants.parsed_as_uuid(place) == uuid:
                    assert mutants.weight(place, kind) == int(quoted), (row, place.where)
    assert rows[-1].strip().endswith("| 1 |")
    for kind in Kind:
        for place in places:
            uuid = mutants.parsed_as_uuid(place)
            decoded = uuid and (kind, False) in named and kind.family == "keyword"
            if (kind, uuid) not in named and not decoded:
                assert mutants.weight(place, kind) == 1, (kind, place.where)


# -- the plan's power: where the budget goes, and what it states ------------------------------


def test_a_maximal_accept_witness_is_refused_by_every_accept_side_mutant_of_a_uuid_place() -> None:
    """One valid value per fixed-length class place kills every narrowed class at once,
    and the plan's composed probe carries it."""
    (operation,) = SHIPPED.operations
    plan = _plan(FRAGMENTS[0])
    composed = [p for p in plan if p.members]
    assert composed
    for where in _fixed_length_places(operation, "body."):
        place = next(p for p in operation.places() if p.where == where)
        side = {
            m.key
            for m in mutants.operation_mutants(operation)
            if m.place == where and m.status == "distinguishable" and not m.breaks
        }
        found = mutants.maximal_accept(operation, where)
        assert found is not None
        value, refusing = found
        assert documented(place, value)
        assert refusing == side
        by_key = {m.key: m for m in mutants.operation_mutants(operation)}
        assert all(not by_key[key].accepts(value) for key in side)
        assert any(c.request.value(where) == value for c in composed)


def test_tier_0_chosen_by_kills_kills_more_within_a_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every check keeps one tier-0 probe either way; chosen by marginal kills, the first
    51 requests (a 60-request run's plan share) kill more than the first probe per check."""
    plan = _plan(FRAGMENTS[0])
    original = planner._representatives
    monkeypatch.setattr(planner, "_representatives", lambda probes, op: original(probes, None))
    plain = build_plan(SHIPPED, {}, seed=SEED, examples=2)
    assert {p.check.key for p in plan if p.tier == 0} == {p.check.key for p in plain if p.tier == 0}
    chosen = predicted_score(SHIPPED, plan, 51, safe=True)
    first = predicted_score(SHIPPED, plain, 51, safe=True)
    assert chosen.killed > first.killed
    assert chosen.weighted > first.weighted


@pytest.mark.parametrize("budget", [60, None], ids=["60", "unlimited"])
def test_the_summary_states_the_plan_s_power_and_names_the_survivors(budget: int | None) -> None:
    from contract_tests.report.summary import mutation_power
    from contract_tests.run.pacing import Budget

    plan = _plan(FRAGMENTS[0])
    reserved = 9 if budget else 0
    lines, detail = mutation_power(
        SHIPPED, plan, Budget(max_requests=budget, reserved=reserved, valid_requests=0)
    )
    requests = None if budget is None else budget - reserved
    expected = predicted_score(SHIPPED, plan, requests, safe=True)
    where = "unlimited requests" if budget is None else f"{requests} plan requests"
    assert lines[0].strip().startswith(f"likely mistakes caught: {expected.likely * 100:.0f} %")
    assert (
        f"mutation score: kills {expected.killed} of {expected.distinguishable} distinguishable"
    ) in lines[0]
    assert where in lines[0]
    assert detail["killed"] == expected.killed
    assert detail["likely"] == round(expected.likely, 4)
    assert detail["unprobed"] == [list(row) for row in expected.unprobed]
    assert [s["mutant"] for s in detail["survivors"]] == [m.key for m in expected.survivors]
    assert all(s["killed_by"] for s in detail["survivors"])  # the unlimited plan kills each
    places = {f"{op.operation_id}:{p.where}" for op in SHIPPED.operations for p in op.places()}
    assert set(detail["by_place"]) <= places
    assert sum(n for _, n in detail["by_place"].values()) == expected.distinguishable
    if budget is None:
        assert detail["survivors"] == []
    else:
        assert detail["survivors"]
        assert any(line.strip().startswith("survives: ") for line in lines)


def test_the_summary_says_what_budget_a_stronger_run_takes() -> None:
    """The "90 % takes N plan requests (--max-requests M)" figure is the least that does."""
    from contract_tests.report.summary import mutation_power
    from contract_tests.run.pacing import Budget, plan_requests

    plan = _plan(FRAGMENTS[0])
    lines, detail = mutation_power(
        SHIPPED, plan, Budget(max_requests=60, reserved=9, valid_requests=0)
    )
    for share, needed in detail["plan_requests_for"].items():
        n, max_requests = needed["plan"], needed["max_requests"]
        assert predicted_score(SHIPPED, plan, n, safe=True).fraction >= float(share)
        assert predicted_score(SHIPPED, plan, n - 1, safe=True).fraction < float(share)
        assert plan_requests(max_requests) >= n > plan_requests(max_requests - 1)
        assert (
            f"{float(share) * 100:.0f} % takes {n} plan requests (--max-requests {max_requests})"
            in lines[0]
        )


def test_the_summary_says_what_budget_probes_every_kind_on_every_field() -> None:
    """The "every mistake kind probed on every field takes N plan requests" figure is the
    least that does: within N no (place, kind) is left unprobed, within N - 1 one is."""
    from contract_tests.report.summary import mutation_power
    from contract_tests.run.pacing import Budget, max_requests_for

    plan = _plan(FRAGMENTS[0])
    lines, detail = mutation_power(
        SHIPPED, plan, Budget(max_requests=60, reserved=9, valid_requests=0)
    )
    n = detail["plan_requests_for_every_kind"]
    assert n > 51  # the remote default leaves some kind of weight 1 unprobed
    assert predicted_score(SHIPPED, plan, n, safe=True).unprobed == ()
    assert predicted_score(SHIPPED, plan, n - 1, safe=True).unprobed != ()
    quoted = f"every mistake kind probed on every field takes {n} plan requests"
    assert f"{quoted} (--max-requests {max_requests_for(n)})" in lines[0]
    # docs/contract.md quotes the figure for the bench's plan (10 draws per place)
    bench = build_plan(SHIPPED, {}, seed=SEED, examples=10)
    _lines, detail = mutation_power(
        SHIPPED, bench, Budget(max_requests=60, reserved=9, valid_requests=0)
    )
    n = detail["plan_requests_for_every_kind"]
    pairs = {(m.place, m.kind) for m in mutants.mutants(SHIPPED) if m.status == "distinguishable"}
    quoted = (
        f"{len(detail['unprobed'])} of the {len(pairs)} (place, kind) pairs) are all probed "
        f"within {n} plan requests (`--max-requests {max_requests_for(n)}`;"
    )
    text = " ".join((ROOT / "docs" / "contract.md").read_text(encoding="utf-8").split())
    assert quoted in text, quoted


def test_no_plan_kills_90_percent_within_the_remote_default() -> None:
    """Each independent reject-side mutant needs a request of its own: the bound the docs
    quote is above the default's plan share, and the plan does not beat it."""
    import math

    from contract_tests.core.settings import REMOTE_MAX_REQUESTS
    from contract_tests.run.pacing import plan_requests

    (operation,) = SHIPPED.operations
    alone = mutants.independent(operation)
    bound = mutants.fewest_requests(SHIPPED, 0.9)
    assert bound > plan_requests(REMOTE_MAX_REQUESTS)
    for first in alone:  # independent: neither accepts the other's witness
        for second in alone:
            if first is not second and first.place == second.place:
                assert not second.accepts(first.witness), (first.key, second.key)
    killed_at = sorted(planner.requests_to_kill(SHIPPED, _plan(FRAGMENTS[0]), safe=True).values())
    total = sum(1 for m in mutants.mutants(SHIPPED) if m.status == "distinguishable")
    assert killed_at[math.ceil(0.9 * total) - 1] >= bound
    text = " ".join((ROOT / "docs" / "contract.md").read_text(encoding="utf-8").split())
    assert f"at least {bound} of those {len(alone)} must die" in text


def test_the_documented_independence_figures_are_todays() -> None:
    """docs/contract.md quotes how many values `mutants.independent` weighs and how many
    reject-side mutants there are: produced here, so the sentence cannot drift."""
    (operation,) = SHIPPED.operations
    weighed = sum(len(mutants.candidates(operation, place)) for place in operation.places())
    reject_side = [
        m for m in mutants.mutants(SHIPPED) if m.status == "distinguishable" and m.breaks
    ]
    alone = mutants.independent(operation)
    quoted = (
        f"Of the {len(reject_side)} reject-side mutants, {len(alone)} are pairwise independent: "
        f"no value among {weighed:,} candidates (every witness and the search pool)"
    )
    text = " ".join((ROOT / "docs" / "contract.md").read_text(encoding="utf-8").split())
    assert quoted in text, quoted


def test_the_documented_first_composed_probe_figure_is_todays() -> None:
    """docs/contract.md quotes how many accept-side mutants the plan's first composed probe
    leaves alive: produced here from the plan and the mutants' kill sets."""
    (operation,) = SHIPPED.operations
    first = next(probe for probe in _plan(FRAGMENTS[0]) if probe.members)
    accept_side = {
        m.key for m in mutants.mutants(SHIPPED) if m.status == "distinguishable" and not m.breaks
    }
    survivors = accept_side - mutants.kill_set(operation, first)
    quoted = (
        f"Of the {len(accept_side)} accept-side mutants, {len(survivors)} survive the first "
        "composed probe"
    )
    text = " ".join((ROOT / "docs" / "contract.md").read_text(encoding="utf-8").split())
    assert quoted in text, quoted
