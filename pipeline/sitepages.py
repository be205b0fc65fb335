"""What the site statistics see of one raw input: its site and its lines, decoded,
segmented and encoding-repaired exactly as the boilerplate stage sees them."""
from __future__ import annotations

from .article import Source
from .clean import article_from_text
from .inputs import sha256
from .context import Context
from .decode import decode_bytes
from .stages.encoding import fix_encoding


def site_lines(data: bytes, meta: dict | None, id: str, rel: str, ctx: Context) -> tuple[str | None, list[str]]:
    text, encoding = decode_bytes(data)
    article = article_from_text(text, id, Source(rel, sha256(data), "text", encoding), meta, ctx)
    if "encoding" in ctx.config.stages:
        article = fix_encoding(article, ctx).article
    return article.site, [b.text for b in article.blocks]
