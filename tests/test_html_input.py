""".html/.htm input: the page is reduced to its main text and metadata, and the feed carries that text.

The page below has what scraped news pages have around a story: a cookie banner, navigation, an ad, a
newsletter box inside the article, "most read" links, a footer, JSON-LD and a script, most of them with
numbers. None of those numbers may become a figure; the story's figures must index exactly into
``record["article"]["text"]``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from extract.cli import cli

PARAGRAPHS = [
    "ANTWERP (Example Wire) — A strike by dock workers halted about 40 percent of container traffic at the port "
    "of Antwerp on Thursday, the port authority said.",
    "The union said 3,200 workers had joined the walkout, which is due to last 48 hours. “We have waited eight "
    "months for a fair offer,” said union leader Marc Dubois.",
    "The port handled 12.5 million containers last year, according to the port authority. Shipping companies "
    "diverted 14 vessels to Rotterdam, officials said.",
    "Employers said the union's demand for a 9 percent pay rise would cost the sector 210 million euros a year.",
]
PROMO = ("Example Wire journalists report the news in 27 languages in 23 countries where a free press is banned "
         "or restricted.")
PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Harbour strike halts 40 percent of container traffic | Example Wire</title>
  <meta property="og:site_name" content="Example Wire">
  <meta property="og:title" content="Harbour strike halts 40 percent of container traffic">
  <link rel="canonical" href="https://news.example.org/business/2025/06/26/harbour-strike">
  <meta property="article:published_time" content="2025-06-26T09:30:00Z">
  <script type="application/ld+json">{{"@type": "NewsArticle", "wordCount": 812, "commentCount": 57}}</script>
  <script>window.dataLayer = [{{"pageViews": 987654, "adSlots": 11}}]; var promo = "99 percent off";</script>
  <style>.ad {{ width: 300px; height: 250px; }}</style>
</head>
<body>
  <div id="cookie-banner">We use 3 kinds of cookies. <button>Accept all</button></div>
  <header>
    <a class="logo" href="/">Example Wire</a>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
    <li><a href="/subscribe">Subscribe: 4 weeks for 1 euro</a></li></ul></nav>
  </header>
  <div class="ad">Advertisement: save 70 percent on flights to 15 cities this weekend only!</div>
  <main>
    <article>
      <h1>Harbour strike halts 40 percent of container traffic</h1>
      <p class="byline">By Jana Peeters, June 26, 2025</p>
      <p>{PARAGRAPHS[0]}</p>
      <p>{PARAGRAPHS[1]}</p>
      <div class="newsletter">Sign up for our newsletter: 5 stories every morning, free.</div>
      <p>{PARAGRAPHS[2]}</p>
      <p>{PARAGRAPHS[3]}</p>
      <p class="promo">{PROMO}</p>
    </article>
  </main>
  <aside class="most-read"><h3>Most read</h3><ol><li><a href="/a">Airline cuts 500 jobs</a></li>
    <li><a href="/b">Rail fares rise 6 percent</a></li><li><a href="/c">Top 10 beaches</a></li></ol></aside>
  <footer>
    <p>{PROMO}</p>
    <p>© 2025 Example Wire. All rights reserved. Call 555-0100.</p>
  </footer>
</body>
</html>
"""
BOILERPLATE_NUMBERS = {3, 4, 1, 70, 15, 5, 500, 6, 10, 27, 23, 812, 57, 987654, 11, 99, 300, 250, 555}


def run(args: list[str]) -> Result:
    return CliRunner().invoke(cli, [*args, "--backend", "rules"])


