"""Session-wide rules: pytest refuses to run against a stale generated/, and slow suites carry markers.

The tests import the packages under generated/, which scripts/generate.py builds from specs/,
overlays/ and scripts/. ``generated/MANIFEST`` records the SHA-256 of every input and output of the
last ``make generate``; if a file differs, the tests would not be testing the code that was edited
(or a generated file was edited by hand), so the session stops and names the file.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from generate import input_files  # noqa: E402

SLOW_SUITES = {"contract": "prism", "packaging": "packaging", "bench": "bench", "celery": "celery"}


def _stale_files() -> list[str]:
    manifest = ROOT / "generated" / "MANIFEST"
    if not manifest.exists():
        return ["generated/MANIFEST (missing)"]
    recorded: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, relative = line.split("  ", 1)
        recorded[relative] = digest
    current = {str(path.relative_to(ROOT)) for path in input_files()}
    stale = sorted(current ^ {p for p in recorded if not p.startswith("generated/")})
    for relative, digest in recorded.items():
        path = ROOT / relative
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            stale.append(relative)
    return sorted(set(stale))


def pytest_configure(config: pytest.Config) -> None:
    stale = _stale_files()
    if stale:
        shown = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
        pytest.exit(f"generated/ is stale: {shown} changed since the last `make generate`; run `make generate`", 4)
    config.addinivalue_line(
        "markers", "slow: a slow suite (Prism, packaging, bench smoke, Celery); `make test-fast` skips it"
    )
    for marker in SLOW_SUITES.values():
        config.addinivalue_line("markers", f"{marker}: the {marker} suite (also marked slow)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        suite = Path(str(item.fspath)).relative_to(ROOT / "tests").parts[0]
        if suite in SLOW_SUITES:
            item.add_marker(pytest.mark.slow)
            item.add_marker(getattr(pytest.mark, SLOW_SUITES[suite]))
