"""The type checkers see through the lazy exports: a wrong call is an error, not Any, and a right
one has the exact result type."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def run_mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_mypy_rejects_a_wrong_paubox_call() -> None:
    result = run_mypy(FIXTURES / "paubox_wrong_call.py")
    assert result.returncode == 1, result.stdout
    assert (
        'Argument 1 to "send_message" of "Paubox" has incompatible type "str"; expected "Message"' in result.stdout
    ), result.stdout
    assert 'Unexpected keyword argument "tracking_id" for "get_message_receipt" of "Paubox"' in result.stdout
    assert "Found 2 errors in 1 file" in result.stdout


def test_mypy_sees_the_exact_result_types() -> None:
    """``sent.id`` is a plain ``str``, ``with_raw_response`` keeps the call's result type, and the sync
    and async twins of every vendor agree (``assert_type`` fails the run on any other type)."""
    result = run_mypy(FIXTURES / "typed_results.py")
    assert result.returncode == 0, result.stdout
    assert "Success: no issues found in 1 source file" in result.stdout