def feed(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_news_page_is_reduced_to_its_story_and_metadata(tmp_path: Path) -> None:
    (tmp_path / "harbour-strike.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    result = run([str(tmp_path / "harbour-strike.html"), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    [record] = feed(out)
    article = record["article"]
    text = article["text"]
    assert {k: article[k] for k in ("id", "title", "published", "published_source", "url", "outlet")} == {
        "id": "harbour-strike", "title": "Harbour strike halts 40 percent of container traffic",
        "published": "2025-06-26", "published_source": "input",
        "url": "https://news.example.org/business/2025/06/26/harbour-strike", "outlet": "Example Wire",
    }
    assert article["chars"] == len(text) and article["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert text.startswith("Harbour strike halts 40 percent of container traffic\n")
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    for furniture in ("cookies", "Subscribe", "Advertisement", "newsletter", "Most read", "Airline", "©",
                      "987654", "wordCount", "dataLayer", "width", "Jana Peeters"):
        assert furniture not in text, furniture
    assert text.count(PROMO) <= 1  # the footer's copy is gone; the one inside the article may stay


def test_body_figures_index_exactly_into_the_feed_text_and_boilerplate_numbers_are_not_figures(
    tmp_path: Path,
) -> None:
    (tmp_path / "harbour-strike.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    assert run([str(tmp_path / "harbour-strike.html"), "--out", str(out)]).exit_code == 0
    [record] = feed(out)
    text = record["article"]["text"]
    figures = {f["quantity"]["text"]: f for f in record["figures"]}
    for written, value, unit in [("about 40 percent", 40, "percent"), ("3,200", 3200, "count"),
                                 ("48 hours", 48, "hour"), ("12.5 million", 12_500_000, "count"),
                                 ("9 percent", 9, "percent"), ("210 million euros", 210_000_000, "EUR")]:
        figure = figures[written]
        assert (figure["value"], figure["unit"]) == (value, unit)
        start = figure["quantity"]["start"]
        assert text[start : figure["quantity"]["end"]] == written
        sentence = figure["evidence"]
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
        assert any(sentence["text"] in p for p in PARAGRAPHS)
    assert not {f["value"] for f in record["figures"]} & BOILERPLATE_NUMBERS
    for item in [*record["statements"], *record["events"]]:
        assert text[item["evidence"]["start"] : item["evidence"]["end"]] == item["evidence"]["text"]
    [quote] = [s for s in record["statements"] if s["kind"] == "quote"]
    assert (quote["speaker"], quote["text"]) == ("Marc Dubois", "We have waited eight months for a fair offer,")
    assert {"rule": "evidence_exact", "status": "pass", "target": "all"}.items() <= record["checks"][0].items()


def test_folders_pick_up_html_and_htm_and_only_those_carry_their_text(tmp_path: Path) -> None:
    (tmp_path / "a.htm").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE.replace("Antwerp", "Ghent"), encoding="utf-8")
    plain = "Dock workers in Ghent walked out on Thursday, the port authority said.\n"
    (tmp_path / "c.txt").write_text(plain, encoding="utf-8")
    out = tmp_path / "out"
    assert run([str(tmp_path), "--out", str(out)]).exit_code == 0
    a, b, c = feed(out)
    assert (a["article"]["id"], b["article"]["id"], c["article"]["id"]) == ("a", "b", "c")
    assert "port of Antwerp" in a["article"]["text"] and "port of Ghent" in b["article"]["text"]
    assert c["article"]["text"] is None and c["article"]["chars"] == len(plain)


def test_a_page_without_a_story_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "a_script.html").write_text(
        "<html><head><title>Live</title></head><body><script>render(42)</script></body></html>", encoding="utf-8")
    (tmp_path / "b_empty.html").write_text("", encoding="utf-8")
    (tmp_path / "c_story.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    result = run([str(tmp_path), "--out", str(out)])
    assert result.exit_code == 1
    assert [r["article"]["id"] for r in feed(out)] == ["c_story"]
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(Path(e["input"]).name, e["stage"], e["error"]) for e in errors] == [
        ("a_script.html", "read", "no main text found in the HTML page"),
        ("b_empty.html", "read", "no main text found in the HTML page"),
    ]
    assert f"error: {tmp_path / 'a_script.html'}: no main text found in the HTML page" in result.stderr
