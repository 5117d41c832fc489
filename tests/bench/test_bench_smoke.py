"""The bench cannot rot: ``scripts/bench.py --quick`` runs every section end to end.

Quick mode runs each section with tiny workloads (one round; 200 sends against the canned server;
1,000 to 3,000 sends for memory; 200 clients for redaction), so it exercises every code path except
the peer build, which needs PyPI and Java (quick mode records why it skipped it). Nothing here
asserts a timing or a verdict: tests are never timed, and quick-mode figures mean nothing. What is
checked is the shape of the report: every section and entry, the baselines measured beside them,
the fairness evidence, and a profile for every missed goal. The full bench is `make bench`, kept out
of `make test`.
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
SECTIONS = ("cold_start", "construction", "per_call", "throughput", "memory", "peer", "generation")
VENDORS = {"paubox", "smtpcom", "sendclean", "poweremail"}
TABLE_COLUMNS = ("measure", "ours", "baseline", "ratio", "goal", "result")


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
    if entry["pass"] is not None:
        assert _number(entry["goal"]["value"]), where
    if entry["pass"] is False:  # every miss keeps the profile that explains it
        assert entry["profile"], where


def _entries(report: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    value = report["sections"][section]
    entries = value["results"] if isinstance(value, dict) and "results" in value else value
    if isinstance(entries, dict):
        entries = [entries]
    return {e["id"]: e for e in entries}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, f"bench.py --quick failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(out.read_text(encoding="utf-8")), proc.stdout


@pytest.fixture(scope="module")
def report(run: tuple[dict[str, Any], str]) -> dict[str, Any]:
    return run[0]


def test_report_has_every_section_the_machine_and_the_printed_table(run: tuple[dict[str, Any], str]) -> None:
    report, stdout = run
    assert report["mode"] == "quick" and report["schema_version"] == 2
    assert set(SECTIONS) <= set(report["sections"])
    machine = report["machine"]
    assert machine["nproc"] >= 1 and machine["cpu_model"] and machine["python"]
    header = next(line for line in stdout.splitlines() if line.startswith("| measure"))
    assert [cell.strip() for cell in header.strip("|").split("|")] == list(TABLE_COLUMNS)
    ids = {row["id"] for row in report["table"]}
    assert report["table"] and all(
        row["measure"] and row["result"] in ("pass", "MISS", "info") for row in report["table"]
    )
    # The goals that rewarded skipping the client layer are gone.
    assert not any(i.startswith(("import.", "overhead.")) for i in ids)
    summary = report["summary"]
    assert summary["goals"] >= 1
    assert set(summary["missed"]) == set(summary["explanations"])
    for missed in summary["missed"]:
        assert f"* {missed}: " in stdout  # each miss is explained under the table


def test_cold_start_runs_a_fresh_process_per_vendor_against_a_raw_httpx_script(report: dict[str, Any]) -> None:
    entries = _entries(report, "cold_start")
    assert set(entries) == {f"cold_start.{v}" for v in VENDORS}
    for entry in entries.values():
        _check_entry(entry)
        assert entry["goal"]["value"] == 1.15
        assert "import httpx" in entry["scripts"]["baseline"] and "httpx.Client(" in entry["scripts"]["baseline"]
        vendor = entry["id"].split(".")[1]
        assert f"from {vendor}_client import" in entry["scripts"]["ours"]
        for side in ("ours", "baseline"):
            assert set(entry["phases_s"][side]) == {"import", "construct", "send"}
        if entry["pass"] is False:
            assert entry["profile"]["importtime"]["by_package"] is not None


def test_construction_covers_sync_and_async_clients_against_the_httpx_client(report: dict[str, Any]) -> None:
    entries = _entries(report, "construction")
    assert set(entries) == {f"construction.{v}.{kind}" for v in VENDORS for kind in ("sync", "async")}
    for entry in entries.values():
        _check_entry(entry)
        assert entry["goal"]["value"] == 1.5
        expected = "httpx.AsyncClient()" if entry["id"].endswith(".async") else "httpx.Client()"
        assert entry["baseline_label"] == expected
        if entry["pass"] is False:
            assert entry["profile"]["ours"]["top_own_time"]


def test_per_call_sends_the_same_request_as_raw_httpx_through_the_same_transport(report: dict[str, Any]) -> None:
    entries = _entries(report, "per_call")
    assert set(entries) == {f"per_call.{v}" for v in VENDORS}
    for entry in entries.values():
        _check_entry(entry)
        assert entry["goal"]["value"] == 1.3
        assert "MockTransport" in entry["transport"]
        request = entry["request"]  # captured by the fairness check before timing
        assert request["method"] == "POST"
        headers = dict(request["headers"])
        assert headers["user-agent"].startswith(entry["id"].split(".")[1] + "-client/")
        if entry["pass"] is False:
            assert entry["profile"]["ours"]["top_own_time"] and entry["profile"]["ours"]["own_share_by_library"]


def test_throughput_has_every_workload_its_limit_the_references_and_the_server_ceiling(
    report: dict[str, Any],
) -> None:
    section = report["sections"]["throughput"]
    entries = _entries(report, "throughput")
    for entry in entries.values():
        _check_entry(entry)
    for workload in ("paubox_single", "sendclean_single", "paubox_bulk"):
        main = entries[f"throughput.{workload}"]
        assert main["goal"]["value"] == 1.15
        assert main["concurrency"] == 50 and main["latency_ms"] == 20
        assert main["baseline"]["median"] > 0  # the limit
        for run in main["runs"]:
            assert run["accepted"] == run["messages"]
            assert _number(run["wall_s"]) and _number(run["client_cpu_s"]) and _number(run["server_cpu_s"])
        if main["pass"] is False:
            assert main["profile"]["top_own_time"] and main["profile"]["cpu_share"]
    for reference in (
        "paubox_single.raw_httpx",
        "paubox_bulk.raw_httpx",
        "paubox_single.raw_httpx_sharded",
        "server_ceiling",
        "paubox_bulk.cpu_per_message",
    ):
        assert entries[f"throughput.{reference}"]["pass"] is None
    assert _number(entries["throughput.paubox_bulk.cpu_per_message"]["ours"]["median"])
    ceiling = section["server_ceiling"]
    assert _number(ceiling["requests_per_s_at_0ms"]["median"]) and _number(ceiling["ratio_at_20ms"]["median"])
    assert "canned_server" in section["server"]["program"]


def test_throughput_measures_the_async_client_with_and_without_sniffio(report: dict[str, Any]) -> None:
    entry = _entries(report, "throughput")["throughput.sniffio"]
    _check_entry(entry)
    importable, hidden = entry["runs"]["importable"], entry["runs"]["hidden"]
    assert importable and hidden
    assert all(r["sniffio_loaded"] and not r["sniffio_hidden"] for r in importable)
    assert all(r["sniffio_hidden"] and not r["sniffio_loaded"] for r in hidden)


def test_memory_compares_rss_after_many_sends_and_redaction_with_many_clients(report: dict[str, Any]) -> None:
    entries = _entries(report, "memory")
    for vendor in VENDORS:
        entry = entries[f"memory.{vendor}"]
        _check_entry(entry)
        assert entry["goal"]["value"] == 5.0 and isinstance(entry["difference_mb"], float)
        assert len(entry["checkpoints_mb"]) >= 2
        if entry["pass"] is False:
            assert "top" in entry["profile"]
    for kind in ("redact", "error"):
        entry = entries[f"memory.redaction.{kind}"]
        _check_entry(entry)
        assert entry["goal"]["value"] == 1.1 and entry["method"]["alive"] > 1


def test_peer_section_runs_or_says_why_not(report: dict[str, Any]) -> None:
    section = report["sections"]["peer"]
    if "skipped" in section:
        assert section["skipped"].strip() and section["results"] == []
    else:  # pragma: no cover - quick mode skips the build unless --peer
        ids = {e["id"] for e in section["results"]}
        assert {"peer.cold_start", "peer.throughput"} <= ids
        for entry in section["results"]:
            _check_entry(entry)


def test_generation_time_is_measured(report: dict[str, Any]) -> None:
    entry = report["sections"]["generation"]
    _check_entry(entry)
    assert entry["goal"]["value"] == 10.0
    assert entry["exit_codes"] and all(code in (0, 1) for code in entry["exit_codes"])
