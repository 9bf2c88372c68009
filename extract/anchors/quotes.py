"""Quotations with exact offsets: straight and curly double quotes, guillemets, British single quotes,
typewriter quotes (``like this''), and the mixed marks real pages carry.

Input: an article's text. Output: :class:`QuoteAnchor` records, in order, non-overlapping.

Rules that keep apostrophes out: a single quote opens only at the start of a word (after a space, a
bracket, a dash or the start of a line) and closes only before a non-letter; an apostrophe inside a word
(it’s, Bank’s) is neither. Real pages mix their marks (“like this", "or this”, ”even this"), so a double
mark closes at any double mark that can close, and a ”-opener is taken only where a quote can begin (the
start of a paragraph or after a space, before a letter). A quote that runs over several paragraphs, each
reopening it and only the last closing it, is one quotation. A quote left open at the end of a paragraph
that the next one does not reopen ends at the paragraph end.

The scan is linear in the text: every character is looked at a bounded number of times, however a quote
is left open (a 1 MB unclosed quote is one pass).
"""

from __future__ import annotations

import re

from extract.anchors.base import QuoteAnchor

_DOUBLE = "“”„\"«»"
# For each opening mark, the marks that may close it.
_CLOSERS: dict[str, tuple[str, ...]] = {
    "“": ("”", '"'), "„": ("“", "”", '"'), "«": ("»",), '"': ('"', "”"), "”": ("”", '"'),
    "``": ("''", "”", '"'), "‘": ("’",), "'": ("'", "’"),
}
_OPENERS = re.compile(r"``|[“„«\"‘'”]")
# Where the scan for a closing mark may stop: a line break or the first character of a closer.
_STOPS = {opener: re.compile("[\n" + "".join(sorted({c[0] for c in closers})) + "]")
          for opener, closers in _CLOSERS.items()}
_MIN_INNER_CHARS = 1


def find_quotes(text: str) -> list[QuoteAnchor]:
    """Every quotation in ``text``, in order, non-overlapping; ``inner`` is the words between the marks."""
    quotes: list[QuoteAnchor] = []
    pos = 0
    while True:
        match = _OPENERS.search(text, pos)
        if match is None:
            break
        start, opener = match.start(), match.group()
        if not _can_open(text, start, opener):
            pos = match.end()
            continue
        closed = _find_close(text, start, opener)
        if closed is None:
            pos = match.end()
            continue
        end, closer = closed
        quote = _make_quote(text, start, end, opener, closer)
        if quote is not None:
            quotes.append(quote)
        pos = max(end, match.end())
    return quotes


def _can_open(text: str, i: int, opener: str) -> bool:
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + len(opener)] if i + len(opener) < len(text) else ""
    if not after or after.isspace():
        return False
    if opener in "'‘":
        return (before.isspace() or before in "([{—–-/\n") and (after.isalnum() or after in "[….")
    if opener == '"':
        return before.isspace() or before in "([{—–-/:\n"
    if opener == "”":  # a closing mark typed as an opener: only where a quote can begin, before a word
        return (before.isspace() or before in "([{—–-/:\n") and after.isalpha() and _after_sentence(text, i)
    return True


def _after_sentence(text: str, i: int) -> bool:
    """True at a paragraph start or after a sentence end (". ”Yes"), where a ” cannot close a quote."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in "\n.!?:"


def _find_close(text: str, start: int, opener: str) -> tuple[int, str] | None:
    """The offset just past the closing mark and the mark, following the quote across reopened paragraphs."""
    closers = _CLOSERS[opener]
    stops = _STOPS[opener]
    i = start + len(opener)
    while (stop := stops.search(text, i)) is not None:
        i = stop.start()
        if text[i] == "\n":
            nxt = _next_paragraph_start(text, i)
            reopen = None if nxt is None else _reopener(text, nxt, opener)
            if nxt is not None and reopen is not None:
                i = nxt + len(reopen)
                continue
            end = _trim_end(text, start, i)
            return None if end is None else (end, "")
        for closer in closers:
            if text.startswith(closer, i) and _can_close(text, i, opener, closer):
                return i + len(closer), closer
        i += 1
    end = _trim_end(text, start, len(text))
    return None if end is None else (end, "")


def _reopener(text: str, pos: int, opener: str) -> str | None:
    """The mark that reopens the quote at a paragraph start: the same mark, or any double mark for a double."""
    for mark in (opener, *(m for m in _DOUBLE if opener in _DOUBLE or opener == "``")):
        if text.startswith(mark, pos) and mark in _CLOSERS and _can_open(text, pos, mark):
            return mark
    return None


def _can_close(text: str, i: int, opener: str, closer: str) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + len(closer)] if i + len(closer) < len(text) else ""
    if closer in ("'", "’"):
        return not after.isalnum() and not before.isspace()
    if closer == '"':
        return not before.isspace() or after in ",.;:!?)"
    if closer == "''":
        return not before.isspace()
    if opener == '"' and closer == "”":
        return not before.isspace()
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


def _make_quote(text: str, start: int, end: int, opener: str, closer: str) -> QuoteAnchor | None:
    inner_start = start + len(opener)
    inner_end = end - len(closer) if closer and end - len(closer) > start else end
    while inner_start < inner_end and text[inner_start].isspace():
        inner_start += 1
    while inner_end > inner_start and text[inner_end - 1].isspace():
        inner_end -= 1
    if inner_end - inner_start < _MIN_INNER_CHARS:
        return None
    return QuoteAnchor(start, end, text[start:end], inner_start, inner_end, text[inner_start:inner_end])
