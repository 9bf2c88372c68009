"""Full extraction: the model reads the article and fills its facts, by anchor id.

Input: an article, its :class:`~extract.anchors.Anchors` and a :class:`~extract.model.client.Model`.
Output: a :class:`~extract.rules.Draft` of what the model reported (every item ``by="model"``), and
``rejected`` entries for whatever did not hold, each with its reason.

The prompt (``prompts/extract.facts.v1.md``) lists the article as numbered sentences and the anchors that
deterministic code found: quantities ``Q1..``, quotations ``U1..``, times ``T1..`` and names. The model
answers with :class:`~extract.model.answer.FactsAnswer`, naming anchors by id, so it never types a number
or an offset. :func:`read_answer` turns ids back into exact spans and checks the rest against the text:

* an id that names no anchor of its kind: the item is rejected;
* a speaker, source, actor or location the article never names: the item (speaker) or the name is
  rejected; a speaker named only inside its own quotation is not its speaker;
* a number in ``about``, a claim or a summary that the cited sentences do not state: that text is
  rejected and the item keeps the sentence's own words instead;
* a time that is not in the event's paragraph or the one before, or that cannot be resolved to a date:
  the date is rejected and the event kept undated.

The same function is the request's ``check``: its reasons make instructor re-ask once, then what holds
is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from extract.anchors import Anchors, NumberAnchor, QuoteAnchor, Sentence, TimeAnchor
from extract.anchors.numbers import find_numbers
from extract.model.answer import EventAnswer, FactsAnswer, FigureAnswer, StatementAnswer
from extract.model.client import Meter, Model, Request
from extract.read import Article
from extract.rules import Draft, EventDraft, FigureDraft, StatementDraft, about_phrase, summary_of
from schemas import Rejected

FACTS_PROMPT = "extract.facts.v1"
#: Room for the answer: a long article's facts run to a few thousand tokens.
ANSWER_TOKENS = 6000
_QUOTE_PREVIEW = 160
_T = TypeVar("_T")
#: Free text the model writes is short by design; longer text is not what was asked for.
MAX_WORDS = {"about": 16, "name": 10, "claim": 60, "summary": 40}
_STOPWORDS = frozenset("the of and for a an in on at to de la le al el von van der du da das dos des by with from "
                       "mr mrs ms dr".split())


@dataclass
class Listing:
    """The anchors of one article as the prompt lists them, by prompt id."""

    text: str
    sentences: dict[str, Sentence]
    quantities: dict[str, NumberAnchor]
    quotes: dict[str, QuoteAnchor]
    times: dict[str, TimeAnchor]
    names: tuple[tuple[str, str], ...]  # (name, kind), distinct, in order of first mention
    other_names: tuple[str, ...] = ()  # named elsewhere in a long article (its neighbouring pieces)
    sentence_ids: dict[int, str] = field(default_factory=dict)  # sentence start -> S id

    @classmethod
    def of(cls, text: str, anchors: Anchors, other_names: Sequence[str] = (), title: str | None = None) -> Listing:
        sentences = {f"S{i}": s for i, s in enumerate(anchors.sentences, start=1)}
        quantities = {f"Q{i}": n for i, n in enumerate((n for n in anchors.numbers if n.kind == "quantity"), start=1)}
        names: dict[str, str] = {}
        for name in anchors.names:
            names.setdefault(name.name, name.kind)
        own = set(names)
        return cls(
            text=text, sentences=sentences, quantities=quantities,
            quotes={f"U{i}": q for i, q in enumerate(anchors.quotes, start=1)},
            times={f"T{i}": t for i, t in enumerate(anchors.times, start=1)},
            names=tuple(names.items()),
            other_names=tuple(dict.fromkeys(n for n in other_names if n not in own)),
            sentence_ids={s.start: sid for sid, s in sentences.items()}, title=title or "",
        )

    def sentence_at(self, pos: int) -> str | None:
        """The id of the sentence holding offset ``pos``."""
        for sid, sentence in self.sentences.items():
            if sentence.start <= pos < sentence.end:
                return sid
        return None

    title: str = ""  # the headline, when the article has one apart from its text

    def known_words(self) -> _Known:
        """The words of the article and its headline (computed once)."""
        if self._known is None:
            self._known = _Known.of(f"{self.title}\n{self.text}")
        return self._known

    _known: _Known | None = field(default=None, repr=False, compare=False)

    def render(self) -> str:
        """The user part of the prompt: the article as numbered sentences, then every anchor list."""
        lines = ["ARTICLE (sentences S.., a blank line between paragraphs)"]
        paragraph = None
        for sid, sentence in self.sentences.items():
            if paragraph is not None and sentence.paragraph != paragraph:
                lines.append("")
            paragraph = sentence.paragraph
            lines.append(f"{sid} {_flat(sentence.text)}")
        lines += ["", "QUANTITIES (Q..: id, as written, sentence, value read)"]
        lines += [f"{qid} \"{_flat(n.text)}\" {self.sentence_at(n.start)} = {_reading(n)}"
                  for qid, n in self.quantities.items()] or ["(none)"]
        lines += ["", "QUOTATIONS (U..: id, sentence, the quoted words)"]
        lines += [f"{uid} {self.sentence_at(q.start)} \"{_preview(q.inner)}\"" for uid, q in self.quotes.items()] \
            or ["(none)"]
        lines += ["", "TIMES (T..: id, as written, sentence, date it resolves to)"]
        lines += [f"{tid} \"{_flat(t.text)}\" {self.sentence_at(t.start)} = {_resolved(t)}"
                  for tid, t in self.times.items()] or ["(none)"]
        lines += ["", "NAMES (as the article gives them, with the kind a name-finder guessed)"]
        lines += [f"- {name} ({kind})" for name, kind in self.names] or ["(none)"]
        if self.other_names:
            lines += ["", "ALSO NAMED ELSEWHERE IN THE ARTICLE", *(f"- {n}" for n in self.other_names)]
        return "\n".join(lines)


def facts_request(article: Article, listing: Listing) -> Request:
    """The one request of full extraction for (a piece of) an article."""
    def check(answer: FactsAnswer) -> list[str]:
        return [r.reason for r in read_answer(answer, listing).rejected]

    return Request(FACTS_PROMPT, {"article": listing.render()}, FactsAnswer, article.id, article.sha256,
                   max_tokens=ANSWER_TOKENS, check=check)


@dataclass(frozen=True)
class Reading:
    """What the model's answer holds: its items as drafts, what was rejected, and whether to use it."""

    draft: Draft
    rejected: tuple[Rejected, ...]
    items: int  # items the model gave
    problems: int  # rejected items or fields, and repeated items
    untrusted: str | None = None  # why the answer as a whole is not used, or None

    @property
    def silent(self) -> frozenset[str]:
        """The item types the model gave nothing of: the rules' items of these types stand."""
        return frozenset(kind for kind, items in (("figures", self.draft.figures), (
            "statements", self.draft.statements), ("events", self.draft.events)) if not items)


