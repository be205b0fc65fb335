"""Raw files to records: one record per article, with a stable id and a fingerprint.

A raw file is plain text (``.txt``, ``.text``), an HTML page (``.html``, ``.htm``), JSONL
records (``.jsonl``: ``{id, url?, html? | text?, ...}``, as scrapers, datatrove and dolma
write them; ``html`` wins over ``text``) or a WARC file (``.warc``: one article per HTML
response record); any of them may be gzip-compressed (``.gz``). A single-article file's id
is its path under raw/ less the format suffix (``core/ids.py``: ``a/bbc.co.uk_1.html.gz`` gives
``a/bbc.co.uk_1``); a record's id is its own ``id`` field (a WARC record's
``WARC-Record-ID``) made a plain name (``ids.record_id``), else a hash of its URL.

Pure: functions over bytes and binary streams (``io.py`` opens the files). A record that
cannot be read carries ``error`` (rule, reason) and is rejected by the cleaner, so that one
bad record never stops the batch.
"""
from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import BinaryIO, Iterator, cast
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.recordloader import ArcWarcRecordLoader
from warcio.utils import BUFF_SIZE

from newsclean.pipeline.core.ids import FORMATS, input_id, record_id
from newsclean.pipeline.ingest.decode import BOMS

MULTI = ("jsonl", "warc")
GZIP_MAGIC = b"\x1f\x8b"  # how a gzip member opens
META_FIELDS = ("url", "site", "published", "title", "authors", "language")
HTML_TYPES = ("text/html", "application/xhtml+xml")
CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)


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


# a start tag, end tag, comment or doctype: "<" then a letter, "!", "?" or "/" (in UTF-16, a NUL
# between them)
MARKUP = re.compile(rb"<\x00?[A-Za-z!?/]")
MARKUP_WINDOW = 65_536


def holds_markup(data: bytes) -> bool:
    """An input named or recorded as HTML holds markup within its first MARKUP_WINDOW bytes. A
    ``.html`` file (or a record's ``html``) that holds none is a text saved under that name:
    cleaned as text, not rejected as a page without article text."""
    return MARKUP.search(data, 0, MARKUP_WINDOW) is not None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def meta_problem(meta: dict) -> str | None:
    """Why a record's or sidecar's metadata cannot be taken, or None: a field of
    ``META_FIELDS`` that is not a string (``authors``: a string or a list of strings). A
    number, object or list there would reach the corpus's string columns, or fail the
    metadata stage as "a bug"."""
    for key in META_FIELDS:
        value = meta.get(key)
        if value in (None, "", []) or isinstance(value, str):
            continue
        if key == "authors" and isinstance(value, list) and all(isinstance(a, str) for a in value):
            continue
        wanted = "a string or a list of strings" if key == "authors" else "a string"
        return f"its {key!r} is {json.dumps(value, ensure_ascii=False)[:60]}, not {wanted}"
    return None


def url_id(url: str) -> str:
    return "u" + sha256(url.strip().encode("utf-8"))[:16]


def gunzip(data: bytes, limit: int) -> bytes:
    """Decompress every member of a gzip file (``cat a.gz b.gz`` is one file, as gzip and
    zcat read it), at most ``limit`` bytes: ValueError beyond (a gzip bomb), EOFError for a
    member that ends before its end marker (a truncated file: what it holds is not the
    whole article), ValueError for bytes after the last member that are not zero padding."""
    out = bytearray()
    rest = data
    while True:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out += d.decompress(rest, limit + 1 - len(out))
        if len(out) > limit or d.unconsumed_tail:
            raise ValueError(f"decompresses to more than max_input_bytes={limit:,} bytes")
        out += d.flush()
        if not d.eof:
            raise EOFError("the compressed data ends before its end marker (a truncated file?)")
        rest = d.unused_data
        if not rest.strip(b"\0"):
            return bytes(out)
        if not rest.startswith(GZIP_MAGIC):
            raise ValueError(f"{len(rest):,} bytes after the compressed data are not another gzip member")


def single_record(id: str, name: str, data: bytes, meta: dict | None, limit: int) -> Record:
    """The record of a single-article file; its fingerprint is the stored file's sha256."""
    fmt, digest = cast(str, file_format(name)), sha256(data)  # an input's name has a format (io.is_input)
    if name.lower().endswith(".gz"):
        try:
            data = gunzip(data, limit)
        except (ValueError, zlib.error, EOFError) as exc:
            return Record(id, fmt, b"", meta, digest, error=("reject.bad-gzip", f"cannot decompress {name}: {exc}"))
    return Record(id, fmt, data, meta, digest)


