"""The one summary of latency samples in the reports, from `statistics.quantiles` (method "inclusive": linear
interpolation between closest ranks, numpy's default)."""

from __future__ import annotations

import math
import statistics


def percentiles(values: list[float]) -> list[float]:
    """The 1st … 99th percentiles (index q - 1 for the q-th); a single value is every percentile of itself."""
    if len(values) < 2:  # statistics.quantiles needs two points before Python 3.13
        return list(values) * 99
    return statistics.quantiles(values, n=100, method="inclusive")


def summary_ms(seconds: list[float], digits: int = 3) -> dict:
    """n, p50/p95/p99, mean and max in milliseconds, rounded for the report."""
    values = [s * 1000 for s in seconds]
    if not values:
        return {"n": 0}
    cuts = percentiles(values)
    return {"n": len(values), "p50": round(cuts[49], digits), "p95": round(cuts[94], digits),
            "p99": round(cuts[98], digits), "mean": round(statistics.fmean(values), digits),
            "max": round(max(values), digits)}


def ratio(slow: float, fast: float) -> float | None:
    if not fast or math.isnan(fast) or math.isnan(slow):
        return None
    return round(slow / fast, 2)
