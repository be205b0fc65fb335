"""The phases of reading a WARC file (pipeline/ingest/inputs.py warc_records): which records
are passed over and as what, a record's id, a response's record or its rejection, and the
rejection of a file that gave no article."""
import io as stdio
from collections import Counter

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsclean.pipeline.ingest.inputs import no_article, passed_over, response_record, warc_id, warc_iterator

PAGE = "<html><body><p>The council voted on Tuesday.</p></body></html>"


def warc(*records) -> bytes:
    """(url, type, content type or None, status, record id or None) records, in a WARC file."""
    out = stdio.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for url, kind, ctype, status, rid in records:
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1") if ctype else None
        headers = {"WARC-Record-ID": f"<urn:uuid:{rid}>"} if rid else None
        payload = b"GET / HTTP/1.1\r\n\r\n" if kind == "request" else PAGE.encode()
        writer.write_record(writer.create_warc_record(url, kind, payload=stdio.BytesIO(payload), http_headers=http,
                                                      warc_headers_dict=headers))
    return out.getvalue()


def read(data: bytes, limit: int = 1_000_000):
    """Each record's (passed over as, id, record or None), read as warc_records reads them."""
    out = []
    for n, rec in enumerate(warc_iterator(stdio.BytesIO(data)), start=1):
        skipped = passed_over(rec)
        aid = warc_id(rec, "crawl", n)
        out.append((skipped, aid, None if skipped else response_record(rec, aid, n, limit)))
    return out


def test_passed_over_and_ids():
    got = read(warc(("https://example.org/a", "response", "text/html; charset=utf-8", "200 OK", "1111-aaaa"),
                    ("https://example.org/a", "request", None, "", None),
                    ("https://example.org/logo.png", "response", "image/png", "200 OK", "2222-bbbb")))
    assert [g[0] for g in got] == [None, "request", "non-HTML response"]
    assert got[0][1] == "1111-aaaa" and got[0][2].charset == "utf-8" and got[0][2].data.decode() == PAGE


def test_response_record_rejects_errors_and_oversize_bodies():
    (_, _, not_found), = read(warc(("https://example.org/gone", "response", "text/html", "404 Not Found", "3333")))
    assert not_found.error[0] == "reject.warc-status" and "404" in not_found.error[1] and not_found.data == b""
    (_, _, big), = read(warc(("https://example.org/a", "response", "text/html", "200 OK", "4444")), limit=10)
    assert big.error == ("reject.too-large", "WARC record is over max_input_bytes=10 bytes")


def test_no_article():
    assert no_article("crawl", 0, Counter()).error[0] == "reject.unreadable"
    empty = no_article("crawl", 3, Counter({"request": 2, "non-HTML response": 1}))
    assert empty.id == "crawl-empty"
    assert empty.error == ("reject.no-record", "no HTML response among its 3 WARC records (1 non-HTML response, 2 request)")
