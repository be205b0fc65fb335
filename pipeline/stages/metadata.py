"""Metadata: the headline, authors from bylines, the publication date, the language.

Each line taken is logged as ``extract`` with the whole line as ``before``, and leaves the
body.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from newsclean.pipeline.core.article import Article, Block, Change, StageResult
from newsclean.pipeline.core.config import CleanConfig
from newsclean.pipeline.text.bylines import parse_byline
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.text.dates import dateline
from newsclean.pipeline.text.predicates import is_name, is_sentence, squash
from newsclean.pipeline.text.layout import Layout, find_layout
from newsclean.pipeline.text.languages import guess_language

STAGE = "metadata"


def extract_metadata(article: Article, ctx: Context) -> StageResult:
    layout = find_layout(article.blocks, ctx.config)
    taken = headline_change(article, layout)
    taken |= field_changes(article.blocks, layout, ctx.config, skip=set(taken))
    kept = tuple(b for i, b in enumerate(article.blocks) if i not in taken)
    # the body's language from its stop words, unless the sidecar says it
    language = article.language or guess_language([b.text for b in kept])
    if not taken and language == article.language:
        return StageResult(article)
    changes = tuple(taken[i] for i in sorted(taken))
    return StageResult(with_fields(article, kept, changes, language), changes)


def headline_change(article: Article, layout: Layout) -> dict[int, Change]:
    """The headline line; when the title is already known (sidecar, HTML), only its repetition."""
    i, title = layout.title, article.title
    if i is None or (title is not None and squash(title) != squash(article.blocks[i].text)):
        return {}
    block = article.blocks[i]
    return {i: Change(STAGE, "meta.title", "extract", block.line, block.text, None, {"field": "title"})}


def field_changes(blocks: Sequence[Block], layout: Layout, cfg: CleanConfig, skip: set[int]) -> dict[int, Change]:
    """The byline and date lines: bylines anywhere (a bare name only above or below the
    body), dates above the body."""
    head_end = layout.first_body if layout.first_body is not None else len(blocks)
    out: dict[int, Change] = {}
    for i, block in enumerate(blocks):
        in_tail = layout.last_body is not None and i > layout.last_body
        change = None if i in skip else field_change(block, i < head_end, in_tail, cfg)
        if change is not None:
            out[i] = change
    return out


def field_change(block: Block, in_head: bool, in_tail: bool, cfg: CleanConfig) -> Change | None:
    text = block.text.strip()
    names = byline_names(text, in_head or in_tail, cfg)
    if names:
        return Change(STAGE, "meta.byline", "extract", block.line, block.text, None, {"field": "authors", "value": list(names)})
    if in_head and dateline(text):
        return Change(STAGE, "meta.date", "extract", block.line, block.text, None, {"field": "published", "value": dateline(text)})
    return None


def byline_names(text: str, outside_body: bool, cfg: CleanConfig) -> tuple[str, ...] | None:
    """The names a byline gives ("By Jane Doe and John Roe"); above or below the body, a
    line that is a name alone and no sentence is one too."""
    names = parse_byline(text)
    if names is None and outside_body and is_name(text) and not is_sentence(text, cfg):
        return (text,)
    return names


def with_fields(article: Article, kept: tuple[Block, ...], changes: Sequence[Change], language: str | None) -> Article:
    """The article without the lines taken, its fields filled from them (what the article
    already has wins: the first title and date, authors added in order without repeats)."""
    title, authors, published = article.title, list(article.authors), article.published
    for change in changes:
        field = change.detail["field"]
        if field == "title":
            title = title or (change.before or "").strip()
        elif field == "authors":
            authors.extend(n for n in change.detail["value"] if n not in authors)
        else:
            published = published or change.detail["value"]
    return replace(article, blocks=kept, title=title, authors=tuple(authors), published=published, language=language)
