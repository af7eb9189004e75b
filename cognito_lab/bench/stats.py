"""Summaries of timing samples: percentiles, and a method's median, p95, p99 and mean."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: list[float], fraction: float) -> float:
    """Linear-interpolated percentile of unsorted ``values`` (``fraction`` in [0, 1])."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Stats:
    """Summary of one method's samples (microseconds)."""

    n: int
    median: float
    p95: float
    p99: float
    mean: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        values = list(samples)
        return cls(len(values), percentile(values, 0.5), percentile(values, 0.95),
                   percentile(values, 0.99), statistics.fmean(values))


__all__ = ["Stats", "percentile"]
