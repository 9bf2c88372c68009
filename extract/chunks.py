"""Long articles in chunks: split on paragraph boundaries, and map chunk offsets back into the whole text.

Input: an article's text. Output: :class:`Chunk` pieces that cover the text end to end, each at most
``max_chars`` long, cut after a blank line where there is one, else after a line break, else after a
sentence end, else after a space (a piece is cut mid-word only when it has no space at all). The anchor
finder, the rules and the validator then read each piece on its own, so their cost grows with the
article's length rather than its square, and :func:`shift` and :func:`merge_items` move what they found
back to whole-text offsets: ``text[chunk.start + a : chunk.start + b] == chunk.text[a:b]``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from extract.anchors import Anchors, NameAnchor, NumberAnchor, QuoteAnchor, TimeAnchor
from extract.validate import Validated
from schemas import Evidence, Rejected

#: The longest piece the anchor finder and the rules read at once. Articles up to this length (nearly all)
#: are read whole, exactly as without chunking; the cost of a piece grows faster than its length.
CHUNK_CHARS = 20_000

_T = TypeVar("_T")
_A = TypeVar("_A", NumberAnchor, TimeAnchor, QuoteAnchor, NameAnchor)
_OFFSET_FIELDS = frozenset({"start", "end", "inner_start", "inner_end"})
_PARAGRAPH = re.compile(r"[^\n]+")  # what extract.anchors.sentences counts as a paragraph
# Separators, most paragraph-like first: a blank line, a line break, a sentence end, any space.
_CUTS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?][\"'”’)\]]*\s+"), re.compile(r"\s+"))
# What shifting does to a dataclass field: move an offset, move a paragraph index, or look inside.
_OFFSET, _PARAGRAPH_INDEX, _OTHER = range(3)
_Plan = tuple[tuple[str, int], ...]
_PLANS: dict[type, _Plan | None] = {}


@dataclass(frozen=True)
class Chunk:
    """A piece of an article: its text, where it starts, and the index of its first paragraph."""

    start: int
    text: str
    first_paragraph: int


def split_paragraphs(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Contiguous ``[start, end)`` spans covering ``text``, each at most ``max_chars`` long, cut at
    paragraph boundaries where possible. A text of at most ``max_chars`` is one span; an empty text none.

    Raises:
        ValueError: ``max_chars`` is not positive.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > max_chars:
        end = _cut(text, start, start + max_chars)
        spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _cut(text: str, start: int, limit: int) -> int:
    """Just after the last separator before ``limit``: the most paragraph-like kind that still leaves
    the piece at least a quarter full, else any kind, else ``limit`` itself."""
    for least in (start + (limit - start) // 4, start):
        for pattern in _CUTS:
            cut = max((m.end() for m in pattern.finditer(text, start, limit)), default=start)
            if cut > least:
                return cut
    return limit


def chunks(text: str, max_chars: int) -> Iterator[Chunk]:
    """The pieces of :func:`split_paragraphs`, with their text and first paragraph index."""
    paragraphs = 0
    for start, end in split_paragraphs(text, max_chars):
        piece = text[start:end]
        yield Chunk(start, piece, paragraphs)
        paragraphs += sum(1 for _ in _PARAGRAPH.finditer(piece))


def shift(found: _T, chunk: Chunk) -> _T:
    """``found`` (anchors, drafts, or tuples of them), found in ``chunk.text``, at whole-text offsets and
    paragraph indices; nested anchors move too, and an anchor met twice is moved once. The first chunk's
    are returned as they are."""
    if chunk.start == 0 and chunk.first_paragraph == 0:
        return found
    return _shifted(found, chunk.start, chunk.first_paragraph, {})  # type: ignore[no-any-return]


def _shifted(value: Any, offset: int, paragraphs: int, done: dict[int, Any]) -> Any:
    if type(value) is tuple:
        # Tuples hold anchors, drafts, or plain values (names, notes) that stay as they are.
        if not value or (_plan(type(value[0])) is None and type(value[0]) is not tuple):
            return value
        return tuple(_shifted(v, offset, paragraphs, done) for v in value)
    plan = _plan(type(value))
    if plan is None:
        return value
    if id(value) in done:
        return done[id(value)]
    args: list[Any] = []
    for name, role in plan:
        item = getattr(value, name)
        if role == _OFFSET and type(item) is int:
            item += offset
        elif role == _PARAGRAPH_INDEX and type(item) is int:
            item += paragraphs
        elif role == _OTHER:
            item = _shifted(item, offset, paragraphs, done)
        args.append(item)
    done[id(value)] = moved = type(value)(*args)
    return moved


def _plan(cls: type) -> _Plan | None:
    """A dataclass's constructor fields in order, with what shifting does to each; None for other types."""
    if cls not in _PLANS:
        _PLANS[cls] = tuple(
            (f.name, _OFFSET if f.name in _OFFSET_FIELDS else _PARAGRAPH_INDEX if f.name == "paragraph" else _OTHER)
            for f in dataclasses.fields(cls) if f.init
        ) if dataclasses.is_dataclass(cls) else None
    return _PLANS[cls]


def merge_anchors(parts: list[Anchors]) -> Anchors:
    """The shifted anchors of consecutive chunks as one :class:`Anchors`, ids numbered across them."""
    if len(parts) <= 1:
        return parts[0] if parts else Anchors()
    return Anchors(
        sentences=tuple(s for part in parts for s in part.sentences),
        numbers=_renumbered("n", [a for part in parts for a in part.numbers]),
        times=_renumbered("t", [a for part in parts for a in part.times]),
        quotes=_renumbered("q", [a for part in parts for a in part.quotes]),
        names=_renumbered("p", [a for part in parts for a in part.names]),
        notes=tuple(n for part in parts for n in part.notes),
    )


def _renumbered(prefix: str, anchors: list[_A]) -> tuple[_A, ...]:
    renumbered: list[_A] = []
    for i, anchor in enumerate(anchors, start=1):
        plan = _plan(type(anchor)) or ()
        args: list[Any] = [f"{prefix}{i}" if name == "id" else getattr(anchor, name) for name, _ in plan]
        renumbered.append(type(anchor)(*args))
    return tuple(renumbered)


def merge_items(into: Validated, part: Validated, chunk: Chunk) -> None:
    """Append the items validated against ``chunk.text`` to ``into``, at whole-text offsets, with ids
    (f1, s1, e1...) numbered on from those already there."""
    offset = chunk.start
    for figure in part.figures:
        into.figures.append(figure.model_copy(update={
            "id": f"f{len(into.figures) + 1}", "quantity": _moved(figure.quantity, offset),
            "evidence": _moved(figure.evidence, offset),
        }))
    for statement in part.statements:
        into.statements.append(statement.model_copy(update={
            "id": f"s{len(into.statements) + 1}", "evidence": _moved(statement.evidence, offset),
        }))
    for event in part.events:
        into.events.append(event.model_copy(update={
            "id": f"e{len(into.events) + 1}", "evidence": _moved(event.evidence, offset),
        }))
    into.rejected.extend(_moved_rejection(r, offset) for r in part.rejected)


def _moved(evidence: Evidence, offset: int) -> Evidence:
    if offset == 0:
        return evidence
    return evidence.model_copy(update={"start": evidence.start + offset, "end": evidence.end + offset})


def _moved_rejection(rejected: Rejected, offset: int) -> Rejected:
    start = rejected.item.get("start")
    if offset == 0 or not isinstance(start, int):
        return rejected
    return rejected.model_copy(update={"item": {**rejected.item, "start": start + offset}})
