"""Issue 19 point 5: a record that inflates past max_input_bytes is rejected as soon as it
passes the limit, read with bounded buffers (a 4.2 MB x.jsonl.gz inflating to 4 GiB without
a newline reached 8.5 GB). Modest bombs here (160 MB inflated) against a 1 MB limit; peak
Python memory under tracemalloc. bench/bomb.py measures the 4 GiB one. The tests fail on the
main of 2026-12-06 (its peak was the whole line)."""
import gzip
import os
import tracemalloc

from warcio.utils import BUFF_SIZE

from newsclean.pipeline import io

LIMIT = 1_000_000
BOMB = 160 * 2**20  # bytes inflated
PEAK = 8 * 2**20  # what reading may hold at most: a few times the limit, never the bomb
# warcio inflates a gzip WARC one 16 KiB block at a time, which deflate's ratio (at most about
# 1032 to 1) can make 16.5 MB: bounded, whatever the bomb's size
WARC_PEAK = PEAK + 1100 * BUFF_SIZE
GOOD = b'{"id": "good", "text": "A headline about the council\\n\\nThe council met on Monday and agreed."}\n'


def gzip_with(path, head: bytes, fill: bytes, size: int, tail: bytes = b"") -> None:
    """``head``, ``size`` bytes of ``fill`` and ``tail``, gzip-compressed, written in chunks."""
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(head)
        chunk = fill * (2**20 // len(fill))
        for _ in range(size // len(chunk)):
            fh.write(chunk)
        fh.write(tail)


def peak_reading(raw, name: str) -> tuple[list, int]:
    tracemalloc.start()
    try:
        records = list(io.iter_records(raw, name, LIMIT))
        return records, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_gzip_jsonl_bomb_without_newline(tmp_path):
    gzip_with(tmp_path / "x.jsonl.gz", GOOD + b'{"id": "bomb", "text": "', b"a", BOMB)
    records, peak = peak_reading(tmp_path, "x.jsonl.gz")
    assert [r.id for r in records] == ["good", "x-L2"] and records[0].error is None
    assert records[1].error[0] == "reject.too-large" and f"{BOMB + 24:,} bytes" in records[1].error[1]
    assert peak < PEAK, f"{peak:,} bytes"


def test_plain_jsonl_line_over_the_limit(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(GOOD)
    os.truncate(path, BOMB)  # a sparse tail of NUL bytes: one line of 160 MB after the good one
    with open(path, "ab") as fh:
        fh.write(b"\n" + GOOD.replace(b"good", b"after"))
    records, peak = peak_reading(tmp_path, "x.jsonl")
    assert [r.id for r in records] == ["good", "x-L2", "after"]
    assert records[1].error[0] == "reject.too-large" and records[2].error is None
    assert peak < PEAK, f"{peak:,} bytes"


def warc_head(length: int) -> bytes:
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/a\r\n"
            b"WARC-Record-ID: <urn:uuid:big-1>\r\nContent-Type: application/http; msgtype=response\r\n"
            b"Content-Length: %d\r\n\r\n" % length)


def test_gzip_warc_record_over_the_limit(tmp_path):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    gzip_with(tmp_path / "x.warc.gz", warc_head(len(http) + BOMB) + http, b"a", BOMB, b"\r\n\r\n")
    records, peak = peak_reading(tmp_path, "x.warc.gz")
    assert [(r.id, r.error[0]) for r in records] == [("big-1", "reject.too-large")]
    assert peak < WARC_PEAK, f"{peak:,} bytes"


def test_gzip_warc_header_line_without_end(tmp_path):
    gzip_with(tmp_path / "x.warc.gz", b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/", b"a", BOMB)
    records, peak = peak_reading(tmp_path, "x.warc.gz")
    assert [r.error[0] for r in records] == ["reject.unreadable"] and "header line" in records[0].error[1]
    assert peak < WARC_PEAK, f"{peak:,} bytes"


def test_gzip_text_bomb(tmp_path):
    """A single-article x.txt.gz is inflated at most to the limit (this already held on main)."""
    gzip_with(tmp_path / "x.txt.gz", b"A headline\n\n", b"a", BOMB)
    tracemalloc.start()
    try:
        record = io.read_record(tmp_path, "x.txt.gz", LIMIT)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert record.error[0] == "reject.bad-gzip" and "more than max_input_bytes" in record.error[1]
    assert peak < PEAK, f"{peak:,} bytes"
