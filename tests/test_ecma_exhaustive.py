"""Every code point, 0..0x10FFFF with lone surrogates, gets V8's one-character verdict.

Node computes each set once as ranges (a loop over code points in JavaScript); ours
comes from the runtime's check on each code point alone. Comparing range lists keeps
the report short when they differ.
"""

from __future__ import annotations

import pytest

from dynamic_sdk_runtime.ecma import compile_pattern
from tests.support.ecma_oracle import node_matching_ranges

ALL_CODE_POINTS = 0x110000
NAME_CLASS = r"[\p{L}\p{N}a-zA-Z _.,:!?&%@\/+\-'|]"
ATOMS = [r"\p{L}", r"\p{N}", r"\s", r"\S", r"\d", r"\w", ".", NAME_CLASS]


def runtime_ranges(pattern: str) -> list[tuple[int, int]]:
    """Runs of code points, each alone, that the runtime's check of `pattern` accepts."""
    test = compile_pattern(pattern).test
    runs: list[tuple[int, int]] = []
    for code_point in range(ALL_CODE_POINTS):
        if test(chr(code_point)):
            if runs and runs[-1][1] == code_point - 1:
                runs[-1] = (runs[-1][0], code_point)
            else:
                runs.append((code_point, code_point))
    return runs


def boundaries(ranges: list[tuple[int, int]]) -> set[int]:
    """The code points at and next to each range edge, where an off-by-one would show."""
    edges = {edge + step for low, high in ranges for edge in (low, high) for step in (-1, 0, 1)}
    return {code_point for code_point in edges if 0 <= code_point < ALL_CODE_POINTS}


@pytest.mark.parametrize("atom", ATOMS)
def test_every_code_point_agrees_with_node(atom: str) -> None:
    pattern = f"^{atom}$"
    node = node_matching_ranges(pattern)
    assert node  # every atom here matches something
    ours = runtime_ranges(pattern)
    assert ours == node, sorted(boundaries(ours) ^ boundaries(node))[:20]
