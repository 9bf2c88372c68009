"""The review page in a real browser: headless Debian Chromium driven by selenium over the local chromedriver.

The seeds (and one hostile article) go through the rules backend into tmp_path, ``review`` writes the page,
and the browser opens it from a file:// URL: every highlight must read exactly its item's evidence, a click
and the keyboard must show the item's fields, a link of the cross-article view must select its span, the
hostile article's ``<script>`` must not run, the check filters (failures only, one rule) must hide
exactly the other checks, and the page must log no error (its Content-Security-Policy would report a
blocked script). The screenshot is saved under tmp_path and copied to
``tests/output/review-seeds.png``.

Needs ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (Debian's chromium and chromium-driver; .ci/run
installs them). Without them the test is skipped, except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from extract.cli import cli
from extract.read import load_feed

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
OUTPUT = REPO / "tests" / "output"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SIPRI_ARTICLE = "000_2ef88da32bef47c9"
HOSTILE = {
    "id": "hostile",
    "title": '<img src=x onerror="window.__pwned=2">',
    "text": "Officials said on Monday that 45 percent of voters backed the plan. "
            "<script>window.__pwned = 1</script> <img src=x onerror=\"window.__pwned=3\"> The vote was held on "
            "June 2, 2025.",
}
# Checks of every status: a duration that disagrees with its dates, a wrong weekday, a span with one end.
MIXED = {
    "id": "mixed",
    "text": '"We will not stop," said Minister Jane Doe. Officials said 45 percent of voters backed the plan. '
            "The 10-day war began on June 13 and ended with a ceasefire on June 24, the ministry said. The truce "
            "took effect on Monday, June 24, 2025, officials said. The strike began on March 4, ending a 9-day "
            "strike.",
}

# selenium talks to chromedriver on loopback; --block-network blocks loopback unless allowed.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$", r"localhost$", r"::1$"]),
]

# The text of every highlight listing an item (its whole evidence) or whose quantity is that figure's.
_HIGHLIGHTED = """
const [article, item, attribute] = arguments;
const section = document.getElementById(article);
return Array.from(section.querySelectorAll(".text mark"))
  .filter(m => (m.getAttribute(attribute) || "").split(" ").includes(item))
  .map(m => m.textContent).join("");
