"""Inputs built to break the reader: values JSON allows but Python or UTF-8 cannot take, line separators
inside strings, files that never end or never open, names that forge log lines, text that is not there.

Each bad input is one error naming it; the rest of the batch is written; a rerun meets the same error
again and nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from extract.cli import cli

REPO = Path(__file__).resolve().parent.parent
GOOD = "The central bank raised its rate by 25 basis points to 4.5 percent on Thursday, officials said.\n"
RULES = ["--backend", "rules"]


def run(*args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, *RULES], input=stdin, env=env)


def feed(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "facts.jsonl").read_bytes().split(b"\n") if line]


def errors(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "errors.jsonl").read_bytes().split(b"\n") if line]


# --- JSON that Python or UTF-8 cannot take ------------------------------------------------------------------
HOSTILE = {
    "long-number": '{"id": "n", "text": "Prices rose.", "title": ' + "9" * 5000 + "}",
    "deep": '{"id": "d", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "surrogate-text": '{"id": "s1", "text": "Prices rose 3 percent \\ud800 in May, the agency said."}',
    "surrogate-title": '{"id": "s2", "title": "Rates \\udfff", "text": "Prices rose 3 percent, the agency said."}',
    "surrogate-id": '{"id": "s3\\ud800", "text": "Prices rose 3 percent, the agency said."}',
}


def test_json_lines_python_cannot_read_are_errors_and_the_rest_go_on(tmp_path: Path) -> None:
    good = [json.dumps({"id": f"ok{i}", "text": f"{GOOD.strip()} Story {i}."}) for i in range(len(HOSTILE) + 1)]
    lines = [x for pair in zip(good, HOSTILE.values(), strict=False) for x in pair] + [good[-1]]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    for attempt in range(2):  # the rerun meets the same errors, and only them
        result = run(str(tmp_path / "batch.jsonl"), "--out", str(out))
        assert result.exit_code == 1, result.stderr
        assert isinstance(result.exception, SystemExit)
        assert [r["article"]["id"] for r in feed(out)] == [f"ok{i}" for i in range(len(good))]
        assert f"done {0 if attempt else len(good)}, skipped {len(good) if attempt else 0}" in result.stderr
        got = {e["input"].rsplit(":", 1)[1]: e["error"] for e in errors(out)}
        assert got == {
            "2": "JSON line holds a number too long to read (over 4,300 digits)",
            "4": "JSON line nests too deeply to read",
            "6": '"text" holds an unpaired surrogate (\\ud800 at character 22), which is not Unicode text',
            "8": '"title" holds an unpaired surrogate (\\udfff at character 6), which is not Unicode text',
            "10": '"id" holds an unpaired surrogate (\\ud800 at character 2), which is not Unicode text',
        }
        assert [e["id"] for e in errors(out)] == [None, None, "s1", "s2", "s3\\ud800"]
        assert result.stderr.count("error: ") == 5


# --- line separators inside JSON strings -------------------------------------------------------------------
def test_u2028_and_u0085_inside_json_strings_do_not_split_the_line(tmp_path: Path) -> None:
    text = (f"Exports rose 12 percent in June,\u2028the ministry said.\n\nImports fell\x85 3 percent in May, the "
            f"agency said.\u2029 {GOOD}")
    rows = [{"id": "u", "title": "Trade\u2028data", "text": text}, {"id": "v", "text": GOOD}]
    (tmp_path / "trade.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                          encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(tmp_path / "trade.jsonl"), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    [u, v] = feed(out)
    assert v["article"]["id"] == "v"
    assert (u["article"]["id"], u["article"]["chars"], u["article"]["title"]) == ("u", len(text), "Trade\u2028data")
    assert [f["value"] for f in u["figures"]] == [12, 3, 25, 4.5]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["articles"] == ["u", "v"]

    checked = CliRunner().invoke(cli, ["check", str(out / "facts.jsonl"), "--out", str(tmp_path / "r.json")])
    assert checked.exit_code == 0, checked.stderr
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["articles"] == ["u", "v"]
    reviewed = CliRunner().invoke(cli, ["review", str(out)])
    assert reviewed.exit_code == 0, reviewed.stderr
    assert "2 articles" in reviewed.stderr and "not available" not in reviewed.stderr  # text read back by line

    same = run("-", "--out", str(tmp_path / "stdin"), stdin=(tmp_path / "trade.jsonl").read_bytes())
    assert same.exit_code == 0, same.stderr
    assert [r["article"]["id"] for r in feed(tmp_path / "stdin")] == ["u", "v"]


# --- what is not a regular file, and what is too large -----------------------------------------------------
def test_fifos_devices_and_link_loops_are_named_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    inputs = [str(tmp_path / "pipe.txt"), "/dev/zero", str(tmp_path / "loop.txt"), str(tmp_path / "dangling.txt"),
              str(tmp_path / "good.txt")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # A subprocess with a timeout: a reader that opens the FIFO or reads /dev/zero never comes back.
    done = subprocess.run([sys.executable, "-m", "extract", *inputs, "--out", str(tmp_path / "out"), *RULES],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1, done.stderr
    assert [r["article"]["id"] for r in feed(tmp_path / "out")] == ["good"]
    assert {Path(e["input"]).name: e["error"] for e in errors(tmp_path / "out")} == {
        "pipe.txt": "a named pipe (FIFO), not a regular file: only regular files are read",
        "zero": "a character device, not a regular file: only regular files are read",
        "loop.txt": "symbolic link loop (the link points to itself or round a cycle), not a file",
        "dangling.txt": f"broken symbolic link (its target {tmp_path / 'gone.txt'} does not exist)",
    }


def test_inputs_over_max_input_bytes_are_refused(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(GOOD * 3, encoding="utf-8")
    (tmp_path / "small.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    limit = {"EXTRACT_MAX_INPUT_BYTES": str(len(GOOD) + 10)}
    result = run(str(tmp_path / "big.txt"), str(tmp_path / "small.txt"), "--out", str(out), env=limit)
    assert result.exit_code == 1
    [error] = errors(out)
    assert error["error"] == (f"{len(GOOD) * 3:,} bytes, more than the max_input_bytes limit of {len(GOOD) + 10:,} "
                              "(raise it with EXTRACT_MAX_INPUT_BYTES or [tool.extract] max_input_bytes)")
    assert [r["article"]["id"] for r in feed(out)] == ["small"]

    endless = json.dumps({"id": "x", "text": GOOD}).encode() + b"\n" + b"0" * 5000  # a line that never ends
    streamed = run("-", "--out", str(tmp_path / "s"), stdin=endless, env={"EXTRACT_MAX_INPUT_BYTES": "1000"})
    assert streamed.exit_code == 1
    assert [r["article"]["id"] for r in feed(tmp_path / "s")] == ["x"]
    assert [e["error"] for e in errors(tmp_path / "s")] == [
        "line 2 is longer than the max_input_bytes limit of 1,000 bytes; the rest of the stream is not read"]


# --- names that forge log lines ----------------------------------------------------------------------------
def test_names_with_newlines_and_escape_sequences_cannot_forge_lines(tmp_path: Path) -> None:
    forged = "x\nerror: everything is fine\n.txt"
    escape = "y\x1b[2K\x1b[1Aok.txt"
    (tmp_path / forged).write_text("", encoding="utf-8")
    (tmp_path / escape).write_text("", encoding="utf-8")
    lines = [{"id": "a\nwarning: forged", "text": GOOD}, {"id": "a\nwarning: forged", "text": GOOD + " Again."}]
    (tmp_path / "z.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(tmp_path), "--out", str(out))
    assert result.exit_code == 1
    lines_out = result.stderr.splitlines()
    assert not [line for line in lines_out if line.startswith(("error: everything", "warning: forged", ".txt"))]
    assert "\x1b" not in result.stderr
    assert f"error: {tmp_path}/x\\nerror: everything is fine\\n.txt: empty article (no text)" in lines_out
    assert f"error: {tmp_path}/y\\x1b[2K\\x1b[1Aok.txt: empty article (no text)" in lines_out
    assert f"{tmp_path}/z.jsonl:2: duplicate id 'a\\nwarning: forged', written as 'a\\nwarning: forged~2'" in lines_out
    assert {e["input"] for e in errors(out)} == {str(tmp_path / forged), str(tmp_path / escape)}  # data, verbatim


# --- text that is not there, front matter that is not YAML ----------------------------------------------------
def test_text_of_zero_width_characters_and_marks_only_is_empty(tmp_path: Path) -> None:
    (tmp_path / "zw.txt").write_text("\u200b\ufeff\u200d\n\u2060\u200e\u00ad \n", encoding="utf-8")
    (tmp_path / "boms.txt").write_bytes("\ufeff\ufeff\ufeff".encode())
    (tmp_path / "j.jsonl").write_text(json.dumps({"id": "j", "text": "\u200b\u200c"}) + "\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("\u200b" + GOOD, encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(tmp_path), "--out", str(out))
    assert result.exit_code == 1
    assert {Path(e["input"]).name: e["error"] for e in errors(out)} == {
        "zw.txt": "empty article (no text)", "boms.txt": "empty article (no text)",
        "j.jsonl:1": "empty article (no text)"}
    assert [r["article"]["id"] for r in feed(out)] == ["good"]


def test_a_front_matter_error_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_text("---\ntitle: Rates\nurl: [unclosed\n---\n" + GOOD, encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(tmp_path / "story.md"), "--out", str(out))
    assert result.exit_code == 1
    [error] = errors(out)
    assert error["error"] == "front matter is not valid YAML: expected ',' or ']', but got '<stream end>' at line 3, " \
                             "column 15"
    assert [line for line in result.stderr.splitlines() if "story.md" in line] == [
        f"error: {tmp_path / 'story.md'}: {error['error']}"]
    other = ("backend:", "done ", "cross-check:")
    assert sum(1 for line in result.stderr.splitlines() if not line.startswith(other)) == 1
