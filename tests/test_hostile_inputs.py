"""Issue 19 point 4 (and issue 13 point 6's WARC status): inputs that made planning raise
(so that nothing was written and every later run failed the same way) are rejected inputs
with their reason, the rest of the batch cleaned; files that hold no record are logged.
Every test here fails on the main of 2026-12-06 (planning raised, or the file vanished)."""
import io as stdio
import json
import os
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from .operations_support import cli, make_raw, manifest, records

pytestmark = pytest.mark.integration  # every test here runs newsclean end to end (tests/test_markers.py)

PAGE = ("<html><head><title>Council backs the new library</title></head><body><article>"
        "<h1>Council backs the new library</h1>"
        + "".join(f"<p>The council met on Monday and agreed, in a vote of {n} to two, to build the new library "
                  "in the town centre, the mayor said.</p>" for n in range(5, 12))
        + "</article></body></html>")
STORY = ("Council backs the new library\n\nThe council met on Monday and agreed, in a vote of five to two, "
         "to build the new library in the town centre, the mayor said.\n")


def warc_record(uri: str | None, status: str = "200 OK", rid: str = "r-1", body: str = PAGE) -> bytes:
    """One WARC/1.0 response record, written by hand (warcio's writer always sets the URI)."""
    payload = body.encode()
    http = (f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
    head = "WARC/1.0\r\nWARC-Type: response\r\n" + (f"WARC-Target-URI: {uri}\r\n" if uri else "") + \
        f"WARC-Record-ID: <urn:uuid:{rid}>\r\nContent-Type: application/http; msgtype=response\r\n" \
        f"Content-Length: {len(http)}\r\n\r\n"
    return head.encode() + http + b"\r\n\r\n"


def non_http_warc() -> bytes:
    """A WARC file of a warcinfo and a request record: no response, nothing to clean."""
    buf = stdio.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    writer.write_record(writer.create_warc_record("https://example.org/a", "request",
                                                  payload=stdio.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")))
    return buf.getvalue()


# name -> (how to make it in raw/, the id it is logged under, the rule it is rejected by)
HOSTILE = {
    "symlink-loop": (lambda raw: (os.symlink("loop-b.txt", raw / "loop-a.txt"), os.symlink("loop-a.txt", raw / "loop-b.txt")),
                     "loop-a", "reject.unreadable"),
    "warc-without-uri": (lambda raw: (raw / "nouri.warc").write_bytes(warc_record(None, rid="no-uri-1")),
                         "no-uri-1", "reject.bad-record"),
    "name-not-utf8": (lambda raw: Path(os.fsdecode(os.fsencode(raw) + b"/caf\xe9.txt")).write_bytes(
        b"Headline of a story whose file name is Latin-1\n\nThe council met on Monday and agreed to build it.\n"),
        "caf%E9", "reject.bad-name"),
    "nested-json": (lambda raw: (raw / "deep.jsonl").write_bytes(b"[" * 100_000 + b"]" * 100_000 + b"\n"),
                    "deep-L1", "reject.bad-record"),
    "warc-header-only": (lambda raw: (raw / "bare.warc").write_bytes(b"WARC/1.0\r\n"), "bare-empty", "reject.no-record"),
    "warc-non-http": (lambda raw: (raw / "info.warc").write_bytes(non_http_warc()), "info-empty", "reject.no-record"),
    "warc-404": (lambda raw: (raw / "gone.warc").write_bytes(warc_record("https://example.org/gone", "404 Not Found",
                                                                         rid="gone-1", body="<html><body><h1>Not found</h1>"
                                                                         "<p>The page you asked for is not here. "
                                                                         "Try the search box or go back home.</p>"
                                                                         "</body></html>")),
                 "gone-1", "reject.warc-status"),
    # metadata that is not text: a number reached the corpus's string columns, an object failed
    # the metadata stage as "a bug" (reject.error)
    "sidecar-number": (lambda raw: ((raw / "stamped.txt").write_text(STORY), (raw / "stamped.meta.json").write_text(
        '{"published": 1733616000, "title": "Council backs the new library"}')), "stamped", "reject.bad-sidecar"),
    # a WARC file cut inside its last record: warcio reads it as a shorter record, and its
    # first part was cleaned as the whole page
    "warc-cut-short": (lambda raw: (raw / "cut.warc").write_bytes(
        warc_record("https://example.org/cut", rid="cut-1")[:-400]),
        "cut-1", "reject.unreadable"),
    "jsonl-object-title": (lambda raw: (raw / "meta.jsonl").write_text(
        json.dumps({"id": "obj-title", "text": STORY, "title": {"en": "Council backs the new library"}}) + "\n"),
        "obj-title", "reject.bad-record"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_input_is_rejected_with_its_reason_and_the_batch_is_cleaned(tmp_path, kind):
    make, rid, rule = HOSTILE[kind]
    raw = make_raw(tmp_path / "raw")
    make(raw)
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0
    log = json.loads(records(tmp_path / "out", "changelog")[rid])
    assert log["status"] == "rejected" and log["changes"][0]["rule"] == rule and log["changes"][0]["detail"]
    assert rid in {r["id"] for r in manifest(tmp_path / "out")["rejected"]}
    assert len(records(tmp_path / "out")) == 5  # every seed article cleaned
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0  # and the next run too


def test_hostile_inputs_in_one_batch_leave_good_articles_exactly_as_alone(tmp_path):
    raw = make_raw(tmp_path / "raw")
    for make, _, _ in HOSTILE.values():
        make(raw)
    (raw / "good.warc").write_bytes(warc_record("https://example.org/library", rid="good-1")
                                    + warc_record("https://example.org/missing", "404 Not Found", rid="missing-1"))
    alone = make_raw(tmp_path / "alone")
    (alone / "good.warc").write_bytes(warc_record("https://example.org/library", rid="good-1"))
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0
    assert cli("run", "--raw", alone, "--out", tmp_path / "alone-out", "--quiet") == 0
    logs = {i: json.loads(line) for i, line in records(tmp_path / "out", "changelog").items()}
    for _, rid, rule in HOSTILE.values():
        assert logs[rid]["changes"][0]["rule"] == rule
    assert logs["missing-1"]["changes"][0]["rule"] == "reject.warc-status"
    assert "404 Not Found" in logs["missing-1"]["changes"][0]["detail"]
    good = records(tmp_path / "alone-out")
    assert set(good) == set(records(tmp_path / "out")) and "good-1" in good
    assert records(tmp_path / "out") == good
    alone_logs = records(tmp_path / "alone-out", "changelog")
    assert {i: records(tmp_path / "out", "changelog")[i] for i in alone_logs} == alone_logs


def test_a_warc_2xx_page_is_cleaned_and_its_404_sibling_is_not_an_article(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "crawl.warc").write_bytes(warc_record("https://example.org/a", rid="ok-1")
                                     + warc_record("https://example.org/b", "301 Moved Permanently", rid="moved-1"))
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0
    assert set(records(tmp_path / "out")) == {"ok-1"}
    log = json.loads(records(tmp_path / "out", "changelog")["moved-1"])
    assert log["changes"][0]["rule"] == "reject.warc-status" and "301" in log["changes"][0]["detail"]


def test_duplicate_ids_are_logged_under_id_at_path(tmp_path, capsys):
    """Issue 19 point 8: a duplicate-id rejection was in the manifest only; it is in the change
    log under id@path, so that the id itself keeps one change-log record."""
    raw = make_raw(tmp_path / "raw")
    seed = sorted(raw.glob("*.txt"))[0]
    (raw / f"{seed.stem}.html").write_text(PAGE)
    out = tmp_path / "out"
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    logs = records(out, "changelog")  # fails on an id written twice
    key = f"{seed.stem}@{seed.name}"  # the first input by path (.html before .txt) keeps the id
    log = json.loads(logs[key])
    assert log["status"] == "rejected" and log["changes"][0]["rule"] == "reject.duplicate-id"
    assert f"already taken by {seed.stem}.html" in log["changes"][0]["detail"]
    assert json.loads(logs[seed.stem])["status"] == "cleaned"
    assert [r["id"] for r in manifest(out)["rejected"]] == [key]
    assert cli("verify", "--out", out) == 0
    assert cli("show", key, "--out", out) == 0 and "REJECTED" in capsys.readouterr().out
    assert cli("run", "--raw", raw, "--out", out, "--quiet") == 0
    assert manifest(out)["removed"] == [] and records(out, "changelog") == logs


def test_a_file_named_at_the_file_systems_limit_is_cleaned(tmp_path):
    """Its sidecar's name (`.meta.json` for `.txt`) is 6 bytes longer than the limit allows:
    looking for it raised ENAMETOOLONG and the article was rejected as reject.unreadable."""
    raw = make_raw(tmp_path / "raw")
    stem = "x" * (os.pathconf(raw, "PC_NAME_MAX") - len(".txt"))
    (raw / f"{stem}.txt").write_text(STORY)
    assert cli("run", "--raw", raw, "--out", tmp_path / "out", "--quiet") == 0
    assert json.loads(records(tmp_path / "out", "changelog")[stem])["status"] == "cleaned"
    assert stem in records(tmp_path / "out")
