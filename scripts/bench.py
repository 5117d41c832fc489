"""`make bench`: every performance figure of the four clients, measured in one run.

    .venv/bin/python scripts/bench.py [--quick] [--repeat N] [--out PATH] [--only SECTION,...] [--peer/--no-peer]

Every figure is a ratio against a baseline measured on the same machine in the same run, the
median of repeated, interleaved runs, printed with its spread (min–max of the runs):

1. overhead    one send per vendor through the overlay client vs raw httpx doing the same request
               by hand, in process over httpx.MockTransport (goal ≤ 1.15×);
2. import      each vendor package in a fresh interpreter vs `import httpx` (goal ≤ 1.10×);
3. throughput  10,000 Paubox messages via send_bulk (200 requests of 50) and 10,000 SendClean
               send_mail calls, async, concurrency 50, against the sandbox (own process) with 20 ms
               injected latency, vs the limit requests × latency ÷ concurrency (goal ≤ 1.15×); plus
               the sandbox's own ceiling at 0 ms from one process, to show which side limits;
4. peer        openapi-generator's `python` client of the same Paubox spec, built at bench time into
               a temporary folder: per-call time over loopback and import time (goal: ours faster);
5. generation  `scripts/generate.py --check` for all four specs (goal ≤ 10 s).

A missed goal keeps its profile in the JSON (cProfile top frames, or `-X importtime` modules).
`--quick` is the smoke mode used by tests/bench: ~50 calls per case, 200-message workloads, one
round, no peer build (the per-call path still runs for our client); its figures mean nothing.
Results go to `.bench/results.json` (gitignored) unless `--out` says otherwise. The exit status
is 0 whatever the verdicts (misses are reported, not enforced); it is non-zero only when something
could not be measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the sandbox package

from bench_support import generation, imports, overhead, payloads, peer, throughput  # noqa: E402

SECTIONS = ("overhead", "import", "throughput", "peer", "generation")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------- machine
def machine() -> dict[str, Any]:
    cpu_model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = {}
    for dist in ("httpx", "httpcore", "anyio", "h11", "attrs", "python-dateutil", "sniffio", "uvicorn", "starlette"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory": memory,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
        "packages": versions,
        "git": _git(),
    }


def _git() -> dict[str, Any]:
    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return proc.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


# --------------------------------------------------------------------------------------- table
def _fmt(value: float, unit: str) -> str:
    if unit == "s/call":
        return f"{value * 1e6:.1f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def table_rows(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for entry in results:
        unit = entry["unit"]
        ratio = entry.get("ratio")
        verdict = "info" if entry["pass"] is None else "pass" if entry["pass"] else "MISS"
        if ratio is not None:
            ratio_text = f"{ratio['median']:.2f}×"
            spread = f"{ratio['min']:.2f}–{ratio['max']:.2f}×"
        else:
            ratio_text = "—"
            spread = f"{_fmt(entry['ours']['min'], unit)}–{_fmt(entry['ours']['max'], unit)}"
        baseline = entry.get("baseline")
        rows.append(
            {
                "id": entry["id"],
                "measure": entry["name"],
                "ours": _fmt(entry["ours"]["median"], unit),
                "baseline": _fmt(baseline["median"], unit) if baseline else "—",
                "ratio": ratio_text,
                "goal": entry["goal"]["text"],
                "result": verdict,
                "spread": spread,
                "n": str(entry["ours"]["n"]),
            }
        )
    return rows


def render_table(rows: list[dict[str, str]]) -> str:
    columns = ("measure", "ours", "baseline", "ratio", "goal", "result", "spread", "n")
    header = {c: c for c in columns}
    header["spread"] = "spread (min–max)"
    widths = {c: max(len(header[c]), *(len(r[c]) for r in rows)) for c in columns}
    lines = [
        "| " + " | ".join(header[c].ljust(widths[c]) for c in columns) + " |",
        "|" + "|".join("-" * (widths[c] + 2) for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(r[c].ljust(widths[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke mode: tiny workloads, figures meaningless")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds of throughput and generation (default 3); overhead takes 7× as many batches, "
        "import 10× as many samples, the peer 3× as many rounds",
    )
    parser.add_argument("--out", type=Path, default=ROOT / ".bench" / "results.json", help="JSON results file")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    parser.add_argument(
        "--peer", dest="peer", action="store_true", default=None, help="build the peer even with --quick"
    )
    parser.add_argument(
        "--no-peer", dest="peer", action="store_false", help="do not build the peer (needs PyPI + Java)"
    )
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def plan(args: argparse.Namespace) -> dict[str, Any]:
    n = args.repeat
    if args.quick:
        return {
            "overhead": {"batches": 2, "calls": 50, "warmup": 20},
            "import": {"rounds": 2, "profile_runs": 1},
            "throughput": {"messages": {"paubox_bulk": 200, "sendclean_single": 200}, "rounds": 1},
            "peer": {"rounds": 2, "calls": 50, "warmup": 10, "import_rounds": 2, "build": bool(args.peer)},
            "generation": {"rounds": 1},
        }
    return {
        "overhead": {"batches": 7 * n, "calls": 1000, "warmup": 500},
        "import": {"rounds": 10 * n, "profile_runs": 3},
        "throughput": {"messages": {"paubox_bulk": 10_000, "sendclean_single": 10_000}, "rounds": n},
        "peer": {
            "rounds": 3 * n,
            "calls": 1000,
            "warmup": 200,
            "import_rounds": 4 * n,
            "build": args.peer is not False,
        },
        "generation": {"rounds": n},
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = plan(args)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "schema_version": 1,
        "command": " ".join(
            [Path(sys.executable).name, "scripts/bench.py", *(argv if argv is not None else sys.argv[1:])]
        ),
        "mode": "quick" if args.quick else "full",
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": settings,
        "sections": {},
    }
    log(
        f"bench ({report['mode']}): {report['machine']['cpu_model']}, {report['machine']['nproc']} CPUs, "
        f"Python {report['machine']['python']}, load {report['machine']['load_average_at_start'][0]:.2f}"
    )
    results: list[dict[str, Any]] = []
    sections = report["sections"]

    if "overhead" in args.only:
        log("1. per-call overhead (in process, MockTransport)")
        s = settings["overhead"]
        sections["overhead"] = overhead.run(
            payloads.VENDORS, batches=s["batches"], calls=s["calls"], warmup=s["warmup"], log=log
        )
        results += sections["overhead"]
    if "import" in args.only:
        log("2. import time (fresh interpreter)")
        s = settings["import"]
        sections["import"] = imports.run(
            sys.executable, payloads.VENDORS, rounds=s["rounds"], profile_runs=s["profile_runs"], log=log
        )
        results += sections["import"]
    if "throughput" in args.only:
        log("3. throughput against the sandbox")
        s = settings["throughput"]
        rows, ceiling = throughput.run(ROOT, messages=s["messages"], rounds=s["rounds"], log=log)
        sections["throughput"] = {"results": rows, "sandbox_ceiling": ceiling}
        results += rows
    if "peer" in args.only:
        log("4. the peer (openapi-generator python)")
        s = settings["peer"]
        reason = (
            "--quick: the peer build needs PyPI, Java and a minute; pass --peer to build it"
            if args.quick
            else ("--no-peer" if args.peer is False else None)
        )
        sections["peer"] = peer.run(
            ROOT,
            rounds=s["rounds"],
            calls=s["calls"],
            warmup=s["warmup"],
            import_rounds=s["import_rounds"],
            build=s["build"],
            skip_reason=reason,
            log=log,
        )
        results += sections["peer"]["results"]
    if "generation" in args.only:
        log("5. generation time")
        sections["generation"] = generation.run(ROOT, rounds=settings["generation"]["rounds"], log=log)
        results.append(sections["generation"])

    rows = table_rows(results)
    report["table"] = rows
    judged = [e for e in results if e["pass"] is not None]
    report["summary"] = {
        "goals": len(judged),
        "passed": sum(1 for e in judged if e["pass"]),
        "missed": [e["id"] for e in judged if not e["pass"]],
    }
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    report["duration_s"] = round(time.perf_counter() - started, 1)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    m = report["machine"]
    print(f"\nMachine: {m['cpu_model']}, {m['nproc']} CPUs, {m['memory']}, Python {m['python']} ({m['platform']})")
    print(f"Load average at start/end: {m['load_average_at_start'][0]:.2f} / {m['load_average_at_end'][0]:.2f}\n")
    print(render_table(rows))
    if "throughput" in sections:
        print()
        mains = {e["id"]: e for e in sections["throughput"]["results"]}
        for workload, c in sections["throughput"]["sandbox_ceiling"].items():
            cpu = mains[f"throughput.{workload}"]["cpu"]["ours@20ms"]
            print(
                f"throughput {workload}: our client kept {cpu['client_cpu_share']:.0%} of a core busy, the sandbox "
                f"{cpu['server_cpu_share']:.0%}; the sandbox needs {c['server_cpu_s_per_request'] * 1e6:.0f} µs of CPU "
                f"per request, so even a free client gets at best {c['predicted_best_ratio']:.2f}× the limit "
                f"(measured with the load generator: {c['measured_best_s_at_latency']:.3f} s)"
            )
    if "peer" in sections and "skipped" in sections["peer"]:
        print(f"\npeer: skipped: {sections['peer']['skipped'].splitlines()[0]}")
    summary = report["summary"]
    print(f"\n{summary['passed']} of {summary['goals']} goals met; missed: {', '.join(summary['missed']) or 'none'}")
    print(f"Results: {args.out} ({report['duration_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
