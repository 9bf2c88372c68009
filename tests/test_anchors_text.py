"""Quotes, sentences and names: exact offsets on short texts."""

from __future__ import annotations

import pytest

from extract.anchors.names import find_names, surname
from extract.anchors.quotes import find_quotes
from extract.anchors.sentences import find_sentences, is_boilerplate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "we will win" today.', ['"we will win"']),
        ("“We fully control our airspace,” Aliyev said.", ["“We fully control our airspace,”"]),
        ("It’s the Bank’s view that ‘rates must rise’, she said.", ["‘rates must rise’"]),
        ("The countries’ ties and the bank’s ‘firm commitment’ held.", ["‘firm commitment’"]),
        ("«Nous gagnerons» dit-il.", ["«Nous gagnerons»"]),
        ("No quotes in this sentence, isn't it?", []),
    ],
)
def test_quotes_are_found_with_exact_spans(text: str, expected: list[str]) -> None:
    quotes = find_quotes(text)
    assert [q.text for q in quotes] == expected
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text
        assert text[quote.inner_start : quote.inner_end] == quote.inner


def test_quote_running_over_paragraphs_is_one_quote() -> None:
    text = "“First part of the quote.\n“Second part ends here,” she said.\nNext."
    [quote] = find_quotes(text)
    assert quote.text == "“First part of the quote.\n“Second part ends here,”"
    assert quote.inner.startswith("First part") and quote.inner.endswith("ends here,")


def test_quote_left_open_ends_at_paragraph_end() -> None:
    text = "“Once it is clear, we will decide.\nAnother paragraph."
    [quote] = find_quotes(text)
    assert quote.text == "“Once it is clear, we will decide."


def test_sentences_keep_offsets_and_skip_abbreviations() -> None:
    text = "Mr. Smith met Dr. Jones in the U.S. on Monday. They agreed!\nSubscribe"
    sentences = find_sentences(text)
    assert [s.text for s in sentences] == [
        "Mr. Smith met Dr. Jones in the U.S. on Monday.", "They agreed!", "Subscribe",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert [s.boilerplate for s in sentences] == [False, False, True]


@pytest.mark.parametrize(
    "paragraph",
    [
        "RFE/RL journalists report the news in 27 languages in 23 countries where a free press is banned.",
        "To find out more, click here.",
        "Breaking News",
        "Reporting by Jane Doe; Editing by John Roe",
    ],
)
def test_page_furniture_is_boilerplate(paragraph: str) -> None:
    assert is_boilerplate(paragraph)


def test_prose_is_not_boilerplate() -> None:
    assert not is_boilerplate("The central bank held its main rate at 4.25% on Thursday, as expected.")


def test_names_split_titles_and_possessives() -> None:
    text = "Iran’s President Masoud Pezeshkian called Azerbaijani President Ilham Aliyev. Aliyev’s office replied."
    names = {n.name: n for n in find_names(text)}
    assert names["Masoud Pezeshkian"].title == "Iran’s President"
    assert names["Masoud Pezeshkian"].kind == "person"
    assert names["Ilham Aliyev"].title == "Azerbaijani President"
    assert "Aliyev" in names
    for name in names.values():
        assert text[name.start : name.end] == name.text


def test_names_skip_sentence_initial_words_and_demonyms() -> None:
    text = "Therefore the Iranian envoy met officials of the Stockholm International Peace Research Institute."
    names = [n.name for n in find_names(text)]
    assert names == ["Stockholm International Peace Research Institute"]


def test_surname_drops_possessive() -> None:
    assert surname("Masoud Pezeshkian’s") == "Pezeshkian"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("“We tried to press, and we did it well,\" he said.",
                     ["“We tried to press, and we did it well,\""], id="curly-open-straight-close"),
        pytest.param('"I think we had five clear chances,” Costa added.', ['"I think we had five clear chances,”'],
                     id="straight-open-curly-close"),
        pytest.param("the loss. ”Yes, of course, it hurts,\" Costa said.", ["”Yes, of course, it hurts,\""],
                     id="closing-mark-typed-as-opener"),
        pytest.param("He called it ``a fine day for us'' and left.", ["``a fine day for us''"], id="typewriter"),
        pytest.param("“Is it over?” ”No,” she said, not ” here.", ["“Is it over?”"], id="no-opener-mid-sentence"),
    ],
)
def test_mixed_quote_marks_of_real_pages(text: str, expected: list[str]) -> None:
    quotes = find_quotes(text)
    assert [q.text for q in quotes] == expected
    for quote in quotes:
        assert text[quote.inner_start : quote.inner_end] == quote.inner
        assert not quote.inner.startswith(("`", "'", '"')) and not quote.inner.endswith(("'", "`"))


