"""Score a facts feed against the hand-written gold set in ``gold/`` (see ``gold/README.md``).

Gold: ``gold/annotations/<id>.json``, one file per article, each naming the article file (``path``, relative
to the repository root, i.e. the parent of the gold folder, or absolute). The article text is the whole file
read as UTF-8, except for ``.md`` files that open with a ``---`` front-matter block, whose text is everything
after the newline that ends the closing ``---`` line. Every gold evidence satisfies
``text[start:end] == evidence.text`` (half-open character offsets); :func:`load_gold` refuses gold that does not.

Scoring. Only articles present both in the gold and in the feed are compared; gold articles absent from the
feed are listed in the report and all their gold items count as missed (false negatives). Feed lines for
articles without gold are ignored (listed as ``unscored``). When the feed holds two lines for one article the
later line wins. Within an article, gold and predicted items of one type are paired one-to-one, greedily:
every (gold, predicted) pair that satisfies the type's rule is a candidate, candidates are taken best first
(highest span overlap ratio |A∩B| / |A∪B|, ties broken by the secondary criterion named below, then by
text order), and an item already paired is skipped. A paired prediction is a true positive, an unpaired
prediction a false positive, an unpaired gold item a false negative.

Rules (spans are half-open; "overlap" means at least one shared character):

* ``figures``: equal value (``math.isclose`` with relative tolerance 1e-9) and overlapping spans. A range
  matches only a range whose low and high bounds are both equal; a single value never matches a range.
  The predicted span is the figure's ``quantity`` (the number as written) when the feed line has one,
  else its ``evidence``.
* ``figures_unit``: the ``figures`` rule and, in addition, the same unit.
* ``statements``: the speakers match and the spans overlap by at least 30% of the shorter span. Speakers
  match when the last tokens of both names are equal after case- and accent-folding ("Masoud Pezeshkian"
  ~ "President Pezeshkian"); when the gold speaker is an organisation (an acronym, a lowercase word or an
  organisation word such as office, ministry, bank, court, service, union...), they match when rapidfuzz
  ``token_set_ratio`` of the folded names is at least 85 instead. Ties prefer the same ``kind``.
* ``statements_kind``: the ``statements`` rule and, in addition, the same kind (quote, reported, denial).
* ``events``: (the same non-null date and at least one actor in common, actors compared like speakers)
  or overlapping evidence spans. Ties prefer pairs that satisfy both conditions.

Precision, recall and F1 are micro-averaged: the counts of all scored articles are summed first. A ratio
with a zero denominator is 1.0 when there was nothing to find and nothing was predicted, else 0.0.

Grounded rate: over every predicted item (figures, statements, events) of the scored feed lines, the share
whose ``evidence`` (and, for figures, ``quantity`` when present) satisfies ``text[start:end] == text`` for
the gold article text. An item with a missing or malformed span is not grounded and can never match.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from rapidfuzz import fuzz

ITEM_TYPES: tuple[str, ...] = ("figures", "figures_unit", "statements", "statements_kind", "events")
"""The rows of a report, in display order."""

UNIT_PATTERN = re.compile(
    r"^(percent|percentage_point|count|day|week|month|year|hour|minute|USD|EUR|GBP|magnitude|other:[a-z_/]+)$"
)
STATEMENT_KINDS = ("quote", "reported", "denial")
STATEMENT_OVERLAP = 0.30
SPEAKER_FUZZ = 85.0
VALUE_REL_TOL = 1e-9

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ORG_WORDS = frozenset(
    """
    office ministry government bank court agency institute institution police council committee union company
    club federation commission service department statement readout treasury association authority
    organisation organization university universities party group groups board fund media league inc ltd corp
    plc fc centre center tribunal army forces military presidency parliament congress senate cabinet embassy
    network alliance coalition observers officials lawmakers researchers people data united nations resources
    systems capital securities holdings international airport airlines technologies industries energy minerals
    """.split()
)


class GoldError(ValueError):
    """A gold annotation file that cannot be used: malformed, or an evidence span that does not match."""


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open ``[start, end)`` character interval of an article text, with the text it claims to cover."""

    start: int
    end: int
    text: str

    def __len__(self) -> int:
        return max(0, self.end - self.start)

    def overlap(self, other: Span) -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def jaccard(self, other: Span) -> float:
        inter = self.overlap(other)
        union = max(self.end, other.end) - min(self.start, other.start)
        return inter / union if union > 0 else 0.0

    def grounded_in(self, text: str) -> bool:
        return 0 <= self.start <= self.end <= len(text) and text[self.start : self.end] == self.text


