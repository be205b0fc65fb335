"""What kind of input a stream of bytes with no file name is (``newsclean clean -``):
WARC, JSON Lines, HTML or plain text, from its first bytes. Pure."""
from __future__ import annotations

import json
import re
import zlib

from newsclean.pipeline.ingest.inputs import GZIP_MAGIC, json_encoding, looks_like_html

HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:!doctype|html|head|body|meta|title|div|article|p)[\s>]", re.I)
EXAMPLES = {  # first bytes -> format (a test checks them)
    b"WARC/1.0\r\nWARC-Type: warcinfo\r\n": "warc",
    b'{"id": "a", "text": "Hello."}\n{"id": "b", "text": "Bye."}\n': "jsonl",
    b"<!DOCTYPE html><html><body><p>Hi</p></body></html>": "html",
    b"  <html lang=en><p>Hi</p>": "html",
    b"<p>A fragment of a page.</p>": "html",
    b"Prices rose 5% this year, the company said.\n\n{not json}": "text",
    b"{not json at all}\nsecond line": "text",
    b"A <b>bold</b> claim in a plain text.": "text",
    '\ufeff{"id": "a", "text": "Hello."}\n'.encode("utf-16-le"): "jsonl",
    '{"id": "a", "text": "Hello."}\n'.encode("utf-32"): "jsonl",
    "A plain text in UTF-16.\n".encode("utf-16"): "text",
}


def sniff_format(data: bytes) -> str:
    """warc, jsonl, html or text (the default: anything else is read as plain text)."""
    head = data[:65536]
    if head.startswith(GZIP_MAGIC):
        try:  # the first bytes only: a gzip bomb is not inflated whole
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 65536)
        except zlib.error:
            return "text"
    bom, encoding = json_encoding(head)
    if encoding is not None:  # UTF-16 or UTF-32 (a Windows tool's JSONL): its first lines as UTF-8
        head = head[len(bom):len(bom) + 16384].decode(encoding, "ignore").encode("utf-8", "surrogatepass")
    if head.lstrip().startswith(b"WARC/"):
        return "warc"
    first = next((line for line in head.splitlines() if line.strip()), b"")
    if first.lstrip().startswith(b"{"):
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except (ValueError, RecursionError):  # RecursionError: brackets nested too deep
            pass
    if looks_like_html(head) or HTML_START.match(head):
        return "html"
    return "text"
