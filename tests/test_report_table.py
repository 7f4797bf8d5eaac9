"""The summary's text table stays readable: columns never run together."""

from __future__ import annotations

from contract_tests.report.recorder import Recorder


def test_columns_are_as_wide_as_their_longest_value() -> None:
    recorder = Recorder()
    long_field = "someOperation:body.aRatherLongMemberName"
    recorder.record(
        field_name=long_field,
        rule="pattern",
        side="accept",
        target="mock",
        accepted=True,
        agreed=True,
        curl="",
        detail="",
    )
    header, row = recorder.lines()[1:3]
    assert row.startswith(long_field + "  pattern")
    assert header.index("rule") == row.index("pattern")
    assert row.split() == [long_field, "pattern", "accept", "mock", "1", "1", "0", "0"]
