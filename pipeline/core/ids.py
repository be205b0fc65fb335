"""Article ids: how an input's path becomes an id, which ids a person may ask for, and the
one safe file name an id is written under.

- A single-article file's id is its path relative to the raw folder, ``/``-separated,
  without one format suffix (``.txt``, ``.text``, ``.html``, ``.htm``, ``.jsonl``,
  ``.warc``) and an optional ``.gz``: ``raw/2026-12-04/bbc.co.uk_news_01.html.gz`` gives
  ``2026-12-04/bbc.co.uk_news_01``. Dots inside the name stay; two ``index.html`` in two
  folders are two articles; only two files that differ in that suffix alone clash.
- Its sidecar is the same path with ``.meta.json`` for the suffix.
- A record of a JSONL or WARC file keeps its own id when it is a plain name, else the
  name ``safe_name`` gives it (``record_id``: two different ids never become one); records
  without one are named after their URL or the file's id (``dump/2026.01-L3``).

Pure: string functions only.
"""
from __future__ import annotations

import hashlib
import re

FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".warc": "warc"}
FORMAT_SUFFIXES = tuple(FORMATS)  # the suffixes an input's name may end with (then an optional .gz)
SIDECAR = ".meta.json"
PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
HASHED = re.compile(r"--[0-9a-f]{10}$")  # the tail safe_name gives a name it rewrote
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
URN_UUID = re.compile(r"<?urn:uuid:([0-9A-Za-z-]+)>?", re.I)  # a WARC-Record-ID, as datatrove copies it too


class IdError(ValueError):
    """An id a person typed that cannot name an input (``..``, a leading ``/``, ...)."""


def strip_format_suffix(name: str) -> str:
    """``name`` without an optional ``.gz`` and then one format suffix (case kept)."""
    stem = name[:-3] if name.lower().endswith(".gz") else name
    low = stem.lower()
    for suffix in FORMAT_SUFFIXES:
        if low.endswith(suffix) and len(stem) > len(suffix):
            return stem[:-len(suffix)]
    return name  # not an input's name: left whole


def printable_path(rel: str) -> str:
    """``rel`` as an output can hold it: each byte of a name that is not UTF-8 (which
    ``os.fsdecode`` keeps as a surrogate escape, which no UTF-8 output can hold) written
    ``%XX`` (``caf\\xe9.txt`` gives ``caf%E9.txt``)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(f"%{ord(c) - 0xDC00:02X}" if 0xDC80 <= ord(c) <= 0xDCFF else c for c in rel)
    return rel


ESCAPED_BYTE = re.compile(r"%([89A-F][0-9A-F])")


def undecoded_path(rel: str) -> str | None:
    """The path whose ``printable_path`` is ``rel``, when ``rel`` holds an escaped byte; else None."""
    if ESCAPED_BYTE.search(rel) is None:
        return None
    return ESCAPED_BYTE.sub(lambda m: chr(0xDC00 + int(m[1], 16)), rel)


def input_id(rel: str) -> str:
    """The id of the single-article file at ``rel`` (relative to raw/, ``/``-separated)."""
    return strip_format_suffix(rel.replace("\\", "/").lstrip("/"))


def sidecar_name(name: str) -> str:
    """The file name of the sidecar of the input named ``name``: ``x.y.html`` gives ``x.y.meta.json``."""
    return strip_format_suffix(name) + SIDECAR


def check_id(article_id: str) -> str:
    """``article_id`` when it could name an input; raises IdError with the reason otherwise.

    Refused: the empty id, a leading ``/``, a path segment that is empty (``a//b``) or
    starts with a dot (``..``, ``.git``: hidden files and folders are never read), a
    backslash and control characters."""
    if not article_id:
        raise IdError("refusing id '': an empty id names no article")
    if article_id.startswith("/"):
        raise IdError(f"refusing id {article_id!r}: an id is relative to the raw folder (no leading '/')")
    if any(ord(c) < 32 or c == "\\" for c in article_id):
        raise IdError(f"refusing id {article_id!r}: an id holds no backslash or control characters")
    segments = article_id.split("/")
    if any(not s or s.startswith(".") for s in segments):
        raise IdError(f"refusing id {article_id!r}: no '..', hidden or empty path segment in an id")
    return article_id


def safe_name(key: str) -> str:
    """The file name stem an article or rule id is written under (report pages, exports).

    A plain name stays as it is; any other id becomes a readable plain name (every run of
    other characters, ``/`` among them, made ``_``) with a digest of the whole id, so that
    two ids never share a file and no id can climb out of its folder."""
    if PLAIN_NAME.match(key) and not HASHED.search(key):
        return key
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=5).hexdigest()
    readable = UNSAFE.sub("_", key).strip("._-")[:100]
    return f"{readable}--{digest}" if readable else f"x-{digest}"


def record_id(value: object) -> str | None:
    """A JSONL or WARC record's own id as its article id: ``safe_name`` of it, so that two
    records' different ids stay different ids (``a b`` and ``a  b``, a URL with and without
    its last ``/``, were one, and the second record was rejected as a duplicate) and the id
    is the name its files are written under. Two forms are one id on purpose: white space
    around an id is dropped (``" a"`` is ``a``), and a URN of a UUID (``<urn:uuid:...>``, a
    WARC record's id and datatrove's copy of it) is its UUID. None when it holds no plain
    character: the record is then named after its URL or its line."""
    text = str(value).strip()
    found = URN_UUID.fullmatch(text)
    text = found[1] if found else text
    if not UNSAFE.sub("", text).strip("._-"):
        return None
    return safe_name(text)
