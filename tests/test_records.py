"""Record inputs: JSONL and WARC files (one article per record), gzip-compressed files, and
how a batch plans, cleans and re-cleans them per record."""
import gzip
import io as stdio
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsclean.pipeline import io
from newsclean.pipeline.core import ids
from newsclean.pipeline.core.article import RejectedInput
from newsclean.pipeline.core.ids import record_id, safe_name
from newsclean.pipeline.ingest.inputs import expand, url_id
from newsclean.tasks.commands.cli import main

pytestmark = pytest.mark.integration

PAGES = Path(__file__).resolve().parent / "fixtures" / "html"
PAGE = gzip.decompress((PAGES / "aeb-360c732d.html.gz").read_bytes()).decode("utf-8")
OTHER = gzip.decompress((PAGES / "aeb-3f65af7b.html.gz").read_bytes()).decode("utf-8")
TEXT = ("Officials said on Monday that the bridge would reopen next spring after repairs.\n"
        "The repairs cost more than expected, the city council said in a statement.\n")


def records(out: Path, kind: str) -> dict:
    return {r["id"]: r for p in sorted((out / kind).glob("*.jsonl")) for r in io.read_jsonl(p)}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def jsonl(*recs) -> bytes:
    return b"".join((r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in recs)


def make_warc(path: Path, pages: list[tuple[str, str, str]], gz: bool = True) -> None:
    """(record id, url, html) responses, plus a request and a non-HTML response that are skipped."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for rid, url, html in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=stdio.BytesIO(html.encode("utf-8")), http_headers=http,
                warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{rid}>"}))
        writer.write_record(writer.create_warc_record("https://example.org/a", "request", payload=stdio.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/logo.png", "response",
                                                      payload=stdio.BytesIO(b"\x89PNG..."), http_headers=img))


def test_jsonl_records(tmp_path):
    data = jsonl(
        {"id": "a/1", "url": "https://www.cityam.com/x", "html": PAGE, "text": "ignored: html wins"},
        {"url": "https://example.org/news/2", "text": TEXT, "title": "Bridge to reopen"},
        b"{not json",
        {"id": "only-meta"},
    )
    recs = list(expand("dump.jsonl", stdio.BytesIO(data), 10_000_000))
    assert [r.id for r in recs] == [safe_name("a/1"), url_id("https://example.org/news/2"), "dump-L3", "only-meta"]
    assert recs[0].format == "html" and recs[0].meta["url"] == "https://www.cityam.com/x"
    assert recs[1].format == "text" and recs[1].meta["title"] == "Bridge to reopen"
    assert recs[2].error[0] == "reject.bad-record" and "line 3" in recs[2].error[1]
    assert recs[3].error[0] == "reject.bad-record"
    assert len({r.sha256 for r in recs}) == 4


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_a_jsonl_file_in_utf16_or_utf32_reads_as_its_records(tmp_path, encoding):
    """Split at byte 0x0a as UTF-8, a UTF-16 file's lines were cut inside characters: each
    record was rejected as 'not JSON' with a codec's complaint ("'utf-16-le' codec can't
    decode byte 0x0a ..."), or read by chance. With a BOM (utf-16, utf-32) or without."""
    lines = [{"id": "ru", "text": "Заголовок\n\nПервый абзац 😀."}, {"id": "en", "text": TEXT, "title": "Bridge"}]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in lines)
    want = [(r.id, r.format, r.data, r.meta, r.error) for r in expand("d.jsonl", stdio.BytesIO(text.encode()), 1_000_000)]
    assert [w[0] for w in want] == ["ru", "en"] and not any(w[4] for w in want)
    data = text.encode(encoding)
    (tmp_path / "d.jsonl").write_bytes(data)
    (tmp_path / "d.jsonl.gz").write_bytes(gzip.compress(data))
    for name in ("d.jsonl", "d.jsonl.gz"):
        assert [(r.id, r.format, r.data, r.meta, r.error) for r in io.read_records(tmp_path, name, 1_000_000)] == want
    (tmp_path / "cut.jsonl").write_bytes(data[:-1])  # a file cut inside a character
    cut = io.read_records(tmp_path, "cut.jsonl", 1_000_000)
    assert [r.id for r in cut] == ["ru", "cut-unreadable"] and "truncated data" in cut[1].error[1]


