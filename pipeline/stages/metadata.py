"""Metadata: the headline, authors from bylines, the publication date, the language.

Each line taken is logged as ``extract`` with the whole line as ``before``, and leaves the
body.
"""
from __future__ import annotations

from dataclasses import replace

from newsclean.pipeline.core.article import Article, Change, StageResult
from newsclean.pipeline.text.bylines import parse_byline
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.text.dates import dateline
from newsclean.pipeline.text.predicates import is_name, is_sentence, squash
from newsclean.pipeline.text.layout import find_layout
from newsclean.pipeline.text.languages import guess_language

STAGE = "metadata"


def extract_metadata(article: Article, ctx: Context) -> StageResult:
    cfg = ctx.config
    blocks = article.blocks
    layout = find_layout(blocks, cfg)
    taken: dict[int, Change] = {}
    title, authors, published = article.title, list(article.authors), article.published

    # the headline; when the title is already known (sidecar, HTML), only its repetition
    if layout.title is not None and (title is None or squash(title) == squash(blocks[layout.title].text)):
        i = layout.title
        title = title or blocks[i].text.strip()
        taken[i] = Change(STAGE, "meta.title", "extract", blocks[i].line, blocks[i].text, None, {"field": "title"})

    head_end = layout.first_body if layout.first_body is not None else len(blocks)
    for i, block in enumerate(blocks):
        if i in taken:
            continue
        text = block.text.strip()
        names = parse_byline(text)
        in_head = i < head_end
        in_tail = layout.last_body is not None and i > layout.last_body
        if names is None and (in_head or in_tail) and is_name(text) and not is_sentence(text, cfg):
            names = (text,)
        if names:
            authors.extend(n for n in names if n not in authors)
            taken[i] = Change(STAGE, "meta.byline", "extract", block.line, block.text, None,
                              {"field": "authors", "value": list(names)})
        elif in_head and dateline(text):
            published = published or dateline(text)
            taken[i] = Change(STAGE, "meta.date", "extract", block.line, block.text, None,
                              {"field": "published", "value": dateline(text)})
    kept = tuple(b for i, b in enumerate(blocks) if i not in taken)
    # the body's language from its stop words, unless the sidecar says it
    language = article.language or guess_language([b.text for b in kept])
    if not taken and language == article.language:
        return StageResult(article)
    new = replace(article, blocks=kept, title=title, authors=tuple(authors), published=published, language=language)
    return StageResult(new, tuple(taken[i] for i in sorted(taken)))
