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