#: An answer in which more than this share of the items breaks (unknown ids, names the article never
#: gives, numbers it does not state, repeats) is not used at all: the model is not reading the article.
MAX_PROBLEM_SHARE = 0.34
#: What counts against the answer as a whole: items that name no anchor or whose speaker the article never
#: gives, and names invented for a field. A number the model wrote into its own wording costs that wording.
_BREAKING = frozenset({"figure", "statement", "event", "figure source", "event actor", "event location"})


def ask_facts(article: Article, anchors: Anchors, model: Model, meter: Meter,
              other_names: Sequence[str] = ()) -> Reading | None:
    """Ask the model for the article's facts; None when there is no answer (the rules' draft stands)."""
    listing = Listing.of(article.text, anchors, other_names, article.title)
    answer = model.answer(facts_request(article, listing), meter)
    if answer is None or not isinstance(answer.value, FactsAnswer):
        return None
    return read_answer(answer.value, listing)


def read_answer(answer: FactsAnswer, listing: Listing) -> Reading:
    """The model's items as drafts with exact spans, the rejected ones with their reasons, and whether the
    answer holds up well enough to be used."""
    rejected: list[Rejected] = []
    figures = [d for d in (_figure(f, listing, rejected) for f in answer.figures) if d is not None]
    statements = [d for d in (_statement(s, listing, rejected) for s in answer.statements) if d is not None]
    events = [d for d in (_event(e, listing, rejected) for e in answer.events) if d is not None]
    draft = Draft(figures=tuple(_unique(figures, lambda d: (d.number.start, d.number.end))),
                  statements=tuple(_unique(statements, lambda d: (d.kind == "quote", d.start, d.end))),
                  events=tuple(_unique(events, lambda d: d.sentence.start)))
    items = len(answer.figures) + len(answer.statements) + len(answer.events)
    repeats = len(figures) + len(statements) + len(events) - len(draft.figures) - len(draft.statements) \
        - len(draft.events)
    problems = sum(1 for r in rejected if r.item.get("kind") in _BREAKING) + repeats
    untrusted = None
    if items and problems / items > MAX_PROBLEM_SHARE:
        untrusted = (f"the model's answer was not used: {problems} of its {items} items did not hold against "
                     "the text or repeated others; the rules' items stand")
    return Reading(draft, tuple(rejected), items, problems, untrusted)


