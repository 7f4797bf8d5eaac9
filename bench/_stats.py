"""Alternating side-by-side timing: the only kind of comparison this noisy machine allows."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = [
    "Comparison",
    "compare",
    "compare_async",
    "per_call_microseconds",
    "percentile",
]


@dataclass(frozen=True)
class Comparison:
    """Median per-call times of two sides and the median of the per-round ratios A/B."""

    a_us: float
    b_us: float
    ratio: float
    ratio_min: float
    ratio_max: float
    rounds: int
    calls_per_round: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "a_us_per_call": round(self.a_us, 3),
            "b_us_per_call": round(self.b_us, 3),
            "ratio": round(self.ratio, 4),
            "ratio_min": round(self.ratio_min, 4),
            "ratio_max": round(self.ratio_max, 4),
            "rounds": self.rounds,
            "calls_per_round": self.calls_per_round,
        }


def _summarise(a_ns: list[int], b_ns: list[int], calls: int) -> Comparison:
    ratios = [a / b for a, b in zip(a_ns, b_ns, strict=True)]
    return Comparison(
        a_us=statistics.median(a_ns) / calls / 1000,
        b_us=statistics.median(b_ns) / calls / 1000,
        ratio=statistics.median(ratios),
        ratio_min=min(ratios),
        ratio_max=max(ratios),
        rounds=len(ratios),
        calls_per_round=calls,
    )


def _batch(call: Callable[[], object], calls: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(calls):
        call()
    return time.perf_counter_ns() - start


def compare(
    side_a: Callable[[], object],
    side_b: Callable[[], object],
    *,
    rounds: int,
    calls: int,
    warmup: int = 50,
) -> Comparison:
    """Time `calls` calls of A, then of B, `rounds` times (ABAB...); ratio is A/B."""
    for _ in range(warmup):
        side_a()
        side_b()
    a_ns: list[int] = []
    b_ns: list[int] = []
    for _ in range(rounds):
        a_ns.append(_batch(side_a, calls))
        b_ns.append(_batch(side_b, calls))
    return _summarise(a_ns, b_ns, calls)


async def _abatch(call: Callable[[], Awaitable[object]], calls: int) -> int:
    start = time.perf_counter_ns()
    for _ in range(calls):
        await call()
    return time.perf_counter_ns() - start


async def compare_async(
    side_a: Callable[[], Awaitable[object]],
    side_b: Callable[[], Awaitable[object]],
    *,
    rounds: int,
    calls: int,
    warmup: int = 50,
) -> Comparison:
    """`compare` for coroutines, awaited one at a time on the running loop."""
    for _ in range(warmup):
        await side_a()
        await side_b()
    a_ns: list[int] = []
    b_ns: list[int] = []
    for _ in range(rounds):
        a_ns.append(await _abatch(side_a, calls))
        b_ns.append(await _abatch(side_b, calls))
        await asyncio.sleep(0)
    return _summarise(a_ns, b_ns, calls)


def per_call_microseconds(call: Callable[[], object], *, rounds: int, calls: int) -> float:
    """Median over rounds of the mean time of one call, in microseconds."""
    for _ in range(min(calls, 50)):
        call()
    return statistics.median(_batch(call, calls) for _ in range(rounds)) / calls / 1000


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted, non-empty list."""
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]
