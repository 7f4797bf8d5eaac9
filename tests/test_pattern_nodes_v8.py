"""V8 (Node 20) gives every witness of the named patterns the side `pattern_nodes` gives it.

The runtime's engine (regress) chose and checked the witnesses; V8 is the independent
ECMA-262 engine, so a witness the two disagree on would probe a server with a wrong
expectation. Lengths are counted by V8 too (`[...value].length`).
"""

from __future__ import annotations

import pytest
from hypothesis import given

from contract_tests.core.pattern_nodes import witnesses
from tests.support.ecma_oracle import code_point_lengths, ecma_verdicts
from tests.test_pattern_nodes import (
    GENERATED,
    MAX_LENGTHS,
    MIN_LENGTHS,
    NAMED,
    NAMED_IDS,
    PATTERNS,
)


@pytest.mark.parametrize(("pattern", "min_length", "max_length"), NAMED, ids=NAMED_IDS)
def test_v8_agrees_with_every_witness(
    pattern: str, min_length: int | None, max_length: int | None
) -> None:
    found = witnesses(pattern, min_length=min_length, max_length=max_length)
    values = [witness.value for witness in found]
    verdicts = ecma_verdicts(pattern, values)
    assert [
        (w.node, w.reason, w.value)
        for w, verdict in zip(found, verdicts, strict=True)
        if verdict is not (w.side == "accept")
    ] == []
    for witness, length in zip(found, code_point_lengths(values), strict=True):
        assert min_length is None or length >= min_length, witness
        assert max_length is None or length <= max_length, witness


@GENERATED
@given(parts=PATTERNS, min_length=MIN_LENGTHS, max_length=MAX_LENGTHS)
def test_v8_agrees_on_generated_patterns(
    parts: tuple[str, str, str], min_length: int | None, max_length: int | None
) -> None:
    """The generated patterns and lengths of test_pattern_nodes.py, as many: V8 must give
    every witness its side, and count it within both length rules."""
    pattern = "".join(parts)
    found = witnesses(pattern, min_length=min_length, max_length=max_length)
    values = [witness.value for witness in found]
    verdicts = ecma_verdicts(pattern, values)
    assert [w for w, v in zip(found, verdicts, strict=True) if v is not (w.side == "accept")] == []
    for witness, length in zip(found, code_point_lengths(values), strict=True):
        assert min_length is None or length >= min_length, witness
        assert max_length is None or length <= max_length, witness
