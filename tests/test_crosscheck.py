"""The cross-article report: entities, figure groups and event groups, on hand-built records, on the seeds,
and on every gold article at once (many unrelated stories, where no conflict is true)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import jsonschema
import pytest

from extract import crosscheck
from extract.article import extract_article
from extract.crosscheck import CANDIDATES, CrossChecker, cross_check, format_summary, iter_feed, refresh_report
from extract.entities import clean_name
from extract.errors import InputError
from extract.model.client import NoModel
from extract.read import Article, iter_articles
from schemas import (
    ArticleInfo,
    Entity,
    Event,
    Evidence,
    ExtractorInfo,
    FeedRecord,
    Figure,
    FigureGroup,
    Report,
    Statement,
    report_json_schema,
)

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
GOLD_INPUTS = [REPO / "gold" / "articles", SEEDS, REPO / "gold" / "heldout" / "articles",
               REPO / "gold" / "realdev" / "articles"]

# ---------------------------------------------------------------------------------------------- builders


def _span(text: str, start: int = 0) -> Evidence:
    return Evidence(text=text, start=start, end=start + len(text))


def fig(fid: str, sentence: str, quantity: str, value: float, unit: str, *, about: str | None = None,
        qualifier: str | None = None, source: str | None = None, value_high: float | None = None,
        period: str | None = None) -> Figure:
    """A figure whose quantity is the first occurrence of ``quantity`` in ``sentence``."""
    at = sentence.index(quantity)
    return Figure(id=fid, value=value, value_high=value_high, unit=unit, qualifier=qualifier, about=about,
                  source=source, period=period, quantity=_span(quantity, at), evidence=_span(sentence))


def say(sid: str, speaker: str | None, sentence: str) -> Statement:
    return Statement(id=sid, speaker=speaker, kind="reported", text=sentence, evidence=_span(sentence))


def event(eid: str, kind: str, sentence: str, actors: Sequence[str] = (), *, date: str | None = None,
          date_text: str | None = None) -> Event:
    return Event(id=eid, kind=kind, summary=sentence, actors=list(actors), date=date, date_text=date_text,
                 location=None, evidence=_span(sentence))


def record(aid: str, figures: Sequence[Figure] = (), statements: Sequence[Statement] = (),
           events: Sequence[Event] = (), *, published: str | None = None, title: str | None = None) -> FeedRecord:
    return FeedRecord(
        article=ArticleInfo(id=aid, title=title, published=published,
                            sha256=hashlib.sha256(aid.encode()).hexdigest(), chars=1000),
        extractor=ExtractorInfo(backend="rules", model=None, prompt_version="test", run_id="t", model_calls=0,
                                cache_hits=0, attempts=0, model_seconds=0.0),
        figures=list(figures), statements=list(statements), events=list(events), checks=[], rejected=[],
    )


WAR_SENTENCES = (
    "A ceasefire between Iran and Israel took effect on June 24, ending the {n}-day {noun}.",
    "In the aftermath of the recent {n}-day {noun} between Israel and Iran, Tehran accused Azerbaijan.",
    "Iran said Israel used Azerbaijani airspace during the {n}-day {noun} with Iran.",
)


def war_article(aid: str, days: int = 12, noun: str = "war", variant: int = 0, **kw: str) -> FeedRecord:
    """One outlet's article on the Iran-Israel war: its duration, and a line naming the story's people."""
    sentence = WAR_SENTENCES[variant % len(WAR_SENTENCES)].format(n=days, noun=noun)
    return record(aid, [fig("f1", sentence, f"{days}-day", days, "day", about=noun)],
                  [say("s1", "Masoud Pezeshkian", f"Pezeshkian asked Ilham Aliyev about the {noun} ({aid}).")], **kw)


def entity_named(report: Report, variant: str) -> Entity:
    found = [e for e in report.entities if variant in e.variants]
    assert len(found) == 1, [e.variants for e in report.entities]
    return found[0]


def only_group(report: Report) -> FigureGroup:
    assert len(report.figure_groups) == 1, [g.detail for g in report.figure_groups]
    return report.figure_groups[0]


def nepal(aid: str, sentence: str, quantity: str, value: float, **kw: str | None) -> FeedRecord:
    """An article on the Nepal earthquake stating its toll."""
    return record(aid, [fig("f1", sentence, quantity, value, "count", **kw)],  # type: ignore[arg-type]
                  [say("s1", "Narayan Bhattarai", f"Rescuers reached Jumla and Kalikot, Bhattarai said ({aid}).")])


# ---------------------------------------------------------------------------------------------- entities


def test_spelling_variants_of_a_person_are_one_entity_with_every_variant_kept() -> None:
    report = cross_check([
        record("a1", statements=[say("s1", "Masoud Pezeshkian", "Pezeshkian called for an inquiry.")]),
        record("a2", statements=[say("s1", "Iranian President Massoud Pezeshkian", "He raised the issue."),
                                 say("s2", "Ilham Aliyev", "Aliyev denied it.")]),
        record("a3", statements=[say("s1", "Masoud Pezeshkian", "He thanked Baku.")],
               events=[event("e1", "call", "Pezeshkian’s call with Aliyev.", ["Pezeshkian’s", "President Aliyev"])]),
    ])
    pez = entity_named(report, "Massoud Pezeshkian")
    assert set(pez.variants) == {"Masoud Pezeshkian", "Massoud Pezeshkian", "Pezeshkian"}
    assert pez.name == "Masoud Pezeshkian"  # the most frequent full form
    assert pez.kind == "person"
    assert {(m.article, m.item, m.field) for m in pez.mentions} == {
        ("a1", "s1", "speaker"), ("a2", "s1", "speaker"), ("a3", "s1", "speaker"), ("a3", "e1", "actor")}
    aliyev = entity_named(report, "Ilham Aliyev")
    assert aliyev.id != pez.id and "Aliyev" in aliyev.variants
    assert report.summary.entities == len(report.entities) == 2


def test_accents_fold_and_an_ambiguous_lone_surname_stays_apart() -> None:
    report = cross_check([
        record("a1", statements=[say("s1", "Ilham Aliyev", "x"), say("s2", "José Martí", "y")]),
        record("a2", statements=[say("s1", "Heydar Aliyev", "x"), say("s2", "Jose Marti", "y"),
                                 say("s3", "Aliyev", "z")]),
    ])
    assert entity_named(report, "José Martí") is entity_named(report, "Jose Marti")
    assert entity_named(report, "Ilham Aliyev").id != entity_named(report, "Heydar Aliyev").id
    assert entity_named(report, "Aliyev").variants == ["Aliyev"]  # two Aliyevs: the surname alone is not merged


def test_acronym_is_merged_with_the_long_name_and_named_by_it() -> None:
    long_name = "Stockholm International Peace Research Institute"
    report = cross_check([
        record("a1", statements=[say("s1", "SIPRI", "SIPRI said exports rose.")]),
        record("a2", figures=[fig("f1", "Israel supplied 69 percent of arms imports, the institute said.",
                                  "69 percent", 69, "percent", source=f"the {long_name}")]),
    ])
    sipri = entity_named(report, "SIPRI")
    assert sipri.name == "SIPRI" and sipri.kind == "organisation"
    assert set(sipri.variants) == {"SIPRI", long_name}
    assert {(m.article, m.field) for m in sipri.mentions} == {("a1", "speaker"), ("a2", "source")}


def test_an_acronym_learns_its_long_form_from_its_own_evidence() -> None:
    sentence = "According to the Stockholm International Peace Research Institute (SIPRI), arms flowed."
    report = cross_check([record("a1", statements=[say("s1", "SIPRI", sentence)])])
    assert report.entities[0].variants == ["SIPRI", "Stockholm International Peace Research Institute"]


def test_titles_and_possessives_are_stripped() -> None:
    assert clean_name("Iran’s President Masoud Pezeshkian") == ("Masoud Pezeshkian", True)
    assert clean_name("Azerbaijani Foreign Minister Jeyhun Bayramov") == ("Jeyhun Bayramov", True)
    assert clean_name("Pezeshkian’s") == ("Pezeshkian", False)
    assert clean_name("John King") == ("John King", False)


# ---------------------------------------------------------------------------------------------- figures


def test_twelve_day_war_in_three_outlets_is_one_agreeing_group_with_its_reason() -> None:
    report = cross_check([war_article("001_a"), war_article("002_b", noun="conflict", variant=1),
                          war_article("004_c", variant=2)])
    group = only_group(report)
    assert group.verdict == "agree"
    assert group.unit == "day" and group.measure == "duration of the conflict"
    assert [(v.article, v.figure, v.value) for v in group.values] == [
        ("001_a", "f1", 12), ("002_b", "f1", 12), ("004_c", "f1", 12)]
    assert group.detail == "12 day in 001, 002, 004: agree"
    assert group.reason.startswith("same measure: duration of the conflict (day), of Iran, Israel, no period stated; "
                                   "3 articles, their stories share ")
    assert report.summary.conflicts == 0


def test_twelve_against_fourteen_days_of_the_same_war_is_a_conflict() -> None:
    report = cross_check([war_article("a1", 12), war_article("a2", 14, noun="fighting", variant=1)])
    group = only_group(report)
    assert group.verdict == "conflict"
    assert group.detail == "12 (a1) vs 14 (a2) day: conflict"
    assert report.summary.conflicts == 1
    assert "conflict G1 (duration of the conflict)" in format_summary(report)


def test_seeds_and_a_second_outlet_saying_fourteen_days() -> None:
    """The seeds say "12-day" in three articles; another outlet's article says 14 days of the same war."""
    text = ("Iran has asked Azerbaijan to explain how Israeli drones reached Iranian airspace during the "
            "14-day war between Israel and Iran, officials in Tehran said on Friday.\n"
            "President Masoud Pezeshkian raised the matter with President Ilham Aliyev in a phone call.\n")
    other = Article(id="caspian-monitor", text=text, source="test", outlet="Caspian Monitor")
    articles = [a for a in iter_articles([str(SEEDS)]) if isinstance(a, Article)] + [other]
    report = cross_check([extract_article(a, NoModel(), run_id="t") for a in articles])
    [group] = [g for g in report.figure_groups if g.unit == "day"]
    assert group.verdict == "conflict"
    assert {v.article[:3]: v.value for v in group.values} == {"001": 12, "002": 12, "004": 12, "cas": 14}
    assert report.summary.conflicts == 1


