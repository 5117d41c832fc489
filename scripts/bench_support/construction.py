"""Section 2: constructing each client, sync and async, against constructing the matching httpx client.

In process. Ours: ``Paubox(key, api_username=..., base_url=...)`` (and each vendor's equivalent, and
the async twins) as a user writes it, building its own connection pool. Baseline: ``httpx.Client()``
/ ``httpx.AsyncClient()``. Both create the default transport, so both load the CA bundle into an
SSL context, which is most of the cost.

Method: one untimed construction of each; then ``rounds`` rounds, each timing a batch of ``batch``
constructions of each side (alternating which goes first), ``gc.collect()`` before each batch; the
objects of a batch are closed after it, outside the timed part. The figure is the median of the
per-round ratios. A miss keeps a cProfile of each side.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from . import payloads, profiling
from .stats import ratio_summary, summary

GOAL = 1.5


def _close(objects: list[Any]) -> None:
    for obj in objects:
        close = getattr(obj, "close", None)
        if close is not None:
            close()
        # Async clients hold no connection yet: dropping them is enough.


def time_batch(build: Callable[[], Any], count: int) -> float:
    """Seconds per construction over one batch."""
    made: list[Any] = []
    gc.collect()
    start = time.perf_counter()
    for _ in range(count):
        made.append(build())
    elapsed = (time.perf_counter() - start) / count
    _close(made)
    return elapsed


def _profile(build: Callable[[], Any], count: int) -> dict[str, Any]:
    made: list[Any] = []
    result = profiling.profile_calls(lambda: made.append(build()), count)
    _close(made)
    return result


def cases(vendors: Sequence[str]) -> list[tuple[str, str, Callable[[], Any], Callable[[], Any]]]:
    """(vendor, flavour, ours, baseline) of every case."""
    out: list[tuple[str, str, Callable[[], Any], Callable[[], Any]]] = []
    for vendor in vendors:
        for use_async in (False, True):

            def ours(vendor: str = vendor, use_async: bool = use_async) -> Any:
                return payloads.ours_client(vendor, use_async=use_async)

            base: Callable[[], Any] = httpx.AsyncClient if use_async else httpx.Client
            out.append((vendor, "async" if use_async else "sync", ours, base))
    return out


def run(vendors: Sequence[str], *, rounds: int, batch: int, log: Callable[[str], None]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    selected = cases(vendors)
    for _, _, ours, base in selected:  # warm-up: imports, first-use caches
        _close([ours(), base()])
    measured: list[tuple[list[float], list[float]]] = [([], []) for _ in selected]
    for index in range(rounds):
        order = list(range(len(selected)))
        shift = index % len(order)
        for case in order[shift:] + order[:shift]:
            _, _, ours, base = selected[case]
            if (index + case) % 2 == 0:
                measured[case][1].append(time_batch(base, batch))
                measured[case][0].append(time_batch(ours, batch))
            else:
                measured[case][0].append(time_batch(ours, batch))
                measured[case][1].append(time_batch(base, batch))
    for (vendor, flavour, ours, base), (ours_t, base_t) in zip(selected, measured, strict=True):
        ratio = ratio_summary(ours_t, base_t)
        ok = ratio["median"] <= GOAL
        sample = ours()
        cls = type(sample).__name__
        _close([sample])
        baseline = "httpx.AsyncClient()" if flavour == "async" else "httpx.Client()"
        entry: dict[str, Any] = {
            "id": f"construction.{vendor}.{flavour}",
            "section": "construction",
            "name": f"construct {cls}",
            "ours_label": f"{cls}(credentials, base_url=...)",
            "baseline_label": baseline,
            "unit": "s/call",
            "ours": summary(ours_t),
            "baseline": summary(base_t),
            "ratio": ratio,
            "goal": {"kind": "ratio_max", "value": GOAL, "text": f"≤ {GOAL:.1f}× {baseline}"},
            "pass": ok,
            "method": {"rounds": rounds, "constructions_per_batch": batch, "interleaved": True, "in_process": True},
        }
        if not ok:
            profile = {"ours": _profile(ours, max(5, batch)), "baseline": _profile(base, max(5, batch))}
            profile["difference"] = profiling.compare(
                profile["ours"], profile["baseline"], entry["ours"]["median"] * 1e6, entry["baseline"]["median"] * 1e6
            )
            entry["profile"] = profile
        log(
            f"  construct  {cls:<16} {ratio['median']:.2f}× [{ratio['min']:.2f}–{ratio['max']:.2f}]  "
            f"({entry['ours']['median'] * 1e3:.1f} ms vs {entry['baseline']['median'] * 1e3:.1f} ms)"
        )
        results.append(entry)
    return results
