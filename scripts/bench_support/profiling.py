"""cProfile summaries kept in the JSON for a missed goal: top frames and own time per library.

Standard library only, so ``worker.py`` can use it in the peer's venv too.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable, Sequence
from typing import Any


def library(filename: str) -> str:
    """Which library a frame belongs to: the site-packages distribution, our generated package, the
    peer's package, the bench, or the standard library."""
    for marker, index in (("site-packages/", 0), ("generated/", 1), ("bench-peer-", 2), ("bench_support/", -1)):
        if marker in filename:
            rest = filename.split(marker, 1)[1].split("/")
            if index < 0:
                return "bench harness"
            return rest[index] if len(rest) > index else rest[-1]
    if filename.startswith("<") or "/lib/python3" in filename or filename == "~":
        return "stdlib/builtins"
    return "other"


def where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    for marker in ("site-packages/", "generated/", "lib/python3.", "scripts/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})" if line else name


def table(profiler: cProfile.Profile | Sequence[cProfile.Profile], ops: int, top: int = 15) -> dict[str, Any]:
    """Top functions by own and by cumulative time, and own time per library, per operation (several
    profilers, one per thread, are added up)."""
    profilers = [profiler] if isinstance(profiler, cProfile.Profile) else list(profiler)
    stats = pstats.Stats(*profilers, stream=io.StringIO())
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]

    def rows(key: int) -> list[dict[str, Any]]:
        # key 2: tottime (own time), 3: cumtime
        ordered = sorted(raw.items(), key=lambda kv: kv[1][key], reverse=True)[:top]
        return [
            {
                "function": where(func),
                "calls_per_op": round(values[1] / ops, 2),
                "own_us_per_op": round(values[2] / ops * 1e6, 2),
                "cum_us_per_op": round(values[3] / ops * 1e6, 2),
            }
            for func, values in ordered
        ]

    by_library: dict[str, float] = {}
    for (filename, _, _), values in raw.items():
        name = library(filename)
        by_library[name] = by_library.get(name, 0.0) + values[2]
    return {
        "profiled_ops": ops,
        "profiled_us_per_op": round(total / ops * 1e6, 2),
        "own_share_by_library": {
            k: round(v / total, 3) for k, v in sorted(by_library.items(), key=lambda kv: kv[1], reverse=True) if total
        },
        "own_us_per_op_by_library": {
            k: round(v / ops * 1e6, 2) for k, v in sorted(by_library.items(), key=lambda kv: kv[1], reverse=True)
        },
        "top_own_time": rows(2),
        "top_cumulative": rows(3),
        # For ``compare``: functions holding at least 0.5% of the profiled time (own) or 2% (cumulative).
        "own_us_per_op_by_function": {
            where(func): round(values[2] / ops * 1e6, 2) for func, values in raw.items() if values[2] >= 0.005 * total
        },
        "cum_us_per_op_by_function": {
            where(func): round(values[3] / ops * 1e6, 2) for func, values in raw.items() if values[3] >= 0.02 * total
        },
    }


def compare(ours: dict[str, Any], baseline: dict[str, Any], ours_us: float, baseline_us: float) -> dict[str, Any]:
    """Where ours spends more than the baseline, with both profiles scaled to the measured µs per
    operation (the profiler inflates every call): own time by library and by function (own times
    do not nest, so these differences add up to the total), and the cumulative time of the
    functions both sides call (e.g. the same httpx method doing more work for one side)."""
    scale_o = ours_us / ours["profiled_us_per_op"] if ours["profiled_us_per_op"] else 0.0
    scale_b = baseline_us / baseline["profiled_us_per_op"] if baseline["profiled_us_per_op"] else 0.0

    def difference(key: str, shared_only: bool = False) -> dict[str, float]:
        o = {k: v * scale_o for k, v in ours[key].items()}
        b = {k: v * scale_b for k, v in baseline[key].items()}
        keys = (set(o) & set(b)) if shared_only else (set(o) | set(b))
        return {k: o.get(k, 0.0) - b.get(k, 0.0) for k in keys if "bench_support/" not in k}

    def ranked(values: dict[str, float], limit: int) -> list[tuple[str, float]]:
        return [(k, v) for k, v in sorted(values.items(), key=lambda kv: kv[1], reverse=True)[:limit] if v >= 0.5]

    return {
        "note": "µs per operation, each profile scaled to its measured time; positive = ours spends more",
        "extra_us": round(ours_us - baseline_us, 2),
        "extra_own_us_by_library": {k: round(v, 1) for k, v in ranked(difference("own_us_per_op_by_library"), 8)},
        "extra_own_us_by_function": [
            {"function": k, "extra_us": round(v, 1)} for k, v in ranked(difference("own_us_per_op_by_function"), 12)
        ],
        "extra_cum_us_in_shared_functions": [
            {"function": k, "extra_us": round(v, 1)}
            for k, v in ranked(difference("cum_us_per_op_by_function", shared_only=True), 8)
        ],
    }


def brief_compare(difference: dict[str, Any], frames: int = 4) -> str:
    libs = ", ".join(f"{k} {v:+.0f}" for k, v in list(difference["extra_own_us_by_library"].items())[:4])
    own = "; ".join(f"{r['function']} {r['extra_us']:+.0f}" for r in difference["extra_own_us_by_function"][:frames])
    shared = "; ".join(
        f"{r['function']} {r['extra_us']:+.0f}" for r in difference["extra_cum_us_in_shared_functions"][:3]
    )
    return (
        f"{difference['extra_us']:+.0f} µs/op. Extra own µs by library: {libs}. By function: {own}. "
        f"Same functions, more cumulative µs: {shared}"
    )


def profile_calls(call: Callable[[], Any], ops: int, top: int = 15) -> dict[str, Any]:
    """cProfile of ``ops`` calls of ``call``."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(ops):
        call()
    profiler.disable()
    return table(profiler, ops, top)


def brief(profile: dict[str, Any], frames: int = 3) -> str:
    """One line for the printed explanation: the biggest library shares and the top frames."""
    shares = ", ".join(f"{k} {v:.0%}" for k, v in list(profile.get("own_share_by_library", {}).items())[:4])
    tops = "; ".join(
        f"{row['function']} {row['own_us_per_op']:.1f} µs" for row in profile.get("top_own_time", [])[:frames]
    )
    return f"own time by library: {shares}; top frames (own µs/op): {tops}"