def test_qualified_round_number_within_five_percent_agrees_within_tolerance() -> None:
    report = cross_check([
        nepal("a1", "About 1,000 people were killed in the Nepal earthquake.", "About 1,000", 1000,
              qualifier="about"),
        nepal("a2", "Officials said 1,020 people were killed in the Nepal earthquake.", "1,020", 1020),
    ])
    group = only_group(report)
    assert group.measure == "deaths"
    assert group.verdict == "agree_within_tolerance"
    assert group.detail == "about 1,000 vs 1,020 deaths in a1, a2: agree within 5%"


def test_close_unqualified_unround_values_in_two_outlets_conflict() -> None:
    report = cross_check([
        nepal("a1", "The Nepal earthquake left 967 dead, the ministry said.", "967", 967),
        nepal("a2", "Health officials counted 974 dead in Nepal after the earthquake.", "974", 974),
    ])
    group = only_group(report)
    assert group.verdict == "conflict"
    assert group.detail == "967 (a1) vs 974 (a2) deaths: conflict"


def test_a_broken_bound_is_a_conflict_even_within_five_percent() -> None:
    report = cross_check([
        nepal("a1", "More than 1,000 people were killed in Nepal.", "More than 1,000", 1000, qualifier="more than"),
        nepal("a2", "In all 990 people were killed in Nepal.", "990", 990),
    ])
    assert only_group(report).verdict == "conflict"