def test_one_bad_utf16_code_unit_rejects_its_line_only(tmp_path):
    """A lone surrogate in a UTF-16 file made the strict decoder fail on its whole 64 KB chunk:
    the records before it in the chunk and every one after were one reject.unreadable (1,000
    records, a bad unit before the 500th: 262 cleaned). As in a UTF-8 file, its line alone goes."""
    lines = [json.dumps({"id": f"r{k}", "text": f"Paragraph {k} of the story."}) + "\n" for k in range(1000)]
    data = "".join(lines[:499]).encode("utf-16") + "\ud800".encode("utf-16-le", "surrogatepass") \
        + "".join(lines[499:]).encode("utf-16-le")
    (tmp_path / "big.jsonl").write_bytes(data)
    recs = io.read_records(tmp_path, "big.jsonl", 10_000_000)
    bad = [r for r in recs if r.error]
    assert len(recs) == 1000 and [r.id for r in bad] == ["big-L500"]
    assert [r.id for r in recs if not r.error] == [f"r{k}" for k in range(1000) if k != 499]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_a_sidecar_in_utf16_or_with_a_utf8_bom_is_read(tmp_path, encoding):
    """A sidecar was read as UTF-8 without a BOM: Notepad's UTF-8 BOM was 'Unexpected UTF-8
    BOM', UTF-16 "'utf-8' codec can't decode byte 0xff": the article rejected (reject.bad-sidecar)."""
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "a.meta.json").write_bytes('{"title": "Мост", "url": "https://example.org/a"}'.encode(encoding))
    rec = io.read_record(tmp_path, "a.txt", 1_000_000)
    assert rec.error is None and rec.meta == {"title": "Мост", "url": "https://example.org/a"}
    (tmp_path / "a.meta.json").write_bytes(b'{"title": "\xed\xa0\x80"}')  # a surrogate in UTF-8: still refused
    with pytest.raises(RejectedInput, match="is not valid JSON"):
        io.read_record(tmp_path, "a.txt", 1_000_000)


@pytest.mark.parametrize("value, plain", [
    ("abc-1.x", "abc-1.x"), (" abc ", "abc"), ("a/b c", safe_name("a/b c")), ("../../etc", safe_name("../../etc")),
    ("...", None), ("<>", None), (42, "42"), ("<urn:uuid:1b-2c>", "1b-2c"), ("urn:uuid:1b-2c", "1b-2c"),
    ("x" * 151, "x" * 151), ("x" * 152, safe_name("x" * 152)),
])
def test_record_ids(value, plain):
    assert record_id(value) == plain
    assert plain is None or safe_name(plain) == plain or ids.HASHED.search(plain)  # the file it is written under


def test_different_record_ids_stay_different_ids(tmp_path):
    """plain_id made every run of other characters '_' and stripped the ends, so 'a b' and
    'a  b', or a URL with and without its last '/', were one id: the second record, another
    article, was rejected as reject.duplicate-id."""
    given = ["https://example.com/news/a", "https://example.com/news/a/", "a b", "a  b", "a_b", "A_B"]
    recs = list(expand("d.jsonl", stdio.BytesIO(jsonl(*({"id": i, "text": TEXT} for i in given))), 1_000_000))
    assert len({r.id for r in recs}) == len(given) and recs[4].id == "a_b" and recs[5].id == "A_B"
    assert all(ids.check_id(r.id) == r.id for r in recs)  # show and rebuild take each


