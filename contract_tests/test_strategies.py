"""Every strategy family says what its name claims, judged by real ECMA-262 engines.

A family's values must get the family's verdict from regress (Rust, in process) and from
V8 (Node, via ecma_oracle) on the field's pattern and code-point maxLength, and must break
only the rule the family is about: a "pattern" family stays within maxLength, a
"maxLength" family keeps matching the pattern where that is possible.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ._engine import code_point_length, ecma_test
from .ecma_oracle import code_point_lengths, ecma_verdicts, node_available, regress_verdict
from .strategies import (
    BASELINE_FAMILIES,
    FAMILIES,
    FIELD_RULES,
    SCRIPT_SAMPLES,
    VERSION_FAMILIES,
    Family,
    expected_by_rules,
    unicode_since,
)
from .unicode_ages import BASELINE, VERSIONS


def _has_lone_surrogate(value: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in value)


def _engine_verdicts(pattern: str, value: str) -> list[bool]:
    """The pattern's verdict from every ECMA engine available here (at least one)."""
    verdicts = []
    if not _has_lone_surrogate(value):
        verdicts.append(regress_verdict(pattern, value))
    if node_available():
        verdicts.extend(ecma_verdicts(pattern, [value]))
    if not verdicts:  # regress cannot carry lone surrogates; the translator must do
        verdicts.append(ecma_test(pattern, value))
    return verdicts


@pytest.mark.parametrize(
    "family", BASELINE_FAMILIES, ids=[family.key for family in BASELINE_FAMILIES]
)
@given(data=st.data())
def test_family_values_get_the_family_verdict(family: Family, data: st.DataObject) -> None:
    value = data.draw(family.values(), label="value")
    rule = FIELD_RULES[family.field]
    assert rule.pattern is not None
    assert rule.max_length is not None
    matches = _engine_verdicts(rule.pattern, value)
    assert len(set(matches)) == 1, f"ECMA engines disagree on {value!r}: {matches}"
    within_length = code_point_length(value) <= rule.max_length
    if node_available():
        assert code_point_lengths([value]) == [code_point_length(value)]
    assert (matches[0] and within_length) == family.accept
    assert expected_by_rules(family.field, value) == family.accept
    if family.rule == "pattern":
        assert within_length, "a pattern family must stay within maxLength"
        assert matches[0] == family.accept
    elif family.accept:
        assert code_point_length(value) == rule.max_length, "accepted boundary must be exact"
    else:
        assert code_point_length(value) == rule.max_length + 1, "rejected boundary is max + 1"


def test_iso_country_code_contradiction_is_pinned() -> None:
    """ABCD1 matches the pattern but not maxLength 4; ABC1 and AB1 satisfy both."""
    pattern = FIELD_RULES["isoCountryCode"].pattern
    assert pattern is not None
    assert regress_verdict(pattern, "ABCD1")
    assert not expected_by_rules("isoCountryCode", "ABCD1")
    assert expected_by_rules("isoCountryCode", "ABC1")
    assert expected_by_rules("isoCountryCode", "AB1")


def test_every_field_has_both_sides_of_both_rules() -> None:
    """Each constrained field has accept and reject families for maxLength and pattern."""
    for field in FIELD_RULES:
        sides = {
            (family.rule, family.accept) for family in BASELINE_FAMILIES if family.field == field
        }
        assert sides == {("maxLength", True), ("maxLength", False), ("pattern", False)} | (
            {("pattern", True)} if field not in ("environmentId", "verificationUUID") else set()
        ), field


@pytest.mark.parametrize("family", FAMILIES, ids=[family.key for family in FAMILIES])
@given(data=st.data())
def test_family_characters_have_the_family_unicode_age(family: Family, data: st.DataObject) -> None:
    """Baseline families draw no letter/number newer than the baseline; version families
    draw only letters/numbers of exactly their version."""
    value = data.draw(family.values(), label="value")
    ages = {unicode_since(char) for char in value} - {None}
    if family.unicode_since is None:
        assert ages <= {BASELINE}, ages
    else:
        assert ages == {family.unicode_since}, ages


@given(data=st.data())
def test_version_families_agree_with_the_installed_unicodedata2(data: st.DataObject) -> None:
    """A character the table dates at or before unicodedata2's version is L/N there; later
    ones are not: the committed table and the pinned Unicode database tell the same story."""
    import unicodedata2

    installed = ".".join(unicodedata2.unidata_version.split(".")[:2])
    family = data.draw(st.sampled_from(VERSION_FAMILIES))
    assert family.unicode_since is not None
    for char in data.draw(family.values()):
        letter_or_number = unicodedata2.category(char)[0] in "LN"
        newer = VERSIONS.index(family.unicode_since) > VERSIONS.index(installed)
        assert letter_or_number != newer, (hex(ord(char)), family.unicode_since, installed)


def test_script_samples_are_baseline_letters_and_numbers() -> None:
    """The named script samples are letters/numbers since the baseline, so every server
    must accept them."""
    for name, ranges in SCRIPT_SAMPLES.items():
        for low, high in ranges:
            for code_point in range(low, high + 1):
                assert unicode_since(chr(code_point)) == BASELINE, (name, hex(code_point))