@dataclass(frozen=True, slots=True)
class GoldFigure:
    value: float
    unit: str
    about: str | None
    source: str | None
    evidence: Span
    value_high: float | None = None


@dataclass(frozen=True, slots=True)
class GoldStatement:
    speaker: str | None
    kind: str
    text: str
    evidence: Span


@dataclass(frozen=True, slots=True)
class GoldEvent:
    kind: str
    summary: str
    actors: tuple[str, ...]
    date: str | None
    location: str | None
    evidence: Span


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One annotated article: its exact text and the items a careful analyst extracts from it."""

    id: str
    path: Path
    text: str
    published: str | None
    figures: tuple[GoldFigure, ...]
    statements: tuple[GoldStatement, ...]
    events: tuple[GoldEvent, ...]


@dataclass(slots=True)
class Counts:
    """True positives, false positives and false negatives of one item type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp, empty=self.fn == 0)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn, empty=self.fp == 0)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn, empty=True)


@dataclass(slots=True)
class ArticleResult:
    """The scores of one gold article; ``in_feed`` is False when the feed had no line for it."""

    id: str
    in_feed: bool
    counts: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in ITEM_TYPES})
    predicted: int = 0
    grounded: int = 0
    missed: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class EvalReport:
    """Micro-averaged totals per item type, per-article results and the grounded rate."""

    totals: dict[str, Counts]
    articles: dict[str, ArticleResult]
    missing: list[str]
    unscored: list[str]
    predicted: int
    grounded: int

    @property
    def grounded_rate(self) -> float:
        return _ratio(self.grounded, self.predicted, empty=True)


# ---------------------------------------------------------------------------------------------- gold loading


def read_article_text(path: Path) -> tuple[str, dict[str, Any]]:
    """The exact text gold offsets index into, and the front-matter fields (empty when there are none)."""
    content = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".md":
        match = _FRONT_MATTER.match(content)
        if match:
            loaded = yaml.safe_load(match.group(1))
            meta: dict[str, Any] = dict(loaded) if isinstance(loaded, dict) else {}
            return content[match.end() :], meta
    return content, {}


def load_gold(gold_dir: Path, *, check_spans: bool = True) -> dict[str, GoldArticle]:
    """Read every ``gold_dir/annotations/*.json`` with its article text, keyed by article id.

    Raises:
        GoldError: a file is malformed, names a missing article, or (with ``check_spans``) has an evidence
            whose text is not the article text at its offsets.
    """
    root = gold_dir.resolve().parent
    gold: dict[str, GoldArticle] = {}
    for file in sorted((gold_dir / "annotations").glob("*.json")):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise GoldError(f"{file}: not valid JSON: {err}") from err
        article = _gold_article(data, file, root)
        if check_spans:
            _check_spans(article, file)
        if article.id in gold:
            raise GoldError(f"{file}: duplicate article id {article.id!r}")
        gold[article.id] = article
    return gold


