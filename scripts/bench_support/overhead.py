"""Section 1: per-call client overhead, in process, over ``httpx.MockTransport``.

Each vendor's overlay send (request model built, validated, serialised, sent through the retry
transport, decoded into the response model) against raw httpx doing the same request by hand
(dict built, ``client.post(json=...)``, ``response.json()``). Both use the same MockTransport
handler, so the ratio is client-side work only.

Method: warm up both; then ``batches`` rounds, each timing one batch of ``calls`` calls of each
side with ``time.perf_counter_ns``, alternating which side goes first (A/B, B/A, ...) so slow
drift of the machine hits both; ``gc.collect()`` before each batch (GC stays enabled, as in real
use). The figure is the median of the per-round ratios; the per-call times are medians too.
"""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import time
from collections.abc import Callable
from typing import Any

from . import payloads
from .stats import ratio_summary, summary

GOAL = 1.15


def time_batch(call: Callable[[], Any], calls: int) -> float:
    """Seconds per call over one batch."""
    gc.collect()
    start = time.perf_counter_ns()
    for _ in range(calls):
        call()
    return (time.perf_counter_ns() - start) / calls / 1e9


def profile_calls(call: Callable[[], Any], calls: int, top: int = 15) -> dict[str, Any]:
    """cProfile of ``calls`` calls: the top functions by own time and by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    return profile_table(profiler, calls, top)


def profile_table(profiler: cProfile.Profile, calls: int, top: int = 15) -> dict[str, Any]:
    stats = pstats.Stats(profiler, stream=io.StringIO())
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]

    def rows(key: int) -> list[dict[str, Any]]:
        # key 2: tottime (own time), 3: cumtime
        ordered = sorted(raw.items(), key=lambda kv: kv[1][key], reverse=True)[:top]
        return [
            {
                "function": _where(func),
                "calls_per_op": round(values[1] / calls, 2),
                "own_us_per_op": round(values[2] / calls * 1e6, 2),
                "cum_us_per_op": round(values[3] / calls * 1e6, 2),
            }
            for func, values in ordered
        ]

    return {
        "profiled_ops": calls,
        "profiled_us_per_op": round(total / calls * 1e6, 2),
        "top_own_time": rows(2),
        "top_cumulative": rows(3),
    }


def stages(vendor: str, calls: int) -> dict[str, Any]:
    """Where one call's time goes, stage by stage (each stage timed alone in a loop, µs per call).

    Ours: build the request model; validate + ``to_dict`` (the overlay's ``*_request``); the httpx
    request through the retry transport; decode into the response model. Raw: build the dict;
    ``client.post(json=...)``; ``response.json()``. This reaches into the overlay's private
    ``_operations`` module on purpose: it is a diagnosis, not an API.
    """
    import importlib

    package = importlib.import_module(f"{vendor}_client._operations")
    client = payloads.ours_client(vendor, transport=payloads.mock_transport(vendor))
    make = payloads.ours_message_factory(vendor)
    message = make()
    if vendor == "paubox":

        def build_request() -> Any:
            return package.send_message_request(message, None, None, None)
    elif vendor == "smtpcom":

        def build_request() -> Any:
            return package.send_request(message)
    else:

        def build_request() -> Any:
            return package.send_mail_request(client._settings, message, None)

    kwargs = build_request()
    send = client._send
    response = send(dict(kwargs), None, None)
    decode = package.decode_send

    raw_client = payloads.raw_client(vendor, transport=payloads.mock_transport(vendor))
    spec = payloads.raw_request(vendor)
    body = spec.build()
    raw_response = raw_client.post(spec.path, json=body)

    def per_call(fn: Callable[[], Any]) -> float:
        for _ in range(min(200, calls)):
            fn()
        return round(min(time_batch(fn, calls) for _ in range(3)) * 1e6, 2)

    ours = {
        "build request model": per_call(make),
        "validate + to_dict (overlay *_request)": per_call(build_request),
        "httpx request via RetryTransport": per_call(lambda: send(dict(kwargs), None, None)),
        "decode to response model": per_call(lambda: decode(response)),
    }
    raw = {
        "build dict": per_call(spec.build),
        "client.post(json=...)": per_call(lambda: raw_client.post(spec.path, json=body)),
        "response.json()": per_call(raw_response.json),
    }
    client.close()
    raw_client.close()
    return {
        "note": "best of 3 loops per stage, µs per call; stages timed alone, so sums differ a little from whole calls",
        "ours_us": ours,
        "ours_total_us": round(sum(ours.values()), 2),
        "raw_us": raw,
        "raw_total_us": round(sum(raw.values()), 2),
    }


def _where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    for marker in ("site-packages/", "generated/", "lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})" if line else name


def run(
    vendors: tuple[str, ...], *, batches: int, calls: int, warmup: int, log: Callable[[str], None]
) -> list[dict[str, Any]]:
    results = []
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
        entry: dict[str, Any] = {
            "id": f"overhead.{vendor}",
            "section": "overhead",
            "name": f"{vendor} one send, in process",
            "ours_label": f"{vendor}: overlay send ({request['method']} {request['url'].split('bench.invalid', 1)[1]})",
            "baseline_label": "raw httpx: dict + client.post(json=...) + response.json()",
            "unit": "s/call",
            "ours": summary(ours_t),
            "baseline": summary(raw_t),
            "ratio": ratio,
            "goal": {"kind": "ratio_max", "value": GOAL, "text": f"≤ {GOAL:.2f}× raw httpx"},
            "pass": ok,
            "method": {"batches": batches, "calls_per_batch": calls, "warmup_calls": warmup, "interleaved": True},
            "request": request,
        }
        if not ok:
            # Where the extra time goes: a profile of each side, same number of calls.
            n = max(200, min(calls, 2000))
            entry["profile"] = {
                "stages": stages(vendor, n),
                "ours": profile_calls(ours, n),
                "baseline": profile_calls(raw, n),
            }
        ours_client.close()
        raw_client.close()
        log(
            f"  overhead {vendor:<10} ours {ratio_text(entry)}  "
            f"({entry['ours']['median'] * 1e6:.1f} µs vs {entry['baseline']['median'] * 1e6:.1f} µs)"
        )
        results.append(entry)
    return results


def ratio_text(entry: dict[str, Any]) -> str:
    r = entry["ratio"]
    return f"{r['median']:.2f}× [{r['min']:.2f}–{r['max']:.2f}]"
