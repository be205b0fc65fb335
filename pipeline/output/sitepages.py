"""What the site statistics see of one raw input: its site and its lines, decoded,
segmented and encoding-repaired exactly as the boilerplate stage sees them."""
from __future__ import annotations

from newsclean.pipeline.core.article import Source
from newsclean.pipeline.clean import article_from_text
from newsclean.pipeline.ingest.inputs import sha256
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.ingest.decode import decode_bytes
from newsclean.pipeline.stages.encoding import fix_encoding


def site_lines(data: bytes, meta: dict | None, id: str, rel: str, ctx: Context) -> tuple[str | None, list[str]]:
    text, encoding = decode_bytes(data)
    article = article_from_text(text, id, Source(rel, sha256(data), "text", encoding), meta, ctx)
    if "encoding" in ctx.config.stages:
        article = fix_encoding(article, ctx).article
    return article.site, [b.text for b in article.blocks]