def open_stream(name: str, stream: BinaryIO) -> BinaryIO | gzip.GzipFile | Utf8Lines:
    """The lines of a JSONL file: gzip undone, and UTF-16 or UTF-32 read as UTF-8 lines."""
    if file_format(name) != "jsonl":
        return stream
    return utf8_lines(gzip.GzipFile(fileobj=stream) if name.lower().endswith(".gz") else stream)


def utf8_lines(stream: BinaryIO | gzip.GzipFile) -> BinaryIO | gzip.GzipFile | Utf8Lines:
    """``stream`` itself when it is UTF-8 (with or without a BOM, which ``json.loads`` skips),
    else read as UTF-8 lines: a BOM of UTF-16 or UTF-32 (decode.BOMS), or none and JSON's
    own rule (RFC 4627: the zero bytes around its first ASCII character, ``json.detect_encoding``).
    Split at byte 0x0a as UTF-8, a UTF-16 file gave lines cut inside characters, each
    rejected as 'not JSON' with a codec's complaint."""
    if not stream.seekable():
        return stream
    start = stream.tell()
    head = stream.read(4)
    stream.seek(start)
    bom, encoding = json_encoding(head)
    if encoding is None:
        return stream
    stream.read(len(bom))
    return Utf8Lines(stream, encoding)


def json_encoding(head: bytes) -> tuple[bytes, str | None]:
    """(its BOM, the encoding) of JSON text opening with ``head`` (4 bytes or more), the
    encoding None for UTF-8 (a UTF-8 BOM is kept: ``json.loads`` skips it)."""
    bom, encoding = next(((b, e) for b, e in BOMS if head.startswith(b)), (b"", json.detect_encoding(head[:4])))
    return (bom, None) if encoding in ("utf-8", "utf-8-sig") else (bom, encoding)


class Utf8Lines:
    """A stream in another encoding read as UTF-8 lines, as ``bounded_lines`` reads a binary
    file: ``readline(size)`` gives one line (ending with b"\\n") or its first ``size`` bytes.
    A byte sequence the encoding does not allow (a truncated file) raises UnicodeDecodeError,
    which sets the rest of the file aside (``expand``)."""

    CHUNK = 1 << 16

    def __init__(self, stream: BinaryIO | gzip.GzipFile, encoding: str):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder(encoding)("surrogatepass")
        self.pending = bytearray()  # decoded, re-encoded, not given yet
        self.eof = False

    def readline(self, size: int = -1) -> bytes:
        seen = 0  # pending bytes known to hold no line break
        while not self.eof and (size < 0 or len(self.pending) < size):
            if self.pending.find(b"\n", seen) >= 0:
                break
            seen = len(self.pending)
            chunk = self.stream.read(self.CHUNK)
            self.eof = not chunk
            self.pending += self.decoder.decode(chunk, final=self.eof).encode("utf-8", "surrogatepass")
        end = self.pending.find(b"\n") + 1 or len(self.pending)
        end = end if size < 0 else min(end, size)
        line = bytes(self.pending[:end])
        del self.pending[:end]
        return line


def expand(name: str, stream: BinaryIO, limit: int, stem: str | None = None) -> Iterator[Record]:
    """Every record of a JSONL or WARC file, in file order. ``stem`` names the records
    that have no id of their own (the file's id, ``ids.input_id``; default: from ``name``).
    Never raises: a file that breaks off (or that the WARC reader fails on) gives a rejected
    record after those read, one that holds no article a rejected record of its own, so that
    it is in the change log rather than gone."""
    stem = stem or input_id(name)
    found = 0
    try:
        reader = jsonl_records(stem, open_stream(name, stream), limit) if file_format(name) == "jsonl" \
            else warc_records(stem, stream, limit)
        for found, record in enumerate(reader, start=1):  # noqa: B007 - the count is read after the loop
            yield record
    except Exception as exc:  # noqa: BLE001 - any failure of a reader sets the rest of this file aside
        found += 1
        yield Record(f"{stem}-unreadable", "text", b"", None, "unreadable",
                     error=("reject.unreadable", f"cannot read {name} past this point: {type(exc).__name__}: {exc}"))
    if not found:
        yield Record(f"{stem}-empty", "text", b"", None, "empty",
                     error=("reject.no-record", f"{name} holds no record to clean"))


