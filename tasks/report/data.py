"""The report's data: what the page's script draws the articles table and the article view from.

Pure: review values in, ``{relative path: text}`` out. The files are scripts, not JSON, so
that a page opened from the file system loads them with ``<script>`` tags (a browser refuses
``fetch`` of ``file://`` URLs):

    data/meta.js    NC.meta({...})       the rule table, fates, fields, the chunk count
    data/index.js   NC.index([...])      one row per article (``INDEX_FIELDS``), in id order
    data/cNNNNN.js  NC.chunk(k, n, "…")  ``CHUNK`` articles in full (their lines and the clean
                                         article): JSON compressed with zlib, its ``n`` bytes
                                         written 15 bits to a character (U+3000 + value) in a
                                         script file encoded as UTF-16 (with a BOM, which the
                                         browser honours): 16 bits of file for 15 of payload,
                                         where base64 in UTF-8 takes 8 for 6. The raw text is
                                         most of a report; so stored, it takes a third of the room.

Rows and lines are arrays, not objects, to keep 10k articles small; ``meta`` names their
fields. Rules are numbers into ``meta.rules``.
"""
from __future__ import annotations

import json
import sys
import zlib
from array import array

from newsclean.pipeline.rules.registry import RuleInfo, lookup
from newsclean.pipeline.output.review import FATES, ArticleView, LineView

CHUNK = 50  # articles per data chunk: an article page loads one chunk
SHORT_ID = 14  # an id longer than this is shown as its head, "…", its tail (the full id on hover)

INDEX_FIELDS = ("id", "short", "title", "site", "language", "status", "lines", "kept", "edited", "dropped",
                "left_out", "caption", "metadata", "removed", "rules", "duplicate_of", "reason")
LINE_FIELDS = ("text", "fates", "rules", "scores", "fields", "flags", "edits", "finals")  # an article's "lines"


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


def lines_data(lines: tuple[LineView, ...], rule) -> dict:
    """Every raw line (blank ones too, so that line n is ``text[n - 1]``) in columns: the text,
    the fates as one digit per line, and the rest as [line, ...] rows for the lines that have
    it. Smaller than one array per line (897 articles: 22.7 MB of JSON as rows, 6.5 MB
    compressed; 19.2 and 6.3 MB as columns)."""
    assert len(FATES) <= 10 and all(line.line == n for n, line in enumerate(lines, start=1))
    return {
        "text": [line.raw for line in lines],
        "fates": "".join(str(FATES.index(line.fate)) for line in lines),
        "rules": [[line.line, rule(line.rule)] for line in lines if line.rule],
        "scores": [[line.line, line.score] for line in lines if line.score is not None],
        "fields": [[line.line, line.field] for line in lines if line.field],
        "flags": [[line.line, rule(f)] for line in lines for f in line.flags],
        "edits": [[line.line, rule(e.rule), e.before, e.after] for line in lines for e in line.edits],
        # the text the body has, where it is not the raw line's
        "finals": [[line.line, line.final] for line in lines
                   if line.fate in ("kept", "edited") and line.final is not None and line.final != line.raw],
    }


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
        "lines": lines_data(view.lines, rule),
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


SHIFTS = tuple(15 * (7 - j) for j in range(8))
BASE = 0x3000  # 15-bit values as the characters U+3000..U+AFFF: no surrogate, quote, backslash or line end


def pack(value) -> tuple[int, str]:
    """JSON, compressed (zlib: the browser's DecompressionStream("deflate")), as (its byte
    count, a string of one character per 15 bits, the last zero-padded)."""
    data = zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)
    padded = data + bytes(-len(data) % 15)
    chars = array("H")
    for i in range(0, len(padded), 15):  # 15 bytes are 8 characters
        n = int.from_bytes(padded[i:i + 15], "big")
        chars.extend([((n >> shift) & 0x7FFF) + BASE for shift in SHIFTS])
    if sys.byteorder != "little":
        chars.byteswap()
    return len(data), chars.tobytes().decode("utf-16-le")


def unpack_payload(size: int, text: str):
    n = 0
    for ch in text:
        n = (n << 15) | (ord(ch) - BASE)
    data = (n << (-15 * len(text) % 8)).to_bytes((15 * len(text) + 7) // 8, "big")[:size]
    return json.loads(zlib.decompress(data).decode("utf-8"))


def chunk_file(k: int, articles: list[dict]) -> bytes:
    size, text = pack(articles)
    return f'NC.chunk({k},{size},"{text}");\n'.encode("utf-16")  # with its BOM: the browser reads it as UTF-16


def chunk_name(k: int) -> str:
    return f"data/c{k:05d}.js"


def data_files(views: list[ArticleView], registry: dict[str, RuleInfo], stamp: dict, rule_href) -> dict[str, str | bytes]:
    rule = RuleTable(registry, rule_href)
    rows = [index_row(v, rule) for v in views]
    files: dict[str, str | bytes] = {}
    for k in range(0, len(views), CHUNK):
        files[chunk_name(k // CHUNK)] = chunk_file(k // CHUNK, [article_data(v, rule) for v in views[k:k + CHUNK]])
    files["data/index.js"] = _js("NC.index", rows)
    files["data/meta.js"] = _js("NC.meta", {
        "rules": rule.rows(), "fates": list(FATES), "index_fields": list(INDEX_FIELDS), "line_fields": list(LINE_FIELDS),
        "chunk": CHUNK, "chunks": (len(views) + CHUNK - 1) // CHUNK, "stamp": stamp,
        "has_duplicates": any((v.record or {}).get("duplicate_of") for v in views)})
    return files


def unpack(data: bytes):
    """A chunk file's articles (the inverse of ``chunk_file``, for tests and tools)."""
    _, size, text = data.decode("utf-16").split(",", 2)
    return unpack_payload(int(size), text.split('"')[1])