def _figure(item: FigureAnswer, listing: Listing, rejected: list[Rejected]) -> FigureDraft | None:
    number = listing.quantities.get(item.quantity.strip())
    if number is None:
        rejected.append(_reject("figure", item.quantity, None, f"figure {item.quantity!r} names no quantity (Q..)"))
        return None
    sentence = listing.sentences[listing.sentence_at(number.start) or ""]
    about = item.about.strip() or None
    if about is not None and len(about.split()) > MAX_WORDS["about"]:
        rejected.append(_reject("figure about", about, number.start,
                                f"{item.quantity}: 'about' runs to {len(about.split())} words, not a few"))
        about = None
    if about is not None and (extra := _unstated_numbers(about, sentence.text, listing.text)):
        rejected.append(_reject("figure about", about, number.start,
                                f"{item.quantity}: 'about' states {extra}, which its sentence does not"))
        about = None
    source = item.source.strip() if item.source else None
    if source and (len(source.split()) > MAX_WORDS["name"] or not named_in(source, listing)):
        rejected.append(_reject("figure source", source, number.start,
                                f"{item.quantity}: source {source!r} is not named in the article"))
        source = None
    unit = _unit(item, number, rejected)
    period = None
    if item.period:
        time = listing.times.get(item.period.strip())
        if time is None:
            rejected.append(_reject("figure period", item.period, number.start,
                                    f"{item.quantity}: period {item.period!r} names no time (T..)"))
        else:
            period = _period_text(time)
    counted = item.counted.strip() if item.counted else None
    if counted and not all(listing.known_words().has(w) for w in _words(counted)):
        counted = None  # what is counted, in words the article does not use: the rules' noun instead
    if number.unit != "count":
        counted = None
    elif counted is None:
        counted = number.noun
    if unit != number.unit:
        number = replace(number, unit=unit)
    return FigureDraft(number=number, sentence=sentence,
                       about=about or about_phrase(listing.text, number, sentence, tuple(listing.times.values())),
                       source=source, period=period, counted=counted, by="model")


_UNIT = re.compile(r"^(?:percentage_point|count|day|week|month|year|hour|minute|magnitude|other:[a-z][a-z_/]*)$")
_WRITTEN_UNITS = frozenset({"percent", "percentage_point", "USD", "EUR", "GBP"})


def _is_currency(unit: str) -> bool:
    """``other:<ISO 4217 code>``: money in a currency other than USD, EUR and GBP."""
    code = unit.removeprefix("other:")
    return unit.startswith("other:") and len(code) == 3 and code.isalpha() and code.upper() in _CURRENCY_CODES


_CURRENCY_CODES = frozenset("AUD CAD CHF CNY HKD INR JPY KRW MXN MYR NZD RUB SEK SGD TRY ZAR BRL DKK NOK PLN THB "
                            "IDR PHP PKR NGN EGP SAR AED ILS TWD VND CZK HUF ARS CLP COP KES".split())


