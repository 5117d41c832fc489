"""Run the test suite on other interpreters and dependency sets than the workspace's `.venv`.

    .venv/bin/python scripts/matrix.py [--python 3.12] [--python 3.13] [--httpx-floor] [--httpx X.Y.Z] -- <pytest args>

Each target gets its own virtual environment under `.venvs/<name>/`, built from the pyenv
interpreter of that version (`~/.pyenv/versions/<version>*/bin/python`) with
`-r requirements-dev.txt -c constraints.txt` plus the four generated packages in editable mode,
exactly as `make install` builds `.venv`. An environment is reused while the hash of its inputs
(requirements-dev.txt, constraints.txt, generated/*/pyproject.toml, the interpreter, the overrides
below) is unchanged, so a second run goes straight to pytest.

Targets:
  --python 3.12 / 3.13  the pinned dev set on that interpreter (with the overrides below);
  --httpx-floor         Python 3.11, then the lowest httpx the packages declare
                        (generated/paubox-client/pyproject.toml `httpx>=X`) force-installed over
                        the constraint, with whatever httpcore that httpx requires;
  --httpx X.Y.Z         the same at any other httpx release (to find the lowest that passes).
No target given means `--python 3.12 --python 3.13 --httpx-floor`.

pytest runs as `<venv>/bin/python -m pytest <args>` from the repository root. One line per target
reports pass/fail with the setup and test times; the exit status is non-zero if any target failed.
Setup output goes to `.venvs/<name>/setup.log` and is printed only when setup fails.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENVS = REPO / ".venvs"
VENDORS = ("paubox", "smtpcom", "poweremail", "sendclean")
FLOOR_PYTHON = "3.11"
# Without pytest args: the quick, offline part of the suite (the folders of it that exist).
QUICK_SUITE = ("tests/fidelity", "tests/wire", "tests/overlays", "tests/unit", "tests/behaviour")


def default_pytest_args() -> list[str]:
    return ["-x", "-q", *(path for path in QUICK_SUITE if (REPO / path).is_dir()), "-p", "no:cacheprovider"]


STAMP_NAME = ".matrix-stamp"

# Pins in requirements-dev.txt / constraints.txt replaced (or, with None, dropped) on one
# interpreter only, each with the reason. The workspace pins stay the truth for `.venv` (3.11).
# Keys are canonical project names (PEP 503: lower case, runs of -_. as "-"). Empty for now:
# every pin in constraints.txt installs on pyenv's 3.12.1 and 3.13.0 (wheels exist for the
# compiled ones: uvloop, httptools, pydantic-core, rpds-py, jsonschema-rs, librt, ast-serialize).
PER_PYTHON_OVERRIDES: dict[str, dict[str, str | None]] = {
    "3.12": {},
    "3.13": {},
}


@dataclass
class Target:
    name: str
    python_version: str  # "3.12": the pyenv interpreter to use
    httpx: str | None = None  # force-install this httpx (and a matching httpcore) after the pinned set
    notes: list[str] = field(default_factory=list)

    @property
    def venv(self) -> Path:
        return VENVS / self.name

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


@dataclass
class Outcome:
    target: Target
    ok: bool
    summary: str
    setup_seconds: float
    test_seconds: float


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def find_interpreter(version: str) -> Path:
    """The newest pyenv interpreter of that minor version (3.12 matches 3.12.1, not 3.120)."""
    pattern = str(Path.home() / ".pyenv" / "versions" / f"{version}*" / "bin" / "python")
    candidates: list[tuple[tuple[int, ...], Path]] = []
    for found in glob.glob(pattern):
        release = Path(found).parents[1].name
        if not re.fullmatch(rf"{re.escape(version)}\.\d+", release):
            continue
        candidates.append((tuple(int(part) for part in release.split(".")), Path(found)))
    if not candidates:
        raise SystemExit(f"matrix: no pyenv interpreter for Python {version} (looked for {pattern})")
    return max(candidates)[1]


def declared_httpx_floor() -> str:
    text = (REPO / "generated" / "paubox-client" / "pyproject.toml").read_text()
    match = re.search(r'"httpx\s*>=\s*([0-9][0-9A-Za-z.]*)', text)
    if match is None:
        raise SystemExit("matrix: no `httpx>=X` dependency in generated/paubox-client/pyproject.toml")
    return match.group(1)


def apply_overrides(text: str, overrides: dict[str, str | None]) -> tuple[str, list[str]]:
    """The requirement lines of `text` with overridden projects replaced or dropped."""
    out: list[str] = []
    applied: list[str] = []
    for line in text.splitlines():
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        name = canonical(match.group(1)) if match and not line.lstrip().startswith("#") else None
        if name is not None and name in overrides:
            replacement = overrides[name]
            applied.append(f"{line.strip()} -> {replacement or '(dropped)'}")
            if replacement is not None:
                out.append(replacement)
            continue
        out.append(line)
    return "\n".join(out) + "\n", applied


def input_hash(target: Target, interpreter: Path, overrides: dict[str, str | None]) -> str:
    digest = hashlib.sha256()
    inputs = [REPO / "requirements-dev.txt", REPO / "constraints.txt"]
    inputs += sorted(REPO.glob("generated/*/pyproject.toml"))
    for path in inputs:
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    version = subprocess.run(
        [str(interpreter), "-c", "import sys; print(sys.version)"], capture_output=True, text=True, check=True
    ).stdout
    digest.update(f"{interpreter}\0{version}\0{sorted(overrides.items())}\0{target.httpx}".encode())
    return digest.hexdigest()


def run_logged(command: list[str], log: Path) -> None:
    with log.open("a") as handle:
        handle.write(f"$ {' '.join(command)}\n")
        handle.flush()
        subprocess.run(command, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT, check=True, env=clean_env())


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "__PYVENV_LAUNCHER__"):
        env.pop(name, None)
    return env


def ensure_venv(target: Target) -> bool:
    """Build (or reuse) the target's environment; False if the inputs are unchanged since the last build."""
    interpreter = find_interpreter(target.python_version)
    overrides = PER_PYTHON_OVERRIDES.get(target.python_version, {})
    wanted = input_hash(target, interpreter, overrides)
    stamp = target.venv / STAMP_NAME
    if stamp.exists() and stamp.read_text().strip() == wanted and target.python.exists():
        return False

    VENVS.mkdir(exist_ok=True)
    (VENVS / ".gitignore").write_text("# Written by scripts/matrix.py: nothing here belongs in git.\n*\n")
    if target.venv.exists():
        shutil.rmtree(target.venv)
    subprocess.run([str(interpreter), "-m", "venv", str(target.venv)], check=True, env=clean_env())
    log = target.venv / "setup.log"
    log.write_text("")

    requirements, applied_r = apply_overrides((REPO / "requirements-dev.txt").read_text(), overrides)
    constraints, applied_c = apply_overrides((REPO / "constraints.txt").read_text(), overrides)
    (target.venv / "requirements-dev.txt").write_text(requirements)
    (target.venv / "constraints.txt").write_text(constraints)
    for change in dict.fromkeys(applied_r + applied_c):
        target.notes.append(f"override on {target.python_version}: {change}")

    pip = [str(target.python), "-m", "pip", "--quiet", "--disable-pip-version-check"]
    run_logged([*pip, "install", "--upgrade", "pip"], log)
    editable: list[str] = []
    for vendor in VENDORS:
        editable += ["-e", f"generated/{vendor}-client"]
    run_logged(
        [
            *pip,
            "install",
            "-r",
            str(target.venv / "requirements-dev.txt"),
            "-c",
            str(target.venv / "constraints.txt"),
            *editable,
        ],
        log,
    )
    if target.httpx is not None:
        # No -c here: the point is to override the workspace's httpx/httpcore pins. pip picks the
        # httpcore (and sniffio/rfc3986 for old httpx) that this httpx release declares.
        run_logged([*pip, "install", f"httpx=={target.httpx}"], log)
    stamp.write_text(wanted + "\n")
    return True


