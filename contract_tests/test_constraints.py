"""One documented constraint at a time, against every target in the run.

Each strategy family (see strategies.py) changes one field of an otherwise valid request:
exactly maxLength matching the pattern, maxLength + 1 still matching it, values within
length that break the pattern for one reason, and letters, numbers and punctuation the
pattern admits. The client and each target must give the family's verdict; in the default
run with Node present that includes Prism, so mock and Prism are compared on the same
requests.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from .checks import check_family_probe
from .strategies import Family
from .targets import Target


@given(data=st.data())
def test_one_constraint_at_a_time(
    probe: Family, targets: list[Target], data: st.DataObject
) -> None:
    value = data.draw(probe.values(), label=probe.key)
    for target in targets:
        check_family_probe(target, probe, value)


def test_iso_country_code_contradiction(targets: list[Target]) -> None:
    """ABCD1 matches the pattern but breaks maxLength 4; ABC1 and AB1 satisfy both rules."""
    from .strategies import FAMILIES

    iso = {family.reason: family for family in FAMILIES if family.field == "isoCountryCode"}
    for target in targets:
        check_family_probe(target, iso["5-matching-pattern"], "ABCD1")
        check_family_probe(target, iso["exactly-4-with-digit"], "ABC1")
        check_family_probe(target, iso["within-length-valid"], "AB1")