def test_unrelated_stories_sharing_a_noun_are_never_grouped() -> None:
    """A flood, a war and a tennis final: "people", "them", "bomb" and "job" measure nothing alone."""
    report = cross_check([
        record("flood", [fig("f1", "Floods in Kerala killed 37 people and forced 12,000 people from their homes.",
                             "37", 37, "count"),
                         fig("f2", "Rescuers in Kochi pulled 40 of them from the water.", "40", 40, "count")],
               [say("s1", "Pinarayi Vijayan", "Vijayan said Kerala would rebuild.")]),
        record("war", [fig("f1", "The war in Sudan killed 150 people in Darfur last week.", "150", 150, "count"),
                       fig("f2", "Witnesses in El Fasher counted 12 of them in one street.", "12", 12, "count"),
                       fig("f3", "One bomb hit a market in El Fasher.", "One", 1, "count")],
               [say("s1", "Abdel Fattah al-Burhan", "Burhan said the army would hold Darfur.")]),
        record("tennis", [fig("f1", "Jannik Sinner beat Carlos Alcaraz after saving three match points.", "three",
                              3, "count"),
                          fig("f2", "A bomb scare delayed the Wimbledon final by 40 minutes.", "40 minutes", 40,
                              "minute")],
               [say("s1", "Jannik Sinner", "Sinner said the job was not done.")]),
        record("jobs", [fig("f1", "Calder Semiconductor will cut 1,100 jobs in Cambridge.", "1,100", 1100, "count")]),
        record("jobs2", [fig("f1", "Norvale Systems will cut 350 jobs in Texas.", "350", 350, "count")]),
    ])
    assert report.figure_groups == [] and report.summary.conflicts == 0


