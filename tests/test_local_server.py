"""The embedded server's process: it never outlives the run that started it, even one killed by kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from extract.model.local_server import watched

REPO = Path(__file__).resolve().parent.parent


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_watched_child_stops_when_its_parent_is_killed() -> None:
    parent_code = textwrap.dedent(f"""
        import subprocess, sys, time
        sys.path.insert(0, {str(REPO)!r})
        from extract.model.local_server import watched
        child = subprocess.Popen([*watched("http.server"), "0", "--bind", "127.0.0.1"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        print(child.pid, flush=True)
        time.sleep(120)
    """)
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30  # a guard against hanging, not a measure of speed
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the child outlived its killed parent"


def test_the_watched_command_runs_the_module() -> None:
    done = subprocess.run([*watched("json.tool"), "--compact"], input='{"a": [1, 2]}', capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == '{"a":[1,2]}'
