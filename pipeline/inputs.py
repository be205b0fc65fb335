"""Raw files to records: one record per article, with a stable id and a fingerprint.

A raw file is plain text (``.txt``, ``.text``), an HTML page (``.html``, ``.htm``), JSONL
records (``.jsonl``: ``{id, url?, html? | text?, ...}``, as scrapers, datatrove and dolma
write them; ``html`` wins over ``text``) or a WARC file (``.warc``: one article per HTML
response record); any of them may be gzip-compressed (``.gz``). A single-article file's id
is its path under raw/ less the format suffix (``ids.py``: ``a/bbc.co.uk_1.html.gz`` gives
``a/bbc.co.uk_1``); a record's id is its own ``id`` field (a WARC record's
``WARC-Record-ID``), else a hash of its URL, sanitized to a plain name.

Pure: functions over bytes and binary streams (``io.py`` opens the files). A record that
cannot be read carries ``error`` (rule, reason) and is rejected by the cleaner, so that one
bad record never stops the batch.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator, cast
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .ids import FORMATS, input_id

MULTI = ("jsonl", "warc")
META_FIELDS = ("url", "site", "published", "title", "authors", "language")
HTML_TYPES = ("text/html", "application/xhtml+xml")
NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")
CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
MAX_ID = 120


@dataclass(frozen=True)
class Record:
    id: str
    format: str  # "text" or "html"
    data: bytes  # the article's bytes (decompressed)
    meta: dict | None  # url, site, published, title, authors, language
    sha256: str  # fingerprint of the record's own content
    charset: str | None = None  # declared by the container (WARC HTTP header)
    error: tuple[str, str] | None = None  # (rule, reason): the record cannot be read


def file_format(name: str) -> str | None:
    """text, html, jsonl, warc, or None when the file is not an input."""
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return next((fmt for suffix, fmt in FORMATS.items() if name.endswith(suffix)), None)


def is_multi(name: str) -> bool:
    return file_format(name) in MULTI


HTML_DOCUMENT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*"
                           rb"(?:<!doctype\s+html|<html[\s>])", re.I | re.S)


def looks_like_html(data: bytes) -> bool:
    """A text input that is an HTML document: it opens (after a BOM, white space, an XML
    declaration or comments) with a doctype or an ``<html>`` tag. A text that only
    mentions or quotes markup further down does not count."""
    return HTML_DOCUMENT.match(data[:4096]) is not None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plain_id(value: object) -> str | None:
    """A record's id as a plain file name (letters, digits, . _ -), or None when nothing
    usable is left. Long ids keep a hash of the whole so that they stay distinct."""
    text = NOT_PLAIN.sub("_", str(value).strip()).strip("._-")
    if not text:
        return None
    if len(text) > MAX_ID:
        text = text[:MAX_ID - 17] + "_" + sha256(str(value).encode())[:16]
    return text


def url_id(url: str) -> str:
    return "u" + sha256(url.strip().encode("utf-8"))[:16]


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress at most ``limit`` bytes; raise ValueError beyond (a gzip bomb)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, limit + 1)
    if len(out) > limit or d.unconsumed_tail:
        raise ValueError(f"decompresses to more than max_input_bytes={limit:,} bytes")
    return out + d.flush()


def single_record(id: str, name: str, data: bytes, meta: dict | None, limit: int) -> Record:
    """The record of a single-article file; its fingerprint is the stored file's sha256."""
    fmt, digest = cast(str, file_format(name)), sha256(data)  # an input's name has a format (io.is_input)
    if name.lower().endswith(".gz"):
        try:
            data = gunzip(data, limit)
        except (ValueError, zlib.error, EOFError) as exc:
            return Record(id, fmt, b"", meta, digest, error=("reject.bad-gzip", f"cannot decompress {name}: {exc}"))
    return Record(id, fmt, data, meta, digest)


def open_stream(name: str, stream: BinaryIO) -> BinaryIO | gzip.GzipFile:
    return gzip.GzipFile(fileobj=stream) if name.lower().endswith(".gz") and file_format(name) == "jsonl" else stream


