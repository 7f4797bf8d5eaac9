"""Which cases of a long parametrized test run in CI and which wait for the slow tier.

CI (`.ci/run`, the README's `nox -s tests`) must stay under 15 minutes; `nox -s slow` runs
every case. A spread keeps the first case of each new combination of features (a place,
a kind of mistake, a server shape), so CI still sees every feature that it keeps somewhere,
and the slow tier holds the repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

import pytest

T = TypeVar("T")


def spread(
    values: Iterable[T], features: Callable[[T], Sequence[Hashable]], *, unpack: bool = False
) -> list[object]:
    """Each value as a pytest param (`unpack`: a tuple of the test's arguments): kept in CI
    when none of its features was kept before it, marked `slow` otherwise. Order decides:
    the first value of a feature stays."""
    seen: set[Hashable] = set()
    params: list[object] = []
    for value in values:
        mine = set(features(value))
        fresh = not (mine & seen)
        if fresh:
            seen |= mine
        arguments = tuple(value) if unpack and isinstance(value, tuple) else (value,)
        params.append(pytest.param(*arguments, marks=() if fresh else pytest.mark.slow))
    return params
