"""The output contract: a Cleaned value as a corpus record and a change-log record.

Plain dicts with a fixed key order, so that ``json.dumps`` gives byte-identical lines for
the same input and config. The JSON Schemas are in ``pipeline/schema/``.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from newsclean.pipeline import __version__
from newsclean.pipeline.core.article import Article, Source
from newsclean.pipeline.clean import Cleaned
from newsclean.pipeline.stages.context import Context
from newsclean.pipeline.io import code_digest, module_source_digest
from newsclean.pipeline.classify.sitestats import BATCH_SITE

SCHEMA_VERSION = 1


def stamp(ctx: Context) -> dict:
    return {
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "config_digest": _config_digest(ctx.config),
        "rules_digest": rules_digest(ctx),
        "code_digest": with_user_code(code_digest(), ctx.config),
    }


def with_user_code(library: str, config) -> str:
    """The library's code digest, and the user stages' modules' when the config names any
    (unchanged without them, so that outputs of a config without user stages stay current)."""
    users = _user_code(config)
    return library if not users else hashlib.sha256(f"{library}\0{users}".encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def _user_code(config) -> str:
    from newsclean.pipeline.core.stage_refs import user_modules

    return "\0".join(f"{m}={module_source_digest(m)}" for m in user_modules(config.stages + config.html_stages))


def rules_digest(ctx: Context) -> str:
    """The rules' digest, and the site statistics' parameters when the context holds them.
    The statistics themselves are stamped per record (``site_stats``: the version of the
    record's own site), so that refreshing them makes only the grown sites' records stale."""
    if ctx.site_stats is None:
        return ctx.rules.digest
    params = json.dumps(ctx.site_stats.params.to_json(), sort_keys=True)
    return hashlib.sha256(f"{ctx.rules.digest}\0{params}".encode()).hexdigest()[:16]


def site_stats_stamp(ctx: Context, site: str | None) -> dict | None:
    """Which site statistics an article was cleaned with: its site's key and the version of
    that site's entry (None when the statistics hold no entry for it); None without statistics."""
    if ctx.site_stats is None:
        return None
    key = site or BATCH_SITE
    entry = ctx.site_stats.for_site(key)
    return {"site": key, "version": entry["version"] if entry else None}


def record_stamp(ctx: Context, article: Article | None) -> dict:
    return {**stamp(ctx), "site_stats": site_stats_stamp(ctx, article.site if article else None)}


def site_stats_current(record: dict, ctx: Context) -> bool:
    """Whether a stored record was cleaned with the statistics its site has now."""
    old = (record.get("pipeline") or {}).get("site_stats")
    if old is None:
        return ctx.site_stats is None
    return old == site_stats_stamp(ctx, old.get("site"))


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
        "duplicate_of": None,  # set by the Dedup task after the shards (pipeline/output/dedup.py)
        "source": source_json(cleaned.source),
        "pipeline": record_stamp(ctx, a),
    }


def changelog_record(cleaned: Cleaned, ctx: Context) -> dict:
    return {
        "id": cleaned.id,
        "status": "rejected" if cleaned.rejected else "cleaned",
        "changes": [c.to_json() for c in cleaned.changes],
        "source": source_json(cleaned.source),
        "pipeline": record_stamp(ctx, cleaned.article),
    } | block_scores(cleaned.article)


def block_scores(article: Article | None) -> dict:
    """``{"block_scores": [...]}``, one entry per body block of the corpus record (null where
    the classifier did not judge the block), when the classifier judged any; else nothing."""
    scores = [b.score for b in article.blocks] if article is not None else []
    return {"block_scores": scores} if any(s is not None for s in scores) else {}


# characters that str.splitlines() (and readers built on it) takes for line ends, which
# json.dumps(ensure_ascii=False) leaves raw inside strings (it escapes the C0 controls)
LINE_SEPARATORS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


# json.dumps(record, ensure_ascii=False, separators=(",", ":")) without building its encoder
# for every call and without the circular-reference check (a record is a tree of fresh dicts
# and lists): the same text
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def dumps(record: dict) -> str:
    """One JSONL line (no newline): UTF-8 kept readable, keys in contract order; U+0085,
    U+2028 and U+2029 escaped, so that a reader splitting on any line end sees one record
    per line (the text, read back by a JSON parser, is the same). Replaced one by one where
    present: ``str.translate`` with a table looks up every character (0.8 ms for a 12 KB
    record, 10% of cleaning it), a search for each of three is a thousandth of that."""
    line = _encode(record)
    if line.isascii():
        return line
    for char, escaped in LINE_SEPARATORS:
        if char in line:
            line = line.replace(char, escaped)
    return line


def fingerprint(record: dict) -> tuple:
    """What decides whether a stored record is still current for an input."""
    p = record.get("pipeline") or {}
    source = record.get("source") or {}
    return (source.get("sha256"), source.get("sidecar_sha256"), *(p.get(k) for k in FINGERPRINT_KEYS))
