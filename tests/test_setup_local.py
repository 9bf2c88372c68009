"""``scripts/setup-local`` stops before installing anything when pip cannot install, and prints the fix.

Each case would otherwise start pip (or a 10-minute compile): ``PIP_NO_INDEX`` and an empty wheel folder
keep a broken check from reaching the network, and a timeout guards the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "setup-local"
SYSTEM_PYTHON = Path("/usr/bin/python3")


def setup_local(tmp_path: Path, python: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "no-links").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHON": python, "NEWSFACTS_WHEELS": str(tmp_path / "wheels"), "PIP_NO_INDEX": "1",
           "PIP_FIND_LINKS": str(tmp_path / "no-links")}
    env.pop("VIRTUAL_ENV", None)
    env.pop("PIP_BREAK_SYSTEM_PACKAGES", None)
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=120, check=False)


def test_a_missing_python_is_named(tmp_path: Path) -> None:
    done = setup_local(tmp_path, str(tmp_path / "python3.42"))
    assert done.returncode == 1
    assert done.stderr == f"setup-local: {tmp_path / 'python3.42'} not found (set PYTHON=/path/to/python3.11+)\n"


def test_a_venv_without_pip_stops_with_the_fix(tmp_path: Path) -> None:
    venv.EnvBuilder(with_pip=False).create(tmp_path / "bare")
    done = setup_local(tmp_path, str(tmp_path / "bare" / "bin" / "python"))
    assert done.returncode == 1
    assert done.stderr.startswith("setup-local: pip is not available to ")
    assert "python3 -m venv .venv && source .venv/bin/activate && scripts/setup-local" in done.stderr
    assert not (tmp_path / "wheels").exists(), "it went on to install"


@pytest.mark.skipif(
    not SYSTEM_PYTHON.is_file()
    or subprocess.run([str(SYSTEM_PYTHON), "-c", "import sysconfig, os, sys; sys.exit(not os.path.isfile("
                       "os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))"],
                      check=False).returncode != 0
    or subprocess.run([str(SYSTEM_PYTHON), "-m", "pip", "--version"], capture_output=True, check=False).returncode,
    reason="no externally managed system Python with pip here (Debian's /usr/bin/python3 with python3-pip)",
)
def test_the_system_python_outside_a_venv_stops_with_the_fix(tmp_path: Path) -> None:
    done = setup_local(tmp_path, str(SYSTEM_PYTHON))
    assert done.returncode == 1
    assert done.stderr.startswith(f"setup-local: {SYSTEM_PYTHON} is the system's Python, which refuses pip install "
                                  "outside a virtual environment (PEP 668); create and activate a virtual "
                                  "environment first:")
    assert not (tmp_path / "wheels").exists()


def test_the_checks_pass_in_a_venv(tmp_path: Path) -> None:
    """In this test run's own environment the checks pass and the first step starts (and fails offline)."""
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tests do not run in a virtual environment")
    assert sysconfig.get_path("stdlib")
    done = setup_local(tmp_path, sys.executable)
    assert "refuses pip install" not in done.stderr and "pip is not available" not in done.stderr
    assert "setup-local: building llama-cpp-python" in done.stderr or "setup-local: reusing" in done.stderr