def bounded_lines(stream: BinaryIO | gzip.GzipFile | Utf8Lines, limit: int, chunk: int = 1 << 20) -> Iterator[tuple[bytes | None, int, str]]:
    """(line, its size, sha256 of it less its line break) of every line of ``stream``,
    holding at most ``limit`` + ``chunk`` bytes: a line over ``limit`` is given as None,
    read on in chunks (hashed, never held) to its end, so that a gzip member that inflates
    to gigabytes without a newline costs no more memory than a line at the limit."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, len(line), sha256(line.rstrip(b"\r\n"))
            continue
        h, size = hashlib.sha256(), len(line)
        while line:
            end = line.endswith(b"\n")
            h.update(line.rstrip(b"\r\n") if end else line)
            if end:
                break
            line = stream.readline(chunk)
            size += len(line)
        yield None, size, h.hexdigest()


def jsonl_records(stem: str, lines: BinaryIO | gzip.GzipFile | Utf8Lines, limit: int) -> Iterator[Record]:
    for n, (line, size, digest) in enumerate(bounded_lines(lines, limit), start=1):
        if line is not None and not line.strip():
            continue
        if line is None or size > limit:
            yield Record(f"{stem}-L{n}", "text", b"", None, digest,
                         error=("reject.too-large", f"line {n} is {size:,} bytes, over max_input_bytes={limit:,}"))
            continue
        reason: str | None
        try:
            rec = json.loads(line)
        except ValueError as exc:
            rec, reason = None, f"line {n} is not JSON: {exc}"
        except RecursionError:
            rec, reason = None, f"line {n} nests JSON arrays or objects too deep to read"
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
    aid = (record_id(rec["id"]) if rec.get("id") not in (None, "") else None) or (url_id(url) if url else fallback_id)
    if (problem := meta_problem(meta)) is not None:
        return Record(aid, "text", b"", None, digest, error=("reject.bad-record", f"the record's metadata: {problem}"))
    html, text = rec.get("html"), rec.get("text")
    if isinstance(html, str) and html.strip():
        return Record(aid, "html", html.encode("utf-8", "surrogatepass"), meta or None, digest)
    if isinstance(text, str):
        return Record(aid, "text", text.encode("utf-8", "surrogatepass"), meta or None, digest)
    return Record(aid, "text", b"", meta or None, digest,
                  error=("reject.bad-record", "the record has neither an 'html' nor a 'text' string"))


class _RecordLoader(ArcWarcRecordLoader):
    """warcio's record loader, made to read a record without ``WARC-Target-URI`` (warcio
    raises AttributeError on it) as one without HTTP headers, which ``warc_records`` rejects."""

    def load_http_headers(self, rec_type, uri, stream, length):
        return super().load_http_headers(rec_type, uri or "", stream, length)


WARC_MAX_LINE = 1 << 20  # bytes of a WARC or HTTP header line (real ones are under 16 KiB)


class _BoundedReader(DecompressingBufferedReader):
    """warcio's reader, its lines capped at ``WARC_MAX_LINE``: warcio reads a header line
    whole, so that one without a line end (a gzip member inflating to gigabytes) would be
    held whole; past the cap the file cannot be read on (ValueError)."""

    def readline(self, length=None):
        cap = WARC_MAX_LINE if length is None or length < 0 else min(length, WARC_MAX_LINE)
        line = super().readline(cap)
        if len(line) >= WARC_MAX_LINE and not line.endswith(b"\n"):
            raise ValueError(f"a WARC header line of over {WARC_MAX_LINE:,} bytes")
        return line


def warc_records(stem: str, stream: BinaryIO, limit: int) -> Iterator[Record]:
    """One record per HTML response of a WARC file. A response that is not 2xx (a 404 page)
    or has no target URI is a rejected record with the reason; other records (requests,
    metadata, images) are not articles and are passed over."""
    n, yielded, passed = 0, 0, Counter[str]()
    for rec in warc_iterator(stream):
        if not rec.format.startswith("warc"):  # warcio reads anything as an ARC record
            continue
        n += 1
        skipped = passed_over(rec)
        if skipped is not None:
            passed[skipped] += 1
            continue
        yielded += 1
        yield response_record(rec, warc_id(rec, stem, n), n, limit)
    if not yielded:
        yield no_article(stem, n, passed)


def warc_iterator(stream: BinaryIO) -> ArchiveIterator:
    records = ArchiveIterator(stream)
    records.loader = _RecordLoader(verify_http=False, arc2warc=False)  # ArchiveIterator's own settings
    records.reader = _BoundedReader(records.fh, block_size=BUFF_SIZE)
    return records


def passed_over(rec) -> str | None:
    """What a WARC record that is no article is ("request", "non-HTML response"...); None
    for an HTML response, or a response without a target URI (rejected with the reason)."""
    if rec.rec_type != "response":
        return rec.rec_type or "untyped"
    url = rec.rec_headers.get_header("WARC-Target-URI") or ""
    ctype = (rec.http_headers.get_header("Content-Type") or "").lower() if rec.http_headers else ""
    if url and not ctype.startswith(HTML_TYPES):
        return "non-HTML response" if rec.http_headers else "non-HTTP response"
    return None


def warc_id(rec, stem: str, n: int) -> str:
    """The record's own id (WARC-Record-ID), else its URL's, else ``STEM-R<n>``."""
    url = rec.rec_headers.get_header("WARC-Target-URI") or ""
    own = rec.rec_headers.get_header("WARC-Record-ID") or ""
    aid = record_id(own) if own else None
    return aid or (url_id(url) if url else f"{stem}-R{n}")


def response_record(rec, aid: str, n: int, limit: int) -> Record:
    """The n-th WARC record, an HTML response: its body, or why it is rejected."""
    url = rec.rec_headers.get_header("WARC-Target-URI") or ""
    if not url:
        return Record(aid, "html", b"", None, sha256(rec.rec_headers.to_bytes()),
                      error=("reject.bad-record", f"WARC response record {n} has no WARC-Target-URI"))
    meta = {"url": url}
    status = rec.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return Record(aid, "html", b"", meta, sha256(url.encode() + b"\0" + rec.http_headers.to_bytes()),
                      error=("reject.warc-status", f"HTTP status {rec.http_headers.statusline} (not 2xx): "
                             "an error or redirect page, not the article"))
    body = rec.content_stream().read(limit + 1)
    digest = sha256(url.encode() + b"\0" + body)
    if len(body) > limit:
        return Record(aid, "html", b"", meta, digest,
                      error=("reject.too-large", f"WARC record is over max_input_bytes={limit:,} bytes"))
    missing = missing_bytes(rec)
    if missing:
        return Record(aid, "html", b"", meta, digest,
                      error=("reject.unreadable", f"WARC record {n} breaks off: {missing:,} of its {rec.length:,} bytes "
                             "are not in the file (a truncated file?); what it holds is not the whole page"))
    m = CHARSET.search((rec.http_headers.get_header("Content-Type") or "").lower())
    return Record(aid, "html", body, meta, digest, charset=m.group(1) if m else None)


def missing_bytes(rec) -> int:
    """How many bytes of a WARC record's block (its Content-Length) the file does not hold:
    warcio reads a record that breaks off as a shorter one, without a word. What is left of
    the block after its content is read through (bounded by its length); 0 when whole."""
    raw = rec.raw_stream
    while raw.read(1 << 16):
        pass
    return getattr(raw, "limit", 0) or 0


def no_article(stem: str, n: int, passed: Counter[str]) -> Record:
    """The rejected record of a WARC file that gave no article: no WARC record at all, or
    none that is an HTML response (``passed``: what its records were)."""
    if n == 0:
        return Record(f"{stem}-unreadable", "text", b"", None, "unreadable",
                      error=("reject.unreadable", "no WARC record found: not a WARC file"))
    held = ", ".join(f"{count} {kind}" for kind, count in sorted(passed.items()))
    return Record(f"{stem}-empty", "text", b"", None, sha256(held.encode()),
                  error=("reject.no-record", f"no HTML response among its {n} WARC records ({held})"))


def site_of(meta: dict) -> str | None:
    """The site's host name (what per-site rules are keyed by): ``site``, else the URL's host."""
    url = meta.get("url") or None
    site = meta.get("site") or (urlsplit(url).hostname if isinstance(url, str) else None)
    return site[4:] if site and site.startswith("www.") else site
