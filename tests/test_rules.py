"""The hot path's fast yes (`rules.accepts`) never disagrees with the full checker."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dynamic_sdk_client.constraints import PARAMETERS, SCHEMAS
from dynamic_sdk_runtime.rules import FieldRule, accepts, value_violation

PURE = settings.get_profile("pure")
"""A pure-function property: many examples (contract_tests/profiles.py, PURE_EXAMPLES)."""

RULES = [
    *PARAMETERS["retry_sms_verification"],
    *(rule for rules in SCHEMAS.values() for rule in rules),
]
DISTINCT = list({(r.required, r.max_length, r.min_length, r.pattern): r for r in RULES}.values())
"""One rule per distinct constraint set (what `accepts` and the checker read): a property
draws from these, so each gets about a fifth of the pure profile's examples."""
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789abcdefABCDEF- \n", max_size=40),
    st.sampled_from(["95b11417-f18f-457f-8804-68e361f9164f", "US", "ABCD1", "9171113333", ""]),
    st.none(),
    st.integers(),
)


def test_every_rule_has_its_constraints_drawn() -> None:
    assert {(r.required, r.max_length, r.min_length, r.pattern) for r in DISTINCT} == {
        (r.required, r.max_length, r.min_length, r.pattern) for r in RULES
    }


@settings(PURE)
@given(rule=st.sampled_from(DISTINCT), value=VALUES)
def test_a_fast_yes_is_always_a_yes(rule: FieldRule, value: object) -> None:
    if accepts(rule)(value):
        assert value_violation(rule, value) is None


@settings(PURE)
@given(rule=st.sampled_from(DISTINCT), value=st.text(alphabet="0123456789abcdefUS -", max_size=40))
def test_on_ascii_the_fast_answer_is_the_answer(rule: FieldRule, value: str) -> None:
    assert accepts(rule)(value) == (value_violation(rule, value) is None)