def _unit(item: FigureAnswer, number: NumberAnchor, rejected: list[Rejected]) -> str:
    """The figure's unit: the text's reading, or the model's where the text's is a bare count or a word
    the reader did not know; money and percentages are only ever what the text writes."""
    unit = (item.unit or "").strip()
    if not unit or unit == number.unit:
        return number.unit
    if number.unit in _WRITTEN_UNITS or _is_currency(number.unit):
        reason = f"{item.quantity}: unit {unit!r}: the text writes {number.text!r}, read as {number.unit}"
    elif not _UNIT.match(unit) or _is_currency(unit):
        reason = f"{item.quantity}: unit {unit!r} is not a unit the model may set (count, day, ..., other:<word>)"
    else:
        return unit
    rejected.append(_reject("figure unit", unit, number.start, reason))
    return number.unit


def _statement(item: StatementAnswer, listing: Listing, rejected: list[Rejected]) -> StatementDraft | None:
    quote = listing.quotes.get(item.quote.strip()) if item.quote else None
    if item.quote and quote is None:
        rejected.append(_reject("statement", item.quote, None, f"statement {item.quote!r} names no quotation (U..)"))
        return None
    sentences = [listing.sentences.get(s.strip()) for s in item.sentences]
    if any(s is None for s in sentences):
        rejected.append(_reject("statement", ", ".join(item.sentences), None,
                                f"statement cites {', '.join(item.sentences)}: not all are sentences (S..)"))
        return None
    cited = sorted((s for s in sentences if s is not None), key=lambda s: s.start)
    if quote is None and item.kind == "quote":
        # A direct quote needs its quotation: the one in the cited sentences, else it is a paraphrase.
        inside = [q for q in listing.quotes.values() if any(s.start <= q.start < s.end for s in cited)]
        if len(inside) != 1:
            rejected.append(_reject("statement", item.claim, cited[0].start if cited else None,
                                    "a direct quote names no quotation (U..), and its sentences hold "
                                    + ("none: a paraphrase is not a quote" if not inside else "several")))
            return None
        quote = inside[0]
    if quote is None and not cited:
        rejected.append(_reject("statement", item.claim, None, "reported statement cites no sentence"))
        return None
    if quote is None and not _consecutive(cited, listing):
        rejected.append(_reject("statement", item.claim, cited[0].start,
                                f"statement cites sentences {', '.join(item.sentences)}, which do not follow "
                                "each other"))
        return None
    start, end = (quote.start, quote.end) if quote is not None else (cited[0].start, cited[-1].end)
    speaker = item.speaker.strip()
    if len(speaker.split()) > MAX_WORDS["name"]:
        rejected.append(_reject("statement", speaker, start, f"speaker runs to {len(speaker.split())} words: "
                                "not a name"))
        return None
    outside = listing.text[:quote.start] + listing.text[quote.end:] if quote is not None else listing.text
    if not speaker or not named_in(speaker, listing, outside):
        in_quote = bool(speaker) and named_in(speaker, listing)
        where = "only inside its own quotation" if in_quote else "not named in the article"
        rejected.append(_reject("statement", listing.text[start:end][:200], start,
                                f"speaker {speaker!r} is {where}"))
        return None
    own_sentence = listing.sentences[listing.sentence_at(start) or ""]
    evidence_text = listing.text[start:end]
    claim: str | None = " ".join(item.claim.split()) or None
    if claim is not None and len(claim.split()) > MAX_WORDS["claim"]:
        rejected.append(_reject("statement claim", claim, start, f"claim runs to {len(claim.split())} words"))
        claim = None
    if claim is not None and (extra := _unstated_numbers(claim, evidence_text + " " + own_sentence.text, listing.text)):
        rejected.append(_reject("statement claim", claim, start, f"claim states {extra}, which the text does not"))
        claim = None
    kind = "quote" if quote is not None else ("denial" if item.kind == "denial" else "reported")
    return StatementDraft(kind=kind, speaker=speaker, text=quote.inner if quote is not None else evidence_text,
                          start=start, end=end, sentence=own_sentence, date=_date_in(listing, own_sentence),
                          quote=quote, claim=claim, by="model")


