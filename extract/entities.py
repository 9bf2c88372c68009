"""Entity resolution across articles: which speakers, actors and sources are the same person or organisation.

Entities (statement speakers, event actors, figure sources, over all records):

* A name is cleaned first: surrounding punctuation, a leading "the", leading titles from
  ``extract.anchors.names.TITLES`` (with a nationality or possessive before them: "Iranian President",
  "Iran’s President") and a trailing possessive ("Pezeshkian’s") are removed. A name that is only a title
  is no mention. Names are compared folded: accents removed, lower case, hyphens and dots as spaces.
* Two names are one entity when (1) both have 2+ words, the same surname, the same initial and
  ``fuzz.ratio`` >= 85 on the folded given names ("Massoud Pezeshkian" = "Masoud Pezeshkian"; "Ilham
  Aliyev" and "Heydar Aliyev", or "Dramar Systems" and "Dorvelsa Systems", stay apart); (2) one is a lone
  word equal to the surname of exactly one entity formed by (1) among the full names ("Pezeshkian"); (3)
  one is an acronym (2-8 capitals) equal to the initials of the capitalised words of the other,
  of/for/the/and/on/in left out
  ("SIPRI" = "Stockholm International Peace Research Institute"); an acronym also takes as a variant the
  long form written right before it in parentheses in the evidence of its own mentions ("Stockholm ...
  Institute (SIPRI)"); (4) both are organisations of 2+ words and ``fuzz.token_set_ratio`` >= 92.
* Every cleaned spelling is kept in ``variants``. The name is an organisation's most frequent acronym,
  else the most frequent full (multi-word) form, else the most frequent form; ties go to the first seen.
  Kind: organisation when a name is an acronym or carries an organisation word (``find_names`` cue),
  person when a name came with a title or is 2-4 capitalised words that are not a place and do not start
  with a nationality ("Israeli Hermes"), else unknown.

Scale: :class:`EntityIndex` takes records one at a time and keeps one small node per distinct folded name
(its spellings and mention tuples), never the records. Every merge is blocked: full names by surname,
acronyms by the initials of long names (a dict), organisations by their two rarest words, so the work
grows with the number of names, not with its square (a block larger than ``MAX_BLOCK`` names is a word
too common to tell organisations apart, and is skipped).

Name keys (:func:`name_key`, :func:`story_key`, :class:`SentenceNames`): the same cleaning and folding
gives the keys that :mod:`extract.crosscheck` compares to tell whether two articles tell the same story
and two figures or events concern the same people and places (months, wire services and words such as
"county" name no story; a name right before "said" is the speaker, not the subject); a key that is an
entity's name maps to its entity id.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from extract.anchors.names import TITLES, find_names, is_demonym, surname
from schemas.feed import FeedRecord
from schemas.report import Entity

PERSON_RATIO = 85.0
ORG_TOKEN_SET_RATIO = 92.0
MAX_BLOCK = 400


@functools.lru_cache(maxsize=1 << 16)
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
    """One distinct folded name: its spellings, mentions (deduplicated, in order) and what it looks like."""

    key: str
    order: int
    spellings: Counter[str] = field(default_factory=Counter)
    long_forms: list[str] = field(default_factory=list)
    mentions: dict[tuple[str, str, str, str], None] = field(default_factory=dict)  # (article, item, field, text)
    titled: bool = False
    cue: str = "unknown"  # what find_names guesses: organisation, person, place, unknown
    _display: str = ""  # the most frequent spelling, computed once spellings stop changing (resolve)

    @property
    def display(self) -> str:
        return self._display or self.spellings.most_common(1)[0][0]

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


Field = Literal["speaker", "actor", "source"]


def record_mentions(rec: FeedRecord) -> Iterator[tuple[str, str, Field, str]]:
    """(raw name, item id, field, evidence text) for every figure source, statement speaker and event actor."""
    for f in rec.figures:
        if f.source:
            yield f.source, f.id, "source", f.evidence.text
    for s in rec.statements:
        if s.speaker:
            yield s.speaker, s.id, "speaker", s.evidence.text
    for e in rec.events:
        for actor in dict.fromkeys(e.actors):
            yield actor, e.id, "actor", e.evidence.text


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


@functools.lru_cache(maxsize=1 << 16)
def name_key(raw: str) -> str | None:
    """The folded, cleaned key of a name ("Iran’s President Masoud Pezeshkian" -> "masoud pezeshkian"), or
    None when nothing of a name is left."""
    cleaned, _ = clean_name(raw)
    key = fold(cleaned)
    return key if key and any(c.isalpha() for c in key) else None


class EntityIndex:
    """Entities built one record at a time: ``add(record)`` for each, then ``resolve()`` once."""

    def __init__(self) -> None:
        self._names: dict[str, _Name] = {}
        self._id_of_key: dict[str, str] | None = None
        self._name_of_id: dict[str, str] = {}

    def add(self, rec: FeedRecord) -> None:
        """Take the names one record mentions (sources, speakers, actors)."""
        art = rec.article.id
        for raw, item, fld, evidence in record_mentions(rec):
            cleaned, titled = clean_name(raw)
            key = fold(cleaned)
            if not key or not any(c.isalpha() for c in key):
                continue
            node = self._names.get(key)
            if node is None:
                found = find_names(cleaned)
                cue = found[0].kind if len(found) == 1 and found[0].name == cleaned else "unknown"
                node = self._names[key] = _Name(key, len(self._names), cue=cue)
            node.spellings[cleaned] += 1
            node.titled |= titled
            node.mentions.setdefault((art, item, fld, raw), None)
            if _is_acronym(cleaned):
                long = _long_form(cleaned, evidence)
                if long and long not in node.long_forms:
                    node.long_forms.append(long)

    def resolve(self) -> list[Entity]:
        """Merge the names into entities (see the module docstring); ids E1, E2... in order of first mention."""
        nodes = list(self._names.values())
        for node in nodes:
            node._display = node.spellings.most_common(1)[0][0]
        uf = _UnionFind(len(nodes))
        _merge_full_names(nodes, uf)
        _merge_lone_surnames(nodes, uf)
        _merge_acronyms(nodes, uf)
        _merge_organisations(nodes, uf)
        clusters: dict[int, list[_Name]] = {}
        for i, node in enumerate(nodes):
            clusters.setdefault(uf.find(i), []).append(node)
        entities: list[Entity] = []
        self._id_of_key = {}
        for members in sorted(clusters.values(), key=lambda ms: min(m.order for m in ms)):
            eid = f"E{len(entities) + 1}"
            entities.append(_entity(eid, members))
            self._name_of_id[eid] = entities[-1].name
            for m in members:
                self._id_of_key[m.key] = eid
                for long in m.long_forms:
                    self._id_of_key.setdefault(fold(long), eid)
        return entities

    def entity_of(self, key: str) -> str | None:
        """The entity id of a name key (after :meth:`resolve`), or None when no mention has that name."""
        return (self._id_of_key or {}).get(key)

    def name_of(self, entity_id: str) -> str | None:
        """The canonical name of an entity id (after :meth:`resolve`)."""
        return self._name_of_id.get(entity_id)


def resolve_entities(records: Iterable[FeedRecord]) -> tuple[list[Entity], dict[tuple[str, str, str, str], str]]:
    """The entities of ``records`` and a map (article, item, field, raw name) -> entity id."""
    index = EntityIndex()
    kept = []
    for rec in records:
        index.add(rec)
        kept.append(rec)
    entities = index.resolve()
    ids: dict[tuple[str, str, str, str], str] = {}
    for rec in kept:
        for raw, item, fld, _ in record_mentions(rec):
            key = name_key(raw)
            eid = index.entity_of(key) if key else None
            if eid:
                ids[(rec.article.id, item, fld, raw)] = eid
    return entities, ids


def _merge_within(nodes: list[_Name], idx: list[int], scorer: Callable[..., float], cutoff: float,
                  uf: _UnionFind) -> None:
    """Merge the names of one block that score at least ``cutoff`` with every name already merged with
    them (complete linkage: "Dramar", "Dramarsa", "Dramarsen" cannot chain into one), first seen first."""
    keys = [nodes[i].key for i in idx]
    close = [{pos + 1 + j for _, _, j in process.extract(keys[pos], keys[pos + 1:], scorer=scorer,
                                                         score_cutoff=cutoff, limit=None)}
             for pos in range(len(idx))]
    groups: list[list[int]] = []
    for pos in range(len(idx)):
        home = next((g for g in groups if all(pos in close[other] for other in g)), None)
        if home is None:
            groups.append([pos])
        else:
            home.append(pos)
            uf.union(idx[home[0]], idx[pos])


def _merge_full_names(nodes: list[_Name], uf: _UnionFind) -> None:
    """Full names with one surname whose given names are spellings of one name ("Masoud"/"Massoud"):
    compared on the given names, with the same initial, so "Dramar Systems" never joins "Dorvelsa Systems"
    through a shared last word."""
    by_surname: dict[str, dict[str, list[int]]] = {}
    for i, n in enumerate(nodes):
        if len(n.words) >= 2 and not n.organisation:
            last = fold(surname(n.display))
            given = n.key[: -len(last)].strip() if n.key.endswith(last) else " ".join(n.words[:-1])
            by_surname.setdefault(last, {}).setdefault(given[:1], []).append(i)
    for by_initial in by_surname.values():
        for idx in by_initial.values():
            if len(idx) > 1:
                _merge_within(nodes, idx, _given_ratio, PERSON_RATIO, uf)


def _given_ratio(a: str, b: str, **_: object) -> float:
    """fuzz.ratio of two folded full names without their (shared) last word."""
    return fuzz.ratio(a.rsplit(" ", 1)[0], b.rsplit(" ", 1)[0])


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
    by_key = {n.key: i for i, n in enumerate(nodes)}
    for i, n in enumerate(nodes):
        if len(n.words) >= 2:
            for spelling in n.spellings:
                by_initials.setdefault(_initials(spelling), []).append(i)
    for i, n in enumerate(nodes):
        if n.acronym:
            for j in by_initials.get(n.display, []):
                uf.union(i, j)
            for long in n.long_forms:
                j = by_key.get(fold(long), -1)
                if j >= 0:
                    uf.union(i, j)


def _merge_organisations(nodes: list[_Name], uf: _UnionFind) -> None:
    orgs = [i for i, n in enumerate(nodes)
            if n.organisation and not n.acronym and len([w for w in n.words if w not in _INITIAL_SKIP]) >= 2]
    by_token: dict[str, list[int]] = {}
    for i in orgs:
        for w in set(nodes[i].words) - _INITIAL_SKIP:
            by_token.setdefault(w, []).append(i)
    # A word shared by more than MAX_BLOCK organisations ("ministry") tells none apart: skipped.
    for idx in by_token.values():
        if 1 < len(idx) <= MAX_BLOCK:
            _merge_within(nodes, idx, fuzz.token_set_ratio, ORG_TOKEN_SET_RATIO, uf)


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
    mentions = [{"article": a, "item": i, "field": f, "text": t}
                for m in sorted(members, key=lambda m: m.order) for a, i, f, t in m.mentions]
    # Validated from plain dicts in one call: pydantic's core builds the nested mentions faster than Python.
    return Entity.model_validate({"id": eid, "name": name, "kind": kind, "variants": ranked, "mentions": mentions})


# ---------------------------------------------------------------------------------------------- story names

# Keys that name no story: calendar words, outlets, and words find_names may return alone.
_NOT_STORY = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun reuters ap afp bloomberg "
    "associated press county city state nations union administration government ministry police "
    "department council court office agency university party committee commission army news the".split()
    + "january february march april may june july august september october november december".split())
_ATTRIBUTION = re.compile(r"^\s*(?:said|says|say|told|added|according|wrote|reported)\b|according to\s*$", re.I)


def story_key(raw: str) -> str | None:
    """A name key that can tell one story from another (not a month, an outlet or a word like "county")."""
    key = name_key(raw)
    if key is None or len(key.replace(" ", "")) < 3 or key in _NOT_STORY:
        return None
    return key


class SentenceNames:
    """The story keys find_names gives each distinct evidence sentence of one record, read once."""

    def __init__(self) -> None:
        self._found: dict[str, list[tuple[int, int, str]]] = {}

    def names(self, text: str) -> list[tuple[int, int, str]]:
        found = self._found.get(text)
        if found is None:
            found = []
            for a in find_names(text):
                key = story_key(a.name)
                if key and not _ATTRIBUTION.search(text[a.end:a.end + 14]) and not _ATTRIBUTION.search(
                        text[max(0, a.start - 14):a.start]):
                    found.append((a.start, a.end, key))
            self._found[text] = found
        return found
