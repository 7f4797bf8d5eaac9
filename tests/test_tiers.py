"""The spread that keeps long parametrized tests in CI: each feature once, the rest slow."""

from __future__ import annotations

from tests.support.tiers import spread


def _kept(params: list[object]) -> list[object]:
    return [p.values for p in params if not p.marks]  # type: ignore[attr-defined]


def test_a_value_is_kept_only_when_all_its_features_are_new() -> None:
    values = [("a", 1), ("a", 2), ("b", 1), ("b", 2), ("c", 3)]
    params = spread(values, lambda v: v)
    assert _kept(params) == [(("a", 1),), (("b", 2),), (("c", 3),)]
    slow = [p for p in params if p.marks]  # type: ignore[attr-defined]
    assert all(m.name == "slow" for p in slow for m in p.marks)  # type: ignore[attr-defined]
    assert len(params) == len(values)


def test_unpack_hands_each_tuple_over_as_the_test_s_arguments() -> None:
    params = spread([("x", 1), ("y", 2)], lambda v: v[:1], unpack=True)
    assert _kept(params) == [("x", 1), ("y", 2)]