def _gold_article(data: object, file: Path, root: Path) -> GoldArticle:
    if not isinstance(data, dict):
        raise GoldError(f"{file}: top level is not an object")
    try:
        raw_path = Path(str(data["path"]))
        path = raw_path if raw_path.is_absolute() else root / raw_path
        text, meta = read_article_text(path)
        published = meta.get("published")
        if isinstance(published, dt.date):
            published = published.isoformat()
        figures = tuple(
            GoldFigure(
                value=float(f["value"]),
                value_high=None if f.get("value_high") is None else float(f["value_high"]),
                unit=str(f["unit"]),
                about=f.get("about"),
                source=f.get("source"),
                evidence=_gold_span(f["evidence"]),
            )
            for f in data.get("figures", [])
        )
        statements = tuple(
            GoldStatement(
                speaker=s.get("speaker"), kind=str(s["kind"]), text=str(s["text"]), evidence=_gold_span(s["evidence"])
            )
            for s in data.get("statements", [])
        )
        events = tuple(
            GoldEvent(
                kind=str(e["kind"]),
                summary=str(e["summary"]),
                actors=tuple(str(a) for a in e.get("actors") or ()),
                date=e.get("date"),
                location=e.get("location"),
                evidence=_gold_span(e["evidence"]),
            )
            for e in data.get("events", [])
        )
        return GoldArticle(
            id=str(data["id"]),
            path=path,
            text=text,
            published=None if published is None else str(published),
            figures=figures,
            statements=statements,
            events=events,
        )
    except (KeyError, TypeError, ValueError, OSError) as err:
        raise GoldError(f"{file}: {type(err).__name__}: {err}") from err


def _gold_span(obj: Mapping[str, Any]) -> Span:
    return Span(start=int(obj["start"]), end=int(obj["end"]), text=str(obj["text"]))


def _check_spans(article: GoldArticle, file: Path) -> None:
    items: list[tuple[str, Span]] = [("figure", f.evidence) for f in article.figures]
    items += [("statement", s.evidence) for s in article.statements]
    items += [("event", e.evidence) for e in article.events]
    for label, span in items:
        if not span.grounded_in(article.text):
            found = article.text[span.start : span.end]
            raise GoldError(f"{file}: {label} evidence [{span.start}, {span.end}) is {found!r}, not {span.text!r}")


# ------------------------------------------------------------------------------------------ predicted items


@dataclass(frozen=True, slots=True)
class _PredFigure:
    value: float | None
    value_high: float | None
    unit: str | None
    span: Span | None
    grounded: bool


@dataclass(frozen=True, slots=True)
class _PredStatement:
    speaker: str | None
    kind: str | None
    span: Span | None
    grounded: bool


@dataclass(frozen=True, slots=True)
class _PredEvent:
    actors: tuple[str, ...]
    date: str | None
    span: Span | None
    grounded: bool


def _pred_span(obj: object) -> Span | None:
    if not isinstance(obj, Mapping):
        return None
    start, end, text = obj.get("start"), obj.get("end"), obj.get("text")
    if isinstance(start, bool) or isinstance(end, bool):
        return None
    if not isinstance(start, int) or not isinstance(end, int) or not isinstance(text, str):
        return None
    return Span(start=start, end=end, text=text)


