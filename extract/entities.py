"""Entity resolution across articles: which speakers, actors and sources are the same person or organisation.

Entities (statement speakers, event actors, figure sources, over all records):

* A name is cleaned first: surrounding punctuation, a leading "the", leading titles from
  ``extract.anchors.names.TITLES`` (with a nationality or possessive before them: "Iranian President",
  "Iran’s President") and a trailing possessive ("Pezeshkian’s") are removed. A name that is only a title
  is no mention. Names are compared folded: accents removed, lower case, hyphens and dots as spaces.
* Two names are one entity when (1) both have 2+ words, the same surname and ``fuzz.ratio`` >= 85 on the
  folded full names ("Massoud Pezeshkian" = "Masoud Pezeshkian"); (2) one is a lone word equal to the
  surname of exactly one entity formed by (1) among the full names ("Pezeshkian"); (3) one is an acronym
  (2-8 capitals) equal to the initials of the capitalised words of the other, of/for/the/and/on/in left out
  ("SIPRI" = "Stockholm International Peace Research Institute"); an acronym also takes as a variant the
  long form written right before it in parentheses in the evidence of its own mentions ("Stockholm ...
  Institute (SIPRI)"); (4) both are organisations of 2+ words and ``fuzz.token_set_ratio`` >= 92.
* Every cleaned spelling is kept in ``variants``. The name is an organisation's most frequent acronym,
  else the most frequent full (multi-word) form, else the most frequent form; ties go to the first seen.
  Kind: organisation when a name is an acronym or carries an organisation word (``find_names`` cue),
  person when a name came with a title or is 2-4 capitalised words that are not a place and do not start
  with a nationality ("Israeli Hermes"), else unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

from extract.anchors.names import TITLES, find_names, is_demonym, surname
from schemas.feed import FeedRecord
from schemas.report import Entity, Mention

PERSON_RATIO = 85.0
ORG_TOKEN_SET_RATIO = 92.0



def fold(text: str) -> str:
    """Lower case without accents, hyphens and dots as spaces: "Masoud Pezeshkian’s" -> "masoud pezeshkian’s"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")
    return " ".join(re.sub(r"[-.‐–]", " ", plain).lower().split())



# ---------------------------------------------------------------------------------------------- entities

_TITLE_ALT = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
# Up to two words before the title: "Iranian President", "Iran’s President", "Foreign Minister".
_TITLE_LEAD = re.compile(rf"^(?P<pre>(?:[A-Z][\w-]*(?:[’']s)?\s+){{0,2}}?)(?:(?:{_TITLE_ALT})(?:\s+|$))+")
_POSSESSIVE = re.compile(r"[’']s?$")
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,7}$")
_INITIAL_SKIP = frozenset(("of", "for", "the", "and", "on", "in", "&"))


def clean_name(raw: str) -> tuple[str, bool]:
    """The name without titles, leading "the" and possessive, and whether a title was removed."""
    name = " ".join(raw.strip(" \t\n\"“”‘’'()[],;:").split())
    name = re.sub(r"^(?i:the)\s+", "", name)
    titled = False
    m = _TITLE_LEAD.match(name)
    if m:
        rest = name[m.end():].strip()
        pre = m.group("pre").split()
        # "John King" is a name, not a title; "Prime Minister" alone is no name at all.
        if rest or all(is_demonym(w) or _POSSESSIVE.search(w) for w in pre):
            name, titled = rest, True
    if len(name) > 3:
        name = _POSSESSIVE.sub("", name)
    return name.strip(" ,"), titled


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w.lower() not in _INITIAL_SKIP and w[0].isupper())


def _is_acronym(name: str) -> bool:
    return bool(_ACRONYM.match(name))


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return (2 <= len(words) <= 4 and not is_demonym(words[0])
            and all(re.fullmatch(r"(?:[A-Z][a-zà-ÿ'’-]+|[A-Z]\.)", w) for w in words))