class _CountingText(str):
    """A text that counts the characters handed out by indexing and slicing, the work a scan does in Python."""

    read = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        piece = str.__getitem__(self, key)
        type(self).read += len(piece)
        return piece


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("word and more words here. " * 4000, id="unclosed-one-paragraph"),
        pytest.param("a. " * 30000, id="one-sentence-of-abbreviations"),
        pytest.param("“Part of the quote, said Mr. Smith\n\n" * 3000, id="reopened-over-paragraphs"),
    ],
)
def test_an_unclosed_quote_is_read_in_one_pass(body: str) -> None:
    """However long a quote left open runs, quotes and sentences read each character a bounded number of
    times (a scan that restarts at every mark reads the text over and over)."""
    text = _CountingText("He said “" + body)
    _CountingText.read = 0
    quotes = find_quotes(text)
    find_sentences(text)
    assert quotes and quotes[0].start == 8
    assert _CountingText.read <= 12 * len(text)


def test_scraper_dateline_is_split_off_as_furniture() -> None:
    text = " date 2019-11-22 A Delaware man has been charged with burglary after forcing his way in Tuesday."
    sentences = find_sentences(text)
    assert [(s.text, s.boilerplate) for s in sentences] == [
        ("date 2019-11-22", True),
        ("A Delaware man has been charged with burglary after forcing his way in Tuesday.", False),
    ]


@pytest.mark.parametrize(
    "paragraph",
    ["By Polly Davis Doig,  Newser Staff", "Posted Sep 16, 2018 6:07 AM CDT", "Tap to install our app.",
     "Published at :October 24, 2018 at 11:51 PM", "A post shared by Indian Super League (@isl) on Oct 24, 2018",
     "Watch: FC Goa 5-0 Mumbai City FC highlights from the night"],
)
def test_bylines_time_stamps_and_app_prompts_are_furniture(paragraph: str) -> None:
    assert is_boilerplate(paragraph)


def test_a_report_published_on_a_date_is_prose() -> None:
    assert not is_boilerplate("The report, published on March 3, 2019, found that most of the cases were mild.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Wayne Township Fire Capt. Mike Pruitt said it.", [("Mike Pruitt", "person")], id="dotted-title"),
        pytest.param("Mr. Bing, a businessman, won.", [("Bing", "person")], id="mr"),
        pytest.param("Storms hit the U.S. Southeast on Monday.", [("U.S. Southeast", "place")], id="dotted-acronym"),
        pytest.param("Officials in North Carolina and Central Asia agreed.", [("North Carolina", "place"),
                     ("Central Asia", "place")], id="compass-places"),
        pytest.param("ALL EYES WERE on Tiger Woods at the Open.", [("Tiger Woods", "unknown"), ("Open", "unknown")],
                     id="all-capitals-lead-in"),
        pytest.param("Today, Gannett CEO Paul Bascobert sent a memo.", [("Paul Bascobert", "person")],
                     id="title-split-off"),
        pytest.param("In a release, the CEO and the CFO said so.", [], id="title-alone-is-no-name"),
    ],
)
def test_names_on_real_pages(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(n.name, n.kind) for n in find_names(text)] == expected


def test_surname_skips_generational_suffixes() -> None:
    assert surname("Martin Luther King Jr.") == "King"
    assert surname("John Smith III") == "Smith"


def test_a_title_case_headline_is_not_one_long_name() -> None:
    text = ("Central Bank Leaves Interest Rates Unchanged\n"
            "The Central Bank said on Wednesday it would wait. Governor Ana Ruiz spoke after the meeting.\n")
    names = [n.text for n in find_names(text)]
    assert "Central Bank Leaves Interest Rates Unchanged" not in names
    assert names[:2] == ["Central Bank", "Central Bank"]


def test_a_headline_keeps_each_name_the_text_repeats() -> None:
    text = "Ferreira Pips Kowalczyk In Monaco Thriller\nLuis Ferreira beat Adam Kowalczyk in Monaco.\n"
    assert [n.text for n in find_names(text)][:3] == ["Ferreira", "Kowalczyk", "Monaco"]


def test_a_headline_name_the_text_repeats_whole_stands() -> None:
    text = "Scenes From The Harbour Festival\nThousands came to The Harbour Festival on Sunday.\n"
    assert "The Harbour Festival" in " ".join(n.text for n in find_names(text)) or \
        "Harbour Festival" in [n.name for n in find_names(text)]


def test_related_story_teasers_and_bulleted_links_are_furniture() -> None:
    text = ("Carmaker recalls 2 million cars over pedals\n\n"
            "Summit: members seek to grow trade to $2 trillion\n\nRead more\n\n"
            "Off the wire\nCahill guides Socceroos to semis with 2-0 win • Bomb kills 3 in Kabul • Index rises 5%\n\n"
            "The carmaker said on Thursday that 2 million cars were affected.\n")
    furniture = {s.text for s in find_sentences(text) if s.boilerplate}
    assert "Summit: members seek to grow trade to $2 trillion" in furniture
    assert any("•" in f for f in furniture)
    assert "The carmaker said on Thursday that 2 million cars were affected." not in furniture