def _event(item: EventAnswer, listing: Listing, rejected: list[Rejected]) -> EventDraft | None:
    sentence = listing.sentences.get(item.sentence.strip())
    if sentence is None:
        rejected.append(_reject("event", item.sentence, None, f"event cites {item.sentence!r}, which is no sentence"))
        return None
    summary = " ".join(item.summary.split())
    if len(summary.split()) > MAX_WORDS["summary"]:
        rejected.append(_reject("event summary", summary, sentence.start,
                                f"{item.sentence}: summary runs to {len(summary.split())} words, not one line"))
        summary = ""
    if extra := _unstated_numbers(summary, sentence.text, listing.text):
        rejected.append(_reject("event summary", summary, sentence.start,
                                f"{item.sentence}: summary states {extra}, which its sentence does not"))
        summary = ""
    actors: list[str] = []
    for actor in item.actors:
        actor = actor.strip()
        if actor and len(actor.split()) <= MAX_WORDS["name"] and named_in(actor, listing):
            actors.append(actor)
        elif actor:
            rejected.append(_reject("event actor", actor, sentence.start,
                                    f"{item.sentence}: actor {actor!r} is not named in the article"))
    location = item.location.strip() if item.location else None
    if location and (len(location.split()) > MAX_WORDS["name"] or not named_in(location, listing)):
        rejected.append(_reject("event location", location, sentence.start,
                                f"{item.sentence}: location {location!r} is not named in the article"))
        location = None
    date, date_text = _event_date(item, sentence, listing, rejected)
    return EventDraft(kind=item.kind, summary=summary or summary_of(sentence.text), actors=tuple(dict.fromkeys(actors)),
                      date=date, date_text=date_text, location=location, sentence=sentence, by="model")


def _event_date(item: EventAnswer, sentence: Sentence, listing: Listing,
                rejected: list[Rejected]) -> tuple[str | None, str | None]:
    if not item.time:
        return None, None
    time = listing.times.get(item.time.strip())
    if time is None:
        rejected.append(_reject("event date", item.time, sentence.start,
                                f"{item.sentence}: time {item.time!r} names no time (T..)"))
        return None, None
    time_sentence = listing.sentences.get(listing.sentence_at(time.start) or "")
    if time_sentence is None or not 0 <= sentence.paragraph - time_sentence.paragraph <= 1:
        rejected.append(_reject("event date", time.text, sentence.start,
                                f"{item.sentence}: time {item.time} ({time.text!r}) is not in the event's paragraph "
                                "or the one before"))
        return None, None
    if time.kind == "duration":
        rejected.append(_reject("event date", time.text, sentence.start,
                                f"{item.sentence}: {time.text!r} is a duration, not a date"))
        return None, None
    if time.date is None:
        rejected.append(_reject("event date", time.text, sentence.start,
                                f"{item.sentence}: {time.text!r} does not resolve to a date"
                                + (f" ({time.reason})" if time.reason else "")))
        return None, time.text
    return time.date, time.text


# --- grounding helpers ----------------------------------------------------------------------------------


def named_in(name: str, listing: Listing, text: str | None = None) -> bool:
    """True when the article (or ``text``) gives ``name``: every capitalised word of it is a word of the
    article (case and accents folded, possessives dropped, a demonym matching its country by a shared
    stem: "Israeli" ~ "Israel"), and at least half of its lowercase words are ("unnamed government official"
    holds in "a government official said"). "Masoud Pezeshkian", "Iran's foreign ministry" and "police" hold
    in an article that gives them; a name from another article does not."""
    words = [w for w in name.split() if _words(w)]
    known = listing.known_words() if text is None else _Known.of(text)
    proper = [w for w in words if w[:1].isupper() and _words(w)[0] not in _STOPWORDS]
    common = [w for w in words if not w[:1].isupper() and _words(w)[0] not in _STOPWORDS]
    if not proper and not common:
        return False
    if not all(known.has(_words(w)[0]) for w in proper):
        return False
    present = sum(1 for w in common if known.has(_words(w)[0]))
    return present * 2 >= len(common) and (present > 0 or bool(proper))