def installed_versions(target: Target, *projects: str) -> str:
    code = "import importlib.metadata as m, sys\nprint(' '.join(f'{p}=={m.version(p)}' for p in sys.argv[1:]))\n"
    done = subprocess.run([str(target.python), "-c", code, *projects], capture_output=True, text=True, env=clean_env())
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def pytest_summary(output: str) -> str:
    """The last `N passed ...` / `N failed ...` line pytest printed, else its last line."""
    lines = [line.strip("= ") for line in output.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.search(r"\b(passed|failed|error|errors|skipped|no tests ran)\b", line) and " in " in line:
            return line
    return lines[-1] if lines else "(no output)"


def run_target(target: Target, pytest_args: list[str], verbose: bool) -> Outcome:
    print(f"== {target.name}: Python {target.python_version}" + (f", httpx {target.httpx}" if target.httpx else ""))
    started = time.monotonic()
    try:
        built = ensure_venv(target)
    except subprocess.CalledProcessError as failure:
        setup_seconds = time.monotonic() - started
        log = target.venv / "setup.log"
        tail = log.read_text().splitlines()[-25:] if log.exists() else []
        print("\n".join(f"   | {line}" for line in tail))
        return Outcome(target, False, f"setup failed: {' '.join(map(str, failure.cmd))[:120]}", setup_seconds, 0.0)
    setup_seconds = time.monotonic() - started
    print(f"   environment {'built' if built else 'reused'} in {setup_seconds:.1f}s: {target.venv.relative_to(REPO)}")
    print(f"   {installed_versions(target, 'httpx', 'httpcore', 'pytest')}")
    for note in target.notes:
        print(f"   {note}")

    started = time.monotonic()
    command = [str(target.python), "-m", "pytest", *pytest_args]
    env = clean_env()
    env["PATH"] = f"{target.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(command, cwd=REPO, capture_output=not verbose, text=True, env=env)
    test_seconds = time.monotonic() - started
    output = (done.stdout or "") + (done.stderr or "")
    if done.returncode != 0 and not verbose:
        print("\n".join(f"   | {line}" for line in output.splitlines()[-40:]))
    summary = pytest_summary(output) if not verbose else f"pytest exit status {done.returncode}"
    return Outcome(target, done.returncode == 0, summary, setup_seconds, test_seconds)


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    if "--" in argv:
        split = argv.index("--")
        own, pytest_args = argv[:split], argv[split + 1 :]
    else:
        own, pytest_args = argv, []
    parser = argparse.ArgumentParser(prog="scripts/matrix.py", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--python", action="append", default=[], metavar="X.Y", help="a pyenv interpreter version")
    parser.add_argument("--httpx-floor", action="store_true", help="Python 3.11 at the declared lowest httpx")
    parser.add_argument("--httpx", action="append", default=[], metavar="X.Y.Z", help="Python 3.11 at this httpx")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the environments even if unchanged")
    parser.add_argument("--verbose", action="store_true", help="stream pytest's output instead of a summary")
    return parser.parse_args(own), pytest_args or default_pytest_args()


def main(argv: list[str]) -> int:
    options, pytest_args = parse_args(argv)
    targets: list[Target] = [Target(f"py{version}", version) for version in options.python]
    if options.httpx_floor:
        targets.append(Target("httpx-floor", FLOOR_PYTHON, httpx=declared_httpx_floor()))
    targets += [Target(f"httpx-{version}", FLOOR_PYTHON, httpx=version) for version in options.httpx]
    if not targets:
        targets = [
            Target("py3.12", "3.12"),
            Target("py3.13", "3.13"),
            Target("httpx-floor", FLOOR_PYTHON, httpx=declared_httpx_floor()),
        ]
    if options.rebuild:
        for target in targets:
            (target.venv / STAMP_NAME).unlink(missing_ok=True)

    print(f"pytest {' '.join(pytest_args)}")
    outcomes = [run_target(target, pytest_args, options.verbose) for target in targets]

    print("\nmatrix:")
    width = max(len(outcome.target.name) for outcome in outcomes)
    for outcome in outcomes:
        verdict = "PASS" if outcome.ok else "FAIL"
        print(
            f"  {outcome.target.name:<{width}}  {verdict}  setup {outcome.setup_seconds:6.1f}s"
            f"  tests {outcome.test_seconds:6.1f}s  {outcome.summary}"
        )
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
