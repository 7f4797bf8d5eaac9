"""The plan covers every pattern place on both sides, and its Unicode-dated values say
what their checks claim (the engines' agreement is the project's own self-check:
tests/test_strategies_engines.py, outside the installed suite).
"""

from __future__ import annotations

from contract_tests.core.spec import fragment
from contract_tests.core.unicode_ages import BASELINE, VERSIONS
from contract_tests.plan.planner import build_plan
from contract_tests.plan.strategies import unicode_since

PLAN = build_plan(fragment(), {}, seed=0, examples=3)
PLACES = {
    (op.operation_id, place.where): place for op in fragment().operations for place in op.places()
}
STRING_PROBES = [
    probe
    for probe in PLAN
    if (probe.check.operation, probe.check.where) in PLACES
    and PLACES[(probe.check.operation, probe.check.where)].schema.pattern is not None
    and isinstance(probe.value(), str)
]


def test_every_pattern_place_has_both_sides_of_its_pattern_and_a_length_reject() -> None:
    for (operation, where), place in PLACES.items():
        schema = place.schema
        sides = {
            (p.check.rule, p.check.side)
            for p in PLAN
            if (p.check.operation, p.check.where) == (operation, where)
        }
        if schema.pattern is not None:
            assert {("pattern", "reject"), ("pattern", "accept")} <= sides, where
        if schema.max_length is not None:
            # the accept side exists only where the pattern admits a value of that length
            assert ("maxLength", "reject") in sides, where


def test_baseline_checks_use_no_letter_newer_than_the_baseline() -> None:
    """Only version-dependent checks carry letters/numbers newer than the baseline."""
    for probe in STRING_PROBES:
        value = probe.value()
        assert isinstance(value, str)
        ages = {unicode_since(char) for char in value} - {None}
        if probe.check.unicode_since is None:
            assert ages <= {BASELINE}, (probe.check.key, ages)
        else:
            assert probe.check.unicode_since in ages, (probe.check.key, ages)


def test_version_checks_agree_with_the_installed_unicodedata2() -> None:
    """A letter the table dates at or before unicodedata2's version is L/N there; later
    ones are not: the committed table and the pinned Unicode database tell the same story."""
    import unicodedata2

    installed = ".".join(unicodedata2.unidata_version.split(".")[:2])
    versioned = [p for p in STRING_PROBES if p.check.unicode_since is not None]
    for probe in versioned:
        since = probe.check.unicode_since
        assert since is not None
        value = probe.value()
        assert isinstance(value, str)
        newest = [c for c in value if unicode_since(c) == since]
        newer = VERSIONS.index(since) > VERSIONS.index(installed)
        for char in newest:
            assert (unicodedata2.category(char)[0] in "LN") != newer, (hex(ord(char)), since)
