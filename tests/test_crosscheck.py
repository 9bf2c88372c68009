"""The cross-article report: entities, figure groups and event groups, on hand-built records and on the seeds."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import jsonschema

from extract.article import extract_article
from extract.crosscheck import cross_check, format_summary
from extract.entities import clean_name
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

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


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
           events: Sequence[Event] = ()) -> FeedRecord:
    return FeedRecord(
        article=ArticleInfo(id=aid, sha256=hashlib.sha256(aid.encode()).hexdigest(), chars=1000),
        extractor=ExtractorInfo(backend="rules", model=None, prompt_version="test", run_id="t", model_calls=0,
                                cache_hits=0, attempts=0, model_seconds=0.0),
        figures=list(figures), statements=list(statements), events=list(events), checks=[], rejected=[],
    )


def twelve_day(aid: str, days: int = 12, noun: str = "war") -> FeedRecord:
    sentence = f"A ceasefire ended the {days}-day {noun} between Israel and Iran."
    return record(aid, [fig("f1", sentence, f"{days}-day", days, "day", about=noun)])


def entity_named(report: Report, variant: str) -> Entity:
    found = [e for e in report.entities if variant in e.variants]
    assert len(found) == 1, [e.variants for e in report.entities]
    return found[0]


def only_group(report: Report) -> FigureGroup:
    assert len(report.figure_groups) == 1, [g.detail for g in report.figure_groups]
    return report.figure_groups[0]


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


def test_twelve_day_war_in_three_articles_is_one_agreeing_group() -> None:
    report = cross_check([twelve_day("001_a"), twelve_day("002_b", noun="conflict"), twelve_day("004_c")])
    group = only_group(report)
    assert group.verdict == "agree"
    assert group.unit == "day" and group.measure == "duration of the conflict"
    assert [(v.article, v.figure, v.value) for v in group.values] == [
        ("001_a", "f1", 12), ("002_b", "f1", 12), ("004_c", "f1", 12)]
    assert group.detail == "12 day in 001, 002, 004: agree"
    assert report.summary.conflicts == 0


def test_ten_day_against_twelve_day_is_a_conflict() -> None:
    report = cross_check([twelve_day("a1", 10), twelve_day("a2", 12)])
    group = only_group(report)
    assert group.verdict == "conflict"
    assert group.detail == "10 (a1) vs 12 (a2) day: conflict"
    assert report.summary.conflicts == 1
    assert "conflict G1" in format_summary(report)


def test_qualified_round_number_within_five_percent_agrees_within_tolerance() -> None:
    report = cross_check([
        record("a1", [fig("f1", "About 1,000 people were killed in the fighting.", "About 1,000", 1000, "count",
                          qualifier="about")]),
        record("a2", [fig("f1", "Officials said 1,020 people were killed in the fighting.", "1,020", 1020,
                          "count")]),
    ])
    group = only_group(report)
    assert group.measure == "deaths"
    assert group.verdict == "agree_within_tolerance"
    assert group.detail == "about 1,000 vs 1,020 deaths in a1, a2: agree within 5%"


def test_close_unqualified_unround_values_conflict() -> None:
    report = cross_check([
        record("a1", [fig("f1", "The strikes left 967 dead, the ministry said.", "967", 967, "count")]),
        record("a2", [fig("f1", "Health officials counted 974 dead after the strikes.", "974", 974, "count")]),
    ])
    group = only_group(report)
    assert group.verdict == "conflict"
    assert group.detail == "967 (a1) vs 974 (a2) deaths: conflict"


def test_a_broken_bound_is_a_conflict_even_within_five_percent() -> None:
    report = cross_check([
        record("a1", [fig("f1", "More than 1,000 people were killed.", "More than 1,000", 1000, "count",
                          qualifier="more than")]),
        record("a2", [fig("f1", "In all 990 people were killed.", "990", 990, "count")]),
    ])
    assert only_group(report).verdict == "conflict"


def test_unrelated_figures_are_not_grouped() -> None:
    report = cross_check([
        record("a1", [fig("f1", "The 12-day war ended on Tuesday.", "12-day", 12, "day", about="war")]),
        record("a2", [fig("f1", "Inflation reached 12 percent inflation last year.", "12 percent", 12, "percent"),
                      fig("f2", "The president began a 12-day visit to Baku.", "12-day", 12, "day")]),
        record("a3", [fig("f1", "The war left 28 dead in Israel.", "28", 28, "count", about="dead in Israel")]),
        record("a4", [fig("f1", "The war left 600 dead in Iran.", "600", 600, "count", about="dead in Iran")]),
    ])
    assert report.figure_groups == []


def test_one_article_repeating_itself_is_no_group_but_one_contradicting_itself_is() -> None:
    same = twelve_day("a1")
    repeated = record("a1", [same.figures[0], same.figures[0].model_copy(update={"id": "f2"})])
    assert cross_check([repeated]).figure_groups == []
    contradicting = record("a1", [fig("f1", "The 12-day war ended.", "12-day", 12, "day"),
                                  fig("f2", "After the 11-day war, talks began.", "11-day", 11, "day")])
    group = only_group(cross_check([contradicting]))
    assert group.verdict == "conflict" and len(group.values) == 2


# ---------------------------------------------------------------------------------------------- events


def ceasefire(aid: str, day: int) -> FeedRecord:
    sentence = f"A ceasefire took effect on June {day}."
    return record(aid, events=[event("e1", "ceasefire", sentence, date_text=f"June {day}")])


def test_ceasefire_on_the_same_day_agrees() -> None:
    report = cross_check([ceasefire("a1", 24), ceasefire("a2", 24)])
    (group,) = report.event_groups
    assert group.kind == "ceasefire" and group.verdict == "agree"
    assert [(v.article, v.month, v.day) for v in group.values] == [("a1", 6, 24), ("a2", 6, 24)]


def test_ceasefire_on_different_days_conflicts() -> None:
    report = cross_check([ceasefire("a1", 24), ceasefire("a2", 25)])
    (group,) = report.event_groups
    assert group.verdict == "conflict"
    assert group.detail == "ceasefire: June 24 (a1) vs June 25 (a2): conflict"
    assert report.summary.conflicts == 1


def test_calls_group_by_shared_actor_and_an_iso_date_counts() -> None:
    report = cross_check([
        record("a1", events=[event("e1", "call", "Pezeshkian called Aliyev on June 26.",
                                   ["Masoud Pezeshkian", "Ilham Aliyev"], date="2025-06-26", date_text="June 26")]),
        record("a2", events=[event("e1", "call", "Pezeshkian spoke to Aliyev on Thursday.",
                                   ["Massoud Pezeshkian"], date_text="Thursday"),
                             event("e2", "call", "Macron called Scholz on June 20.", ["Emmanuel Macron"],
                                   date_text="June 20")]),
        record("a3", events=[event("e1", "call", "The call took place on June 26.",
                                   ["Ilham Aliyev"], date_text="June 26")]),
    ])
    (group,) = report.event_groups
    assert group.verdict == "agree"
    assert [(v.article, v.event) for v in group.values] == [("a1", "e1"), ("a2", "e1"), ("a3", "e1")]
    pez, aliyev = entity_named(report, "Masoud Pezeshkian"), entity_named(report, "Ilham Aliyev")
    assert set(group.entities) == {pez.id, aliyev.id}


def test_one_dated_article_is_undetermined_and_undated_groups_are_left_out() -> None:
    report = cross_check([
        ceasefire("a1", 24),
        record("a2", events=[event("e1", "ceasefire", "A truce began on Tuesday.", date_text="Tuesday"),
                             event("e2", "attack", "Drones struck.", ["Israel"])]),
        record("a3", events=[event("e1", "attack", "Drones struck again.", ["Israel"])]),
    ])
    (group,) = report.event_groups
    assert group.verdict == "undetermined" and group.kind == "ceasefire"


# ---------------------------------------------------------------------------------------------- seeds


def test_seeds_report() -> None:
    articles = [a for a in iter_articles([str(SEEDS)]) if isinstance(a, Article)]
    records = [extract_article(a, NoModel(), run_id="t") for a in articles]
    report = cross_check(records)
    jsonschema.Draft202012Validator(report_json_schema()).validate(report.model_dump(mode="json"))

    twelve = [g for g in report.figure_groups
              if any(v.text == "12-day" for v in g.values)]
    assert len(twelve) == 1
    group = twelve[0]
    assert group.verdict == "agree" and group.unit == "day"
    assert {v.article[:3] for v in group.values} == {"001", "002", "004"}

    pez = entity_named(report, "Massoud Pezeshkian")
    assert "Masoud Pezeshkian" in pez.variants and pez.kind == "person"
    assert any(m.article.startswith("002") for m in pez.mentions)
    assert report.summary.conflicts == 0
    assert format_summary(report).startswith(f"cross-check: {len(records)} articles")
