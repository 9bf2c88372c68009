"""Bad input gets a one-line error naming the input; the other articles are still written; exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from extract.cli import cli

GOOD = "The central bank raised its rate by 25 basis points to 4.5 percent on Thursday, officials said.\n"


def _run(args: list[str], stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, input=stdin)
    return result.exit_code, result.stderr


def _feed(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]


def test_bad_inputs_fail_alone_and_good_ones_are_written(tmp_path: Path) -> None:
    (tmp_path / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "c_blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (tmp_path / "d_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "e_latin1.txt").write_bytes("Caf\xe9 prices rose 3 percent.".encode("latin-1"))
    (tmp_path / "f_lines.jsonl").write_text(
        json.dumps({"id": "j1", "text": GOOD}) + "\n{not json\n[1, 2]\n" + json.dumps({"id": "j4"}) + "\n"
        + json.dumps({"id": "j5", "text": GOOD, "published": "2025-06-26"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, stderr = _run([str(tmp_path), str(tmp_path / "missing.txt"), "--backend", "rules", "--out", str(out)])
    assert code == 1
    ids = [line["article"]["id"] for line in _feed(out)]  # type: ignore[index]
    assert ids == ["a_good", "j1", "j5"]
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    reasons = {Path(e["input"]).name: e["error"] for e in errors}
    assert reasons["b_empty.txt"] == "empty article (no text)"
    assert reasons["c_blank.txt"] == "empty article (no text)"
    assert reasons["d_binary.txt"].startswith("binary file")
    assert reasons["e_latin1.txt"].startswith("invalid UTF-8 at byte 3")
    assert reasons["f_lines.jsonl:2"].startswith("malformed JSON line")
    assert reasons["f_lines.jsonl:3"] == "JSON line is a list, not an object"
    assert reasons["f_lines.jsonl:4"] == 'missing "text" (a string)'
    assert reasons["missing.txt"] == "no such file or folder"
    assert all(e["stage"] == "read" for e in errors)
    for name in reasons:  # one line on stderr per bad input, naming it
        assert any(name in line and "error:" in line for line in stderr.splitlines()), name


def test_invalid_utf8_can_be_read_with_replacement(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 prices rose 3 percent, the agency said.".encode("latin-1"))
    out = tmp_path / "out"
    code, stderr = _run([str(tmp_path), "--backend", "rules", "--encoding-errors", "replace", "--out", str(out)])
    assert code == 0
    [record] = _feed(out)
    assert "U+FFFD" in stderr
    figure = record["figures"][0]  # type: ignore[index]
    assert figure["value"] == 3 and figure["unit"] == "percent"


def test_front_matter_and_stdin(tmp_path: Path) -> None:
    md = tmp_path / "story.md"
    md.write_text("---\ntitle: Rates\npublished: 2025-06-26\noutlet: Wire\n---\n" + GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert _run([str(md), "--backend", "rules", "--out", str(out)])[0] == 0
    [record] = _feed(out)
    article = record["article"]
    assert article["title"] == "Rates" and article["published"] == "2025-06-26"  # type: ignore[index]
    assert article["chars"] == len(GOOD)  # type: ignore[index]
    code, _ = _run(["-", "--backend", "rules", "--out", str(tmp_path / "o2")],
                   stdin=json.dumps({"id": "x", "text": GOOD}) + "\n")
    assert code == 0 and [r["article"]["id"] for r in _feed(tmp_path / "o2")] == ["x"]  # type: ignore[index]


def test_duplicate_ids_get_a_suffix(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": "same", "text": GOOD}) + "\n" for _ in range(2))
    (tmp_path / "dup.jsonl").write_text(lines, encoding="utf-8")
    out = tmp_path / "out"
    code, stderr = _run([str(tmp_path / "dup.jsonl"), "--backend", "rules", "--out", str(out)])
    assert code == 0
    assert [r["article"]["id"] for r in _feed(out)] == ["same", "same~2"]  # type: ignore[index]
    assert "duplicate id 'same'" in stderr


def test_unknown_backend_is_a_usage_error(tmp_path: Path) -> None:
    code, _ = _run([str(tmp_path), "--backend", "nonsense"])
    assert code == 2