@dataclass(frozen=True)
class _Known:
    """The words of a text, and their stems of 4+ letters, for :func:`named_in`."""

    words: frozenset[str]
    stems: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Known:
        words = frozenset(_words(text))
        return cls(words, frozenset(w[:k] for w in words for k in range(4, min(len(w), 12) + 1)))

    def has(self, word: str) -> bool:
        if word in self.words or word.rstrip("s") in self.words or f"{word}s" in self.words:
            return True
        # A demonym and its country share a stem ("israeli"/"israel", "portuguese"/"portugal").
        stem = max(4, len(word) - 4)
        return len(word) >= 5 and word[:stem] in self.stems


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return [w for w in re.split(r"[^\w]+", re.sub(r"['’]s\b", "", folded)) if w]


def _unstated_numbers(free_text: str, stated: str, article: str) -> str | None:
    """The numbers of ``free_text`` that ``stated`` does not state (by value), as one phrase, or None.
    Ordinals ("third-quarter") are not amounts; an identifier ("S&P 500") must stand in the article."""
    said: set[float] = set()
    for number in find_numbers(free_text):
        if number.kind == "ordinal":
            continue
        if number.kind == "identifier":
            if number.text not in article:
                said.add(round(number.value, 6))
            continue
        said.add(round(number.value, 6))
        if number.value_high is not None:
            said.add(round(number.value_high, 6))
    if not said:
        return None
    known = {round(n.value, 6) for n in find_numbers(stated)} | {
        round(n.value_high, 6) for n in find_numbers(stated) if n.value_high is not None}
    extra = sorted(said - known)
    return ", ".join(f"{v:,.15g}" for v in extra) if extra else None


def _consecutive(sentences: Sequence[Sentence], listing: Listing) -> bool:
    ids = [int(listing.sentence_ids[s.start][1:]) for s in sentences]
    return ids == list(range(ids[0], ids[0] + len(ids)))


def _date_in(listing: Listing, sentence: Sentence) -> str | None:
    for time in listing.times.values():
        if sentence.start <= time.start < sentence.end and time.date and time.kind != "duration":
            return time.date
    return None


def _period_text(time: TimeAnchor) -> str:
    if time.year is not None and time.year_end is not None:
        return f"{time.year}-{time.year_end}"
    if time.date and time.date_end:
        return f"{time.date}/{time.date_end}"
    return time.date or _flat(time.text)


def _reject(kind: str, text: str, start: int | None, reason: str) -> Rejected:
    item: dict[str, object] = {"kind": kind, "text": text[:300], "by": "model"}
    if start is not None:
        item["start"] = start
    return Rejected(item=item, reason=reason)


def _unique(items: Sequence[_T], key: Callable[[_T], object]) -> list[_T]:
    seen: set[object] = set()
    kept: list[_T] = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            kept.append(item)
    return kept


def _flat(text: str) -> str:
    return " ".join(text.split())


def _preview(text: str) -> str:
    flat = _flat(text)
    return flat if len(flat) <= _QUOTE_PREVIEW else flat[:_QUOTE_PREVIEW].rsplit(" ", 1)[0] + " …"


def _reading(number: NumberAnchor) -> str:
    value = f"{number.value:.15g}" if number.value_high is None else \
        f"{number.value:.15g} to {number.value_high:.15g}"
    qualifier = f"{number.qualifier} " if number.qualifier else ""
    return f"{qualifier}{value} {number.unit}"


def _resolved(time: TimeAnchor) -> str:
    if time.kind == "duration":
        return "a duration"
    if time.date:
        return time.date + (f" to {time.date_end}" if time.date_end else "")
    if time.year is not None:
        return f"{time.year}" + (f"-{time.year_end}" if time.year_end else "") + " (no day)"
    return "unresolved" + (f" ({time.reason})" if time.reason else "")