@dataclass
class _Name:
    """One distinct folded name: its spellings, mentions and what it looks like."""

    key: str
    order: int
    spellings: Counter[str] = field(default_factory=Counter)
    long_forms: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    seen: set[tuple[str, str, str, str]] = field(default_factory=set)  # mention keys, for O(1) dedup
    titled: bool = False
    cue: str = "unknown"  # what find_names guesses: organisation, person, place, unknown

    @property
    def display(self) -> str:
        return self.spellings.most_common(1)[0][0]

    @property
    def words(self) -> list[str]:
        return self.key.split()

    @property
    def acronym(self) -> bool:
        return _is_acronym(self.display)

    @property
    def organisation(self) -> bool:
        return self.acronym or self.cue == "organisation"

    @property
    def person(self) -> bool:
        return not self.organisation and self.cue != "place" and (
            self.titled or self.cue == "person" or _looks_like_person(self.display))


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _mentions(records: Sequence[FeedRecord]) -> Iterator[tuple[str, Mention, str]]:
    """(raw name, mention, evidence text) for every figure source, statement speaker and event actor."""
    for rec in records:
        art = rec.article.id
        for f in rec.figures:
            if f.source:
                yield f.source, Mention(article=art, item=f.id, field="source", text=f.source), f.evidence.text
        for s in rec.statements:
            if s.speaker:
                yield s.speaker, Mention(article=art, item=s.id, field="speaker", text=s.speaker), s.evidence.text
        for e in rec.events:
            for actor in dict.fromkeys(e.actors):
                yield actor, Mention(article=art, item=e.id, field="actor", text=actor), e.evidence.text


def _long_form(acronym: str, evidence: str) -> str | None:
    """"Stockholm International Peace Research Institute" when the evidence says "... Institute (SIPRI)"."""
    m = re.search(rf"((?:[A-Z][\w’'-]*|of|for|the|and|on|in|&)(?:\s+(?:[A-Z][\w’'-]*|of|for|the|and|on|in|&)){{1,9}})"
                  rf"\s*\(\s*{re.escape(acronym)}\s*\)", evidence)
    if not m:
        return None
    words = m.group(1).split()
    # Keep the shortest tail whose initials spell the acronym: "According to the Stockholm ..." -> "Stockholm ...".
    for i in range(len(words)):
        tail = " ".join(words[i:])
        if words[i][0].isupper() and _initials(tail) == acronym:
            return tail
    return None


def resolve_entities(records: Sequence[FeedRecord]) -> tuple[list[Entity], dict[tuple[str, str, str, str], str]]:
    """The entities of ``records`` and a map (article, item, field, raw name) -> entity id."""
    names: dict[str, _Name] = {}
    raw_key: dict[tuple[str, str, str, str], str] = {}
    for raw, mention, evidence in _mentions(records):
        cleaned, titled = clean_name(raw)
        key = fold(cleaned)
        if not key or not any(c.isalpha() for c in key):
            continue
        node = names.get(key)
        if node is None:
            found = find_names(cleaned)
            cue = found[0].kind if len(found) == 1 and found[0].name == cleaned else "unknown"
            node = names[key] = _Name(key, len(names), cue=cue)
        node.spellings[cleaned] += 1
        node.titled |= titled
        mention_key = (mention.article, mention.item, mention.field, mention.text)
        if mention_key not in node.seen:
            node.seen.add(mention_key)
            node.mentions.append(mention)
        if _is_acronym(cleaned):
            long = _long_form(cleaned, evidence)
            if long and long not in node.long_forms:
                node.long_forms.append(long)
        raw_key[(mention.article, mention.item, mention.field, raw)] = key

    nodes = list(names.values())
    uf = _UnionFind(len(nodes))
    _merge_full_names(nodes, uf)
    _merge_lone_surnames(nodes, uf)
    _merge_acronyms(nodes, uf)
    _merge_organisations(nodes, uf)

    clusters: dict[int, list[_Name]] = {}
    for i, node in enumerate(nodes):
        clusters.setdefault(uf.find(i), []).append(node)
    entities: list[Entity] = []
    id_of_key: dict[str, str] = {}
    for members in sorted(clusters.values(), key=lambda ms: min(m.order for m in ms)):
        eid = f"E{len(entities) + 1}"
        entities.append(_entity(eid, members))
        for m in members:
            id_of_key[m.key] = eid
    return entities, {k: id_of_key[v] for k, v in raw_key.items()}


