"""The output folder: one run at a time, nothing written through a planted link, a full disk stops the run
with one line and leaves the feed whole, and the feed's lines survive readers that split on U+2028.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from extract.cli import cli

REPO = Path(__file__).resolve().parent.parent
GOOD = "The central bank raised its rate by 25 basis points to 4.5 percent on Thursday, officials said.\n"
RULES = ["--backend", "rules"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def feed_ids(out: Path) -> list[str]:
    data = (out / "facts.jsonl").read_bytes()
    assert data == b"" or data.endswith(b"\n"), "the feed ends in a partial line"
    return [json.loads(line)["article"]["id"] for line in data.split(b"\n") if line]


def stories(folder: Path, n: int) -> list[str]:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"s{i:02d}.txt").write_text(f"{GOOD.strip()} Story {i}.\n", encoding="utf-8")
    return [f"s{i:02d}" for i in range(n)]


# --- one run at a time ------------------------------------------------------------------------------------
def test_a_second_run_into_a_folder_in_use_exits_2_and_touches_nothing(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"k{i}", "text": f"{GOOD.strip()} Story {i}."}) + "\n" for i in range(4)]
    (tmp_path / "batch.jsonl").write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # The first run reads its articles from a pipe: after the first one it waits, mid-batch, holding the folder.
    first = subprocess.Popen([sys.executable, "-m", "extract", "-", "--out", str(out), *RULES], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert first.stdin is not None
        first.stdin.write(lines[0])
        first.stdin.flush()
        for _ in range(6000):
            if (out / "facts.jsonl").is_file() and (out / "facts.jsonl").read_bytes().count(b"\n") == 1:
                break
            assert first.poll() is None, first.communicate()[1]
            threading.Event().wait(0.01)
        errors_before = (out / "errors.jsonl").read_bytes()
        second = run(str(tmp_path / "batch.jsonl"), "--out", str(out), *RULES)
        errors_after = (out / "errors.jsonl").read_bytes()
        first.stdin.write("".join(lines[1:]))
        first.stdin.close()
        first.wait(60)
    finally:
        if first.poll() is None:
            first.kill()
    stderr = first.stderr.read() if first.stderr else ""
    assert second.exit_code == 2
    assert second.stderr == (f"error: {out}: another run is writing into this folder; wait for it to finish, or "
                             "choose another --out\n")
    assert errors_after == errors_before  # not even errors.jsonl was started over
    assert first.returncode == 0, stderr
    assert feed_ids(out) == ["k0", "k1", "k2", "k3"]  # every article once: the second run wrote nothing
    again = run(str(tmp_path / "batch.jsonl"), "--out", str(out), *RULES)
    assert again.exit_code == 0 and "done 0, skipped 4" in again.stderr  # the lock ended with the run


def test_the_lock_is_taken_again_by_the_command_that_holds_it(tmp_path: Path) -> None:
    from extract.write import FeedWriter, FolderLock

    with FolderLock(tmp_path / "out") as lock, FeedWriter(str(tmp_path / "out")) as writer:
        assert lock.locked and writer.feed_path == tmp_path / "out" / "facts.jsonl"
    held = subprocess.run([sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); "
                           "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=60)
    assert held.returncode == 0, held.stderr  # released when the writer and the command closed it


# --- links planted in a shared folder -----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["errors.jsonl", "facts.jsonl"])
def test_a_link_planted_as_an_output_file_is_never_written_through(tmp_path: Path, name: str) -> None:
    stories(tmp_path / "in", 2)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(victim)
    result = run(str(tmp_path / "in"), "--out", str(out), *RULES)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: {out / name} is a symbolic link; not writing through it (remove it)")
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_replaced_files_go_through_new_temporary_files_never_through_links(tmp_path: Path) -> None:
    stories(tmp_path / "in", 2)
    out = tmp_path / "out"
    out.mkdir()
    victims = {}
    for name in ("report.json.tmp", "report.json", "facts.json.tmp", "facts.json"):
        victims[name] = tmp_path / f"victim-{name}"
        victims[name].write_text("precious\n", encoding="utf-8")
        (out / name).symlink_to(victims[name])
    result = run(str(tmp_path / "in"), "--out", str(out), "--format", "json", *RULES)
    assert result.exit_code == 0, result.stderr
    assert all(v.read_text(encoding="utf-8") == "precious\n" for v in victims.values())
    for name in ("report.json", "facts.json"):  # the link itself was replaced by the new file
        assert not (out / name).is_symlink() and json.loads((out / name).read_text(encoding="utf-8"))
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]


def test_a_fifo_planted_as_the_feed_is_refused_without_blocking(tmp_path: Path) -> None:
    stories(tmp_path / "in", 1)
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "facts.jsonl")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "extract", str(tmp_path / "in"), "--out", str(out), *RULES],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2
    assert f"error: {out / 'facts.jsonl'} is not a regular file (remove it)" in done.stderr


# --- a full disk ---------------------------------------------------------------------------------------------
def fail_on_third_feed_line(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """os.write to facts.jsonl: two lines go through, the third is cut off half-way, then ENOSPC."""
    real = os.write
    lines: list[int] = []

    def write(fd: int, data: Any) -> int:
        if not os.readlink(f"/proc/self/fd/{fd}").endswith("facts.jsonl"):
            return real(fd, data)
        lines.append(len(data))
        if len(lines) <= 2:
            return real(fd, data)
        if len(lines) == 3:
            return real(fd, bytes(data)[: len(data) // 2])  # a short write: half a line is on disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)
    return lines


def test_a_full_disk_stops_the_run_with_one_line_exit_2_and_a_whole_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = stories(tmp_path / "in", 5)
    out = tmp_path / "out"
    fail_on_third_feed_line(monkeypatch)
    result = run(str(tmp_path / "in"), "--out", str(out), *RULES)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: cannot append to {out / 'facts.jsonl'}: No space left on device; it holds every "
                      "line written before"]
    assert "Traceback" not in result.stderr
    assert feed_ids(out) == ids[:2]  # the half-written third line was cut back off
    monkeypatch.undo()
    again = run(str(tmp_path / "in"), "--out", str(out), *RULES)
    assert again.exit_code == 0 and "done 3, skipped 2" in again.stderr
    assert "cut off" not in again.stderr  # nothing torn was left for the next run to repair
    assert feed_ids(out) == ids


def test_a_full_disk_while_replacing_a_file_keeps_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extract.write import write_report
    from schemas import Report

    report = tmp_path / "report.json"
    report.write_text("old\n", encoding="utf-8")
    real = os.write

    def write(fd: int, data: Any) -> int:
        if ".tmp" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    from extract.errors import OutputError

    with pytest.raises(OutputError, match="No space left on device"):
        write_report(Report.model_validate(json.loads(_empty_report())), report)
    assert report.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary file left behind


def _empty_report() -> str:
    from extract.crosscheck import cross_check

    return cross_check([]).model_dump_json()


# --- the folder argument ----------------------------------------------------------------------------------
def test_an_empty_out_is_a_usage_error_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stories(tmp_path / "in", 1)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run(str(tmp_path / "in"), "--out", "", *RULES)
    assert result.exit_code == 2
    assert "--out is empty: name a folder, or - for stdout" in result.stderr
    assert list(work.iterdir()) == []


# --- line separators inside a record -------------------------------------------------------------------------
def test_feed_lines_escape_the_characters_splitlines_breaks_at(tmp_path: Path) -> None:
    text = f"{GOOD.strip()}\u2028Exports rose 12 percent in June,\x85 the ministry said.\u2029\n"
    title = "Rates\u2028rise\u2029again"
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "title": title, "text": text}, ensure_ascii=False)
                                      + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(tmp_path / "a.jsonl"), "--out", str(out), *RULES).exit_code == 0
    data = (out / "facts.jsonl").read_text(encoding="utf-8")
    assert "\u2028" not in data and "\\u2028" in data and "\\u0085" in data and "\\u2029" in data
    [line] = data.splitlines()  # even a reader that splits where str.splitlines does sees one record
    record = json.loads(line)
    assert record["article"]["chars"] == len(text) and record["article"]["title"] == title
    assert [f["quantity"]["text"] for f in record["figures"]] == ["25 basis points", "4.5 percent", "12 percent"]


def test_a_full_disk_at_the_report_is_exit_2_with_the_feed_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = stories(tmp_path / "in", 3)
    out = tmp_path / "out"
    real = os.write

    def write(fd: int, data: Any) -> int:
        if "report.json." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    result = run(str(tmp_path / "in"), "--out", str(out), *RULES)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: cannot write {out / 'report.json'}: No space left on device"]
    assert feed_ids(out) == ids
    assert not [p.name for p in out.iterdir() if p.name.startswith("report.json")]
