"""Review: a feed folder (``DIR/facts.jsonl``, ``DIR/report.json``) to one self-contained ``DIR/review.html``.

Analysts check an extraction by eye before publishing it, and highlighted text is quicker to check than JSON.
The page shows each article's text with every figure, statement and event highlighted at its evidence span,
the item's fields in a side panel, the article's checks (failures first) and rejected items, and the
cross-article report (each group with the reason it was formed) with links back to the spans. A legend
says what each colour and mark means; quotes, reported speech and denials are drawn differently, each
statement's first and last characters are marked so neighbouring statements show where one ends, items
proposed by the model carry a dotted underline and a "model" badge (the others "rules"), and the checks
can be filtered (failures only, one rule) from the top bar.

Offsets in the feed count Unicode code points, while the page's script would see UTF-16 strings, so all
slicing happens here: the text is cut into non-overlapping segments, each carrying the ids of the items that
cover it, innermost first, and the script never touches an offset. Everything taken from the feed or the
article is passed through :func:`html.escape`; the script only shows and hides what is already rendered.
The page's Content-Security-Policy allows no network and no script but its own (by hash), so even markup
that slipped through could neither run nor load anything.

The feed holds the text's sha256, not the text (unless the record carries it): :func:`article_text` reads
the recorded source again and uses it only when the hash matches. Without the text, the page still lists
every item with its evidence.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from extract.errors import InputError
from extract.read import Article, load_feed, read_file
from extract.write import FEED_NAME, REPORT_NAME, write_file
from schemas import Event, FeedRecord, Figure, Report, Statement

REVIEW_NAME = "review.html"
Kind = Literal["figure", "statement", "event"]
_KIND_ORDER: dict[str, int] = {"figure": 0, "statement": 1, "event": 2}
_LINE_SOURCE = re.compile(r"^(?P<path>.+):(?P<line>\d+)$")
_ITEM_ID = re.compile(r"\b[fse]\d+\b")
_VERDICTS = {"agree": ("pass", "agree"), "agree_within_tolerance": ("warn", "within tolerance"),
             "conflict": ("fail", "conflict"), "undetermined": ("none", "undetermined")}
_STATUS_ORDER = ("fail", "warn", "undetermined", "pass")  # failures first
_STATUS_CLASS = {"fail": "fail", "warn": "warn", "undetermined": "none", "pass": "pass"}


@dataclass(frozen=True)
class Span:
    """One highlighted range: an item's evidence, or a figure's quantity (``quantity=True``)."""

    start: int
    end: int
    item: str
    kind: Kind
    quantity: bool = False


@dataclass(frozen=True)
class Segment:
    """A piece of the text no span starts or ends inside; ``spans`` cover all of it, innermost first."""

    start: int
    end: int
    text: str
    spans: tuple[Span, ...] = ()

    @property
    def items(self) -> list[str]:
        return list(dict.fromkeys(s.item for s in self.spans))


@dataclass
class ReviewSummary:
    """What :func:`write_review` wrote: the page, how many articles, which had no text, unreadable feed lines."""

    path: Path
    articles: int = 0
    without_text: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def article_text(record: FeedRecord, cache: dict[Path, list[Article]] | None = None) -> str | None:
    """The article text a record's offsets index into, or None when it cannot be recovered unchanged.

    The record's own ``article.text`` when it has one; otherwise its ``article.source`` read again (a file,
    or ``path:LINE`` for a line of a .jsonl file), used only when its sha256 is the recorded one. Sources
    read from stdin cannot be read again.

    Args:
        record: a feed line.
        cache: articles already read per file, so a .jsonl source is read once for all its records.
    """
    given = getattr(record.article, "text", None)
    if isinstance(given, str):
        return given
    source = record.article.source
    if not source:
        return None
    candidates: list[tuple[Path, str | None]] = [(Path(source), None)]
    match = _LINE_SOURCE.match(source)
    if match:
        candidates.insert(0, (Path(match["path"]), source))
    for path, line_source in candidates:
        if not path.is_file():
            continue
        if cache is None or path not in cache:
            found = [a for a in read_file(path, encoding_errors="replace") if isinstance(a, Article)]
            if cache is not None:
                cache[path] = found
        else:
            found = cache[path]
        wanted = record.article.id.split("~")[0]
        for article in found:
            same = article.source == line_source if line_source else True
            if (same or article.id == wanted) and article.sha256 == record.article.sha256:
                return article.text
    return None


def item_spans(record: FeedRecord) -> list[Span]:
    """Every span to highlight: the evidence of each figure, statement and event, and each figure's quantity."""
    spans = [Span(f.evidence.start, f.evidence.end, f.id, "figure") for f in record.figures]
    spans += [Span(f.quantity.start, f.quantity.end, f.id, "figure", quantity=True) for f in record.figures]
    spans += [Span(s.evidence.start, s.evidence.end, s.id, "statement") for s in record.statements]
    spans += [Span(e.evidence.start, e.evidence.end, e.id, "event") for e in record.events]
    return spans


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Cut ``text`` at every span boundary; nested and overlapping spans both come out as flat segments.

    Spans that are empty or fall outside the text are left out. Each segment lists the spans covering it,
    shortest first (a quantity before its figure's sentence), so the first is the innermost.
    """
    usable = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in usable), *(s.end for s in usable)})
    out: list[Segment] = []
    for start, end in pairwise(cuts):
        covering = sorted(
            (s for s in usable if s.start <= start and end <= s.end),
            key=lambda s: (s.end - s.start, _KIND_ORDER[s.kind], s.item),
        )
        out.append(Segment(start, end, text[start:end], tuple(covering)))
    return out


def write_review(out_dir: Path) -> ReviewSummary:
    """Read ``out_dir/facts.jsonl`` (and ``report.json`` when present) and write ``out_dir/review.html``.

    Raises:
        InputError: there is no feed in ``out_dir``, or its report cannot be read.
    """
    feed = out_dir / FEED_NAME
    if not feed.is_file():
        raise InputError(f"no {FEED_NAME} here (run the pipeline with --out {out_dir} first)", source=str(out_dir))
    records, errors = load_feed(feed)
    report = None
    report_path = out_dir / REPORT_NAME
    if report_path.is_file():
        try:
            report = Report.model_validate_json(report_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise InputError(f"cannot read the report: {str(err).splitlines()[0]}", source=str(report_path),
                             original=err) from err
    cache: dict[Path, list[Article]] = {}
    texts = {r.article.id: article_text(r, cache) for r in records}
    summary = ReviewSummary(out_dir / REVIEW_NAME, len(records), [i for i, t in texts.items() if t is None], errors)
    write_file(summary.path, render_review(records, report, texts, title=str(out_dir)).encode("utf-8"))
    return summary


def render_review(records: Sequence[FeedRecord], report: Report | None, texts: dict[str, str | None],
                  *, title: str = "") -> str:
    """The whole page: the template with the articles and the cross-article view filled in."""
    labels = _labels([r.article.id for r in records])
    known = {(r.article.id, item.id) for r in records for _, item in _items(r)}
    count = {k: sum(len(getattr(r, k)) for r in records) for k in ("figures", "statements", "events")}
    nav = "".join(f'<li><a href="#{_href(r.article.id)}">{escape(r.article.title or r.article.id)}</a></li>'
                  for r in records)
    if report is not None:
        nav += '<li><a href="#cross-article">Across articles</a></li>'
    sub = " · ".join(_plural(n, w) for n, w in ((len(records), "article"), (count["figures"], "figure"),
                                                 (count["statements"], "statement"), (count["events"], "event")))
    rules = sorted({c.rule for r in records for c in r.checks})
    head = (f'<header class="top"><h1>Extraction review <span class="where">{escape(title)}</span></h1>'
            f'<p class="sub">{sub}</p><nav aria-label="Articles"><ul>{nav}</ul></nav>{_filters(rules)}</header>')
    body = _LEGEND + "".join(_article(r, texts.get(r.article.id)) for r in records)
    if report is not None:
        body += _cross_article(report, labels, known)
    template = resources.files("extract").joinpath("review_template.html").read_text(encoding="utf-8")
    script = template.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    page = template.replace("%%SCRIPT_HASH%%", digest)
    page = page.replace("%%TITLE%%", escape(f"Extraction review {title}".strip()))
    return page.replace("%%BODY%%", head + f"<main>{body}</main>", 1)


def _article(record: FeedRecord, text: str | None) -> str:
    aid = record.article.id
    a = record.article
    meta = [f"id {aid}" if a.title else "", f"source {a.source or 'unknown'}", f"{a.chars} characters",
            f"published {a.published}" if a.published else "", a.outlet or "", a.url or "",
            f"{record.extractor.backend}" + (f" · {record.extractor.model}" if record.extractor.model else "")]
    meta_html = "".join(f"<span>{escape(m)}</span>" for m in meta if m)
    spans = item_spans(record)
    looks = _looks(record)
    if text is not None:
        body = f'<div class="text" data-article="{escape(aid)}">{_highlighted(aid, text, spans, looks)}</div>'
    else:
        body = (f'<div class="text missing" data-article="{escape(aid)}"><p class="notice">The article text is not '
                f'available: its source could not be read again or no longer matches the recorded sha256. Each item '
                f'is shown with its evidence.</p><ol class="evidence">{_evidence_list(aid, record, looks)}</ol></div>')
    details = "".join(_detail(kind, item.id, item.model_dump(mode="json")) for kind, item in _items(record))
    panel = (f'<aside class="panel" aria-label="Selected item" aria-live="polite"><p class="hint">Select a '
             f'highlight (click, or Tab then Enter) to see its fields.</p>{details}</aside>')
    counts = "".join(f'<span class="key {kind}">{_plural(len(items), kind)}</span>' for kind, items in
                     (("figure", record.figures), ("statement", record.statements), ("event", record.events)))
    return (f'<section class="article" id="{escape(aid)}"><h2>{escape(a.title or aid)}</h2>'
            f'<p class="meta">{meta_html}</p><p class="counts">{counts}</p>'
            f'<div class="layout">{body}{panel}</div>{_checks(record)}{_rejected(record)}</section>')


def _items(record: FeedRecord) -> list[tuple[Kind, Figure | Statement | Event]]:
    kinds: list[tuple[Kind, Sequence[Figure | Statement | Event]]] = [
        ("figure", record.figures), ("statement", record.statements), ("event", record.events)]
    return [(kind, item) for kind, items in kinds for item in items]


def _looks(record: FeedRecord) -> dict[str, list[str]]:
    """Extra classes per item: a statement's kind (quote, reported, denial), and by-model for the model's."""
    looks: dict[str, list[str]] = {}
    for _, item in _items(record):
        looks[item.id] = ([item.kind] if isinstance(item, Statement) else []) + (
            ["by-model"] if item.by == "model" else [])
    return looks


def _highlighted(aid: str, text: str, spans: list[Span], looks: dict[str, list[str]]) -> str:
    parts: list[str] = []
    anchored: set[str] = set()
    for seg in segments(text, spans):
        for span in seg.spans:
            if not span.quantity and span.item not in anchored and span.start == seg.start:
                anchored.add(span.item)
                parts.append(f'<span class="anchor" id="{escape(aid)}-{escape(span.item)}"></span>')
        if not seg.spans:
            parts.append(escape(seg.text))
            continue
        inner = seg.spans[0]
        classes = ["hl", inner.kind, *sorted({f"also-{s.kind}" for s in seg.spans[1:] if s.kind != inner.kind})]
        if inner.quantity:
            classes.append("qty")
        said = [sp for sp in seg.spans if sp.kind == "statement"]
        # The statement's kind (quote, reported, denial) shows even under a figure's sentence; by-model is
        # the innermost item's.
        classes += [c for c in looks.get(inner.item, []) if c == "by-model"]
        classes += list(dict.fromkeys(c for sp in said for c in looks.get(sp.item, []) if c != "by-model"))
        # A statement's first and last characters are marked, so two statements side by side show their seam.
        first = [sp.item for sp in said if sp.start == seg.start]
        classes += ["s-first"] * bool(first) + ["s-last"] * any(sp.end == seg.end for sp in said)
        parts.append(_mark(classes, seg.items, seg.text, [s.item for s in seg.spans if s.quantity], " ".join(first)))
    return "".join(parts)


def _evidence_list(aid: str, record: FeedRecord, looks: dict[str, list[str]]) -> str:
    rows = [(kind, item.id, item.evidence.text, item.evidence.start) for kind, item in _items(record)]
    return "".join(f'<li><span class="anchor" id="{escape(aid)}-{escape(i)}"></span><span class="off">{escape(i)} '
                   f'@{start}</span> {_mark(["hl", kind, *looks.get(i, [])], [i], text)}</li>'
                   for kind, i, text, start in sorted(rows, key=lambda r: r[3]))


def _mark(classes: list[str], items: list[str], text: str, quantities: Sequence[str] = (), first: str = "") -> str:
    """One highlight: ``data-items`` lists the items covering it, innermost first; ``data-quantity`` the
    figures whose quantity covers it; ``data-first`` the statements that start here (shown as a tag by CSS,
    so the text itself stays exactly the article's)."""
    quantity = f' data-quantity="{escape(" ".join(quantities))}"' if quantities else ""
    starts = f' data-first="{escape(first)}"' if first else ""
    label = f"{', '.join(items)}: {text[:60]}"
    return (f'<mark class="{" ".join(classes)}" data-items="{escape(" ".join(items))}"{quantity}{starts} '
            f'tabindex="0" role="button" aria-label="{escape(label)}">{escape(text)}</mark>')


def _detail(kind: str, item_id: str, fields: dict[str, Any]) -> str:
    rows = "".join(f"<dt>{escape(name)}</dt><dd>{_value(value)}</dd>" for name, value in fields.items() if name != "id")
    raw = escape(json.dumps(fields, indent=2, ensure_ascii=False))
    by = str(fields.get("by") or "rules")
    said = fields.get("kind") if kind == "statement" else None
    sub = f' <span class="off">{escape(str(said))}</span>' if said else ""
    return (f'<div class="detail" data-item="{escape(item_id)}" hidden><h3><span class="key {kind}">{kind}</span> '
            f'{escape(item_id)}{sub} <span class="by {escape(by)}" title="who proposed it">{escape(by)}</span></h3>'
            f'<dl>{rows}</dl><details><summary>JSON</summary><pre>{raw}</pre></details></div>')


def _value(value: Any) -> str:
    if value is None:
        return '<span class="null">none</span>'
    if isinstance(value, float) and value.is_integer():
        return escape(f"{int(value):,}")
    if isinstance(value, dict) and {"text", "start", "end"} <= value.keys():
        span = f'<span class="off">[{escape(str(value["start"]))}, {escape(str(value["end"]))})</span>'
        return f'<span class="ev">{escape(str(value["text"]))}</span> {span}'
    if isinstance(value, list):
        return escape(", ".join(str(v) for v in value)) if value else '<span class="null">none</span>'
    if isinstance(value, dict):
        return f"<pre>{escape(json.dumps(value, indent=2, ensure_ascii=False))}</pre>"
    return escape(str(value))


def _checks(record: FeedRecord) -> str:
    """The article's checks, failures first, each with its status and rule as data for the page's filters."""
    if not record.checks:
        return '<h3>Checks</h3><p class="empty">No checks ran on this article.</p>'
    known = {item.id for _, item in _items(record)}
    tally = {s: sum(c.status == s for c in record.checks) for s in _STATUS_ORDER}
    summary = " ".join(f'<span class="badge {_STATUS_CLASS[s]}">{n} {s}</span>' for s, n in tally.items() if n)
    ordered = sorted(record.checks, key=lambda c: _STATUS_ORDER.index(c.status) if c.status in _STATUS_ORDER else 9)
    rows = "".join(
        f'<li class="check" data-status="{escape(c.status)}" data-rule="{escape(c.rule)}">'
        f'<span class="badge {_STATUS_CLASS.get(c.status, "none")}">{escape(c.status)}</span> '
        f'<code>{escape(c.rule)}</code> '
        f'<span class="target">{_targets(record.article.id, c.target, known)}</span> {escape(c.detail)}</li>'
        for c in ordered)
    return (f'<h3>Checks {summary}</h3><ul class="checks">{rows}</ul>'
            '<p class="empty filtered" hidden>No check of this article matches the filter.</p>')


def _filters(rules: Sequence[str]) -> str:
    """The top bar's check filters: failures only, one rule. The page's script applies them."""
    if not rules:
        return ""
    options = "".join(f'<option value="{escape(r)}">{escape(r)}</option>' for r in rules)
    return ('<div class="filters" role="group" aria-label="Filter the checks"><span>Checks:</span>'
            '<label><input type="checkbox" id="fails-only"> failures only</label>'
            f'<label>rule <select id="rule-filter"><option value="">every rule</option>{options}</select></label>'
            '<span id="filter-count" aria-live="polite"></span></div>')


_LEGEND = (
    '<section class="legend" aria-label="Legend"><h2>Legend</h2><dl>'
    '<dt><mark class="hl figure sample">figure</mark> <mark class="hl figure qty sample">12-day</mark></dt>'
    '<dd>a figure: its sentence, and in a stronger shade the number as written</dd>'
    '<dt><mark class="hl statement quote sample">quote</mark></dt><dd>a direct quote: the words said</dd>'
    '<dt><mark class="hl statement reported sample">reported</mark></dt>'
    '<dd>reported speech: a claim in the article’s words (lighter, dashed edge)</dd>'
    '<dt><mark class="hl statement denial sample">denial</mark></dt><dd>a denial</dd>'
    '<dt><mark class="hl statement reported s-first sample" data-first="s2">said</mark>'
    '<mark class="hl statement reported s-last sample">.</mark></dt>'
    '<dd>where a statement starts (a bar and its id) and ends (a bar): neighbouring statements show their seam</dd>'
    '<dt><mark class="hl event sample">event</mark></dt><dd>an event</dd>'
    '<dt><mark class="hl event also-statement sample">underlined</mark></dt>'
    '<dd>an underline in another colour: the text is also part of another kind of item</dd>'
    '<dt><mark class="hl figure by-model sample">dotted</mark> <span class="by model">model</span> '
    '<span class="by rules">rules</span></dt>'
    '<dd>who proposed the item: a dotted underline and “model” for the model, “rules” for the deterministic '
    'rules (numbers, quotes and offsets always come from the text)</dd>'
    '<dt><span class="badge fail">fail</span> <span class="badge warn">warn</span> '
    '<span class="badge none">undetermined</span> <span class="badge pass">pass</span></dt>'
    '<dd>check results, failures listed first; undetermined: the check found only part of what it compares '
    '(a start date without an end date)</dd>'
    '<dt><span class="badge fail">conflict</span> <span class="badge warn">within tolerance</span> '
    '<span class="badge pass">agree</span></dt><dd>across articles: whether the articles’ values agree</dd>'
    '</dl></section>'
)


def _targets(aid: str, target: str, known: set[str]) -> str:
    """The check's target with each item id that exists in the article made a link to its span."""
    out, last = [], 0
    for m in _ITEM_ID.finditer(target):
        out.append(escape(target[last:m.start()]))
        word = m.group()
        out.append(f'<a href="#{_href(aid, word)}">{escape(word)}</a>' if word in known else escape(word))
        last = m.end()
    return "".join(out) + escape(target[last:])


def _rejected(record: FeedRecord) -> str:
    if not record.rejected:
        return '<h3>Rejected</h3><p class="empty">Nothing was rejected.</p>'
    rows = "".join(
        f'<li><p><span class="badge fail">rejected</span> {escape(r.reason)}</p>'
        f'<details><summary>{escape(_gist(r.item))}</summary>'
        f'<pre>{escape(json.dumps(r.item, indent=2, ensure_ascii=False, default=str))}</pre></details></li>'
        for r in record.rejected)
    return f'<h3>Rejected <span class="badge fail">{len(record.rejected)}</span></h3><ul class="rejected">{rows}</ul>'


def _gist(item: dict[str, object]) -> str:
    evidence = item.get("evidence")
    for value in (evidence.get("text") if isinstance(evidence, dict) else None, item.get("text"), item.get("summary")):
        if isinstance(value, str) and value:
            return value if len(value) <= 140 else value[:139] + "…"
    return "item"


def _cross_article(report: Report, labels: dict[str, str], known: set[tuple[str, str]]) -> str:
    def link(article: str, item: str) -> str:
        text = f"{labels.get(article, article)} · {item}"
        if (article, item) not in known:
            return f'<span title="{escape(article)}">{escape(text)}</span>'
        return f'<a href="#{_href(article, item)}" title="{escape(article)}">{escape(text)}</a>'

    def verdict(name: str) -> str:
        status, label = _VERDICTS.get(name, ("none", name))
        return f'<span class="badge {status}">{escape(label)}</span>'

    figures = "".join(
        f'<tr><th scope="row">{escape(g.id)}</th><td>{escape(g.measure)} <span class="off">{escape(g.unit)}</span>'
        f'</td><td><ul>' + "".join(f'<li>{link(v.article, v.figure)} “{escape(v.text)}”</li>' for v in g.values)
        + f'</ul></td><td>{verdict(g.verdict)}</td><td>{escape(g.detail)}</td>'
        f'<td class="why">{escape(getattr(g, "reason", ""))}</td></tr>' for g in report.figure_groups)
    names = {e.id: e.name for e in report.entities}

    def when(v: Any) -> str:
        known_parts = v.date or "-".join(f"{p:02d}" for p in (v.month, v.day) if p is not None)
        return escape(" ".join(p for p in (known_parts, f"({v.date_text})" if v.date_text else "") if p) or "no date")

    events = "".join(
        f'<tr><th scope="row">{escape(g.id)}</th><td>{escape(g.kind)} <span class="off">'
        f'{escape(", ".join(names.get(e, e) for e in g.entities))}</span></td><td><ul>'
        + "".join(f"<li>{link(v.article, v.event)} {when(v)}</li>" for v in g.values)
        + f'</ul></td><td>{verdict(g.verdict)}</td><td>{escape(g.detail)}</td>'
        f'<td class="why">{escape(getattr(g, "reason", ""))}</td></tr>' for g in report.event_groups)
    entities = "".join(
        f'<tr><th scope="row">{escape(e.name)}</th><td>{escape(e.kind)}</td><td>{escape(", ".join(e.variants))}</td>'
        f'<td class="links">' + " ".join(link(m.article, m.item) for m in e.mentions) + "</td></tr>"
        for e in report.entities)
    entity_head = "<thead><tr><th>name</th><th>kind</th><th>spellings</th><th>mentions</th></tr></thead>"
    head = ("<thead><tr><th>group</th><th>what</th><th>per article</th><th>verdict</th><th>detail</th>"
            "<th>why grouped</th></tr></thead>")
    s = report.summary
    counts = " · ".join(_plural(n, w) for n, w in ((s.entities, "entity"), (s.figure_groups, "figure group"),
                                                    (s.event_groups, "event group"), (s.conflicts, "conflict")))
    return (f'<section class="cross" id="cross-article"><h2>Across articles</h2><p class="sub">{counts}</p>'
            f'<h3>Figures</h3>{_table(head, figures, "No figures are shared between articles.")}'
            f'<h3>Events</h3>{_table(head, events, "No events are shared between articles.")}'
            f'<h3>Entities</h3>{_table(entity_head, entities, "No entities.")}{_duplicates(report, labels)}</section>')


def _duplicates(report: Report, labels: dict[str, str]) -> str:
    repeats = getattr(report, "duplicates", [])
    if not repeats:
        return ""
    rows = "".join(f"<li>{escape(labels.get(d.article, d.article))} repeats {escape(labels.get(d.same_as, d.same_as))}"
                   "</li>" for d in repeats)
    return (f'<h3>Repeated articles <span class="badge none">{len(repeats)}</span></h3><p class="sub">Left out of '
            f'the groups: the same text, or the same evidence sentences, as an earlier record.</p><ul>{rows}</ul>')


def _table(head: str, rows: str, empty: str) -> str:
    return f'<div class="scroll"><table>{head}<tbody>{rows}</tbody></table></div>' if rows else f"<p>{empty}</p>"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _labels(ids: list[str]) -> dict[str, str]:
    """Short names for links: ``001`` for ``001_2f07fd0f5ed94aae`` when that prefix is unique."""
    prefixes = [i.split("_", 1)[0] for i in ids]
    return {i: p if "_" in i and prefixes.count(p) == 1 else i for i, p in zip(ids, prefixes, strict=True)}


def _href(article: str, item: str | None = None) -> str:
    return escape(quote(article if item is None else f"{article}-{item}", safe="~-_.!*'()"))
