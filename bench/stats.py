"""Percentiles of latency samples, the one summary every figure in the report uses."""

from __future__ import annotations

import math


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on an already sorted list."""
    if not sorted_values:
        return math.nan
    position = (len(sorted_values) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def summary_ms(seconds: list[float]) -> dict:
    """n, p50/p95/p99, mean and max in milliseconds, rounded for the report."""
    values = sorted(s * 1000 for s in seconds)
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 3),
        "p95": round(percentile(values, 95), 3),
        "p99": round(percentile(values, 99), 3),
        "mean": round(sum(values) / len(values), 3),
        "max": round(values[-1], 3),
    }


def ratio(slow: float, fast: float) -> float | None:
    if not fast or math.isnan(fast) or math.isnan(slow):
        return None
    return round(slow / fast, 2)
