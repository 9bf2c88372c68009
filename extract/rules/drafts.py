"""The drafts the rules (and the model) propose, and the article's cast of speakers.

Input: name anchors (for :class:`Cast`). Output: frozen draft records that point at anchors and sentences,
so their evidence is exact by construction; ``validate`` turns them into feed items.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extract.anchors import NameAnchor, NumberAnchor, QuoteAnchor, Sentence
from extract.anchors.names import surname

Maker = str  # "rules" or "model": who proposed an item


@dataclass(frozen=True)
class FigureDraft:
    number: NumberAnchor
    sentence: Sentence
    about: str | None
    source: str | None
    period: str | None
    counted: str | None = None
    by: Maker = "rules"


@dataclass(frozen=True)
class StatementDraft:
    kind: str
    speaker: str | None
    text: str
    start: int
    end: int
    sentence: Sentence
    date: str | None
    quote: QuoteAnchor | None = None
    confident: bool = True
    candidates: tuple[str, ...] = ()
    claim: str | None = None
    by: Maker = "rules"


@dataclass(frozen=True)
class EventDraft:
    kind: str
    summary: str
    actors: tuple[str, ...]
    date: str | None
    date_text: str | None
    location: str | None
    sentence: Sentence
    by: Maker = "rules"


@dataclass(frozen=True)
class Draft:
    figures: tuple[FigureDraft, ...] = ()
    statements: tuple[StatementDraft, ...] = ()
    events: tuple[EventDraft, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


_HYPHENATED = re.compile(r"([A-Z][a-z]{2,})-(?:(?:ul|al|el|ud|ur|ad|bin|ibn|e|i|u)-)?[A-Z][a-z]+")


@dataclass
class Cast:
    """The people and organisations of one article, so "Aliyev" resolves to "Ilham Aliyev"."""

    people: dict[str, str] = field(default_factory=dict)  # surname -> full name
    given_first: dict[str, str] = field(default_factory=dict)  # first word -> full name ("Nguyen Thanh Binh")
    organisations: set[str] = field(default_factory=set)
    short_forms: dict[str, str] = field(default_factory=dict)  # "Stockholm ... Institute" -> "SIPRI"
    one_word: set[str] = field(default_factory=set)  # names the article uses as one word ("Kipchoge", "Jeep")

    @classmethod
    def from_names(cls, names: Sequence[NameAnchor], text: str) -> Cast:
        cast = cls()
        for name, following in itertools.pairwise(names):
            # "Stockholm International Peace Research Institute (SIPRI)": the article's own short form.
            if text[name.end : following.start] == " (" and text[following.end : following.end + 1] == ")" \
                    and following.name.isupper():
                cast.short_forms[name.name] = following.name
        standalone: set[str] = set()  # one-word names used before any full name they could stand for
        for name in names:
            if " " not in name.name and name.kind != "place":
                standalone.add(name.name)
            if name.kind == "organisation":
                cast.organisations.add(name.name)
            elif name.kind != "place" and (name.kind == "person" or len(name.name.split()) >= 2):
                key = surname(name.name)
                if len(name.name) > len(cast.people.get(key, "")):
                    cast.people[key] = name.name
                words = name.name.split()
                if 2 <= len(words) <= 3 and not any(w.isupper() or not w.isalpha() for w in words) \
                        and words[0] not in standalone:
                    # a name that reads as a person's, family name first ("Nguyen Thanh Binh"), met before
                    # its short form; not a model name ("Jeep Grand Cherokee SRT Trackhawk") nor "Dodge
                    # Demon" after "Dodge" alone
                    cast.given_first.setdefault(words[0], name.name)
        cast.one_word = {n.name for n in names if " " not in n.name and n.kind != "place"}
        for name in names:
            # "Misbah-ul-Haq", then "Misbah said": a hyphenated name's first part stands for it.
            compound = _HYPHENATED.fullmatch(name.name)
            if compound and name.kind != "place" and compound.group(1) in cast.one_word:
                cast.people.setdefault(compound.group(1), name.name)
        return cast

    def person_like(self, name: NameAnchor) -> bool:
        """Whether a name reads as a person's: a title or a person cue, a one-word reference to a longer
        name ("Bascobert"), or a longer name whose last word the article also uses alone ("Eliud Kipchoge"
        then "Kipchoge"). Organisations are not referred to by their last word ("Berlin Marathon")."""
        if name.kind == "person" or name.title:
            return True
        if name.kind in ("place", "organisation"):
            return False
        if " " not in name.name:
            return self._full_name(name.name) is not None
        return surname(name.name) in self.one_word

    def _full_name(self, name: str) -> str | None:
        """The article's full name for a short reference: by surname ("Aliyev"), else, for a one-word
        reference, by the first word of a full name, as with family-name-first names ("Nguyen")."""
        found = self.people.get(surname(name))
        if found is None and " " not in name:
            found = self.given_first.get(name)
        return found

    def canonical(self, name: NameAnchor) -> str:
        if name.name in self.short_forms:
            return self.short_forms[name.name]
        return self._full_name(name.name) or name.name

    def is_speaker(self, name: NameAnchor) -> bool:
        if name.kind == "place":
            return False
        return name.kind in ("person", "organisation") or self._full_name(name.name) is not None

    def options(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.people.values()) | self.organisations))
