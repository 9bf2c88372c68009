"""Full extraction: the model names anchors by id, and whatever does not hold against the text is rejected
with its reason while the rest is kept.

The faults are what capable models get wrong: invented numbers, ids that name nothing, a paraphrase
passed off as a quote, a speaker from another article, an event dated from a time elsewhere in the
article, a unit that contradicts the text. They are scripted answers read by ``read_answer`` directly and,
end to end, served by the fault server through the openai client and instructor (re-ask included).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fault_server import LOOPBACK_ALLOWED_HOSTS, FaultServer, Step

from extract.anchors import find_anchors
from extract.article import extract_article
from extract.model.answer import EventAnswer, FactsAnswer, FigureAnswer, StatementAnswer
from extract.model.client import NoModel, request_body
from extract.model.connect import open_model
from extract.model.full import Listing, facts_request, named_in, read_answer
from extract.read import Article, iter_articles
from extract.settings import Settings

pytestmark = pytest.mark.block_network(allowed_hosts=LOOPBACK_ALLOWED_HOSTS)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "dock-strike.md"


def article() -> Article:
    [found] = [a for a in iter_articles([str(FIXTURE)]) if isinstance(a, Article)]
    return found


def listing() -> Listing:
    a = article()
    return Listing.of(a.text, find_anchors(a.text, a.published), title=a.title)


def figure(quantity: str, **fields: Any) -> FigureAnswer:
    return FigureAnswer(**{"quantity": quantity, "unit": None, "about": "pay rise", "counted": None,
                           "source": None, "period": None, **fields})


def statement(**fields: Any) -> StatementAnswer:
    return StatementAnswer(**{"quote": None, "sentences": ["S1"], "speaker": "port authority", "kind": "reported",
                              "claim": "The strike ended.", **fields})


def event(**fields: Any) -> EventAnswer:
    return EventAnswer(**{"sentence": "S1", "kind": "strike", "summary": "Dock workers end their strike.",
                          "actors": [], "time": "T3", "location": "Rotterdam", **fields})


GOOD = FactsAnswer(
    figures=[figure("Q1", about="length of the strike", source="port authority"),
             figure("Q2", about="pay rise accepted by the union", source="port authority"),
             figure("Q3", about="ships delayed", counted="ships", source="Anna de Vries")],
    statements=[statement(),
                statement(quote="U1", sentences=["S2"], speaker="Anna de Vries", kind="quote",
                          claim="The deal is fair."),
                statement(sentences=["S3"], speaker="Anna de Vries", claim="Some 2,000 ships were delayed."),
                statement(sentences=["S4"], kind="denial", claim="The strike did not cost 12 million euros.")],
    events=[event()],
)


def reasons(answer: FactsAnswer) -> list[str]:
    return [r.reason for r in read_answer(answer, listing()).rejected]


def test_a_good_answer_holds_whole() -> None:
    reading = read_answer(GOOD, listing())
    assert reading.rejected == () and reading.untrusted is None and reading.problems == 0
    text = article().text
    figures = {text[f.number.start:f.number.end]: f for f in reading.draft.figures}
    assert set(figures) == {"48-hour", "4.5%", "some 2,000"}  # the comment count (Q5) was left out
    assert figures["some 2,000"].counted == "ships" and figures["4.5%"].source == "port authority"
    assert all(f.by == "model" for f in reading.draft.figures)
    quote = next(s for s in reading.draft.statements if s.kind == "quote")
    assert (quote.speaker, text[quote.start:quote.end]) == (
        "Anna de Vries", '"This is a fair deal for every member,"')
    [strike] = reading.draft.events
    assert (strike.date, strike.date_text, strike.location) == ("2025-02-11", "Tuesday", "Rotterdam")


def test_ids_that_name_nothing_are_rejected_and_the_rest_kept() -> None:
    answer = GOOD.model_copy(update={
        "figures": [*GOOD.figures, figure("Q99")],
        "statements": [*GOOD.statements, statement(quote="U7", kind="quote"), statement(sentences=["S40"])],
        "events": [*GOOD.events, event(sentence="S12")],
    })
    reading = read_answer(answer, listing())
    found = [r.reason for r in reading.rejected]
    assert "figure 'Q99' names no quantity (Q..)" in found
    assert "statement 'U7' names no quotation (U..)" in found
    assert "statement cites S40: not all are sentences (S..)" in found
    assert "event cites 'S12', which is no sentence" in found
    assert len(reading.draft.figures) == 3 and len(reading.draft.statements) == 4 and len(reading.draft.events) == 1


def test_invented_numbers_cost_the_wording_not_the_item() -> None:
    answer = GOOD.model_copy(update={
        "figures": [figure("Q2", about="a 7% pay rise")],
        "events": [event(summary="Workers end a 3-day strike.")],
        "statements": [statement(claim="The strike cost 40 million euros.")],
    })
    reading = read_answer(answer, listing())
    found = [r.reason for r in reading.rejected]
    assert "Q2: 'about' states 7, which its sentence does not" in found
    assert "S1: summary states 3, which its sentence does not" in found
    assert "claim states 40,000,000, which the text does not" in found
    [rise] = reading.draft.figures
    assert rise.about and "7" not in rise.about  # the text's own words instead
    [strike] = reading.draft.events
    assert strike.summary.startswith("ROTTERDAM, Feb 13 (Example Wire) - Dock workers")  # the sentence itself
    [said] = reading.draft.statements
    assert said.claim is None
    assert reading.untrusted is None  # a number in the wording does not make the answer untrusted


def test_a_paraphrase_passed_off_as_a_quote_is_rejected() -> None:
    reasons_found = reasons(GOOD.model_copy(update={"statements": [
        statement(sentences=["S3"], kind="quote", speaker="Anna de Vries", claim="ships were delayed")]}))
    assert reasons_found == ["a direct quote names no quotation (U..), and its sentences hold none: a paraphrase "
                             "is not a quote"]


def test_a_quote_with_its_sentence_but_no_id_gets_the_sentence_quotation() -> None:
    reading = read_answer(GOOD.model_copy(update={"statements": [
        statement(sentences=["S2"], kind="quote", speaker="Anna de Vries")]}), listing())
    [quote] = reading.draft.statements
    assert quote.kind == "quote" and quote.quote is not None and reading.rejected == ()


@pytest.mark.parametrize("speaker", ["Vladimir Putin", "the Kremlin", "Dock Workers' Federation of Europe"])
def test_a_speaker_the_article_never_names_is_rejected(speaker: str) -> None:
    found = reasons(GOOD.model_copy(update={"statements": [statement(speaker=speaker)]}))
    assert found == [f"speaker {speaker!r} is not named in the article"]


def test_a_name_found_only_inside_its_own_quote_is_not_its_speaker() -> None:
    text = 'Police said on Monday. "Minister Karel Dvorak must resign now," the union said.\n'
    own = Listing.of(text, find_anchors(text))
    reading = read_answer(FactsAnswer(figures=[], events=[], statements=[
        statement(quote="U1", sentences=["S2"], speaker="Karel Dvorak", kind="quote")]), own)
    assert [r.reason for r in reading.rejected] == ["speaker 'Karel Dvorak' is only inside its own quotation"]


def test_names_hold_as_the_article_gives_them() -> None:
    here = listing()
    for name in ("Anna de Vries", "port authority", "the union", "Rotterdam", "Dutch dock workers' union"[6:]):
        assert named_in(name, here), name
    assert not named_in("Antwerp", here) and not named_in("Jan Peeters", here)


def test_an_event_dated_from_a_time_elsewhere_keeps_no_date() -> None:
    reading = read_answer(GOOD.model_copy(update={"events": [event(sentence="S4", time="T3")]}), listing())
    [denied] = reading.draft.events
    assert denied.date is None
    assert [r.reason for r in reading.rejected] == [
        "S4: time T3 ('Tuesday') is not in the event's paragraph or the one before"]


def test_a_duration_is_no_date() -> None:
    reading = read_answer(GOOD.model_copy(update={"events": [event(time="T2")]}), listing())
    assert reading.draft.events[0].date is None
    assert [r.reason for r in reading.rejected] == ["S1: '48-hour' is a duration, not a date"]


def test_units_the_text_writes_are_not_the_models_to_change() -> None:
    reading = read_answer(GOOD.model_copy(update={"figures": [
        figure("Q2", unit="count"), figure("Q4", unit="USD"), figure("Q3", unit="other:vessel"),
        figure("Q1", unit="other:JPY")]}), listing())
    units = {f.number.text: f.number.unit for f in reading.draft.figures}
    assert units == {"4.5%": "percent", "12 million euros": "EUR", "some 2,000": "other:vessel", "48-hour": "hour"}
    assert len(reading.rejected) == 3


def test_an_answer_that_mostly_breaks_is_not_used() -> None:
    junk = FactsAnswer(figures=[figure("Q9"), figure("Q8"), figure("Q1")],
                       statements=[statement(speaker="The article's official account"), statement(speaker="Bob")],
                       events=[event(sentence="S99")])
    reading = read_answer(junk, listing())
    assert reading.untrusted is not None and reading.untrusted.startswith("the model's answer was not used: 5 of")


def test_repeats_count_against_the_answer() -> None:
    repeated = FactsAnswer(figures=[figure("Q1")] * 6, statements=[], events=[])
    reading = read_answer(repeated, listing())
    assert len(reading.draft.figures) == 1 and reading.problems == 5 and reading.untrusted is not None


# --- end to end: the fault server answers through openai + instructor ---------------------------------


def run(tmp_path: Path, script: Any, **overrides: Any) -> tuple[dict[str, Any], FaultServer]:
    with FaultServer(script) as server:
        settings = Settings(backend="openai", extraction="full", base_url=server.base_url, api_key="sk-test",
                            model="fault-model", cache_dir=tmp_path / "cache", max_retries=0, quiet=True,
                            **overrides)
        with open_model(settings) as model:
            record = extract_article(article(), model, run_id="test")
    return json.loads(record.model_dump_json()), server


def test_full_extraction_end_to_end_keeps_what_holds(tmp_path: Path) -> None:
    faulty = GOOD.model_copy(update={"figures": [*GOOD.figures, figure("Q99")],
                                     "statements": [*GOOD.statements, statement(speaker="Vladimir Putin")]})
    line, server = run(tmp_path, [Step.ok(faulty.model_dump()), Step.ok(faulty.model_dump())])
    assert server.calls == 2  # the validator's message made instructor re-ask once
    reask = server.requests[1]["messages"]
    assert any("Q99" in json.dumps(m) for m in reask[2:]) and any("Vladimir Putin" in json.dumps(m) for m in reask[2:])
    assert line["extractor"]["extraction"] == "full" and line["extractor"]["model_calls"] == 1
    assert {r["reason"] for r in line["rejected"]} >= {"figure 'Q99' names no quantity (Q..)",
                                                       "speaker 'Vladimir Putin' is not named in the article"}
    assert {f["quantity"]["text"] for f in line["figures"]} == {"48-hour", "4.5%", "some 2,000"}
    assert all(item["by"] == "model" for kind in ("figures", "statements", "events") for item in line[kind])
    text = article().text
    for kind in ("figures", "statements", "events"):
        for item in line[kind]:
            assert text[item["evidence"]["start"]:item["evidence"]["end"]] == item["evidence"]["text"]
    assert [c["status"] for c in line["checks"] if c["rule"] == "grounded"] == ["pass"] * 3


def test_a_reask_that_fixes_the_answer_leaves_nothing_rejected(tmp_path: Path) -> None:
    faulty = GOOD.model_copy(update={"figures": [*GOOD.figures, figure("Q99")]})
    line, server = run(tmp_path, [Step.ok(faulty.model_dump()), Step.ok(GOOD.model_dump())])
    assert server.calls == 2 and line["rejected"] == []
    assert line["extractor"]["attempts"] == 2


def test_an_untrusted_answer_leaves_the_rules_items(tmp_path: Path) -> None:
    junk = FactsAnswer(figures=[figure("Q9")] * 4, statements=[statement(speaker="Nobody Here")], events=[])
    line, _ = run(tmp_path, [Step.ok(junk.model_dump())] * 2)
    rules = extract_article(article(), NoModel(), run_id="test")
    assert [f["quantity"]["text"] for f in line["figures"]] == [f.quantity.text for f in rules.figures]
    assert all(item["by"] == "rules" for kind in ("figures", "statements", "events") for item in line[kind])
    assert line["rejected"][0]["item"]["kind"] == "answer"
    assert line["rejected"][0]["reason"].startswith("the model's answer was not used")


def test_a_type_the_model_says_nothing_of_keeps_the_rules_items(tmp_path: Path) -> None:
    only_figures = GOOD.model_copy(update={"statements": [], "events": []})
    line, _ = run(tmp_path, [Step.ok(only_figures.model_dump())])
    assert line["statements"] and all(s["by"] == "rules" for s in line["statements"])
    assert all(f["by"] == "model" for f in line["figures"])


def test_the_request_lists_anchors_and_never_asks_for_numbers(tmp_path: Path) -> None:
    _, server = run(tmp_path, [Step.ok(GOOD.model_dump())])
    [request] = server.requests
    system, user = request["messages"]
    assert "Q3 \"some 2,000\" S3 = about 2000 count" in user["content"]
    assert 'U1 S2 "This is a fair deal for every member,"' in user["content"]
    assert "T3 \"Tuesday\" S1 = 2025-02-11" in user["content"]
    schema = json.dumps(request["tools"][0]["function"]["parameters"])
    assert '"type": "number"' not in schema and '"type": "integer"' not in schema  # the model types no number
    # The fixed part comes first, the same for every article, so servers can reuse their prompt cache.
    other = Article(id="x", text="Police said on Monday that 3 people were hurt.\n", source="x")
    body = request_body(facts_request(other, Listing.of(other.text, find_anchors(other.text))), model="fault-model",
                        mode="tools")
    assert body["messages"][0] == system and body["tools"] == request["tools"]


def test_a_long_article_is_asked_piece_by_piece_with_its_neighbours_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    import extract.article

    monkeypatch.setattr(extract.article, "FULL_CHUNK_CHARS", 240)  # the fixture in three or four pieces

    def every_quantity(request: dict[str, Any]) -> Step:
        user = request["messages"][1]["content"]
        return Step.ok({"figures": [figure(q).model_dump() for q in re.findall(r"^(Q\d+) ", user, re.MULTILINE)],
                        "statements": [], "events": []})

    line, server = run(tmp_path, every_quantity)
    assert server.calls >= 3 and line["extractor"]["model_calls"] == server.calls
    text = article().text
    quantities = [f["quantity"] for f in line["figures"]]
    assert [q["text"] for q in quantities] == ["48-hour", "4.5%", "some 2,000", "12 million euros", "14"]
    assert all(text[q["start"]:q["end"]] == q["text"] for q in quantities)  # whole-text offsets
    assert any("ALSO NAMED ELSEWHERE IN THE ARTICLE" in r["messages"][1]["content"] for r in server.requests)


def test_verbose_logs_each_request_and_its_answer(tmp_path: Path) -> None:
    lines: list[str] = []
    with FaultServer([Step.ok(GOOD.model_dump())]) as server:
        settings = Settings(backend="openai", extraction="full", base_url=server.base_url, api_key="sk-test",
                            model="fault-model", cache_dir=tmp_path / "cache", max_retries=0, verbose=True)
        with open_model(settings, log=lines.append) as model:
            extract_article(article(), model, run_id="test")
            extract_article(article(), model, run_id="test")
    asked = [line for line in lines if line.startswith("model: ")]
    assert asked[0].startswith("model: dock-strike: extract.facts.v1 asked in ")
    assert asked[0].endswith(": 3 figures, 4 statements, 1 events")
    assert "from the cache" in asked[1] and "sk-test" not in " ".join(lines)
