"""The bench cannot rot: ``scripts/bench.py --quick`` runs every section end to end.

Quick mode sends ~50 calls per case and 200-message workloads against a real sandbox process, so
it exercises every code path except the peer build (which needs PyPI and Java; quick mode records
why it skipped it). Nothing here asserts a timing: tests are never timed, and quick-mode figures
mean nothing. The full bench is `make bench`, kept out of `make test`.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("overhead", "import", "throughput", "peer", "generation")
VENDORS = {"paubox", "smtpcom", "sendclean", "poweremail"}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _check_summary(summary: Any, where: str) -> None:
    assert isinstance(summary, dict), where
    for key in ("median", "min", "max"):
        assert _number(summary[key]), f"{where}.{key} = {summary.get(key)!r}"
    assert summary["min"] <= summary["median"] <= summary["max"], where
    assert summary["n"] >= 1 and len(summary["samples"]) == summary["n"], where


def _check_entry(entry: dict[str, Any]) -> None:
    where = entry["id"]
    assert entry["name"] and entry["goal"]["text"], where
    _check_summary(entry["ours"], f"{where}.ours")
    if entry["ratio"] is not None:
        _check_summary(entry["baseline"], f"{where}.baseline")
        _check_summary(entry["ratio"], f"{where}.ratio")
    assert entry["pass"] in (True, False, None), where


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"bench.py --quick failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert "| measure" in proc.stdout, proc.stdout  # the table was printed
    return json.loads(out.read_text(encoding="utf-8"))


def test_report_has_every_section_and_the_machine(report: dict[str, Any]) -> None:
    assert report["mode"] == "quick"
    assert set(SECTIONS) <= set(report["sections"])
    machine = report["machine"]
    assert machine["nproc"] >= 1 and machine["cpu_model"] and machine["python"]
    assert report["table"] and all(row["measure"] and row["result"] for row in report["table"])
    assert report["summary"]["goals"] >= 1


def test_overhead_covers_all_four_vendors_against_raw_httpx(report: dict[str, Any]) -> None:
    entries = report["sections"]["overhead"]
    assert {e["id"].split(".")[1] for e in entries} == VENDORS
    for entry in entries:
        _check_entry(entry)
        assert entry["goal"]["value"] == 1.15
        assert entry["request"]["method"] == "POST"  # the fairness check captured the request
        if entry["pass"] is False:  # a miss carries its profile
            assert entry["profile"]["ours"]["top_own_time"] and entry["profile"]["stages"]["ours_us"]


def test_import_covers_package_and_ready_to_send_per_vendor(report: dict[str, Any]) -> None:
    entries = report["sections"]["import"]
    assert {e["id"] for e in entries} == {f"import.{v}.{kind}" for v in VENDORS for kind in ("package", "ready")}
    for entry in entries:
        _check_entry(entry)
        assert entry["baseline_label"] == "import httpx"
        if entry["pass"] is False:
            assert "top_modules" in entry["profile"]


def test_throughput_has_both_workloads_their_limits_and_the_ceilings(report: dict[str, Any]) -> None:
    section = report["sections"]["throughput"]
    entries = {e["id"]: e for e in section["results"]}
    for workload in ("paubox_bulk", "sendclean_single"):
        main = entries[f"throughput.{workload}"]
        _check_entry(main)
        assert main["concurrency"] == 50 and main["latency_ms"] == 20
        assert _number(main["baseline"]["median"]) and main["baseline"]["median"] > 0  # the limit
        for run in main["runs"]["ours@20ms"]:
            assert _number(run["wall_s"]) and _number(run["client_cpu_s"]) and _number(run["server_cpu_s"])
        for ref in ("ours@0ms", "raw_httpx@0ms", "loadgen@20ms"):
            _check_entry(entries[f"throughput.{workload}.{ref}"])
        assert _number(section["sandbox_ceiling"][workload]["requests_per_s_at_0ms"]["median"])
        if main["pass"] is False:
            assert main["profile"]["top_own_time"]


def test_peer_section_runs_or_says_why_not(report: dict[str, Any]) -> None:
    section = report["sections"]["peer"]
    if "skipped" in section:
        assert section["skipped"].strip()
    else:  # pragma: no cover - quick mode skips the build unless --peer
        for entry in section["results"]:
            _check_entry(entry)
    # Our side of the loopback comparison runs either way.
    for kind in ("ours", "raw_httpx"):
        _check_summary(section["loopback"][kind]["per_call_wall"], f"peer.loopback.{kind}")


def test_generation_time_is_measured(report: dict[str, Any]) -> None:
    entry = report["sections"]["generation"]
    _check_entry(entry)
    assert entry["goal"]["value"] == 10.0
    assert entry["exit_codes"] and all(code in (0, 1) for code in entry["exit_codes"])