def _merge_full_names(nodes: list[_Name], uf: _UnionFind) -> None:
    by_surname: dict[str, list[int]] = {}
    for i, n in enumerate(nodes):
        if len(n.words) >= 2 and not n.organisation:
            by_surname.setdefault(fold(surname(n.display)), []).append(i)
    for idx in by_surname.values():
        for a_pos, a in enumerate(idx):
            for b in idx[a_pos + 1:]:
                if fuzz.ratio(nodes[a].key, nodes[b].key) >= PERSON_RATIO:
                    uf.union(a, b)


def _merge_lone_surnames(nodes: list[_Name], uf: _UnionFind) -> None:
    owners: dict[str, set[int]] = {}
    for i, n in enumerate(nodes):
        if len(n.words) >= 2 and not n.organisation:
            owners.setdefault(fold(surname(n.display)), set()).add(uf.find(i))
    for i, n in enumerate(nodes):
        if len(n.words) == 1 and not n.acronym and n.cue != "place":
            roots = owners.get(n.key, set())
            if len(roots) == 1:
                uf.union(i, next(iter(roots)))


def _merge_acronyms(nodes: list[_Name], uf: _UnionFind) -> None:
    by_initials: dict[str, list[int]] = {}
    for i, n in enumerate(nodes):
        if len(n.words) >= 2:
            for spelling in n.spellings:
                by_initials.setdefault(_initials(spelling), []).append(i)
    for i, n in enumerate(nodes):
        if n.acronym:
            for j in by_initials.get(n.display, []):
                uf.union(i, j)
            for long in n.long_forms:
                for j, other in enumerate(nodes):
                    if other.key == fold(long):
                        uf.union(i, j)


def _merge_organisations(nodes: list[_Name], uf: _UnionFind) -> None:
    orgs = [i for i, n in enumerate(nodes)
            if n.organisation and not n.acronym and len([w for w in n.words if w not in _INITIAL_SKIP]) >= 2]
    by_token: dict[str, list[int]] = {}
    for i in orgs:
        for w in set(nodes[i].words) - _INITIAL_SKIP:
            by_token.setdefault(w, []).append(i)
    seen: set[tuple[int, int]] = set()
    for idx in by_token.values():
        for a_pos, a in enumerate(idx):
            for b in idx[a_pos + 1:]:
                if (a, b) not in seen:
                    seen.add((a, b))
                    if fuzz.token_set_ratio(nodes[a].key, nodes[b].key) >= ORG_TOKEN_SET_RATIO:
                        uf.union(a, b)


def _entity(eid: str, members: list[_Name]) -> Entity:
    spellings: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in sorted(members, key=lambda m: m.order):
        for s, c in m.spellings.items():
            spellings[s] += c
            first.setdefault(s, len(first))
        for long in m.long_forms:
            spellings[long] += 0
            first.setdefault(long, len(first))
    ranked = sorted(spellings, key=lambda s: (-spellings[s], first[s]))
    organisation = any(m.organisation for m in members)
    acronyms = [s for s in ranked if _is_acronym(s)]
    full = [s for s in ranked if len(s.split()) >= 2]
    name = acronyms[0] if organisation and acronyms else full[0] if full else ranked[0]
    kind: Literal["person", "organisation", "unknown"] = (
        "organisation" if organisation else "person" if any(m.person for m in members) else "unknown")
    mentions = [x for m in sorted(members, key=lambda m: m.order) for x in m.mentions]
    return Entity(id=eid, name=name, kind=kind, variants=ranked, mentions=mentions)


