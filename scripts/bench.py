"""`make bench`: how the four clients feel to their users, measured in one run.

    .venv/bin/python scripts/bench.py [--quick] [--repeat N] [--out PATH] [--only SECTION,...] [--peer/--no-peer]

Every figure is a ratio against a baseline measured on the same machine in the same run: the
median of interleaved rounds, printed with its spread (min–max of the per-round ratios).

1. cold_start    a fresh `python` process imports the package, builds the client and sends one
                 message to a loopback server, vs a raw-httpx script doing the same request by hand
                 (per vendor; wall time of the whole process; goal ≤ 1.15×);
2. construction  building each client, sync and async, vs `httpx.Client()` / `httpx.AsyncClient()`,
                 in process (goal ≤ 1.5×);
3. per_call      one send per vendor through `httpx.Client.send` vs raw `httpx.Client.post` doing the
                 same request by hand, both over `httpx.MockTransport`, in process (goal ≤ 1.3×);
4. throughput    10,000 single sends (AsyncPaubox.send_message, AsyncSendClean.send_mail) and 10,000
                 Paubox messages via send_bulk (chunk 50), concurrency 50, against a canned server in
                 its own process answering after 20 ms, vs the limit N × latency ÷ concurrency (goal
                 ≤ 1.15×); with the server's own ceiling (raw-socket load generator), raw httpx
                 AsyncClient doing the same posts, send_bulk's client CPU per message, and the async
                 client's CPU per send with sniffio importable vs hidden (why it is a dependency);
5. memory        RSS after 100,000 sends vs after 10,000 (goal: ≤ +5 MB), and redaction with 5,000
                 clients alive vs one (goal ≤ 1.1×);
6. peer          openapi-generator's `python` client of the same Paubox spec, built at bench time in
                 a temporary folder: cold start and throughput side by side (goal: ours ≤ 1.00×);
7. generation    `scripts/generate.py --check` for all four specs (goal ≤ 10 s).

Nothing here reaches around a client: every measured call is the public call a user makes (only the
redaction case calls the client's own redactor, `client._redact`, directly). A missed goal keeps its
profile in the JSON (cProfile frames and own time per library, `-X importtime` modules, CPU shares,
tracemalloc growth) and gets a one-line explanation under the table. `--quick` is the smoke mode
used by tests/bench: tiny workloads, one round, no peer build (the reason is recorded); its figures
mean nothing. Results go to `.bench/results.json` (gitignored) unless `--out` says otherwise. The
exit status is 0 whatever the verdicts (misses are reported, not enforced); it is non-zero only when
something could not be measured.
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
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the sandbox package (its credentials)

from bench_support import (  # noqa: E402
    cold_start,
    construction,
    generation,
    memory,
    payloads,
    peer,
    per_call,
    profiling,
    throughput,
)
from bench_support.canned_server import CannedServer  # noqa: E402

SECTIONS = ("cold_start", "construction", "per_call", "throughput", "memory", "peer", "generation")


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
    memory_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_total = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for dist in ("httpx", "httpcore", "anyio", "h11", "attrs", "python-dateutil", "sniffio", "uvloop"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory": memory_total,
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
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "s/call" or value < 1e-3:
        return f"{value * 1e6:.1f} µs" if value < 1e-2 else f"{value * 1e3:.1f} ms"
    if value < 1:
        return f"{value * 1e3:.0f} ms" if value >= 0.1 else f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def _ratio_text(entry: dict[str, Any]) -> str:
    ratio = entry.get("ratio")
    if entry["unit"] == "MB" and "difference_mb" in entry:
        return f"{entry['difference_mb']:+.2f} MB"
    if ratio is None:
        return "—"
    text = f"{ratio['median']:.2f}×"
    if ratio["n"] > 1:
        text += f" [{ratio['min']:.2f}–{ratio['max']:.2f}]"
    return text


def table_rows(results: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for entry in results:
        unit = entry["unit"]
        verdict = "info" if entry["pass"] is None else "pass" if entry["pass"] else "MISS"
        baseline = entry.get("baseline")
        rows.append(
            {
                "id": entry["id"],
                "measure": entry["name"],
                "ours": _fmt(entry["ours"]["median"], unit),
                "baseline": _fmt(baseline["median"], unit) if baseline else "—",
                "ratio": _ratio_text(entry),
                "goal": entry["goal"]["text"],
                "result": verdict,
                "n": str(entry["ours"]["n"]),
            }
        )
    return rows


def render_table(rows: list[dict[str, str]]) -> str:
    columns = ("measure", "ours", "baseline", "ratio", "goal", "result")
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    lines = [
        "| " + " | ".join(c.ljust(widths[c]) for c in columns) + " |",
        "|" + "|".join("-" * (widths[c] + 2) for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(r[c].ljust(widths[c]) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


# -------------------------------------------------------------------------------- explanations
def explain(entry: dict[str, Any]) -> str:
    """One line per missed goal, read off its profile."""
    profile = entry.get("profile") or {}
    section = entry["section"]
    if section in ("cold_start", "peer") and "phases_s" in profile:
        o, b = profile["phases_s"]["ours"], profile["phases_s"]["baseline"]
        text = (
            f"in-process import/build/send {o['import'] * 1e3:.0f}/{o['construct'] * 1e3:.0f}/{o['send'] * 1e3:.0f} ms "
            f"vs {b['import'] * 1e3:.0f}/{b['construct'] * 1e3:.0f}/{b['send'] * 1e3:.0f} ms"
        )
        imports = profile.get("importtime")
        if imports:
            top = ", ".join(f"{p['package']} {p['own_ms']:.1f}" for p in imports["by_package"][:5])
            text += f"; -X importtime, modules beyond the baseline's ({imports['extra_own_ms']:.0f} ms own): {top} ms"
        return text
    if section == "throughput" and "own_share_by_library" in profile:
        share = profile.get("cpu_share", {})
        return (
            f"client CPU {share.get('client', 0):.0%} of a core, server {share.get('server', 0):.0%}; "
            f"{profile.get('client_cpu_s_per_request', 0) * 1e6:.0f} µs client CPU per request; "
            + profiling.brief(profile)
        )
    if section == "memory" and "top" in profile:
        tops = "; ".join(
            f"+{row['size_diff_kb']:.0f} KB at {row['traceback'][-1] if row['traceback'] else '?'}"
            for row in profile["top"][:3]
        )
        return f"tracemalloc growth between {profile['between'][0]:,} and {profile['between'][1]:,} sends: {tops}"
    if "difference" in profile:
        return profiling.brief_compare(profile["difference"])
    if "ours" in profile and isinstance(profile["ours"], dict) and "own_share_by_library" in profile["ours"]:
        return "ours: " + profiling.brief(profile["ours"]) + " | baseline: " + profiling.brief(profile["baseline"])
    if "own_share_by_library" in profile:
        return profiling.brief(profile)
    if "top_cumulative" in profile:
        return "; ".join(f"{r['function']} {r['cum_s']:.2f} s" for r in profile["top_cumulative"][:4])
    return "profile in the JSON"


# ----------------------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke mode: tiny workloads, figures meaningless")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds of redaction and generation (default 3); cold start "
        "takes 4× as many, construction 3×, per call 7× as many batches",
    )
    parser.add_argument(
        "--throughput-rounds",
        type=int,
        default=2,
        help="rounds of the 10,000-send throughput runs (default 2: while one httpx pool serves 50 connections, "
        "a run can take most of a minute)",
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
    if args.repeat < 1 or args.throughput_rounds < 1:
        parser.error("--repeat and --throughput-rounds must be at least 1")
    return args


def plan(args: argparse.Namespace) -> dict[str, Any]:
    n = args.repeat
    if args.quick:
        return {
            "cold_start": {"rounds": 1, "profile_runs": 1},
            "construction": {"rounds": 1, "batch": 2},
            "per_call": {"batches": 2, "calls": 50, "warmup": 20},
            "throughput": {"messages": 200, "sniffio_messages": 200, "rounds": 1},
            "memory": {"first": 1_000, "last": 3_000, "alive": 200, "rounds": 1, "calls": 50},
            "peer": {"cold_rounds": 1, "throughput_rounds": 1, "messages": 200, "build": bool(args.peer)},
            "generation": {"rounds": 1},
        }
    return {
        "cold_start": {"rounds": 4 * n, "profile_runs": 3},
        "construction": {"rounds": 3 * n, "batch": 5},
        "per_call": {"batches": 7 * n, "calls": 500, "warmup": 300},
        "throughput": {"messages": 10_000, "sniffio_messages": 2_000, "rounds": args.throughput_rounds},
        "memory": {"first": 10_000, "last": 100_000, "alive": 5_000, "rounds": n, "calls": 300},
        "peer": {
            "cold_rounds": 4 * n,
            "throughput_rounds": args.throughput_rounds,
            "messages": 10_000,
            "build": args.peer is not False,
        },
        "generation": {"rounds": n},
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = plan(args)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "schema_version": 2,
        "command": " ".join(
            [Path(sys.executable).name, "scripts/bench.py", *(argv if argv is not None else sys.argv[1:])]
        ),
        "mode": "quick" if args.quick else "full",
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": settings,
        "sections": {},
    }
    m = report["machine"]
    log(
        f"bench ({report['mode']}): {m['cpu_model']}, {m['nproc']} CPUs, Python {m['python']}, "
        f"load {m['load_average_at_start'][0]:.2f}"
    )
    results: list[dict[str, Any]] = []
    sections = report["sections"]
    python = sys.executable

    with tempfile.TemporaryDirectory(prefix="bench-peer-") as peer_tmp:
        peer_setup = None
        if "peer" in args.only:  # built first: its throughput runs take place in section 4's rounds
            log("6. (first) building the peer: openapi-generator python")
            s = settings["peer"]
            reason = (
                "--quick: the peer build needs PyPI, Java and a minute; pass --peer to build it"
                if args.quick and not s["build"]
                else ("--no-peer" if args.peer is False else None)
            )
            sections["peer"], peer_setup = peer.prepare(
                ROOT, Path(peer_tmp), build_peer=s["build"], skip_reason=reason, log=log
            )
        if "cold_start" in args.only:
            log("1. cold start (fresh process: import, build, send one to a loopback server)")
            s = settings["cold_start"]
            with CannedServer(payloads.server_routes(), (0,)) as server:
                sections["cold_start"] = cold_start.run(
                    python, payloads.VENDORS, server.url(0), rounds=s["rounds"], profile_runs=s["profile_runs"], log=log
                )
            results += sections["cold_start"]
        if "construction" in args.only:
            log("2. construction (in process)")
            s = settings["construction"]
            sections["construction"] = construction.run(payloads.VENDORS, rounds=s["rounds"], batch=s["batch"], log=log)
            results += sections["construction"]
        if "per_call" in args.only:
            log("3. per call through Client.send (in process, MockTransport)")
            s = settings["per_call"]
            sections["per_call"] = per_call.run(
                payloads.VENDORS, batches=s["batches"], calls=s["calls"], warmup=s["warmup"], log=log
            )
            results += sections["per_call"]
        if "throughput" in args.only:
            log("4. throughput (canned server in its own process, 20 ms latency, concurrency 50)")
            s = settings["throughput"]
            sections["throughput"] = throughput.run(
                python,
                messages=s["messages"],
                sniffio_messages=s["sniffio_messages"],
                rounds=s["rounds"],
                raw_workloads=("paubox_single", "paubox_bulk"),
                extra_clients=peer.throughput_clients(peer_setup) if peer_setup else (),
                log=log,
            )
            results += sections["throughput"]["results"]
        if "memory" in args.only:
            log("5. memory and redaction (fresh worker processes)")
            s = settings["memory"]
            rows = memory.run_memory(python, payloads.VENDORS, first=s["first"], last=s["last"], log=log)
            rows += memory.run_redaction(python, alive=s["alive"], rounds=s["rounds"], calls=s["calls"], log=log)
            sections["memory"] = rows
            results += rows
        if "peer" in args.only:
            log("6. the peer (openapi-generator python), side by side")
            s = settings["peer"]
            sections["peer"] = peer.run(
                peer_setup,
                sections["peer"],
                Path(peer_tmp),
                cold_rounds=s["cold_rounds"],
                throughput_rounds=s["throughput_rounds"],
                messages=s["messages"],
                throughput_runs=sections.get("throughput", {}).get("extra_runs"),
                log=log,
            )
            results += sections["peer"]["results"]
    if "generation" in args.only:
        log("7. generation time")
        sections["generation"] = generation.run(ROOT, rounds=settings["generation"]["rounds"], log=log)
        results.append(sections["generation"])

    rows = table_rows(results)
    report["table"] = rows
    judged = [e for e in results if e["pass"] is not None]
    missed = [e for e in judged if not e["pass"]]
    report["summary"] = {
        "goals": len(judged),
        "passed": len(judged) - len(missed),
        "missed": [e["id"] for e in missed],
        "explanations": {e["id"]: explain(e) for e in missed},
    }
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    report["duration_s"] = round(time.perf_counter() - started, 1)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"\nMachine: {m['cpu_model']}, {m['nproc']} CPUs, {m['memory']}, Python {m['python']} ({m['platform']})")
    print(f"Load average at start/end: {m['load_average_at_start'][0]:.2f} / {m['load_average_at_end'][0]:.2f}\n")
    print(render_table(rows))
    if "throughput" in sections:
        c = sections["throughput"]["server_ceiling"]
        print(
            f"\nCanned server (own process): {c['requests_per_s_at_0ms']['median']:,.0f} requests/s at 0 ms "
            f"({c['server_cpu_s_per_request_at_0ms'] * 1e6:.0f} µs CPU per request); a raw-socket load generator "
            f"reaches {c['ratio_at_20ms']['median']:.3f}× the limit at {throughput.LATENCY_MS} ms "
            f"(bulk: {c['bulk_ratio_at_20ms']['median']:.2f}×), so the server is not the bottleneck."
        )
    if "peer" in sections and "skipped" in sections["peer"]:
        print(f"\npeer: skipped: {sections['peer']['skipped'].splitlines()[0]}")
    summary = report["summary"]
    if missed:
        print("\nMisses, from their profiles (details in the JSON):")
        for entry in missed:
            print(f"* {entry['id']}: {summary['explanations'][entry['id']]}")
    print(f"\n{summary['passed']} of {summary['goals']} goals met; missed: {', '.join(summary['missed']) or 'none'}")
    print(f"Results: {args.out} ({report['duration_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
