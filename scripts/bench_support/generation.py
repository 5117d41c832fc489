"""Section 5: generation time of all four packages (``scripts/generate.py``).

The bench runs ``scripts/generate.py --check``: the same pipeline as ``make generate`` (validate,
compile with openapi-python-client, merge the overlays, stamp, format with ruff) into a temporary
folder, plus a comparison with generated/, so the bench never modifies the tree. The figure is the
median wall time of the whole process. A drift report (exit 1) does not invalidate the timing; it
is recorded. A miss keeps a cProfile of one more run (``python -m cProfile``): the top frames.
"""

from __future__ import annotations

import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .profiling import where
from .stats import summary

GOAL_S = 10.0


def run(root: Path, *, rounds: int, log: Callable[[str], None]) -> dict[str, Any]:
    walls: list[float] = []
    exits: list[int] = []
    for _ in range(rounds):
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "scripts/generate.py", "--check"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        walls.append(time.perf_counter() - started)
        exits.append(proc.returncode)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"scripts/generate.py --check failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    s = summary(walls)
    entry: dict[str, Any] = {
        "id": "generation.all",
        "section": "generation",
        "name": "generate all four packages (scripts/generate.py --check)",
        "ours_label": ".venv/bin/python scripts/generate.py --check",
        "baseline_label": None,
        "unit": "s",
        "ours": s,
        "baseline": None,
        "ratio": None,
        "goal": {"kind": "abs_max", "value": GOAL_S, "text": f"≤ {GOAL_S:.0f} s"},
        "pass": s["median"] <= GOAL_S,
        "exit_codes": exits,
        "drift": any(code == 1 for code in exits),
        "method": {"rounds": rounds, "measure": "wall time of the whole process"},
    }
    if not entry["pass"]:
        entry["profile"] = profile(root)
    log(f"  generate all four: {s['median']:.2f} s [{s['min']:.2f}–{s['max']:.2f}]")
    return entry


def profile(root: Path, top: int = 20) -> dict[str, Any]:
    """cProfile of one ``generate.py --check`` run (this process only; the generator's and ruff's
    subprocesses show up as the time spent waiting for them)."""
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        out = Path(tmp) / "generate.prof"
        subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(out), "scripts/generate.py", "--check"],
            cwd=root,
            capture_output=True,
            timeout=600,
            check=False,
        )
        stats = pstats.Stats(str(out))
        raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    ordered = sorted(raw.items(), key=lambda kv: kv[1][3], reverse=True)[:top]
    return {
        "note": "cProfile of one run, by cumulative time",
        "top_cumulative": [
            {"function": where(func), "cum_s": round(values[3], 3), "own_s": round(values[2], 3)}
            for func, values in ordered
        ],
    }