def test_warc_records(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    make_warc(path, [("1111-aaaa", "https://www.cityam.com/a", PAGE), ("2222-bbbb", "https://www.nj.com/b", OTHER)])
    recs = io.read_records(tmp_path, path.name, 10_000_000)
    assert [(r.id, r.format, r.meta["url"], r.charset) for r in recs] == [
        ("1111-aaaa", "html", "https://www.cityam.com/a", "utf-8"), ("2222-bbbb", "html", "https://www.nj.com/b", "utf-8")]
    assert recs[0].data.decode("utf-8") == PAGE


def test_batch_over_jsonl_warc_and_gzip_is_incremental_per_record(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "dump.jsonl").write_bytes(jsonl({"id": "j1", "html": PAGE}, {"id": "j2", "text": TEXT}, {"id": "j1", "text": TEXT}))
    make_warc(raw / "crawl.warc", [("w-1", "https://www.nj.com/b", OTHER)], gz=False)
    (raw / "page.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (raw / "note.txt.gz").write_bytes(gzip.compress(TEXT.encode()))
    assert main(["run", "--raw", str(raw), "--out", str(out)]) == 0
    corpus = records(out, "corpus")
    assert sorted(corpus) == ["j1", "j2", "note", "page", "w-1"]
    assert corpus["j1"]["source"]["path"] == "dump.jsonl" and corpus["j1"]["source"]["format"] == "html"
    assert corpus["w-1"]["url"] == "https://www.nj.com/b" and corpus["w-1"]["site"] == "nj.com"
    assert corpus["note"]["source"]["format"] == "text" and "bridge would reopen" in corpus["note"]["text"]
    assert corpus["page"]["text"] == corpus["j1"]["text"]
    assert manifest(out)["counts"]["rejected"] == 1  # the second j1 in dump.jsonl
    assert "Read more:" not in corpus["page"]["text"]

    # a record changes: only it is cleaned again, the other records of its file are reused
    (raw / "dump.jsonl").write_bytes(jsonl({"id": "j1", "html": PAGE}, {"id": "j2", "text": TEXT + "The mayor said the opening ceremony would take place in April.\n"},
                                           {"id": "j1", "text": TEXT}))
    assert main(["run", "--raw", str(raw), "--out", str(out)]) == 0
    counts = manifest(out)["counts"]
    assert counts["cleaned"] == 1 and counts["unchanged"] == 4
    assert "opening ceremony" in records(out, "corpus")["j2"]["text"]

    assert main(["rebuild", "w-1", "--raw", str(raw), "--out", str(out)]) == 0
    assert records(out, "corpus")["w-1"] == corpus["w-1"]


def test_clean_command_reads_every_format(tmp_path, capsys):
    (tmp_path / "dump.jsonl").write_bytes(jsonl({"id": "j1", "html": PAGE}, {"id": "j2", "text": TEXT}))
    assert main(["clean", str(tmp_path / "dump.jsonl")]) == 0  # JSON Lines: one corpus record per line
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["j1", "j2"]
    assert main(["clean", str(PAGES / "aeb-3f65af7b.html.gz")]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["source"]["format"] == "html" and one["title"].startswith("South Dakota")


def test_broken_files_are_rejected_not_fatal(tmp_path):
    (tmp_path / "bad.warc.gz").write_bytes(b"this is not a warc file at all")
    (tmp_path / "bad.html.gz").write_bytes(b"not gzip")
    recs = io.read_records(tmp_path, "bad.warc.gz", 1_000_000)
    assert len(recs) == 1 and recs[0].error[0] == "reject.unreadable"
    rec = io.read_record(tmp_path, "bad.html.gz", 1_000_000)
    assert rec.error[0] == "reject.bad-gzip"


def test_a_gz_article_is_read_whole_or_rejected_never_in_part(tmp_path):
    """A truncated x.txt.gz was cleaned from what it held (the article's end gone, no log
    entry), and of a file of two gzip members (`cat a.gz b.gz`, which zcat reads whole) only
    the first was read."""
    whole = TEXT.encode() * 40
    (tmp_path / "cut.txt.gz").write_bytes(gzip.compress(whole)[:-200])
    cut = io.read_record(tmp_path, "cut.txt.gz", 1_000_000)
    assert cut.error[0] == "reject.bad-gzip" and "ends before its end marker" in cut.error[1]
    half = len(whole) // 2
    (tmp_path / "two.txt.gz").write_bytes(gzip.compress(whole[:half]) + gzip.compress(whole[half:]) + b"\0" * 64)
    two = io.read_record(tmp_path, "two.txt.gz", 1_000_000)
    assert two.error is None and two.data == whole
    (tmp_path / "tail.txt.gz").write_bytes(gzip.compress(whole) + b"trailing bytes")
    assert io.read_record(tmp_path, "tail.txt.gz", 1_000_000).error[0] == "reject.bad-gzip"
    (tmp_path / "big.txt.gz").write_bytes(gzip.compress(whole[:half]) + gzip.compress(whole[half:]))
    assert "more than max_input_bytes" in io.read_record(tmp_path, "big.txt.gz", len(whole) - 1).error[1]


def test_planning_and_loading_a_jsonl_file_hold_one_record_at_a_time(tmp_path):
    """list_inputs (the batch plan) and a shard's RecordReader stream a multi-record file:
    their peak memory is about a record's, not the file's (here 200 records of 40 KB: 8 MB)."""
    import tracemalloc

    body = "A sentence of the article that goes on for a while. " * 780  # about 40 KB
    with open(tmp_path / "big.jsonl", "w", encoding="utf-8") as fh:
        for i in range(200):
            fh.write(json.dumps({"id": f"a{i}", "text": f"Story {i}. {body}"}) + "\n")
    assert (tmp_path / "big.jsonl").stat().st_size > 8_000_000
    tracemalloc.start()
    try:
        listed = io.list_inputs(tmp_path, 10_000_000)
        _, plan_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        reader = io.RecordReader(tmp_path, 10_000_000, [("a7", "big.jsonl"), ("a150", "big.jsonl")])
        assert b"Story 150." in reader("a150", "big.jsonl").data and b"Story 7." in reader("a7", "big.jsonl").data
        _, load_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [row[0] for row in listed] == [f"a{i}" for i in range(200)]
    assert plan_peak < 1_500_000, plan_peak  # the whole file's records would be over 8 MB
    assert load_peak < 1_500_000, load_peak  # two records kept, the other 198 passed over
