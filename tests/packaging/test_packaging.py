"""Each vendor distribution builds, installs alone into a fresh virtual environment, imports, and
brings in nothing beyond httpx, attrs, python-dateutil, sniffio and what those four need.

sniffio is declared because httpcore, without it, rescans ``sys.path`` on every async lock set-up;
the packages never patch ``sys.modules`` to avoid that."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDORS = ("paubox", "smtpcom", "poweremail", "sendclean")
ALLOWED_RUNTIME = {"httpx", "attrs", "python-dateutil", "sniffio"}

# Run inside the fresh venv: every installed distribution, and the closure of the vendor's requirements.
INSPECT = r"""
import json, re, sys
from importlib import metadata
def key(name): return re.sub(r"[-_.]+", "-", name).lower()
installed = {key(d.metadata["Name"]): d for d in metadata.distributions()}
closure, todo = set(), [key(sys.argv[1])]
while todo:
    name = todo.pop()
    if name in closure or name not in installed:
        continue
    closure.add(name)
    for req in installed[name].requires or []:
        if "extra ==" not in req:
            todo.append(key(re.split(r"[ ;<>=!~\[(]", req, maxsplit=1)[0]))
print(json.dumps({"installed": sorted(installed), "closure": sorted(closure)}))
"""


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    built: dict[str, Path] = {}
    for vendor in VENDORS:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "build",  # an sdist, then the wheel built from it
                "--outdir",
                str(out),
                str(ROOT / "generated" / f"{vendor}-client"),
            ],
            check=True,
            capture_output=True,
        )
        (built[vendor],) = out.glob(f"{vendor}_client-*.whl")
    return built


def test_wheels_pass_check_wheel_contents(wheels: dict[str, Path]) -> None:
    checker = Path(sys.executable).parent / "check-wheel-contents"
    run = subprocess.run([str(checker), *map(str, wheels.values())], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(": OK") == len(VENDORS)


@pytest.mark.parametrize("vendor", VENDORS)
def test_sdist_carries_the_package_readme_and_metadata(wheels: dict[str, Path], vendor: str) -> None:
    import tarfile

    (sdist,) = wheels[vendor].parent.glob(f"{vendor}_client-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"README.md", "pyproject.toml", f"{vendor}_client/__init__.py", f"{vendor}_client/py.typed"} <= names


@pytest.mark.parametrize("vendor", VENDORS)
def test_wheel_declares_only_the_four_runtime_dependencies(wheels: dict[str, Path], vendor: str) -> None:
    with zipfile.ZipFile(wheels[vendor]) as wheel:
        (meta_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(wheel.read(meta_name).decode())
        names = set(wheel.namelist())
    declared = meta.get_all("Requires-Dist") or []
    requires = {r.split(">")[0].split("<")[0].split("=")[0].strip() for r in declared if "extra ==" not in r}
    assert requires == ALLOWED_RUNTIME
    # The Django backend is an optional extra: `pip install <dist>[django]`, never pulled in by default.
    assert [r.replace("'", '"') for r in declared if "extra ==" in r] == ['django>=4.2; extra == "django"']
    assert f"{vendor}_client/py.typed" in names
    assert f"{vendor}_client/_runtime/retry.py" in names, "the shared runtime must ship inside the package"
    # The sync twins are derived at generation time and ship like the async sources.
    assert {f"{vendor}_client/_runtime/_async/base.py", f"{vendor}_client/_runtime/_sync/base.py"} <= names


@pytest.mark.parametrize("vendor", VENDORS)
def test_wheel_installs_alone_in_a_fresh_venv(wheels: dict[str, Path], vendor: str, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheels[vendor])],
        check=True,
        capture_output=True,
    )
    package = f"{vendor}_client"
    # Import the package and its public surface in the fresh interpreter.
    probe = f"import {package} as p; [getattr(p, n) for n in p.__all__]; print(p.__name__); print(p.USER_AGENT)"
    imported = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True)
    name, user_agent = imported.stdout.split("\n")[:2]
    assert name == package
    version = wheels[vendor].name.split("-")[1]
    assert user_agent.startswith(f"{vendor}-client/{version} httpx/"), user_agent
    report = subprocess.run(
        [str(python), "-c", INSPECT, f"{vendor}-client"], check=True, capture_output=True, text=True
    )
    found = json.loads(report.stdout)
    tooling = {"pip", "setuptools", "wheel"}
    extra = set(found["installed"]) - set(found["closure"]) - tooling
    assert not extra, f"installed but not required by {vendor}-client: {extra}"
    direct = set(found["closure"]) - {f"{vendor}-client"}
    assert direct >= ALLOWED_RUNTIME