"""


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    _require_browser()
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                     "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _visible_detail(driver: WebDriver, article: str) -> list[WebElement]:
    panel = driver.find_element(By.CSS_SELECTOR, f'section[id="{article}"] .panel')
    return [d for d in panel.find_elements(By.CSS_SELECTOR, ".detail") if d.is_displayed()]


def test_review_page_in_chromium(browser: WebDriver, tmp_path: Path) -> None:
    out = tmp_path / "out"
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n" + json.dumps(MIXED) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["run", str(SEEDS), str(hostile), "--backend", "rules", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["review", str(out)])
    assert result.exit_code == 0, result.output
    records, _ = load_feed(out / "facts.jsonl")
    assert len(records) == 7

    browser.set_window_size(1280, 1600)
    browser.get((out / "review.html").as_uri())

    # Every highlight reads exactly its item's evidence, and every quantity its figure's quantity.
    for record in records:
        for item in [*record.figures, *record.statements, *record.events]:
            got = browser.execute_script(_HIGHLIGHTED, record.article.id, item.id, "data-items")
            assert got == item.evidence.text, (record.article.id, item.id)
        for figure in record.figures:
            got = browser.execute_script(_HIGHLIGHTED, record.article.id, figure.id, "data-quantity")
            assert got == figure.quantity.text, (record.article.id, figure.id)

    # A click on the SIPRI figure's quantity shows its fields in the side panel.
    sipri = next(f for f in records[0].figures if "69 percent" in f.quantity.text)
    quantity = browser.find_element(
        By.CSS_SELECTOR, f'section[id="{SIPRI_ARTICLE}"] mark[data-quantity~="{sipri.id}"]')
    assert quantity.text == "approximately 69 percent"
    quantity.click()
    shown = _visible_detail(browser, SIPRI_ARTICLE)
    assert shown and shown[0].get_attribute("data-item") == sipri.id
    assert all(word in shown[0].text for word in ("SIPRI", "2016-2020", "approximately 69 percent", "percent"))
    assert "active" in (quantity.get_attribute("class") or "")

    browser.execute_script("window.scrollTo(0, 0)")
    screenshot = tmp_path / "review-seeds.png"
    assert browser.save_screenshot(str(screenshot))
    OUTPUT.mkdir(exist_ok=True)
    shutil.copyfile(screenshot, OUTPUT / "review-seeds.png")

    # The keyboard: a highlight takes focus, and Enter shows its item.
    quote = next(s for s in records[0].statements if s.kind == "quote")
    mark = browser.find_element(By.CSS_SELECTOR, f'section[id="{SIPRI_ARTICLE}"] mark[data-items^="{quote.id} "],'
                                f'section[id="{SIPRI_ARTICLE}"] mark[data-items="{quote.id}"]')
    assert mark.get_attribute("tabindex") == "0"
    mark.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element == mark
    assert _visible_detail(browser, SIPRI_ARTICLE)[0].get_attribute("data-item") == quote.id

    # A value of the cross-article view selects its span.
    group = browser.find_element(By.CSS_SELECTOR, '#cross-article a[href="#002_0ebfe744452b42cc-f1"]')
    group.click()
    assert _visible_detail(browser, "002_0ebfe744452b42cc")[0].get_attribute("data-item") == "f1"

    # The hostile article shows its markup as text and runs none of it.
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    text = browser.find_element(By.CSS_SELECTOR, 'section[id="hostile"] .text').get_attribute("textContent")
    assert text == HOSTILE["text"]
    assert browser.find_element(By.CSS_SELECTOR, 'section[id="hostile"] h2').text == HOSTILE["title"]
    assert not browser.find_elements(By.CSS_SELECTOR, "main img, main script, main b")

    # The legend is on the page; the filters show failures only, then one rule only, then everything.
    assert browser.find_element(By.CSS_SELECTOR, "section.legend").is_displayed()
    checks = browser.find_elements(By.CSS_SELECTOR, "li.check")
    statuses = [c.get_attribute("data-status") for c in checks]
    assert "fail" in statuses and "pass" in statuses
    browser.find_element(By.ID, "fails-only").click()
    shown = [c for c in checks if c.is_displayed()]
    assert shown and all(c.get_attribute("data-status") == "fail" for c in shown)
    assert len(shown) == statuses.count("fail")
    assert browser.find_element(By.ID, "filter-count").text == f"{len(shown)} of {len(checks)} checks shown"
    browser.find_element(By.ID, "fails-only").click()
    Select(browser.find_element(By.ID, "rule-filter")).select_by_value("duration_vs_range")
    shown = [c for c in checks if c.is_displayed()]
    assert shown and {c.get_attribute("data-rule") for c in shown} == {"duration_vs_range"}
    assert browser.find_element(By.CSS_SELECTOR, 'section[id="hostile"] p.filtered').is_displayed()
    Select(browser.find_element(By.ID, "rule-filter")).select_by_value("")
    assert all(c.is_displayed() for c in checks), "every rule again: nothing hidden"
    assert browser.find_element(By.ID, "filter-count").text == ""

    # Within a section, failures are listed before everything else.
    mixed = [c.get_attribute("data-status") for c in
             browser.find_elements(By.CSS_SELECTOR, 'section[id="mixed"] li.check')]
    order = ("fail", "warn", "undetermined", "pass")
    assert mixed == sorted(mixed, key=order.index) and mixed[0] == "fail"

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_narrow_window_stacks_the_panel_under_the_text(browser: WebDriver, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["run", str(SEEDS / f"{SIPRI_ARTICLE}.txt"), "--backend", "rules",
                                    "--out", str(out), "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["review", str(out)]).exit_code == 0
    browser.set_window_size(480, 900)
    browser.get((out / "review.html").as_uri())
    text = browser.find_element(By.CSS_SELECTOR, f'section[id="{SIPRI_ARTICLE}"] .text')
    panel = browser.find_element(By.CSS_SELECTOR, f'section[id="{SIPRI_ARTICLE}"] .panel')
    assert panel.rect["y"] >= text.rect["y"] + text.rect["height"], "the panel comes after the text"
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    assert browser.save_screenshot(str(tmp_path / "review-narrow.png"))


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_missing_chromium_fails_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="no-chromium not installed"):
        _require_browser()
