"""Hypothesis strategies of the suite, all derived from the operation model.

Nothing here names a field: values are drawn per schema (`pattern_text`) or per
operation (`raw_requests`), and their side of the boundary is always the checker's
verdict (`Operation.violations`, ECMA-262 patterns, lengths in code points), never a
claim made by the strategy. The derived witnesses (`derive.py`) give the boundaries;
these strategies add seeded variety on top of them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from hypothesis import settings
from hypothesis import strategies as st

from contract_tests.core.model import Probe
from contract_tests.core.unicode_ages import LETTER_NUMBER_SINCE
from contract_tests.plan.values import SAMPLE_CHARACTERS, string_seeds
from dynamic_sdk_runtime.fragment import ABSENT, Place, RawRequest
from dynamic_sdk_runtime.schema import Schema

__all__ = [
    "pattern_text",
    "profile_max_examples",
    "raw_requests",
    "unicode_since",
]


def profile_max_examples() -> int:
    """max_examples of the loaded Hypothesis profile (dev or ci), to scale other budgets."""
    current = settings.default
    assert current is not None
    return current.max_examples


def unicode_since(char: str) -> str | None:
    """The version since which `char` is a letter or number (None: it is neither)."""
    code_point = ord(char)
    for by_version in LETTER_NUMBER_SINCE.values():
        for version, ranges in by_version.items():
            if any(low <= code_point <= high for low, high in ranges):
                return version
    return None


@functools.cache
def _alphabet(schema: Schema) -> tuple[str, ...]:
    """Characters of the derived witnesses of `schema` plus the sample characters."""

    chars = {char for seed in string_seeds(schema) for char in seed}
    chars.update(SAMPLE_CHARACTERS.values())
    return tuple(sorted(chars))


def pattern_text(schema: Schema) -> st.SearchStrategy[str]:
    """Strings over the characters the schema's witnesses use, around its length limits."""
    alphabet = st.sampled_from(_alphabet(schema))
    short = st.text(alphabet, min_size=0, max_size=12)
    if schema.max_length is None:
        return short
    low = max(0, schema.max_length - 1)
    return st.one_of(short, st.text(alphabet, min_size=low, max_size=schema.max_length + 1))


def raw_requests(probes: Sequence[Probe]) -> st.SearchStrategy[tuple[str, RawRequest]]:
    """A derived probe with up to two other places overwritten by other probes' values.

    Several broken rules at once, or an accepted value next to a refused one: the verdict
    must still be the checker's. Draws (operation id, the request).
    """

    def combine(picked: list[Probe]) -> tuple[str, RawRequest]:
        first = picked[0]
        request = first.request
        for other in picked[1:]:
            where = other.check.where
            value = other.request.value(where)
            if other.check.operation != first.check.operation or value is ABSENT:
                continue
            location, names = Place.split(where)
            if location == "body" and (len(names) != 1 or not isinstance(request.body, dict)):
                continue  # the whole body, or a nested member: not combined
            request = request.with_value(where, value)
        return first.check.operation, request

    return st.lists(st.sampled_from(list(probes)), min_size=1, max_size=3).map(combine)