def test_the_same_story_with_another_subject_or_period_is_not_the_same_measure() -> None:
    story = [say("s1", "Benjamin Netanyahu", "Netanyahu spoke in Jerusalem."),
             say("s2", "Yahya Sinwar", "Hamas answered from Gaza.")]
    report = cross_check([
        record("a1", [fig("f1", "The war has left 28 dead in Israel.", "28", 28, "count", about="dead in Israel"),
                      fig("f2", "Exports rose 4% in the first quarter in Israel.", "4%", 4, "percent")], story),
        record("a2", [fig("f1", "The war has left 600 dead in Gaza.", "600", 600, "count", about="dead in Gaza"),
                      fig("f2", "Exports rose 6% in the second quarter in Israel.", "6%", 6, "percent")], story),
    ])
    assert report.figure_groups == []


def test_a_rise_is_not_a_level_and_far_apart_dates_are_other_news() -> None:
    story = [say("s1", "Andrew Bailey", "Bailey spoke at the Bank of England in London.")]
    report = cross_check([
        record("a1", [fig("f1", "Inflation in Britain rose 3% in London's view.", "3%", 3, "percent")], story,
               published="2025-03-20"),
        record("a2", [fig("f1", "Inflation in Britain stood at 3.4% in London's view.", "3.4%", 3.4, "percent")],
               story, published="2025-03-21"),
        record("a3", [fig("f1", "Inflation in Britain stood at 5.1% in London's view.", "5.1%", 5.1, "percent")],
               story, published="2025-09-01"),
    ])
    assert report.figure_groups == []


def test_values_inside_one_article_are_never_a_cross_article_group() -> None:
    contradicting = war_article("a1").model_copy(update={"figures": [
        fig("f1", "The 12-day war between Israel and Iran ended.", "12-day", 12, "day"),
        fig("f2", "After the 11-day war between Israel and Iran, talks began.", "11-day", 11, "day")]})
    report = cross_check([contradicting])
    assert report.figure_groups == [] and report.summary.conflicts == 0


def test_an_article_pasted_twice_or_read_twice_counts_once() -> None:
    once = war_article("once", 12)
    twice = once.model_copy(update={"article": once.article.model_copy(update={
        "id": "twice", "sha256": hashlib.sha256(b"twice").hexdigest()}),
        "figures": [once.figures[0], once.figures[0].model_copy(update={"id": "f2"})]})
    again = once.model_copy(update={"article": once.article.model_copy(update={"id": "once~2"})})
    report = cross_check([once, twice, again])
    assert report.figure_groups == []
    assert [(d.article, d.same_as) for d in report.duplicates] == [("twice", "once"), ("once~2", "once")]
    assert report.summary.duplicates == 2
    assert "(2 repeated articles left out)" in format_summary(report)