def expand(name: str, stream: BinaryIO, limit: int, stem: str | None = None) -> Iterator[Record]:
    """Every record of a JSONL or WARC file, in file order. ``stem`` names the records
    that have no id of their own (the file's id, ``ids.input_id``; default: from ``name``)."""
    stem = stem or input_id(name)
    try:
        if file_format(name) == "jsonl":
            yield from jsonl_records(stem, open_stream(name, stream), limit)
        else:
            yield from warc_records(stem, stream, limit)
    except (OSError, EOFError, zlib.error, ArchiveLoadFailed) as exc:
        yield Record(f"{stem}-unreadable", "text", b"", None, "unreadable",
                     error=("reject.unreadable", f"cannot read {name} past this point: {type(exc).__name__}: {exc}"))


def jsonl_records(stem: str, lines: Iterable[bytes], limit: int) -> Iterator[Record]:
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        digest = sha256(line.rstrip(b"\r\n"))
        if len(line) > limit:
            yield Record(f"{stem}-L{n}", "text", b"", None, digest,
                         error=("reject.too-large", f"line {n} is {len(line):,} bytes, over max_input_bytes={limit:,}"))
            continue
        reason: str | None
        try:
            rec = json.loads(line)
        except ValueError as exc:
            rec, reason = None, f"line {n} is not JSON: {exc}"
        else:
            reason = None if isinstance(rec, dict) else f"line {n} is not a JSON object"
        if reason:
            yield Record(f"{stem}-L{n}", "text", b"", None, digest, error=("reject.bad-record", reason))
            continue
        yield json_record(rec, f"{stem}-L{n}", digest)


def json_record(rec: dict, fallback_id: str, digest: str) -> Record:
    nested = rec["metadata"] if isinstance(rec.get("metadata"), dict) else {}
    meta = {k: v for k in META_FIELDS if (v := rec.get(k, nested.get(k))) not in (None, "", [])}
    if "published" not in meta and nested.get("date") not in (None, "", []):  # datatrove's metadata.date
        meta["published"] = nested["date"]
    url = meta.get("url") if isinstance(meta.get("url"), str) else None
    aid = (plain_id(rec["id"]) if rec.get("id") not in (None, "") else None) or (url_id(url) if url else fallback_id)
    html, text = rec.get("html"), rec.get("text")
    if isinstance(html, str) and html.strip():
        return Record(aid, "html", html.encode("utf-8", "surrogatepass"), meta or None, digest)
    if isinstance(text, str):
        return Record(aid, "text", text.encode("utf-8", "surrogatepass"), meta or None, digest)
    return Record(aid, "text", b"", meta or None, digest,
                  error=("reject.bad-record", "the record has neither an 'html' nor a 'text' string"))


def warc_records(stem: str, stream: BinaryIO, limit: int) -> Iterator[Record]:
    n = 0
    for rec in ArchiveIterator(stream):
        if not rec.format.startswith("warc"):  # warcio reads anything as an ARC record
            continue
        n += 1
        if rec.rec_type != "response" or rec.http_headers is None:
            continue
        ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
        if not ctype.startswith(HTML_TYPES):
            continue
        url = rec.rec_headers.get_header("WARC-Target-URI") or ""
        own = (rec.rec_headers.get_header("WARC-Record-ID") or "").strip("<>").removeprefix("urn:uuid:")
        aid = plain_id(own) if own else None
        aid = aid or (url_id(url) if url else f"{stem}-R{n}")
        body = rec.content_stream().read(limit + 1)
        digest = sha256(url.encode() + b"\0" + body)
        meta = {"url": url} if url else None
        if len(body) > limit:
            yield Record(aid, "html", b"", meta, digest,
                         error=("reject.too-large", f"WARC record is over max_input_bytes={limit:,} bytes"))
            continue
        m = CHARSET.search(ctype)
        yield Record(aid, "html", body, meta, digest, charset=m.group(1) if m else None)
    if n == 0:
        yield Record(f"{stem}-unreadable", "text", b"", None, "unreadable",
                     error=("reject.unreadable", "no WARC record found: not a WARC file"))


def site_of(meta: dict) -> str | None:
    """The site's host name (what per-site rules are keyed by): ``site``, else the URL's host."""
    url = meta.get("url") or None
    site = meta.get("site") or (urlsplit(url).hostname if isinstance(url, str) else None)
    return site[4:] if site and site.startswith("www.") else site
