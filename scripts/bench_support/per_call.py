"""Section 3: one send per vendor, in process, through ``httpx.Client.send``.

Ours: the sync client's send call as a user writes it (request model built, validated, serialised,
sent through ``httpx.Client.send`` with the retry policy around it, decoded into the result).
Baseline: raw httpx by hand, the same URL, headers and JSON (dict built, ``client.post(url,
json=...)``, ``raise_for_status()``, ``response.json()``). Both clients use the same kind of
``httpx.MockTransport`` answering the vendor's success body, so the ratio is client-side work only:
no socket, no server. ``payloads.check_equivalent`` proves the two requests are the same first.

Method: warm up both; then ``batches`` rounds, each timing one batch of ``calls`` calls of each
side with ``time.perf_counter_ns``, alternating which side goes first; ``gc.collect()`` before each
batch (GC stays enabled, as in real use). The figure is the median of the per-round ratios. A miss
keeps a cProfile of each side: top frames and own time per library.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from typing import Any

from . import payloads, profiling
from .stats import ratio_summary, summary

GOAL = 1.3


def time_batch(call: Callable[[], Any], calls: int) -> float:
    """Seconds per call over one batch."""
    gc.collect()
    start = time.perf_counter_ns()
    for _ in range(calls):
        call()
    return (time.perf_counter_ns() - start) / calls / 1e9


def run(
    vendors: Sequence[str], *, batches: int, calls: int, warmup: int, log: Callable[[str], None]
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for vendor in vendors:
        request = payloads.check_equivalent(vendor)
        ours_client = payloads.ours_client(vendor, transport=payloads.mock_transport(vendor))
        raw_client = payloads.raw_client(vendor, transport=payloads.mock_transport(vendor))
        ours = payloads.ours_call(vendor, ours_client)
        raw = payloads.raw_call(vendor, raw_client)
        for _ in range(warmup):
            ours()
            raw()
        ours_t: list[float] = []
        raw_t: list[float] = []
        for index in range(batches):
            if index % 2 == 0:
                raw_t.append(time_batch(raw, calls))
                ours_t.append(time_batch(ours, calls))
            else:
                ours_t.append(time_batch(ours, calls))
                raw_t.append(time_batch(raw, calls))
        ratio = ratio_summary(ours_t, raw_t)
        ok = ratio["median"] <= GOAL
        path = request["url"].split("bench.invalid", 1)[1]
        entry: dict[str, Any] = {
            "id": f"per_call.{vendor}",
            "section": "per_call",
            "name": f"per call {vendor}: one send through Client.send (MockTransport)",
            "ours_label": f"{type(ours_client).__name__}.{payloads.ours_send(vendor, ours_client).__name__} "
            f"(POST {path}), model built per call",
            "baseline_label": "raw httpx.Client.post(url, json=dict, headers) + response.json()",
            "unit": "s/call",
            "transport": "httpx.MockTransport answering the vendor's success body (both sides)",
            "ours": summary(ours_t),
            "baseline": summary(raw_t),
            "ratio": ratio,
            "goal": {"kind": "ratio_max", "value": GOAL, "text": f"≤ {GOAL:.1f}× raw httpx"},
            "pass": ok,
            "method": {"batches": batches, "calls_per_batch": calls, "warmup_calls": warmup, "interleaved": True},
            "request": request,
        }
        if not ok:
            n = max(200, min(calls, 2000))
            profile = {"ours": profiling.profile_calls(ours, n), "baseline": profiling.profile_calls(raw, n)}
            profile["difference"] = profiling.compare(
                profile["ours"], profile["baseline"], entry["ours"]["median"] * 1e6, entry["baseline"]["median"] * 1e6
            )
            entry["profile"] = profile
        ours_client.close()
        raw_client.close()
        log(
            f"  per call   {vendor:<10} {ratio['median']:.2f}× [{ratio['min']:.2f}–{ratio['max']:.2f}]  "
            f"({entry['ours']['median'] * 1e6:.1f} µs vs {entry['baseline']['median'] * 1e6:.1f} µs)"
        )
        results.append(entry)
    return results
