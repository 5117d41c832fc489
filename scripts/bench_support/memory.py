"""Section 5: memory over many sends, and the cost of redaction with many clients alive.

* **RSS growth.** A fresh ``worker.py`` process sends through one sync client over
  ``httpx.MockTransport`` (a request model per send), and reads its resident set size
  (``/proc/self/statm``, after ``gc.collect()``) after 10,000 sends and after 100,000 (and at the
  checkpoints between; two vendors' workers run at once, RSS does not depend on timing). Goal: RSS after 100,000 is at most 5 MB above RSS after 10,000. A miss
  keeps a tracemalloc comparison of two checkpoints (where the growth was allocated).
* **Redaction.** In a fresh worker, one Paubox client (over a MockTransport that answers 400)
  times ``client._redact(text)`` on a 16 KB text holding its key and credential query parameters,
  and a send answered 400 (the typed error built, redacted and raised, caught by the caller);
  then 4,999 more clients are built, each with its own secrets, and the same calls are timed
  again; then they are dropped. Rounds repeat this (so later rounds also run after thousands of
  clients were built and dropped). Goal: with 5,000 alive ≤ 1.1× with one. A miss keeps a cProfile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .stats import ratio_summary, summary
from .throughput import run_worker

MB = 1024 * 1024
GROWTH_GOAL_MB = 5.0
REDACTION_GOAL = 1.1


def run_memory(
    python: str, vendors: Sequence[str], *, first: int, last: int, log: Callable[[str], None]
) -> list[dict[str, Any]]:
    step = max(1, (last - first) // 9)
    checkpoints = sorted({first, *range(first, last, step), last})
    results: list[dict[str, Any]] = []
    # RSS does not depend on timing, so two vendors run at once (each in its own process).
    with ThreadPoolExecutor(max_workers=2) as pool:
        outs = list(
            pool.map(lambda v: run_worker(python, {"mode": "memory", "vendor": v, "checkpoints": checkpoints}), vendors)
        )
    for vendor, out in zip(vendors, outs, strict=True):
        rss = {int(k): v for k, v in out["rss_bytes"].items()}
        growth_mb = (rss[last] - rss[first]) / MB
        ok = growth_mb <= GROWTH_GOAL_MB
        entry: dict[str, Any] = {
            "id": f"memory.{vendor}",
            "section": "memory",
            "name": f"memory {vendor}: RSS after {last:,} sends vs after {first:,} (sync client, MockTransport)",
            "ours_label": f"RSS after {last:,} sends",
            "baseline_label": f"RSS after {first:,} sends (same process)",
            "unit": "MB",
            "ours": summary([rss[last] / MB]),
            "baseline": summary([rss[first] / MB]),
            "ratio": summary([rss[last] / rss[first]]),
            "difference_mb": round(growth_mb, 3),
            "goal": {"kind": "difference_max_mb", "value": GROWTH_GOAL_MB, "text": f"≤ +{GROWTH_GOAL_MB:.0f} MB"},
            "pass": ok,
            "checkpoints_mb": {str(k): round(v / MB, 2) for k, v in sorted(rss.items())},
            "method": {
                "process": "fresh worker",
                "sends": last,
                "measure": "VmRSS from /proc/self/statm after gc.collect()",
            },
            "seconds": out["seconds"],
        }
        if not ok:
            middle = checkpoints[min(len(checkpoints) - 1, 3)]
            traced = run_worker(
                python,
                {"mode": "memory", "vendor": vendor, "checkpoints": [first, middle], "tracemalloc": [first, middle]},
            )
            entry["profile"] = {
                "note": f"tracemalloc: allocations alive at {middle:,} sends that were not at {first:,}",
                **traced["tracemalloc_growth"],
            }
        log(
            f"  memory     {vendor:<10} +{growth_mb:.2f} MB from {first:,} to {last:,} sends "
            f"({rss[first] / MB:.1f} → {rss[last] / MB:.1f} MB, {out['seconds']:.1f} s)"
        )
        results.append(entry)
    return results


def run_redaction(
    python: str, *, alive: int, rounds: int, calls: int, log: Callable[[str], None]
) -> list[dict[str, Any]]:
    job = {"mode": "redaction", "vendor": "paubox", "alive": alive, "rounds": rounds, "calls": calls}
    out = run_worker(python, job)
    results: list[dict[str, Any]] = []
    missed = False
    for kind, label in (
        ("redact", f"client._redact(text), {out['text_bytes'] // 1024} KB text"),
        ("error", "a send answered 400: typed error built, redacted, raised"),
    ):
        one, many = out["one"][kind], out["many"][kind]
        ratio = ratio_summary(many, one)
        ok = ratio["median"] <= REDACTION_GOAL
        missed = missed or not ok
        results.append(
            {
                "id": f"memory.redaction.{kind}",
                "section": "memory",
                "name": f"redaction with {alive:,} clients alive vs 1: {label}",
                "ours_label": f"{alive:,} Paubox clients alive, each with its own key",
                "baseline_label": "one client alive (same process, same round)",
                "unit": "s/call",
                "ours": summary(many),
                "baseline": summary(one),
                "ratio": ratio,
                "goal": {"kind": "ratio_max", "value": REDACTION_GOAL, "text": f"≤ {REDACTION_GOAL:.1f}× one client"},
                "pass": ok,
                "method": {"rounds": rounds, "calls": calls, "process": "fresh worker", "alive": alive},
            }
        )
        log(
            f"  redaction  {kind:<10} {ratio['median']:.2f}× [{ratio['min']:.2f}–{ratio['max']:.2f}]  "
            f"({summary(many)['median'] * 1e6:.1f} µs with {alive:,} alive vs {summary(one)['median'] * 1e6:.1f} µs)"
        )
    if missed:
        profiled = run_worker(python, {**job, "rounds": 1, "profile": True})
        for entry in results:
            if entry["pass"] is False:
                entry["profile"] = profiled["profile"][entry["id"].rsplit(".", 1)[1]]
    return results
