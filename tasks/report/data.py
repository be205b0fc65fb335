"""The report's data: what the page's script draws the articles table and the article view from.

Pure: review values in, ``{relative path: text}`` out. The files are scripts, not JSON, so
that a page opened from the file system loads them with ``<script>`` tags (a browser refuses
``fetch`` of ``file://`` URLs):

    data/meta.js    NC.meta({...})       the rule table, fates, fields, the chunk count
    data/index.js   NC.index([...])      one row per article (``INDEX_FIELDS``), in id order
    data/cNNNNN.js  NC.chunk(k, "...")   ``CHUNK`` articles in full (their lines and the clean
                                         article), JSON compressed with zlib and base64-encoded:
                                         the raw text is most of a report, and compressed it
                                         takes about a third of the room

Rows and lines are arrays, not objects, to keep 10k articles small; ``meta`` names their
fields. Rules are numbers into ``meta.rules``.
"""
from __future__ import annotations

import base64
import json
import zlib

from pipeline.registry import RuleInfo, lookup
from pipeline.review import FATES, ArticleView, LineView

CHUNK = 50  # articles per data chunk: an article page loads one chunk
SHORT_ID = 14  # an id longer than this is shown as its head, "…", its tail (the full id on hover)

INDEX_FIELDS = ("id", "short", "title", "site", "language", "status", "lines", "kept", "edited", "dropped",
                "left_out", "caption", "metadata", "removed", "rules", "duplicate_of", "reason")
LINE_FIELDS = ("line", "fate", "rule", "text", "score", "field", "flags", "edits", "final")


def short_id(article_id: str) -> str:
    if len(article_id) <= SHORT_ID:
        return article_id
    head = SHORT_ID // 2
    return f"{article_id[:head]}…{article_id[-(SHORT_ID - head - 1):]}"


def _js(call: str, value) -> str:
    return f"{call}({json.dumps(value, ensure_ascii=False, separators=(',', ':'))});\n"


class RuleTable:
    """Rule ids as small numbers, in the order first met; ``rows`` for ``meta.rules``."""

    def __init__(self, registry: dict[str, RuleInfo], href):
        self.registry = registry
        self.href = href  # rule id -> its page
        self.ids: dict[str, int] = {}

    def __call__(self, rule_id: str | None) -> int | None:
        if rule_id is None:
            return None
        return self.ids.setdefault(rule_id, len(self.ids))

    def rows(self) -> list[list[str]]:
        out = []
        for rid in self.ids:
            info = lookup(self.registry, rid)
            out.append([rid, info.category, info.description, self.href(rid)])
        return out


def line_row(line: LineView, rule) -> list:
    """One visible raw line (``LINE_FIELDS``); ``final`` only when the body has it changed."""
    final = line.final if line.fate in ("kept", "edited") and line.final != line.raw else None
    return [line.line, FATES.index(line.fate), rule(line.rule), line.raw, line.score, line.field,
            [rule(f) for f in line.flags], [[rule(e.rule), e.before, e.after] for e in line.edits], final]


def article_data(view: ArticleView, rule) -> dict:
    """One article in full, as its page draws it."""
    r = view.record or {}
    source = view.log.get("source") or {}
    return {
        "id": view.id, "status": view.status, "reason": view.reason, "reject_rule": rule(view.reject_rule),
        "title": r.get("title"), "authors": r.get("authors") or [], "published": r.get("published"),
        "site": r.get("site"), "url": r.get("url"), "language": r.get("language"), "duplicate_of": view.duplicate_of,
        "source": {k: source.get(k) for k in ("path", "format", "encoding", "extractor")},
        "raw_from": view.raw_from, "note": view.note, "changes": len(view.log["changes"]),
        "removed": round(view.removed_share, 4) if view.status == "cleaned" else None,
        "lines": [line_row(line, rule) for line in view.lines if line.fate != "blank"],
        "blocks": [[b["line"], b["kind"]] for b in r.get("blocks", ())],
        "captions": [[c.get("title"), c.get("text"), c.get("credit")] for c in r.get("captions", ())],
    }


def index_row(view: ArticleView, rule) -> list:
    f = view.fates
    r = view.record or {}
    rules = sorted({rule(c["rule"]) for c in view.log["changes"]})
    return [view.id, short_id(view.id), r.get("title"), view.site, view.language, view.status,
            len(view.lines) - f["blank"], f["kept"], f["edited"], f["dropped"], f["left_out"], f["caption"],
            f["metadata"], round(view.removed_share, 4) if view.status == "cleaned" else None, rules,
            view.duplicate_of, view.reason]


def pack(value) -> str:
    """JSON, compressed (zlib: the browser's DecompressionStream("deflate")), base64."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def chunk_name(k: int) -> str:
    return f"data/c{k:05d}.js"


def data_files(views: list[ArticleView], registry: dict[str, RuleInfo], stamp: dict, rule_href) -> dict[str, str]:
    rule = RuleTable(registry, rule_href)
    rows = [index_row(v, rule) for v in views]
    files = {}
    for k in range(0, len(views), CHUNK):
        files[chunk_name(k // CHUNK)] = f'NC.chunk({k // CHUNK},"{pack([article_data(v, rule) for v in views[k:k + CHUNK]])}");\n'
    files["data/index.js"] = _js("NC.index", rows)
    files["data/meta.js"] = _js("NC.meta", {
        "rules": rule.rows(), "fates": list(FATES), "index_fields": list(INDEX_FIELDS), "line_fields": list(LINE_FIELDS),
        "chunk": CHUNK, "chunks": (len(views) + CHUNK - 1) // CHUNK, "stamp": stamp,
        "has_duplicates": any("duplicate_of" in (v.record or {}) for v in views)})
    return files


def unpack(text: str):
    """A chunk file's articles (the inverse of ``pack``, for tests and tools)."""
    payload = text.split('"')[1]
    return json.loads(zlib.decompress(base64.b64decode(payload)).decode("utf-8"))
