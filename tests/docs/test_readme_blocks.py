"""Every ```python block in README.md and in the four package READMEs type-checks and runs.

One test per README: all of its blocks are type-checked together with ``mypy --strict`` and the
repo's mypy configuration (each block is its own module), then each block runs in a fresh
interpreter whose environment points every client at the running sandbox. A block that cannot
run against the sandbox is marked on the line before its fence with ``<!-- not run: reason -->``;
it is still type-checked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.config import PAUBOX_USERNAME
from sandbox.testing import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]
READMES = [ROOT / "README.md", *sorted((ROOT / "overlays").glob("*/README.md"))]
RUN_TIMEOUT_S = 60
_NOT_RUN = re.compile(r"^\s*<!--\s*not run:\s*\S.*-->\s*$")
_MYPY_LOCATION = re.compile(r"^(readme_block_(\d+)\.py):(\d+):", re.MULTILINE)
# Settings a developer's shell may hold that would send a block somewhere else.
_VENDOR_ENV = re.compile(r"^(PAUBOX|SMTPCOM|SENDCLEAN|POWEREMAIL)_")


@dataclass(frozen=True)
class Block:
    """A ```python block: ``line`` is the README line of its first code line (1-based)."""

    line: int
    code: str
    run: bool


def python_blocks(text: str) -> list[Block]:
    """The ```python blocks of a Markdown text, in order; a block is not run when the line right
    before its fence is a ``<!-- not run: reason -->`` comment."""
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != "```python":
            index += 1
            continue
        run = not (index > 0 and _NOT_RUN.match(lines[index - 1]))
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"the ```python block opened on line {index + 1} is never closed")
        blocks.append(Block(index + 2, "\n".join(lines[index + 1 : end]) + "\n", run))
        index = end + 1
    return blocks


def sandbox_environment(sandbox: SandboxHandle) -> dict[str, str]:
    """This process's environment, with every client configured for the sandbox and nothing else."""
    config = sandbox.config
    environment = {name: value for name, value in os.environ.items() if not _VENDOR_ENV.match(name)}
    environment.update(
        {
            "PAUBOX_API_KEY": config.paubox_accounts[PAUBOX_USERNAME],
            "PAUBOX_BASE_URL": f"{sandbox.url}/paubox/v1/email",
            "SMTPCOM_API_KEY": config.smtpcom_api_keys[0],
            "SMTPCOM_BASE_URL": sandbox.base_url("smtpcom"),
            "SENDCLEAN_OWNER_ID": config.sendclean.owner_id,
            "SENDCLEAN_TOKEN": config.sendclean.token,
            "SENDCLEAN_SMTP_USER_NAME": config.sendclean.smtp_user_names[0],
            "SENDCLEAN_BASE_URL": sandbox.base_url("sendclean"),
            "POWEREMAIL_OWNER_ID": config.poweremail.owner_id,
            "POWEREMAIL_TOKEN": config.poweremail.token,
            "POWEREMAIL_SMTP_USER_NAME": config.poweremail.smtp_user_names[0],
            "POWEREMAIL_BASE_URL": sandbox.base_url("poweremail"),
        }
    )
    return environment


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the session: the first README pays for analysing httpx and the packages."""
    return tmp_path_factory.mktemp("mypy-cache")


def test_blocks_are_found_and_not_run_markers_apply() -> None:
    text = "\n".join(
        [
            "Intro",
            "```python",
            "print(1)",
            "```",
            "```bash",
            "echo no",
            "```",
            "<!-- not run: talks to the real vendor -->",
            "```python",
            "import os",
            "",
            "print(os.sep)",
            "```",
        ]
    )
    assert python_blocks(text) == [
        Block(3, "print(1)\n", run=True),
        Block(10, "import os\n\nprint(os.sep)\n", run=False),
    ]


@pytest.mark.parametrize("readme", READMES, ids=[str(path.relative_to(ROOT)) for path in READMES])
def test_readme_python_blocks_type_check_and_run(
    readme: Path, sandbox: SandboxHandle, tmp_path: Path, mypy_cache: Path
) -> None:
    where = readme.relative_to(ROOT)
    blocks = python_blocks(readme.read_text(encoding="utf-8"))
    assert blocks, f"{where} has no ```python block"
    files = []
    for number, block in enumerate(blocks):
        path = tmp_path / f"readme_block_{number:02d}.py"
        path.write_text(block.code, encoding="utf-8")
        files.append(path)

    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            "pyproject.toml",
            "--cache-dir",
            str(mypy_cache),
            "--no-error-summary",
            *map(str, files),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Report each error at its README line rather than at a line of a temporary file.
    report = _MYPY_LOCATION.sub(
        lambda m: f"{where}:{blocks[int(m.group(2))].line + int(m.group(3)) - 1}:",
        checked.stdout.replace(f"{tmp_path}{os.sep}", ""),
    )
    assert checked.returncode == 0, f"mypy --strict rejects code blocks of {where}:\n{report}{checked.stderr}"

    environment = sandbox_environment(sandbox)
    failures: list[str] = []
    for block, path in zip(blocks, files, strict=True):
        if not block.run:
            continue
        try:
            ran = subprocess.run(
                [sys.executable, str(path)],
                cwd=tmp_path,
                env=environment,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            failures.append(f"{where}:{block.line}: the block did not finish within {RUN_TIMEOUT_S} s")
            continue
        if ran.returncode != 0:
            failures.append(f"{where}:{block.line}: exit code {ran.returncode}\n{ran.stdout}{ran.stderr}")
    assert not failures, "\n\n".join(failures)
