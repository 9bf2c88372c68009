"""The answer cache on a disk that fills up: a cache that cannot be written is kept (and read), never moved
aside, and the failure to save is one warning; only a cache that cannot be read is moved aside.

A full disk is made real with ``RLIMIT_FSIZE`` in a child process (no file may grow; SIGXFSZ ignored, so a
write fails with EFBIG, as SQLite sees ENOSPC): the same failures a full disk gives diskcache and SQLite,
without needing root or a small file system.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from extract.model.cache import AnswerCache

PAID = {"answer": "Ilham Aliyev", "problems": [], "usage": [120, 4]}

CHILD = r"""
import json, resource, sys
from extract.model.cache import AnswerCache

directory, mode = sys.argv[1], sys.argv[2]
warnings = []
if mode == "open-when-full":
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
cache = AnswerCache(directory, warn=warnings.append)
if mode == "fills-mid-run":
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
for n in range(3):  # three new answers, one of them too big for the database (diskcache writes a file)
    cache.set(f"new-{n}", {"answer": "x" * (100_000 if n == 1 else 10)})
result = {"note": cache.note, "paid": cache.get("paid"), "warnings": warnings, "writable": cache.writable}
cache.close()
print(json.dumps(result))
"""


def _full_disk() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the child's writes fail with EFBIG instead of a signal


def run_on_full_disk(directory: Path, mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-B", "-c", CHILD, str(directory), mode],
        capture_output=True, text=True, timeout=60, preexec_fn=_full_disk, check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def paid_cache(tmp_path: Path) -> Path:
    directory = tmp_path / "answers"
    cache = AnswerCache(str(directory))
    cache.set("paid", PAID)
    cache.close()
    return directory


def test_a_healthy_cache_on_a_full_disk_is_kept_and_read(tmp_path: Path) -> None:
    directory = paid_cache(tmp_path)
    before = sorted(p.name for p in directory.iterdir())
    result = run_on_full_disk(directory, "open-when-full")
    assert list(tmp_path.glob("answers.corrupt-*")) == [], "a cache that can be read was moved aside"
    assert result["paid"] == PAID, "the answer already paid for was not used"
    assert not result["writable"]
    assert result["note"].startswith(f"answer cache {directory} cannot be written (")
    assert result["note"].endswith("the answers already in it are used, new answers are not saved")
    assert result["warnings"] == []  # the note says it once; saving is not attempted
    assert {"cache.db"} <= set(before) <= {p.name for p in directory.iterdir()}
    again = AnswerCache(str(directory))  # once there is room, the same cache is used again, whole
    assert again.get("paid") == PAID and again.note is None
    again.close()


def test_a_disk_that_fills_mid_run_is_one_warning_and_no_rename(tmp_path: Path) -> None:
    directory = paid_cache(tmp_path)
    result = run_on_full_disk(directory, "fills-mid-run")
    assert result["note"] is None and result["writable"]
    assert result["paid"] == PAID
    [warning] = result["warnings"]  # three answers failed to be saved: one warning
    assert warning.startswith(f"answer cache {directory} cannot be written (")
    assert warning.endswith("new answers are not saved from now on; nothing was moved")
    assert list(tmp_path.glob("answers.corrupt-*")) == []
    reopened = AnswerCache(str(directory))
    assert reopened.get("paid") == PAID and reopened.get("new-0") is None
    reopened.close()


def test_only_a_cache_that_cannot_be_read_is_moved_aside(tmp_path: Path) -> None:
    directory = paid_cache(tmp_path)
    (directory / "cache.db").write_bytes(b"\x00garbage\xff" * 512)
    cache = AnswerCache(str(directory))
    [aside] = tmp_path.glob("answers.corrupt-*")
    assert cache.note == f"answer cache was unreadable (file is not a database, SQLITE_NOTADB); moved to {aside}"
    assert cache.get("paid") is None and cache.writable
    cache.set("paid", PAID)
    assert cache.get("paid") == PAID
    cache.close()


def test_a_cache_folder_that_cannot_be_made_runs_without_it(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = AnswerCache(str(blocker / "answers"))
    assert cache.note is not None and cache.note.startswith(f"answer cache {blocker / 'answers'} cannot be opened")
    assert cache.get("paid") is None
    cache.set("paid", PAID)  # a no-op, not an error
    assert blocker.read_text(encoding="utf-8") == "not a folder" and list(tmp_path.glob("*.corrupt-*")) == []
    cache.close()
