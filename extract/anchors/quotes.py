"""Quotations with exact offsets: straight and curly double quotes, guillemets, British single quotes.

Rules that keep apostrophes out: a single quote opens only at the start of a word (after a space, a
bracket, a dash or the start of a line) and closes only before a non-letter; an apostrophe inside a word
(it’s, Bank’s) is neither. A quote that runs over several paragraphs, each reopening it and only the last
closing it, is one quotation. A quote left open at the end of a paragraph that the next one does not
reopen ends at the paragraph end.
"""

from __future__ import annotations

import re

from extract.anchors.base import QuoteAnchor

_PAIRS = {"“": "”", "„": "“", "«": "»", '"': '"', "‘": "’", "'": "'"}
_OPENERS = re.compile(r"[“„«\"‘']")
_MIN_INNER_CHARS = 1


def find_quotes(text: str) -> list[QuoteAnchor]:
    """Every quotation in ``text``, in order, non-overlapping; ``inner`` is the words between the marks."""
    quotes: list[QuoteAnchor] = []
    pos = 0
    while True:
        match = _OPENERS.search(text, pos)
        if match is None:
            break
        start = match.start()
        if not _can_open(text, start):
            pos = start + 1
            continue
        end = _find_close(text, start, _PAIRS[text[start]])
        if end is None:
            pos = start + 1
            continue
        quote = _make_quote(text, start, end)
        if quote is not None:
            quotes.append(quote)
        pos = max(end, start + 1)
    return quotes


def _can_open(text: str, i: int) -> bool:
    mark = text[i]
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else ""
    if not after or after.isspace():
        return False
    if mark in "'‘":
        return (before.isspace() or before in "([{—–-/\n") and (after.isalnum() or after in "[….")
    if mark == '"':
        return before.isspace() or before in "([{—–-/:\n"
    return True


def _find_close(text: str, start: int, closer: str) -> int | None:
    """The offset just past the closing mark, following the quote across reopened paragraphs."""
    opener = text[start]
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            nxt = _next_paragraph_start(text, i)
            if nxt is not None and text[nxt] == opener and _can_open(text, nxt):
                i = nxt + 1
                continue
            return _trim_end(text, start, i)
        if ch == closer and _can_close(text, i, opener):
            return i + 1
        i += 1
    return _trim_end(text, start, len(text))


def _can_close(text: str, i: int, opener: str) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if opener in "'‘":
        return not after.isalnum() and not before.isspace()
    if opener == '"':
        return not before.isspace() or after in ",.;:!?)"
    return True


def _next_paragraph_start(text: str, newline: int) -> int | None:
    j = newline
    while j < len(text) and text[j].isspace():
        j += 1
    return j if j < len(text) else None


def _trim_end(text: str, start: int, end: int) -> int | None:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end if end > start + 1 else None


def _make_quote(text: str, start: int, end: int) -> QuoteAnchor | None:
    inner_start = start + 1
    inner_end = end - 1 if text[end - 1] in "”“»\"’'" and end - 1 > start else end
    while inner_start < inner_end and text[inner_start].isspace():
        inner_start += 1
    while inner_end > inner_start and text[inner_end - 1].isspace():
        inner_end -= 1
    if inner_end - inner_start < _MIN_INNER_CHARS:
        return None
    return QuoteAnchor(start, end, text[start:end], inner_start, inner_end, text[inner_start:inner_end])