def test_a_hot_name_is_compared_with_a_bounded_number_of_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """300 articles of 100 stories all name Iran: each figure meets at most CANDIDATES groups per name."""
    calls = 0
    real = CrossChecker._figures_match

    def counting(self: CrossChecker, a: object, b: object) -> bool:
        nonlocal calls
        calls += 1
        return real(self, a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(CrossChecker, "_figures_match", counting)
    records = [record(f"s{story}-{n}", [fig("f1", f"The quake near Town{story} in Iran killed {story + 10} people.",
                                            f"{story + 10}", story + 10, "count")],
                      [say("s1", f"Mayor{story} Person{story}", f"Person{story} spoke in Town{story} ({n}).")])
               for story in range(100) for n in range(3)]
    report = cross_check(records)
    assert len(report.figure_groups) == 100 and report.summary.conflicts == 0
    assert calls <= len(records) * CANDIDATES * 2


# ---------------------------------------------------------------------------------------------- events


def ceasefire(aid: str, day: int, *, published: str | None = None) -> FeedRecord:
    sentence = f"A ceasefire between Iran and Israel took effect on June {day} ({aid})."
    return record(aid, events=[event("e1", "ceasefire", sentence, date_text=f"June {day}")],
                  statements=[say("s1", "Masoud Pezeshkian", f"Pezeshkian spoke to Ilham Aliyev ({aid}).")],
                  published=published)


def test_ceasefire_on_the_same_day_agrees() -> None:
    report = cross_check([ceasefire("a1", 24), ceasefire("a2", 24)])
    (group,) = report.event_groups
    assert group.kind == "ceasefire (start)" and group.verdict == "agree"
    assert [(v.article, v.month, v.day) for v in group.values] == [("a1", 6, 24), ("a2", 6, 24)]
    assert group.reason.startswith("same happening: ceasefire (start) without actors named, on the story; 2 articles")


def test_ceasefire_on_different_days_conflicts() -> None:
    report = cross_check([ceasefire("a1", 24), ceasefire("a2", 25)])
    (group,) = report.event_groups
    assert group.verdict == "conflict"
    assert group.detail == "ceasefire (start): June 24 (a1) vs June 25 (a2): conflict"
    assert report.summary.conflicts == 1


def test_a_ceasefire_of_another_story_or_phase_is_another_happening() -> None:
    afghan = record("afghan", events=[event("e1", "ceasefire", "Kabul and the Taliban agreed a ceasefire on "
                                            "19 November.", date_text="19 November")],
                    statements=[say("s1", "Ashraf Ghani", "Ghani spoke in Kabul.")])
    agreed = ceasefire("a2", 23).model_copy(update={"events": [event(
        "e1", "ceasefire", "Iran and Israel agreed a ceasefire on June 23 (a2).", date_text="June 23")]})
    report = cross_check([ceasefire("a1", 24), afghan, agreed])
    assert report.event_groups == []


def test_calls_group_by_shared_actors_and_a_call_on_another_day_is_another_call() -> None:
    report = cross_check([
        record("a1", events=[event("e1", "call", "Pezeshkian called Aliyev on June 26.",
                                   ["Masoud Pezeshkian", "Ilham Aliyev"], date="2025-06-26", date_text="June 26")]),
        record("a2", events=[event("e1", "call", "Pezeshkian spoke to Aliyev on Thursday.",
                                   ["Massoud Pezeshkian", "Ilham Aliyev"], date_text="Thursday"),
                             event("e2", "call", "Macron called Scholz on June 20.", ["Emmanuel Macron"],
                                   date_text="June 20")]),
        record("a3", events=[event("e1", "call", "The call took place on June 26.",
                                   ["Ilham Aliyev", "Masoud Pezeshkian"], date_text="June 26")]),
        record("a4", events=[event("e1", "call", "Pezeshkian and Aliyev spoke again on July 2.",
                                   ["Masoud Pezeshkian", "Ilham Aliyev"], date_text="July 2")]),
    ])
    (group,) = report.event_groups
    assert group.verdict == "agree"
    assert [(v.article, v.event) for v in group.values] == [("a1", "e1"), ("a2", "e1"), ("a3", "e1")]
    pez, aliyev = entity_named(report, "Masoud Pezeshkian"), entity_named(report, "Ilham Aliyev")
    assert set(group.entities) == {pez.id, aliyev.id}
    assert report.summary.conflicts == 0


def test_one_dated_article_is_undetermined_and_undated_groups_are_left_out() -> None:
    report = cross_check([
        ceasefire("a1", 24),
        record("a2", events=[event("e1", "ceasefire", "A ceasefire between Iran and Israel took effect on "
                                   "Tuesday.", date_text="Tuesday"),
                             event("e2", "attack", "Israeli drones struck Iran.", ["Israel"])],
               statements=[say("s1", "Masoud Pezeshkian", "Pezeshkian spoke to Ilham Aliyev.")]),
        record("a3", events=[event("e1", "attack", "Israeli drones struck Iran again.", ["Israel"])]),
    ])
    (group,) = report.event_groups
    assert group.verdict == "undetermined" and group.kind == "ceasefire (start)"


# ---------------------------------------------------------------------------------------------- real articles


def _gold_records() -> list[FeedRecord]:
    articles = [a for a in iter_articles([str(p) for p in GOLD_INPUTS]) if isinstance(a, Article)]
    return [extract_article(a, NoModel(), run_id="t") for a in articles]


def test_seeds_report() -> None:
    articles = [a for a in iter_articles([str(SEEDS)]) if isinstance(a, Article)]
    records = [extract_article(a, NoModel(), run_id="t") for a in articles]
    report = cross_check(records)
    jsonschema.Draft202012Validator(report_json_schema()).validate(report.model_dump(mode="json"))

    twelve = [g for g in report.figure_groups if any(v.text == "12-day" for v in g.values)]
    assert len(twelve) == 1
    group = twelve[0]
    assert group.verdict == "agree" and group.unit == "day"
    assert {v.article[:3] for v in group.values} == {"001", "002", "004"}

    pez = entity_named(report, "Massoud Pezeshkian")
    assert "Masoud Pezeshkian" in pez.variants and pez.kind == "person"
    assert any(m.article.startswith("002") for m in pez.mentions)
    assert report.summary.conflicts == 0
    assert format_summary(report).startswith(f"cross-check: {len(records)} articles")


def test_gold_articles_of_many_stories_raise_no_false_conflict() -> None:
    """38 articles of 34 stories: only the five seeds share one (the Iran-Israel war and Azerbaijan)."""
    records = _gold_records()
    report = cross_check(records)
    assert report.summary.conflicts == 0
    seeds = {p.stem for p in SEEDS.iterdir()}
    for group in [*report.figure_groups, *report.event_groups]:
        articles = {v.article for v in group.values}
        assert len(articles) >= 2 and articles <= seeds, (group.id, articles)
        assert group.reason.startswith("same ")


# ---------------------------------------------------------------------------------------------- feeds


def _write_feed(path: Path, records: Sequence[FeedRecord]) -> None:
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")


def test_iter_feed_streams_records_and_names_bad_lines(tmp_path: Path) -> None:
    feed = tmp_path / "facts.jsonl"
    _write_feed(feed, [war_article("a1"), war_article("a2", 14, variant=1)])
    with feed.open("ab") as handle:
        handle.write(b'{"article": {}}\n\n\xff\xfe\n')
    items = list(iter_feed(feed))
    assert [type(i).__name__ for i in items] == ["FeedRecord", "FeedRecord", "InputError", "InputError"]
    assert all("not a feed line" in str(i) for i in items if isinstance(i, InputError))
    assert [i.source for i in items if isinstance(i, InputError)] == [f"{feed}:3", f"{feed}:5"]
    [missing] = list(iter_feed(tmp_path / "none.jsonl"))
    assert isinstance(missing, InputError) and "cannot read feed" in str(missing)


def test_refresh_report_skips_an_unchanged_feed_and_rebuilds_a_changed_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feed, report = tmp_path / "facts.jsonl", tmp_path / "report.json"
    _write_feed(feed, [war_article("a1"), war_article("a2", 14, variant=1)])
    builds = 0
    real = crosscheck.cross_check

    def counting(records: object) -> Report:
        nonlocal builds
        builds += 1
        return real(records)  # type: ignore[arg-type]

    monkeypatch.setattr(crosscheck, "cross_check", counting)
    first = refresh_report(feed, report)
    assert builds == 1 and "1 conflict" in first and "conflict G1" in first
    written = Report.model_validate_json(report.read_text(encoding="utf-8"))
    assert written.built_from == crosscheck.feed_state(feed)
    kept = refresh_report(feed, report)
    assert builds == 1, "nothing changed: no rebuild"
    assert kept.startswith("cross-check: 2 articles") and "report.json kept" in kept

    with feed.open("a", encoding="utf-8") as handle:
        handle.write(war_article("a3", 12, variant=2).model_dump_json() + "\n")
    assert "3 articles" in refresh_report(feed, report) and builds == 2
    report.unlink()
    refresh_report(feed, report)
    assert builds == 3 and report.is_file(), "a missing report is rebuilt"
    report.write_text(report.read_text(encoding="utf-8").replace('"rules": "', '"rules": "old'), encoding="utf-8")
    refresh_report(feed, report)
    assert builds == 4, "a report built by other rules is rebuilt"
    report.write_text("{not json", encoding="utf-8")
    refresh_report(feed, report)
    assert builds == 5, "an unreadable report is rebuilt, never trusted"
    assert Report.model_validate_json(report.read_text(encoding="utf-8")).summary.conflicts == 1