def _is_grounded(span: Span | None, text: str) -> bool:
    return span is not None and span.grounded_in(text)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _items(line: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    raw = line.get(key)
    if not isinstance(raw, list):
        return []
    return [item if isinstance(item, Mapping) else {} for item in raw]


def _pred_figures(line: Mapping[str, Any], text: str) -> list[_PredFigure]:
    out = []
    for item in _items(line, "figures"):
        evidence = _pred_span(item.get("evidence"))
        quantity = _pred_span(item.get("quantity")) if item.get("quantity") is not None else None
        grounded = _is_grounded(evidence, text) and (item.get("quantity") is None or _is_grounded(quantity, text))
        out.append(
            _PredFigure(
                value=_number(item.get("value")),
                value_high=_number(item.get("value_high")),
                unit=_str_or_none(item.get("unit")),
                span=quantity if quantity is not None else evidence,
                grounded=grounded,
            )
        )
    return out


def _pred_statements(line: Mapping[str, Any], text: str) -> list[_PredStatement]:
    out = []
    for item in _items(line, "statements"):
        span = _pred_span(item.get("evidence"))
        speaker, kind = _str_or_none(item.get("speaker")), _str_or_none(item.get("kind"))
        out.append(_PredStatement(speaker=speaker, kind=kind, span=span, grounded=_is_grounded(span, text)))
    return out


def _pred_events(line: Mapping[str, Any], text: str) -> list[_PredEvent]:
    out = []
    for item in _items(line, "events"):
        span = _pred_span(item.get("evidence"))
        raw_actors = item.get("actors")
        actors = tuple(a for a in raw_actors if isinstance(a, str)) if isinstance(raw_actors, list) else ()
        date = _str_or_none(item.get("date"))
        out.append(_PredEvent(actors=actors, date=date, span=span, grounded=_is_grounded(span, text)))
    return out


# ------------------------------------------------------------------------------------------------- matching


def fold(text: str) -> str:
    """Case- and accent-folded text: "Araújo" -> "araujo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _name_tokens(name: str) -> list[str]:
    folded = re.sub(r"['’]s\b", "", fold(name))
    return re.findall(r"\w+", folded)


def surname(name: str) -> str:
    """The last token of a name, folded: "Masoud Pezeshkian" -> "pezeshkian", "Vuković's" -> "vukovic"."""
    tokens = _name_tokens(name)
    return tokens[-1] if tokens else ""


def is_organisation(name: str) -> bool:
    """Whether a speaker or actor name looks like an organisation rather than a person."""
    words = re.findall(r"[^\W\d_][\w'’.-]*", name)
    if any(len(w) >= 2 and w.isupper() for w in words):
        return True
    if any(w[0].islower() for w in words):
        return True
    return any(token in _ORG_WORDS for token in _name_tokens(name))


def names_match(gold: str | None, predicted: str | None) -> bool:
    """Speaker/actor equivalence: surname equality for people, token_set_ratio >= 85 for organisations."""
    if not gold or not predicted:
        return False
    if is_organisation(gold):
        score = fuzz.token_set_ratio(" ".join(_name_tokens(gold)), " ".join(_name_tokens(predicted)))
        return bool(score >= SPEAKER_FUZZ)
    gold_surname = surname(gold)
    return bool(gold_surname) and gold_surname == surname(predicted)


def _same_value(gold: float, predicted: float | None) -> bool:
    return predicted is not None and math.isclose(gold, predicted, rel_tol=VALUE_REL_TOL)


def _same_bounds(gold: GoldFigure, predicted: _PredFigure) -> bool:
    if not _same_value(gold.value, predicted.value):
        return False
    if gold.value_high is None or predicted.value_high is None:
        return gold.value_high is None and predicted.value_high is None
    return _same_value(gold.value_high, predicted.value_high)


Score = tuple[float, ...]
G = TypeVar("G", GoldFigure, GoldStatement, GoldEvent)
P = TypeVar("P", _PredFigure, _PredStatement, _PredEvent)


def greedy_match(n_gold: int, n_pred: int, score: Callable[[int, int], Score | None]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index), taken in order of decreasing score.

    ``score`` returns None for a pair that does not satisfy the rule, else a tuple compared lexicographically
    (higher is better); ties go to the earlier gold item, then the earlier prediction.
    """
    candidates: list[tuple[Score, int, int]] = []
    for i in range(n_gold):
        for j in range(n_pred):
            value = score(i, j)
            if value is not None:
                candidates.append((value, i, j))
    candidates.sort(key=lambda c: (tuple(-x for x in c[0]), c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in candidates:
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        pairs.append((i, j))
    return sorted(pairs)


def _figure_score(gold: GoldFigure, pred: _PredFigure, *, unit: bool) -> Score | None:
    if pred.span is None or gold.evidence.overlap(pred.span) == 0 or not _same_bounds(gold, pred):
        return None
    if unit and gold.unit != pred.unit:
        return None
    return (gold.evidence.jaccard(pred.span),)


def _statement_score(gold: GoldStatement, pred: _PredStatement, *, kind: bool) -> Score | None:
    if pred.span is None or not names_match(gold.speaker, pred.speaker):
        return None
    shorter = min(len(gold.evidence), len(pred.span))
    overlap = gold.evidence.overlap(pred.span)
    if shorter == 0 or overlap == 0 or overlap < STATEMENT_OVERLAP * shorter:
        return None
    same_kind = gold.kind == pred.kind
    if kind and not same_kind:
        return None
    return (gold.evidence.jaccard(pred.span), float(same_kind))


def _event_score(gold: GoldEvent, pred: _PredEvent) -> Score | None:
    by_date = (
        gold.date is not None
        and pred.date is not None
        and gold.date == pred.date[:10]
        and any(names_match(g, p) for g in gold.actors for p in pred.actors)
    )
    by_span = pred.span is not None and gold.evidence.overlap(pred.span) > 0
    if not (by_date or by_span):
        return None
    jaccard = gold.evidence.jaccard(pred.span) if pred.span is not None else 0.0
    return (jaccard, float(by_date and by_span))


# -------------------------------------------------------------------------------------------------- scoring


def evaluate(gold: dict[str, GoldArticle], feed_lines: list[dict[str, Any]]) -> EvalReport:
    """Compare feed lines (``facts.jsonl`` records as dicts) with the gold set; see the module docstring."""
    feed: dict[str, Mapping[str, Any]] = {}
    unscored: list[str] = []
    for line in feed_lines:
        article = line.get("article")
        article_id = article.get("id") if isinstance(article, Mapping) else None
        if not isinstance(article_id, str):
            continue
        if article_id in gold:
            feed[article_id] = line
        elif article_id not in unscored:
            unscored.append(article_id)

    totals = {t: Counts() for t in ITEM_TYPES}
    results: dict[str, ArticleResult] = {}
    missing: list[str] = []
    predicted = grounded = 0
    for article_id in sorted(gold):
        article = gold[article_id]
        scored = feed.get(article_id)
        if scored is None:
            missing.append(article_id)
            result = _score_article(article, {})
            result.in_feed = False
        else:
            result = _score_article(article, scored)
        results[article_id] = result
        for item_type in ITEM_TYPES:
            totals[item_type].add(result.counts[item_type])
        predicted += result.predicted
        grounded += result.grounded
    return EvalReport(
        totals=totals, articles=results, missing=missing, unscored=unscored, predicted=predicted, grounded=grounded
    )


def _score_article(article: GoldArticle, line: Mapping[str, Any]) -> ArticleResult:
    text = article.text
    figures = _pred_figures(line, text)
    statements = _pred_statements(line, text)
    events = _pred_events(line, text)
    result = ArticleResult(id=article.id, in_feed=True)
    all_preds: Sequence[_PredFigure | _PredStatement | _PredEvent] = [*figures, *statements, *events]
    result.predicted = len(all_preds)
    result.grounded = sum(1 for p in all_preds if p.grounded)

    _record(result, "figures", article.figures, figures, _describe_figure, lambda g, p: _figure_score(g, p, unit=False))
    _record(
        result, "figures_unit", article.figures, figures, _describe_figure, lambda g, p: _figure_score(g, p, unit=True)
    )
    _record(
        result,
        "statements",
        article.statements,
        statements,
        _describe_statement,
        lambda g, p: _statement_score(g, p, kind=False),
    )
    _record(
        result,
        "statements_kind",
        article.statements,
        statements,
        _describe_statement,
        lambda g, p: _statement_score(g, p, kind=True),
    )
    _record(result, "events", article.events, events, _describe_event, _event_score)
    return result


def _record(
    result: ArticleResult,
    item_type: str,
    gold_items: Sequence[G],
    predictions: Sequence[P],
    describe: Callable[[G], str],
    score: Callable[[G, P], Score | None],
) -> None:
    pairs = greedy_match(len(gold_items), len(predictions), lambda i, j: score(gold_items[i], predictions[j]))
    matched_gold = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    result.counts[item_type] = Counts(tp=len(pairs), fp=len(predictions) - len(pairs), fn=len(gold_items) - len(pairs))
    result.missed[item_type] = [describe(g) for i, g in enumerate(gold_items) if i not in matched_gold]
    result.spurious[item_type] = [_describe_pred(p) for j, p in enumerate(predictions) if j not in matched_pred]


def _describe_figure(item: GoldFigure) -> str:
    value = f"{item.value:g}" if item.value_high is None else f"{item.value:g}-{item.value_high:g}"
    return f"{value} {item.unit} {_describe_span(item.evidence)}"


def _describe_statement(item: GoldStatement) -> str:
    return f"{item.kind} by {item.speaker} {_describe_span(item.evidence)}"


def _describe_event(item: GoldEvent) -> str:
    return f"{item.kind} {item.date or '-'} {_describe_span(item.evidence)}"


def _describe_pred(item: _PredFigure | _PredStatement | _PredEvent) -> str:
    if isinstance(item, _PredFigure):
        head = f"{item.value:g} {item.unit}" if item.value is not None else f"? {item.unit}"
    elif isinstance(item, _PredStatement):
        head = f"{item.kind} by {item.speaker}"
    else:
        head = f"event {item.date or '-'} {', '.join(item.actors)}"
    return f"{head} {_describe_span(item.span) if item.span else '[no span]'}"


def _describe_span(span: Span, width: int = 60) -> str:
    snippet = span.text if len(span.text) <= width else span.text[: width - 3] + "..."
    return f"[{span.start},{span.end}) {snippet!r}"


def _ratio(numerator: int, denominator: int, *, empty: bool) -> float:
    if denominator == 0:
        return 1.0 if empty and numerator == 0 else 0.0
    return numerator / denominator


# -------------------------------------------------------------------------------------------------- display


def format_report(report: EvalReport, *, details: bool = False) -> str:
    """A compact plain-text table: totals per type, grounded rate, then one row per article."""
    lines = [f"{'type':<16}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    for item_type in ITEM_TYPES:
        c = report.totals[item_type]
        lines.append(f"{item_type:<16}{c.tp:>6}{c.fp:>6}{c.fn:>6}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}")
    lines.append(f"grounded        {report.grounded}/{report.predicted} = {report.grounded_rate:.3f}")
    if report.missing:
        lines.append(f"missing from feed ({len(report.missing)}): {', '.join(report.missing)}")
    if report.unscored:
        lines.append(f"in feed, no gold ({len(report.unscored)}): {', '.join(report.unscored)}")
    lines.append("")
    short = {"figures": "fig", "figures_unit": "fig+u", "statements": "stm", "statements_kind": "stm+k",
             "events": "evt"}  # fmt: skip
    width = max([len("article"), *(len(a) for a in report.articles)])
    header = f"{'article':<{width}}" + "".join(f"{short[t] + ' tp/fp/fn F1':>22}" for t in ITEM_TYPES)
    lines.append(header + f"{'grounded':>12}")
    for result in report.articles.values():
        row = f"{result.id:<{width}}"
        for item_type in ITEM_TYPES:
            c = result.counts[item_type]
            row += f"{f'{c.tp}/{c.fp}/{c.fn} {c.f1:.2f}':>22}"
        row += f"{'(not in feed)' if not result.in_feed else f'{result.grounded}/{result.predicted}':>12}"
        lines.append(row)
        if details:
            for item_type in ("figures", "statements", "events"):
                lines.extend(f"    missed {item_type}: {d}" for d in result.missed.get(item_type, []))
                lines.extend(f"    spurious {item_type}: {d}" for d in result.spurious.get(item_type, []))
    return "\n".join(lines)


def read_feed(path: Path) -> list[dict[str, Any]]:
    """The lines of a ``facts.jsonl`` feed as dicts (blank lines skipped)."""
    lines: list[dict[str, Any]] = []
    for raw in path.read_text(encoding="utf-8").split("\n"):  # lines end at \n only (U+2028 is JSON text)
        if raw.strip():
            obj = json.loads(raw)
            if isinstance(obj, dict):
                lines.append(obj)
    return lines
