"""The review page: every item highlighted at exactly its evidence, overlaps split into segments, all text
escaped, and a page even when the article text cannot be read again.

The page is parsed back with :class:`html.parser.HTMLParser`: the text of every highlight that lists an
item, in page order, must be that item's evidence text, and the article's text must come back whole.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from extract.cli import cli
from extract.read import load_feed
from extract.review import REVIEW_NAME, Span, article_text, segments
from schemas import FeedRecord

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

HOSTILE = {
    "id": "hostile",
    "title": '<img src=x onerror="window.__pwned=2"> & co',
    "outlet": "</title><script>window.__pwned=3</script>",
    "text": 'Officials said on Monday that 45 percent of voters backed the plan. <script>window.__pwned = 1</script> '
            '"We will <b>not</b> stop," said Minister Jane Doe. Turnout reached 3,000 people & the vote was held '
            "on June 2, 2025.",
}
ASTRAL = {
    "id": "astral",
    "text": '🚀🚀 Rockets 🚀: the agency said 12 percent of launches failed in 2024. "It was a hard year," said '
            "Director Ann Lee.",
}


class _Page(HTMLParser):
    """The parts of a review page the tests look at: highlights per article, text per article, ids, links."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: dict[str, list[tuple[list[str], list[str], str]]] = {}
        self.texts: dict[str, str] = {}
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts = 0
        self._article: str | None = None
        self._text_depth = 0
        self._mark: tuple[list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts += 1
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(unquote(a["href"][1:]))
        if tag == "div" and self._article is not None:
            self._text_depth += 1
        elif tag == "div" and "text" in a.get("class", "").split():
            self._article = a["data-article"]
            self._text_depth = 1
            self.texts[self._article] = ""
            self.marks[self._article] = []
        if tag == "mark" and self._article is not None:
            self._mark = (a["data-items"].split(), a.get("data-quantity", "").split())
            self.marks[self._article].append((*self._mark, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._mark = None
        if tag == "div" and self._article is not None:
            self._text_depth -= 1
            if not self._text_depth:
                self._article = None

    def handle_data(self, data: str) -> None:
        if self._article is None:
            return
        self.texts[self._article] += data
        if self._mark is not None:
            items, quantity, text = self.marks[self._article][-1]
            self.marks[self._article][-1] = (items, quantity, text + data)

    def highlighted(self, article: str, item: str, *, quantity: bool = False) -> str:
        """The text of every highlight covering ``item`` (its evidence, or its quantity), in page order."""
        return "".join(t for items, qty, t in self.marks[article] if item in (qty if quantity else items))


def _run(inputs: list[Path], out: Path) -> list[FeedRecord]:
    runner = CliRunner()
    result = runner.invoke(cli, ["run", *map(str, inputs), "--backend", "rules", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["review", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / REVIEW_NAME).is_file()
    records, errors = load_feed(out / "facts.jsonl")
    assert not errors
    return records


def _parse(out: Path) -> tuple[_Page, str]:
    html = (out / REVIEW_NAME).read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    page.close()
    return page, html


def _jsonl(path: Path, *articles: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


def _items(record: FeedRecord) -> list[Any]:
    return [*record.figures, *record.statements, *record.events]


@pytest.fixture(scope="module")
def seeds_review(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[FeedRecord], _Page, str]:
    out = tmp_path_factory.mktemp("review") / "out"
    records = _run([SEEDS], out)
    page, html = _parse(out)
    return records, page, html


def test_every_seed_item_is_highlighted_at_its_evidence(seeds_review: tuple[list[FeedRecord], _Page, str]) -> None:
    records, page, _ = seeds_review
    assert len(records) == 5
    for record in records:
        aid = record.article.id
        assert page.texts[aid] == (SEEDS / f"{aid}.txt").read_text(encoding="utf-8"), "text must come back whole"
        assert _items(record)
        for item in _items(record):
            assert page.highlighted(aid, item.id) == item.evidence.text, (aid, item.id)
            assert f"{aid}-{item.id}" in page.ids, "every item has an anchor"
        for figure in record.figures:
            assert page.highlighted(aid, figure.id, quantity=True) == figure.quantity.text, (aid, figure.id)


def test_sipri_figure_shows_in_seed_000(seeds_review: tuple[list[FeedRecord], _Page, str]) -> None:
    records, page, html = seeds_review
    sipri = next(f for f in records[0].figures if f.quantity.text == "approximately 69 percent")
    assert page.highlighted(records[0].article.id, sipri.id, quantity=True) == "approximately 69 percent"
    panel = re.search(rf'<div class="detail" data-item="{sipri.id}" hidden>.*?</div>', html, re.DOTALL)
    assert panel and "SIPRI" in panel.group() and "2016-2020" in panel.group()


def test_checks_and_cross_article_links_resolve(seeds_review: tuple[list[FeedRecord], _Page, str]) -> None:
    records, page, html = seeds_review
    assert page.links and all(link in page.ids for link in page.links), set(page.links) - page.ids
    assert 'id="cross-article"' in html and "G1" in html
    assert "001_2f07fd0f5ed94aae-f1" in page.links, "figure group values link to their spans"
    assert html.count('<li class="check" data-status="pass"') == sum(
        c.status == "pass" for r in records for c in r.checks)
    assert page.scripts == 1, "only the page's own script"


def test_article_text_and_fields_are_escaped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    records = _run([_jsonl(tmp_path / "in.jsonl", HOSTILE)], out)
    page, html = _parse(out)
    assert "<script>window.__pwned" not in html and "<b>not</b>" not in html and "<img" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "&lt;/title&gt;&lt;script&gt;window.__pwned=3" in html
    assert page.scripts == 1
    assert page.texts["hostile"] == HOSTILE["text"]
    for item in _items(records[0]):
        assert page.highlighted("hostile", item.id) == item.evidence.text


def test_offsets_are_code_points_not_utf16(tmp_path: Path) -> None:
    out = tmp_path / "out"
    records = _run([_jsonl(tmp_path / "in.jsonl", ASTRAL)], out)
    page, _ = _parse(out)
    figure = records[0].figures[0]
    assert figure.quantity.text == "12 percent"
    assert page.highlighted("astral", figure.id, quantity=True) == "12 percent"
    assert page.texts["astral"] == ASTRAL["text"]


def test_nested_and_crossing_spans_become_flat_segments() -> None:
    text = "ab cd ef gh"
    sentence = Span(0, 11, "s1", "statement")
    figure = Span(3, 8, "f1", "figure")
    quantity = Span(3, 5, "f1", "figure", quantity=True)
    crossing = Span(6, 11, "e1", "event")
    out = segments(text, [sentence, figure, quantity, crossing, Span(4, 4, "x", "event"), Span(5, 99, "y", "event")])
    assert [(s.text, s.items) for s in out] == [
        ("ab ", ["s1"]),
        ("cd", ["f1", "s1"]),
        (" ", ["f1", "s1"]),
        ("ef", ["f1", "e1", "s1"]),
        (" gh", ["e1", "s1"]),
    ]
    assert out[1].spans[0] == quantity, "innermost first: the quantity before its figure's sentence"
    assert "".join(s.text for s in out) == text
    assert segments("same", [Span(0, 4, "s1", "statement"), Span(0, 4, "e1", "event")])[0].items == ["s1", "e1"]


def test_missing_text_lists_items_with_their_evidence(tmp_path: Path) -> None:
    article = tmp_path / "in" / "gone.txt"
    article.parent.mkdir()
    article.write_text(HOSTILE["text"], encoding="utf-8")
    out = tmp_path / "out"
    records = _run([article], out)
    article.write_text(HOSTILE["text"].replace("45", "46"), encoding="utf-8")
    assert article_text(records[0]) is None, "a changed source is not used"
    result = CliRunner().invoke(cli, ["review", str(out)])
    assert result.exit_code == 0
    assert "gone: article text not available" in result.output
    page, html = _parse(out)
    assert "The article text is not available" in html
    for item in _items(records[0]):
        assert page.highlighted("gone", item.id) == item.evidence.text
        assert f"gone-{item.id}" in page.ids
    article.unlink()
    assert article_text(records[0]) is None


def test_article_text_from_a_jsonl_line_or_the_record(tmp_path: Path) -> None:
    records = _run([_jsonl(tmp_path / "in.jsonl", HOSTILE, ASTRAL)], tmp_path / "out")
    assert [article_text(r) for r in records] == [HOSTILE["text"], ASTRAL["text"]]
    carried = SimpleNamespace(article=SimpleNamespace(text="carried", source=None))
    assert article_text(carried) == "carried"  # type: ignore[arg-type]


def test_review_needs_a_feed(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["review", str(tmp_path)])
    assert result.exit_code == 2
    assert "no facts.jsonl" in result.output


def test_review_without_report_has_no_cross_article_view(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run([_jsonl(tmp_path / "in.jsonl", ASTRAL)], out)
    (out / "report.json").unlink()
    assert CliRunner().invoke(cli, ["review", str(out)]).exit_code == 0
    _, html = _parse(out)
    assert 'id="cross-article"' not in html and "Ann Lee" in html


def test_odd_article_ids_still_link_to_their_spans(tmp_path: Path) -> None:
    odd = {**ASTRAL, "id": 'a b"<c>#d~1'}
    out = tmp_path / "out"
    records = _run([_jsonl(tmp_path / "in.jsonl", odd)], out)
    page, _ = _parse(out)
    assert odd["id"] in page.ids and all(f"{odd['id']}-{item.id}" in page.ids for item in _items(records[0]))
    assert odd["id"] in page.links and all(link in page.ids for link in page.links)


# ---------------------------------------------------------------------------------------------- what the page says


def _statement_article(tmp_path: Path) -> tuple[list[FeedRecord], _Page, str]:
    """An article whose quote and reported claim sit side by side, with a figure the model proposed."""
    text = ('"We will not stop," said Minister Jane Doe. Officials said 45 percent of voters backed the plan. '
            "The 10-day strike began on March 4, the union said.")
    out = tmp_path / "out"
    records = _run([_jsonl(tmp_path / "in.jsonl", {"id": "said", "text": text})], out)
    record = records[0]
    figure = record.figures[0].model_copy(update={"by": "model"})
    record = record.model_copy(update={"figures": [figure, *record.figures[1:]]})
    (out / "facts.jsonl").write_text(record.model_dump_json() + "\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["review", str(out)]).exit_code == 0
    page, html = _parse(out)
    return [record], page, html


def _mark_classes(html: str, item: str) -> list[set[str]]:
    """The classes of every highlight covering ``item``, in page order."""
    return [set(m.group(1).split()) for m in re.finditer(r'<mark class="([^"]+)" data-items="([^"]*)"', html)
            if item in m.group(2).split()]


def test_quotes_and_reported_speech_look_different_and_statements_show_their_seams(tmp_path: Path) -> None:
    records, page, html = _statement_article(tmp_path)
    kinds = {s.kind: s for s in records[0].statements}
    assert {"quote", "reported"} <= set(kinds), kinds
    quote, reported = _mark_classes(html, kinds["quote"].id), _mark_classes(html, kinds["reported"].id)
    assert quote and all("quote" in c and "reported" not in c for c in quote)
    assert reported and all("reported" in c and "quote" not in c for c in reported)
    for statement in records[0].statements:
        marks = _mark_classes(html, statement.id)
        assert "s-first" in marks[0] and "s-last" in marks[-1], (statement.id, marks)
        assert re.search(rf'data-first="[^"]*\b{statement.id}\b', html)
    assert page.texts["said"].startswith('"We will not stop," said Minister Jane Doe. Officials said')


def test_every_item_says_who_proposed_it(tmp_path: Path) -> None:
    records, _, html = _statement_article(tmp_path)
    record = records[0]
    model_figure = record.figures[0]
    assert model_figure.by == "model"
    innermost = [set(m.group(1).split()) for m in re.finditer(r'<mark class="([^"]+)" data-items="([^"]*)"', html)
                 if m.group(2).split()[0] == model_figure.id]
    assert innermost and all("by-model" in c for c in innermost)
    for _, item in ((k, i) for k in ("figures", "statements", "events") for i in getattr(record, k)):
        panel = re.search(rf'<div class="detail" data-item="{item.id}" hidden><h3>.*?</h3>', html)
        assert panel and f'<span class="by {item.by}" title="who proposed it">{item.by}</span>' in panel.group()
    quote = next(s for s in record.statements if s.kind == "quote")
    assert all("by-model" not in c for c in _mark_classes(html, quote.id))


def test_checks_list_failures_first_with_a_legend_and_filters(tmp_path: Path) -> None:
    text = ("The 10-day war began on June 13 and ended with a ceasefire on June 24, the ministry said. "
            "The truce took effect on Monday, June 24, 2025, officials said. The strike began on March 4, "
            "ending a 9-day strike.")
    out = tmp_path / "out"
    records = _run([_jsonl(tmp_path / "in.jsonl", {"id": "mixed", "text": text})], out)
    statuses = [c.status for c in records[0].checks]
    assert {"fail", "pass"} <= set(statuses), statuses
    _, html = _parse(out)
    shown = re.findall(r'<li class="check" data-status="(\w+)" data-rule="([\w_]+)"', html)
    order = ("fail", "warn", "undetermined", "pass")
    assert [st for st, _ in shown] == sorted((st for st, _ in shown), key=order.index)
    assert sorted(st for st, _ in shown) == sorted(statuses)
    assert '<section class="legend"' in html and "undetermined" in html
    assert '<input type="checkbox" id="fails-only">' in html
    options = re.findall(r'<option value="([\w_]+)">', html)
    assert options == sorted({c.rule for c in records[0].checks})


def test_cross_article_groups_say_why_they_were_grouped(seeds_review: tuple[list[FeedRecord], _Page, str]) -> None:
    _, _, html = seeds_review
    assert "<th>why grouped</th>" in html
    assert re.search(r'<td class="why">same measure: duration of the conflict \(day\)', html)
