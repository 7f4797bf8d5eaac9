"""Every code point, 0..0x10FFFF with lone surrogates, gets V8's one-character verdict.

Node computes each set once as ranges (a loop over code points in JavaScript); the
translator's set comes from one compiled regex run over a string of all code points.
Comparing range lists keeps the 8 x 1,114,112 checks to a few seconds.
"""

from __future__ import annotations

import functools
import re

import pytest

from contract_tests.ecma_oracle import node_matching_ranges
from dynamic_sdk_client._ecma import ecma_test, to_python

ALL_CODE_POINTS = 0x110000
NAME_CLASS = r"[\p{L}\p{N}a-zA-Z _.,:!?&%@\/+\-'|]"
ATOMS = [r"\p{L}", r"\p{N}", r"\s", r"\S", r"\d", r"\w", ".", NAME_CLASS]


@functools.cache
def every_code_point() -> str:
    """All code points in order, so a match's offset is its code point (no pairs are joined)."""
    return "".join(map(chr, range(ALL_CODE_POINTS)))


def translator_ranges(atom: str) -> list[tuple[int, int]]:
    """Runs of code points the translated one-character atom matches."""
    runs = re.compile(f"(?:{to_python(atom)})+")
    return [(match.start(), match.end() - 1) for match in runs.finditer(every_code_point())]


def boundaries(ranges: list[tuple[int, int]]) -> set[int]:
    """The code points at and next to each range edge, where an off-by-one would show."""
    edges = {edge + step for low, high in ranges for edge in (low, high) for step in (-1, 0, 1)}
    return {code_point for code_point in edges if 0 <= code_point < ALL_CODE_POINTS}


def test_the_test_string_holds_every_code_point_once() -> None:
    text = every_code_point()
    assert len(text) == ALL_CODE_POINTS
    assert text[0xD800] == "\ud800"
    assert text[0x10FFFF] == "\U0010ffff"


@pytest.mark.parametrize("atom", ATOMS)
def test_every_code_point_agrees_with_node(atom: str) -> None:
    pattern = f"^{atom}$"
    node = node_matching_ranges(pattern)
    assert node  # every atom here matches something
    assert to_python(pattern) == rf"\A{to_python(atom)}\Z"
    assert translator_ranges(atom) == node
    for code_point in boundaries(node):
        inside = any(low <= code_point <= high for low, high in node)
        assert ecma_test(pattern, chr(code_point)) == inside, hex(code_point)
