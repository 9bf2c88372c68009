"""One article, start to finish: find anchors -> draft by rules -> ask the model -> merge -> validate -> check.

:func:`extract_article` is the whole per-article path and returns a :class:`~schemas.FeedRecord`. Its only
side effects are the model's (requests, the answer cache), so every engine (threads, Ray, the Batch API)
drives this same function, and :func:`extract_or_error` returns errors as data for engines that cannot
raise across workers.

A long article is read in pieces of whole paragraphs (:mod:`extract.chunks`): :func:`extract_piece` runs
the whole path on each piece as if it were an article, with the names found in the neighbouring pieces
available to the model, and the pieces' items are moved back to whole-text offsets. Chunking wraps the
per-piece path and does not reach into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from extract import rules
from extract.anchors import Anchors, find_anchors
from extract.check import check_article
from extract.chunks import CHUNK_CHARS, Chunk, chunks, merge_anchors, merge_items, shift
from extract.errors import InternalError, NewsfactsError
from extract.merge import merge
from extract.model.client import Meter, Model
from extract.model.full import FACTS_PROMPT, ask_facts
from extract.model.prompts import fingerprint
from extract.model.questions import SPEAKER_PROMPT, settle_speakers
from extract.read import Article, read_file
from extract.validate import Validated, validate
from schemas import ArticleInfo, ExtractorInfo, FeedRecord, Rejected, Usage

#: The longest piece one full-extraction request reads: about 3,000 tokens of article, so that the prompt,
#: the article and a complete answer fit the context and output limits of common models.
FULL_CHUNK_CHARS = 12_000
PROMPTS = {"full": (FACTS_PROMPT,), "assist": (SPEAKER_PROMPT,), "rules": (SPEAKER_PROMPT,)}


def extract_article(article: Article, model: Model, *, run_id: str) -> FeedRecord:
    """Extract, validate and check one article.

    Raises:
        InternalError: a record failed its own schema, which is a bug.
    """
    meter = Meter()
    items = Validated()
    found: list[Anchors] = []
    pieces = list(chunks(article.text, FULL_CHUNK_CHARS if model.extraction == "full" else CHUNK_CHARS))
    names = _names_by_piece(pieces, article) if len(pieces) > 1 else [()]
    for index, piece in enumerate(pieces):
        neighbours = [n for i in (index - 1, index + 1) if 0 <= i < len(pieces) for n in names[i]]
        anchors, validated = extract_piece(_as_article(article, piece), model, meter, neighbours)
        found.append(shift(anchors, piece))
        merge_items(items, validated, piece)
    anchors = merge_anchors(found)
    prompt_version, prompt_hash = fingerprint(PROMPTS[model.extraction])
    try:
        record = FeedRecord(
            article=ArticleInfo(
                id=article.id, title=article.title,
                published=article.published.isoformat() if article.published else None,
                published_source=article.published_source,  # type: ignore[arg-type]
                url=article.url, outlet=article.outlet, sha256=article.sha256, chars=len(article.text),
                source=article.source, text=article.text if article.text_in_feed else None,
            ),
            extractor=ExtractorInfo(
                backend=model.backend, model=model.model, extraction=model.extraction,
                prompt_version=prompt_version, prompt_hash=prompt_hash, run_id=run_id,
                model_calls=meter.model_calls, cache_hits=meter.cache_hits, attempts=meter.attempts,
                model_seconds=round(meter.model_seconds, 3),
                usage=Usage(prompt_tokens=meter.prompt_tokens, completion_tokens=meter.completion_tokens),
                model_failures=meter.failures,
            ),
            figures=items.figures,
            statements=items.statements,
            events=items.events,
            checks=[],
            rejected=items.rejected,
        )
        return record.model_copy(update={"checks": check_article(article.text, anchors, record, title=article.title)})
    except ValueError as err:
        raise InternalError(f"record failed its schema: {err}", article_id=article.id, original=err) from err


def extract_or_error(article: Article, model: Model, *, run_id: str) -> FeedRecord | NewsfactsError:
    """:func:`extract_article`, with its errors returned instead of raised (named after the article)."""
    try:
        return extract_article(article, model, run_id=run_id)
    except NewsfactsError as err:
        err.article_id = err.article_id or article.id
        err.source = err.source or article.source
        return err


def extract_piece(
    article: Article, model: Model, meter: Meter, other_names: Sequence[str] = ()
) -> tuple[Anchors, Validated]:
    """The per-article path on an article (or one piece of a long one): anchors, the rules' draft, the
    model (full facts, or only the speakers the rules cannot settle), merged and validated."""
    anchors = find_anchors(article.text, article.published)
    draft = rules.draft(article.text, anchors)
    rejected: list[Rejected] = []
    speakers: dict[int, str] = {}
    if model.extraction == "full":
        reading = ask_facts(article, anchors, model, meter, other_names)
        if reading is not None and reading.untrusted is None:
            draft = merge(draft, reading.draft, silent=reading.silent)
            rejected = list(reading.rejected)
        elif reading is not None and reading.untrusted is not None:
            rejected = [Rejected(item={"kind": "answer", "by": "model", "items": reading.items},
                                 reason=reading.untrusted), *reading.rejected]
    elif model.extraction == "assist":
        speakers = settle_speakers(article, draft, model, meter)
    validated = validate(article.text, draft, speakers)
    validated.rejected[:0] = rejected
    return anchors, validated


def recheck(records: Iterable[FeedRecord]) -> Iterable[FeedRecord]:
    """Run the in-article checks again on feed records whose article text can be read unchanged from its
    recorded source; the others keep the checks they came with."""
    for record in records:
        source = record.article.source
        path = Path(source) if source and ":" not in Path(source).name else None
        article = None
        if path is not None and path.is_file():
            found = [a for a in read_file(path) if isinstance(a, Article)]
            article = found[0] if found and found[0].sha256 == record.article.sha256 else None
        if article is None:
            yield record
            continue
        anchors = find_anchors(article.text, article.published)
        cleared = record.model_copy(update={"checks": []})
        yield record.model_copy(update={"checks": check_article(article.text, anchors, cleared, title=article.title)})


def _as_article(article: Article, piece: Chunk) -> Article:
    """A piece of an article, standing in for the article on the per-piece path."""
    if piece.start == 0 and len(piece.text) == len(article.text):
        return article
    return replace(article, text=piece.text)


def _names_by_piece(pieces: Sequence[Chunk], article: Article) -> list[tuple[str, ...]]:
    """The people and organisations each piece names, so a neighbouring piece's model can resolve them."""
    from extract.anchors.names import find_names

    return [tuple(dict.fromkeys(n.name for n in find_names(p.text)
                                if n.kind in ("person", "organisation") or (n.kind != "place" and " " in n.name)))
            for p in pieces]
