"""`make demo` keeps working: it sends through all four clients and reads every status back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_sends_through_every_client_and_exits_zero() -> None:
    run = subprocess.run([sys.executable, "scripts/demo.py"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    for line in (
        "status: processing -> delivered",  # Paubox receipt read back through the client
        "(key-only gateway /v1/email)",  # Paubox with the API key alone
        "send_message + list_messages",  # SMTP.com
        "send_template_http_get (legacy GET)",  # SendClean's legacy call
        "attachments=['results.txt']",  # the MIME the sandbox kept
        "inline=['logo']",
        "demo ok: 6 calls through 4 clients",
        "sandbox stopped",
    ):
        assert line in out, f"{line!r} missing from the demo output:\n{out}"
    assert out.count("status: ann@example.com: delivered") == 2  # SendClean and PowerEmail
