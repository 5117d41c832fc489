"""Each package README's pytest example for its ``testing`` module passes under pytest.

tests/docs type-checks every README block and runs it as a script, which for a test module only
defines the tests; here the block that imports ``<package>.testing`` runs as what it is, a test
module, in a pytest of its own.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDORS = ("paubox", "smtpcom", "sendclean", "poweremail")
_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def readme_examples(readme: str, package: str) -> list[str]:
    """The ```python blocks of a README that import ``<package>.testing``."""
    return [code for code in _BLOCK.findall(readme) if f"from {package}.testing import" in code]


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_readme_testing_example_passes_under_pytest(vendor: str, tmp_path: Path) -> None:
    package = f"{vendor}_client"
    examples = readme_examples((ROOT / "overlays" / vendor / "README.md").read_text(encoding="utf-8"), package)
    if not examples:
        pytest.skip(f"overlays/{vendor}/README.md has no example importing {package}.testing yet")
    for number, code in enumerate(examples):
        (tmp_path / f"test_readme_example_{number}.py").write_text(code, encoding="utf-8")

    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert re.search(r"\b[1-9]\d* passed\b", ran.stdout), ran.stdout
