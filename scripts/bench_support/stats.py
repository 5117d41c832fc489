"""Summaries of repeated measurements: median with its spread."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def summary(samples: Sequence[float]) -> dict[str, Any]:
    """Median, min, max, quartiles and the samples themselves (rounded for the JSON file)."""
    values = sorted(float(s) for s in samples)
    if not values:
        raise ValueError("no samples")
    if len(values) >= 4:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1, q3 = values[0], values[-1]
    return {
        "median": statistics.median(values),
        "min": values[0],
        "max": values[-1],
        "q1": q1,
        "q3": q3,
        "n": len(values),
        "samples": [round(v, 9) for v in samples],
    }


def ratio_summary(ours: Sequence[float], baseline: Sequence[float]) -> dict[str, Any]:
    """Per-round ratios ours[i] / baseline[i] (rounds were interleaved, so pairs share drift)."""
    if len(ours) != len(baseline):
        raise ValueError("ours and baseline need the same number of rounds")
    return summary([o / b for o, b in zip(ours, baseline, strict=True)])


def spread_text(s: dict[str, Any], scale: float = 1.0, fmt: str = "{:.3g}") -> str:
    """``min–max`` of a summary, for the printed table."""
    return f"{fmt.format(s['min'] * scale)}–{fmt.format(s['max'] * scale)}"
