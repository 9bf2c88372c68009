"""Files other than the feed are not written through links planted in a shared folder either: the review
page and the Batch API's request files; and a batch folder takes one command at a time."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from click.testing import CliRunner

from extract.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEED = str(ROOT / "seeds" / "000_2ef88da32bef47c9.txt")


def test_review_page_replaces_a_planted_link_and_leaves_its_target(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, [SEED, "--backend", "rules", "--out", str(out), "-q"]).exit_code == 0
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    (out / "review.html").symlink_to(target)
    result = CliRunner().invoke(cli, ["review", str(out)])
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not (out / "review.html").is_symlink() and "<html" in (out / "review.html").read_text("utf-8")[:200]


def test_batch_prepare_does_not_write_through_a_planted_request_file(tmp_path: Path) -> None:
    out = tmp_path / "run"
    (out / "batch").mkdir(parents=True)
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    (out / "batch" / "requests-0001.jsonl").symlink_to(target)
    result = CliRunner().invoke(cli, ["batch", "prepare", SEED, "--out", str(out), "--model", "gpt-4o-mini"])
    assert result.exit_code == 2 and "cannot write the request files" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"


def test_a_batch_folder_takes_one_command_at_a_time(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as another run holding the folder would
        result = CliRunner().invoke(cli, ["batch", "prepare", SEED, "--out", str(out), "--model", "gpt-4o-mini"])
    finally:
        os.close(fd)
    assert result.exit_code == 2 and "another run" in result.stderr
    assert not (out / "batch" / "state.json").exists()
