"""The output contract: a Cleaned value as a corpus record and a change-log record.

Plain dicts with a fixed key order, so that ``json.dumps`` gives byte-identical lines for
the same input and config. The JSON Schemas are in ``pipeline/schema/``.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from . import __version__
from .article import Article, Source
from .clean import Cleaned
from .context import Context
from .io import code_digest

SCHEMA_VERSION = 1


def stamp(ctx: Context) -> dict:
    return {
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "config_digest": _config_digest(ctx.config),
        "rules_digest": rules_digest(ctx),
        "code_digest": code_digest(),
    }


def rules_digest(ctx: Context) -> str:
    """The rules' digest, and the site statistics' version when the context holds them: new
    statistics make every record stale (all articles are reprocessed, not only a site's)."""
    if ctx.site_stats is None:
        return ctx.rules.digest
    return hashlib.sha256(f"{ctx.rules.digest}\0{ctx.site_stats.version}".encode()).hexdigest()[:16]


# what must be equal, besides the input's sha256, for a stored record to be reused: a
# change of the library's code (even under the same version) makes every record stale
FINGERPRINT_KEYS = ("version", "config_digest", "rules_digest", "code_digest")


def current_fingerprint(ctx: Context) -> tuple:
    s = stamp(ctx)
    return tuple(s[k] for k in FINGERPRINT_KEYS)


@lru_cache(maxsize=8)
def _config_digest(config) -> str:  # stamped on every record: computed once per config
    return config.digest()


def source_json(source: Source) -> dict:
    return {"path": source.path, "sha256": source.sha256, "format": source.format,
            "encoding": source.encoding, "extractor": source.extractor, "sidecar_sha256": source.sidecar_sha256}


def body_text(article: Article) -> str:
    return "\n\n".join(b.text for b in article.blocks)


def corpus_record(cleaned: Cleaned, ctx: Context) -> dict:
    a = cleaned.article
    assert a is not None, "a rejected input has no corpus record"
    return {
        "id": a.id,
        "title": a.title,
        "authors": list(a.authors),
        "published": a.published,
        "site": a.site,
        "url": a.url,
        "language": a.language,
        "text": body_text(a),
        "blocks": [{"kind": b.kind, "text": b.text, "line": b.line} for b in a.blocks],
        "captions": [{"text": c.text, "credit": c.credit, "title": c.title} for c in a.captions],
        "source": source_json(cleaned.source),
        "pipeline": stamp(ctx),
    }


def changelog_record(cleaned: Cleaned, ctx: Context) -> dict:
    return {
        "id": cleaned.id,
        "status": "rejected" if cleaned.rejected else "cleaned",
        "changes": [c.to_json() for c in cleaned.changes],
        "source": source_json(cleaned.source),
        "pipeline": stamp(ctx),
    }


def dumps(record: dict) -> str:
    """One JSONL line (no newline): UTF-8 kept readable, keys in contract order."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def fingerprint(record: dict) -> tuple:
    """What decides whether a stored record is still current for an input."""
    p = record.get("pipeline") or {}
    source = record.get("source") or {}
    return (source.get("sha256"), source.get("sidecar_sha256"), *(p.get(k) for k in FINGERPRINT_KEYS))
