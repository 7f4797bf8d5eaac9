"""Every derived probe says what its check claims, judged by real ECMA-262 engines.

For every string value the plan puts in a pattern-constrained place, the checker's verdict
on the place's pattern (`dynamic_sdk_runtime.ecma`, what judges every answer), regress
called directly (Rust, in process) and V8 (Node, via ecma_oracle: the independent engine,
whenever Node is on PATH, as in CI) must agree, and must give a `pattern` check's value the
check's side; code-point lengths must agree with V8's. A check about one rule (`pattern`,
`maxLength`, ...) must break only that rule on its reject side.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests.core.model import Probe
from contract_tests.plan.strategies import pattern_text
from contract_tests.test_strategies import PLACES, STRING_PROBES
from dynamic_sdk_runtime.ecma import code_point_length, ecma_test
from dynamic_sdk_runtime.schema import schema_violations
from tests.support.ecma_oracle import (
    code_point_lengths,
    ecma_verdicts,
    node_available,
    regress_verdict,
)


def _ids(probes: list[Probe]) -> list[str]:
    return [f"{p.check.key}#{i}" for i, p in enumerate(probes)]


def verdicts(pattern: str, value: str) -> dict[str, bool]:
    """Each engine's verdict on `value`, by name: the checker, regress, and V8 when Node is here."""
    found = {"checker": ecma_test(pattern, value), "regress": regress_verdict(pattern, value)}
    if node_available():
        (found["V8"],) = ecma_verdicts(pattern, [value])
    return found


@pytest.mark.parametrize("probe", STRING_PROBES, ids=_ids(STRING_PROBES))
def test_engines_agree_with_the_checker_on_every_derived_value(probe: Probe) -> None:
    place = PLACES[(probe.check.operation, probe.check.where)]
    pattern = place.schema.pattern
    assert pattern is not None
    value = probe.value()
    assert isinstance(value, str)
    found = verdicts(pattern, value)
    if node_available():
        assert code_point_lengths([value]) == [code_point_length(value)]
    expected = found["checker"]
    if probe.check.unicode_since is None and (
        probe.check.side == "accept" or probe.check.rule == "pattern"
    ):
        # an accepted value matches the pattern; a pattern check's reject value does not
        expected = probe.check.side == "accept"
    assert found == dict.fromkeys(found, expected), f"verdicts on {value!r}: {found}"
    broken = {v.rule for v in schema_violations(place.schema, value, "v")}
    if probe.check.unicode_since is None:
        assert (not broken) == (probe.check.side == "accept"), (value, broken)
    one_rule = probe.check.rule in ("pattern", "maxLength", "minLength")
    if probe.check.side == "reject" and one_rule and "too" not in probe.check.reason:
        assert broken == {probe.check.rule}, (value, broken)


@settings(max_examples=30)
@given(data=st.data())
def test_drawn_values_get_the_checkers_verdict_from_every_engine(data: st.DataObject) -> None:
    place = data.draw(st.sampled_from([p for p in PLACES.values() if p.schema.pattern]))
    pattern = place.schema.pattern
    assert pattern is not None
    value = data.draw(pattern_text(place.schema))
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return
    found = verdicts(pattern, value)
    assert found == dict.fromkeys(found, found["checker"]), (value, found)
