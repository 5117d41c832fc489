"""Every file in examples/ runs against the sandbox, configured only through environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import config as sb
from sandbox.testing import SandboxHandle, running_sandbox

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.fixture(scope="module")
def live() -> Iterator[SandboxHandle]:
    with running_sandbox() as handle:
        yield handle


def environment(root: str) -> dict[str, str]:
    return {
        **os.environ,
        "PAUBOX_API_USERNAME": sb.PAUBOX_USERNAME,
        "PAUBOX_API_KEY": sb.PAUBOX_API_KEY,
        "PAUBOX_BASE_URL": f"{root}/paubox/v1/{{api_username}}",
        "SMTPCOM_API_KEY": sb.SMTPCOM_API_KEY,
        "SMTPCOM_BASE_URL": f"{root}/smtpcom",
        "SENDCLEAN_OWNER_ID": sb.SENDCLEAN_OWNER_ID,
        "SENDCLEAN_TOKEN": sb.SENDCLEAN_TOKEN,
        "SENDCLEAN_SMTP_USER_NAME": sb.SENDCLEAN_SMTP_USER,
        "SENDCLEAN_BASE_URL": f"{root}/sendclean/v1.0",
        "POWEREMAIL_OWNER_ID": sb.POWEREMAIL_OWNER_ID,
        "POWEREMAIL_TOKEN": sb.POWEREMAIL_TOKEN,
        "POWEREMAIL_SMTP_USER_NAME": sb.POWEREMAIL_SMTP_USER,
        "POWEREMAIL_BASE_URL": f"{root}/poweremail/v1.0",
    }


def test_there_is_an_example_per_vendor() -> None:
    names = " ".join(p.stem for p in EXAMPLES)
    for vendor in ("paubox", "smtpcom", "sendclean", "poweremail"):
        assert vendor in names


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_against_the_sandbox(live: SandboxHandle, example: Path) -> None:
    vendor = example.stem.split("_")[0]
    before = len(live.messages(vendor))
    run = subprocess.run(
        [sys.executable, str(example)], env=environment(live.url), capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Error" not in run.stdout, run.stdout
    assert len(live.messages(vendor)) > before, f"{example.name} delivered nothing to the sandbox"
