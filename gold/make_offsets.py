"""Fill in (or check) the character offsets of the evidence spans in gold/annotations/*.json.

Annotations may be written with evidence text only; this script finds each snippet in the article text and
writes ``start``/``end`` (half-open character offsets, ``text[start:end] == evidence.text``). It fails loudly
when a snippet is missing or ambiguous. Two optional evidence keys disambiguate:

* ``occurrence``: 0-based index of the occurrence to use when the snippet (or its anchor) occurs more than
  once, e.g. in an article whose text is pasted twice;
* ``anchor``: a longer snippet that contains the evidence text (``"anchor": "two backing"`` for
  ``"text": "two"``); the anchor is located (uniquely, or by ``occurrence``) and the evidence is its first
  occurrence inside the anchor.

Missing statement ``text`` is filled too: the words inside the quote marks for a quote, the evidence
itself for a reported statement or a denial. Evidence that already has valid offsets is left alone unless
``--refill`` is given.

Usage:
    python gold/make_offsets.py            # fill every annotation file in place
    python gold/make_offsets.py --check    # only verify; exit 1 on any problem
    python gold/make_offsets.py gold/annotations/boe-rates.json --refill
    python gold/make_offsets.py gold/realdev/annotations/*.json      # another gold folder
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

GOLD = Path(__file__).resolve().parent
ROOT = GOLD.parent
sys.path.insert(0, str(ROOT))

from extract.evaluate import read_article_text  # noqa: E402


class OffsetError(Exception):
    pass


def occurrences(haystack: str, needle: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of ``needle``."""
    found, at = [], haystack.find(needle)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def locate(text: str, evidence: dict[str, Any]) -> tuple[int, int]:
    snippet = evidence.get("text")
    if not isinstance(snippet, str) or not snippet:
        raise OffsetError("evidence has no text")
    anchor = evidence.get("anchor", snippet)
    hits = occurrences(text, anchor)
    if not hits:
        raise OffsetError(f"not found: {anchor!r}")
    occurrence = evidence.get("occurrence")
    if occurrence is None:
        if len(hits) > 1:
            raise OffsetError(f"ambiguous ({len(hits)} occurrences, give 'occurrence' or 'anchor'): {anchor!r}")
        anchor_start = hits[0]
    else:
        if not 0 <= occurrence < len(hits):
            raise OffsetError(f"occurrence {occurrence} of {anchor!r} does not exist ({len(hits)} found)")
        anchor_start = hits[occurrence]
    inside = anchor.find(snippet)
    if inside == -1:
        raise OffsetError(f"anchor {anchor!r} does not contain {snippet!r}")
    start = anchor_start + inside
    return start, start + len(snippet)


def fill(path: Path, *, refill: bool, check: bool) -> list[str]:
    """Fill or verify one annotation file; returns the problems found."""
    data = json.loads(path.read_text(encoding="utf-8"))
    article_path = Path(data["path"])
    # As extract.evaluate.load_gold: a relative path is relative to the parent of the gold folder
    # (gold/annotations/x.json -> the repository root; gold/blind/annotations/x.json -> gold/).
    root = path.resolve().parent.parent.parent
    text, _ = read_article_text(article_path if article_path.is_absolute() else root / article_path)
    problems: list[str] = []
    changed = False
    for group in ("figures", "statements", "events"):
        for index, item in enumerate(data.get(group, [])):
            where = f"{path.name} {group}[{index}]"
            evidence = item.get("evidence", {})
            start, end = evidence.get("start"), evidence.get("end")
            valid = isinstance(start, int) and isinstance(end, int) and text[start:end] == evidence.get("text")
            if not valid or refill:
                try:
                    new_start, new_end = locate(text, evidence)
                except OffsetError as err:
                    problems.append(f"{where}: {err}")
                    continue
                if check:
                    problems.append(
                        f"{where}: offsets missing or wrong ({start}, {end}), expected ({new_start}, {new_end})"
                    )
                    continue
                if (start, end) != (new_start, new_end):
                    rest = {k: v for k, v in evidence.items() if k not in ("text", "start", "end")}
                    item["evidence"] = {"text": evidence["text"], "start": new_start, "end": new_end, **rest}
                    changed = True
            if group == "statements" and not item.get("text"):
                if check:
                    problems.append(f"{where}: statement text missing")
                    continue
                quoted = item["evidence"]["text"]
                item["text"] = quoted[1:-1] if item.get("kind") == "quote" and not item.get("unclosed") else quoted
                if item.get("kind") == "quote" and item.get("unclosed"):
                    item["text"] = quoted[1:]
                changed = True
    if changed and not check:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="annotation files (default: all)")
    parser.add_argument("--check", action="store_true", help="verify only, write nothing")
    parser.add_argument("--refill", action="store_true", help="recompute offsets even when they are valid")
    args = parser.parse_args(argv)
    files = args.files or sorted((GOLD / "annotations").glob("*.json"))
    problems: list[str] = []
    for file in files:
        problems += fill(file, refill=args.refill, check=args.check)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(files)} file(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
